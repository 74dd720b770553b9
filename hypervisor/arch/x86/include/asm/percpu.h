/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data. GS_BASE points at the CPU's struct percpu; its first field points at
 * itself so this_cpu() is one load.
 *
 * Lifetime: allocated by smp.c (the BSP's statically) before the CPU starts, never freed.
 * Locking: each field is written only by its own CPU unless noted.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <kestrel/types.h>
#include <kestrel/timer.h>
#include <asm/config.h>

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 ist[8]; /* ist[0] is reserved */
	u64 reserved1;
	u16 reserved2;
	u16 iomap_base;
} __packed;

#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

struct percpu {
	struct percpu *self;   /* must stay first: this_cpu() reads %gs:0 */
	unsigned int id;       /* logical CPU number, 0 = boot CPU; set by smp.c */
	u32 apic_id;           /* set by smp.c from the MADT */
	unsigned long stack_top;
	u64 *gdt;              /* GDT_ENTRIES descriptors */
	struct tss64 tss __aligned(16);
	struct timer_queue timers;  /* this CPU's timers (lock inside) */
	u64 timer_programmed;       /* deadline now in the hardware, TIMER_NONE if none */
	u64 timer_irqs;             /* timer interrupts taken */
	volatile bool online;       /* written by the CPU itself, read by the BSP */
	volatile bool in_panic_halt;
	unsigned int crash_depth;   /* nested crash reports, to stop recursion */
};

extern struct percpu *percpu_table[NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
