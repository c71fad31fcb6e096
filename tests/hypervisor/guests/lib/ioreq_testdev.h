/* SPDX-License-Identifier: MIT */
/*
 * The test device model's devices (tests/dom0/ioreq_dm.c) as the ioreq test
 * guest (tests/hypervisor/guests/ioreq.c) sees them. Shared by both.
 */
#ifndef KEEL_TEST_IOREQ_TESTDEV_H
#define KEEL_TEST_IOREQ_TESTDEV_H

#define TESTDEV_REGS	  0x5000 /* 8 byte-addressable registers: reads give what was written */
#define TESTDEV_REGS_LEN  8
#define TESTDEV_FIFO	  0x5010 /* writes append their bytes, reads take bytes from the front */
#define TESTDEV_FIFO_LEN  4
#define TESTDEV_COUNT	  0x5020	/* 32-bit read: requests the device model has answered */
#define TESTDEV_DONE	  0x5030	/* the guest's verdict: 1 pass, 2 fail */
#define TESTDEV_MMIO	  0xfeb00000ULL /* 4 KiB of byte-addressable memory */
#define TESTDEV_MMIO_LEN  0x1000
#define TESTDEV_FREE_PORT 0x6000	/* claimed by nobody: all ones */
#define TESTDEV_FREE_MMIO 0xfe000000ULL /* claimed by nobody: all ones */

#endif
