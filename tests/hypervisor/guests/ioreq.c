// SPDX-License-Identifier: MIT
/*
 * An HVM domain's port I/O and MMIO served by a device model in dom0 through
 * an ioreq server (tests/dom0/ioreq_dm.c): sizes, partial registers, REP
 * string I/O both ways, MMIO loads and stores, what nobody claims, and the
 * round-trip cost. With "hang=1" on the command line it only does one read,
 * which the device model never answers (the destroy-while-waiting case).
 */
#include "guest.h"
#include "ioreq_testdev.h"

const char test_name[] = "ioreq";

static uint64_t in_keep(uint16_t port, uint64_t rax, int size)
{
	if (size == 1)
		asm volatile("inb %w1, %b0" : "+a"(rax) : "Nd"(port));
	else if (size == 2)
		asm volatile("inw %w1, %w0" : "+a"(rax) : "Nd"(port));
	else
		asm volatile("inl %w1, %k0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static void sizes_and_partial_registers(void)
{
	outb(TESTDEV_REGS, 0x5a);
	CHECK_EQ(inb(TESTDEV_REGS), 0x5a);
	outw(TESTDEV_REGS + 2, 0xbeef);
	CHECK_EQ(inw(TESTDEV_REGS + 2), 0xbeef);
	outl(TESTDEV_REGS + 4, 0x12345678);
	CHECK_EQ(inl(TESTDEV_REGS + 4), 0x12345678);
	CHECK_EQ(inb(TESTDEV_REGS + 5), 0x56);
	CHECK_EQ(inw(TESTDEV_REGS + 3), 0x78be);
	/* IN AL/AX keep the rest of RAX; IN EAX clears the upper half. */
	CHECK_EQ(in_keep(TESTDEV_REGS, 0x1111222233334444ULL, 1), 0x111122223333445aULL);
	CHECK_EQ(in_keep(TESTDEV_REGS + 2, 0x1111222233334444ULL, 2), 0x111122223333beefULL);
	CHECK_EQ(in_keep(TESTDEV_REGS + 4, 0x1111222233334444ULL, 4), 0x12345678ULL);
}

static void string_io(void)
{
	static const char msg[] = "keel-ioreq-test!";
	char back[16];
	uint64_t si = (uint64_t)msg, di = (uint64_t)back, cx = 16;

	asm volatile("cld; rep outsb" : "+S"(si), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(cx, 0);
	CHECK_EQ(si, (uint64_t)msg + 16);
	cx = 16;
	memset(back, 0, sizeof(back));
	asm volatile("cld; rep insb" : "+D"(di), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(cx, 0);
	CHECK_EQ(di, (uint64_t)back + 16);
	CHECK(!memcmp(back, msg, 16));
	/* Words, backwards (EFLAGS.DF): the last word goes first. */
	uint16_t w[4] = {0x1111, 0x2222, 0x3333, 0x4444}, r[4] = {0};
	si = (uint64_t)&w[3];
	cx = 4;
	asm volatile("std; rep outsw; cld" : "+S"(si), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(si, (uint64_t)&w[0] - 2);
	di = (uint64_t)r;
	cx = 4;
	asm volatile("cld; rep insw" : "+D"(di), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(r[0], 0x4444);
	CHECK_EQ(r[3], 0x1111);
	/* A count of zero touches nothing. */
	cx = 0;
	asm volatile("rep insb" : "+D"(di), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(di, (uint64_t)r + 8);
}

/*
 * Strings that cross pages: Keel sends as many elements as fit in one page in
 * one request by pointer (the device model writes or reads guest memory), an
 * element that itself crosses a page alone by value. COUNT tells how many
 * requests the device model answered (its own read included).
 */
static uint8_t area[3 * 4096] __attribute__((aligned(4096)));

static uint32_t requests_since(uint32_t before)
{
	return inl(TESTDEV_COUNT) - before;
}

static void string_io_across_pages(void)
{
	uint8_t *src = area + 4096 - 100, *dst = area + 2 * 4096 - 150;
	uint64_t si = (uint64_t)src, di = (uint64_t)dst, cx = 200;

	for (int i = 0; i < 200; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	uint32_t c = inl(TESTDEV_COUNT);
	asm volatile("cld; rep outsb" : "+S"(si), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(requests_since(c), 3); /* the COUNT read, then one per page */
	CHECK_EQ(cx, 0);
	CHECK_EQ(si, (uint64_t)src + 200);
	memset(dst, 0, 200);
	cx = 200;
	c = inl(TESTDEV_COUNT);
	asm volatile("cld; rep insb" : "+D"(di), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(requests_since(c), 3);
	CHECK_EQ(di, (uint64_t)dst + 200);
	CHECK(!memcmp(dst, src, 200));
	/* Words from an odd address: the first straddles the page and goes alone. */
	uint16_t *odd = (uint16_t *)(area + 4096 - 1);
	for (int i = 0; i < 4; i++)
		memcpy((uint8_t *)odd + 2 * i, &(uint16_t){(uint16_t)(0xa000 + i)}, 2);
	si = (uint64_t)odd;
	cx = 4;
	c = inl(TESTDEV_COUNT);
	asm volatile("cld; rep outsw" : "+S"(si), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(requests_since(c), 3);
	/* Backwards into the page below: the first element at the top, then down. */
	uint16_t back[4] = {0};
	di = (uint64_t)&back[3];
	cx = 4;
	asm volatile("std; rep insw; cld" : "+D"(di), "+c"(cx) : "d"(TESTDEV_FIFO) : "memory");
	CHECK_EQ(di, (uint64_t)&back[0] - 2);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(back[3 - i], 0xa000 + i);
}

static void mmio(void)
{
	volatile uint8_t *m = (volatile uint8_t *)TESTDEV_MMIO;

	*(volatile uint32_t *)(m + 0x10) = 0xcafef00d;
	CHECK_EQ(*(volatile uint32_t *)(m + 0x10), 0xcafef00d);
	CHECK_EQ(m[0x11], 0xf0);
	*(volatile uint64_t *)(m + 0x20) = 0x0123456789abcdefULL;
	CHECK_EQ(*(volatile uint64_t *)(m + 0x20), 0x0123456789abcdefULL);
	m[0xfff] = 0x80;
	CHECK_EQ(*(volatile int8_t *)(m + 0xfff), -128); /* MOVSX of a forwarded byte */
	uint32_t zx;
	asm volatile("movzwl %1, %0" : "=r"(zx) : "m"(*(volatile uint16_t *)(m + 0x22)));
	CHECK_EQ(zx, 0x89ab);
}

static void nobody_claims(void)
{
	CHECK_EQ(inb(TESTDEV_FREE_PORT), 0xff);
	CHECK_EQ(inl(TESTDEV_FREE_PORT), 0xffffffff);
	CHECK_EQ(*(volatile uint32_t *)TESTDEV_FREE_MMIO, 0xffffffff);
	/* A read that straddles the end of a claimed range is not the device model's. */
	CHECK_EQ(inl(TESTDEV_REGS + 6), 0xffffffff);
}

static void round_trips(void)
{
	const uint32_t n = 500;
	uint32_t before = inl(TESTDEV_COUNT);
	uint64_t t0 = rdtsc();
	for (uint32_t i = 0; i < n; i++)
		(void)inl(TESTDEV_COUNT);
	uint64_t t1 = rdtsc();
	uint32_t after = inl(TESTDEV_COUNT);
	CHECK_EQ(after - before, n + 1);
	gprintf("ioreq: %u round trips, %lu TSC ticks each\n", n, (t1 - t0) / n);
}

bool test_main(const struct hvm_start_info *si)
{
	if (guest_option(si, "hang", 0)) {
		gprintf("ioreq: waiting on an answer that will not come\n");
		(void)inb(TESTDEV_REGS);
		gprintf("ioreq: answered after all\n");
		return false;
	}
	sizes_and_partial_registers();
	string_io();
	string_io_across_pages();
	mmio();
	nobody_claims();
	round_trips();
	outb(TESTDEV_DONE, 1);
	return true;
}
