/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: event_channel_op (hypercall 32).
 *
 *   long event_channel_op(int cmd, void *arg)
 *
 * An event channel is a port number in a domain, bound to a source of
 * notifications (another domain's port, a VIRQ, an IPI from another vCPU of
 * the same domain, a physical IRQ) and to the vCPU that is notified. Pending
 * and mask state live in shared_info (2-level ABI, NR_EVENT_CHANNELS ports);
 * see struct vcpu_info in xen.h for the delivery protocol.
 *
 * Common errors: -XEN_EFAULT (@arg not readable, or results not writable),
 * -XEN_ENOSYS (unknown @cmd), -XEN_ENOSPC (all ports in use, for every
 * command that allocates a port).
 */
#ifndef KESTREL_PUBLIC_EVENT_CHANNEL_H
#define KESTREL_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

/*
 * EVTCHNOP_bind_interdomain (struct evtchn_bind_interdomain)
 *   Allocate a local port connected to remote_port of remote_dom, which must
 *   be unbound and reserved for the caller (EVTCHNOP_alloc_unbound with
 *   remote_dom = the caller). Binding to a port of the caller's own domain
 *   is allowed. The new local port is made pending once, so notifications
 *   sent before the bind are not lost. Notifies vCPU 0 until
 *   EVTCHNOP_bind_vcpu.
 *   Errors: -XEN_ESRCH (no such remote domain), -XEN_EINVAL (remote port out
 *   of range, not unbound, or reserved for another domain), -XEN_EPERM
 *   (policy forbids the connection).
 */
#define EVTCHNOP_bind_interdomain	0

/*
 * EVTCHNOP_bind_virq (struct evtchn_bind_virq)
 *   Allocate a port that receives VIRQ @virq, notifying vCPU @vcpu. Per-vCPU
 *   VIRQs are bound once per vCPU; global VIRQs must name vCPU 0 (move them
 *   later with EVTCHNOP_bind_vcpu).
 *   Errors: -XEN_EINVAL (virq >= NR_VIRQS, or a global VIRQ with vcpu != 0),
 *   -XEN_ENOENT (no such vCPU), -XEN_EEXIST (this VIRQ is already bound on
 *   that vCPU).
 */
#define EVTCHNOP_bind_virq		1

/*
 * EVTCHNOP_bind_pirq (struct evtchn_bind_pirq)
 *   Allocate a port for physical IRQ @pirq (as mapped by PHYSDEVOP_map_pirq),
 *   notifying vCPU 0. BIND_PIRQ__WILL_SHARE allows other domains to share
 *   the line.
 *   Errors: -XEN_EINVAL (pirq out of range or not mapped), -XEN_EPERM (no
 *   access to the IRQ), -XEN_EEXIST (already bound), -XEN_ENOMEM, and the
 *   errors of binding the physical line (Xen: -XEN_EBUSY when it is in use
 *   by a domain that did not allow sharing).
 */
#define EVTCHNOP_bind_pirq		2

/*
 * EVTCHNOP_close (struct evtchn_close)
 *   Close a local port; an interdomain peer becomes unbound (reserved for the
 *   caller's domain again). Returns 0.
 *   Errors: -XEN_EINVAL (port out of range, or owned by the hypervisor).
 */
#define EVTCHNOP_close			3

/*
 * EVTCHNOP_send (struct evtchn_send)
 *   Notify the other end: the peer port of an interdomain channel, or the
 *   target vCPU of an IPI port. Sending on an unbound port does nothing.
 *   Returns 0.
 *   Errors: -XEN_EINVAL (port out of range, closed, owned by the hypervisor,
 *   or of a kind that cannot be sent on: VIRQ or PIRQ).
 */
#define EVTCHNOP_send			4

/*
 * EVTCHNOP_status (struct evtchn_status)
 *   Describe port @port of domain @dom (DOMID_SELF, or another domain with
 *   privilege).
 *   Errors: -XEN_ESRCH (no such domain), -XEN_EPERM (not privileged over
 *   it), -XEN_EINVAL (port out of range), -XEN_EACCES (port owned by the
 *   hypervisor).
 */
#define EVTCHNOP_status			5

/*
 * EVTCHNOP_alloc_unbound (struct evtchn_alloc_unbound)
 *   Allocate a port in domain @dom (DOMID_SELF, or another domain with
 *   privilege) that waits for remote_dom to connect with
 *   EVTCHNOP_bind_interdomain. remote_dom may be DOMID_SELF. Notifies vCPU 0.
 *   Errors: -XEN_ESRCH (@dom does not exist), -XEN_EPERM (not privileged
 *   over @dom).
 */
