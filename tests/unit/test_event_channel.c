/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event channels, 2-level ABI (common/event_channel.c), driven through
 * do_event_channel_op() as a guest would, against Xen's semantics: port allocation from 1
 * and exhaustion, interdomain binding within the domain (with the spurious pending bit on
 * the new local port), VIRQs with per-vCPU or global scope, IPIs, delivery (pending bit,
 * selector bit, upcall flag, kicks) to masked and unmasked ports, unmask re-delivery,
 * per-vCPU routing and bind_vcpu, close and rebind, status, reset, bad ports, unknown and
 * FIFO commands, and faulting argument pointers (with no state change).
 *
 * The domain has four vCPUs; vCPU 3's vcpu_info lives outside shared_info, as after
 * VCPUOP_register_vcpu_info, so routing must go through v->arch.vcpu_info. The heap runs
 * on a fake machine as in test_heap.c; the arch hooks are the doubles of shim/shim.c.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/heap.h>
#include <public/event_channel.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "shim/shim.h"
#include "harness.h"

#define NPAGES		64
#define NR_TEST_VCPUS	4
#define DOMID		1
#define OUT_UNTOUCHED	0xdead	 /* OUT fields before the call: failures leave it */
#define BAD_PORT_CLOSED 0xC105ED /* in bad_ports[]: a port that was used, then closed */


static struct domain *d;
static struct vcpu vcpus[NR_TEST_VCPUS];
static struct shared_info *si;
static struct vcpu_info *moved_vi; /* vCPU 3's vcpu_info, outside shared_info */

static void setup(void)
{
	fake_machine_start(NPAGES);

	si = calloc(1, sizeof(*si));
	moved_vi = calloc(1, sizeof(*moved_vi));
	d = calloc(1, sizeof(*d));
	ck_assert(si && moved_vi && d);
	d->domid = DOMID;
	d->nr_vcpus = NR_TEST_VCPUS;
	d->arch.shared_info = si;
	for (unsigned int i = 0; i < NR_TEST_VCPUS; i++) {
		vcpus[i] = (struct vcpu){ .vcpu_id = i, .domain = d };
		vcpus[i].arch.vcpu_info = i == 3 ? moved_vi : &si->vcpu_info[i];
		d->vcpus[i] = &vcpus[i];
	}
	ck_assert_int_eq(evtchn_init(d), 0);
	shim_reset();
	shim_set_current(&vcpus[0]);
}

static void teardown(void)
{
	xfree(d->evtchn);
	ck_assert_uint_eq(heap_bytes_in_use(), 0);
	free(d);
	free(moved_vi);
	free(si);
	fake_machine_stop();
}

/* --- guest's view ------------------------------------------------------------------- */

static long op(u64 cmd, void *arg)
{
	long rc = do_event_channel_op(cmd, shim_gva(arg));

	ck_assert_msg(!evtchn_lock_held(), "evtchn_lock held after cmd %lu",
		      (unsigned long)cmd);
	return rc;
}

static long ev_alloc_unbound(u16 remote_dom, u32 *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = remote_dom,
					  .port = OUT_UNTOUCHED };
	long rc = op(EVTCHNOP_alloc_unbound, &a);

	if (port)
		*port = a.port;
	return rc;
}

static u32 alloc_unbound(u16 remote_dom)
{
	u32 port = 0;

	ck_assert_int_eq(ev_alloc_unbound(remote_dom, &port), 0);
	return port;
}

static long ev_bind_interdomain(u16 remote_dom, u32 remote_port, u32 *local)
{
	struct evtchn_bind_interdomain bi = { .remote_dom = remote_dom,
					      .remote_port = remote_port,
					      .local_port = OUT_UNTOUCHED };
	long rc = op(EVTCHNOP_bind_interdomain, &bi);

	if (local)
		*local = bi.local_port;
	return rc;
}

static u32 bind_interdomain(u32 remote_port)
{
	u32 local = 0;

	ck_assert_int_eq(ev_bind_interdomain(DOMID_SELF, remote_port, &local), 0);
	return local;
}

static long ev_bind_virq(u32 virq, u32 vcpu, u32 *port)
{
	struct evtchn_bind_virq bv = { .virq = virq, .vcpu = vcpu, .port = OUT_UNTOUCHED };
	long rc = op(EVTCHNOP_bind_virq, &bv);

	if (port)
		*port = bv.port;
	return rc;
}

static u32 bind_virq(u32 virq, u32 vcpu)
{
	u32 port = 0;

	ck_assert_int_eq(ev_bind_virq(virq, vcpu, &port), 0);
	return port;
}

static long ev_bind_ipi(u32 vcpu, u32 *port)
{
	struct evtchn_bind_ipi bi = { .vcpu = vcpu, .port = OUT_UNTOUCHED };
	long rc = op(EVTCHNOP_bind_ipi, &bi);

	if (port)
		*port = bi.port;
	return rc;
}

static u32 bind_ipi(u32 vcpu)
{
	u32 port = 0;

	ck_assert_int_eq(ev_bind_ipi(vcpu, &port), 0);
	return port;
}

static long ev_send(u32 port)
{
	struct evtchn_send s = { .port = port };

	return op(EVTCHNOP_send, &s);
}

static long ev_close(u32 port)
{
	struct evtchn_close c = { .port = port };

	return op(EVTCHNOP_close, &c);
}

static long ev_unmask(u32 port)
{
	struct evtchn_unmask u = { .port = port };

	return op(EVTCHNOP_unmask, &u);
}

static long ev_bind_vcpu(u32 port, u32 vcpu)
{
	struct evtchn_bind_vcpu bv = { .port = port, .vcpu = vcpu };

	return op(EVTCHNOP_bind_vcpu, &bv);
}

static long ev_reset(u16 dom)
{
	struct evtchn_reset r = { .dom = dom };

	return op(EVTCHNOP_reset, &r);
}

static long ev_status(u32 port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = DOMID_SELF;
	st->port = port;
	return op(EVTCHNOP_status, st);
}

static struct evtchn_status status(u32 port)
{
	struct evtchn_status st;

	ck_assert_int_eq(ev_status(port, &st), 0);
	return st;
}

/* Bits in shared_info and vcpu_info, as the guest reads and writes them. */
static bool pending(u32 port)
{
	return si->evtchn_pending[port / 64] & (1UL << (port % 64));
}

static void set_mask(u32 port)
{
	si->evtchn_mask[port / 64] |= 1UL << (port % 64);
}

static bool masked(u32 port)
{
	return si->evtchn_mask[port / 64] & (1UL << (port % 64));
}

static struct vcpu_info *vi(unsigned int vcpu)
{
	return vcpus[vcpu].arch.vcpu_info;
}

/* What the guest's upcall handler does: clear the flag, the selectors, every pending bit. */
static void guest_ack_all(void)
{
	for (unsigned int i = 0; i < NR_TEST_VCPUS; i++) {
		vi(i)->evtchn_upcall_pending = 0;
		vi(i)->evtchn_pending_sel = 0;
	}
	memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
}

/* Exactly one event signalled to vcpu since the last ack: port's bit, selector, flag, kick. */
static void assert_signalled(u32 port, unsigned int vcpu, unsigned int kicks)
{
	ck_assert_msg(pending(port), "port %u not pending", port);
	ck_assert_uint_eq(vi(vcpu)->evtchn_pending_sel, 1UL << (port / 64));
	ck_assert_uint_eq(vi(vcpu)->evtchn_upcall_pending, 1);
	ck_assert_uint_eq(shim_kicks(vcpu), kicks);
	ck_assert_uint_eq(shim_kicks_total(), kicks);
	for (unsigned int i = 0; i < NR_TEST_VCPUS; i++) {
		if (i == vcpu)
			continue;
		ck_assert_uint_eq(vi(i)->evtchn_pending_sel, 0);
		ck_assert_uint_eq(vi(i)->evtchn_upcall_pending, 0);
	}
}

