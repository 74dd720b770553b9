/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_channel_op (hypercall 32) on one vCPU, 2-level ABI, against Xen 4.17's exact
 * results:
 *  - alloc_unbound (remote DOMID_SELF, 0, another id), lowest-port-first numbering,
 *    which ports exist at all (Xen allocates its port table in buckets of 64);
 *  - a loopback interdomain channel (both ends in dom0): the spurious pending bit on the
 *    new local port, send on each end raising the other's pending bit, selector bit and
 *    evtchn_upcall_pending, and the event callback entered once events are unmasked;
 *    the 2-level rules (an already pending port or an already set selector bit raises
 *    nothing more);
 *  - port masks (pending without an upcall, EVTCHNOP_unmask re-delivering, and only when
 *    the port was masked) and evtchn_upcall_mask (no callback until it is cleared; then
 *    the next return to the guest with evtchn_upcall_pending set delivers);
 *  - bind_virq with per-vCPU (TIMER, DEBUG) and global (CONSOLE, DOM_EXC, ...) scope,
 *    bind_ipi, bind_vcpu, status of every kind of port, close, reset, reset_cont;
 *  - hostile values: ports 0, 64, 4096, 0x7fffffff, closed ports, nonexistent vCPUs and
 *    domains, unknown commands, unreadable and read-only argument pointers.
 * The FIFO ABI: Xen 4.17 offers it, Kestrel does not (init_control -> -ENOSYS). On Xen
 * init_control is only called with arguments it refuses, so the domain stays 2-level.
 *
 * A broken hypervisor loses or duplicates events, delivers them while masked, raises the
 * wrong port, leaves state behind a closed port, or answers with other errors than Xen.
 */
#include "test.h"

const char test_title[] = "event channels, 2-level, one vCPU";

#define BAD_PTR_HOLE	 0xffff830000000000UL /* Xen's own range */
#define BAD_PTR_NONCANON 0x0000800000000000UL
#define NO_DOMAIN	 77
#define BUCKET		 64 /* Xen 4.17: ports exist in buckets of 64 */

/* ------------------------------------------------------------------ helpers */

static long ev(unsigned long cmd, const void *arg)
{
	return HYPERVISOR_event_channel_op(cmd, arg);
}

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xdead };
	long rc = ev(EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return rc;
}

static long bind_loop(domid_t remote_dom, evtchn_port_t remote, evtchn_port_t *local)
{
	struct evtchn_bind_interdomain b = {
		.remote_dom = remote_dom,
		.remote_port = remote,
		.local_port = 0xdead,
	};
	long rc = ev(EVTCHNOP_bind_interdomain, &b);

	*local = b.local_port;
	return rc;
}

static long bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0xdead };
	long rc = ev(EVTCHNOP_bind_virq, &b);

	*port = b.port;
	return rc;
}

static long bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = 0xdead };
	long rc = ev(EVTCHNOP_bind_ipi, &b);

	*port = b.port;
	return rc;
}

static long ev_port(unsigned int cmd, evtchn_port_t port)
{
	struct evtchn_send s = { .port = port }; /* close, send, unmask: the same layout */

	return ev(cmd, &s);
}

static long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return ev(EVTCHNOP_bind_vcpu, &b);
}

static long status_of(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = port;
	st->status = 0xdead;
	st->vcpu = 0xdead;
	return ev(EVTCHNOP_status, st);
}

/* Checks status(port): the state, the vCPU, and u's first two words where they matter. */
static void expect_status(const char *what, evtchn_port_t port, uint32_t state, uint32_t a,
			  uint32_t b)
{
	struct evtchn_status st;
	long rc = status_of(DOMID_SELF, port, &st);
	uint32_t u0 = state == EVTCHNSTAT_virq ? st.u.virq : st.u.interdomain.dom;

	if (rc) {
		xtf_failure("%s: status(port %u) returned %ld", what, port, rc);
		return;
	}
	check(st.status == state, "%s: port %u status %u, expected %u", what, port, st.status,
	      state);
	check(st.vcpu == 0, "%s: port %u notifies vCPU %u, expected 0", what, port, st.vcpu);
	if (state == EVTCHNSTAT_unbound || state == EVTCHNSTAT_interdomain ||
	    state == EVTCHNSTAT_virq)
		check(u0 == a, "%s: port %u status u.dom/virq %u, expected %u", what, port, u0, a);
	if (state == EVTCHNSTAT_interdomain)
		check(st.u.interdomain.port == b, "%s: port %u peer port %u, expected %u", what,
		      port, st.u.interdomain.port, b);
}

static bool bit(const volatile unsigned long *map, unsigned int port)
{
	return (map[port / 64] >> (port % 64)) & 1;
}

static bool is_pending(evtchn_port_t p)
{
	return bit(shared->evtchn_pending, p);
}

static bool sel_set(evtchn_port_t p)
{
	return (READ_ONCE(vcpu0->evtchn_pending_sel) >> (p / 64)) & 1;
}

static bool seen(evtchn_port_t p)
{
	return bit(event_ports_seen, p);
}

static void set_mask(evtchn_port_t p, bool on)
{
	if (on)
		__atomic_fetch_or(&shared->evtchn_mask[p / 64], 1UL << (p % 64), __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&shared->evtchn_mask[p / 64], ~(1UL << (p % 64)),
				   __ATOMIC_SEQ_CST);
}

