/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_op: yield, block, poll, shutdown, watchdogs. Each physical CPU runs at most one
 * vCPU so far and event channels are not there yet: yield returns at once, block only
 * re-enables event delivery, and poll waits for a listed port to become pending in
 * shared_info or for its timeout, sleeping on a timer in between.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <public/sched.h>

#define POLL_MAX_PORTS SCHED_POLL_MAX
#define NR_WATCHDOGS 2

/* Watchdogs: per domain in principle; dom0 is the only domain so far. */
struct watchdog {
	struct timer t;
	struct domain *d;
	bool used;
};
static struct watchdog watchdogs[NR_WATCHDOGS];

static void watchdog_fired(struct timer *t, void *data)
{
	struct watchdog *w = data;

	domain_shutdown(w->d, SHUTDOWN_watchdog);
}

/* A domain being destroyed leaves no watchdog behind. */
void sched_watchdog_release(struct domain *d)
{
	for (unsigned int i = 0; i < NR_WATCHDOGS; i++)
		if (watchdogs[i].used && watchdogs[i].d == d) {
			stop_timer(&watchdogs[i].t);
			watchdogs[i].used = false;
		}
}

static long do_watchdog(struct domain *d, u64 arg)
{
	struct sched_watchdog wd;
	struct watchdog *w;

	if (copy_from_guest(&wd, arg, sizeof(wd)))
		return -EFAULT;
	if (wd.id == 0) {
		for (unsigned int i = 0; i < NR_WATCHDOGS; i++) {
			w = &watchdogs[i];
			if (w->used)
				continue;
			w->used = true;
			w->d = d;
			timer_init(&w->t, watchdog_fired, w);
			set_timer(&w->t, now_ns() + (u64)wd.timeout * NSEC_PER_SEC);
			return i + 1;
		}
		return -ENOSPC;
	}
	if (wd.id > NR_WATCHDOGS || !watchdogs[wd.id - 1].used || watchdogs[wd.id - 1].d != d)
		return -EINVAL;
	w = &watchdogs[wd.id - 1];
	if (!wd.timeout) {
		stop_timer(&w->t);
		w->used = false;
		return 0;
	}
	set_timer(&w->t, now_ns() + (u64)wd.timeout * NSEC_PER_SEC);
	return 0;
}

static long do_poll(struct vcpu *v, u64 arg)
{
	struct sched_poll p;
	u32 ports[POLL_MAX_PORTS];

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.nr_ports > POLL_MAX_PORTS)
		return -EINVAL;
	if (copy_from_guest(ports, (u64)p.ports, p.nr_ports * sizeof(u32)))
		return -EFAULT;
	/* Returns 0 at once if something is pending or the timeout passed; otherwise the
	 * vCPU sleeps on the way out until then, and 0 is what it gets. */
	vcpu_poll(v, ports, p.nr_ports, p.timeout);
	return 0;
}

static long do_pin_override(struct domain *d, u64 arg)
{
	struct sched_pin_override po;

	if (!d->is_privileged)
		return -EPERM;
	if (copy_from_guest(&po, arg, sizeof(po)))
		return -EFAULT;
	if (po.pcpu >= (s32)arch_nr_cpus())
		return -EINVAL;
	return 0; /* dom0's vCPU stays on the boot CPU: pinned there already */
}

long do_sched_op(u64 cmd, u64 arg)
{
	struct vcpu *v = arch_current_vcpu();
	struct domain *d = v->domain;

	switch ((u32)cmd) { /* an int in the ABI */
	case SCHEDOP_yield:
		vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		/* Unmask and sleep until an event is pending; the upcall follows at exit. */
		v->arch.vcpu_info->evtchn_upcall_mask = 0;
		vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		domain_shutdown(d, s.reason);
		return 0;
	}
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		d->shutdown_code = s.reason;
		return 0;
	}
	case SCHEDOP_poll:
		return do_poll(v, arg);
	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown rs;

		if (copy_from_guest(&rs, arg, sizeof(rs)))
			return -EFAULT;
		return d->is_privileged ? -ESRCH : -EPERM;
	}
	case SCHEDOP_watchdog:
		return do_watchdog(d, arg);
	case SCHEDOP_pin_override:
		return do_pin_override(d, arg);
	default:
		return -ENOSYS;
	}
}