/* Nothing signalled to any vCPU. */
static void assert_quiet(void)
{
	for (unsigned int i = 0; i < NR_TEST_VCPUS; i++) {
		ck_assert_uint_eq(vi(i)->evtchn_pending_sel, 0);
		ck_assert_uint_eq(vi(i)->evtchn_upcall_pending, 0);
	}
	ck_assert_uint_eq(shim_kicks_total(), 0);
}

/* --- whole-state snapshot, for "no state change" ------------------------------------ */

static struct {
	struct evtchn ports[EVTCHN_NR_PORTS];
	u32 virq_to_port[MAX_VCPUS][NR_VIRQS];
	struct shared_info si;
	struct vcpu_info moved_vi;
	unsigned int kicks;
} snap;

static void snap_take(void)
{
	memcpy(snap.ports, d->evtchn, sizeof(snap.ports));
	memcpy(snap.virq_to_port, d->virq_to_port, sizeof(snap.virq_to_port));
	snap.si = *si;
	snap.moved_vi = *moved_vi;
	snap.kicks = shim_kicks_total();
}

static void snap_check(const char *what)
{
	ck_assert_msg(!memcmp(snap.ports, d->evtchn, sizeof(snap.ports)), "%s: port table changed",
		      what);
	ck_assert_msg(!memcmp(snap.virq_to_port, d->virq_to_port, sizeof(snap.virq_to_port)),
		      "%s: virq_to_port changed", what);
	ck_assert_msg(!memcmp(&snap.si, si, sizeof(*si)), "%s: shared_info changed", what);
	ck_assert_msg(!memcmp(&snap.moved_vi, moved_vi, sizeof(*moved_vi)), "%s: vcpu_info changed",
		      what);
	ck_assert_msg(snap.kicks == shim_kicks_total(), "%s: vCPU kicked", what);
}

/* --- ports of each kind -------------------------------------------------------------- */

enum kind {
	K_CLOSED,	 /* used, then closed */
	K_UNBOUND,	 /* alloc_unbound for ourselves */
	K_UNBOUND_OTHER, /* alloc_unbound for domain 5 */
	K_INTERDOMAIN,	 /* the remote end of a bound pair */
	K_VIRQ_GLOBAL,	 /* VIRQ_CONSOLE on vCPU 0 */
	K_VIRQ_PERVCPU,	 /* VIRQ_TIMER on vCPU 1 */
	K_IPI,		 /* IPI to vCPU 1 */
};

/* One port of the kind, made from a fresh domain, signals acknowledged. */
static u32 make_port(enum kind k)
{
	u32 port = 0;

	switch (k) {
	case K_CLOSED:
		port = bind_ipi(2);
		ck_assert_int_eq(ev_close(port), 0);
		break;
	case K_UNBOUND:
		port = alloc_unbound(DOMID_SELF);
		break;
	case K_UNBOUND_OTHER:
		port = alloc_unbound(5);
		break;
	case K_INTERDOMAIN:
		port = alloc_unbound(DOMID_SELF);
		bind_interdomain(port);
		break;
	case K_VIRQ_GLOBAL:
		port = bind_virq(VIRQ_CONSOLE, 0);
		break;
	case K_VIRQ_PERVCPU:
		port = bind_virq(VIRQ_TIMER, 1);
		break;
	case K_IPI:
		port = bind_ipi(1);
		break;
	}
	guest_ack_all();
	shim_clear_kicks();
	return port;
}

/* --- tests --------------------------------------------------------------------------- */

START_TEST(test_init)
{
	ck_assert_ptr_nonnull(d->evtchn);
	ck_assert_uint_ge(heap_bytes_in_use(), EVTCHN_NR_PORTS * sizeof(struct evtchn));
	for (u32 p = 0; p < EVTCHN_NR_PORTS; p++) {
		struct evtchn_status st;

		if (p >= EVTCHN_BUCKET) { /* in no bucket yet: does not exist */
			ck_assert_int_eq(ev_status(p, &st), -EINVAL);
			continue;
		}
		st = status(p);
		ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
		ck_assert_uint_eq(st.vcpu, 0);
	}
	assert_quiet();
}
END_TEST

START_TEST(test_alloc_unbound)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID, .remote_dom = 7 };
	struct evtchn_status st;

	for (u32 i = 1; i <= 5; i++)
		ck_assert_uint_eq(alloc_unbound(DOMID_SELF), i);
	st = status(1);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.vcpu, 0);
	ck_assert_uint_eq(st.u.unbound.dom, DOMID); /* DOMID_SELF recorded as our id */

	/* Our own id for dom, another domain as remote_dom. */
	ck_assert_int_eq(op(EVTCHNOP_alloc_unbound, &a), 0);
	ck_assert_uint_eq(a.port, 6);
	st = status(6);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.u.unbound.dom, 7);
	ck_assert_uint_eq(alloc_unbound(DOMID), 7);
	ck_assert_uint_eq(status(7).u.unbound.dom, DOMID);
	assert_quiet();
	for (u32 p = 1; p <= 7; p++)
		ck_assert(!pending(p));
}
END_TEST

START_TEST(test_exhaustion)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = DOMID_SELF,
					  .port = OUT_UNTOUCHED };
	u32 port;

	for (u32 p = 1; p < EVTCHN_NR_PORTS; p++)
		ck_assert_uint_eq(alloc_unbound(DOMID_SELF), p);
	snap_take();
	ck_assert_int_eq(op(EVTCHNOP_alloc_unbound, &a), -ENOSPC);
	ck_assert_uint_eq(a.port, OUT_UNTOUCHED); /* nothing copied back on failure */
	ck_assert_int_eq(ev_bind_ipi(0, NULL), -ENOSPC);
	ck_assert_int_eq(ev_bind_virq(VIRQ_TIMER, 0, NULL), -ENOSPC);
	ck_assert_int_eq(ev_bind_virq(VIRQ_CONSOLE, 0, NULL), -ENOSPC);
	ck_assert_int_eq(ev_bind_interdomain(DOMID_SELF, 1, NULL), -ENOSPC);
	snap_check("allocation at exhaustion");
	ck_assert_uint_eq(status(1).status, EVTCHNSTAT_unbound);

	/* The lowest free port is reused. */
	ck_assert_int_eq(ev_close(77), 0);
	ck_assert_int_eq(ev_close(3000), 0);
	ck_assert_uint_eq(bind_virq(VIRQ_TIMER, 2), 77);
	ck_assert_uint_eq(bind_ipi(1), 3000);
	ck_assert_int_eq(ev_alloc_unbound(DOMID_SELF, &port), -ENOSPC);
}
END_TEST

/* The dom field of alloc_unbound, status and reset: ourselves only, unless privileged. */
static const struct {
	u32 cmd;
	u16 dom;
	bool privileged;
	long rc;
} dom_cases[] = {
	{ EVTCHNOP_alloc_unbound, DOMID_SELF, false, 0 },
	{ EVTCHNOP_alloc_unbound, DOMID, false, 0 },
	{ EVTCHNOP_alloc_unbound, DOMID, true, 0 },
	{ EVTCHNOP_alloc_unbound, 0, false, -EPERM },
	{ EVTCHNOP_alloc_unbound, 2, false, -EPERM },
	{ EVTCHNOP_alloc_unbound, DOMID_IO, false, -EPERM },
	{ EVTCHNOP_alloc_unbound, 2, true, -ESRCH },
	{ EVTCHNOP_status, DOMID_SELF, false, 0 },
	{ EVTCHNOP_status, DOMID, false, 0 },
	{ EVTCHNOP_status, 2, false, -EPERM },
	{ EVTCHNOP_status, 2, true, -ESRCH },
	{ EVTCHNOP_reset, DOMID_SELF, false, 0 },
	{ EVTCHNOP_reset, DOMID, false, 0 },
	{ EVTCHNOP_reset, 0, false, -EPERM },
	{ EVTCHNOP_reset, 2, true, -ESRCH },
};