/* Forget every pending event and what the callback saw: a clean slate per case. */
static void quiesce(void)
{
	for (unsigned int w = 0; w < EVTCHN_WORDS; w++) {
		WRITE_ONCE(shared->evtchn_pending[w], 0);
		event_ports_seen[w] = 0;
	}
	WRITE_ONCE(vcpu0->evtchn_pending_sel, 0);
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
}

/* The delivery state of port p: pending bit, selector bit of its word, upcall flag. */
static void expect_raised(const char *what, evtchn_port_t p, bool pend, bool sel, bool upcall)
{
	check(is_pending(p) == pend, "%s: port %u pending %d, expected %d", what, p, is_pending(p),
	      pend);
	check(sel_set(p) == sel, "%s: selector bit %u is %d, expected %d", what, p / 64, sel_set(p),
	      sel);
	check(READ_ONCE(vcpu0->evtchn_upcall_pending) == upcall,
	      "%s: evtchn_upcall_pending %u, expected %d", what, vcpu0->evtchn_upcall_pending,
	      upcall);
}

unsigned long ev_ret_rip;

/*
 * A hypercall (nr, a1, a2) issued with evtchn_upcall_mask clear, the mask set again at
 * once after it. An upcall due on the way back is delivered with RIP = the instruction
 * after the syscall (ev_ret_rip). Returns the hypercall's result.
 */
static long hypercall_unmasked(unsigned long nr, unsigned long a1, unsigned long a2)
{
	register unsigned long rdi asm("rdi") = a1;
	register unsigned long rsi asm("rsi") = a2;
	long rax;

	asm volatile("lea 2f(%%rip), %%rcx; mov %%rcx, ev_ret_rip(%%rip)\n\t"
		     "movb $0, %[mask]\n\t"
		     "syscall\n\t"
		     "2: movb $1, %[mask]"
		     : "=a"(rax), [mask] "+m"(vcpu0->evtchn_upcall_mask), "+r"(rdi), "+r"(rsi)
		     : "a"(nr)
		     : "rcx", "rdx", "r8", "r10", "r11", "memory");
	return rax;
}

/* Let a due upcall happen: a harmless hypercall with events unmasked. */
static unsigned long deliver(void)
{
	unsigned long before = event_count;

	hypercall_unmasked(__HYPERVISOR_xen_version, XENVER_version, 0);
	return event_count - before;
}

/* One upcall happened, on the hypercall's way back, with Xen's frame. */
static void expect_upcall(const char *what, unsigned long n)
{
	check(n == 1, "%s: the event callback ran %lu times, expected once", what, n);
	if (n != 1)
		return;
	check(last_event.rip == ev_ret_rip, "%s: event frame RIP %#lx, expected %#lx", what,
	      last_event.rip, ev_ret_rip);
	check(last_event.cs == 0xe030, "%s: event frame CS word %#lx, expected 0xe030", what,
	      last_event.cs);
	check(last_event.mask == 1, "%s: the callback ran with evtchn_upcall_mask %u", what,
	      last_event.mask);
	check(!vcpu0->evtchn_upcall_pending && !vcpu0->evtchn_pending_sel,
	      "%s: flags left after the callback: upcall %u sel %#lx", what,
	      vcpu0->evtchn_upcall_pending, vcpu0->evtchn_pending_sel);
}

/* ------------------------------------------------------------------ the port table */

/* Before anything is bound: no port exists beyond Xen's first bucket. */
static void test_fresh(void)
{
	static const struct {
		evtchn_port_t port;
		long rc;
	} rows[] = {
		{ 0, 0 },
		{ 1, 0 },
		{ BUCKET - 1, 0 },
		{ BUCKET, -XEN_EINVAL },
		{ 4095, -XEN_EINVAL },
		{ 4096, -XEN_EINVAL },
		{ 0x7fffffff, -XEN_EINVAL },
		{ 0xffffffff, -XEN_EINVAL },
	};
	struct evtchn_status st;
	char what[64];

	check(boot_upcall_mask == 1, "evtchn_upcall_mask %u at boot, expected 1", boot_upcall_mask);
	for (unsigned int w = 0; w < EVTCHN_WORDS; w++) {
		check(!shared->evtchn_mask[w], "evtchn_mask[%u] = %#lx at boot", w,
		      shared->evtchn_mask[w]);
		check(!shared->evtchn_pending[w], "evtchn_pending[%u] = %#lx at boot", w,
		      shared->evtchn_pending[w]);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		long rc = status_of(DOMID_SELF, rows[i].port, &st);

		snprintf(what, sizeof(what), "status(port %#x) of a fresh domain", rows[i].port);
		check_rc(what, rc, rows[i].rc);
		if (!rc)
			check(st.status == EVTCHNSTAT_closed && st.vcpu == 0,
			      "%s: status %u vcpu %u", what, st.status, st.vcpu);
		else
			check(st.status == 0xdead, "%s: status written on failure", what);
	}
	/* Ports outside the table: unmask, send, close all -EINVAL; port 0 exists. */
	check_rc("unmask(port 0)", ev_port(EVTCHNOP_unmask, 0), 0);
	check_rc("unmask(port 64, no bucket)", ev_port(EVTCHNOP_unmask, BUCKET), -XEN_EINVAL);
	check_rc("unmask(port 4096)", ev_port(EVTCHNOP_unmask, 4096), -XEN_EINVAL);
	check_rc("unmask(port 0x7fffffff)", ev_port(EVTCHNOP_unmask, 0x7fffffff), -XEN_EINVAL);
}

