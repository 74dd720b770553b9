/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An event channel between two domains: dom0 and a boot-time domU (Kestrel's `domU`
 * modules), each running this kernel with a role on its command line.
 *
 * - "peer=N" (dom0): alloc_unbound for domain N, which must give port 1 (a fresh domain
 *   allocates from 1); wait up to 5 s for N's event on it, answer with a send, then wait
 *   "wait=MS" (default 1000) so that N can finish before the machine ends.
 * - "peer=0 port=P" (the domU): bind_interdomain to dom0's port P (retrying while dom0 has
 *   not offered it yet: -EINVAL), check the status of both views, send, and wait up to 5 s
 *   for dom0's answer.
 * Without "peer=" (make test-xen, and make test as plain dom0) there is no second domain:
 * SKIP. The boot test dom0-domu-event-channel runs the pair on Kestrel.
 *
 * Waiting is SCHEDOP_poll on the port, which a pending event ends even while events are
 * masked (the framework keeps them masked here). A broken hypervisor refuses the bind,
 * delivers the event to the wrong domain or port, or never wakes the poller.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "interdomain event channel";

#define WAIT_NS (5000UL * 1000000UL)

static long arg_num(const char *key, long dflt)
{
	const char *p = strstr((const char *)start_info->cmd_line, key);
	long v = 0;

	if (!p)
		return dflt;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* Wait for port to be pending (and clear it); false on timeout. */
static bool wait_port(uint32_t port, uint64_t timeout_ns)
{
	uint64_t end = pt_now_ns() + timeout_ns;
	evtchn_port_t ports[1] = { port };
	struct sched_poll p = { .nr_ports = 1, .timeout = end };

	p.ports = ports;
	while (!(READ_ONCE(shared->evtchn_pending[port / 64]) >> (port % 64) & 1)) {
		if (pt_now_ns() >= end)
			return false;
		HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	}
	__atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
			   __ATOMIC_SEQ_CST);
	return true;
}

static void sleep_ms(unsigned long ms)
{
	uint64_t end = pt_now_ns() + ms * 1000000UL;
	struct sched_poll p = { .nr_ports = 0, .timeout = end };

	while (pt_now_ns() < end)
		HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

static void check_status(uint32_t port, domid_t peer, uint32_t peer_port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	check_rc("status", HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
	check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == peer &&
		      st.u.interdomain.port == peer_port,
	      "port %u: status %u dom %u port %u, expected interdomain with d%u port %u", port,
	      st.status, st.u.interdomain.dom, st.u.interdomain.port, peer, peer_port);
}

static void offer(domid_t peer)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = peer };

	check_rc("alloc_unbound", HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
	check(a.port == 1, "first port %u, expected 1", a.port);
	printk("offered port %u to d%u\n", a.port, peer);
	if (!wait_port(a.port, WAIT_NS)) {
		xtf_failure("no event from d%u on port %u within 5 s", peer, a.port);
		return;
	}
	printk("event from d%u on port %u; answering\n", peer, a.port);
	check_status(a.port, peer, 1);
	check_rc("send", HYPERVISOR_event_channel_op(EVTCHNOP_send, &a.port), 0);
	sleep_ms((unsigned long)arg_num("wait=", 1000));
}

static void bind(domid_t peer, uint32_t port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = peer, .remote_port = port };
	uint64_t end = pt_now_ns() + WAIT_NS;
	long rc;

	while ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b)) == -XEN_EINVAL &&
	       pt_now_ns() < end)
		sleep_ms(10); /* not offered yet */
	check_rc("bind_interdomain", rc, 0);
	if (rc)
		return;
	printk("bound local port %u to d%u port %u\n", b.local_port, peer, port);
	check_status(b.local_port, peer, port);
	wait_port(b.local_port, 0); /* binding marks the new port pending: clear it */
	check_rc("send", HYPERVISOR_event_channel_op(EVTCHNOP_send, &b.local_port), 0);
	if (!wait_port(b.local_port, WAIT_NS))
		xtf_failure("no answer from d%u within 5 s", peer);
	else
		printk("answer from d%u\n", peer);
}

void test_main(void)
{
	long peer = arg_num("peer=", -1);

	if (peer < 0) {
		xtf_skip("no peer domain given (needs a boot-time domU beside it)");
		return;
	}
	if (start_info->flags & SIF_INITDOMAIN)
		offer((domid_t)peer);
	else
		bind((domid_t)peer, (uint32_t)arg_num("port=", 1));
	xtf_success(NULL);
}
