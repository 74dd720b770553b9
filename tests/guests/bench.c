/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Not a test: measures with RDTSC (1) the null-hypercall round trip,
 * xen_version(XENVER_version) from guest kernel mode, and (2) the
 * user -> kernel -> user syscall bounce: a user-mode SYSCALL delivered to a
 * minimal syscall callback that returns at once with HYPERVISOR_iret.
 * Each is the median of 7 runs of 2000 iterations, in TSC cycles per
 * operation, printed as "bench: <metric> <cycles>".
 *
 * Then three page-table costs, each the median of 7 runs:
 *   mmu_update_512  one mmu_update of 512 MMU_NORMAL_PT_UPDATE requests that
 *                   rewrite every entry of a pinned L1 (per whole batch)
 *   pin_unpin_tree  PIN_L4 + UNPIN of an L4 -> L3 -> L2 -> 8 L1s tree whose
 *                   4096 L1 entries map pool pages, read-only and RW
 *                   alternately (per pin + unpin pair)
 *   ptwr_write      one emulated PTE write: a mov into a pinned L1 through
 *                   its read-only mapping (per write)
 *
 * Then two event metrics:
 *   evtchn_latency  EVTCHNOP_send on one end of a loopback interdomain channel
 *                   (alloc_unbound + bind_interdomain to itself, both ports
 *                   unmasked) to the first instruction of the event callback,
 *                   in TSC cycles: the median of EV_SENDS sends
 *   timer_late_ns   how late VIRQ_TIMER arrives for a VCPUOP_set_singleshot_timer
 *                   deadline of now + 1 ms (pvclock system time) while the vCPU
 *                   sleeps in SCHEDOP_block (periodic timer stopped), in ns of
 *                   pvclock time taken at the first instruction of the callback:
 *                   the median of TIMER_SHOTS timers
 * Both take the TSC in bench_event_entry, an event callback that records it
 * and goes on to the framework's (which acknowledges the events).
 *
 * The verdict is SUCCESS unless a measurement could not be taken. A
 * page-table or event metric that cannot be taken (the hypervisor refuses an
 * operation) is printed as "bench: <metric> missing (...)" and the others
 * go on: ERROR on Xen, where all must work; SKIP on Kestrel, which does not
 * have every one yet.
 */
#include "pt.h"

const char test_title[] = "bench";

#define RUNS	7
#define ITERS	2000

/*
 * The bench syscall callback: turns the bounce frame (rcx, r11, rip, cs,
 * rflags, rsp, ss) into an iret_context in place and returns to user mode.
 * The framework's exit syscall (RAX = USER_EXIT_MAGIC) goes to the normal
 * callback.
 */
asm(".pushsection .text\n"
    ".globl bench_syscall_entry\n"
    "bench_syscall_entry:\n\t"
    "cmp bench_magic(%rip), %rax\n\t"
    "je syscall_callback_entry\n\t"
    "sub $16, %rsp\n\t"
    "mov %rax, 0(%rsp)\n\t"
    "mov 24(%rsp), %rax\n\t"
    "mov %rax, 8(%rsp)\n\t"
    "movq $0, 24(%rsp)\n\t"
    "mov $23, %eax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");
extern char bench_syscall_entry[];
const unsigned long bench_magic = USER_EXIT_MAGIC;

