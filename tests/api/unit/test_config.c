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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_settings),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