/* ------------------------------------------------------------------ unbound and loopback */

static evtchn_port_t port_a, port_b; /* the loopback pair: A unbound first, B bound to A */

static void test_alloc_unbound(void)
{
	static const struct {
		domid_t dom, remote;
		long rc;
		evtchn_port_t port; /* the port it gets (lowest free) */
		domid_t status_dom; /* status(port).u.unbound.dom */
	} rows[] = {
		{ DOMID_SELF, DOMID_SELF, 0, 1, 0 },
		{ 0, 0, 0, 2, 0 },
		{ DOMID_SELF, NO_DOMAIN, 0, 3, NO_DOMAIN },
		{ 0, DOMID_IO, 0, 4, DOMID_IO },
		{ NO_DOMAIN, DOMID_SELF, -XEN_ESRCH, 0xdead, 0 },
		{ DOMID_IO, DOMID_SELF, -XEN_ESRCH, 0xdead, 0 },
		{ DOMID_XEN, DOMID_SELF, -XEN_ESRCH, 0xdead, 0 },
		{ DOMID_INVALID, DOMID_SELF, -XEN_ESRCH, 0xdead, 0 },
	};
	evtchn_port_t p;
	char what[80];

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		snprintf(what, sizeof(what), "alloc_unbound(dom %#x, remote %#x)", rows[i].dom,
			 rows[i].remote);
		check_rc(what, alloc_unbound(rows[i].dom, rows[i].remote, &p), rows[i].rc);
		check(p == rows[i].port, "%s: port %u, expected %u", what, p, rows[i].port);
		if (!rows[i].rc)
			expect_status(what, p, EVTCHNSTAT_unbound, rows[i].status_dom, 0);
	}
	/* Unbound ports: send is silently dropped, nothing becomes pending. */
	quiesce();
	check_rc("send(unbound port 1)", ev_port(EVTCHNOP_send, 1), 0);
	expect_raised("send(unbound port 1)", 1, false, false, false);
	/* Closing frees the lowest port, which is reused first. */
	check_rc("close(unbound port 2)", ev_port(EVTCHNOP_close, 2), 0);
	expect_status("closed port 2", 2, EVTCHNSTAT_closed, 0, 0);
	check_rc("close(port 2 again)", ev_port(EVTCHNOP_close, 2), -XEN_EINVAL);
	check_rc("alloc_unbound after close", alloc_unbound(DOMID_SELF, DOMID_SELF, &p), 0);
	check(p == 2, "alloc_unbound after close of port 2 gave port %u", p);
}

static void test_bind_interdomain(void)
{
	static const struct {
		const char *what;
		domid_t dom;
		evtchn_port_t port;
		long rc;
	} bad[] = {
		{ "no such domain", NO_DOMAIN, 1, -XEN_ESRCH },
		{ "DOMID_IO", DOMID_IO, 1, -XEN_ESRCH },
		{ "port 0", DOMID_SELF, 0, -XEN_EINVAL },
		{ "a free port", DOMID_SELF, 40, -XEN_EINVAL },
		{ "port 64", DOMID_SELF, BUCKET, -XEN_EINVAL },
		{ "port 4096", DOMID_SELF, 4096, -XEN_EINVAL },
		{ "port 0x7fffffff", DOMID_SELF, 0x7fffffff, -XEN_EINVAL },
		{ "unbound for another domain", DOMID_SELF, 3, -XEN_EINVAL },
		{ "unbound for DOMID_IO", DOMID_SELF, 4, -XEN_EINVAL },
	};
	evtchn_port_t p;
	char what[80];

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(what, sizeof(what), "bind_interdomain(%s)", bad[i].what);
		check_rc(what, bind_loop(bad[i].dom, bad[i].port, &p), bad[i].rc);
		check(p == 0xdead, "%s: local_port written (%u)", what, p);
	}
	/* Nothing leaked: the next free port is still 5. */
	expect_status("after refused binds", 5, EVTCHNSTAT_closed, 0, 0);

	quiesce();
	port_a = 1;
	check_rc("bind_interdomain(self, 1)", bind_loop(DOMID_SELF, port_a, &port_b), 0);
	check(port_b == 5, "bind_interdomain(self, 1) gave local port %u, expected 5", port_b);
	expect_status("loopback end A", port_a, EVTCHNSTAT_interdomain, 0, port_b);
	expect_status("loopback end B", port_b, EVTCHNSTAT_interdomain, 0, port_a);
	/* Xen sets the new local port pending once, in case the peer sent before. */
	expect_raised("new local port", port_b, true, true, true);
	check(!is_pending(port_a), "bind_interdomain raised the remote port too");
	check_rc("bind_interdomain(to a bound port)", bind_loop(DOMID_SELF, port_a, &p),
		 -XEN_EINVAL);
	check_rc("bind_interdomain(dom 0, port 2)", bind_loop(0, 2, &p), 0);
	check(p == 6, "bind_interdomain(0, 2) gave local port %u, expected 6", p);
	expect_status("loopback (dom 0) end", 2, EVTCHNSTAT_interdomain, 0, 6);
	check_rc("close(loopback end 6)", ev_port(EVTCHNOP_close, 6), 0);
	expect_status("peer of a closed end", 2, EVTCHNSTAT_unbound, 0, 0);
	check_rc("close(unbound 2)", ev_port(EVTCHNOP_close, 2), 0);
	/* upcall_pending is set but events are masked: no callback yet. */
	check(event_count == 0, "event callback ran %lu times while masked", event_count);
	expect_upcall("the bind's pending event", deliver());
	check(seen(port_b) && !is_pending(port_b), "callback did not take port %u", port_b);
}