static void sort(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static uint64_t null_hypercall_run(void)
{
	uint64_t t0 = rdtsc();

	for (unsigned int i = 0; i < ITERS; i++)
		hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	return (rdtsc() - t0) / ITERS;
}

/* Runs in user mode. */
static unsigned long syscall_run(unsigned long iters)
{
	uint64_t t0 = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		asm volatile("mov $1, %%eax; syscall" : : : "rax", "rcx", "r11", "memory");
	return (rdtsc() - t0) / iters;
}

/* ------------------------------------------------------------------ page tables */
#define PT_RUNS		RUNS
#define BATCHES		16	/* mmu_update_512: batches per run */
#define TREES		4	/* pin_unpin_tree: pairs per run */
#define PTWR_WRITES	500	/* ptwr_write: writes per run */
#define TREE_L1S	8
#define NDATA		8

static void metric_missing(const char *metric, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printk("bench: %s missing (%s)\n", metric, why);
	if (on_kestrel)
		xtf_skip("%s: %s", metric, why);
	else
		xtf_error("%s: %s", metric, why);
}

static void metric_print(const char *metric, uint64_t *v)
{
	sort(v, PT_RUNS);
	printk("bench: %s %lu\n", metric, v[PT_RUNS / 2]);
	if (!v[PT_RUNS / 2])
		xtf_error("%s: the measurement is zero", metric);
}

static uint64_t *data[NDATA];

/* Makes the n pages read-only (false if the hypervisor refuses). */
static bool make_ro(uint64_t **pages, unsigned int n, const char *metric)
{
	for (unsigned int i = 0; i < n; i++) {
		long rc = pt_set_ro(pages[i]);

		if (rc) {
			metric_missing(metric, "update_va_mapping(RO) returned %ld", rc);
			while (i--)
				pt_set_rw(pages[i]);
			return false;
		}
	}
	return true;
}

/* Makes the n pages writable again and frees them. */
static void release(uint64_t **pages, unsigned int n, const char *metric)
{
	for (unsigned int i = 0; i < n; i++) {
		long rc = pt_set_rw(pages[i]);

		if (rc)
			xtf_error("%s: cannot make a page writable again: %ld", metric, rc);
		else
			pt_free(pages[i]);
	}
}

/* A fresh pool page made read-only and pinned as an L1, or NULL (metric reported missing). */
static uint64_t *pinned_l1(const char *metric)
{
	uint64_t *l1 = pt_alloc();
	long rc;

	if (!l1 || !make_ro(&l1, 1, metric))
		return NULL;
	rc = pt_pin(1, l1);
	if (rc) {
		metric_missing(metric, "PIN_L1 returned %ld", rc);
		release(&l1, 1, metric);
		return NULL;
	}
	return l1;
}

/* Undo pinned_l1(). */
static void unpin_l1(uint64_t *l1, const char *metric)
{
	long rc = pt_unpin(l1);

	if (rc)
		xtf_error("%s: UNPIN returned %ld", metric, rc);
	release(&l1, 1, metric);
}

static mmu_update_t batch[2][512];

static void bench_mmu_update_512(void)
{
	static const char metric[] = "mmu_update_512";
	uint64_t *l1 = pinned_l1(metric), v[PT_RUNS];
	unsigned int r, b, i;
	long rc;

	if (!l1)
		return;
	for (b = 0; b < 2; b++)
		for (i = 0; i < 512; i++) {
			batch[b][i].ptr = virt_to_maddr(l1) + i * 8 + MMU_NORMAL_PT_UPDATE;
			batch[b][i].val = pt_pte(data[(b + i) % NDATA], false);
		}
	for (r = 0; r < PT_RUNS; r++) {
		uint64_t t0 = rdtsc();

		for (b = 0; b < BATCHES; b++) {
			rc = HYPERVISOR_mmu_update(batch[b & 1], 512, NULL, DOMID_SELF);
			if (rc)
				break;
		}
		v[r] = (rdtsc() - t0) / BATCHES;
		if (rc)
			break;
	}
	if (rc)
		metric_missing(metric, "mmu_update returned %ld", rc);
	else
		metric_print(metric, v);
	unpin_l1(l1, metric);
}

static void bench_pin_unpin_tree(void)
{
	static const char metric[] = "pin_unpin_tree";
	uint64_t *t[3 + TREE_L1S], v[PT_RUNS];
	const uint64_t up = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
	unsigned int r, n, i, j;
	long rc = 0;

	for (n = 0; n < ARRAY_SIZE(t); n++) {
		t[n] = pt_alloc();
		if (!t[n]) {
			metric_missing(metric, "the page pool is too small");
			release(t, n, metric);
			return;
		}
	}
	t[0][0] = virt_to_maddr(t[1]) | up;
	t[1][0] = virt_to_maddr(t[2]) | up;
	for (i = 0; i < TREE_L1S; i++) {
		t[2][i] = virt_to_maddr(t[3 + i]) | up;
		for (j = 0; j < 512; j++)
			t[3 + i][j] = pt_pte(data[(i + j) % NDATA], j & 1);
	}
	if (!make_ro(t, n, metric)) {
		release(t, n, metric);
		return;
	}
	for (r = 0; r < PT_RUNS; r++) {
		uint64_t t0 = rdtsc();

		for (i = 0; i < TREES; i++) {
			rc = pt_pin(4, t[0]);
			if (rc) {
				metric_missing(metric, "PIN_L4 returned %ld", rc);
				break;
			}
			rc = pt_unpin(t[0]);
			if (rc) {
				metric_missing(metric, "UNPIN returned %ld", rc);
				break;
			}
		}
		v[r] = (rdtsc() - t0) / TREES;
		if (rc)
			break;
	}
	if (!rc)
		metric_print(metric, v);
	release(t, n, metric);
}

static bool ptwr_fault;

/* One write of val to *p, false if it faulted. */
static inline bool ptwr_store(uint64_t *p, uint64_t val)
{
	unsigned long before = exc_count;

	asm volatile("1: mov %1, (%0); 2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : : "r"(p), "r"(val) : "memory");
	return exc_count == before;
}

static void bench_ptwr_write(void)
{
	static const char metric[] = "ptwr_write";
	uint64_t *l1 = pinned_l1(metric), v[PT_RUNS], val[2];
	unsigned int r, i;
	long rc;

	if (!l1)
		return;
	rc = HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (rc)
		printk("bench: vm_assist(writable_pagetables) returned %ld\n", rc);
	val[0] = pt_pte(data[0], false);
	val[1] = pt_pte(data[1], false);
	for (r = 0; r < PT_RUNS && !ptwr_fault; r++) {
		uint64_t t0 = rdtsc();

		for (i = 0; i < PTWR_WRITES; i++)
			if (!ptwr_store(&l1[i & 63], val[(i >> 6) & 1])) {
				ptwr_fault = true;
				break;
			}
		v[r] = (rdtsc() - t0) / PTWR_WRITES;
	}
	if (ptwr_fault)
		metric_missing(metric, "the write faulted: vector %u, error code %#lx",
			       last_exc.vector, last_exc.ec);
	else if (l1[0] == 0 || (l1[0] & PTE_MFN_MASK) != (val[1] & PTE_MFN_MASK))
		metric_missing(metric, "the L1 holds %#lx after the writes", l1[0]);
	else
		metric_print(metric, v);
	unpin_l1(l1, metric);
}

static void bench_page_tables(void)
{
	unsigned int i;

	for (i = 0; i < NDATA; i++) {
		data[i] = pt_alloc();
		if (!data[i]) {
			metric_missing("page tables", "the page pool is too small");
			return;
		}
	}
	bench_mmu_update_512();
	bench_pin_unpin_tree();
	bench_ptwr_write();
	for (i = 0; i < NDATA; i++)
		pt_free(data[i]);
}

/* ------------------------------------------------------------------ events */
#define EV_SENDS	301	/* evtchn_latency: sends, one sample each */
#define TIMER_SHOTS	51	/* timer_late_ns: timers, one sample each */
#define TIMER_DELTA_NS	1000000	/* each timer: now + 1 ms */

/*
 * The bench event callback: the TSC at its very first instruction goes to
 * bench_ev_tsc, then the framework's event callback runs as usual (it
 * acknowledges the pending ports and counts event_count).
 */
asm(".pushsection .text\n"
    ".p2align 4\n"
    ".globl bench_event_entry\n"
    "bench_event_entry:\n\t"
    "push %rax\n\t"
    "push %rdx\n\t"
    "rdtsc\n\t"
    "shl $32, %rdx\n\t"
    "or %rdx, %rax\n\t"
    "mov %rax, bench_ev_tsc(%rip)\n\t"
    "pop %rdx\n\t"
    "pop %rax\n\t"
    "jmp event_callback_entry\n"
    ".popsection");
extern char bench_event_entry[], event_callback_entry[];
volatile uint64_t bench_ev_tsc;

static long set_event_callback(char *entry)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_event,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)entry,
	};

	return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static bool port_bit(const volatile unsigned long *map, evtchn_port_t p)
{
	return (map[p / 64] >> (p % 64)) & 1;
}

