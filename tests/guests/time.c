/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time: the pvclock in vcpu_info (version protocol, sane scale, monotonic over many
 * reads and across hypercalls and reschedules, the extra copy of
 * VCPUOP_register_vcpu_time_memory_area), the wall clock in shared_info (a plausible
 * date), and the vCPU timers delivering VIRQ_TIMER: the single-shot timer at its
 * deadline (how late it fired is printed; only a generous bound is asserted, TCG is
 * slow), past deadlines at once (with and without VCPU_SSHOTTMR_future, which Xen 4.17.3
 * and later ignore), stop and re-arm, the periodic timer (events at roughly the period,
 * stopped by stop_periodic, and not running while the vCPU is blocked), set_timer_op
 * (deadline, past, 0 = stop, a huge deadline = 100 ms), a blocked vCPU woken by its
 * timer with the runstate area showing the blocked time, and hostile arguments.
 *
 * Events are watched with the upcall masked: the test polls the timer port's pending bit
 * in shared_info and clears it itself.
 *
 * A broken hypervisor shows a clock going backwards or a zero scale, a wall clock in
 * 1970, timers that never fire or fire early, a periodic timer that never stops, or
 * wrong error codes.
 */
#include "test.h"

const char test_title[] = "time";

#define MS 1000000ULL
#define LATE_BOUND (100 * MS) /* generous: TCG and the scheduler add latency */
#define Y2020 1577836800ULL
#define Y2100 4102444800ULL
#define HOLE 0xffff830000000000UL

static evtchn_port_t port;
static struct vcpu_time_info time_copy __aligned(64);
static struct vcpu_runstate_info runstate __aligned(64);
static uint64_t max_late;

static inline uint64_t rdtsc_ordered(void)
{
	asm volatile("lfence" ::: "memory");
	return rdtsc();
}

/* One pvclock reading from t, as Linux's pvclock_clocksource_read(); *ver: version used. */
static uint64_t pvclock_read(const volatile vcpu_time_info_t *t, uint32_t *ver_out)
{
	uint32_t ver;
	uint64_t d, ns;

	do {
		ver = t->version;
		barrier();
		d = rdtsc_ordered() - t->tsc_timestamp;
		if (t->tsc_shift >= 0)
			d <<= t->tsc_shift;
		else
			d >>= -t->tsc_shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
		barrier();
	} while ((ver & 1) || ver != t->version);
	if (ver_out)
		*ver_out = ver;
	return ns;
}

static uint64_t now(void)
{
	return pvclock_read(&vcpu0->time, NULL);
}

static void spin_until(uint64_t t)
{
	while (now() < t)
		;
}

/* The timer port's pending bit: take (clear) it if set. */
static bool take_event(void)
{
	volatile unsigned long *w = &shared->evtchn_pending[port / 64];
	unsigned long bit = 1UL << (port % 64);

	if (!(*w & bit))
		return false;
	__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
	__atomic_store_n(&vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	return true;
}

/* Spin until the timer event or 'until': the time it was seen, 0 if it did not come. */
static uint64_t wait_event(uint64_t until)
{
	for (;;) {
		uint64_t t = now();

		if (take_event())
			return now();
		if (t >= until)
			return 0;
	}
}

static void drain(uint64_t ns)
{
	uint64_t end = now() + ns;

	while (now() < end)
		take_event();
}

static long singleshot(uint64_t deadline, uint32_t flags)
{
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = deadline, .flags = flags };

	return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
}

static long periodic(uint64_t period)
{
	struct vcpu_set_periodic_timer pt = { .period_ns = period };

	return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
}

/* An event must come at deadline (not before it) and no later than the bound. */
static void expect_at(const char *what, uint64_t deadline, uint64_t seen)
{
	if (!seen) {
		xtf_failure("%s: no event within %llu ms of the deadline", what,
			    (unsigned long long)(LATE_BOUND / MS));
		return;
	}
	/* a few µs of slack: the guest clock may trail the hypervisor's by rounding */
	check(seen + 10000 >= deadline, "%s: fired %llu ns before its deadline", what,
	      (unsigned long long)(deadline - seen));
	if (seen > deadline) {
		printk("%s: fired %llu us late\n", what,
		       (unsigned long long)((seen - deadline) / 1000));
		if (seen - deadline > max_late)
			max_late = seen - deadline;
	}
}

/* ------------------------------------------------------------------ pvclock */

