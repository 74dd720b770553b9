/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-vCPU guests (dom0 with 4 vCPUs on 2 physical CPUs):
 * vcpus: 4
 *
 * Bringing vCPUs up the way Linux does (common/smp.c): VCPUOP_is_up before and after,
 * VCPUOP_up of a vCPU never initialised (-EINVAL), VCPUOP_initialise of a nonexistent
 * vCPU (-ENOENT), a second time (-EEXIST), with bad contexts (a CR3 that is no frame of
 * ours, a writable page, a page-table page of the wrong level, a junk page, non-canonical
 * addresses: -EINVAL, and the vCPU stays uninitialised); the registers a new vCPU starts
 * with (RDI/RSI/RSP, CS/SS/DS, kernel GS base); its trap table; run states of other vCPUs;
 * VCPUOP_down of a running vCPU (it stops where it is) and of itself (VCPUOP_up resumes it
 * after the hypercall, which returns 0); IPIs among all 4 vCPUs, one port per pair, every
 * event counted on the vCPU it is bound to; EVTCHNOP_bind_vcpu moving an interdomain port
 * to vCPU 2; VCPUOP_send_nmi to another vCPU; remote TLB flushes (TLB_FLUSH_MULTI,
 * INVLPG_MULTI, TLB_FLUSH_ALL, update_va_mapping with a vCPU mask): a vCPU reading a page
 * in a loop must see the new mapping as soon as the flush returns; pvclock monotonic across
 * vCPUs.
 *
 * A broken hypervisor starts a vCPU with the wrong registers or GS base, accepts a bad CR3,
 * lets a downed vCPU run on, loses or misroutes events, does not flush remote TLBs before
 * the hypercall returns, or gives vCPUs clocks that disagree.
 */
#include "smp.h"
#include "pt.h"

const char test_title[] = "multi-vCPU guests";

#define NR		4
#define NS_PER_MS	1000000UL
#define SEC		(1000 * NS_PER_MS)

static struct vcpu_runstate_info rs;

static int runstate_of(unsigned int cpu)
{
	long rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, cpu, &rs);

	return rc ? (int)rc : rs.state;
}

/* Waits up to timeout_ns for *p to equal v (yielding); true if it did. */
static bool wait_eq(volatile unsigned long *p, unsigned long v, uint64_t timeout_ns)
{
	uint64_t t0 = pt_now_ns();

	while (*p != v) {
		if (pt_now_ns() - t0 > timeout_ns)
			return false;
		smp_relax();
	}
	return true;
}

static bool wait_ge(volatile unsigned long *p, unsigned long v, uint64_t timeout_ns)
{
	uint64_t t0 = pt_now_ns();

	while (*p < v) {
		if (pt_now_ns() - t0 > timeout_ns)
			return false;
		smp_relax();
	}
	return true;
}

static void delay_ns(uint64_t ns)
{
	uint64_t t0 = pt_now_ns();

	while (pt_now_ns() - t0 < ns)
		smp_relax();
}

/* ------------------------------------------------------------------ bring-up */
static void expect_is_up(unsigned int cpu, long want)
{
	char what[48];

	snprintf(what, sizeof(what), "VCPUOP_is_up(%u)", cpu);
	check_rc(what, HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, NULL), want);
}

static struct vcpu_guest_context bad;
static char writable_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static void bad_cr3(const char *what, unsigned long mfn)
{
	char buf[96];

	smp_build_context(3, &bad);
	bad.ctrlreg[3] = xen_pfn_to_cr3(mfn);
	snprintf(buf, sizeof(buf), "VCPUOP_initialise(3) with CR3 = %s", what);
	check_rc(buf, HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, &bad), -XEN_EINVAL);
}

