// SPDX-License-Identifier: MIT
/*
 * keel-fpu-check: do user processes keep their AVX, SSE and x87 registers across context
 * switches? It runs inside the Debian-kernel guest (static, in the initramfs), where the
 * kernel saves and restores that state with XSAVE and XRSTOR on every switch, so state lost
 * or mixed up by the hypervisor's CPUID/XSAVE handling shows up here (issue 12 item 7).
 *
 * Workers, PER_CPU on each usable CPU and pinned there, each load ymm0-15 and the eight x87
 * registers with a pattern of their own (new every iteration), then yield and spin with the
 * registers live, so the other workers on the CPU run in between (yield: voluntary switch,
 * spin: the timer preempts), and compare every register with what they loaded. One result
 * line sums up; exit status 0 on PASS, 1 on FAIL, 2 on bad usage.
 *
 * --corrupt=avx|x87 makes worker 0 clobber its own registers once (vzeroupper, fninit) at
 * half-time, as a lost state would, to show the check catches it (host unit test).
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define YMM_REGS    16
#define YMM_LANES   8 /* 32-bit lanes; 4-7 are the upper half AVX adds */
#define X87_REGS    8
#define MAX_WORKERS 64

enum corrupt { CORRUPT_NONE, CORRUPT_AVX, CORRUPT_X87 };

struct options {
	long iterations;
	long spins;
	int per_cpu;
	double max_seconds;
	enum corrupt corrupt;
};

/* One worker's report, in memory shared with the parent. */
struct report {
	long iterations;
	long mismatches;
	uint64_t cpus_seen; /* bit n: sched_getcpu() returned n after some iteration */
	char first[200];
};

struct regs {
	uint32_t ymm[YMM_REGS][YMM_LANES] __attribute__((aligned(32)));
	double x87[X87_REGS];
};

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	return x ^ (x >> 16);
}

/* Every register, lane, worker and iteration gets a different value. */
static void make_pattern(struct regs *r, unsigned worker, long iter)
{
	for (unsigned i = 0; i < YMM_REGS; i++)
		for (unsigned l = 0; l < YMM_LANES; l++)
			r->ymm[i][l] = mix(worker << 24 ^ (uint32_t)iter << 8 ^ i << 3 ^ l);
	for (unsigned i = 0; i < X87_REGS; i++)
		r->x87[i] = worker * 1e6 + (double)iter + i / 8.0;
}

/*
 * Loads all registers from *in, yields (syscall: rax, rcx, r11 change, nothing else may),
 * spins with the registers live, and stores them to *out. x87 pops in reverse push order.
 */
