/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_op: the per-vCPU registrations a PV kernel makes at boot (runstate area, vcpu_info
 * placement) and the up/down queries. Bringing secondary vCPUs up and their timers come
 * with SMP guests.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <public/vcpu.h>

long do_vcpu_op(u64 cmd, u64 vcpuid, u64 arg)
{
	struct vcpu *cur = arch_current_vcpu();
	struct domain *d = cur->domain;
	struct vcpu *v;

	if (vcpuid >= d->nr_vcpus)
		return -ENOENT;
	v = d->vcpus[vcpuid];
	switch (cmd) {
	case VCPUOP_is_up:
		return v->state != VCPU_DOWN;
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area area;

		if (copy_from_guest(&area, arg, sizeof(area)))
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
	case VCPUOP_stop_periodic_timer:
	case VCPUOP_stop_singleshot_timer:
		return 0; /* no timer is running */
	default:
		return -ENOSYS;
	}
}