START_TEST(test_dom_field)
{
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_status status;
		struct evtchn_reset reset;
	} a;
	u32 port = make_port(K_IPI);

	memset(&a, 0, sizeof(a));
	d->is_privileged = dom_cases[_i].privileged;
	switch (dom_cases[_i].cmd) {
	case EVTCHNOP_alloc_unbound:
		a.alloc_unbound.dom = dom_cases[_i].dom;
		a.alloc_unbound.remote_dom = DOMID_SELF;
		break;
	case EVTCHNOP_status:
		a.status.dom = dom_cases[_i].dom;
		a.status.port = port;
		break;
	case EVTCHNOP_reset:
		a.reset.dom = dom_cases[_i].dom;
		break;
	}
	snap_take();
	ck_assert_int_eq(op(dom_cases[_i].cmd, &a), dom_cases[_i].rc);
	if (dom_cases[_i].rc) {
		snap_check("refused dom");
		return;
	}
	switch (dom_cases[_i].cmd) {
	case EVTCHNOP_alloc_unbound:
		ck_assert_uint_eq(a.alloc_unbound.port, port + 1);
		break;
	case EVTCHNOP_status:
		ck_assert_uint_eq(a.status.status, EVTCHNSTAT_ipi);
		break;
	case EVTCHNOP_reset:
		ck_assert_uint_eq(status(port).status, EVTCHNSTAT_closed);
		break;
	}
}
END_TEST

/* Binding to our own unbound port, with the new local port masked or not. */
static const struct {
	u16 remote_dom;
	bool masked;
} bind_cases[] = {
	{ DOMID_SELF, false },
	{ DOMID_SELF, true },
	{ DOMID, false },
};

START_TEST(test_bind_interdomain)
{
	u32 remote = alloc_unbound(DOMID_SELF), local = 0;
	struct evtchn_status st;

	if (bind_cases[_i].masked)
		set_mask(remote + 1);
	ck_assert_int_eq(ev_bind_interdomain(bind_cases[_i].remote_dom, remote, &local), 0);
	ck_assert_uint_eq(local, remote + 1);

	st = status(remote);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(st.u.interdomain.dom, DOMID);
	ck_assert_uint_eq(st.u.interdomain.port, local);
	st = status(local);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(st.vcpu, 0);
	ck_assert_uint_eq(st.u.interdomain.dom, DOMID);
	ck_assert_uint_eq(st.u.interdomain.port, remote);

	/* The new local port is made pending once, in case the peer signalled already. */
	ck_assert(!pending(remote));
	ck_assert(pending(local));
	if (bind_cases[_i].masked)
		assert_quiet();
	else
		assert_signalled(local, 0, 1);

	/* Each end now signals the other. */
	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_send(local), 0);
	assert_signalled(remote, 0, 1);
	ck_assert(!pending(local));
	guest_ack_all();
	ck_assert_int_eq(ev_send(remote), 0);
	ck_assert(pending(local));
	ck_assert(!pending(remote));
}
END_TEST

/* bind_interdomain refused: no port allocated, nothing signalled, the remote unchanged. */
static const struct {
	u16 remote_dom;
	enum kind kind; /* the port made first, and named unless override */
	bool override;
	u32 port;
	long rc;
} bind_bad[] = {
	{ 2, K_UNBOUND, false, 0, -ESRCH },
	{ DOMID_SELF, K_UNBOUND_OTHER, false, 0, -EINVAL }, /* reserved for domain 5 */
	{ DOMID_SELF, K_INTERDOMAIN, false, 0, -EINVAL },   /* already bound */
	{ DOMID_SELF, K_VIRQ_GLOBAL, false, 0, -EINVAL },
	{ DOMID_SELF, K_VIRQ_PERVCPU, false, 0, -EINVAL },
	{ DOMID_SELF, K_IPI, false, 0, -EINVAL },
	{ DOMID_SELF, K_CLOSED, false, 0, -EINVAL },
	{ DOMID_SELF, K_UNBOUND, true, 0, -EINVAL },
	{ DOMID_SELF, K_UNBOUND, true, EVTCHN_NR_PORTS, -EINVAL },
	{ DOMID_SELF, K_UNBOUND, true, 0xffffffff, -EINVAL },
};

START_TEST(test_bind_interdomain_refused)
{
	u32 port = make_port(bind_bad[_i].kind), local = OUT_UNTOUCHED;

	if (bind_bad[_i].override)
		port = bind_bad[_i].port;
	snap_take();
	ck_assert_int_eq(ev_bind_interdomain(bind_bad[_i].remote_dom, port, &local),
			 bind_bad[_i].rc);
	ck_assert_uint_eq(local, OUT_UNTOUCHED);
	snap_check("bind_interdomain refused");
}
END_TEST

/* bind_virq: per-vCPU VIRQs on any vCPU, global ones on vCPU 0 only. */
static const struct {
	u32 virq, vcpu;
	long rc;
} virq_cases[] = {
	{ VIRQ_TIMER, 0, 0 },
	{ VIRQ_TIMER, 3, 0 },
	{ VIRQ_DEBUG, 2, 0 },
	{ VIRQ_XENOPROF, 1, 0 },
	{ VIRQ_XENPMU, 3, 0 },
	{ VIRQ_CONSOLE, 0, 0 },
	{ VIRQ_DOM_EXC, 0, 0 },
	{ VIRQ_PCPU_STATE, 0, 0 },
	{ VIRQ_MCA, 0, 0 },
	{ VIRQ_ARCH_7, 0, 0 },
	{ 5, 0, 0 }, /* unnamed: global */
	{ VIRQ_CONSOLE, 1, -EINVAL },
	{ VIRQ_DOM_EXC, 3, -EINVAL },
	{ VIRQ_ENOMEM, 2, -EINVAL },
	{ VIRQ_MCA, 1, -EINVAL },
	{ VIRQ_ARCH_7, 3, -EINVAL },
	{ VIRQ_CONSOLE, NR_TEST_VCPUS, -EINVAL }, /* scope before the vCPU, as in Xen */
	{ VIRQ_DOM_EXC, 0xffffffff, -EINVAL },
	{ NR_VIRQS, 0, -EINVAL },
	{ 0xffffffff, 0, -EINVAL },
	{ VIRQ_TIMER, NR_TEST_VCPUS, -ENOENT },
	{ VIRQ_DEBUG, MAX_VCPUS - 1, -ENOENT },
	{ VIRQ_TIMER, MAX_VCPUS, -ENOENT },
	{ VIRQ_TIMER, 0xffffffff, -ENOENT },
};

START_TEST(test_bind_virq)
{
	u32 virq = virq_cases[_i].virq, vcpu = virq_cases[_i].vcpu, port = OUT_UNTOUCHED;
	struct evtchn_status st;

	snap_take();
	ck_assert_int_eq(ev_bind_virq(virq, vcpu, &port), virq_cases[_i].rc);
	if (virq_cases[_i].rc) {
		ck_assert_uint_eq(port, OUT_UNTOUCHED);
		snap_check("bind_virq refused");
		return;
	}
	ck_assert_uint_eq(port, 1);
	st = status(port);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_virq);
	ck_assert_uint_eq(st.vcpu, vcpu);
	ck_assert_uint_eq(st.u.virq, virq);
	ck_assert(!pending(port));
	assert_quiet();

	/* Raising it signals the bound vCPU. */
	send_guest_vcpu_virq(&vcpus[vcpu], virq);
	assert_signalled(port, vcpu, 1);
}
END_TEST

