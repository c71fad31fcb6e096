// SPDX-License-Identifier: MIT
/* console_io: a guest's raw console, written to the hypervisor console. */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>

#define CONSOLE_IO_MAX (64 * 1024) /* per call, against a guest pinning the CPU */

long do_console_io(struct vcpu *v, const struct hypercall_args *a)
{
	u64 cmd = a->a1, count = a->a2, buf = a->a3;
	char chunk[128];

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > CONSOLE_IO_MAX)
			return -EINVAL;
		for (u64 done = 0; done < count;) {
			u64 n = MIN(count - done, sizeof(chunk));
			if (copy_from_guest(v, chunk, buf + done, n))
				return -EFAULT;
			domain_console_write(v->dom, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		return 0; /* no input for boot-time domains */
	default:
		return -ENOSYS;
	}
}
