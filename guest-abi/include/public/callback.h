/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: callback_op (hypercall 30), registration of the entry
 * points the hypervisor "calls back" into the guest kernel.
 *
 *   long callback_op(int cmd, const void *arg)
 *
 * Callbacks are per vCPU: each vCPU registers its own (or receives them in
 * its vcpu_guest_context through VCPUOP_initialise). Every callback is
 * entered in guest kernel mode on FLAT_KERNEL_CS/FLAT_KERNEL_SS with the
 * bounce frame described in docs/abi/callbacks.md on the kernel stack.
 *
 * CALLBACKOP_register (arg: struct callback_register *, IN)
 *   Set the entry point of callback @type to @address, replacing any
 *   previous one. @flags may contain CALLBACKF_mask_events: set
 *   evtchn_upcall_mask on entry (the event callback always masks, whatever
 *   the flag says). Registering CALLBACKTYPE_nmi installs @address as
 *   trap_table entry 2. Returns 0.
 *   Errors: -XEN_EFAULT (@arg not readable), -XEN_EINVAL (@address not
 *   canonical), -XEN_ENOSYS (unknown @type, including
 *   CALLBACKTYPE_sysenter_deprecated).
 *
 * CALLBACKOP_unregister (arg: struct callback_unregister *, IN)
 *   Only CALLBACKTYPE_nmi can be unregistered (its trap_table entry is
 *   cleared). Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_EINVAL (event, failsafe, syscall, syscall32 or
 *   sysenter: these cannot be removed, only replaced), -XEN_ENOSYS (unknown
 *   @type).
 *
 * Unknown @cmd: -XEN_ENOSYS.
 */
#ifndef KESTREL_PUBLIC_CALLBACK_H
#define KESTREL_PUBLIC_CALLBACK_H

#include "xen.h"

/* Event-channel upcall: events are pending and evtchn_upcall_mask is 0. */
#define CALLBACKTYPE_event			0
/* The hypervisor could not load the guest's segments or return frame. */
#define CALLBACKTYPE_failsafe			1
/* 64-bit user space executed SYSCALL. */
#define CALLBACKTYPE_syscall			2
/* Old number of the sysenter callback; rejected. */
#define CALLBACKTYPE_sysenter_deprecated	3
/* Non-maskable interrupt (alternative to trap_table entry 2). */
#define CALLBACKTYPE_nmi			4
/* 32-bit (compat) user space executed SYSENTER. */
#define CALLBACKTYPE_sysenter			5
/* 32-bit (compat) user space executed SYSCALL. */
#define CALLBACKTYPE_syscall32			7

/* callback_register.flags */
#define _CALLBACKF_mask_events			0
#define CALLBACKF_mask_events			(1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register			0
#define CALLBACKOP_unregister			1

#ifndef __ASSEMBLY__

/* CALLBACKOP_register. 16 bytes. */
struct callback_register {
	uint16_t type;			/* IN: CALLBACKTYPE_* */
	uint16_t flags;			/* IN: CALLBACKF_* */
	xen_callback_t address;		/* IN: entry point, canonical */
};
typedef struct callback_register callback_register_t;

/* CALLBACKOP_unregister. 4 bytes. */
struct callback_unregister {
	uint16_t type;			/* IN: CALLBACKTYPE_* */
	uint16_t _unused;		/* IN: ignored */
};
typedef struct callback_unregister callback_unregister_t;

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_CALLBACK_H */