/* Send on each end raises the other end: pending, selector, upcall, callback. */
static void test_loopback_send(void)
{
	const evtchn_port_t ends[2][2] = { { port_a, port_b }, { port_b, port_a } };
	char what[64];

	for (unsigned int i = 0; i < 2; i++) {
		evtchn_port_t from = ends[i][0], to = ends[i][1];

		quiesce();
		snprintf(what, sizeof(what), "send(%u) -> %u", from, to);
		check_rc(what, ev_port(EVTCHNOP_send, from), 0);
		expect_raised(what, to, true, true, true);
		check(!is_pending(from), "%s: the sending end became pending", what);
		expect_upcall(what, deliver());
		check(seen(to), "%s: the callback did not see port %u", what, to);
		check(!is_pending(to), "%s: port %u still pending after the callback", what, to);
	}
	/* The send itself returns with an upcall due: delivered on that very return. */
	quiesce();
	{
		unsigned long before = event_count;
		struct evtchn_send s = { .port = port_a };
		long rc = hypercall_unmasked(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
					     (unsigned long)&s);

		check_rc("send with events unmasked", rc, 0);
		expect_upcall("send with events unmasked", event_count - before);
		check(seen(port_b), "send with events unmasked: port %u not seen", port_b);
	}

	/* 2-level rules: a port already pending raises nothing more. */
	quiesce();
	check_rc("send(A)", ev_port(EVTCHNOP_send, port_a), 0);
	WRITE_ONCE(vcpu0->evtchn_pending_sel, 0);
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
	check_rc("send(A) again", ev_port(EVTCHNOP_send, port_a), 0);
	expect_raised("send to an already pending port", port_b, true, false, false);
	/* A selector bit already set: the upcall flag is not set again. */
	quiesce();
	WRITE_ONCE(vcpu0->evtchn_pending_sel, 1UL << (port_b / 64));
	check_rc("send(A)", ev_port(EVTCHNOP_send, port_a), 0);
	expect_raised("send with the selector bit already set", port_b, true, true, false);
	check(deliver() == 0, "a callback without evtchn_upcall_pending");
	quiesce();
}

/* ------------------------------------------------------------------ masks */

static void test_port_mask(void)
{
	unsigned long n;

	/* A masked port becomes pending, nothing else; no upcall. */
	quiesce();
	set_mask(port_b, true);
	check_rc("send to a masked port", ev_port(EVTCHNOP_send, port_a), 0);
	expect_raised("send to a masked port", port_b, true, false, false);
	check(deliver() == 0, "upcall for a masked port");
	check(is_pending(port_b), "masked port lost its pending bit");

	/* EVTCHNOP_unmask of a masked pending port signals it: selector, upcall flag. */
	check_rc("unmask(masked, pending)", ev_port(EVTCHNOP_unmask, port_b), 0);
	check(!bit(shared->evtchn_mask, port_b), "unmask left the mask bit set");
	expect_raised("unmask(masked, pending)", port_b, true, true, true);
	expect_upcall("after unmask", deliver());
	check(seen(port_b), "after unmask: the callback did not see port %u", port_b);

	/* The same with events unmasked: the upcall comes on the unmask's own return. */
	quiesce();
	set_mask(port_b, true);
	check_rc("send to a masked port", ev_port(EVTCHNOP_send, port_a), 0);
	{
		struct evtchn_unmask u = { .port = port_b };
		unsigned long before = event_count;
		long rc = hypercall_unmasked(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask,
					     (unsigned long)&u);

		check_rc("unmask with events unmasked", rc, 0);
		expect_upcall("unmask with events unmasked", event_count - before);
		check(seen(port_b), "unmask with events unmasked: port %u not seen", port_b);
	}

	/* Unmask of a port that was not masked: Xen signals nothing, even if pending. */
	quiesce();
	check_rc("send(A)", ev_port(EVTCHNOP_send, port_a), 0);
	WRITE_ONCE(vcpu0->evtchn_pending_sel, 0);
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
	check_rc("unmask(not masked, pending)", ev_port(EVTCHNOP_unmask, port_b), 0);
	expect_raised("unmask(not masked, pending)", port_b, true, false, false);

	/* Unmask of a masked port that is not pending: just the mask. */
	quiesce();
	set_mask(port_b, true);
	check_rc("unmask(masked, not pending)", ev_port(EVTCHNOP_unmask, port_b), 0);
	check(!bit(shared->evtchn_mask, port_b), "unmask left the mask bit set");
	expect_raised("unmask(masked, not pending)", port_b, false, false, false);

	/* A mask the guest clears by itself is not noticed by the hypervisor. */
	quiesce();
	set_mask(port_b, true);
	check_rc("send to a masked port", ev_port(EVTCHNOP_send, port_a), 0);
	set_mask(port_b, false);
	n = deliver();
	check(n == 0, "upcall after a plain write to the mask");
	expect_raised("plain write to the mask", port_b, true, false, false);
	quiesce();
}

