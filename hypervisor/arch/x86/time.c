/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time: TSC calibration (against the ACPI PM timer, or the PIT when there is none),
 * system time in nanoseconds since boot from the TSC, the per-CPU timer queues behind
 * set_timer(), each driving its CPU's one-shot APIC timer, and the guests' pvclocks.
 *
 * A guest's pvclock (vcpu_time_info) describes the very function now_ns() computes: the
 * same TSC origin and scale, so a guest extrapolating from any snapshot reads at most a
 * few ns behind now_ns() and never goes back when a newer snapshot replaces an older one
 * (floor(a + b) >= floor(a) + floor(b)). It is rewritten when a vCPU is loaded on a CPU,
 * and once a second on the next return to the guest (refresh_due, set by a per-CPU timer),
 * which bounds how far a guest extrapolates.
 */
#include <kestrel/arch.h>
#include <kestrel/domain.h>
#include <kestrel/guest_access.h>
#include <kestrel/kernel.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/wallclock.h>
#include <asm/x86.h>
#include <public/xen.h>
#include "arch-x86.h"

#define PM_TIMER_HZ 3579545ULL
#define PIT_HZ 1193182ULL
#define CALIBRATE_MS 50
#define PVCLOCK_REFRESH_NS NSEC_PER_SEC

/* Per CPU, touched only by that CPU: its pvclock refresh timer and flag. */
static struct timer refresh_timer[NR_CPUS];
static bool refresh_due[NR_CPUS];

/* Set by time_init() on the boot CPU, read-only afterwards. */
u64 tsc_hz;
static u64 tsc_at_boot;
static struct time_scale tsc_to_ns, ns_to_tsc, pm_to_ns;

/* PM timer accumulator: boot CPU only (calibration and self-test). */
static u32 pm_last;
static u64 pm_ticks;

static u32 pm_read(void)
{
	return inl(acpi_info.pm_timer_port) & (acpi_info.pm_timer_32bit ? 0xffffffffU : 0xffffffU);
}

/* Monotonic PM-timer time; must be called at least once per wrap (4.7 s for 24 bits). */
u64 pm_timer_ns(void)
{
	u32 now = pm_read();
	u32 mask = acpi_info.pm_timer_32bit ? 0xffffffffU : 0xffffffU;

	pm_ticks += (now - pm_last) & mask;
	pm_last = now;
	return scale_delta(pm_ticks, &pm_to_ns);
}

static u64 calibrate_with_pm_timer(void)
{
	u64 t0, t1, start;

	time_scale_set(&pm_to_ns, PM_TIMER_HZ, NSEC_PER_SEC);
	pm_last = pm_read();
	start = pm_timer_ns();
	t0 = rdtsc_ordered();
	while (pm_timer_ns() - start < CALIBRATE_MS * NSEC_PER_MSEC)
		cpu_relax();
	t1 = rdtsc_ordered();
	return (t1 - t0) * NSEC_PER_SEC / (pm_timer_ns() - start);
}

static u64 calibrate_with_pit(void)
{
	u32 count = PIT_HZ * CALIBRATE_MS / 1000;
	u64 t0, t1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate channel 2 on, speaker off */
	outb(0x43, 0xb0);                        /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc_ordered();
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	t1 = rdtsc_ordered();
	return (t1 - t0) * PIT_HZ / count;
}

u64 now_ns(void)
{
	return scale_delta(rdtsc() - tsc_at_boot, &tsc_to_ns);
}

static u64 ns_to_tsc_abs(u64 ns)
{
	return tsc_at_boot + scale_delta(ns, &ns_to_tsc);
}

void udelay(u64 us)
{
	u64 t0 = rdtsc();

	while (rdtsc() - t0 < us * tsc_hz / 1000000)
		cpu_relax();
}

static void timer_reprogram(struct percpu *pc)
{
	u64 next = timer_queue_next(&pc->timers);

	pc->timer_programmed = next;
	apic_timer_program(next == TIMER_NONE ? 0 : ns_to_tsc_abs(next));
}

static void timer_interrupt(struct cpu_regs *regs)
{
	struct percpu *pc = this_cpu();

	pc->timer_irqs++;
	apic_eoi();
	timer_queue_run(&pc->timers, now_ns());
	timer_reprogram(pc);
}

/*
 * set_timer - arm t on the calling CPU's queue to fire at system time 'expires' (ns).
 * A timer stays on the CPU that armed it; stop_timer() must run on that CPU too.
 */
void set_timer(struct timer *t, u64 expires)
{
	unsigned long flags = irq_save();
	struct percpu *pc = this_cpu();

	if (timer_queue_add(&pc->timers, t, expires))
		timer_reprogram(pc);
	irq_restore(flags);
}

void stop_timer(struct timer *t)
{
	unsigned long flags = irq_save();

	timer_stop_any(t);
	irq_restore(flags);
	/* The hardware may still fire for the old deadline; the interrupt re-arms. */
}

/**
 * time_init - calibrate the TSC and start system time. Boot CPU, interrupts off.
 */
