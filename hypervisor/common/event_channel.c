/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event channels with the 2-level ABI, as Xen defines them: allocation of unbound ports,
 * interdomain binding (within one domain until other domains exist), VIRQs with their
 * per-vCPU or global scope, IPIs, send, close, status, unmask and vCPU rebinding. The
 * FIFO ABI is not offered (init_control answers -ENOSYS, which selects 2-level in Linux).
 *
 * Delivery (evtchn_set_pending): set the port's pending bit; if it was clear and the port
 * is not masked, set the selector bit of its word in the notified vCPU's vcpu_info, and if
 * that was clear set evtchn_upcall_pending and kick the vCPU.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/sched.h>
#include <kestrel/guest_access.h>
#include <kestrel/heap.h>
#include <kestrel/hypercall.h>
#include <kestrel/lib.h>
#include <public/event_channel.h>

#define BITS_PER_WORD 64

/*
 * One lock for every domain's ports: an interdomain channel joins two port tables, and
 * operations are short. It is also taken from timer interrupts (VIRQ_TIMER), so it is
 * always held with interrupts off: an interrupt on the CPU holding it could otherwise
 * wait for it forever.
 */
static DEFINE_SPINLOCK(evtchn_lock);

static unsigned long lock_evtchn(struct domain *d)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&evtchn_lock);
	return flags;
}

static void unlock_evtchn(struct domain *d, unsigned long flags)
{
	spin_unlock(&evtchn_lock);
	arch_irq_restore(flags);
}

bool evtchn_lock_held(void)
{
	return spin_is_locked(&evtchn_lock);
}

int evtchn_init(struct domain *d)
{
	d->evtchn = xzalloc(EVTCHN_NR_PORTS * sizeof(struct evtchn));
	d->evtchn_valid = EVTCHN_BUCKET;
	return d->evtchn ? 0 : -ENOMEM;
}

static bool test_and_set(volatile unsigned long *word, unsigned int bit)
{
	return __atomic_fetch_or(word, 1UL << bit, __ATOMIC_SEQ_CST) & (1UL << bit);
}

static bool test_and_clear(volatile unsigned long *word, unsigned int bit)
{
	return __atomic_fetch_and(word, ~(1UL << bit), __ATOMIC_SEQ_CST) & (1UL << bit);
}

static bool test_bit(const volatile unsigned long *word, unsigned int bit)
{
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) & (1UL << bit);
}

static void clear_bit(volatile unsigned long *word, unsigned int bit)
{
	__atomic_fetch_and(word, ~(1UL << bit), __ATOMIC_SEQ_CST);
}

/*
 * Per-vCPU VIRQs are bound on the vCPU they concern; the rest are global: bound on vCPU 0
 * and looked up there (virq_to_port[0]) even after EVTCHNOP_bind_vcpu moved them, as in Xen.
 */
static bool virq_is_per_vcpu(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == VIRQ_XENPMU;
}

static void signal_vcpu(struct vcpu *v, unsigned int port)
{
	struct vcpu_info *vi = v->arch.vcpu_info;

	if (!test_and_set(&vi->evtchn_pending_sel, port / BITS_PER_WORD)) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
		arch_vcpu_kick(v);
	}
}

static void evtchn_set_pending(struct domain *d, unsigned int port)
{
	struct shared_info *s = d->arch.shared_info;
	struct vcpu *v = d->vcpus[d->evtchn[port].notify_vcpu];

	if (test_and_set(&s->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD))
		return;
	if (!test_bit(&s->evtchn_mask[port / BITS_PER_WORD], port % BITS_PER_WORD))
		signal_vcpu(v, port);
	sched_port_pending(d, port); /* a vCPU polling it wakes, masked or not */
}

bool evtchn_upcall_due(const struct vcpu *v)
{
	const struct vcpu_info *vi = v->arch.vcpu_info;

	return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}

