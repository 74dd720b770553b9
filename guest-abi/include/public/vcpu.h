/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: vcpu_op (hypercall 24), per-vCPU control.
 *
 *   long vcpu_op(int cmd, unsigned int vcpuid, void *arg)
 *
 * @vcpuid names a vCPU of the calling domain. Every command fails with
 * -XEN_ENOENT when that vCPU does not exist; guests enumerate their vCPUs
 * with VCPUOP_is_up and stop at the first -XEN_ENOENT. Commands not listed
 * return -XEN_ENOSYS. Commands that read @arg return -XEN_EFAULT when it is
 * not readable.
 */
#ifndef KESTREL_PUBLIC_VCPU_H
#define KESTREL_PUBLIC_VCPU_H

#include "xen.h"

/*
 * VCPUOP_initialise (arg: struct vcpu_guest_context *, IN)
 *   Give a vCPU that has never run its initial register and control state
 *   (arch-x86_64.h). The vCPU stays down until VCPUOP_up. The context is
 *   validated as for a running vCPU: ctrlreg[3] must name an L4 that
 *   validates (it is pinned/typed as an L4), gdt_frames as for set_gdt,
 *   callback and trap addresses canonical; selector RPLs are forced to 3.
 *   Returns 0.
 *   Errors: -XEN_EINVAL (the vCPU has no vcpu_info: ids >= 32 need
 *   VCPUOP_register_vcpu_info first; or the context is invalid),
 *   -XEN_EEXIST (the vCPU was already initialised), -XEN_EFAULT,
 *   -XEN_ENOMEM.
 */
#define VCPUOP_initialise			0

/*
 * VCPUOP_up (arg unused)
 *   Let an initialised vCPU run. Returns 0 (also if it is already up).
 *   Errors: -XEN_EINVAL (not initialised).
 */
#define VCPUOP_up				1

/*
 * VCPUOP_down (arg unused)
 *   Stop a vCPU; it keeps its state and VCPUOP_up resumes it. Taking down
 *   the last running vCPU shuts the domain down (SHUTDOWN_poweroff).
 *   Returns 0.
 */
#define VCPUOP_down				2

/*
 * VCPUOP_is_up (arg unused)
 *   Returns 1 if the vCPU is up, 0 if it is down.
 */
#define VCPUOP_is_up				3

/*
 * VCPUOP_get_runstate_info (arg: struct vcpu_runstate_info *, OUT)
 *   Snapshot of the vCPU's run-state accounting. Returns 0.
 */
#define VCPUOP_get_runstate_info		4

/*
 * VCPUOP_register_runstate_memory_area
 *   (arg: struct vcpu_register_runstate_memory_area *, IN)
 *   Ask the hypervisor to keep a struct vcpu_runstate_info at guest virtual
 *   address addr.v up to date for this vCPU: it is written immediately and
 *   whenever the vCPU changes state (at least on every deschedule). The
 *   address is used in the page tables current at the time of each update;
 *   updates that cannot be written while the vCPU is in user mode are
 *   retried on the next switch to kernel mode. May be called again to move
 *   the area; a NULL address stops the updates. Returns 0.
 *   Errors: -XEN_EFAULT (@arg not readable, or addr.v is not a guest
 *   address, e.g. in the hypervisor hole).
 */
#define VCPUOP_register_runstate_memory_area	5

/*
 * VCPUOP_set_periodic_timer (arg: struct vcpu_set_periodic_timer *, IN)
 *   Raise VIRQ_TIMER on the vCPU every period_ns. Returns 0.
 *   Errors: -XEN_EINVAL (period below 1 ms, or too large to represent).
 *
 * VCPUOP_stop_periodic_timer (arg unused)
 *   Stop it. Returns 0. (Xen arms a 10 ms periodic timer on every PV vCPU
 *   when it is created and Linux stops it first thing; guests should not
 *   rely on either default.)
 */
#define VCPUOP_set_periodic_timer		6
#define VCPUOP_stop_periodic_timer		7

/*
 * VCPUOP_set_singleshot_timer (arg: struct vcpu_set_singleshot_timer *, IN)
 *   Raise VIRQ_TIMER once, at absolute system time timeout_abs_ns (the time
 *   base of vcpu_time_info.system_time). A deadline already in the past
 *   fires at once. Replaces any pending single-shot deadline. Only for the
 *   calling vCPU. flags is ignored (VCPU_SSHOTTMR_future used to turn a
 *   past deadline into -XEN_ETIME; current Xen 4.17 releases ignore it, and
 *   so does Kestrel). Returns 0.
 *   Errors: -XEN_EINVAL (vcpuid is not the calling vCPU), -XEN_EFAULT.
 *
 * VCPUOP_stop_singleshot_timer (arg unused)
 *   Cancel the pending deadline. Only for the calling vCPU. Returns 0.
 *   Errors: -XEN_EINVAL (vcpuid is not the calling vCPU).
 */
#define VCPUOP_set_singleshot_timer		8
#define VCPUOP_stop_singleshot_timer		9

