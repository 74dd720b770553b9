/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bringing up the application processors (INIT-SIPI-SIPI through the real-mode
 * trampoline), the per-CPU areas, and the CPU-wide hooks common code uses: halting,
 * idling, the testmode exit.
 */
#include <kestrel/arch.h>
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <asm/x86.h>
#include "arch-x86.h"
#include "pv/pv.h"

#define AP_START_TIMEOUT_US 1000000

/* percpu_table[] entries are written by the boot CPU before the CPU starts. */
struct percpu *percpu_table[NR_CPUS];
struct percpu bsp_percpu;
unsigned int nr_cpus_online; /* atomic increments by each CPU as it comes up */
static unsigned int nr_cpus_started_timer; /* atomic: APs whose first timer fired */

/* Hand-off to the AP being started: written by the boot CPU, read by the AP. */
volatile u64 ap_boot_stack;
volatile u32 ap_boot_cpu;

unsigned int arch_cpu_id(void)
{
	return this_cpu()->id;
}

unsigned int arch_nr_cpus(void)
{
	return __atomic_load_n(&nr_cpus_online, __ATOMIC_ACQUIRE);
}

unsigned long arch_irq_save(void)
{
	return irq_save();
}

void arch_irq_restore(unsigned long flags)
{
	irq_restore(flags);
}

void arch_irq_enable(void)
{
	irq_enable();
}

void __noreturn arch_halt(void)
{
	for (;;) {
		irq_disable();
		halt();
	}
}

void arch_idle(void)
{
	safe_halt();
}

void __noreturn arch_test_exit(int code)
{
	/* QEMU 10 only requests the exit; a later write would replace the code. Stop here. */
	outb(DEBUG_EXIT_PORT, (u8)code);
	arch_halt();
}

unsigned int arch_halt_others(void)
{
	unsigned int others, halted;
	u64 t0;

	if (arch_nr_cpus() <= 1)
		return 0;
	apic_send_nmi_allbutself();
	t0 = rdtsc();
	do {
		others = halted = 0;
		for (unsigned int i = 0; i < NR_CPUS; i++) {
			struct percpu *pc = percpu_table[i];

			if (!pc || pc == this_cpu() || !pc->online)
				continue;
			others++;
			halted += pc->in_panic_halt;
		}
	} while (halted < others && rdtsc() - t0 < tsc_hz / 10);
	return halted;
}

static void setup_stacks(struct percpu *pc)
{
	u64 ist[4] = { 0 };

	pc->stack_top = alloc_cpu_stacks(pc->id, ist);
	for (unsigned int i = 1; i <= 3; i++)
		pc->tss.ist[i] = ist[i];
}

/**
 * smp_init_bsp - make the boot CPU CPU 0: per-CPU area, guarded stacks, descriptor
 * tables. Returns the top of its new stack; the caller switches to it.
 */
unsigned long smp_init_bsp(void)
{
	struct percpu *pc = &bsp_percpu;

	pc->id = 0;
	pc->apic_id = 0; /* corrected once the APIC is up */
	percpu_table[0] = pc;
	setup_stacks(pc);
	cpu_init(pc);
	pc->online = true;
	nr_cpus_online = 1;
	return pc->stack_top;
}

static void ap_first_tick(struct timer *t, void *data)
{
	__atomic_fetch_add(&nr_cpus_started_timer, 1, __ATOMIC_RELEASE);
}

/* C entry of an application processor, on its own stack and the final page tables. */
void __noreturn ap_start_c(unsigned int cpu)
{
	struct percpu *pc = percpu_table[cpu];
	struct timer first_tick;

	cpu_init(pc);
	apic_init_ap();
	time_init_cpu();
	pc->online = true;
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	timer_init(&first_tick, ap_first_tick, NULL);
	set_timer(&first_tick, now_ns() + NSEC_PER_MSEC);
	/* The scheduler's idle loop: sleep until there is a vCPU to run. */
	pv_enter_scheduler();
}

static void prepare_trampoline(void)
{
	size_t len = trampoline_end - trampoline_start;
	u8 *dst = maddr_to_virt(TRAMPOLINE_PHYS);

	memcpy(dst, trampoline_start, len);
	*(u32 *)(dst + ((char *)&tr_cr3 - trampoline_start)) = (u32)virt_to_maddr(boot_l4);
	*(u32 *)(dst + ((char *)&tr_efer - trampoline_start)) = EFER_LME | EFER_NXE;
	*(u64 *)(dst + ((char *)&tr_entry - trampoline_start)) = (u64)ap_start64;
}

static bool wait_online(struct percpu *pc, u64 us)
{
	u64 t0 = rdtsc(), limit = us * (tsc_hz / 1000000);

	while (!pc->online && rdtsc() - t0 < limit)
		cpu_relax();
	return pc->online;
}

static bool start_ap(unsigned int cpu, u32 apic)
{
	struct percpu *pc = xzalloc(sizeof(*pc));

	if (!pc)
		panic("smp: no memory for CPU %u", cpu);
	pc->id = cpu;
	pc->apic_id = apic;
	setup_stacks(pc);
	percpu_table[cpu] = pc;
	ap_boot_stack = pc->stack_top;
	ap_boot_cpu = cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	apic_send_init(apic);
	udelay(10000);
	apic_send_sipi(apic, TRAMPOLINE_PHYS >> 12);
	if (!wait_online(pc, 200)) {
		apic_send_sipi(apic, TRAMPOLINE_PHYS >> 12);
		wait_online(pc, AP_START_TIMEOUT_US);
	}
	if (!pc->online) {
		printk(KERN_WARNING "smp: CPU %u (APIC id %u) did not start\n", cpu, apic);
		percpu_table[cpu] = NULL;
		return false;
	}
	return true;
}

/**
 * smp_boot_aps - start every enabled processor the MADT lists, one at a time, and check
 * each one's timer fires. Prints how many CPUs are up.
 */
void smp_boot_aps(void)
{
	u32 bsp_apic = apic_id();
	unsigned int next = 1, aps = 0;
	u64 t0;

	this_cpu()->apic_id = bsp_apic;
	prepare_trampoline();
	for (unsigned int i = 0; i < acpi_info.nr_lapics && next < NR_CPUS; i++) {
		if (acpi_info.lapic_ids[i] == bsp_apic)
			continue;
		if (start_ap(next, acpi_info.lapic_ids[i])) {
			next++;
			aps++;
		}
	}
	t0 = now_ns();
	while (__atomic_load_n(&nr_cpus_started_timer, __ATOMIC_ACQUIRE) < aps &&
	       now_ns() - t0 < 500 * NSEC_PER_MSEC)
		cpu_relax();
	printk("smp: %u CPU%s brought up (%u in the MADT), %u of %u application processors' "
	       "timers ticking, all idle in hlt\n",
	       arch_nr_cpus(), arch_nr_cpus() == 1 ? "" : "s",
	       acpi_info.nr_lapics ? acpi_info.nr_lapics : 1,
	       __atomic_load_n(&nr_cpus_started_timer, __ATOMIC_ACQUIRE), aps);
}