static void test_upcall_mask(void)
{
	unsigned long before;

	/* evtchn_upcall_mask set: the flag rises, hypercalls return without a callback. */
	quiesce();
	before = event_count;
	check_rc("send(A), masked", ev_port(EVTCHNOP_send, port_a), 0);
	check_rc("xen_version, masked", HYPERVISOR_xen_version(XENVER_version, NULL) < 0, 0);
	check_rc("send(B), masked", ev_port(EVTCHNOP_send, port_b), 0);
	check(event_count == before, "callback with evtchn_upcall_mask set");
	expect_raised("both ends, masked", port_a, true, true, true);
	check(is_pending(port_b), "port %u not pending", port_b);
	/* Cleared, then the next return to the guest delivers once for both ports. */
	expect_upcall("upcall mask cleared", deliver());
	check(seen(port_a) && seen(port_b), "callback saw A %d B %d, expected both", seen(port_a),
	      seen(port_b));

	/* Only the flag counts: evtchn_upcall_pending alone brings the callback. */
	quiesce();
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 1);
	expect_upcall("evtchn_upcall_pending alone", deliver());

	/* The frame's saved mask: the callback interrupted code running unmasked. */
	check((last_event.cs >> 32) == 0, "saved upcall mask %#lx in the frame's CS word",
	      last_event.cs >> 32);
	quiesce();
}

/* ------------------------------------------------------------------ VIRQs and IPIs */

static void test_virq(void)
{
	static const struct {
		const char *what;
		uint32_t virq, vcpu;
		long rc;
	} rows[] = {
		{ "TIMER, vCPU 0", VIRQ_TIMER, 0, 0 },
		{ "TIMER again", VIRQ_TIMER, 0, -XEN_EEXIST },
		{ "TIMER, vCPU 1 (absent)", VIRQ_TIMER, 1, -XEN_ENOENT },
		{ "TIMER, vCPU 0xffffffff", VIRQ_TIMER, 0xffffffff, -XEN_ENOENT },
		{ "DEBUG (per-vCPU), vCPU 0", VIRQ_DEBUG, 0, 0 },
		{ "DEBUG, vCPU 1 (absent)", VIRQ_DEBUG, 1, -XEN_ENOENT },
		{ "DEBUG again", VIRQ_DEBUG, 0, -XEN_EEXIST },
		{ "CONSOLE (global), vCPU 1", VIRQ_CONSOLE, 1, -XEN_EINVAL },
		{ "CONSOLE, vCPU 0", VIRQ_CONSOLE, 0, 0 },
		{ "CONSOLE again", VIRQ_CONSOLE, 0, -XEN_EEXIST },
		{ "DOM_EXC (global), vCPU 1", VIRQ_DOM_EXC, 1, -XEN_EINVAL },
		{ "DOM_EXC, vCPU 0xffffffff", VIRQ_DOM_EXC, 0xffffffff, -XEN_EINVAL },
		{ "DOM_EXC, vCPU 0", VIRQ_DOM_EXC, 0, 0 },
		{ "DOM_EXC again", VIRQ_DOM_EXC, 0, -XEN_EEXIST },
		{ "VIRQ 5 (unnamed, global), vCPU 0", 5, 0, 0 },
		{ "VIRQ_ARCH_7 (23), vCPU 1", 23, 1, -XEN_EINVAL },
		{ "VIRQ_ARCH_7 (23), vCPU 0", 23, 0, 0 },
		{ "VIRQ 24", NR_VIRQS, 0, -XEN_EINVAL },
		{ "VIRQ 0xffffffff", 0xffffffff, 0, -XEN_EINVAL },
		{ "VIRQ 0x80000000, vCPU 1", 0x80000000, 1, -XEN_EINVAL },
	};
	evtchn_port_t p, ports[NR_VIRQS] = { 0 };
	char what[80];

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		long rc = bind_virq(rows[i].virq, rows[i].vcpu, &p);

		snprintf(what, sizeof(what), "bind_virq(%s)", rows[i].what);
		check_rc(what, rc, rows[i].rc);
		if (rc) {
			check(p == 0xdead, "%s: port written on failure (%u)", what, p);
			continue;
		}
		ports[rows[i].virq] = p;
		expect_status(what, p, EVTCHNSTAT_virq, rows[i].virq, 0);
		check_rc("send(VIRQ port)", ev_port(EVTCHNOP_send, p), -XEN_EINVAL);
	}
	/* bind_vcpu: a global VIRQ may move (vCPU 0 here), a per-vCPU one may not. */
	check_rc("bind_vcpu(CONSOLE port, 0)", bind_vcpu(ports[VIRQ_CONSOLE], 0), 0);
	check_rc("bind_vcpu(TIMER port, 0)", bind_vcpu(ports[VIRQ_TIMER], 0), -XEN_EINVAL);
	check_rc("bind_vcpu(DEBUG port, 0)", bind_vcpu(ports[VIRQ_DEBUG], 0), -XEN_EINVAL);
	check_rc("bind_vcpu(CONSOLE port, 1)", bind_vcpu(ports[VIRQ_CONSOLE], 1), -XEN_ENOENT);
	/* Closed, a VIRQ can be bound again. */
	check_rc("close(TIMER port)", ev_port(EVTCHNOP_close, ports[VIRQ_TIMER]), 0);
	expect_status("closed TIMER port", ports[VIRQ_TIMER], EVTCHNSTAT_closed, 0, 0);
	check_rc("bind_virq(TIMER) after close", bind_virq(VIRQ_TIMER, 0, &p), 0);
	check(p == ports[VIRQ_TIMER], "rebound TIMER on port %u, expected %u", p,
	      ports[VIRQ_TIMER]);
	check_rc("close(CONSOLE port)", ev_port(EVTCHNOP_close, ports[VIRQ_CONSOLE]), 0);
	check_rc("bind_virq(CONSOLE) after close", bind_virq(VIRQ_CONSOLE, 0, &p), 0);
}