static void test_initialise_errors(void)
{
	static const unsigned long bad_ids[] = { NR, 8191, 0x7fffffff, 0xffffffff };
	uint64_t *junk;

	expect_is_up(0, 1);
	for (unsigned int i = 1; i < NR; i++)
		expect_is_up(i, 0);
	expect_is_up(NR, -XEN_ENOENT);
	check_rc("VCPUOP_up(3) never initialised", HYPERVISOR_vcpu_op(VCPUOP_up, 3, NULL),
		 -XEN_EINVAL);
	smp_build_context(3, &bad);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		long rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, bad_ids[i], &bad);

		if (rc != -XEN_ENOENT)
			xtf_failure("VCPUOP_initialise(%#lx) = %ld, expected -ENOENT", bad_ids[i],
				    rc);
		rc = HYPERVISOR_vcpu_op(VCPUOP_up, bad_ids[i], NULL);
		if (rc != -XEN_ENOENT)
			xtf_failure("VCPUOP_up(%#lx) = %ld, expected -ENOENT", bad_ids[i], rc);
	}
	check_rc("VCPUOP_initialise(3, unreadable context)",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, 0xffff830000000000UL), -XEN_EFAULT);

	/* CR3 values that must not validate as our L4. */
	bad_cr3("mfn 0 (not ours)", 0);
	bad_cr3("an mfn beyond RAM", 1UL << 30);
	bad_cr3("a writable data page", virt_to_mfn(writable_page));
	bad_cr3("an L1 of the boot tables",
		(pt_walk(virt_to_mfn((void *)start_info->pt_base), (unsigned long)_text, 2)[0] &
		 PTE_MFN_MASK) >> PAGE_SHIFT);
	junk = pt_alloc();
	if (junk) {
		for (unsigned int i = 0; i < 512; i++)
			junk[i] = 0x0000000012345067UL + (i << 12);
		check_rc("pt_set_ro(junk)", pt_set_ro(junk), 0);
		bad_cr3("a read-only page of junk entries", virt_to_mfn(junk));
		check_rc("pt_set_rw(junk)", pt_set_rw(junk), 0);
		pt_free(junk);
	}

	/* Other invalid contexts. */
	smp_build_context(3, &bad);
	bad.user_regs.rip = 0x0000800000000000UL;
	check_rc("VCPUOP_initialise(3) with a non-canonical RIP",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, &bad), -XEN_EINVAL);
	smp_build_context(3, &bad);
	bad.trap_ctxt[13].address = 0x8000000000000000UL;
	check_rc("VCPUOP_initialise(3) with a non-canonical trap handler",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, &bad), -XEN_EINVAL);
	smp_build_context(3, &bad);
	bad.event_callback_eip = 0x0000800000000000UL;
	check_rc("VCPUOP_initialise(3) with a non-canonical event callback",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, &bad), -XEN_EINVAL);
	smp_build_context(3, &bad);
	bad.ldt_base = (unsigned long)writable_page + 8;
	bad.ldt_ents = 1;
	check_rc("VCPUOP_initialise(3) with an unaligned LDT",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 3, &bad), -XEN_EINVAL);

	/* None of that initialised vCPU 3. */
	expect_is_up(3, 0);
	check_rc("VCPUOP_up(3) after failed initialises", HYPERVISOR_vcpu_op(VCPUOP_up, 3, NULL),
		 -XEN_EINVAL);
}

static void check_entry_state(unsigned int cpu)
{
	const struct percpu *p = &percpu[cpu];
	unsigned long top = (unsigned long)smp_stacks[cpu - 1] + SMP_STACK_SIZE;

	check(p->entry_rdi == cpu && p->entry_rsi == (unsigned long)p,
	      "vCPU %u started with RDI %#lx RSI %#lx, expected %u and %p", cpu, p->entry_rdi,
	      p->entry_rsi, cpu, p);
	check(p->entry_rsp == top - 16, "vCPU %u started with RSP %#lx, expected %#lx", cpu,
	      p->entry_rsp, top - 16);
	check(p->entry_gs0 == (unsigned long)p,
	      "vCPU %u: %%gs:0 = %#lx, expected %p (gs_base_kernel not loaded)", cpu,
	      p->entry_gs0, p);
	check(p->entry_cs == FLAT_KERNEL_CS && p->entry_ss == FLAT_KERNEL_SS &&
	      p->entry_ds == FLAT_KERNEL_DS,
	      "vCPU %u started with CS %#lx SS %#lx DS %#lx", cpu, p->entry_cs, p->entry_ss,
	      p->entry_ds);
	check(p->entry_mask == 1, "vCPU %u started with upcall mask %lu, expected 1", cpu,
	      p->entry_mask);
}