START_TEST(test_bind_virq_twice)
{
	u32 t0 = bind_virq(VIRQ_TIMER, 0), t1 = bind_virq(VIRQ_TIMER, 1);
	u32 con = bind_virq(VIRQ_CONSOLE, 0);

	ck_assert_uint_ne(t0, t1);
	snap_take();
	ck_assert_int_eq(ev_bind_virq(VIRQ_TIMER, 0, NULL), -EEXIST);
	ck_assert_int_eq(ev_bind_virq(VIRQ_TIMER, 1, NULL), -EEXIST);
	ck_assert_int_eq(ev_bind_virq(VIRQ_CONSOLE, 0, NULL), -EEXIST);
	snap_check("bind_virq again");

	/* Other vCPUs may still bind their own timer. */
	ck_assert_uint_eq(bind_virq(VIRQ_TIMER, 3), con + 1);
}
END_TEST

/* A VIRQ raised on a vCPU that did not bind it goes nowhere. */
START_TEST(test_virq_unbound)
{
	u32 port = bind_virq(VIRQ_TIMER, 1);

	snap_take();
	send_guest_vcpu_virq(&vcpus[0], VIRQ_TIMER);
	send_guest_vcpu_virq(&vcpus[2], VIRQ_TIMER);
	send_guest_vcpu_virq(&vcpus[1], VIRQ_DEBUG);
	snap_check("VIRQ nobody bound");
	send_guest_vcpu_virq(&vcpus[1], VIRQ_TIMER);
	assert_signalled(port, 1, 1);
	ck_assert(!evtchn_lock_held());
}
END_TEST

static const struct {
	u32 vcpu;
	long rc;
} ipi_cases[] = {
	{ 0, 0 },
	{ 1, 0 },
	{ 2, 0 },
	{ 3, 0 },
	{ 4, -ENOENT },
	{ 31, -ENOENT },
	{ MAX_VCPUS, -ENOENT },
	{ 0xffffffff, -ENOENT },
};

START_TEST(test_bind_ipi)
{
	u32 vcpu = ipi_cases[_i].vcpu, port = OUT_UNTOUCHED;
	struct evtchn_status st;

	snap_take();
	ck_assert_int_eq(ev_bind_ipi(vcpu, &port), ipi_cases[_i].rc);
	if (ipi_cases[_i].rc) {
		ck_assert_uint_eq(port, OUT_UNTOUCHED);
		snap_check("bind_ipi refused");
		return;
	}
	ck_assert_uint_eq(port, 1);
	st = status(port);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_ipi);
	ck_assert_uint_eq(st.vcpu, vcpu);
	assert_quiet();

	/* Sent from any vCPU, the IPI arrives on the bound one. */
	shim_set_current(&vcpus[(vcpu + 1) % NR_TEST_VCPUS]);
	ck_assert_int_eq(ev_send(port), 0);
	assert_signalled(port, vcpu, 1);
}
END_TEST

START_TEST(test_send_unmasked)
{
	u32 port = bind_ipi(3);

	ck_assert_int_eq(ev_send(port), 0);
	assert_signalled(port, 3, 1);
	ck_assert(evtchn_upcall_due(&vcpus[3]));
	ck_assert(!evtchn_upcall_due(&vcpus[0]));

	/* Still pending: a second send changes nothing, not even with the flags acked. */
	snap_take();
	ck_assert_int_eq(ev_send(port), 0);
	snap_check("second send");
	moved_vi->evtchn_upcall_pending = 0;
	moved_vi->evtchn_pending_sel = 0;
	snap_take();
	ck_assert_int_eq(ev_send(port), 0);
	snap_check("send while pending");
	ck_assert(!evtchn_upcall_due(&vcpus[3]));

	/* Once the guest cleared the pending bit, a send signals again. */
	guest_ack_all();
	ck_assert_int_eq(ev_send(port), 0);
	assert_signalled(port, 3, 2);
}
END_TEST

START_TEST(test_send_masked)
{
	u32 port = bind_ipi(2);

	set_mask(port);
	ck_assert_int_eq(ev_send(port), 0);
	ck_assert(pending(port));
	assert_quiet();
	snap_take();
	ck_assert_int_eq(ev_send(port), 0);
	snap_check("second send, masked");
}
END_TEST

/* The guest's upcall mask holds the upcall back but not the flags. */
START_TEST(test_upcall_mask)
{
	u32 port = bind_ipi(1);

	vi(1)->evtchn_upcall_mask = 1;
	ck_assert_int_eq(ev_send(port), 0);
	assert_signalled(port, 1, 1);
	ck_assert(!evtchn_upcall_due(&vcpus[1]));
	vi(1)->evtchn_upcall_mask = 0;
	ck_assert(evtchn_upcall_due(&vcpus[1]));
}
END_TEST

/* Selector bits are per 64-port word; one kick while the word's bit is set. */
START_TEST(test_selector_words)
{
	u32 a = bind_ipi(0), b2 = bind_ipi(0), far;

	while ((far = bind_ipi(0)) < 64 + 5)
		;
	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_send(a), 0);
	ck_assert_int_eq(ev_send(b2), 0);
	ck_assert(pending(a) && pending(b2));
	ck_assert_uint_eq(vi(0)->evtchn_pending_sel, 1UL << 0);
	ck_assert_uint_eq(shim_kicks(0), 1);
	ck_assert_int_eq(ev_send(far), 0);
	ck_assert(pending(far));
	ck_assert_uint_eq(vi(0)->evtchn_pending_sel, (1UL << 0) | (1UL << 1));
	ck_assert_uint_eq(vi(0)->evtchn_upcall_pending, 1);

	/* The last port, in the last word and bit. */
	guest_ack_all();
	ck_assert_int_eq(ev_close(a), 0);
	for (u32 p; (p = bind_ipi(2)) != EVTCHN_NR_PORTS - 1;)
		;
	shim_clear_kicks();
	ck_assert_int_eq(ev_send(EVTCHN_NR_PORTS - 1), 0);
	assert_signalled(EVTCHN_NR_PORTS - 1, 2, 1);
	ck_assert_uint_eq(vi(2)->evtchn_pending_sel, 1UL << 63);
	ck_assert_uint_eq(si->evtchn_pending[63], 1UL << 63);
}
END_TEST

START_TEST(test_send_kinds)
{
	u32 unbound = make_port(K_UNBOUND), virq = make_port(K_VIRQ_PERVCPU);
	u32 global = make_port(K_VIRQ_GLOBAL), remote = make_port(K_INTERDOMAIN);
	u32 local = remote + 1;

	snap_take();
	ck_assert_int_eq(ev_send(unbound), 0); /* nobody listens yet */
	ck_assert_int_eq(ev_send(virq), -EINVAL);
	ck_assert_int_eq(ev_send(global), -EINVAL);
	snap_check("send on unbound or VIRQ");
	ck_assert_int_eq(ev_send(local), 0);
	assert_signalled(remote, 0, 1);
	ck_assert(!pending(local));
}
END_TEST

START_TEST(test_unmask_redelivers)
{
	u32 port = bind_ipi(2);

	set_mask(port);
	ck_assert_int_eq(ev_send(port), 0);
	assert_quiet();
	ck_assert_int_eq(ev_unmask(port), 0);
	ck_assert(!masked(port));
	assert_signalled(port, 2, 1);

	/* Masked again and unmasked: the selector is still set, nothing more happens. */
	set_mask(port);
	ck_assert_int_eq(ev_unmask(port), 0);
	ck_assert(!masked(port));
	assert_signalled(port, 2, 1);
}
END_TEST

START_TEST(test_unmask_not_pending)
{
	u32 port = bind_ipi(1);

	set_mask(port);
	ck_assert_int_eq(ev_unmask(port), 0);
	ck_assert(!masked(port));
	ck_assert(!pending(port));
	assert_quiet();
	ck_assert_int_eq(ev_send(port), 0);
	assert_signalled(port, 1, 1);
}
END_TEST

