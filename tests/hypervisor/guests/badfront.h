/* SPDX-License-Identifier: MIT */
/* The misbehaving PV guest's parts (badfront.c, badfront_blk.c). */
#ifndef KEEL_TEST_BADFRONT_H
#define KEEL_TEST_BADFRONT_H

#include "guest.h"
#include "xen.h"
#include "xs_client.h"

#include <keel/printk.h>

/* blk=garbage: a blkfront's handshake, garbage requests, revocations, close. */
bool bad_blk(struct xs_client *x);

#endif