/* On Kestrel test_main() has initialised vCPU 1 already, to see whether it can. */
static bool vcpu1_initialised;

static void test_bringup(void)
{
	long rc = vcpu1_initialised ? 0 : smp_initialise(1);

	check_rc("VCPUOP_initialise(1)", rc, 0);
	if (rc) {
		xtf_error("cannot bring up vCPU 1");
		test_finish();
	}
	check_rc("VCPUOP_initialise(1) again", smp_initialise(1), -XEN_EEXIST);
	expect_is_up(1, 0);
	rc = runstate_of(1);
	check(rc == RUNSTATE_offline, "initialised, not up vCPU 1: runstate %ld, expected offline",
	      rc);
	rc = smp_up(1);
	check_rc("VCPUOP_up(1)", rc, 0);
	if (rc)
		test_finish();
	expect_is_up(1, 1);
	check_rc("VCPUOP_up(1) when up", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
	check_rc("VCPUOP_register_vcpu_info(1) again",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1,
				    &(struct vcpu_register_vcpu_info){ .mfn = virt_to_mfn(
								      writable_page) }),
		 -XEN_EINVAL);
	/* vCPU 3's failed initialises must not keep a good one out. */
	for (unsigned int i = 2; i < NR; i++)
		if (smp_start(i))
			test_finish();
	for (unsigned int i = 1; i < NR; i++) {
		expect_is_up(i, 1);
		check_entry_state(i);
	}
	smp_bind_wake_ports();
}

/* A fault on a secondary vCPU goes through the trap table of its context. */
static volatile unsigned long ap_fault_ok[NR];

static void ap_fault(void *arg)
{
	unsigned long before = exc_count;

	asm volatile("1: ud2; 2:" _ASM_EXTABLE(1b, 2b));
	ap_fault_ok[smp_id()] = exc_count - before == 1 && last_exc.vector == X86_EXC_UD;
}

static void test_ap_traps(void)
{
	for (unsigned int i = 1; i < NR; i++) {
		if (!smp_call_sync(i, ap_fault, NULL))
			return;
		check(ap_fault_ok[i], "ud2 on vCPU %u not delivered through its trap table", i);
	}
}

/* ------------------------------------------------------------------ run states, down/up */
static volatile unsigned long spin_count[NR], spin_stop[NR];

static void ap_spin(void *arg)
{
	unsigned int me = smp_id();

	while (!spin_stop[me])
		spin_count[me]++;
}

static volatile long self_down_rc = 1;
static volatile unsigned long self_down_resumed;

static void ap_self_down(void *arg)
{
	self_down_rc = HYPERVISOR_vcpu_op(VCPUOP_down, smp_id(), NULL);
	self_down_resumed = 1;
}

/* The run state of cpu becomes one of want_mask's bits within 2 s; the last state. */
static int wait_runstate(unsigned int cpu, unsigned int want_mask)
{
	uint64_t t0 = pt_now_ns();
	int st;

	while (!((1u << (st = runstate_of(cpu))) & want_mask) && pt_now_ns() - t0 < 2 * SEC)
		smp_relax();
	return st;
}

