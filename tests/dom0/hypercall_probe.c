// SPDX-License-Identifier: MIT
/*
 * Runs in dom0 on Keel (the dom0 emulator test's image only): hypercalls a toolstack could
 * get wrong, through /dev/xen/privcmd as controld makes them, each with the errno Keel must
 * answer. Prints "dom0-probe: NAME = RESULT (want WANT) ok|FAIL" per call and a summary
 * line; the test judges from the console. Arguments are this process's user addresses, as
 * with every privcmd hypercall.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's privcmd ABI (include/uapi/xen/privcmd.h): one hypercall, five arguments. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

#include "public/keel/domctl.h"

#define HC_PLATFORM_OP 7
#define HC_UNASSIGNED  63 /* no hypercall has this number in Xen's or Keel's table */

static int privcmd = -1;
static int failures;

static long hypercall(uint64_t op, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall h = {.op = op, .arg = {a1, a2, 0, 0, 0}};
	long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

	return r < 0 ? -errno : r;
}

static void expect(const char *name, long got, long want)
{
	bool ok = got == want;

	printf("dom0-probe: %s = %ld (want %ld) %s\n", name, got, want, ok ? "ok" : "FAIL");
	if (!ok)
		failures++;
}

static long domctl(struct keel_domctl *op, uint32_t cmd, uint16_t domid)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->domid = domid;
	return hypercall(__HYPERVISOR_keel_domctl, (uint64_t)(uintptr_t)op, 0);
}

int main(void)
{
	struct keel_domctl *op;

	setvbuf(stdout, NULL, _IOLBF, 0);
	privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (privcmd < 0) {
		printf("dom0-probe: cannot open /dev/xen/privcmd: %s\n", strerror(errno));
		return 1;
	}
	/* The argument lives in an ordinary page of this process (locked so it is present). */
	op = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1,
		  0);
	if (op == MAP_FAILED)
		return 1;

	expect("unassigned hypercall", hypercall(HC_UNASSIGNED, 0, 0), -ENOSYS);
	expect("domctl next from 0", domctl(op, KEEL_DOMCTL_next, 0), 0);
	printf("dom0-probe: first domain %u %s state %u vcpus %u mem %llu\n", op->u.info.domid,
	       op->u.info.name, op->u.info.state, op->u.info.nr_vcpus,
	       (unsigned long long)op->u.info.mem_bytes);
	expect("domctl getinfo of no domain", domctl(op, KEEL_DOMCTL_getinfo, 63), -ESRCH);
	expect("domctl destroy dom0 itself", domctl(op, KEEL_DOMCTL_destroy, 0), -EINVAL);
	expect("domctl pause dom0 itself", domctl(op, KEEL_DOMCTL_pause, 0), -EINVAL);
	expect("domctl unknown command", domctl(op, 999, 0), -EOPNOTSUPP);
	expect("domctl setsched weight 0", domctl(op, KEEL_DOMCTL_setsched, 0), -EINVAL);
	expect("domctl from an unmapped address", hypercall(__HYPERVISOR_keel_domctl, 0x1000, 0),
	       -EFAULT);
	printf("dom0-probe: hypercalls %s (%d failed)\n", failures ? "FAIL" : "done", failures);
	return failures ? 1 : 0;
}