/*
 * Xen allocates its port table in buckets of EVTCHN_BUCKET ports, the first with the
 * domain, the next when a port in it is first used, and never frees them: a port in no
 * bucket does not exist (status, unmask, set_priority: -EINVAL), a free port in one does.
 */
static bool port_exists(const struct domain *d, u32 port)
{
	return port < d->evtchn_valid;
}

static int alloc_port(struct domain *d)
{
	for (unsigned int p = 1; p < EVTCHN_NR_PORTS; p++) { /* port 0 is never used */
		if (d->evtchn[p].state != EVTCHNSTAT_closed)
			continue;
		if (p >= d->evtchn_valid)
			d->evtchn_valid = (p / EVTCHN_BUCKET + 1) * EVTCHN_BUCKET;
		return (int)p;
	}
	return -ENOSPC;
}

static bool port_valid(const struct domain *d, u32 port)
{
	return port && port < EVTCHN_NR_PORTS && d->evtchn[port].state != EVTCHNSTAT_closed;
}

static bool is_self(const struct domain *d, u16 dom)
{
	return dom == DOMID_SELF || dom == d->domid;
}

static long alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
	int port;

	if (!is_self(d, a->dom))
		return d->is_privileged ? -ESRCH : -EPERM;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){
		.state = EVTCHNSTAT_unbound,
		.remote_dom = is_self(d, a->remote_dom) ? d->domid : a->remote_dom,
	};
	a->port = port;
	return 0;
}

/* The domain at the other end of a channel of d's naming dom (d itself for DOMID_SELF). */
static struct domain *peer_domain(struct domain *d, u16 dom)
{
	return is_self(d, dom) ? d : domain_by_id(dom);
}

static long bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
	struct domain *rd = peer_domain(d, b->remote_dom);
	struct evtchn *r;
	int port;

	if (!rd)
		return -ESRCH;
	if (!port_valid(rd, b->remote_port))
		return -EINVAL;
	r = &rd->evtchn[b->remote_port];
	if (r->state != EVTCHNSTAT_unbound || r->remote_dom != d->domid)
		return -EINVAL;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = EVTCHNSTAT_interdomain,
					   .remote_dom = rd->domid,
					   .remote_port = b->remote_port };
	r->state = EVTCHNSTAT_interdomain;
	r->remote_port = port;
	b->local_port = port;
	evtchn_set_pending(d, port); /* the peer may have signalled before we bound */
	return 0;
}

static long bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
	int port;

	if (b->virq >= NR_VIRQS)
		return -EINVAL;
	if (!virq_is_per_vcpu(b->virq) && b->vcpu != 0) /* before the vCPU, as in Xen */
		return -EINVAL;
	if (b->vcpu >= d->nr_vcpus)
		return -ENOENT;
	if (d->virq_to_port[b->vcpu][b->virq])
		return -EEXIST;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = EVTCHNSTAT_virq,
					   .notify_vcpu = b->vcpu,
					   .virq = b->virq };
	d->virq_to_port[b->vcpu][b->virq] = port;
	b->port = port;
	return 0;
}

static long bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
	int port;

	if (b->vcpu >= d->nr_vcpus)
		return -ENOENT;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = EVTCHNSTAT_ipi, .notify_vcpu = b->vcpu };
	b->port = port;
	return 0;
}