/*
 * VCPUOP_register_vcpu_info (arg: struct vcpu_register_vcpu_info *, IN)
 *   Move the vCPU's struct vcpu_info out of shared_info into the guest
 *   frame mfn at byte offset. The current contents are copied there (for a
 *   vCPU >= 32, which had none, it starts zeroed with events masked), then
 *   evtchn_pending_sel is set to ~0 and evtchn_upcall_pending to 1 so that
 *   nothing raised during the move is lost (one spurious upcall); from then
 *   on the hypervisor uses only the new copy. Allowed for the calling
 *   vCPU or for a vCPU that is down, and only once per vCPU. The frame gets
 *   a writable type reference, so it cannot become a page table while
 *   registered. Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_ENXIO (offset > 4096 - 64, or offset not
 *   8-byte aligned), -XEN_EINVAL (already registered, the vCPU is up and is
 *   not the caller, or mfn is not a frame of the caller that can be
 *   writable), -XEN_ENOMEM.
 *   (Later Xen versions return -XEN_EBUSY for "already registered".)
 */
#define VCPUOP_register_vcpu_info		10

/*
 * VCPUOP_send_nmi (arg must be NULL)
 *   Make an NMI pending on the vCPU (delivered through trap_table vector 2
 *   or the CALLBACKTYPE_nmi callback). Returns 0.
 *   Errors: -XEN_EINVAL (arg not NULL).
 */
#define VCPUOP_send_nmi				11

/*
 * VCPUOP_get_physid (arg: struct vcpu_get_physid *, OUT)
 *   Hardware domain whose vCPUs are pinned 1:1 to physical CPUs only: the
 *   APIC id (bits 31:0) and ACPI processor id (bits 63:32) of the physical
 *   CPU. Returns 0.
 *   Errors: -XEN_EINVAL (not such a vCPU), -XEN_EFAULT.
 */
#define VCPUOP_get_physid			12

/*
 * VCPUOP_register_vcpu_time_memory_area
 *   (arg: struct vcpu_register_time_memory_area *, IN)
 *   Keep an extra copy of the vCPU's struct vcpu_time_info at guest virtual
 *   address addr.v (for a user-mapped vDSO page), written with the same
 *   contents and the same version protocol every time vcpu_info.time is
 *   updated. Returns 0.
 *   Errors: -XEN_EFAULT (@arg not readable, or addr.v not a guest address).
 */
#define VCPUOP_register_vcpu_time_memory_area	13

#ifndef __ASSEMBLY__

/*
 * Run-state accounting. 48 bytes (note the 4-byte hole after state). All
 * fields are OUT.
 */
struct vcpu_runstate_info {
	int state;			/* OUT: RUNSTATE_* (@0) */
	uint64_t state_entry_time;	/* OUT: system time (ns) state was entered (@8) */
	uint64_t time[4];		/* OUT: ns spent in each RUNSTATE_* (@16) */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

#endif /* !__ASSEMBLY__ */

/*
 * With VMASST_TYPE_runstate_update_flag enabled, the hypervisor sets this
 * bit in state_entry_time while it rewrites a registered runstate area and
 * clears it when done; readers retry while it is set.
 */
#define XEN_RUNSTATE_UPDATE	(xen_mk_ullong(1) << 63)

/* vcpu_runstate_info.state and the index of time[]. */
#define RUNSTATE_running	0	/* running on a physical CPU */
#define RUNSTATE_runnable	1	/* ready, waiting for a physical CPU */
#define RUNSTATE_blocked	2	/* waiting for an event (SCHEDOP_block/poll) */
#define RUNSTATE_offline	3	/* down, paused, or not yet started */

#ifndef __ASSEMBLY__

/* VCPUOP_register_runstate_memory_area. 8 bytes. */
struct vcpu_register_runstate_memory_area {
	union {
		struct vcpu_runstate_info *v;	/* IN: guest virtual address */
		uint64_t p;			/* IN: same, as an integer */
	} addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

/* VCPUOP_set_periodic_timer. 8 bytes. */
struct vcpu_set_periodic_timer {
	uint64_t period_ns;		/* IN: period in ns, at least 1 ms */
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

/* VCPUOP_set_singleshot_timer. 16 bytes. */
struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;	/* IN: absolute system time deadline */
	uint32_t flags;			/* IN: VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

#endif /* !__ASSEMBLY__ */

/* vcpu_set_singleshot_timer.flags: historical "fail if past"; ignored. */
#define _VCPU_SSHOTTMR_future	0
#define VCPU_SSHOTTMR_future	(1U << _VCPU_SSHOTTMR_future)

#ifndef __ASSEMBLY__

/* VCPUOP_register_vcpu_info. 16 bytes. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;			/* IN: machine frame to hold the vcpu_info */
	uint32_t offset;		/* IN: byte offset inside it, 8-aligned */
	uint32_t rsvd;			/* IN: reserved, set to 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

/* VCPUOP_get_physid. 8 bytes. */
struct vcpu_get_physid {
	uint64_t phys_id;		/* OUT: APIC id | (ACPI id << 32) */
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(physid)	((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid)	((uint32_t)((physid) >> 32))

/* VCPUOP_register_vcpu_time_memory_area. 8 bytes. */
struct vcpu_register_time_memory_area {
	union {
		struct vcpu_time_info *v;	/* IN: guest virtual address */
		uint64_t p;			/* IN: same, as an integer */
	} addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_VCPU_H */