static void test_pvclock(void)
{
	const volatile vcpu_time_info_t *t = &vcpu0->time;
	uint64_t khz, prev, cur, tsc, ns0, ns1, tsc0, tsc1;
	uint32_t ver, v0 = 0, versions = 0;
	unsigned int i;

	check(t->tsc_to_system_mul != 0, "tsc_to_system_mul is 0");
	check(!(t->version & 1), "version %u is odd", t->version);
	check(!(t->flags & ~3u), "unknown pvclock flags %#x", t->flags);
	check(t->tsc_shift >= -31 && t->tsc_shift <= 31, "tsc_shift %d", t->tsc_shift);
	/* The TSC rate the scale implies, as Linux's xen_tsc_khz() derives it. */
	khz = (1000000ULL << 32) / t->tsc_to_system_mul;
	khz = t->tsc_shift < 0 ? khz << -t->tsc_shift : khz >> t->tsc_shift;
	printk("pvclock: mul %#x shift %d flags %#x (TSC_STABLE %s), TSC %llu kHz\n",
	       t->tsc_to_system_mul, t->tsc_shift, t->flags, t->flags & 1 ? "set" : "clear",
	       (unsigned long long)khz);
	check(khz >= 100000 && khz <= 20000000, "implied TSC rate %llu kHz",
	      (unsigned long long)khz);
	tsc = rdtsc_ordered();
	check(t->tsc_timestamp <= tsc, "tsc_timestamp %#llx is ahead of the TSC %#llx",
	      (unsigned long long)t->tsc_timestamp, (unsigned long long)tsc);
	check(t->system_time > 0 && t->system_time < 3600ULL * 1000 * MS,
	      "system_time %llu ns since boot", (unsigned long long)t->system_time);

	/*
	 * Many reads over 1.5 s (the snapshot is refreshed about once a second), hypercalls
	 * and yields among them: never backwards.
	 */
	prev = pvclock_read(t, &v0);
	ns0 = prev;
	for (i = 0; i < 200000 || prev < ns0 + 1500 * MS; i++) {
		cur = pvclock_read(t, &ver);
		if (cur < prev) {
			xtf_failure("pvclock went back %llu ns at read %u (version %u)",
				    (unsigned long long)(prev - cur), i, ver);
			break;
		}
		if (ver != v0) {
			versions++;
			v0 = ver;
		}
		prev = cur;
		if (i % 5000 == 0)
			HYPERVISOR_xen_version(XENVER_version, NULL);
		if (i % 50000 == 0)
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	printk("pvclock: %u reads over %llu ms monotonic, %u snapshot updates seen\n", i,
	       (unsigned long long)((prev - ns0) / MS), versions);
	check(versions >= 1, "the pvclock snapshot was not refreshed in %llu ms",
	      (unsigned long long)((prev - ns0) / MS));

	/* System time advances with the TSC at the advertised rate, to within rounding. */
	tsc0 = rdtsc_ordered();
	ns0 = now();
	spin_until(ns0 + 20 * MS);
	tsc1 = rdtsc_ordered();
	ns1 = now();
	{
		uint64_t want = (tsc1 - tsc0) * 1000 / khz * 1000; /* no 128-bit division */
		uint64_t got = ns1 - ns0, diff = got > want ? got - want : want - got;

		check(diff <= want / 100 + 100000, "%llu ns of system time over %llu TSC ticks",
		      (unsigned long long)got, (unsigned long long)(tsc1 - tsc0));
	}
}

static void test_time_area(void)
{
	struct vcpu_register_time_memory_area area = { .addr.p = (unsigned long)&time_copy };
	uint64_t a, b;

	memset(&time_copy, 0, sizeof(time_copy));
	check_rc("register_vcpu_time_memory_area",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), 0);
	check(time_copy.tsc_to_system_mul == vcpu0->time.tsc_to_system_mul &&
	      time_copy.tsc_shift == vcpu0->time.tsc_shift && !(time_copy.version & 1) &&
	      time_copy.version,
	      "time area: version %u mul %#x shift %d, vcpu_info has mul %#x shift %d",
	      time_copy.version, time_copy.tsc_to_system_mul, time_copy.tsc_shift,
	      vcpu0->time.tsc_to_system_mul, vcpu0->time.tsc_shift);
	a = now();
	b = pvclock_read(&time_copy, NULL);
	check(b + 1000000 >= a && b <= now() + 1000, "time area reads %llu, vcpu_info %llu",
	      (unsigned long long)b, (unsigned long long)a);

	check_rc("register_vcpu_time_memory_area(bad arg)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, 0x1000),
		 -XEN_EFAULT);
	area.addr.p = HOLE;
	check_rc("register_vcpu_time_memory_area(hole)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), -XEN_EFAULT);
	area.addr.p = 0;
	check_rc("register_vcpu_time_memory_area(NULL)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), 0);
	check_rc("register_vcpu_time_memory_area(vcpu 1)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 1, &area),
		 -XEN_ENOENT);
}

/* ------------------------------------------------------------------ wall clock */

static void test_wallclock(void)
{
	uint32_t ver, sec, nsec, hi;
	uint64_t wall;

	do {
		ver = READ_ONCE(shared->wc_version);
		barrier();
		sec = shared->wc_sec;
		nsec = shared->wc_nsec;
		hi = shared->wc_sec_hi;
		barrier();
	} while ((ver & 1) || ver != READ_ONCE(shared->wc_version));
	wall = ((uint64_t)hi << 32 | sec) + (nsec + now()) / 1000000000ULL;
	printk("wallclock: version %u, %u.%09u (hi %u) at system time 0; now %llu s since 1970\n",
	       ver, sec, nsec, hi, (unsigned long long)wall);
	check(nsec < 1000000000U, "wc_nsec %u", nsec);
	check(wall >= Y2020 && wall < Y2100, "wall clock %llu s is not between 2020 and 2100",
	      (unsigned long long)wall);
}

/* ------------------------------------------------------------------ timers */

static void bind_timer(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);

	check_rc("EVTCHNOP_bind_virq(VIRQ_TIMER)", rc, 0);
	port = bv.port;
	vcpu0->evtchn_upcall_mask = 1;
	__atomic_fetch_and(&shared->evtchn_mask[port / 64], ~(1UL << (port % 64)),
			   __ATOMIC_SEQ_CST);
	/* Xen gives every PV vCPU a 10 ms periodic timer: stop it first, as Linux does. */
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		 0);
	drain(20 * MS);
}

