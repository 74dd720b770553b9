/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data. this_cpu() finds it from the stack pointer: every CPU runs on stacks inside
 * its own STACK_STRIDE slot (main and IST stacks alike), so no segment register is needed
 * and GS stays free for the guest. Before the boot CPU moves to its slot it runs on the
 * boot stack, and this_cpu() is the boot CPU's area.
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
	struct percpu *self;   /* first: the syscall entry reads it through KERNEL_GS_BASE */
	unsigned long syscall_scratch; /* guest RSP during the syscall stack switch */
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
	struct vcpu *curr;          /* the vCPU running here, NULL when idle */
	bool in_multicall;
	u64 hypercall_start_tsc; /* when the running hypercall began (preemption budget) */
	unsigned int guest_gdt_ents; /* guest descriptors now in gdt[0..n) (pv/misc.c) */
};

extern struct percpu *percpu_table[NR_CPUS];
extern struct percpu bsp_percpu;
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	unsigned long sp, slot;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	slot = (sp - STACKS_VIRT_START) / STACK_STRIDE;

	return slot < NR_CPUS ? percpu_table[slot] : &bsp_percpu;
}

#endif
