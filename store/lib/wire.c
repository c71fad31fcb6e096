// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "xs_wire.h"

static const char *const type_names[XS_TYPE_COUNT] = {
    [XS_CONTROL] = "CONTROL",
    [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS",
    [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE",
    [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS",
    [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME",
    [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    [XS_GET_FEATURE] = "GET_FEATURE",
    [XS_SET_FEATURE] = "SET_FEATURE",
    [XS_GET_QUOTA] = "GET_QUOTA",
    [XS_SET_QUOTA] = "SET_QUOTA",
};

const char *xs_type_name(uint32_t type)
{
	return type < XS_TYPE_COUNT ? type_names[type] : NULL;
}

/* The errnos the protocol can carry, by name (the list in io/xs_wire.h). */
static const struct {
	int err;
	const char *name;
} errnames[] = {
    {EINVAL, "EINVAL"},	      {EACCES, "EACCES"},   {EEXIST, "EEXIST"}, {EISDIR, "EISDIR"},
    {ENOENT, "ENOENT"},	      {ENOMEM, "ENOMEM"},   {ENOSPC, "ENOSPC"}, {EIO, "EIO"},
    {ENOTEMPTY, "ENOTEMPTY"}, {ENOSYS, "ENOSYS"},   {EROFS, "EROFS"},	{EBUSY, "EBUSY"},
    {EAGAIN, "EAGAIN"},	      {EISCONN, "EISCONN"}, {E2BIG, "E2BIG"},	{EPERM, "EPERM"},
};

const char *xs_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "EIO";
}

int xs_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].err;
	return 0;
}

void xs_hdr_encode(const struct xs_hdr *h, uint8_t out[XS_HDR_SIZE])
{
	memcpy(out, &h->type, 4);
	memcpy(out + 4, &h->req_id, 4);
	memcpy(out + 8, &h->tx_id, 4);
	memcpy(out + 12, &h->len, 4);
}

void xs_hdr_decode(const uint8_t in[XS_HDR_SIZE], struct xs_hdr *h)
{
	memcpy(&h->type, in, 4);
	memcpy(&h->req_id, in + 4, 4);
	memcpy(&h->tx_id, in + 8, 4);
	memcpy(&h->len, in + 12, 4);
}

void xs_decoder_init(struct xs_decoder *d)
{
	d->hdr_used = 0;
	d->payload_used = 0;
	d->broken = false;
	memset(&d->hdr, 0, sizeof(d->hdr));
}

long xs_decoder_feed(struct xs_decoder *d, const uint8_t *data, size_t len, bool *complete)
{
	size_t used = 0, n;

	*complete = false;
	if (d->broken)
		return -EPROTO;
	if (d->hdr_used < XS_HDR_SIZE) {
		n = XS_HDR_SIZE - d->hdr_used;
		if (n > len)
			n = len;
		memcpy(d->hdr_raw + d->hdr_used, data, n);
		d->hdr_used += n;
		used += n;
		if (d->hdr_used < XS_HDR_SIZE)
			return (long)used;
		xs_hdr_decode(d->hdr_raw, &d->hdr);
		if (d->hdr.len > XS_PAYLOAD_MAX) {
			d->broken = true;
			return -EPROTO;
		}
		d->payload_used = 0;
	}
	n = d->hdr.len - d->payload_used;
	if (n > len - used)
		n = len - used;
	memcpy(d->payload + d->payload_used, data + used, n);
	d->payload_used += n;
	used += n;
	if (d->payload_used == d->hdr.len) {
		d->payload[d->payload_used] = '\0';
		*complete = true;
	}
	return (long)used;
}

const struct xs_hdr *xs_decoder_msg(const struct xs_decoder *d, const char **payload)
{
	*payload = (const char *)d->payload;
	return &d->hdr;
}

void xs_decoder_next(struct xs_decoder *d)
{
	d->hdr_used = 0;
	d->payload_used = 0;
}

unsigned int xs_split_args(const char *payload, size_t len, const char **argv, unsigned int max,
			   size_t *tail)
{
	unsigned int n = 0;
	size_t off = 0;

	while (off < len && n < max) {
		const char *nul = memchr(payload + off, '\0', len - off);

		if (!nul)
			break;
		argv[n++] = payload + off;
		off = (size_t)(nul - payload) + 1;
	}
	if (tail)
		*tail = off;
	return n;
}

unsigned int xs_count_args(const char *payload, size_t len)
{
	unsigned int n = 0;

	for (size_t i = 0; i < len; i++)
		if (payload[i] == '\0')
			n++;
	return n;
}

int xs_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

int xs_parse_domid(const char *s, unsigned int *domid)
{
	unsigned long v;
	int ret = xs_parse_uint(s, 65535, &v);

	if (ret)
		return ret;
	*domid = (unsigned int)v;
	return 0;
}
