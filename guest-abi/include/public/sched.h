/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: sched_op (hypercall 29), scheduler-related requests of
 * the calling vCPU or domain.
 *
 *   long sched_op(int cmd, void *arg)
 *
 * @arg points at the command's structure, or is unused (NULL) where noted.
 * Any command not listed returns -XEN_ENOSYS.
 */
#ifndef KESTREL_PUBLIC_SCHED_H
#define KESTREL_PUBLIC_SCHED_H

#include "event_channel.h"

/*
 * SCHEDOP_yield (arg unused)
 *   Give up the physical CPU; the vCPU stays runnable and the scheduler may
 *   pick it again at once. Returns 0.
 */
#define SCHEDOP_yield		0

/*
 * SCHEDOP_block (arg unused)
 *   Clear evtchn_upcall_mask (enable events) and sleep until an event is
 *   pending for this vCPU. Returns 0 at once if one is already pending. The
 *   unmask and the sleep are atomic, so a guest can "sti; hlt" without a
 *   lost-wakeup race. The upcall is delivered on the way back to the guest.
 *   Returns 0.
 */
#define SCHEDOP_block		1

/*
 * SCHEDOP_shutdown (arg: struct sched_shutdown *, IN)
 *   Stop the whole calling domain for the given reason (SHUTDOWN_*). The
 *   first reason recorded (here or with SCHEDOP_shutdown_code) wins. Does not
 *   return, except:
 *   - SHUTDOWN_suspend: RDX holds the MFN of the start_info page to update on
 *     resume; the call returns 0 when the domain is resumed in a new
 *     context, or 1 when the suspend was cancelled and the domain continues
 *     where it was (needs XEN_ELFNOTE_SUSPEND_CANCEL);
 *   - when the domain is already shutting down it returns 0.
 *   Errors: -XEN_EFAULT (@arg not readable). Xen does not validate the
 *   reason; Kestrel treats values above SHUTDOWN_MAX like SHUTDOWN_crash.
 */
#define SCHEDOP_shutdown	2

/*
 * SCHEDOP_poll (arg: struct sched_poll *, IN)
 *   Block until one of the listed event-channel ports is pending, or until
 *   the absolute system time @timeout (ns, 0 = no timeout). Returns 0 at
 *   once if any listed port is already pending, or if an event upcall is
 *   deliverable (events pending and unmasked). Does not change
 *   evtchn_upcall_mask.
 *   Errors: -XEN_EFAULT (@arg or the port list not readable), -XEN_EINVAL
 *   (more than 128 ports, or a listed port is out of range or not in use).
 */
#define SCHEDOP_poll		3

/*
 * SCHEDOP_remote_shutdown (arg: struct sched_remote_shutdown *, IN)
 *   Shut down another domain, as if it had called SCHEDOP_shutdown. Needs
 *   privilege over that domain (the toolstack domain or its device model).
 *   Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_ESRCH (no such domain), -XEN_EPERM (not
 *   privileged over it).
 */
#define SCHEDOP_remote_shutdown	4

/*
 * SCHEDOP_shutdown_code (arg: struct sched_shutdown *, IN)
 *   Record the reason a later shutdown should report, without shutting down
 *   (used before a suspend or crash path that may not get the chance).
 *   Only the first recorded reason is kept. Returns 0.
 *   Errors: -XEN_EFAULT.
 */
#define SCHEDOP_shutdown_code	5

/*
 * SCHEDOP_watchdog (arg: struct sched_watchdog *, IN)
 *   Domain watchdog timers. id == 0 allocates a new timer that fires after
 *   @timeout seconds and returns its id (1-based). id != 0 re-arms that
 *   timer for @timeout seconds, or frees it when @timeout is 0 (returns 0).
 *   When a timer fires the domain is shut down with SHUTDOWN_watchdog.
 *   Errors: -XEN_EFAULT, -XEN_EINVAL (id not allocated or out of range),
 *   -XEN_ENOSPC (all timers in use; Xen has 2 per domain).
 */
#define SCHEDOP_watchdog	6

/*
 * SCHEDOP_pin_override (arg: struct sched_pin_override *, IN)
 *   Hardware domain only: temporarily pin the calling vCPU to physical CPU
 *   @pcpu (e.g. for firmware calls that must run on a given CPU); a negative
 *   @pcpu ends the override. Returns 0.
 *   Errors: -XEN_EPERM (not the hardware domain), -XEN_EFAULT, -XEN_EINVAL
 *   (@pcpu not an online CPU of the vCPU's pool, or ending an override that
 *   is not active), -XEN_EBUSY (an override, or another temporary pinning,
 *   is already active).
 */
#define SCHEDOP_pin_override	7

#ifndef __ASSEMBLY__

/* SCHEDOP_shutdown / SCHEDOP_shutdown_code. 4 bytes. */
struct sched_shutdown {
	unsigned int reason;		/* IN: SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

/* SCHEDOP_poll. 24 bytes. */
struct sched_poll {
	evtchn_port_t *ports;		/* IN: array of ports to wait on */
	unsigned int nr_ports;		/* IN: number of entries, at most 128 */
	uint64_t timeout;		/* IN: absolute system time (ns), 0 = none */
};
typedef struct sched_poll sched_poll_t;

/* SCHEDOP_remote_shutdown. 8 bytes. */
struct sched_remote_shutdown {
	domid_t domain_id;		/* IN: domain to shut down */
	unsigned int reason;		/* IN: SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

/* SCHEDOP_watchdog. 8 bytes. */
struct sched_watchdog {
	uint32_t id;			/* IN: 0 = allocate, else timer id */
	uint32_t timeout;		/* IN: seconds; 0 with id != 0 frees it */
};
typedef struct sched_watchdog sched_watchdog_t;

/* SCHEDOP_pin_override. 4 bytes. */
struct sched_pin_override {
	int32_t pcpu;			/* IN: physical CPU, negative = stop */
};
typedef struct sched_pin_override sched_pin_override_t;

#endif /* !__ASSEMBLY__ */

/* Shutdown reasons (sched_shutdown.reason). */
#define SHUTDOWN_poweroff	0	/* clean exit: destroy the domain */
#define SHUTDOWN_reboot		1	/* destroy, then start it again */
#define SHUTDOWN_suspend	2	/* save state for a later resume */
#define SHUTDOWN_crash		3	/* the guest crashed */
#define SHUTDOWN_watchdog	4	/* a watchdog timer expired */
#define SHUTDOWN_soft_reset	5	/* reset the domain's state, keep memory */
#define SHUTDOWN_MAX		5

#endif /* KESTREL_PUBLIC_SCHED_H */