static void test_runstate_and_down(void)
{
	unsigned long c1, c2;
	int st;

	/* An idle vCPU sits in SCHEDOP_block. */
	st = wait_runstate(1, 1u << RUNSTATE_blocked);
	check(st == RUNSTATE_blocked, "idle vCPU 1: runstate %d, expected blocked (2)", st);
	printk("runstate of idle vCPU 1: %d; running %lu ns, blocked %lu ns\n", st,
	       rs.time[RUNSTATE_running], rs.time[RUNSTATE_blocked]);
	check(rs.time[RUNSTATE_running] > 0, "vCPU 1 has no running time");

	/* A busy vCPU is running or waiting for a CPU (4 vCPUs on 2 CPUs). */
	spin_stop[2] = 0;
	smp_call(2, ap_spin, NULL);
	st = wait_runstate(2, (1u << RUNSTATE_running) | (1u << RUNSTATE_runnable));
	check(st == RUNSTATE_running || st == RUNSTATE_runnable,
	      "spinning vCPU 2: runstate %d, expected running or runnable", st);
	printk("runstate of spinning vCPU 2: %d\n", st);

	/* Take it down while it spins: it stops where it is. */
	check_rc("VCPUOP_down(2)", HYPERVISOR_vcpu_op(VCPUOP_down, 2, NULL), 0);
	expect_is_up(2, 0);
	st = wait_runstate(2, 1u << RUNSTATE_offline);
	check(st == RUNSTATE_offline, "downed vCPU 2: runstate %d, expected offline (3)", st);
	c1 = spin_count[2];
	delay_ns(50 * NS_PER_MS);
	c2 = spin_count[2];
	check(c1 == c2, "downed vCPU 2 still runs: count %lu -> %lu", c1, c2);
	check_rc("VCPUOP_down(2) when down", HYPERVISOR_vcpu_op(VCPUOP_down, 2, NULL), 0);
	check_rc("VCPUOP_up(2)", HYPERVISOR_vcpu_op(VCPUOP_up, 2, NULL), 0);
	expect_is_up(2, 1);
	{
		uint64_t t0 = pt_now_ns();

		while (spin_count[2] == c2 && pt_now_ns() - t0 < 2 * SEC)
			smp_relax();
		check(spin_count[2] != c2, "vCPU 2 did not resume after VCPUOP_up");
	}
	spin_stop[2] = 1;
	if (!smp_wait(2, 2 * SEC))
		xtf_failure("vCPU 2 did not finish its loop after VCPUOP_up");

	/* A vCPU downs itself: the hypercall returns 0 once it is up again. */
	smp_call(3, ap_self_down, NULL);
	{
		uint64_t t0 = pt_now_ns();

		while (HYPERVISOR_vcpu_op(VCPUOP_is_up, 3, NULL) != 0 &&
		       pt_now_ns() - t0 < 2 * SEC)
			smp_relax();
	}
	expect_is_up(3, 0);
	delay_ns(20 * NS_PER_MS);
	check(!self_down_resumed, "vCPU 3 ran on after VCPUOP_down on itself");
	st = runstate_of(3);
	check(st == RUNSTATE_offline, "vCPU 3 down by itself: runstate %d, expected offline", st);
	check_rc("VCPUOP_up(3)", HYPERVISOR_vcpu_op(VCPUOP_up, 3, NULL), 0);
	if (!smp_wait(3, 2 * SEC))
		xtf_failure("vCPU 3 did not resume after VCPUOP_up");
	check(self_down_resumed && self_down_rc == 0,
	      "vCPU 3 resumed %lu, VCPUOP_down on itself returned %ld (expected 0)",
	      self_down_resumed, self_down_rc);
}

/* ------------------------------------------------------------------ IPIs */
#define IPI_ROUNDS	10

static evtchn_port_t ipi_port[NR][NR];	/* [sender][receiver] */
static volatile unsigned long ipi_count[NR][NR], ipi_wrong_cpu;

static void ipi_handler(evtchn_port_t port, void *data)
{
	unsigned long pair = (unsigned long)data;
	unsigned int to = pair % NR;

	if (smp_id() != to)
		__atomic_add_fetch(&ipi_wrong_cpu, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ipi_count[pair / NR][to], 1, __ATOMIC_RELAXED);
}

static volatile unsigned long ipi_send_errors, ipi_timeouts;