static void test_singleshot(void)
{
	static const uint64_t offsets[] = { 1 * MS, 5 * MS, 20 * MS, 50 * MS };
	uint64_t d, seen;
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
		char what[48];

		d = now() + offsets[i];
		check_rc("set_singleshot_timer", singleshot(d, 0), 0);
		snprintf(what, sizeof(what), "singleshot +%llu ms",
			 (unsigned long long)(offsets[i] / MS));
		expect_at(what, d, wait_event(d + LATE_BOUND));
	}

	/* Past deadlines fire at once: the event is pending when the call returns. */
	check_rc("set_singleshot_timer(past)", singleshot(now() - MS, 0), 0);
	check(take_event(), "a past singleshot deadline did not fire at once");
	check_rc("set_singleshot_timer(0)", singleshot(0, 0), 0);
	check(take_event(), "singleshot deadline 0 did not fire at once");
	/* Xen 4.17.3 and later ignore VCPU_SSHOTTMR_future (it used to give -ETIME). */
	rc = singleshot(now() - MS, VCPU_SSHOTTMR_future);
	check_rc("set_singleshot_timer(past, VCPU_SSHOTTMR_future)", rc, 0);
	check(take_event(), "past deadline with VCPU_SSHOTTMR_future did not fire at once");
	d = now() + 5 * MS;
	check_rc("set_singleshot_timer(future, VCPU_SSHOTTMR_future)",
		 singleshot(d, VCPU_SSHOTTMR_future), 0);
	expect_at("singleshot +5 ms (future flag)", d, wait_event(d + LATE_BOUND));

	/* Stopped: nothing comes. */
	check_rc("set_singleshot_timer", singleshot(now() + 5 * MS, 0), 0);
	check_rc("stop_singleshot_timer",
		 HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
	seen = wait_event(now() + 30 * MS);
	check(!seen, "a stopped singleshot timer fired");

	/* Re-arming replaces the deadline: one event, at the new one. */
	check_rc("set_singleshot_timer(+40 ms)", singleshot(now() + 40 * MS, 0), 0);
	d = now() + 5 * MS;
	check_rc("set_singleshot_timer(+5 ms)", singleshot(d, 0), 0);
	expect_at("re-armed singleshot", d, wait_event(d + LATE_BOUND));
	check(!wait_event(now() + 60 * MS), "the replaced singleshot deadline fired too");
}