static void test_ipi(void)
{
	evtchn_port_t p, q;

	check_rc("bind_ipi(vCPU 1)", bind_ipi(1, &p), -XEN_ENOENT);
	check(p == 0xdead, "bind_ipi(vCPU 1): port written");
	check_rc("bind_ipi(vCPU 0xffffffff)", bind_ipi(0xffffffff, &p), -XEN_ENOENT);
	check_rc("bind_ipi(vCPU 0)", bind_ipi(0, &p), 0);
	expect_status("IPI port", p, EVTCHNSTAT_ipi, 0, 0);
	check_rc("bind_vcpu(IPI port, 0)", bind_vcpu(p, 0), -XEN_EINVAL);

	/* An IPI to oneself raises the port itself. */
	quiesce();
	check_rc("send(IPI)", ev_port(EVTCHNOP_send, p), 0);
	expect_raised("send(IPI)", p, true, true, true);
	expect_upcall("IPI", deliver());
	check(seen(p) && !is_pending(p), "IPI port %u not taken by the callback", p);

	/* Close clears a pending bit: a rebound port starts clean. */
	quiesce();
	set_mask(p, true);
	check_rc("send(masked IPI)", ev_port(EVTCHNOP_send, p), 0);
	check(is_pending(p), "masked IPI not pending");
	check_rc("close(IPI)", ev_port(EVTCHNOP_close, p), 0);
	check(!is_pending(p), "close left port %u pending", p);
	check(bit(shared->evtchn_mask, p), "close cleared the guest's mask bit");
	set_mask(p, false);
	check_rc("send(closed IPI)", ev_port(EVTCHNOP_send, p), -XEN_EINVAL);
	check_rc("bind_ipi again", bind_ipi(0, &q), 0);
	check(q == p, "bind_ipi after close gave port %u, expected %u", q, p);
	check_rc("close(IPI)", ev_port(EVTCHNOP_close, q), 0);
	quiesce();
}

/* ------------------------------------------------------------------ bind_vcpu, close, status */

static void test_bind_vcpu_close(void)
{
	static const evtchn_port_t nowhere[] = {
		0, 40, BUCKET, 4095, 4096, 0x7fffffff, 0xffffffff
	};
	struct evtchn_status st;
	char what[64];
	evtchn_port_t u;

	check_rc("alloc_unbound", alloc_unbound(DOMID_SELF, DOMID_SELF, &u), 0);
	check_rc("bind_vcpu(unbound, 0)", bind_vcpu(u, 0), 0);
	check_rc("bind_vcpu(interdomain, 0)", bind_vcpu(port_a, 0), 0);
	check_rc("bind_vcpu(port 0, 0)", bind_vcpu(0, 0), -XEN_EINVAL);
	check_rc("bind_vcpu(free port, 0)", bind_vcpu(40, 0), -XEN_EINVAL);
	check_rc("bind_vcpu(port 4096, 0)", bind_vcpu(4096, 0), -XEN_EINVAL);
	check_rc("bind_vcpu(unbound, vCPU 1)", bind_vcpu(u, 1), -XEN_ENOENT);
	/* The vCPU is checked first. */
	check_rc("bind_vcpu(port 0x7fffffff, vCPU 1)", bind_vcpu(0x7fffffff, 1), -XEN_ENOENT);
	check_rc("bind_vcpu(port 0, vCPU 0xffffffff)", bind_vcpu(0, 0xffffffff), -XEN_ENOENT);

	/* send/close on ports that are not there. */

	for (unsigned int i = 0; i < ARRAY_SIZE(nowhere); i++) {
		snprintf(what, sizeof(what), "send(port %#x)", nowhere[i]);
		check_rc(what, ev_port(EVTCHNOP_send, nowhere[i]), -XEN_EINVAL);
		snprintf(what, sizeof(what), "close(port %#x)", nowhere[i]);
		check_rc(what, ev_port(EVTCHNOP_close, nowhere[i]), -XEN_EINVAL);
	}

	/* status: other domains, bad ports. */
	check_rc("status(dom 77)", status_of(NO_DOMAIN, 1, &st), -XEN_ESRCH);
	check_rc("status(DOMID_IO)", status_of(DOMID_IO, 1, &st), -XEN_ESRCH);
	check_rc("status(dom 0, port A)", status_of(0, port_a, &st), 0);
	check(st.status == EVTCHNSTAT_interdomain, "status(dom 0, A): status %u", st.status);

	/* Closing end A of the loopback: B goes back to unbound (for dom 0). */
	check_rc("close(A)", ev_port(EVTCHNOP_close, port_a), 0);
	expect_status("B after close(A)", port_b, EVTCHNSTAT_unbound, 0, 0);
	quiesce();
	check_rc("send(B, unbound again)", ev_port(EVTCHNOP_send, port_b), 0);
	check(!is_pending(port_a) && !is_pending(port_b), "send on an unbound port raised a port");
	/* ... and can be bound again, from A's old number. */
	check_rc("rebind to B", bind_loop(DOMID_SELF, port_b, &port_a), 0);
	check(port_a == 1, "rebind to B gave port %u, expected 1", port_a);
	expect_status("B rebound", port_b, EVTCHNSTAT_interdomain, 0, port_a);
	check_rc("close(unbound)", ev_port(EVTCHNOP_close, u), 0);
	quiesce();
}