static void hold_registers(const struct regs *in, struct regs *out, long spins, int corrupt)
{
	__asm__ volatile("vmovdqa 0x000(%[in]), %%ymm0\n\t"
			 "vmovdqa 0x020(%[in]), %%ymm1\n\t"
			 "vmovdqa 0x040(%[in]), %%ymm2\n\t"
			 "vmovdqa 0x060(%[in]), %%ymm3\n\t"
			 "vmovdqa 0x080(%[in]), %%ymm4\n\t"
			 "vmovdqa 0x0a0(%[in]), %%ymm5\n\t"
			 "vmovdqa 0x0c0(%[in]), %%ymm6\n\t"
			 "vmovdqa 0x0e0(%[in]), %%ymm7\n\t"
			 "vmovdqa 0x100(%[in]), %%ymm8\n\t"
			 "vmovdqa 0x120(%[in]), %%ymm9\n\t"
			 "vmovdqa 0x140(%[in]), %%ymm10\n\t"
			 "vmovdqa 0x160(%[in]), %%ymm11\n\t"
			 "vmovdqa 0x180(%[in]), %%ymm12\n\t"
			 "vmovdqa 0x1a0(%[in]), %%ymm13\n\t"
			 "vmovdqa 0x1c0(%[in]), %%ymm14\n\t"
			 "vmovdqa 0x1e0(%[in]), %%ymm15\n\t"
			 "fldl 0x200(%[in])\n\t"
			 "fldl 0x208(%[in])\n\t"
			 "fldl 0x210(%[in])\n\t"
			 "fldl 0x218(%[in])\n\t"
			 "fldl 0x220(%[in])\n\t"
			 "fldl 0x228(%[in])\n\t"
			 "fldl 0x230(%[in])\n\t"
			 "fldl 0x238(%[in])\n\t"
			 "mov %[nr], %%eax\n\t"
			 "syscall\n\t"
			 "mov %[spins], %%rcx\n"
			 "1:\tdec %%rcx\n\t"
			 "jnz 1b\n\t"
			 "cmpl $1, %[corrupt]\n\t"
			 "jne 2f\n\t"
			 "vzeroupper\n"
			 "2:\tcmpl $2, %[corrupt]\n\t"
			 "jne 3f\n\t"
			 "fninit\n"
			 "3:\tfstpl 0x238(%[out])\n\t"
			 "fstpl 0x230(%[out])\n\t"
			 "fstpl 0x228(%[out])\n\t"
			 "fstpl 0x220(%[out])\n\t"
			 "fstpl 0x218(%[out])\n\t"
			 "fstpl 0x210(%[out])\n\t"
			 "fstpl 0x208(%[out])\n\t"
			 "fstpl 0x200(%[out])\n\t"
			 "vmovdqa %%ymm0, 0x000(%[out])\n\t"
			 "vmovdqa %%ymm1, 0x020(%[out])\n\t"
			 "vmovdqa %%ymm2, 0x040(%[out])\n\t"
			 "vmovdqa %%ymm3, 0x060(%[out])\n\t"
			 "vmovdqa %%ymm4, 0x080(%[out])\n\t"
			 "vmovdqa %%ymm5, 0x0a0(%[out])\n\t"
			 "vmovdqa %%ymm6, 0x0c0(%[out])\n\t"
			 "vmovdqa %%ymm7, 0x0e0(%[out])\n\t"
			 "vmovdqa %%ymm8, 0x100(%[out])\n\t"
			 "vmovdqa %%ymm9, 0x120(%[out])\n\t"
			 "vmovdqa %%ymm10, 0x140(%[out])\n\t"
			 "vmovdqa %%ymm11, 0x160(%[out])\n\t"
			 "vmovdqa %%ymm12, 0x180(%[out])\n\t"
			 "vmovdqa %%ymm13, 0x1a0(%[out])\n\t"
			 "vmovdqa %%ymm14, 0x1c0(%[out])\n\t"
			 "vmovdqa %%ymm15, 0x1e0(%[out])\n\t"
			 "vzeroupper"
			 :
			 : [in] "r"(in), [out] "r"(out), [spins] "r"(spins), [corrupt] "r"(corrupt),
			   [nr] "i"(SYS_sched_yield)
			 : "rax", "rcx", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3",
			   "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
			   "xmm12", "xmm13", "xmm14", "xmm15");
}

/* The first difference between what was loaded and what came back, or 0 if none. */
static int describe_mismatch(const struct regs *want, const struct regs *got, char *buf, size_t len)
{
	for (unsigned i = 0; i < YMM_REGS; i++)
		for (unsigned l = 0; l < YMM_LANES; l++)
			if (want->ymm[i][l] != got->ymm[i][l])
				return snprintf(buf, len,
						"ymm%u lane %u is %#" PRIx32 ", not %#" PRIx32, i,
						l, got->ymm[i][l], want->ymm[i][l]);
	for (unsigned i = 0; i < X87_REGS; i++)
		if (memcmp(&want->x87[i], &got->x87[i], sizeof(double)))
			return snprintf(buf, len, "x87 register %u is %g, not %g", i, got->x87[i],
					want->x87[i]);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_worker(unsigned worker, int cpu, const struct options *o, struct report *rep)
{
	static struct regs want, got;
	cpu_set_t set;
	double deadline = now() + o->max_seconds;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(rep->first, sizeof(rep->first), "cannot pin to CPU %d: %s", cpu,
			 strerror(errno));
		rep->mismatches++;
		return;
	}
	for (long it = 0; it < o->iterations && now() < deadline; it++) {
		int corrupt = worker == 0 && it == o->iterations / 2 ? (int)o->corrupt : 0;
		char what[120];

		make_pattern(&want, worker, it);
		memset(&got, 0, sizeof(got));
		hold_registers(&want, &got, o->spins, corrupt);
		if (describe_mismatch(&want, &got, what, sizeof(what)) && !rep->mismatches++)
			snprintf(rep->first, sizeof(rep->first), "worker %u iteration %ld: %s",
				 worker, it, what);
		int on = sched_getcpu();
		if (on >= 0 && on < 64)
			rep->cpus_seen |= UINT64_C(1) << on;
		rep->iterations = it + 1;
	}
}

