/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event channels, 2-level ABI (common/event_channel.c): 4096 ports per domain, pending and
 * mask bitmaps in shared_info, a 64-bit selector and the upcall flag in each vcpu_info.
 *
 * Locking: one lock (event_channel.c, held with interrupts off) protects every domain's
 * port table; the bitmaps in shared_info
 * and vcpu_info are updated with atomic bit operations because the guest writes them too.
 * Lifetime: the port table is allocated with the domain (evtchn_init) and lives as long.
 */
#ifndef KESTREL_EVENT_H
#define KESTREL_EVENT_H

#include <kestrel/domain.h>

#define EVTCHN_NR_PORTS 4096
/* Ports exist in buckets of this many, as in Xen 4.17 (see port_exists()). */
#define EVTCHN_BUCKET 64

struct evtchn {
	u8 state;        /* EVTCHNSTAT_* */
	u8 notify_vcpu;  /* the vCPU a pending event is signalled to */
	u16 virq;        /* EVTCHNSTAT_virq */
	u16 remote_dom;  /* EVTCHNSTAT_unbound: who may bind; interdomain: the peer */
	u16 pad;
	u32 remote_port; /* EVTCHNSTAT_interdomain */
};

/* 0, or -ENOMEM. */
int evtchn_init(struct domain *d);

/* Is the event-channel lock held? (assertions and tests) */
bool evtchn_lock_held(void);

/* Close every port of a dying domain: the other ends of its channels become unbound. */
void evtchn_destroy(struct domain *d);

/* The event_channel_op hypercall. */
long do_event_channel_op(u64 cmd, u64 arg);

/* Raise a per-vCPU VIRQ (VIRQ_TIMER...) on v, if the guest bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);

/* Is an upcall due: events pending and not masked? */
bool evtchn_upcall_due(const struct vcpu *v);

/* Architecture: a vCPU got an event; wake it if it waits (block/poll). */
void arch_vcpu_kick(struct vcpu *v);

#endif
