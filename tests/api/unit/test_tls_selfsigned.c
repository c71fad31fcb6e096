// SPDX-License-Identifier: MIT
/* controld's first-start certificate (controld/tls_selfsigned.c), read back with GnuTLS. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/x509.h>

#include "../../../controld/tls_selfsigned.h"

struct paths {
	char dir[64], cert[128], key[128];
};

static int setup(void **state)
{
	struct paths *p = calloc(1, sizeof(*p));

	strcpy(p->dir, "/tmp/keel-tls-XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	/* A directory the function must create itself. */
	snprintf(p->cert, sizeof(p->cert), "%s/tls/controld.crt", p->dir);
	snprintf(p->key, sizeof(p->key), "%s/tls/controld.key", p->dir);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct paths *p = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd), 0);
	free(p);
	return 0;
}

static gnutls_datum_t slurp(const char *path)
{
	gnutls_datum_t d = {NULL, 0};

	assert_int_equal(gnutls_load_file(path, &d), 0);
	return d;
}

static void test_made_once_and_kept(void **state)
{
	struct paths *p = *state;
	char fp[TLS_FINGERPRINT_LEN], fp2[TLS_FINGERPRINT_LEN] = "", err[256] = "", want[100];
	struct stat st;
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	unsigned char md[32], kid_crt[64], kid_key[64];
	size_t mdlen = sizeof(md), n1 = sizeof(kid_crt), n2 = sizeof(kid_key);

	assert_int_equal(tls_selfsigned_ensure(p->cert, p->key, "host1", fp, err, sizeof(err)), 1);
	assert_int_equal(stat(p->key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(p->cert, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	gnutls_datum_t c = slurp(p->cert), k = slurp(p->key);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &c, GNUTLS_X509_FMT_PEM), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_import(key, &k, GNUTLS_X509_FMT_PEM), 0);
	/* The certificate is for this key, self-signed, valid now, for the names asked. */
	assert_int_equal(gnutls_x509_crt_get_key_id(crt, 0, kid_crt, &n1), 0);
	assert_int_equal(gnutls_x509_privkey_get_key_id(key, 0, kid_key, &n2), 0);
	assert_memory_equal(kid_crt, kid_key, n1);
	unsigned verify = 1;
	assert_int_equal(gnutls_x509_crt_verify(crt, &crt, 1, 0, &verify), 0);
	assert_int_equal(verify, 0);
	assert_true(gnutls_x509_crt_check_hostname(crt, "host1"));
	assert_true(gnutls_x509_crt_check_hostname(crt, "localhost"));
	assert_true(gnutls_x509_crt_check_ip(crt, (const unsigned char[]){127, 0, 0, 1}, 4, 0));
	assert_false(gnutls_x509_crt_check_hostname(crt, "other"));
	assert_true(gnutls_x509_crt_get_expiration_time(crt) > time(NULL) + 9L * 365 * 86400);
	/* The fingerprint printed is the certificate's SHA-256, formatted as openssl does. */
	assert_int_equal(gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &mdlen), 0);
	for (size_t i = 0; i < mdlen; i++)
		sprintf(want + 3 * i, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
	assert_string_equal(fp, want);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	gnutls_free(c.data);

	/* A second start keeps the pair (nothing written, nothing reported). */
	assert_int_equal(tls_selfsigned_ensure(p->cert, p->key, "host1", fp2, err, sizeof(err)), 0);
	assert_string_equal(fp2, "");
	gnutls_datum_t c2 = slurp(p->cert);
	assert_int_equal(c2.size, c.size);
	gnutls_free(c2.data);
	gnutls_free(k.data);
}

static void test_half_a_pair_is_refused(void **state)
{
	struct paths *p = *state;
	char fp[TLS_FINGERPRINT_LEN], err[256] = "";

	assert_int_equal(tls_selfsigned_ensure(p->cert, p->key, "h", fp, err, sizeof(err)), 1);
	assert_int_equal(unlink(p->key), 0);
	/* The administrator's certificate stays as it was; no key is invented for it. */
	assert_int_equal(tls_selfsigned_ensure(p->cert, p->key, "h", fp, err, sizeof(err)),
			 -EEXIST);
	assert_non_null(strstr(err, "not replacing"));
	assert_int_equal(access(p->key, F_OK), -1);
	assert_int_equal(access(p->cert, F_OK), 0);
}

static void test_unwritable_place(void **state)
{
	struct paths *p = *state;
	char fp[TLS_FINGERPRINT_LEN], err[256] = "", cert[160], key[160];

	/* A directory whose parent is a regular file cannot be made. */
	snprintf(cert, sizeof(cert), "%s/file/x.crt", p->dir);
	snprintf(key, sizeof(key), "%s/file/x.key", p->dir);
	char file[100];
	snprintf(file, sizeof(file), "%s/file", p->dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(tls_selfsigned_ensure(cert, key, "h", fp, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot create"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_made_once_and_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_half_a_pair_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_place, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