static void close_port(struct domain *d, u32 port)
{
	struct evtchn *e = &d->evtchn[port];

	if (e->state == EVTCHNSTAT_virq)
		d->virq_to_port[virq_is_per_vcpu(e->virq) ? e->notify_vcpu : 0][e->virq] = 0;
	if (e->state == EVTCHNSTAT_interdomain) {
		struct domain *rd = peer_domain(d, e->remote_dom);

		if (rd) { /* the other end waits for a new peer from this domain */
			rd->evtchn[e->remote_port].state = EVTCHNSTAT_unbound;
			rd->evtchn[e->remote_port].remote_dom = d->domid;
		}
	}
	/* A pending event must not survive into the port's next binding (Xen does the same). */
	clear_bit(&d->arch.shared_info->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
	memset(e, 0, sizeof(*e));
}

static long send(struct domain *d, u32 port)
{
	struct evtchn *e;

	if (!port_valid(d, port))
		return -EINVAL;
	e = &d->evtchn[port];
	switch (e->state) {
	case EVTCHNSTAT_interdomain: {
		struct domain *rd = peer_domain(d, e->remote_dom);

		if (rd)
			evtchn_set_pending(rd, e->remote_port);
		return 0;
	}
	case EVTCHNSTAT_ipi:
		evtchn_set_pending(d, port);
		return 0;
	case EVTCHNSTAT_unbound:
		return 0; /* nobody is listening yet */
	default:
		return -EINVAL;
	}
}

static long status(struct domain *d, struct evtchn_status *st)
{
	const struct evtchn *e;

	if (!is_self(d, st->dom))
		return d->is_privileged ? -ESRCH : -EPERM;
	if (!port_exists(d, st->port))
		return -EINVAL;
	e = &d->evtchn[st->port];
	st->status = e->state;
	st->vcpu = e->notify_vcpu;
	if (e->state == EVTCHNSTAT_unbound)
		st->u.unbound.dom = e->remote_dom;
	else if (e->state == EVTCHNSTAT_interdomain) {
		st->u.interdomain.dom = e->remote_dom;
		st->u.interdomain.port = e->remote_port;
	} else if (e->state == EVTCHNSTAT_virq)
		st->u.virq = e->virq;
	return 0;
}

static long bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *b)
{
	struct evtchn *e;

	if (b->vcpu >= d->nr_vcpus) /* before the port, as in Xen */
		return -ENOENT;
	if (!port_valid(d, b->port))
		return -EINVAL;
	e = &d->evtchn[b->port];
	if (e->state == EVTCHNSTAT_ipi ||
	    (e->state == EVTCHNSTAT_virq && virq_is_per_vcpu(e->virq)))
		return -EINVAL;
	e->notify_vcpu = b->vcpu;
	return 0;
}

/*
 * Any existing port, bound or not, as in Xen: the mask bits belong to the guest. A port
 * is signalled only if this call cleared its mask and it is pending: unmasking a port
 * that was not masked signals nothing, even if it is pending (Xen's evtchn_2l_unmask).
 */
static long unmask(struct domain *d, u32 port)
{
	struct shared_info *s = d->arch.shared_info;

	if (!port_exists(d, port))
		return -EINVAL;
	if (test_and_clear(&s->evtchn_mask[port / BITS_PER_WORD], port % BITS_PER_WORD) &&
	    test_bit(&s->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD))
		signal_vcpu(d->vcpus[d->evtchn[port].notify_vcpu], port);
	return 0;
}

/* reset_cont: the continuation of a preempted reset; ours never is, so none is due. */
static long reset(struct domain *d, struct evtchn_reset *r, bool cont)
{
	if (!is_self(d, r->dom))
		return d->is_privileged ? -ESRCH : -EPERM;
	if (cont)
		return -EBUSY;
	for (u32 p = 1; p < EVTCHN_NR_PORTS; p++)
		if (d->evtchn[p].state != EVTCHNSTAT_closed)
			close_port(d, p);
	return 0;
}

/* The FIFO ABI's per-port priority: a 2-level domain has none (Xen's answer). */
static long set_priority(struct domain *d, u32 port)
{
	return port_exists(d, port) ? -ENOSYS : -EINVAL;
}

