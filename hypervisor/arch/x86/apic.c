/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local APIC, in x2APIC mode (MSRs) when the CPU has it and x2apic= allows, otherwise in
 * xAPIC mode (uncached MMIO). Provides EOI, the IPIs SMP bring-up and panic need, and the
 * one-shot timer behind the per-CPU timer queues: TSC-deadline mode when available
 * (tsc_deadline= allows), else the APIC's own counter in one-shot mode, calibrated
 * against the TSC.
 */
#include <kestrel/cmdline.h>
#include <kestrel/kernel.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "arch-x86.h"

#define APIC_ID 0x020
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define SVR_ENABLE (1U << 8)
#define LVT_MASKED (1U << 16)
#define LVT_TIMER_TSC_DEADLINE (2U << 17)
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_NMI 0x400
#define ICR_LEVEL_ASSERT 0x4000
#define ICR_BUSY (1U << 12)
#define ICR_ALLBUTSELF (3U << 18)
#define TDCR_DIVIDE_1 0xb

/* Options and modes: set on the boot CPU before the others start, then read-only. */
static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);
static bool opt_tsc_deadline = true;
boolean_param("tsc_deadline", opt_tsc_deadline);

bool apic_x2apic_mode;
static bool timer_deadline_mode;
static volatile u32 *apic_mmio;
static u64 apic_hz; /* APIC timer ticks per second at divide-by-1, one-shot mode only */

static u32 apic_read(u32 reg)
{
	if (apic_x2apic_mode)
		return (u32)rdmsr(0x800 + (reg >> 4));
	return apic_mmio[reg / 4];
}

static void apic_write(u32 reg, u32 val)
{
	if (apic_x2apic_mode)
		wrmsr(0x800 + (reg >> 4), val);
	else
		apic_mmio[reg / 4] = val;
}

static void apic_write_icr(u32 dest, u32 low)
{
	if (apic_x2apic_mode) {
		wrmsr(0x800 + (APIC_ICR >> 4), ((u64)dest << 32) | low);
		return;
	}
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, low);
	for (unsigned int i = 0; i < 1000000 && (apic_read(APIC_ICR) & ICR_BUSY); i++)
		cpu_relax();
}

u32 apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return apic_x2apic_mode ? id : id >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void spurious_interrupt(struct cpu_regs *regs)
{
	/* No EOI for a spurious interrupt. */
}

/* Switch this CPU's APIC to the chosen mode and accept interrupts. */
static void apic_enable_local(void)
{
	u64 base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	if (apic_x2apic_mode)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_MASKED);
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_ESR, 0);
}

/*
 * The legacy 8259 PICs: firmware and boot loaders leave them delivering on vectors 8-15,
 * which collide with exceptions. Move them to VECTOR_PIC_BASE.. and mask every line;
 * Kestrel takes interrupts only through the local APIC.
 */
static void pic_disable(void)
{
	static const u8 init[2][4] = {
		{ 0x11, VECTOR_PIC_BASE, 0x04, 0x01 },     /* master: ICW1-4, slave on IRQ2 */
		{ 0x11, VECTOR_PIC_BASE + 8, 0x02, 0x01 }, /* slave: cascade identity 2 */
	};
	static const u16 ports[2] = { 0x20, 0xa0 };

	for (unsigned int i = 0; i < 2; i++) {
		outb(ports[i], init[i][0]);
		io_delay();
		for (unsigned int k = 1; k < 4; k++) {
			outb(ports[i] + 1, init[i][k]);
			io_delay();
		}
		outb(ports[i] + 1, 0xff); /* mask all */
	}
}

static void pic_spurious(struct cpu_regs *regs)
{
	/* A masked 8259 can still raise IRQ7/IRQ15 spuriously; it needs no EOI. */
}