#define EVTCHNOP_alloc_unbound		6

/*
 * EVTCHNOP_bind_ipi (struct evtchn_bind_ipi)
 *   Allocate a port that, when sent on, notifies vCPU @vcpu of the caller's
 *   own domain.
 *   Errors: -XEN_ENOENT (no such vCPU).
 */
#define EVTCHNOP_bind_ipi		7

/*
 * EVTCHNOP_bind_vcpu (struct evtchn_bind_vcpu)
 *   Change which vCPU a port notifies. Allowed for interdomain, unbound, PIRQ
 *   and global-VIRQ ports. Returns 0.
 *   Errors: -XEN_ENOENT (no such vCPU), -XEN_EINVAL (port out of range,
 *   closed, IPI, per-vCPU VIRQ, or owned by the hypervisor).
 */
#define EVTCHNOP_bind_vcpu		8

/*
 * EVTCHNOP_unmask (struct evtchn_unmask)
 *   Clear the port's mask bit and, if it is pending, set the selector and
 *   upcall-pending bits of its vCPU (and kick it). Guests may instead do the
 *   same in shared memory for ports bound to the running vCPU. Returns 0.
 *   Errors: -XEN_EINVAL (port out of range).
 */
#define EVTCHNOP_unmask			9

/*
 * EVTCHNOP_reset (struct evtchn_reset)
 *   Close every port of domain @dom (DOMID_SELF or, with privilege, another
 *   domain); used across kexec and soft reset. Returns 0.
 *   Errors: -XEN_ESRCH, -XEN_EPERM, -XEN_EINVAL (another domain that is not
 *   paused by the toolstack), -XEN_EBUSY (a reset is already in progress),
 *   -XEN_EAGAIN (ports owned by the hypervisor remain open).
 */
#define EVTCHNOP_reset			10

/*
 * EVTCHNOP_reset_cont (struct evtchn_reset)
 *   The continuation of a preempted EVTCHNOP_reset. Called by a guest when no
 *   reset is in progress: -XEN_EBUSY (after the checks of EVTCHNOP_reset).
 */
#define EVTCHNOP_reset_cont		14

/*
 * EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority
 *   FIFO event-channel ABI. Kestrel implements only the 2-level ABI:
 *   init_control returns -XEN_ENOSYS, which tells guests (Linux included) to
 *   stay with 2-level (Xen 4.17 offers FIFO here). For a 2-level domain, as in
 *   Xen: expand_array -XEN_EOPNOTSUPP; set_priority -XEN_EINVAL for a port
 *   that does not exist, else -XEN_ENOSYS. Structures are declared for
 *   completeness.
 */
