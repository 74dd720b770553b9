/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_op: the per-vCPU registrations a PV kernel makes at boot (runstate area, vcpu_info
 * placement, the extra pvclock copy), bringing vCPUs up and down, and the vCPU timers
 * (common/vtimer.c). The vCPU id is checked first: every id that does not exist is
 * -ENOENT, whatever the command.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/time.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <kestrel/sched.h>
#include <kestrel/vtimer.h>
#include <public/vcpu.h>

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
		return vtimer_set_periodic(v, pt.period_ns);
	}
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer st;

		if (v != cur)
			return -EINVAL;
		if (copy_from_guest(&st, arg, sizeof(st)))
			return -EFAULT;
		vtimer_set_singleshot(v, st.timeout_abs_ns); /* flags ignored, as Xen 4.17.3+ */
		return 0;
	}
	case VCPUOP_register_vcpu_time_memory_area: {
		struct vcpu_register_time_memory_area area;

		if (copy_from_guest(&area, arg, sizeof(area)))
			return -EFAULT;
		if (area.addr.p && !guest_range_ok(area.addr.p, sizeof(struct vcpu_time_info)))
			return -EFAULT;
		v->time_area = area.addr.p;
		arch_update_vcpu_time(v);
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
		vtimer_stop_singleshot(v);
		return 0;
	case VCPUOP_stop_periodic_timer:
		vtimer_stop_periodic(v);
		return 0;
	default:
		return -ENOSYS;
	}
}

/* set_timer_op (hypercall 15): the calling vCPU's single-shot timer; always 0. */
long do_set_timer_op(u64 timeout)
{
	vtimer_set_timer_op(arch_current_vcpu(), timeout);
	return 0;
}