/* Forget everything pending: pending bits, selector, upcall flag, ports seen. */
static void ev_quiesce(void)
{
	for (unsigned int w = 0; w < EVTCHN_WORDS; w++) {
		WRITE_ONCE(shared->evtchn_pending[w], 0);
		event_ports_seen[w] = 0;
	}
	WRITE_ONCE(vcpu0->evtchn_pending_sel, 0);
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
}

static void ev_close(evtchn_port_t p)
{
	struct evtchn_close c = { .port = p };

	HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

/* EVTCHNOP_send with evtchn_upcall_mask clear: a due upcall follows on the way back. */
static long send_unmasked(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };
	register unsigned long rdi asm("rdi") = EVTCHNOP_send;
	register unsigned long rsi asm("rsi") = (unsigned long)&s;
	long rax;

	asm volatile("movb $0, %[mask]\n\t"
		     "syscall\n\t"
		     "movb $1, %[mask]"
		     : "=a"(rax), [mask] "+m"(vcpu0->evtchn_upcall_mask), "+r"(rdi), "+r"(rsi)
		     : "a"((unsigned long)__HYPERVISOR_event_channel_op)
		     : "rcx", "rdx", "r8", "r10", "r11", "memory");
	return rax;
}

static void bench_evtchn_latency(void)
{
	static const char metric[] = "evtchn_latency";
	static uint64_t v[EV_SENDS];
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
	unsigned int i;
	long rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	if (rc) {
		metric_missing(metric, "alloc_unbound returned %ld", rc);
		return;
	}
	b.remote_port = a.port;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
	if (rc) {
		metric_missing(metric, "bind_interdomain(port %u) returned %ld", a.port, rc);
		ev_close(a.port);
		return;
	}
	/* Both ends unmasked; forget the pending bit bind_interdomain leaves. */
	__atomic_fetch_and(&shared->evtchn_mask[a.port / 64], ~(1UL << (a.port % 64)),
			   __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&shared->evtchn_mask[b.local_port / 64],
			   ~(1UL << (b.local_port % 64)), __ATOMIC_SEQ_CST);
	ev_quiesce();
	for (i = 0; i < EV_SENDS; i++) {
		unsigned long before = event_count;
		uint64_t t0;

		bench_ev_tsc = 0;
		t0 = rdtsc();
		rc = send_unmasked(a.port);
		if (rc) {
			metric_missing(metric, "send(port %u) returned %ld", a.port, rc);
			break;
		}
		if (event_count - before != 1 || !port_bit(event_ports_seen, b.local_port)) {
			metric_missing(metric, "send %u: %lu upcalls, port %u %s", i,
				       event_count - before, b.local_port,
				       port_bit(event_ports_seen, b.local_port) ? "seen" : "not seen");
			rc = -1;
			break;
		}
		v[i] = bench_ev_tsc - t0;
		ev_quiesce();
	}
	ev_quiesce();
	ev_close(b.local_port);
	ev_close(a.port);
	if (rc)
		return;
	sort(v, EV_SENDS);
	printk("bench: %s %lu\n", metric, v[EV_SENDS / 2]);
	if (!v[EV_SENDS / 2])
		xtf_error("%s: the measurement is zero", metric);
}