/* Each round: one IPI to every other vCPU, then wait until each was counted. */
static void ipi_sender(void *arg)
{
	unsigned int me = smp_id();

	for (unsigned int r = 1; r <= IPI_ROUNDS; r++) {
		for (unsigned int to = 0; to < NR; to++)
			if (to != me && evtchn_send(ipi_port[me][to]))
				ipi_send_errors++;
		for (unsigned int to = 0; to < NR; to++)
			if (to != me && !wait_eq(&ipi_count[me][to], r, 2 * SEC))
				ipi_timeouts++;
	}
}

static void test_ipis(void)
{
	for (unsigned int from = 0; from < NR; from++)
		for (unsigned int to = 0; to < NR; to++) {
			long port;

			if (from == to)
				continue;
			port = evtchn_bind_ipi(to);
			check(port > 0, "EVTCHNOP_bind_ipi(vCPU %u) returned %ld", to, port);
			if (port <= 0)
				return;
			ipi_port[from][to] = port;
			evtchn_set_handler(port, to, ipi_handler,
					   (void *)(unsigned long)(from * NR + to));
		}
	check_rc("EVTCHNOP_bind_ipi(vCPU 4)", evtchn_bind_ipi(NR), -XEN_ENOENT);

	local_events_enable();
	for (unsigned int i = 1; i < NR; i++)
		smp_call(i, ipi_sender, NULL);
	ipi_sender(NULL);
	for (unsigned int i = 1; i < NR; i++)
		if (!smp_wait(i, 30 * SEC))
			xtf_failure("vCPU %u did not finish sending IPIs", i);
	local_events_disable();

	check(!ipi_send_errors, "%lu EVTCHNOP_send calls failed", ipi_send_errors);
	check(!ipi_timeouts, "%lu IPIs not seen by their vCPU within 2 s", ipi_timeouts);
	check(!ipi_wrong_cpu, "%lu IPIs handled on a vCPU they are not bound to", ipi_wrong_cpu);
	for (unsigned int from = 0; from < NR; from++)
		for (unsigned int to = 0; to < NR; to++)
			if (from != to && ipi_count[from][to] != IPI_ROUNDS)
				xtf_failure("IPIs %u -> %u: %lu received, %u sent", from, to,
					    ipi_count[from][to], IPI_ROUNDS);
	for (unsigned int from = 0; from < NR; from++)
		for (unsigned int to = 0; to < NR; to++)
			if (from != to) {
				evtchn_clear_handler(ipi_port[from][to]);
				evtchn_close(ipi_port[from][to]);
			}
	printk("IPIs: %u rounds among %u vCPUs delivered\n", IPI_ROUNDS, NR);
}

/* ------------------------------------------------------------------ bind_vcpu */
static volatile unsigned long moved_count, moved_cpu = ~0UL;

static void moved_handler(evtchn_port_t port, void *data)
{
	moved_cpu = smp_id();
	__atomic_add_fetch(&moved_count, 1, __ATOMIC_RELAXED);
}

