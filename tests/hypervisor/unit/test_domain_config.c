// SPDX-License-Identifier: MIT
/* Boot-module command lines -> domain settings, and every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>

static struct domain_config cfg;

static void defaults(void **state)
{
	(void)state;
	const char *why;

	assert_int_equal(domain_config_parse("", &cfg, &why), 0);
	assert_string_equal(cfg.name, "domain");
	assert_int_equal(cfg.mem_size, 16ULL << 20);
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.weight, DEFAULT_WEIGHT);
	assert_int_equal(cfg.cap, 0);
	assert_string_equal(cfg.expect, "pass");
	assert_string_equal(cfg.cmdline, "");
}

static void full(void **state)
{
	(void)state;
	const char *why;

	assert_int_equal(domain_config_parse("name=web-1 mem=33M vcpus=2 weight=512 cap=50 "
					     "expect=crash -- console=hvc0 root=/dev/xvda -- x",
					     &cfg, &why),
			 0);
	assert_string_equal(cfg.name, "web-1");
	assert_int_equal(cfg.mem_size, 34ULL << 20); /* rounded up to 2 MiB */
	assert_int_equal(cfg.vcpus, 2);
	assert_int_equal(cfg.weight, 512);
	assert_int_equal(cfg.cap, 50);
	assert_string_equal(cfg.expect, "crash");
	assert_string_equal(cfg.cmdline, "console=hvc0 root=/dev/xvda -- x");
	/* A lone leading "--". */
	assert_int_equal(domain_config_parse("-- quiet", &cfg, &why), 0);
	assert_string_equal(cfg.cmdline, "quiet");
	assert_int_equal(domain_config_parse("name=a --", &cfg, &why), 0);
	assert_string_equal(cfg.cmdline, "");
	/* "--x" is not the separator. */
	assert_int_equal(domain_config_parse("name=a --x", &cfg, &why), 0);
	assert_string_equal(cfg.cmdline, "");
}

#define REJECT(line, text)                                                                         \
	do {                                                                                       \
		const char *why = NULL;                                                            \
		assert_int_equal(domain_config_parse(line, &cfg, &why), -EINVAL);                  \
		assert_non_null(why);                                                              \
		assert_non_null(strstr(why, text));                                                \
	} while (0)

static void rejects(void **state)
{
	(void)state;
	const char *why0;
	REJECT("name=", "name must be");
	REJECT("name=a/b", "name must be");
	REJECT("name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "name must be");
	REJECT("mem=1M", "mem must be");
	REJECT("mem=65G", "mem must be");
	REJECT("mem=lots", "mem must be");
	REJECT("mem=", "mem must be");
	REJECT("vcpus=0", "vcpus");
	REJECT("vcpus=9", "vcpus");
	REJECT("weight=0", "weight");
	REJECT("weight=65536", "weight");
	REJECT("cap=801", "cap");
	REJECT("expect=maybe", "expect");
	assert_int_equal(domain_config_parse("expect=reboot", &cfg, &why0), 0);
	char big[700];
	memset(big, 'a', sizeof(big));
	memcpy(big, "x=", 2);
	big[sizeof(big) - 1] = '\0';
	REJECT(big, "too long");
	char longcmd[DOMAIN_CMDLINE_MAX + 16] = "-- ";
	memset(longcmd + 3, 'b', DOMAIN_CMDLINE_MAX + 5);
	longcmd[DOMAIN_CMDLINE_MAX + 8] = '\0';
	REJECT(longcmd, "guest command line too long");
}

/* "initial" marks the initial domain, which is privileged too; "privileged" alone is not initial.
 */
static void roles(void **state)
{
	(void)state;
	const char *why;

	assert_int_equal(domain_config_parse("name=d0 initial -- console=hvc0", &cfg, &why), 0);
	assert_true(cfg.initial);
	assert_true(cfg.privileged);
	assert_int_equal(domain_config_parse("name=ctl privileged", &cfg, &why), 0);
	assert_false(cfg.initial);
	assert_true(cfg.privileged);
	assert_int_equal(domain_config_parse("name=u -- initial privileged", &cfg, &why), 0);
	assert_false(cfg.initial); /* words of the guest's own command line */
	assert_false(cfg.privileged);
}

/* "hvm": an HVM domain (Keel's platform devices); a word of the guest's command line is not. */
static void hvm_flag(void **state)
{
	(void)state;
	const char *why;

	assert_int_equal(domain_config_parse("name=plat", &cfg, &why), 0);
	assert_false(cfg.hvm);
	assert_int_equal(domain_config_parse("name=plat hvm mem=32M", &cfg, &why), 0);
	assert_true(cfg.hvm);
	assert_false(cfg.privileged);
	assert_int_equal(domain_config_parse("name=plat -- hvm", &cfg, &why), 0);
	assert_false(cfg.hvm);
	assert_int_equal(domain_config_parse("name=plat hvmx", &cfg, &why), 0);
	assert_false(cfg.hvm);
	assert_false(cfg.hpet);
	assert_int_equal(domain_config_parse("name=plat hvm hpet", &cfg, &why), 0);
	assert_true(cfg.hpet);
	assert_int_equal(domain_config_parse("name=plat hpet", &cfg, &why), 0);
	assert_false(cfg.hpet); /* only an HVM domain has one */
}

/* The dom0 line /etc/grub.d/21_keel writes (deploy/host/grub.d/21_keel). */
static void grub_dom0_line(void **state)
{
	(void)state;
	const char *why;

	assert_int_equal(
	    domain_config_parse("dom0 mem=1024M vcpus=2 -- root=UUID=0f3c9a1e-5b2d-4c7e-"
				"9a1b-2c3d4e5f6a7b ro net.ifnames=0 quiet console=hvc0",
				&cfg, &why),
	    0);
	assert_string_equal(cfg.name, "Domain-0");
	assert_true(cfg.owns_host);
	assert_int_equal(cfg.mem_size, 1ULL << 30);
	assert_int_equal(cfg.vcpus, 2);
	assert_string_equal(cfg.cmdline, "root=UUID=0f3c9a1e-5b2d-4c7e-9a1b-2c3d4e5f6a7b ro "
					 "net.ifnames=0 quiet console=hvc0");
	/* An empty GRUB_CMDLINE_LINUX leaves double spaces: still one guest command line. */
	assert_int_equal(
	    domain_config_parse("dom0 mem=2G vcpus=8 -- root=/dev/sda1 ro  quiet", &cfg, &why), 0);
	assert_int_equal(cfg.mem_size, 2ULL << 30);
	assert_string_equal(cfg.cmdline, "root=/dev/sda1 ro  quiet");
	/* What 21_keel refuses to write, Keel refuses too. */
	assert_int_equal(domain_config_parse("dom0 mem=1024M vcpus=12 -- ro", &cfg, &why), -EINVAL);
	assert_int_equal(domain_config_parse("dom0 mem=1024X vcpus=2 -- ro", &cfg, &why), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults),	      cmocka_unit_test(full),
	    cmocka_unit_test(rejects),	      cmocka_unit_test(roles),
	    cmocka_unit_test(grub_dom0_line), cmocka_unit_test(hvm_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