static void test_periodic(void)
{
	const uint64_t period = 10 * MS, window = 200 * MS;
	uint64_t start, end, first = 0, last = 0;
	unsigned int n = 0;

	check_rc("set_periodic_timer(10 ms)", periodic(period), 0);
	start = now();
	end = start + window;
	while (now() < end) {
		if (take_event()) {
			last = now();
			if (!n++)
				first = last;
		}
	}
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		 0);
	printk("periodic 10 ms: %u events in %llu ms, mean interval %llu us\n", n,
	       (unsigned long long)(window / MS),
	       n > 1 ? (unsigned long long)((last - first) / (n - 1) / 1000) : 0ULL);
	/* About 20 (plus one at once on Xen when a period has passed); TCG may drop a few. */
	check(n >= 8 && n <= 25, "periodic timer: %u events in %llu ms", n,
	      (unsigned long long)(window / MS));
	if (n > 2)
		check((last - first) / (n - 1) >= period / 2 &&
		      (last - first) / (n - 1) <= 3 * period,
		      "periodic timer: mean interval %llu us for a 10 ms period",
		      (unsigned long long)((last - first) / (n - 1) / 1000));
	drain(2 * MS);
	check(!wait_event(now() + 50 * MS), "events after stop_periodic_timer");

	/* The period's bounds: 1 ms to 2^62 - 1 ns. */
	check_rc("set_periodic_timer(999999)", periodic(999999), -XEN_EINVAL);
	check_rc("set_periodic_timer(0)", periodic(0), -XEN_EINVAL);
	check_rc("set_periodic_timer(2^62)", periodic(1ULL << 62), -XEN_EINVAL);
	check_rc("set_periodic_timer(~0)", periodic(~0ULL), -XEN_EINVAL);
	check_rc("set_periodic_timer(2^62 - 1)", periodic((1ULL << 62) - 1), 0);
	check_rc("set_periodic_timer(1 ms)", periodic(MS), 0);
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		 0);
	drain(5 * MS);
	check(!wait_event(now() + 20 * MS), "events after stop_periodic_timer (1 ms)");
}

/*
 * The periodic timer runs only while the vCPU is on a CPU: a vCPU polling with a 60 ms
 * timeout is not woken by a 5 ms period, and gets the overdue event when it runs again.
 */
static void test_periodic_blocked(void)
{
	evtchn_port_t ports[1] = { port };
	struct sched_poll p = { .ports = ports, .nr_ports = 1 };
	uint64_t t0, t1;

	check_rc("set_periodic_timer(5 ms)", periodic(5 * MS), 0);
	drain(7 * MS);
	t0 = now();
	p.timeout = t0 + 60 * MS;
	check_rc("SCHEDOP_poll(timer port, 60 ms)", HYPERVISOR_sched_op(SCHEDOP_poll, &p), 0);
	t1 = now();
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		 0);
	printk("poll with a 5 ms periodic timer: woke after %llu us\n",
	       (unsigned long long)((t1 - t0) / 1000));
	check(t1 - t0 >= 40 * MS, "the periodic timer woke a polling vCPU after %llu us",
	      (unsigned long long)((t1 - t0) / 1000));
	check(take_event(), "no overdue periodic event after the poll");
	drain(10 * MS);
}