static void sort_s64(int64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Programs the single-shot timer for deadline (pvclock ns). */
static long singleshot(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = deadline };

	return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
}

static void bench_timer_late(void)
{
	static const char metric[] = "timer_late_ns";
	static int64_t v[TIMER_SHOTS];
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	evtchn_port_t port;
	struct sched_poll poll;
	unsigned int i;
	long rc;

	if (!vcpu0->time.tsc_to_system_mul || !vcpu0->time.version) {
		metric_missing(metric, "vcpu_info has no pvclock (mul %u, version %u)",
			       vcpu0->time.tsc_to_system_mul, vcpu0->time.version);
		return;
	}
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
	if (rc) {
		metric_missing(metric, "bind_virq(VIRQ_TIMER) returned %ld", rc);
		return;
	}
	port = bv.port;
	/* Only the single-shot timer may raise VIRQ_TIMER. */
	rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	if (rc) {
		metric_missing(metric, "stop_periodic_timer returned %ld", rc);
		goto out;
	}
	__atomic_fetch_and(&shared->evtchn_mask[port / 64], ~(1UL << (port % 64)),
			   __ATOMIC_SEQ_CST);
	ev_quiesce();

	/*
	 * One probe first, events masked: SCHEDOP_poll on the port with a 1 s timeout, so that
	 * a timer that never fires is reported rather than blocking forever.
	 */
	rc = singleshot(pvclock_tsc_to_ns(&vcpu0->time, rdtsc()) + TIMER_DELTA_NS);
	if (rc) {
		metric_missing(metric, "set_singleshot_timer returned %ld", rc);
		goto out;
	}
	poll = (struct sched_poll){ .nr_ports = 1, .timeout = pvclock_tsc_to_ns(&vcpu0->time, rdtsc()) + 1000000000UL };
	poll.ports = &port;
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
	if (rc || !port_bit(shared->evtchn_pending, port)) {
		metric_missing(metric, "no VIRQ_TIMER within 1 s of a 1 ms timer (poll returned %ld)",
			       rc);
		goto out;
	}
	ev_quiesce();

	for (i = 0; i < TIMER_SHOTS; i++) {
		uint64_t deadline = pvclock_tsc_to_ns(&vcpu0->time, rdtsc()) + TIMER_DELTA_NS;

		bench_ev_tsc = 0;
		rc = singleshot(deadline);
		if (rc) {
			metric_missing(metric, "set_singleshot_timer returned %ld", rc);
			goto out;
		}
		/* Block unmasks events; the upcall comes on the way back. */
		while (!port_bit(event_ports_seen, port))
			HYPERVISOR_sched_op(SCHEDOP_block, NULL);
		WRITE_ONCE(vcpu0->evtchn_upcall_mask, 1);
		v[i] = (int64_t)(pvclock_tsc_to_ns(&vcpu0->time, bench_ev_tsc) - deadline);
		ev_quiesce();
	}
	sort_s64(v, TIMER_SHOTS);
	if (v[TIMER_SHOTS / 2] < 0)
		metric_missing(metric, "the timer fired %ld ns early (median)",
			       -v[TIMER_SHOTS / 2]);
	else
		printk("bench: %s %ld\n", metric, v[TIMER_SHOTS / 2]);
out:
	WRITE_ONCE(vcpu0->evtchn_upcall_mask, 1);
	ev_quiesce();
	ev_close(port);
}