/* Unmasking signals the vCPU the port is bound to, wherever its vcpu_info lives. */
START_TEST(test_unmask_other_vcpu)
{
	u32 remote = alloc_unbound(DOMID_SELF);
	u32 local = bind_interdomain(remote);

	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_bind_vcpu(local, 3), 0);
	set_mask(local);
	ck_assert_int_eq(ev_send(remote), 0);
	assert_quiet();
	ck_assert_int_eq(ev_unmask(local), 0); /* from vCPU 0 */
	assert_signalled(local, 3, 1);
	ck_assert_uint_eq(moved_vi->evtchn_pending_sel, 1UL << (local / 64));
	ck_assert_uint_eq(si->vcpu_info[3].evtchn_pending_sel, 0);
	ck_assert_uint_eq(si->vcpu_info[3].evtchn_upcall_pending, 0);
}
END_TEST

START_TEST(test_routing)
{
	u32 remote = alloc_unbound(DOMID_SELF), local, ipi;

	/* An unbound port moved before the bind keeps its vCPU; the new port gets vCPU 0. */
	ck_assert_int_eq(ev_bind_vcpu(remote, 1), 0);
	local = bind_interdomain(remote);
	assert_signalled(local, 0, 1);
	ck_assert_uint_eq(status(remote).vcpu, 1);
	ck_assert_uint_eq(status(local).vcpu, 0);

	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_send(local), 0);
	assert_signalled(remote, 1, 1);

	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_bind_vcpu(local, 3), 0);
	ck_assert_uint_eq(status(local).vcpu, 3);
	ck_assert_int_eq(ev_send(remote), 0);
	assert_signalled(local, 3, 1);
	ck_assert_uint_eq(si->vcpu_info[3].evtchn_upcall_pending, 0);

	/* Per-vCPU VIRQs and IPIs stay on their vCPU. */
	guest_ack_all();
	shim_clear_kicks();
	ipi = bind_ipi(2);
	ck_assert_int_eq(ev_send(ipi), 0);
	assert_signalled(ipi, 2, 1);
}
END_TEST

/* bind_vcpu by port kind: allowed for unbound, interdomain and global VIRQ ports. */
static const struct {
	enum kind kind;
	u32 vcpu;
	long rc;
} bind_vcpu_cases[] = {
	{ K_UNBOUND, 2, 0 },
	{ K_UNBOUND_OTHER, 3, 0 },
	{ K_INTERDOMAIN, 2, 0 },
	{ K_VIRQ_GLOBAL, 2, 0 },
	{ K_VIRQ_GLOBAL, 0, 0 },
	{ K_IPI, 2, -EINVAL },
	{ K_IPI, 1, -EINVAL },
	{ K_VIRQ_PERVCPU, 2, -EINVAL },
	{ K_VIRQ_PERVCPU, 1, -EINVAL },
	{ K_CLOSED, 2, -EINVAL },
	{ K_UNBOUND, NR_TEST_VCPUS, -ENOENT },
	{ K_UNBOUND, 0xffffffff, -ENOENT },
};

START_TEST(test_bind_vcpu)
{
	u32 port = make_port(bind_vcpu_cases[_i].kind);
	struct evtchn_status before, after;

	ck_assert_int_eq(ev_status(port, &before), 0);
	snap_take();
	ck_assert_int_eq(ev_bind_vcpu(port, bind_vcpu_cases[_i].vcpu), bind_vcpu_cases[_i].rc);
	if (bind_vcpu_cases[_i].rc) {
		snap_check("bind_vcpu refused");
		return;
	}
	after = status(port);
	ck_assert_uint_eq(after.vcpu, bind_vcpu_cases[_i].vcpu);
	ck_assert_uint_eq(after.status, before.status);
	ck_assert(!memcmp(&after.u, &before.u, sizeof(after.u)));
	assert_quiet();
}
END_TEST

/*
 * A global VIRQ moved to another vCPU: raised (through vCPU 0, where global VIRQs are
 * looked up, as in Xen) it arrives on the new vCPU; once closed it can be bound again,
 * and its old port, reused, does not receive it.
 */
START_TEST(test_global_virq_moved)
{
	u32 port = bind_virq(VIRQ_CONSOLE, 0), ipi;

	ck_assert_int_eq(ev_bind_vcpu(port, 2), 0);
	ck_assert_int_eq(ev_bind_vcpu(port, 1), 0);
	send_guest_vcpu_virq(&vcpus[0], VIRQ_CONSOLE);
	assert_signalled(port, 1, 1);
	ck_assert_int_eq(ev_bind_virq(VIRQ_CONSOLE, 0, NULL), -EEXIST);

	guest_ack_all();
	shim_clear_kicks();
	ck_assert_int_eq(ev_close(port), 0);
	for (unsigned int v = 0; v < NR_TEST_VCPUS; v++)
		ck_assert_uint_eq(d->virq_to_port[v][VIRQ_CONSOLE], 0);
	ipi = bind_ipi(3);
	ck_assert_uint_eq(ipi, port);
	for (unsigned int v = 0; v < NR_TEST_VCPUS; v++)
		send_guest_vcpu_virq(&vcpus[v], VIRQ_CONSOLE);
	ck_assert(!pending(ipi));
	assert_quiet();

	ck_assert_uint_eq(bind_virq(VIRQ_CONSOLE, 0), ipi + 1);
	send_guest_vcpu_virq(&vcpus[0], VIRQ_CONSOLE);
	assert_signalled(ipi + 1, 0, 1);
}
END_TEST

START_TEST(test_close_interdomain)
{
	u32 remote = alloc_unbound(DOMID_SELF), local = bind_interdomain(remote), again;
	struct evtchn_status st;

	/* Closing one end leaves the other unbound, waiting for us again. */
	ck_assert_int_eq(ev_bind_vcpu(remote, 2), 0);
	ck_assert_int_eq(ev_close(local), 0);
	ck_assert_uint_eq(status(local).status, EVTCHNSTAT_closed);
	st = status(remote);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.u.unbound.dom, DOMID);
	ck_assert_uint_eq(st.vcpu, 2);
	ck_assert_int_eq(ev_close(local), -EINVAL);

	guest_ack_all();
	shim_clear_kicks();
	snap_take();
	ck_assert_int_eq(ev_send(remote), 0); /* nobody listens */
	snap_check("send on a peer gone");

	again = bind_interdomain(remote);
	ck_assert_uint_eq(again, local);
	ck_assert_uint_eq(status(remote).u.interdomain.port, again);

	/* Closing the other end works the same way. */
	ck_assert_int_eq(ev_close(remote), 0);
	st = status(again);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.u.unbound.dom, DOMID);
	ck_assert_uint_eq(status(remote).status, EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_bind_interdomain(DOMID_SELF, remote, NULL), -EINVAL);
}
END_TEST

START_TEST(test_close_virq_rebind)
{
	u32 t1 = bind_virq(VIRQ_TIMER, 1), con = bind_virq(VIRQ_CONSOLE, 0), port;

	ck_assert_int_eq(ev_close(t1), 0);
	ck_assert_int_eq(ev_close(con), 0);
	ck_assert_uint_eq(d->virq_to_port[1][VIRQ_TIMER], 0);
	ck_assert_uint_eq(d->virq_to_port[0][VIRQ_CONSOLE], 0);
	snap_take();
	send_guest_vcpu_virq(&vcpus[1], VIRQ_TIMER);
	snap_check("closed VIRQ raised");

	port = bind_virq(VIRQ_TIMER, 1);
	ck_assert_uint_eq(port, t1);
	ck_assert_uint_eq(bind_virq(VIRQ_CONSOLE, 0), con);
	send_guest_vcpu_virq(&vcpus[1], VIRQ_TIMER);
	assert_signalled(port, 1, 1);
}
END_TEST

