// SPDX-License-Identifier: MIT
/* controld's config file: settings, defaults, and errors that name the line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/config.h"

static int parse(struct controld_config *c, const char *text, char *err)
{
	config_defaults(c);
	return config_parse(c, text, strlen(text), err, 256);
}

static void test_settings(void **state)
{
	struct controld_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c,
			       "# comment\n\nlisten = 127.0.0.1:8443\n"
			       "tls_cert=/etc/keel/cert.pem\n  shutdown_timeout = 30  \n"
			       "request_log = off\nlog_level = debug\n",
			       err),
			 0);
	assert_string_equal(c.tcp_host, "127.0.0.1");
	assert_int_equal(c.tcp_port, 8443);
	assert_string_equal(c.tls_cert, "/etc/keel/cert.pem");
	assert_int_equal(c.shutdown_timeout_s, 30);
	assert_int_equal(c.request_log, 0);
	assert_string_equal(c.unix_socket, "/run/keel/controld.sock");
	assert_int_equal(parse(&c, "listen = [::1]:80\n", err), 0);
	assert_string_equal(c.tcp_host, "::1");
	assert_int_equal(parse(&c, "listen =\n", err), 0);
	assert_string_equal(c.tcp_host, "");
}

/* HVM: Debian's paths by default; the device model's user only as "UID:GID", never root. */
static void test_hvm_settings(void **state)
{
	struct controld_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, "", err), 0);
	assert_string_equal(c.hvmloader, "/usr/lib/xen-4.17/boot/hvmloader");
	assert_string_equal(c.seabios, "/usr/share/seabios/bios-256k.bin");
	assert_string_equal(c.qemu, "/usr/libexec/xen-qemu-system-i386");
	assert_string_equal(c.qemu_user, "");
	assert_int_equal(c.qemu_start_timeout_s, 60);
	assert_int_equal(parse(&c,
			       "hvmloader = /opt/hvmloader\nseabios = /opt/bios.bin\n"
			       "qemu = /opt/qemu\nqemu_user = 997:996\nqemu_start_timeout = 300\n"
			       "qemu_user_base = 131072:131072\n",
			       err),
			 0);
	assert_string_equal(c.hvmloader, "/opt/hvmloader");
	assert_string_equal(c.seabios, "/opt/bios.bin");
	assert_string_equal(c.qemu, "/opt/qemu");
	assert_string_equal(c.qemu_user, "997:996");
	assert_string_equal(c.qemu_user_base, "131072:131072");
	assert_int_equal(c.qemu_start_timeout_s, 300);
	static const char *const bad[] = {"qemu_user = qemu\n",	    "qemu_user = 0:0\n",
					  "qemu_user = 5:0\n",	    "qemu_user = 5\n",
					  "qemu_user = 5:6:7\n",    "qemu_user = -5:6\n",
					  "qemu_user = 5:6x\n",	    "qemu_start_timeout = 0\n",
					  "qemu_user_base = 0:0\n", "qemu_user_base = 5\n"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(&c, bad[i], err), -EINVAL);
}

static void test_errors(void **state)
{
	struct controld_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, "listen = 127.0.0.1\n", err), -EINVAL);
	assert_non_null(strstr(err, "line 1"));
	assert_int_equal(parse(&c, "\nlisten = 1.2.3.4:70000\n", err), -EINVAL);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(parse(&c, "colour = blue\n", err), -EINVAL);
	assert_non_null(strstr(err, "unknown setting"));
	assert_int_equal(parse(&c, "shutdown_timeout = -1\n", err), -EINVAL);
	assert_int_equal(parse(&c, "shutdown_timeout = 5x\n", err), -EINVAL);
	assert_int_equal(parse(&c, "request_log = maybe\n", err), -EINVAL);
	assert_int_equal(parse(&c, "no equals sign\n", err), -EINVAL);
	assert_int_equal(config_parse(&c, "a\0b", 3, err, sizeof(err)), -EINVAL);
}

/* The sample shipped in deploy/ must be valid. */
static void test_sample(void **state)
{
	struct controld_config c;
	char err[256] = "";

	(void)state;
	config_defaults(&c);
	if (config_load_file(&c, SAMPLE_CONFIG, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(c.unix_socket, "/run/keel/controld.sock");
	assert_int_equal(c.shutdown_timeout_s, 60);
	/* As installed: TLS on all addresses, a self-signed pair made at first start. */
	assert_string_equal(c.tcp_host, "0.0.0.0");
	assert_string_equal(c.tls_cert, "/etc/keel/tls/controld.crt");
	assert_true(c.tls_generate);
	assert_string_equal(c.seabios, "/usr/share/seabios/bios-256k.bin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_settings),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_hvm_settings),
	    cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