static void test_bind_vcpu(void)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct evtchn_bind_vcpu bv;
	long ipi, rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
	check_rc("EVTCHNOP_alloc_unbound", rc, 0);
	if (rc)
		return;
	bi.remote_port = au.port;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
	check_rc("EVTCHNOP_bind_interdomain", rc, 0);
	if (rc)
		return;
	/*
	 * bind_interdomain notifies the new local port once (on vCPU 0, where events are
	 * masked and the port has no handler yet): drop that event before moving it.
	 */
	__atomic_fetch_and(&shared->evtchn_pending[bi.local_port / 64],
			   ~(1UL << (bi.local_port % 64)), __ATOMIC_SEQ_CST);

	bv.port = bi.local_port;
	bv.vcpu = NR;
	check_rc("EVTCHNOP_bind_vcpu(vCPU 4)", HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv),
		 -XEN_ENOENT);
	bv.vcpu = 2;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv);
	check_rc("EVTCHNOP_bind_vcpu(interdomain port, vCPU 2)", rc, 0);
	evtchn_set_handler(bi.local_port, 2, moved_handler, NULL);

	/* An IPI port cannot move. */
	ipi = evtchn_bind_ipi(1);
	if (ipi > 0) {
		bv.port = ipi;
		bv.vcpu = 2;
		check_rc("EVTCHNOP_bind_vcpu(IPI port)",
			 HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
		evtchn_close(ipi);
	}

	/* Notify from the other end: the event must land on vCPU 2. */
	local_events_enable();
	check_rc("EVTCHNOP_send(unbound end)", evtchn_send(au.port), 0);
	wait_eq(&moved_count, 1, 2 * SEC);
	local_events_disable();
	check(moved_count == 1 && moved_cpu == 2,
	      "event on a port moved to vCPU 2: %lu deliveries, last on vCPU %ld", moved_count,
	      (long)moved_cpu);

	/* A fresh unbound port may move too. */
	au.port = 0;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
	if (!rc) {
		bv.port = au.port;
		bv.vcpu = 3;
		check_rc("EVTCHNOP_bind_vcpu(unbound port, vCPU 3)",
			 HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), 0);
		evtchn_close(au.port);
	}
	evtchn_clear_handler(bi.local_port);
	evtchn_close(bi.local_port);
}

/* ------------------------------------------------------------------ NMI */
static volatile unsigned long nmi_seen[NR];

static bool nmi_hook(struct exc_info *e, struct iret_context *ret)
{
	__atomic_add_fetch(&nmi_seen[smp_id()], 1, __ATOMIC_RELAXED);
	return true;
}

static void ap_wait_nmi(void *arg)
{
	unsigned int me = smp_id();
	uint64_t t0 = pt_now_ns();

	while (!nmi_seen[me] && pt_now_ns() - t0 < 2 * SEC)
		smp_relax();
}

static void test_nmi(void)
{
	set_exc_hook(X86_EXC_NMI, nmi_hook);
	smp_call(1, ap_wait_nmi, NULL);
	check_rc("VCPUOP_send_nmi(1)", HYPERVISOR_vcpu_op(VCPUOP_send_nmi, 1, NULL), 0);
	if (!smp_wait(1, 5 * SEC))
		xtf_error("vCPU 1 stuck waiting for its NMI");
	check(nmi_seen[1] == 1 && !nmi_seen[0] && !nmi_seen[2] && !nmi_seen[3],
	      "NMIs seen per vCPU: %lu %lu %lu %lu, expected one on vCPU 1", nmi_seen[0],
	      nmi_seen[1], nmi_seen[2], nmi_seen[3]);
	/* A blocked vCPU is woken for its NMI. */
	delay_ns(20 * NS_PER_MS);
	check_rc("VCPUOP_send_nmi(2)", HYPERVISOR_vcpu_op(VCPUOP_send_nmi, 2, NULL), 0);
	wait_eq(&nmi_seen[2], 1, 2 * SEC);
	check(nmi_seen[2] == 1, "idle vCPU 2 saw %lu NMIs, expected 1", nmi_seen[2]);
	set_exc_hook(X86_EXC_NMI, NULL);
}

/* ------------------------------------------------------------------ remote TLB flush */
static uint64_t *window;			/* the VA whose mapping changes */
static uint64_t *page_a, *page_b;		/* what it maps */
static volatile unsigned long tlb_phase, tlb_seen, tlb_reads;

/*
 * vCPU 1: read the window in a loop (so its TLB holds the translation) until vCPU 0
 * says the flush returned, then read it once more and report what it saw.
 */
static void ap_tlb_reader(void *arg)
{
	unsigned long phase = (unsigned long)arg;

	while (READ_ONCE(tlb_phase) != phase + 1) {
		READ_ONCE(*window);
		tlb_reads++;
	}
	tlb_seen = READ_ONCE(*window);
	tlb_phase = phase + 2;
}

static unsigned long vcpumask;

