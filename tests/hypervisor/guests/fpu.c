// SPDX-License-Identifier: MIT
/*
 * Extended state: CPUID offers XSAVE and AVX, OSXSAVE follows CR4, XSETBV
 * accepts valid XCR0 values and raises #GP for the rest, and every YMM
 * register keeps its value while other vCPUs (the same guest in another
 * domain, with its own pattern) run on the same pCPU.
 */
#include "guest.h"

const char test_name[] = "fpu";

static void xsetbv(uint32_t ecx, uint64_t v)
{
	asm volatile("xsetbv" ::"c"(ecx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t xgetbv(void)
{
	uint32_t lo, hi;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static uint32_t pattern[16][8] __attribute__((aligned(32)));
static uint32_t readback[16][8] __attribute__((aligned(32)));

#define LOAD(n)	 asm volatile("vmovdqu %0, %%ymm" #n ::"m"(pattern[n]))
#define STORE(n) asm volatile("vmovdqu %%ymm" #n ", %0" : "=m"(readback[n]))

static void load_all(void)
{
	LOAD(0);
	LOAD(1);
	LOAD(2);
	LOAD(3);
	LOAD(4);
	LOAD(5);
	LOAD(6);
	LOAD(7);
	LOAD(8);
	LOAD(9);
	LOAD(10);
	LOAD(11);
	LOAD(12);
	LOAD(13);
	LOAD(14);
	LOAD(15);
}

static void store_all(void)
{
	STORE(0);
	STORE(1);
	STORE(2);
	STORE(3);
	STORE(4);
	STORE(5);
	STORE(6);
	STORE(7);
	STORE(8);
	STORE(9);
	STORE(10);
	STORE(11);
	STORE(12);
	STORE(13);
	STORE(14);
	STORE(15);
}

bool test_main(const struct hvm_start_info *si)
{
	uint32_t r[4];
	uint32_t seed = (uint32_t)guest_option(si, "seed", 1);

	cpuid(1, 0, r);
	CHECK(r[2] & (1u << 26));    /* XSAVE */
	CHECK(r[2] & (1u << 28));    /* AVX */
	CHECK(!(r[2] & (1u << 27))); /* OSXSAVE: not yet */
	if (!(r[2] & (1u << 26)) || !(r[2] & (1u << 28)))
		return false;
	uint64_t cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 18)));
	cpuid(1, 0, r);
	CHECK(r[2] & (1u << 27));
	CHECK_EQ(xgetbv(), 1);
	cpuid(0xd, 0, r);
	CHECK(r[0] & 7);
	CHECK(r[2] >= 832); /* room for AVX */

	guest_skip_gp(3);
	xsetbv(0, 0);		  /* x87 bit clear */
	xsetbv(0, 1 | 4);	  /* AVX without SSE */
	xsetbv(0, 7 | (1u << 9)); /* PKRU: not offered */
	xsetbv(1, 7);		  /* no XCR1 */
	CHECK_EQ(guest_gp_count, 4);
	CHECK_EQ(xgetbv(), 1);
	xsetbv(0, 7);
	CHECK_EQ(guest_gp_count, 4);
	guest_skip_gp(0);
	CHECK_EQ(xgetbv(), 7);
	cpuid(0xd, 0, r);
	CHECK(r[1] >= 832); /* size for the current XCR0 */

	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 8; j++)
			pattern[i][j] = seed * 0x9e3779b9u + (uint32_t)(i * 8 + j);
	load_all();
	for (int round = 0; round < 200; round++) {
		HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
		store_all();
		if (memcmp(pattern, readback, sizeof(pattern))) {
			gprintf("YMM state lost after %d switches\n", round);
			return false;
		}
	}
	gprintf("YMM state kept across 200 switches\n");
	return true;
}
