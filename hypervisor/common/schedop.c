/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_op: yield, block, shutdown. There is one runnable vCPU per physical CPU and no
 * event source yet, so yield returns at once and block only re-enables event delivery
 * (the blocking wait arrives with event channels and the scheduler).
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <public/sched.h>

long do_sched_op(u64 cmd, u64 arg)
{
	struct vcpu *v = arch_current_vcpu();
	struct domain *d = v->domain;

	switch (cmd) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_block:
		v->arch.vcpu_info->evtchn_upcall_mask = 0;
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
	case SCHEDOP_remote_shutdown:
		return d->is_privileged ? -ESRCH : -EPERM;
	default:
		return -ENOSYS;
	}
}