static int parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.iterations = 300, .spins = 20000, .per_cpu = 2, .max_seconds = 60};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end = NULL;

		if (!strcmp(a, "--corrupt=avx"))
			o->corrupt = CORRUPT_AVX;
		else if (!strcmp(a, "--corrupt=x87"))
			o->corrupt = CORRUPT_X87;
		else if (!strncmp(a, "--iterations=", 13))
			o->iterations = strtol(a + 13, &end, 10);
		else if (!strncmp(a, "--spins=", 8))
			o->spins = strtol(a + 8, &end, 10);
		else if (!strncmp(a, "--per-cpu=", 10))
			o->per_cpu = (int)strtol(a + 10, &end, 10);
		else if (!strncmp(a, "--max-seconds=", 14))
			o->max_seconds = strtod(a + 14, &end);
		else
			return -EINVAL;
		if (end && *end)
			return -EINVAL;
	}
	if (o->iterations < 2 || o->spins < 1 || o->per_cpu < 1 || o->max_seconds <= 0)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	cpu_set_t usable;
	int cpus[MAX_WORKERS], ncpus = 0, nworkers;

	if (parse_options(argc, argv, &o)) {
		fprintf(stderr,
			"usage: %s [--iterations=N] [--spins=N] [--per-cpu=N] "
			"[--max-seconds=S] [--corrupt=avx|x87]\n",
			argv[0]);
		return 2;
	}
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx")) {
		printf("KEEL-FPU: FAIL the CPU (or the OS) does not offer AVX\n");
		return 1;
	}
	if (sched_getaffinity(0, sizeof(usable), &usable)) {
		printf("KEEL-FPU: FAIL sched_getaffinity: %s\n", strerror(errno));
		return 1;
	}
	for (int c = 0; c < CPU_SETSIZE && ncpus < 64; c++)
		if (CPU_ISSET(c, &usable))
			cpus[ncpus++] = c;
	nworkers = ncpus * o.per_cpu;
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS - MAX_WORKERS % ncpus;

	struct report *reps = mmap(NULL, sizeof(*reps) * nworkers, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reps == MAP_FAILED) {
		printf("KEEL-FPU: FAIL mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(reps, 0, sizeof(*reps) * nworkers);
	fflush(stdout);
	for (int w = 0; w < nworkers; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("KEEL-FPU: FAIL fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			run_worker((unsigned)w, cpus[w % ncpus], &o, &reps[w]);
			_exit(0);
		}
	}

	long iterations = 0, mismatches = 0, voluntary = 0, involuntary = 0;
	uint64_t seen = 0;
	int bad_exit = 0, status;
	struct rusage ru;
	while (wait4(-1, &status, 0, &ru) > 0) {
		voluntary += ru.ru_nvcsw;
		involuntary += ru.ru_nivcsw;
		bad_exit |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	const char *first = "";
	for (int w = 0; w < nworkers; w++) {
		iterations += reps[w].iterations;
		mismatches += reps[w].mismatches;
		seen |= reps[w].cpus_seen;
		if (!*first && reps[w].mismatches)
			first = reps[w].first;
	}

	int pass = !mismatches && !bad_exit && voluntary + involuntary > 0 &&
		   __builtin_popcountll(seen) == ncpus;
	printf("KEEL-FPU: %s %d processes on %d CPUs, %ld iterations, %ld context switches "
	       "(%ld involuntary), %ld mismatches%s%s%s\n",
	       pass ? "PASS" : "FAIL", nworkers, ncpus, iterations, voluntary + involuntary,
	       involuntary, mismatches, *first ? ": " : "", first,
	       bad_exit ? " (a worker died)" : "");
	return pass ? 0 : 1;
}