/* ------------------------------------------------------------------ buckets */

/* Xen allocates the table in buckets of 64: a port above the first exists once used. */
static void test_buckets(void)
{
	evtchn_port_t ports[BUCKET], p;
	unsigned int n = 0;
	struct evtchn_status st;

	while (n < ARRAY_SIZE(ports)) {
		if (alloc_unbound(DOMID_SELF, DOMID_SELF, &p)) {
			xtf_failure("alloc_unbound failed after %u ports", n);
			break;
		}
		ports[n++] = p;
		if (p >= BUCKET)
			break;
	}
	check(p == BUCKET, "the first port past the first bucket is %u", p);
	check_rc("status(port 127)", status_of(DOMID_SELF, 2 * BUCKET - 1, &st), 0);
	check(st.status == EVTCHNSTAT_closed, "status(port 127) %u", st.status);
	check_rc("status(port 128)", status_of(DOMID_SELF, 2 * BUCKET, &st), -XEN_EINVAL);
	while (n)
		check_rc("close", ev_port(EVTCHNOP_close, ports[--n]), 0);
	/* Closed again, the bucket stays. */
	check_rc("status(port 64) after close", status_of(DOMID_SELF, BUCKET, &st), 0);
	check_rc("unmask(port 127)", ev_port(EVTCHNOP_unmask, 2 * BUCKET - 1), 0);
}

/* ------------------------------------------------------------------ reset */

static void test_reset(void)
{
	struct evtchn_reset r = { .dom = NO_DOMAIN };
	struct evtchn_status st;
	evtchn_port_t p;

	check_rc("reset(dom 77)", ev(EVTCHNOP_reset, &r), -XEN_ESRCH);
	check_rc("reset_cont(dom 77)", ev(EVTCHNOP_reset_cont, &r), -XEN_ESRCH);
	r.dom = DOMID_SELF;
	/* No reset is under way: the continuation is refused. */
	check_rc("reset_cont(DOMID_SELF)", ev(EVTCHNOP_reset_cont, &r), -XEN_EBUSY);

	quiesce();
	check_rc("send(A)", ev_port(EVTCHNOP_send, port_a), 0);
	check(is_pending(port_b), "B not pending before reset");
	check_rc("reset(DOMID_SELF)", ev(EVTCHNOP_reset, &r), 0);
	for (p = 0; p < 2 * BUCKET; p++) {
		long rc = status_of(DOMID_SELF, p, &st);

		if (rc || st.status != EVTCHNSTAT_closed) {
			xtf_failure("after reset: status(port %u) rc %ld status %u", p, rc,
				    st.status);
			break;
		}
	}
	check(!is_pending(port_b), "reset left port %u pending", port_b);
	/* Every VIRQ is free again; the first port is 1 again. */
	check_rc("bind_virq(TIMER) after reset", bind_virq(VIRQ_TIMER, 0, &p), 0);
	check(p == 1, "first port after reset %u, expected 1", p);
	check_rc("bind_virq(DOM_EXC) after reset", bind_virq(VIRQ_DOM_EXC, 0, &p), 0);
	r.dom = 0;
	check_rc("reset(dom 0)", ev(EVTCHNOP_reset, &r), 0);
	expect_status("after reset(dom 0)", 1, EVTCHNSTAT_closed, 0, 0);
	quiesce();
}

/* ------------------------------------------------------------------ hostile arguments */

static char ro_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static void set_ro(bool ro)
{
	unsigned long pte = virt_to_maddr(ro_page) | (ro ? 0x21 : 0x63);
	long rc = HYPERVISOR_update_va_mapping((unsigned long)ro_page, pte, UVMF_INVLPG);

	if (rc)
		xtf_error("update_va_mapping(ro_page, %s) returned %ld", ro ? "RO" : "RW", rc);
}

