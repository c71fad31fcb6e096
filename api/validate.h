/* SPDX-License-Identifier: MIT */
/*
 * Checks of JSON request bodies. Each helper names the offending member as a JSON pointer
 * in e->pointer and says what is wrong in e->detail; the API turns that into a 400.
 * The domain-level rules (create, patch, disks, NICs, PCI) are in domain_json.c.
 */
#ifndef KEEL_API_VALIDATE_H
#define KEEL_API_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct verr {
	char pointer[160];
	char detail[256];
};

int verr_set(struct verr *e, const char *ptr, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses a request body: one JSON object, no duplicate keys. */
json_t *jv_parse_object(const char *body, size_t len, struct verr *e);
/* Members not listed in allowed (NULL-terminated) are refused. */
int jv_only(const json_t *obj, const char *ptr, const char *const allowed[], struct verr *e);
/* A string of 1..maxlen bytes accepted by check (NULL: printable, no control chars). */
int jv_str(const json_t *obj, const char *key, const char *ptr, bool required, size_t maxlen,
	   bool (*check)(const char *s), const char *what, const char **out, struct verr *e);
int jv_uint(const json_t *obj, const char *key, const char *ptr, bool required, uint64_t min,
	    uint64_t max, uint64_t *out, struct verr *e);
int jv_bool(const json_t *obj, const char *key, const char *ptr, bool *out, struct verr *e);

bool check_printable(const char *s);

#endif