/* Argument sizes by command, for the common copy-in/copy-out. */
static const u8 arg_size[] = {
	[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
	[EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
	[EVTCHNOP_bind_pirq] = sizeof(struct evtchn_bind_pirq),
	[EVTCHNOP_close] = sizeof(struct evtchn_close),
	[EVTCHNOP_send] = sizeof(struct evtchn_send),
	[EVTCHNOP_status] = sizeof(struct evtchn_status),
	[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
	[EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
	[EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
	[EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
	[EVTCHNOP_reset] = sizeof(struct evtchn_reset),
	[EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
	[EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
	[EVTCHNOP_reset_cont] = sizeof(struct evtchn_reset),
};

/* Commands whose argument carries results: only these are copied back, as in Xen. */
static bool has_results(u32 cmd)
{
	return cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_interdomain ||
	       cmd == EVTCHNOP_bind_virq || cmd == EVTCHNOP_bind_pirq || cmd == EVTCHNOP_bind_ipi ||
	       cmd == EVTCHNOP_status;
}

union evtchn_args {
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
	struct evtchn_set_priority set_priority;
	u8 raw[64];
};

static long dispatch(struct domain *d, u32 cmd, union evtchn_args *a)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		return alloc_unbound(d, &a->alloc_unbound);
	case EVTCHNOP_bind_interdomain:
		return bind_interdomain(d, &a->bind_interdomain);
	case EVTCHNOP_bind_virq:
		return bind_virq(d, &a->bind_virq);
	case EVTCHNOP_bind_ipi:
		return bind_ipi(d, &a->bind_ipi);
	case EVTCHNOP_close:
		if (!port_valid(d, a->close.port))
			return -EINVAL;
		close_port(d, a->close.port);
		return 0;
	case EVTCHNOP_send:
		return send(d, a->send.port);
	case EVTCHNOP_status:
		return status(d, &a->status);
	case EVTCHNOP_bind_vcpu:
		return bind_vcpu(d, &a->bind_vcpu);
	case EVTCHNOP_unmask:
		return unmask(d, a->unmask.port);
	case EVTCHNOP_reset:
	case EVTCHNOP_reset_cont:
		return reset(d, &a->reset, cmd == EVTCHNOP_reset_cont);
	case EVTCHNOP_expand_array: /* Xen's answer while the domain is 2-level */
		return -EOPNOTSUPP;
	case EVTCHNOP_set_priority:
		return set_priority(d, a->set_priority.port);
	default: /* bind_pirq: no physical IRQs for guests yet */
		return -ENOSYS;
	}
}

/**
 * do_event_channel_op - copy the command's argument in, act under the domain's event
 * lock, copy results (if the command has any) out. Unknown commands, init_control (the
 * FIFO ABI is not offered) and bind_pirq: -ENOSYS; expand_array: -EOPNOTSUPP and
 * set_priority: -ENOSYS, as Xen answers a 2-level domain.
 */
long do_event_channel_op(u64 cmd, u64 arg)
{
	struct domain *d = arch_current_vcpu()->domain;
	union evtchn_args a;
	unsigned int size;
	unsigned long flags;
	long rc;

	cmd = (u32)cmd;
	if (cmd >= ARRAY_SIZE(arg_size) || !arg_size[cmd])
		return -ENOSYS;
	size = arg_size[cmd];
	if (copy_from_guest(&a, arg, size))
		return -EFAULT;
	flags = lock_evtchn(d);
	rc = dispatch(d, cmd, &a);
	unlock_evtchn(d, flags);
	if (!rc && has_results(cmd) && copy_to_guest(arg, &a, size))
		return -EFAULT;
	return rc;
}

void evtchn_destroy(struct domain *d)
{
	unsigned long flags = lock_evtchn(d);

	for (u32 p = 1; p < EVTCHN_NR_PORTS; p++)
		if (d->evtchn[p].state != EVTCHNSTAT_closed)
			close_port(d, p);
	unlock_evtchn(d, flags);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	unsigned long flags = lock_evtchn(d);
	u32 port = d->virq_to_port[v->vcpu_id][virq];

	if (port)
		evtchn_set_pending(d, port);
	unlock_evtchn(d, flags);
}