#define EVTCHNOP_init_control		11
#define EVTCHNOP_expand_array		12
#define EVTCHNOP_set_priority		13

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* EVTCHNOP_alloc_unbound. 8 bytes. */
struct evtchn_alloc_unbound {
	domid_t dom;			/* IN: domain to allocate in, or DOMID_SELF */
	domid_t remote_dom;		/* IN: domain allowed to connect */
	evtchn_port_t port;		/* OUT: the new port */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* EVTCHNOP_bind_interdomain. 12 bytes. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;		/* IN: owner of remote_port (may be DOMID_SELF) */
	evtchn_port_t remote_port;	/* IN: its unbound port */
	evtchn_port_t local_port;	/* OUT: the new local port */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* EVTCHNOP_bind_virq. 12 bytes. */
struct evtchn_bind_virq {
	uint32_t virq;			/* IN: VIRQ_* */
	uint32_t vcpu;			/* IN: vCPU to notify */
	evtchn_port_t port;		/* OUT: the new port */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* EVTCHNOP_bind_pirq. 12 bytes. */
struct evtchn_bind_pirq {
	uint32_t pirq;			/* IN: physical IRQ number (guest view) */
#define BIND_PIRQ__WILL_SHARE	1
	uint32_t flags;			/* IN: BIND_PIRQ__* */
	evtchn_port_t port;		/* OUT: the new port */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* EVTCHNOP_bind_ipi. 8 bytes. */
struct evtchn_bind_ipi {
	uint32_t vcpu;			/* IN: vCPU to notify */
	evtchn_port_t port;		/* OUT: the new port */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/* EVTCHNOP_close. 4 bytes. */
struct evtchn_close {
	evtchn_port_t port;		/* IN */
};
typedef struct evtchn_close evtchn_close_t;

/* EVTCHNOP_send. 4 bytes. */
struct evtchn_send {
	evtchn_port_t port;		/* IN */
};
typedef struct evtchn_send evtchn_send_t;

/* evtchn_status.status */
#define EVTCHNSTAT_closed	0	/* port not in use */
#define EVTCHNSTAT_unbound	1	/* waiting for a remote domain to connect */
#define EVTCHNSTAT_interdomain	2	/* connected to another port */
#define EVTCHNSTAT_pirq		3	/* bound to a physical IRQ */
#define EVTCHNSTAT_virq		4	/* bound to a VIRQ */
#define EVTCHNSTAT_ipi		5	/* bound to an IPI */

/* EVTCHNOP_status. 24 bytes. */
struct evtchn_status {
	domid_t dom;			/* IN: domain, or DOMID_SELF */
	evtchn_port_t port;		/* IN: port to describe */
	uint32_t status;		/* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;			/* OUT: vCPU it notifies */
	union {
		struct {
			domid_t dom;	/* OUT: domain allowed to connect */
		} unbound;
		struct {
			domid_t dom;	/* OUT: peer domain */
			evtchn_port_t port; /* OUT: peer port */
		} interdomain;
		uint32_t pirq;		/* OUT: for EVTCHNSTAT_pirq */
		uint32_t virq;		/* OUT: for EVTCHNSTAT_virq */
	} u;
};
typedef struct evtchn_status evtchn_status_t;

/* EVTCHNOP_bind_vcpu. 8 bytes. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;		/* IN */
	uint32_t vcpu;			/* IN: vCPU to notify from now on */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* EVTCHNOP_unmask. 4 bytes. */
struct evtchn_unmask {
	evtchn_port_t port;		/* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* EVTCHNOP_reset. 2 bytes. */
struct evtchn_reset {
	domid_t dom;			/* IN: domain, or DOMID_SELF */
};
typedef struct evtchn_reset evtchn_reset_t;

/* EVTCHNOP_init_control (FIFO ABI, not implemented). 24 bytes. */
struct evtchn_init_control {
	uint64_t control_gfn;		/* IN: frame for the control block */
	uint32_t offset;		/* IN: offset of the block in that frame */
	uint32_t vcpu;			/* IN: vCPU the block belongs to */
	uint8_t link_bits;		/* OUT: bits in a FIFO link field */
	uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* EVTCHNOP_expand_array (FIFO ABI, not implemented). 8 bytes. */
struct evtchn_expand_array {
	uint64_t array_gfn;		/* IN: frame to add to the event array */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/* EVTCHNOP_set_priority (FIFO ABI, not implemented). 8 bytes. */
struct evtchn_set_priority {
	evtchn_port_t port;		/* IN */
	uint32_t priority;		/* IN: 0 (highest) .. 15 */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/*
 * Argument of the obsolete hypercall 16 (event_channel_op_compat): the
 * command followed by its structure. 28 bytes.
 */
struct evtchn_op {
	uint32_t cmd;			/* IN: EVTCHNOP_* */
	union {
		evtchn_alloc_unbound_t alloc_unbound;
		evtchn_bind_interdomain_t bind_interdomain;
		evtchn_bind_virq_t bind_virq;
		evtchn_bind_pirq_t bind_pirq;
		evtchn_bind_ipi_t bind_ipi;
		evtchn_close_t close;
		evtchn_send_t send;
		evtchn_status_t status;
		evtchn_bind_vcpu_t bind_vcpu;
		evtchn_unmask_t unmask;
	} u;				/* IN/OUT: as for the command */
};
typedef struct evtchn_op evtchn_op_t;

#endif /* !__ASSEMBLY__ */

/* Ports of the 2-level ABI for a 64-bit guest (same as NR_EVENT_CHANNELS). */
#define EVTCHN_2L_NR_CHANNELS	NR_EVENT_CHANNELS

/* FIFO ABI constants, for completeness. */
#define EVTCHN_FIFO_PRIORITY_MAX	0
#define EVTCHN_FIFO_PRIORITY_DEFAULT	7
#define EVTCHN_FIFO_PRIORITY_MIN	15
#define EVTCHN_FIFO_MAX_QUEUES		(EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_LINK_BITS		17
#define EVTCHN_FIFO_NR_CHANNELS		(1 << EVTCHN_FIFO_LINK_BITS)

#endif /* KESTREL_PUBLIC_EVENT_CHANNEL_H */
