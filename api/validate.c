// SPDX-License-Identifier: MIT
#include "validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int verr_set(struct verr *e, const char *ptr, const char *key, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->pointer, sizeof(e->pointer), "%s%s%s", ptr, key ? "/" : "", key ? key : "");
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

json_t *jv_parse_object(const char *body, size_t len, struct verr *e)
{
	json_error_t jerr;
	json_t *o;

	if (!len)
		return verr_set(e, "", NULL, "a JSON object is required"), NULL;
	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		verr_set(e, "", NULL, "invalid JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		verr_set(e, "", NULL, "the body must be a JSON object");
		return NULL;
	}
	return o;
}

int jv_only(const json_t *obj, const char *ptr, const char *const allowed[], struct verr *e)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		bool ok = false;
		for (unsigned i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				ok = true;
		if (!ok) {
			char shown[64];
			size_t n = strlen(key);
			/* Echo at most a short, printable prefix of a client's key. */
			snprintf(shown, sizeof(shown), "%.40s%s", key, n > 40 ? "..." : "");
			for (char *c = shown; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
					*c = '?';
			return verr_set(e, ptr, shown, "unknown field '%s'", shown);
		}
		(void)v;
	}
	return 0;
}

bool check_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

int jv_str(const json_t *obj, const char *key, const char *ptr, bool required, size_t maxlen,
	   bool (*check)(const char *s), const char *what, const char **out, struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	if (!v) {
		if (required)
			return verr_set(e, ptr, key, "required");
		return 0;
	}
	if (!json_is_string(v))
		return verr_set(e, ptr, key, "must be a string, not %s", type_name(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > maxlen)
		return verr_set(e, ptr, key, "must be 1 to %zu bytes long", maxlen);
	if (strlen(s) != n || !(check ? check(s) : check_printable(s)))
		return verr_set(e, ptr, key, "must be %s", what);
	*out = s;
	return 0;
}

int jv_uint(const json_t *obj, const char *key, const char *ptr, bool required, uint64_t min,
	    uint64_t max, uint64_t *out, struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	json_int_t n;

	if (!v) {
		if (required)
			return verr_set(e, ptr, key, "required");
		return 0;
	}
	if (!json_is_integer(v))
		return verr_set(e, ptr, key, "must be an integer, not %s", type_name(v));
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return verr_set(e, ptr, key, "must be between %llu and %llu",
				(unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)n;
	return 0;
}

int jv_bool(const json_t *obj, const char *key, const char *ptr, bool *out, struct verr *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return verr_set(e, ptr, key, "must be a boolean, not %s", type_name(v));
	*out = json_is_true(v);
	return 0;
}
