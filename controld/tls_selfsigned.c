// SPDX-License-Identifier: MIT
/* The self-signed certificate of tls_selfsigned.h, made with GnuTLS (controld's TLS library). */
#include "tls_selfsigned.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VALID_SECONDS (10 * 365 * 24 * 3600L)

static int gt_fail(int rc, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, gnutls_strerror(rc));
	return -EIO;
}

/* The host's name, localhost and the loopback addresses, as subjectAltName entries. */
static int set_names(gnutls_x509_crt_t crt, const char *hostname)
{
	static const unsigned char v4[4] = {127, 0, 0, 1};
	static const unsigned char v6[16] = {[15] = 1};
	int rc;

	rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostname,
					   (unsigned)strlen(hostname));
	if (!rc)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, hostname,
							  (unsigned)strlen(hostname),
							  GNUTLS_FSAN_APPEND);
	if (!rc && strcmp(hostname, "localhost"))
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
							  GNUTLS_FSAN_APPEND);
	if (!rc)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, v4, sizeof(v4),
							  GNUTLS_FSAN_APPEND);
	if (!rc)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, v6, sizeof(v6),
							  GNUTLS_FSAN_APPEND);
	return rc;
}

static int make_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *hostname)
{
	unsigned char serial[16];
	time_t now = time(NULL);
	int rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));

	serial[0] &= 0x7f; /* a positive INTEGER (RFC 5280, 4.1.2.2) */
	if (!rc)
		rc = gnutls_x509_crt_set_version(crt, 3);
	if (!rc)
		rc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
	if (!rc)
		rc = gnutls_x509_crt_set_activation_time(crt, now - 3600);
	if (!rc)
		rc = gnutls_x509_crt_set_expiration_time(crt, now + VALID_SECONDS);
	if (!rc)
		rc = set_names(crt, hostname);
	if (!rc)
		rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
	if (!rc)
		rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
	if (!rc)
		rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	if (!rc)
		rc = gnutls_x509_crt_set_key(crt, key);
	if (!rc)
		rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	return rc;
}

/* A new file holding exactly the data, or -errno; an existing file is never replaced. */
static int write_new(const char *path, const gnutls_datum_t *d, mode_t mode, char *err,
		     size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return rc;
	}
	if (write(fd, d->data, d->size) != (ssize_t)d->size || fsync(fd)) {
		rc = errno ? -errno : -EIO;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
		unlink(path);
	}
	close(fd);
	return rc;
}

static int make_dir_of(const char *path, char *err, size_t errlen)
{
	char copy[4096];

	if (strlen(path) >= sizeof(copy)) {
		snprintf(err, errlen, "path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(copy, path);
	const char *dir = dirname(copy);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		int rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return rc;
	}
	return 0;
}

static void hex_fingerprint(const unsigned char *md, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 15];
		out[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
}

int tls_selfsigned_ensure(const char *cert_path, const char *key_path, const char *hostname,
			  char fingerprint[TLS_FINGERPRINT_LEN], char *err, size_t errlen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t key_pem = {NULL, 0}, crt_pem = {NULL, 0};
	unsigned char md[32];
	size_t mdlen = sizeof(md);
	bool have_cert = !access(cert_path, F_OK), have_key = !access(key_path, F_OK);
	int rc;

	if (have_cert && have_key)
		return 0;
	if (have_cert || have_key) {
		snprintf(err, errlen, "%s exists but %s does not: not replacing either",
			 have_cert ? cert_path : key_path, have_cert ? key_path : cert_path);
		return -EEXIST;
	}
	if ((rc = gnutls_x509_privkey_init(&key)) ||
	    (rc = gnutls_x509_privkey_generate(
		 key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0))) {
		rc = gt_fail(rc, "cannot generate a key", err, errlen);
		goto out;
	}
	if ((rc = gnutls_x509_crt_init(&crt)) || (rc = make_cert(crt, key, hostname)) ||
	    (rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &crt_pem)) ||
	    (rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &key_pem)) ||
	    (rc = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &mdlen))) {
		rc = gt_fail(rc, "cannot make the certificate", err, errlen);
		goto out;
	}
	hex_fingerprint(md, mdlen, fingerprint);
	/* The key first: a certificate on disk always has its key. */
	if ((rc = make_dir_of(key_path, err, errlen)) ||
	    (rc = make_dir_of(cert_path, err, errlen)) ||
	    (rc = write_new(key_path, &key_pem, 0600, err, errlen)))
		goto out;
	if ((rc = write_new(cert_path, &crt_pem, 0644, err, errlen))) {
		unlink(key_path);
		goto out;
	}
	rc = 1;
out:
	gnutls_free(key_pem.data);
	gnutls_free(crt_pem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}