static void test_set_timer_op(void)
{
	uint64_t d, seen;

	d = now() + 10 * MS;
	check_rc("set_timer_op(+10 ms)", HYPERVISOR_set_timer_op(d), 0);
	expect_at("set_timer_op +10 ms", d, wait_event(d + LATE_BOUND));

	check_rc("set_timer_op(past)", HYPERVISOR_set_timer_op(now() - MS), 0);
	seen = wait_event(now() + 5 * MS);
	check(seen, "a past set_timer_op deadline did not fire at once");

	check_rc("set_timer_op(+10 ms)", HYPERVISOR_set_timer_op(now() + 10 * MS), 0);
	check_rc("set_timer_op(0)", HYPERVISOR_set_timer_op(0), 0);
	check(!wait_event(now() + 30 * MS), "set_timer_op(0) did not stop the timer");

	/* A deadline more than 2^50 ns away (or negative) means "in 100 ms". */
	d = now();
	check_rc("set_timer_op(huge)", HYPERVISOR_set_timer_op(d + (1ULL << 51)), 0);
	seen = wait_event(d + 100 * MS + LATE_BOUND);
	check(seen && seen >= d + 90 * MS, "huge set_timer_op deadline: event after %lld us",
	      seen ? (long long)(seen - d) / 1000 : -1LL);
	if (seen)
		printk("set_timer_op(huge): fired after %llu us\n",
		       (unsigned long long)((seen - d) / 1000));
	d = now();
	check_rc("set_timer_op(negative)", HYPERVISOR_set_timer_op(1ULL << 63), 0);
	seen = wait_event(d + 100 * MS + LATE_BOUND);
	check(seen && seen >= d + 90 * MS, "negative set_timer_op deadline: event after %lld us",
	      seen ? (long long)(seen - d) / 1000 : -1LL);
	/* The singleshot ops and set_timer_op drive the same timer. */
	check_rc("set_timer_op(+10 ms)", HYPERVISOR_set_timer_op(now() + 10 * MS), 0);
	check_rc("stop_singleshot_timer",
		 HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
	check(!wait_event(now() + 30 * MS), "stop_singleshot_timer did not stop set_timer_op");
}

/* SCHEDOP_block until the singleshot timer: woken at the deadline, blocked time seen. */
static void test_block(void)
{
	struct vcpu_register_runstate_memory_area area = { .addr.p = (unsigned long)&runstate };
	uint64_t blocked0, d, t1;

	check_rc("vm_assist(runstate_update_flag)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
	check_rc("register_runstate_memory_area",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
	blocked0 = runstate.time[RUNSTATE_blocked];
	d = now() + 30 * MS;
	check_rc("set_singleshot_timer(+30 ms)", singleshot(d, 0), 0);
	/* Block unmasks events; the framework's callback runs when the timer fires. */
	check_rc("SCHEDOP_block", HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
	t1 = now();
	vcpu0->evtchn_upcall_mask = 1;
	take_event();
	expect_at("block until singleshot", d, t1 > d ? t1 : d);
	check(t1 + 10000 >= d, "SCHEDOP_block returned %llu us before the deadline",
	      (unsigned long long)((d - t1) / 1000));
	check(t1 < d + LATE_BOUND, "SCHEDOP_block returned %llu us after the deadline",
	      (unsigned long long)((t1 - d) / 1000));
	printk("runstate area: state %d, blocked %llu -> %llu ns, entry %#llx\n", runstate.state,
	       (unsigned long long)blocked0, (unsigned long long)runstate.time[RUNSTATE_blocked],
	       (unsigned long long)runstate.state_entry_time);
	check(runstate.state == RUNSTATE_running, "runstate area state %d after the block",
	      runstate.state);
	check(!(runstate.state_entry_time & XEN_RUNSTATE_UPDATE),
	      "XEN_RUNSTATE_UPDATE left set in state_entry_time");
	check(runstate.time[RUNSTATE_blocked] >= blocked0 + 10 * MS,
	      "runstate area: blocked time grew by %llu ns over a 30 ms block",
	      (unsigned long long)(runstate.time[RUNSTATE_blocked] - blocked0));
	area.addr.p = 0;
	HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
}

static void test_hostile(void)
{
	static const unsigned long bad_ids[] = { 1, 31, 32, 0x7fffffff, 0xffffffff };
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = now() + 10 * MS };
	struct vcpu_set_periodic_timer pt = { .period_ns = 10 * MS };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		unsigned long id = bad_ids[i];
		long rc[4];

		rc[0] = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, id, &ss);
		rc[1] = HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, id, NULL);
		rc[2] = HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, id, &pt);
		rc[3] = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, id, NULL);
		for (unsigned int k = 0; k < 4; k++)
			if (rc[k] != -XEN_ENOENT)
				xtf_failure("timer op %u on vCPU %#lx: %ld, expected -ENOENT", k, id,
					    rc[k]);
	}
	/* The id is 32 bits wide: 1 << 32 is vCPU 0. */
	check_rc("stop_singleshot_timer(vcpu 1 << 32)",
		 HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1UL << 32, NULL), 0);

	check_rc("set_singleshot_timer(NULL)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, NULL), -XEN_EFAULT);
	check_rc("set_singleshot_timer(0x1000)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, 0x1000), -XEN_EFAULT);
	check_rc("set_singleshot_timer(hole)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, HOLE), -XEN_EFAULT);
	check_rc("set_singleshot_timer(non-canonical)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, 0x0000800000000000UL),
		 -XEN_EFAULT);
	check_rc("set_periodic_timer(NULL)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, NULL), -XEN_EFAULT);
	check_rc("set_periodic_timer(hole)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, HOLE), -XEN_EFAULT);
	/* Nothing was armed by the refused calls. */
	check(!wait_event(now() + 20 * MS), "a refused timer call armed a timer");
}

void test_main(void)
{
	test_pvclock();
	test_time_area();
	test_wallclock();
	bind_timer();
	test_singleshot();
	test_periodic();
	test_periodic_blocked();
	test_set_timer_op();
	test_block();
	test_hostile();
	printk("timers: latest event %llu us after its deadline\n",
	       (unsigned long long)(max_late / 1000));
}