static void bench_events(void)
{
	long rc = set_event_callback(bench_event_entry);

	if (rc) {
		metric_missing("evtchn_latency", "callback_op(register event) returned %ld", rc);
		metric_missing("timer_late_ns", "callback_op(register event) returned %ld", rc);
		return;
	}
	bench_evtchn_latency();
	bench_timer_late();
	rc = set_event_callback(event_callback_entry);
	if (rc)
		xtf_error("cannot restore the event callback: %ld", rc);
}

void test_main(void)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)bench_syscall_entry,
	};
	uint64_t hc[RUNS], sc[RUNS];
	long rc;

	for (unsigned int r = 0; r < RUNS; r++)
		hc[r] = null_hypercall_run();

	user_setup();
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	if (rc) {
		xtf_error("cannot register the bench syscall callback: %ld", rc);
		return;
	}
	for (unsigned int r = 0; r < RUNS; r++)
		sc[r] = run_user(syscall_run, ITERS);

	sort(hc, RUNS);
	sort(sc, RUNS);
	printk("bench: null_hypercall %lu\n", hc[RUNS / 2]);
	printk("bench: syscall_bounce %lu\n", sc[RUNS / 2]);
	if (!hc[RUNS / 2] || !sc[RUNS / 2])
		xtf_error("a measurement is zero");

	bench_page_tables();
	bench_events();
}