/* A closed port forgets its vCPU and its pending bit (Xen's evtchn_free). */
START_TEST(test_close_clears)
{
	u32 port = bind_ipi(3), again;

	set_mask(port);
	ck_assert_int_eq(ev_send(port), 0);
	ck_assert(pending(port));
	ck_assert_int_eq(ev_close(port), 0);
	ck_assert(!pending(port));
	ck_assert_uint_eq(status(port).vcpu, 0);

	again = alloc_unbound(DOMID_SELF);
	ck_assert_uint_eq(again, port);
	ck_assert_uint_eq(status(again).vcpu, 0);
	ck_assert(!pending(again));
	ck_assert_int_eq(ev_unmask(again), 0);
	assert_quiet();
}
END_TEST

/* status of each kind of port. */
static const struct {
	enum kind kind;
	u32 status, vcpu;
} status_cases[] = {
	{ K_CLOSED, EVTCHNSTAT_closed, 0 },
	{ K_UNBOUND, EVTCHNSTAT_unbound, 0 },
	{ K_UNBOUND_OTHER, EVTCHNSTAT_unbound, 0 },
	{ K_INTERDOMAIN, EVTCHNSTAT_interdomain, 0 },
	{ K_VIRQ_GLOBAL, EVTCHNSTAT_virq, 0 },
	{ K_VIRQ_PERVCPU, EVTCHNSTAT_virq, 1 },
	{ K_IPI, EVTCHNSTAT_ipi, 1 },
};

START_TEST(test_status)
{
	u32 port = make_port(status_cases[_i].kind);
	struct evtchn_status st;

	snap_take();
	st = status(port);
	snap_check("status");
	ck_assert_uint_eq(st.status, status_cases[_i].status);
	ck_assert_uint_eq(st.vcpu, status_cases[_i].vcpu);
	switch (status_cases[_i].kind) {
	case K_UNBOUND:
		ck_assert_uint_eq(st.u.unbound.dom, DOMID);
		break;
	case K_UNBOUND_OTHER:
		ck_assert_uint_eq(st.u.unbound.dom, 5);
		break;
	case K_INTERDOMAIN:
		ck_assert_uint_eq(st.u.interdomain.dom, DOMID);
		ck_assert_uint_eq(st.u.interdomain.port, port + 1);
		break;
	case K_VIRQ_GLOBAL:
		ck_assert_uint_eq(st.u.virq, VIRQ_CONSOLE);
		break;
	case K_VIRQ_PERVCPU:
		ck_assert_uint_eq(st.u.virq, VIRQ_TIMER);
		break;
	default:
		break;
	}
	/* Port 0 exists and is never used. */
	st = status(0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
}
END_TEST

START_TEST(test_reset)
{
	u32 remote = alloc_unbound(DOMID_SELF), ipi, con;

	bind_interdomain(remote);
	bind_virq(VIRQ_TIMER, 1);
	con = bind_virq(VIRQ_CONSOLE, 0);
	ipi = bind_ipi(3);
	alloc_unbound(5);
	ck_assert_int_eq(ev_bind_vcpu(con, 2), 0);
	set_mask(ipi);
	ck_assert_int_eq(ev_send(ipi), 0);

	ck_assert_int_eq(ev_reset(DOMID_SELF), 0);
	for (u32 p = 0; p < EVTCHN_BUCKET; p++) {
		struct evtchn_status st = status(p);

		ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
		ck_assert_uint_eq(st.vcpu, 0);
		ck_assert(!pending(p));
	}
	for (unsigned int v = 0; v < MAX_VCPUS; v++)
		for (unsigned int q = 0; q < NR_VIRQS; q++)
			ck_assert_uint_eq(d->virq_to_port[v][q], 0);
	ck_assert(masked(ipi)); /* the guest owns the mask bits */

	/* Everything can be bound again, from port 1; a reset with nothing open is fine. */
	ck_assert_uint_eq(bind_virq(VIRQ_TIMER, 1), 1);
	ck_assert_uint_eq(bind_virq(VIRQ_CONSOLE, 0), 2);
	ck_assert_int_eq(ev_reset(DOMID), 0);
	ck_assert_int_eq(ev_reset(DOMID_SELF), 0);
	ck_assert_uint_eq(status(1).status, EVTCHNSTAT_closed);
	ck_assert_uint_eq(alloc_unbound(DOMID_SELF), 1);
}
END_TEST

/* Ports a command cannot name. */
static const struct {
	u32 cmd, port;
	long rc;
} bad_ports[] = {
	{ EVTCHNOP_send, 0, -EINVAL },
	{ EVTCHNOP_send, EVTCHN_NR_PORTS, -EINVAL },
	{ EVTCHNOP_send, 0xffffffff, -EINVAL },
	{ EVTCHNOP_send, BAD_PORT_CLOSED, -EINVAL },
	{ EVTCHNOP_close, 0, -EINVAL },
	{ EVTCHNOP_close, EVTCHN_NR_PORTS, -EINVAL },
	{ EVTCHNOP_close, 0xffffffff, -EINVAL },
	{ EVTCHNOP_close, BAD_PORT_CLOSED, -EINVAL },
	{ EVTCHNOP_bind_vcpu, 0, -EINVAL },
	{ EVTCHNOP_bind_vcpu, EVTCHN_NR_PORTS, -EINVAL },
	{ EVTCHNOP_bind_vcpu, 0xffffffff, -EINVAL },
	{ EVTCHNOP_bind_vcpu, BAD_PORT_CLOSED, -EINVAL },
	{ EVTCHNOP_status, EVTCHN_NR_PORTS, -EINVAL },
	{ EVTCHNOP_status, 0xffffffff, -EINVAL },
	{ EVTCHNOP_status, 0, 0 },		 /* closed */
	{ EVTCHNOP_status, BAD_PORT_CLOSED, 0 }, /* closed */
	{ EVTCHNOP_unmask, EVTCHN_NR_PORTS, -EINVAL },
	{ EVTCHNOP_unmask, 0xffffffff, -EINVAL },
	{ EVTCHNOP_unmask, 0, 0 }, /* Xen: only the range is checked */
	{ EVTCHNOP_unmask, BAD_PORT_CLOSED, 0 },
};

START_TEST(test_bad_ports)
{
	u32 port = bad_ports[_i].port;
	union {
		struct evtchn_send send;
		struct evtchn_close close;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_status status;
		struct evtchn_unmask unmask;
	} a;

	make_port(K_IPI);
	if (port == BAD_PORT_CLOSED)
		port = make_port(K_CLOSED);
	memset(&a, 0, sizeof(a));
	switch (bad_ports[_i].cmd) {
	case EVTCHNOP_bind_vcpu:
		a.bind_vcpu.port = port;
		a.bind_vcpu.vcpu = 1;
		break;
	case EVTCHNOP_status:
		a.status.dom = DOMID_SELF;
		a.status.port = port;
		break;
	default: /* send, close, unmask: the port first */
		a.send.port = port;
		break;
	}
	snap_take();
	ck_assert_int_eq(op(bad_ports[_i].cmd, &a), bad_ports[_i].rc);
	snap_check("bad port");
	if (bad_ports[_i].cmd == EVTCHNOP_status && !bad_ports[_i].rc)
		ck_assert_uint_eq(a.status.status, EVTCHNSTAT_closed);
}
END_TEST

/* Unknown commands, bind_pirq (no physical IRQs) and init_control (no FIFO): -ENOSYS. */
static const u64 nosys_cmds[] = {
	EVTCHNOP_bind_pirq,
	EVTCHNOP_init_control,
	15,
	255,
	0x7fffffff,
	0xffffffff,
	0xffffffffffffffffULL,
	(1ULL << 32) | EVTCHNOP_init_control,
};

START_TEST(test_nosys)
{
	u8 arg[64] = { 0 };

	make_port(K_UNBOUND);
	snap_take();
	ck_assert_int_eq(op(nosys_cmds[_i], arg), -ENOSYS);
	snap_check("unknown command");
	for (size_t i = 0; i < sizeof(arg); i++)
		ck_assert_uint_eq(arg[i], 0);
	if (nosys_cmds[_i] != EVTCHNOP_bind_pirq) /* nothing read: no fault either */
		ck_assert_int_eq(do_event_channel_op(nosys_cmds[_i], 0), -ENOSYS);
}
END_TEST

/* The FIFO commands a 2-level domain may still call, and reset_cont: Xen's answers. */
START_TEST(test_fifo_in_2level)
{
	struct evtchn_expand_array ea = { .array_gfn = 1 };
	struct evtchn_set_priority sp = { .port = make_port(K_IPI), .priority = 3 };
	struct evtchn_reset r = { .dom = DOMID_SELF };

	snap_take();
	ck_assert_int_eq(op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	ck_assert_int_eq(op(EVTCHNOP_set_priority, &sp), -ENOSYS);
	sp.port = 0; /* exists, never used */
	ck_assert_int_eq(op(EVTCHNOP_set_priority, &sp), -ENOSYS);
	sp.port = EVTCHN_BUCKET;
	ck_assert_int_eq(op(EVTCHNOP_set_priority, &sp), -EINVAL);
	/* No reset is under way: the continuation is refused, and closes nothing. */
	ck_assert_int_eq(op(EVTCHNOP_reset_cont, &r), -EBUSY);
	snap_check("FIFO commands and reset_cont");
	for (u32 cmd = EVTCHNOP_expand_array; cmd <= EVTCHNOP_reset_cont; cmd++)
		ck_assert_int_eq(do_event_channel_op(cmd, 0), -EFAULT);
}
END_TEST

/*
 * Ports exist in buckets of EVTCHN_BUCKET: the second when a port in it is first used,
 * and it stays after the port is closed (status, unmask, set_priority: -EINVAL before).
 */
START_TEST(test_buckets)
{
	struct evtchn_status st;
	u32 last = 0;

	ck_assert_int_eq(ev_status(EVTCHN_BUCKET, &st), -EINVAL);
	ck_assert_int_eq(ev_unmask(EVTCHN_BUCKET), -EINVAL);
	ck_assert_int_eq(ev_unmask(EVTCHN_BUCKET - 1), 0);
	for (u32 p = 1; p <= EVTCHN_BUCKET; p++)
		last = alloc_unbound(DOMID_SELF);
	ck_assert_uint_eq(last, EVTCHN_BUCKET);
	ck_assert_uint_eq(status(2 * EVTCHN_BUCKET - 1).status, EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_status(2 * EVTCHN_BUCKET, &st), -EINVAL);
	ck_assert_int_eq(ev_close(last), 0);
	ck_assert_uint_eq(status(last).status, EVTCHNSTAT_closed);
	ck_assert_int_eq(ev_unmask(2 * EVTCHN_BUCKET - 1), 0);
	ck_assert_int_eq(ev_reset(DOMID_SELF), 0);
	ck_assert_uint_eq(status(last).status, EVTCHNSTAT_closed); /* reset keeps buckets */
}
END_TEST

/* Unmask signals only a port whose mask it cleared (Xen's evtchn_2l_unmask). */
START_TEST(test_unmask_not_masked)
{
	u32 port = bind_ipi(2);

	ck_assert_int_eq(ev_send(port), 0);
	guest_ack_all();
	si->evtchn_pending[port / 64] |= 1UL << (port % 64); /* acked the flags, not the port */
	shim_clear_kicks();
	ck_assert_int_eq(ev_unmask(port), 0);
	ck_assert(pending(port));
	assert_quiet();
}
END_TEST

/* bind_vcpu looks at the vCPU before the port, as Xen does. */
START_TEST(test_bind_vcpu_order)
{
	ck_assert_int_eq(ev_bind_vcpu(0xffffffff, NR_TEST_VCPUS), -ENOENT);
	ck_assert_int_eq(ev_bind_vcpu(0, NR_TEST_VCPUS), -ENOENT);
	ck_assert_int_eq(ev_bind_vcpu(0, 0), -EINVAL);
}
END_TEST

/* The command is a 32-bit int in Xen's ABI: the upper half of the register is ignored. */
START_TEST(test_cmd_truncated)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };

	ck_assert_int_eq(op((0xabcdULL << 32) | EVTCHNOP_alloc_unbound, &a), 0);
	ck_assert_uint_eq(a.port, 1);
	ck_assert_uint_eq(status(1).status, EVTCHNSTAT_unbound);
}
END_TEST

