/* SPDX-License-Identifier: MIT */
/*
 * A self-signed TLS certificate for controld's first start on a host whose administrator
 * has not provided one (setting tls_generate): ECDSA P-256, valid ten years, for the host's
 * name, localhost, 127.0.0.1 and ::1.
 */
#ifndef KEEL_CONTROLD_TLS_SELFSIGNED_H
#define KEEL_CONTROLD_TLS_SELFSIGNED_H

#include <stddef.h>

/* SHA-256 as 32 colon-separated hex pairs, as `openssl x509 -fingerprint -sha256` prints. */
#define TLS_FINGERPRINT_LEN (32 * 3)

/*
 * Writes a new key (mode 0600) and certificate (0644) at the two paths, creating their
 * directory (0700) if it is missing, when neither file exists. 1 when made (fingerprint
 * filled), 0 when both exist (nothing done), -EEXIST when only one does (an administrator's
 * file is never replaced), or a negative errno with a reason in err.
 */
int tls_selfsigned_ensure(const char *cert_path, const char *key_path, const char *hostname,
			  char fingerprint[TLS_FINGERPRINT_LEN], char *err, size_t errlen);

#endif