void apic_init_bsp(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	pic_disable();
	for (unsigned int v = VECTOR_PIC_BASE; v < VECTOR_PIC_BASE + 16; v++)
		set_irq_handler(v, pic_spurious);

	apic_x2apic_mode = cpu_has_x2apic && opt_x2apic;
	/* Firmware may have left x2APIC on; xAPIC is reached from it only through disable. */
	if (!apic_x2apic_mode && (base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EXTD | APIC_BASE_ENABLE));
	if (!apic_x2apic_mode) {
		paddr_t pa = acpi_info.lapic_base ? acpi_info.lapic_base : (base & PTE_ADDR_MASK);

		apic_mmio = ioremap(pa, PAGE_SIZE);
		if (!apic_mmio)
			panic("apic: cannot map the local APIC at %#llx", (unsigned long long)pa);
	}
	set_irq_handler(VECTOR_SPURIOUS, spurious_interrupt);
	apic_enable_local();
	timer_deadline_mode = cpu_has_tsc_deadline && opt_tsc_deadline;
	printk("apic: %s mode, boot CPU APIC id %u, timer %s\n",
	       apic_x2apic_mode ? "x2APIC" : "xAPIC", apic_id(),
	       timer_deadline_mode ? "TSC-deadline" : "one-shot");
}

void apic_init_ap(void)
{
	if (!apic_x2apic_mode && (rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) & ~(APIC_BASE_EXTD | APIC_BASE_ENABLE));
	apic_enable_local();
}

void apic_send_init(u32 dest)
{
	apic_write_icr(dest, ICR_INIT | ICR_LEVEL_ASSERT);
}

void apic_send_sipi(u32 dest, u8 vector)
{
	apic_write_icr(dest, ICR_STARTUP | vector);
}

void apic_send_ipi(u32 dest, u8 vector)
{
	apic_write_icr(dest, vector); /* fixed delivery, physical destination */
}

void apic_send_nmi_allbutself(void)
{
	apic_write_icr(0, ICR_NMI | ICR_ALLBUTSELF);
}

bool apic_timer_uses_deadline(void)
{
	return timer_deadline_mode;
}

/* One-shot mode only: count APIC ticks over ~10 ms of TSC time. */
void apic_calibrate_timer(void)
{
	u64 t0, t1;
	u32 c1;

	if (timer_deadline_mode)
		return;
	apic_write(APIC_TDCR, TDCR_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_TMICT, 0xffffffff);
	t0 = rdtsc_ordered();
	while (rdtsc_ordered() - t0 < tsc_hz / 100)
		cpu_relax();
	c1 = apic_read(APIC_TMCCT);
	t1 = rdtsc_ordered();
	apic_write(APIC_TMICT, 0);
	apic_hz = (u64)(0xffffffffU - c1) * tsc_hz / (t1 - t0);
	if (!apic_hz)
		panic("apic: timer does not count");
	printk("apic: timer runs at %llu kHz\n", (unsigned long long)(apic_hz / 1000));
}

/* Prepare this CPU's timer LVT for its mode (masked until programmed). */
void apic_timer_setup(void)
{
	if (timer_deadline_mode) {
		apic_write(APIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VECTOR_TIMER);
	} else {
		apic_write(APIC_TDCR, TDCR_DIVIDE_1);
		apic_write(APIC_LVT_TIMER, VECTOR_TIMER);
	}
}

/* Fire VECTOR_TIMER at TSC value tsc_deadline (at once if it has passed); 0 disarms. */
void apic_timer_program(u64 tsc_deadline)
{
	u64 now, ticks;

	if (timer_deadline_mode) {
		wrmsr(MSR_TSC_DEADLINE, tsc_deadline);
		return;
	}
	if (!tsc_deadline) {
		apic_write(APIC_TMICT, 0);
		return;
	}
	now = rdtsc();
	/* At most a second ahead, so the product cannot overflow; the queue re-arms. */
	ticks = tsc_deadline > now ? MIN(tsc_deadline - now, tsc_hz) * apic_hz / tsc_hz : 0;
	apic_write(APIC_TMICT, ticks ? (u32)MIN(ticks, 0xffffffffULL) : 1);
}
