// SPDX-License-Identifier: MIT
/*
 * console_io: a guest's raw console, written to the hypervisor console; and,
 * for the initial domain only, reads of what is typed on Keel's serial
 * console (its hvc0), with VIRQ_CONSOLE raised when input arrives.
 *
 * Who may read, decided from Xen's do_console_io and xsm_console_io
 * (xen/drivers/char/console.c, xen/include/xsm/dummy.h): the console domain
 * and privileged domains may use console_io, others get -EPERM. Keel keeps
 * writes open to every domain (its test guests and early consoles print that
 * way) but gives input to the initial domain alone: a privileged domain that
 * is not the initial one reads nothing (0 bytes), an unprivileged one gets
 * Xen's -EPERM.
 */
#include <keel/arch.h>
#include <keel/console_input.h>
#include <keel/evtchn.h>
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/timer.h>

#define CONSOLE_IO_MAX	    (64 * 1024)	       /* per call, against a guest pinning the CPU */
#define CONSOLE_IO_READ_MAX 0x7fffffffULL      /* Xen: INT_MAX, so a count never looks negative */
#define POLL_PERIOD_NS	    (10 * 1000 * 1000) /* 10 ms: a UART FIFO holds 16 bytes */
#define POLL_PCPU	    0

static struct console_input input;
static struct timer poll_timer;
static bool polling;

/* The initial domain (always domid 0), while it is alive to read its input. */
static struct domain *initial_domain(void)
{
	struct domain *d = domain_initial();

	return d && (d->state == DOM_RUNNING || d->state == DOM_PAUSED) ? d : NULL;
}

/* Periodic work on pCPU 0: the UART's received bytes into the ring, then tell dom0. */
static void poll_console(struct timer *t)
{
	struct domain *d = initial_domain();
	u8 chunk[64];
	u32 n, got = 0;

	while ((n = arch_console_poll(chunk, sizeof(chunk)))) {
		console_input_push(&input, chunk, n);
		got += n;
	}
	if (!d) {
		polling = false; /* nobody to read it; the next initial domain starts it again */
		return;
	}
	if (got)
		evtchn_send_global_virq(d, VIRQ_CONSOLE);
	timer_set(t, rdtsc() + ns_to_tsc(POLL_PERIOD_NS));
}

void console_input_start(struct domain *d)
{
	if (!d->initial || polling)
		return;
	polling = true;
	timer_init(&poll_timer, poll_console, POLL_PCPU);
	timer_set(&poll_timer, rdtsc());
}

static long console_read(struct vcpu *v, u64 count, u64 buf)
{
	u8 chunk[128];
	u64 done = 0;

	if (!v->dom->privileged)
		return -EPERM;
	if (count > CONSOLE_IO_READ_MAX)
		return -E2BIG;
	if (!v->dom->initial)
		return 0;
	console_input_start(v->dom);
	while (done < count) {
		u32 n = console_input_peek(&input, chunk, (u32)MIN(count - done, sizeof(chunk)));
		if (!n)
			break;
		if (copy_to_guest(v, buf + done, chunk, n))
			return -EFAULT; /* as Xen: what was not copied stays for the next read */
		console_input_consume(&input, n);
		done += n;
	}
	return (long)done;
}

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
		return console_read(v, count, buf);
	default:
		return -ENOSYS;
	}
}
