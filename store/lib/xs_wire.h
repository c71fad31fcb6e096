/* SPDX-License-Identifier: MIT */
/*
 * Xen's xenstore wire protocol (io/xs_wire.h, docs/misc/xenstore.txt), written from the
 * specification: message types, the 16-byte header, error names, the decoder that frames a
 * byte stream into messages, and the splitting of a payload into NUL-terminated arguments.
 * Everything here is pure and bounds-checked: it sees guest-supplied bytes.
 */
#ifndef KEEL_XS_WIRE_H
#define KEEL_XS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xs_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was RESTRICT, removed from the protocol: answered ENOSYS. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT
};

#define XS_PAYLOAD_MAX		4096
#define XS_ABS_PATH_MAX		3072
#define XS_REL_PATH_MAX		2048
#define XS_HDR_SIZE		16u
#define XS_DOMID_SELF		0x7FF0u
#define XS_DOMID_FIRST_RESERVED 0x7FF0u

struct xs_hdr {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};

/* Name of a message type ("READ"), or NULL when the protocol defines none. */
const char *xs_type_name(uint32_t type);

/* The errno name sent in an ERROR reply ("EINVAL"); EIO's for errnos the protocol lacks. */
const char *xs_errno_name(int err);
/* Reverse of xs_errno_name: 0 when the name is unknown. */
int xs_errno_from_name(const char *name);

/* Header encoding: native byte order, as on the socket and the shared ring. */
void xs_hdr_encode(const struct xs_hdr *h, uint8_t out[XS_HDR_SIZE]);
void xs_hdr_decode(const uint8_t in[XS_HDR_SIZE], struct xs_hdr *h);

/*
 * The decoder: bytes go in as they arrive, whole messages come out. A header whose len
 * exceeds XS_PAYLOAD_MAX is a protocol violation (the connection must be dropped).
 */
struct xs_decoder {
	uint8_t hdr_raw[XS_HDR_SIZE];
	size_t hdr_used;
	struct xs_hdr hdr;
	uint8_t payload[XS_PAYLOAD_MAX + 1]; /* +1: room for a NUL guard after the payload */
	size_t payload_used;
	bool broken;
};

void xs_decoder_init(struct xs_decoder *d);
/*
 * Consumes at most len bytes of data. Returns the number consumed (>= 0); sets *complete
 * when a whole message is ready (then consumption stops right after it: read it with
 * xs_decoder_msg and call xs_decoder_next). Returns -EPROTO on a header with an oversized
 * length; the decoder then stays broken.
 */
long xs_decoder_feed(struct xs_decoder *d, const uint8_t *data, size_t len, bool *complete);
/* The complete message: header and payload (payload[len] is a NUL guard). */
const struct xs_hdr *xs_decoder_msg(const struct xs_decoder *d, const char **payload);
void xs_decoder_next(struct xs_decoder *d);

/*
 * Splits a payload into its NUL-terminated strings: up to max pointers into payload.
 * Returns the number of complete strings; *tail gets the offset just after the last
 * complete string (len when the payload ends with a NUL). Never reads past len.
 */
unsigned int xs_split_args(const char *payload, size_t len, const char **argv, unsigned int max,
			   size_t *tail);
/* Counts the NUL-terminated strings of a payload. */
unsigned int xs_count_args(const char *payload, size_t len);

/* Parses a decimal domid 0..65535 as a whole string; returns 0 or -EINVAL. */
int xs_parse_domid(const char *s, unsigned int *domid);
/* Parses a decimal unsigned int (no sign, no junk, no overflow); 0 or -EINVAL. */
int xs_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
