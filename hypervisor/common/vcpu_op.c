/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_op: the per-vCPU registrations a PV kernel makes at boot (runstate area, vcpu_info
 * placement) and the up/down queries. Bringing secondary vCPUs up and their timers come
 * with SMP guests.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/time.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <kestrel/sched.h>
#include <public/vcpu.h>

#define PERIODIC_TIMER_MIN_NS 1000000ULL /* Xen's lower bound: 1 ms */

long do_vcpu_op(u64 cmd, u64 vcpuid, u64 arg)
{
	struct vcpu *cur = arch_current_vcpu();
	struct domain *d = cur->domain;
	struct vcpu *v;

	vcpuid = (u32)vcpuid; /* cmd and vcpuid are ints in the ABI */
	if (vcpuid >= d->nr_vcpus)
		return -ENOENT;
	v = d->vcpus[vcpuid];
	switch ((u32)cmd) {
	case VCPUOP_is_up:
		return v->state != VCPU_DOWN;
	case VCPUOP_initialise:
		return arch_vcpu_initialise(v, arg);
	case VCPUOP_up:
		if (!v->initialised)
			return -EINVAL;
		vcpu_start(v); /* nothing if it is up already */
		return 0;
	case VCPUOP_down:
		if (v->state != VCPU_DOWN)
			vcpu_stop(v, VCPU_DOWN); /* it resumes where it was on VCPUOP_up */
		return 0;
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info rs;

		arch_vcpu_runstate(v, &rs);
		return copy_to_guest(arg, &rs, sizeof(rs)) ? -EFAULT : 0;
	}
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area area;

		if (copy_from_guest(&area, arg, sizeof(area)))
			return -EFAULT;
		if (area.addr.p &&
		    !guest_range_ok(area.addr.p, sizeof(struct vcpu_runstate_info)))
			return -EFAULT;
		v->arch.runstate_area = area.addr.p;
		arch_vcpu_update_runstate(v);
		return 0;
	}
	case VCPUOP_register_vcpu_info: {
		struct vcpu_register_vcpu_info info;

		if (copy_from_guest(&info, arg, sizeof(info)))
			return -EFAULT;
		return arch_vcpu_register_vcpu_info(v, info.mfn, info.offset);
	}
	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer pt;

		if (copy_from_guest(&pt, arg, sizeof(pt)))
			return -EFAULT;
		if (pt.period_ns < PERIODIC_TIMER_MIN_NS)
			return -EINVAL;
		/* Accepted; delivering VIRQ_TIMER comes with event channels. */
		return 0;
	}
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer st;

		if (v != cur)
			return -EINVAL;
		if (copy_from_guest(&st, arg, sizeof(st)))
			return -EFAULT;
		if (st.timeout_abs_ns <= now_ns()) {
			stop_timer(&v->singleshot_timer);
			send_guest_vcpu_virq(v, VIRQ_TIMER); /* already due: now */
		} else {
			set_timer(&v->singleshot_timer, st.timeout_abs_ns);
		}
		return 0;
	}
	case VCPUOP_send_nmi:
		if (arg)
			return -EINVAL;
		arch_vcpu_send_nmi(v);
		return 0;
	case VCPUOP_stop_singleshot_timer:
		if (v != cur)
			return -EINVAL;
		stop_timer(&v->singleshot_timer);
		return 0;
	case VCPUOP_stop_periodic_timer:
		return 0; /* no periodic timer runs */
	default:
		return -ENOSYS;
	}
}