static void test_bad_args(void)
{
	static const unsigned int cmds[] = {
		EVTCHNOP_bind_interdomain,
		EVTCHNOP_bind_virq,
		EVTCHNOP_bind_pirq,
		EVTCHNOP_close,
		EVTCHNOP_send,
		EVTCHNOP_status,
		EVTCHNOP_alloc_unbound,
		EVTCHNOP_bind_ipi,
		EVTCHNOP_bind_vcpu,
		EVTCHNOP_unmask,
		EVTCHNOP_reset,
		EVTCHNOP_expand_array,
		EVTCHNOP_set_priority,
		EVTCHNOP_reset_cont,
	};
	static const unsigned long ptrs[] = { 0, 0x1000, BAD_PTR_HOLE, BAD_PTR_NONCANON, ~0UL };
	static const unsigned long unknown[] = { 15, 16, 100, 0x7fffffff, 0xffffffff };
	struct evtchn_alloc_unbound *a = (void *)ro_page;
	struct evtchn_status *st = (void *)(ro_page + 64);
	struct evtchn_send *s = (void *)(ro_page + 128);
	struct evtchn_status ok;
	char what[80];

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		for (unsigned int j = 0; j < ARRAY_SIZE(ptrs); j++) {
			snprintf(what, sizeof(what), "event_channel_op(%u, %#lx)", cmds[i],
				 ptrs[j]);
			check_rc(what, ev(cmds[i], (void *)ptrs[j]), -XEN_EFAULT);
		}
	/* An argument that straddles into an unmapped page. */
	check_rc("status straddling the hole", ev(EVTCHNOP_status, (void *)(0x00007ffffffffff0UL)),
		 -XEN_EFAULT);

	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		snprintf(what, sizeof(what), "event_channel_op(%#lx)", unknown[i]);
		check_rc(what, ev(unknown[i], &ok), -XEN_ENOSYS);
	}
	/* The command is an int: the upper half is ignored. */
	status_of(DOMID_SELF, 0, &ok);
	check_rc("event_channel_op(1 << 32 | status)", ev(1UL << 32 | EVTCHNOP_status, &ok), 0);
	/* set_priority is FIFO-only: a real port -> -ENOSYS, a bad one -> -EINVAL. */
	{
		struct evtchn_set_priority sp = { .port = 0, .priority = 1 };

		check_rc("set_priority(port 0)", ev(EVTCHNOP_set_priority, &sp), -XEN_ENOSYS);
		sp.port = 4096;
		check_rc("set_priority(port 4096)", ev(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
	}
	{
		struct evtchn_expand_array ea = { .array_gfn = 0 };

		check_rc("expand_array (2-level domain)", ev(EVTCHNOP_expand_array, &ea),
			 -XEN_EOPNOTSUPP);
	}

	/* Read-only arguments: read fine, the result cannot be written back. */
	a->dom = DOMID_SELF;
	a->remote_dom = DOMID_SELF;
	a->port = 0xdead;
	st->dom = DOMID_SELF;
	st->port = 0;
	s->port = 4096;
	set_ro(true);
	/* Xen allocated the port before the copy back failed: it stays allocated. */
	check_rc("alloc_unbound(read-only arg)", ev(EVTCHNOP_alloc_unbound, a), -XEN_EFAULT);
	check(a->port == 0xdead, "read-only argument changed");
	check_rc("status(read-only arg)", ev(EVTCHNOP_status, st), -XEN_EFAULT);
	check_rc("send(read-only arg, port 4096)", ev(EVTCHNOP_send, s), -XEN_EINVAL);
	set_ro(false);
	expect_status("port of the failed alloc_unbound", 1, EVTCHNSTAT_unbound, 0, 0);
	check_rc("close it", ev_port(EVTCHNOP_close, 1), 0);
}

/* FIFO: Kestrel answers -ENOSYS; Xen offers it, so only refused calls are made there. */
static void test_fifo(void)
{
	struct evtchn_init_control ic = { .control_gfn = 0, .offset = 0, .vcpu = 1 };

	if (on_kestrel) {
		check_rc("init_control (FIFO not offered)", ev(EVTCHNOP_init_control, &ic),
			 -XEN_ENOSYS);
		ic.vcpu = 0;
		ic.control_gfn = virt_to_pfn(ro_page);
		check_rc("init_control(valid) (FIFO not offered)", ev(EVTCHNOP_init_control, &ic),
			 -XEN_ENOSYS);
		return;
	}
	printk("note: Xen offers the FIFO ABI (Kestrel answers -ENOSYS); init_control is "
	       "only called with arguments Xen refuses\n");
	check_rc("init_control(vCPU 1)", ev(EVTCHNOP_init_control, &ic), -XEN_ENOENT);
	ic.vcpu = 0;
	ic.offset = 4;
	check_rc("init_control(offset 4)", ev(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
	ic.offset = PAGE_SIZE;
	check_rc("init_control(offset 4096)", ev(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
	check_rc("init_control(NULL)", ev(EVTCHNOP_init_control, NULL), -XEN_EFAULT);
}

void test_main(void)
{
	/* Every PV vCPU starts with a 10 ms periodic timer (Xen and Kestrel): once VIRQ_TIMER
	 * is bound it would raise events at random points of the checks below. */
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	test_fresh();
	test_alloc_unbound();
	test_bind_interdomain();
	test_loopback_send();
	test_port_mask();
	test_upcall_mask();
	test_virq();
	test_ipi();
	test_bind_vcpu_close();
	test_buckets();
	test_reset();
	test_bad_args();
	test_fifo();
	/* Still 2-level after all this: a loopback event arrives as before. */
	{
		evtchn_port_t x, y;

		quiesce();
		check_rc("final alloc_unbound", alloc_unbound(DOMID_SELF, DOMID_SELF, &x), 0);
		check_rc("final bind", bind_loop(DOMID_SELF, x, &y), 0);
		quiesce();
		check_rc("final send", ev_port(EVTCHNOP_send, x), 0);
		expect_upcall("final event", deliver());
		check(seen(y), "final event: port %u not seen", y);
	}
	printk("%lu event upcalls in all\n", event_count);
}