/*
 * Faulting arguments. Each command gets a valid argument (so it would succeed) in a
 * buffer of which all, or only the last byte, cannot be read; or which cannot be written.
 */
enum fault_mode { F_NONE, F_READ_ALL, F_READ_LAST, F_NULL, F_WRITE };

static const u32 fault_cmds[] = {
	EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
	EVTCHNOP_bind_virq,	EVTCHNOP_bind_ipi,
	EVTCHNOP_close,		EVTCHNOP_send,
	EVTCHNOP_status,	EVTCHNOP_bind_vcpu,
	EVTCHNOP_unmask,	EVTCHNOP_reset,
};

#define NR_FAULT_MODES 5

static size_t fill_arg(u32 cmd, void *buf, u32 unbound, u32 ipi)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		*(struct evtchn_alloc_unbound *)buf =
			(struct evtchn_alloc_unbound){ .dom = DOMID_SELF,
						       .remote_dom = DOMID_SELF };
		return sizeof(struct evtchn_alloc_unbound);
	case EVTCHNOP_bind_interdomain:
		*(struct evtchn_bind_interdomain *)buf =
			(struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF,
							  .remote_port = unbound };
		return sizeof(struct evtchn_bind_interdomain);
	case EVTCHNOP_bind_virq:
		*(struct evtchn_bind_virq *)buf =
			(struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 2 };
		return sizeof(struct evtchn_bind_virq);
	case EVTCHNOP_bind_ipi:
		*(struct evtchn_bind_ipi *)buf = (struct evtchn_bind_ipi){ .vcpu = 3 };
		return sizeof(struct evtchn_bind_ipi);
	case EVTCHNOP_close:
		*(struct evtchn_close *)buf = (struct evtchn_close){ .port = ipi };
		return sizeof(struct evtchn_close);
	case EVTCHNOP_send:
		*(struct evtchn_send *)buf = (struct evtchn_send){ .port = ipi };
		return sizeof(struct evtchn_send);
	case EVTCHNOP_status:
		*(struct evtchn_status *)buf =
			(struct evtchn_status){ .dom = DOMID_SELF, .port = ipi };
		return sizeof(struct evtchn_status);
	case EVTCHNOP_bind_vcpu:
		*(struct evtchn_bind_vcpu *)buf =
			(struct evtchn_bind_vcpu){ .port = unbound, .vcpu = 2 };
		return sizeof(struct evtchn_bind_vcpu);
	case EVTCHNOP_unmask:
		*(struct evtchn_unmask *)buf = (struct evtchn_unmask){ .port = ipi };
		return sizeof(struct evtchn_unmask);
	case EVTCHNOP_reset:
		*(struct evtchn_reset *)buf = (struct evtchn_reset){ .dom = DOMID_SELF };
		return sizeof(struct evtchn_reset);
	}
	ck_abort_msg("no argument for cmd %u", cmd);
	return 0;
}