void time_init(void)
{
	const char *how = acpi_info.pm_timer_port ? "ACPI PM timer" : "PIT";

	tsc_hz = acpi_info.pm_timer_port ? calibrate_with_pm_timer() : calibrate_with_pit();
	if (tsc_hz < 1000000)
		panic("time: TSC calibration gave %llu Hz", (unsigned long long)tsc_hz);
	tsc_at_boot = rdtsc();
	time_scale_set(&tsc_to_ns, tsc_hz, NSEC_PER_SEC);
	time_scale_set(&ns_to_tsc, NSEC_PER_SEC, tsc_hz);
	printk_set_clock(now_ns);
	printk("time: TSC runs at %llu.%03llu MHz (calibrated against the %s)%s\n",
	       (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
	       how, cpu_has_invariant_tsc ? ", invariant" : "");
	set_irq_handler(VECTOR_TIMER, timer_interrupt);
	apic_calibrate_timer();
	wallclock_init();
}

static void refresh_fired(struct timer *t, void *data)
{
	refresh_due[this_cpu()->id] = true;
	set_timer(t, now_ns() + PVCLOCK_REFRESH_NS);
}

/* Per-CPU part: the timer queue and this CPU's APIC timer. */
void time_init_cpu(void)
{
	struct percpu *pc = this_cpu();

	timer_queue_init(&pc->timers);
	pc->timer_programmed = TIMER_NONE;
	apic_timer_setup();
	if (pc->id < NR_CPUS) {
		timer_init(&refresh_timer[pc->id], refresh_fired, NULL);
		set_timer(&refresh_timer[pc->id], now_ns() + PVCLOCK_REFRESH_NS);
	}
}

/* The self-test's periodic timer: re-arms itself at absolute multiples of its period. */
struct tick_state {
	struct timer t;
	u64 period, next;
	volatile unsigned int count, want;
};

static void tick_fn(struct timer *t, void *data)
{
	struct tick_state *s = data;

	if (++s->count < s->want) {
		s->next += s->period;
		set_timer(t, s->next);
	}
}

/**
 * timer_selftest - prove the one-shot timer fires at the calibrated rate: run a 10 ms
 * periodic timer for 50 ticks with the CPU halted in between, and compare the time taken
 * with an independent clock (the ACPI PM timer). Prints one line ending "rate ok" or
 * "RATE WRONG".
 */
void timer_selftest(void)
{
	struct tick_state s = { .period = 10 * NSEC_PER_MSEC, .want = 50 };
	u64 pm0 = 0, pm1 = 0, ns0, ns1, expect = s.period * s.want;
	u64 irqs0 = this_cpu()->timer_irqs;

	timer_init(&s.t, tick_fn, &s);
	if (acpi_info.pm_timer_port)
		pm0 = pm_timer_ns();
	ns0 = now_ns();
	s.next = ns0 + s.period;
	set_timer(&s.t, s.next);
	while (s.count < s.want) {
		safe_halt();
		if (acpi_info.pm_timer_port)
			pm1 = pm_timer_ns(); /* keeps the PM accumulator ahead of wraps */
	}
	irq_disable();
	ns1 = now_ns();
	if (!acpi_info.pm_timer_port) {
		printk("timer: %u ticks of %llu ms in %llu ms by the TSC (%llu interrupts); no "
		       "independent clock to compare\n",
		       s.want, (unsigned long long)(s.period / NSEC_PER_MSEC),
		       (unsigned long long)((ns1 - ns0) / NSEC_PER_MSEC),
		       (unsigned long long)(this_cpu()->timer_irqs - irqs0));
		return;
	}
	u64 pm = pm1 - pm0;
	u64 diff = pm > expect ? pm - expect : expect - pm;
	/* generous: TCG adds interrupt latency; a miscalibration is off by far more */
	bool ok = diff * 100 <= expect * 5;

	printk("timer: %u ticks of %llu ms took %llu.%03llu ms by the ACPI PM timer, %llu.%03llu "
	       "ms by the TSC (%llu interrupts): rate %s\n",
	       s.want, (unsigned long long)(s.period / NSEC_PER_MSEC),
	       (unsigned long long)(pm / NSEC_PER_MSEC),
	       (unsigned long long)(pm % NSEC_PER_MSEC / 1000),
	       (unsigned long long)((ns1 - ns0) / NSEC_PER_MSEC),
	       (unsigned long long)((ns1 - ns0) % NSEC_PER_MSEC / 1000),
	       (unsigned long long)(this_cpu()->timer_irqs - irqs0), ok ? "ok" : "WRONG");
}

/*
 * Fill a guest's vcpu_time_info (pvclock): the version is odd while the fields change,
 * so a guest reading concurrently retries.
 */
void time_fill_vcpu_time(struct vcpu_time_info *t)
{
	u64 tsc = rdtsc();

	t->version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = scale_delta(tsc - tsc_at_boot, &tsc_to_ns);
	t->tsc_to_system_mul = tsc_to_ns.mul;
	t->tsc_shift = tsc_to_ns.shift;
	t->flags = cpu_has_invariant_tsc ? 1 : 0; /* XEN_PVCLOCK_TSC_STABLE_BIT */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->version++;
}

/* The extra copy a guest registered: version odd, the fields, version even (as Xen). */
static void update_time_area(u64 va, const struct vcpu_time_info *t)
{
	struct vcpu_time_info c = *t;

	c.version = t->version | 1;
	if (copy_to_guest(va, &c.version, sizeof(c.version)))
		return; /* not mapped now (user mode, say): the next refresh tries again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	copy_to_guest(va, &c, sizeof(c));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	c.version = (t->version | 1) + 1;
	copy_to_guest(va, &c.version, sizeof(c.version));
}

void arch_update_vcpu_time(struct vcpu *v)
{
	if (this_cpu()->curr != v || !v->arch.vcpu_info)
		return;
	time_fill_vcpu_time(&v->arch.vcpu_info->time);
	if (v->time_area)
		update_time_area(v->time_area, &v->arch.vcpu_info->time);
}

/* On every return to v: the once-a-second pvclock refresh, when it is due. */
void time_exit_to_guest(struct vcpu *v)
{
	unsigned int cpu = this_cpu()->id;

	if (cpu < NR_CPUS && refresh_due[cpu]) {
		refresh_due[cpu] = false;
		arch_update_vcpu_time(v);
	}
}