static long flush_multi(unsigned int how)
{
	struct mmuext_op op = { .cmd = how };

	op.arg1.linear_addr = (unsigned long)window;
	op.arg2.vcpumask = &vcpumask;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void tlb_case(const char *what, unsigned int how, unsigned long uvmf,
		     unsigned long phase)
{
	uint64_t *target = (phase / 3) % 2 ? page_a : page_b;
	uint64_t want = *target;
	unsigned long reads;
	long rc;

	tlb_reads = 0;
	tlb_phase = phase;
	smp_call(1, ap_tlb_reader, (void *)phase);
	/* Let the reader use the old translation for a while. */
	if (!wait_ge(&tlb_reads, 1000, 5 * SEC)) {
		xtf_error("%s: vCPU 1 did not start reading", what);
		return;
	}
	reads = tlb_reads;
	if (how) {
		/* Change the PTE without any flush, then flush vCPU 1 by name. */
		rc = HYPERVISOR_update_va_mapping((unsigned long)window, pt_pte(target, true),
						  UVMF_NONE);
		check_rc("update_va_mapping(UVMF_NONE)", rc, 0);
		rc = how == MMUEXT_TLB_FLUSH_ALL ? mmuext1(how, 0, 0) : flush_multi(how);
	} else {
		rc = HYPERVISOR_update_va_mapping((unsigned long)window, pt_pte(target, true),
						  uvmf);
	}
	check_rc(what, rc, 0);
	tlb_phase = phase + 1;
	if (!wait_eq(&tlb_phase, phase + 2, 5 * SEC)) {
		xtf_error("%s: vCPU 1 did not answer", what);
		return;
	}
	smp_wait(1, SEC);
	check(tlb_seen == want,
	      "%s: vCPU 1 reads %#lx through the window, expected %#lx (stale TLB)",
	      what, tlb_seen, want);
	printk("%s: vCPU 1 read the window %lu times before, sees the new page after\n", what,
	       reads);
}

static void test_tlb_flush(void)
{
	uint64_t *w = pt_alloc();

	page_a = pt_alloc();
	page_b = pt_alloc();
	if (!w || !page_a || !page_b) {
		xtf_error("no free pages for the TLB test");
		return;
	}
	page_a[0] = 0xaaaaaaaa00000001UL;
	page_b[0] = 0xbbbbbbbb00000002UL;
	window = w;
	check_rc("map window -> page a",
		 HYPERVISOR_update_va_mapping((unsigned long)w, pt_pte(page_a, true),
					      UVMF_INVLPG | UVMF_ALL),
		 0);
	vcpumask = 1UL << 1;
	tlb_case("MMUEXT_TLB_FLUSH_MULTI {1}", MMUEXT_TLB_FLUSH_MULTI, 0, 0);
	tlb_case("MMUEXT_INVLPG_MULTI {1}", MMUEXT_INVLPG_MULTI, 0, 3);
	tlb_case("MMUEXT_TLB_FLUSH_ALL", MMUEXT_TLB_FLUSH_ALL, 0, 6);
	tlb_case("update_va_mapping(UVMF_INVLPG | mask {1})", 0,
		 UVMF_INVLPG | (unsigned long)&vcpumask, 9);
	tlb_case("update_va_mapping(UVMF_TLB_FLUSH | UVMF_ALL)", 0, UVMF_TLB_FLUSH | UVMF_ALL, 12);
	check_rc("window back",
		 HYPERVISOR_update_va_mapping((unsigned long)w, pt_pte(w, true),
					      UVMF_INVLPG | UVMF_ALL),
		 0);
	pt_free(w);
	pt_free(page_a);
	pt_free(page_b);
}

/* ------------------------------------------------------------------ pvclock */
#define CLOCK_ITERS	3000
/*
 * Allowed step back between vCPUs, in ns (none within one vCPU). With TSC_STABLE Linux
 * trusts the clocks of different vCPUs as they are, so they must agree to rounding.
 * Without it Linux clamps (pvclock's last_value), and Xen 4.17 under TCG, which does not
 * set TSC_STABLE there, was seen up to 6 ms apart: only gross errors are caught then.
 */
#define CLOCK_SLACK_STABLE_NS	100
#define CLOCK_SLACK_NS		(50 * NS_PER_MS)
static uint64_t clock_slack;

static spinlock_t clock_lock;
static uint64_t clock_last;
static volatile unsigned long clock_back, clock_self_back;
static int64_t clock_worst;

static void clock_reader(void *arg)
{
	uint64_t mine = 0;

	for (unsigned int i = 0; i < CLOCK_ITERS; i++) {
		uint64_t now;

		spin_lock(&clock_lock);
		now = smp_now_ns();
		if (now < mine)
			clock_self_back++;
		mine = now;
		if (now < clock_last) {
			if ((int64_t)(clock_last - now) > clock_worst)
				clock_worst = clock_last - now;
			if (clock_last - now > clock_slack)
				clock_back++;
		} else {
			clock_last = now;
		}
		spin_unlock(&clock_lock);
		if (i % 64 == 0)
			smp_relax();
	}
}

static void test_pvclock(void)
{
	/* Kestrel's own gaps are reported as SKIP until it keeps every vCPU's clock. */
	void (*report)(const char *fmt, ...) = on_kestrel ? xtf_skip : xtf_failure;
	bool stable = true;

	for (unsigned int i = 0; i < NR; i++) {
		vcpu_time_info_t *t = &percpu[i].vi->time;

		printk("vCPU %u pvclock: version %u mul %#x shift %d flags %#x\n", i, t->version,
		       t->tsc_to_system_mul, t->tsc_shift, t->flags);
		stable &= !!(t->flags & XEN_PVCLOCK_TSC_STABLE_BIT);
		if (!t->tsc_to_system_mul || !t->version || (t->version & 1)) {
			report("vCPU %u has no usable pvclock (version %u, mul %#x)", i,
			       t->version, t->tsc_to_system_mul);
			return;
		}
	}
	clock_slack = stable ? CLOCK_SLACK_STABLE_NS : CLOCK_SLACK_NS;
	for (unsigned int i = 1; i < NR; i++)
		smp_call(i, clock_reader, NULL);
	clock_reader(NULL);
	for (unsigned int i = 1; i < NR; i++)
		if (!smp_wait(i, 30 * SEC))
			xtf_error("vCPU %u did not finish reading the clock", i);
	printk("pvclock across vCPUs: worst step back %ld ns, %lu steps beyond %lu ns%s\n",
	       (long)clock_worst, clock_back, clock_slack, stable ? " (TSC_STABLE)" : "");
	if (clock_self_back)
		report("pvclock went backwards within a vCPU %lu times", clock_self_back);
	if (clock_back)
		report("pvclock went backwards across vCPUs by more than %lu ns %lu times (worst %ld ns)",
		       clock_slack, clock_back, (long)clock_worst);
}

void test_main(void)
{
	long n = smp_init();

	if (n < 0) {
		xtf_error("VCPUOP_register_vcpu_info returned %ld", n);
		return;
	}
	printk("dom0 has %ld vCPUs\n", n);
	if (n < NR) {
		if (on_kestrel)
			xtf_skip("Kestrel gave dom0 %ld vCPUs, the test needs %u", n, NR);
		else
			xtf_error("dom0 has %ld vCPUs, the runner should have given it %u", n, NR);
		return;
	}
	if (on_kestrel) {
		/* Until Kestrel runs multi-vCPU guests, only find out whether it can. */
		long rc = smp_initialise(1);

		if (rc) {
			xtf_skip("Kestrel: VCPUOP_initialise(1) returned %ld, no multi-vCPU guests yet",
				 rc);
			return;
		}
		vcpu1_initialised = true;
	}
	test_initialise_errors();
	test_bringup();
	test_ap_traps();
	test_runstate_and_down();
	test_ipis();
	test_bind_vcpu();
	test_nmi();
	test_tlb_flush();
	test_pvclock();
}