/* Commands whose argument carries results back (Xen copies back no others). */
static bool has_results(u32 cmd)
{
	return cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_interdomain ||
	       cmd == EVTCHNOP_bind_virq || cmd == EVTCHNOP_bind_ipi || cmd == EVTCHNOP_status;
}

START_TEST(test_fault)
{
	u32 cmd = fault_cmds[_i / NR_FAULT_MODES];
	enum fault_mode mode = _i % NR_FAULT_MODES;
	u32 unbound = make_port(K_UNBOUND), ipi = make_port(K_IPI);
	_Alignas(16) u8 buf[64];
	u8 before[64];
	size_t size;
	long rc;

	set_mask(ipi); /* so send and unmask change state */
	memset(buf, 0xEE, sizeof(buf));
	size = fill_arg(cmd, buf, unbound, ipi);
	memcpy(before, buf, sizeof(buf));
	switch (mode) {
	case F_NONE:
	case F_NULL:
		break;
	case F_READ_ALL:
		shim_fault_range(buf, sizeof(buf), SHIM_FAULT_READ | SHIM_FAULT_WRITE);
		break;
	case F_READ_LAST:
		shim_fault_range(buf + size - 1, sizeof(buf) - size + 1,
				 SHIM_FAULT_READ | SHIM_FAULT_WRITE);
		break;
	case F_WRITE:
		shim_fault_range(buf, sizeof(buf), SHIM_FAULT_WRITE);
		break;
	}
	snap_take();
	rc = mode == F_NULL ? do_event_channel_op(cmd, 0) : op(cmd, buf);
	ck_assert(!evtchn_lock_held());
	switch (mode) {
	case F_NONE:
		ck_assert_int_eq(rc, 0);
		break;
	case F_READ_ALL:
	case F_READ_LAST:
	case F_NULL:
		ck_assert_int_eq(rc, -EFAULT);
		snap_check("unreadable argument");
		ck_assert(!memcmp(before, buf, sizeof(buf)));
		break;
	case F_WRITE:
		/* The command ran; only results that cannot be written fail it (as in Xen). */
		ck_assert_int_eq(rc, has_results(cmd) ? -EFAULT : 0);
		ck_assert(!memcmp(before, buf, sizeof(buf)));
		break;
	}
	if (rc)
		return;
	/* It did what it should: check the one effect of each. */
	switch (cmd) {
	case EVTCHNOP_close:
		ck_assert_uint_eq(status(ipi).status, EVTCHNSTAT_closed);
		break;
	case EVTCHNOP_send:
		ck_assert(pending(ipi));
		break;
	case EVTCHNOP_bind_vcpu:
		ck_assert_uint_eq(status(unbound).vcpu, 2);
		break;
	case EVTCHNOP_unmask:
		ck_assert(!masked(ipi));
		break;
	case EVTCHNOP_reset:
		ck_assert_uint_eq(status(unbound).status, EVTCHNSTAT_closed);
		break;
	default:
		break;
	}
}
END_TEST

/* Two domains: a channel between them, events both ways, and the death of one end. */
START_TEST(test_two_domains)
{
	struct shared_info *si2 = calloc(1, sizeof(*si2));
	struct domain *d2 = calloc(1, sizeof(*d2));
	struct vcpu v2 = { .vcpu_id = 0 };
	struct evtchn_status st = { .dom = DOMID_SELF };
	u32 pa, pb, x;

	ck_assert(si2 && d2);
	d2->domid = DOMID + 1;
	d2->nr_vcpus = 1;
	d2->arch.shared_info = si2;
	d2->vcpus[0] = &v2;
	v2.domain = d2;
	v2.arch.vcpu_info = &si2->vcpu_info[0];
	ck_assert_int_eq(evtchn_init(d2), 0);
	shim_pt_add_domain(d);
	shim_pt_add_domain(d2);

	ck_assert_int_eq(ev_alloc_unbound(DOMID + 1, &pa), 0); /* offered to the other one */
	shim_set_current(&v2);
	ck_assert_int_eq(ev_bind_interdomain(DOMID + 2, 1, &x), -ESRCH); /* no such domain */
	ck_assert_int_eq(ev_bind_interdomain(DOMID, pa, &pb), 0);
	ck_assert_int_eq(ev_bind_interdomain(DOMID, pa, &x), -EINVAL); /* bound already */
	ck_assert_int_eq(ev_send(pb), 0);
	ck_assert(si->evtchn_pending[pa / 64] >> (pa % 64) & 1);
	shim_set_current(&vcpus[0]);
	si2->evtchn_pending[pb / 64] = 0;
	ck_assert_int_eq(ev_send(pa), 0);
	ck_assert(si2->evtchn_pending[pb / 64] >> (pb % 64) & 1);
	st.port = pa;
	ck_assert_int_eq(op(EVTCHNOP_status, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(st.u.interdomain.dom, DOMID + 1);
	ck_assert_uint_eq(st.u.interdomain.port, pb);

	evtchn_destroy(d2); /* the other end waits for a new peer from that domain */
	ck_assert_int_eq(op(EVTCHNOP_status, &st), 0);
	ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(st.u.unbound.dom, DOMID + 1);
	ck_assert_int_eq(ev_send(pa), 0); /* nobody listens: nothing happens */
	ck_assert(!evtchn_lock_held());
	shim_pt_machine(NULL, NULL, 0);
	xfree(d2->evtchn);
	free(d2);
	free(si2);
}
END_TEST

Suite *event_channel_suite(void)
{
	Suite *s = suite_create("event_channel");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_two_domains);
	tcase_add_test(tc, test_alloc_unbound);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_loop_test(tc, test_dom_field, 0, ARRAY_SIZE(dom_cases));
	tcase_add_loop_test(tc, test_bind_interdomain, 0, ARRAY_SIZE(bind_cases));
	tcase_add_loop_test(tc, test_bind_interdomain_refused, 0, ARRAY_SIZE(bind_bad));
	tcase_add_loop_test(tc, test_bind_virq, 0, ARRAY_SIZE(virq_cases));
	tcase_add_test(tc, test_bind_virq_twice);
	tcase_add_test(tc, test_virq_unbound);
	tcase_add_loop_test(tc, test_bind_ipi, 0, ARRAY_SIZE(ipi_cases));
	tcase_add_test(tc, test_send_unmasked);
	tcase_add_test(tc, test_send_masked);
	tcase_add_test(tc, test_upcall_mask);
	tcase_add_test(tc, test_selector_words);
	tcase_add_test(tc, test_send_kinds);
	tcase_add_test(tc, test_unmask_redelivers);
	tcase_add_test(tc, test_unmask_not_pending);
	tcase_add_test(tc, test_unmask_other_vcpu);
	tcase_add_test(tc, test_routing);
	tcase_add_loop_test(tc, test_bind_vcpu, 0, ARRAY_SIZE(bind_vcpu_cases));
	tcase_add_test(tc, test_global_virq_moved);
	tcase_add_test(tc, test_close_interdomain);
	tcase_add_test(tc, test_close_virq_rebind);
	tcase_add_test(tc, test_close_clears);
	tcase_add_loop_test(tc, test_status, 0, ARRAY_SIZE(status_cases));
	tcase_add_test(tc, test_reset);
	tcase_add_loop_test(tc, test_bad_ports, 0, ARRAY_SIZE(bad_ports));
	tcase_add_loop_test(tc, test_nosys, 0, ARRAY_SIZE(nosys_cmds));
	tcase_add_test(tc, test_cmd_truncated);
	tcase_add_test(tc, test_fifo_in_2level);
	tcase_add_test(tc, test_buckets);
	tcase_add_test(tc, test_unmask_not_masked);
	tcase_add_test(tc, test_bind_vcpu_order);
	tcase_add_loop_test(tc, test_fault, 0, ARRAY_SIZE(fault_cmds) * NR_FAULT_MODES);
	suite_add_tcase(s, tc);
	return s;
}
