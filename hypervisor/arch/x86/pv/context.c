/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Switching a physical CPU between PV vCPUs, and between a vCPU and idle: the x86 side of
 * the scheduler (common/sched.c).
 *
 * A vCPU that is not running keeps its registers in v->arch.user_regs; while it runs they
 * are the frame at the top of the CPU's stack. Leaving a vCPU saves that frame, the FS and
 * GS bases, the data selectors and the FPU/SSE state (FXSAVE: guests are not offered
 * XSAVE); entering one loads them, its root table (with global entries flushed: user
 * mappings are global), its virtual CR0.TS, and IRETs into it. Both ways reset the
 * stack, so no hypervisor frame survives a switch.
 */
#include <kestrel/arch.h>
#include <kestrel/event.h>
#include <kestrel/hypercall.h>
#include <kestrel/lib.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define FXSAVE_FCW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80

/* The FPU/SSE image of a vCPU that has never run: what FNINIT and a reset MXCSR give. */
void pv_fpu_init(struct vcpu *v)
{
	u8 *f = pv_fpu_area(v);

	memset(f, 0, PV_FPU_SIZE);
	*(u16 *)f = FXSAVE_FCW_DEFAULT;
	*(u32 *)(f + 24) = MXCSR_DEFAULT;
}

static void save_selectors(u16 sel[4])
{
	__asm__ volatile("movw %%ds, %0" : "=m"(sel[0]));
	__asm__ volatile("movw %%es, %0" : "=m"(sel[1]));
	__asm__ volatile("movw %%fs, %0" : "=m"(sel[2]));
	__asm__ volatile("movw %%gs, %0" : "=m"(sel[3]));
}

static void save_vcpu(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	arch_vcpu_update_runstate(v); /* its new state, while its page tables are loaded */
	a->user_regs = *guest_regs();
	save_selectors(a->data_sel);
	a->fs_base = rdmsr(MSR_FS_BASE);
	if (a->kernel_mode)
		a->gs_base_kernel = rdmsr(MSR_GS_BASE);
	else
		a->gs_base_user = rdmsr(MSR_GS_BASE);
	write_cr0(read_cr0() & ~X86_CR0_TS);
	__asm__ volatile("fxsave64 %0" : "=m"(*(u8(*)[PV_FPU_SIZE])pv_fpu_area(v)));
	sched_context_saved(v);
}

/* Load v's state into this CPU (interrupts off) and IRET into it. */
void __noreturn pv_run_vcpu(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	irq_disable();
	sched_wait_context_saved(v); /* another CPU may still be saving it */
	this_cpu()->curr = v;
	a->run_start_ns = now_ns();
	pv_load_guest_gdt(v); /* before the selectors that may name its entries */
	if (!load_data_selectors(a->data_sel))
		memset(a->data_sel, 0, sizeof(a->data_sel));
	wrmsr(MSR_FS_BASE, a->fs_base);
	wrmsr(MSR_GS_BASE, a->kernel_mode ? a->gs_base_kernel : a->gs_base_user);
	pv_load_cr3(v);
	flush_tlb_all_local(); /* another vCPU's global (user) entries must go */
	arch_update_vcpu_time(v);     /* a fresh pvclock snapshot on every CPU it lands on */
	arch_vcpu_update_runstate(v); /* now running */
	write_cr0(read_cr0() & ~X86_CR0_TS);
	__asm__ volatile("fxrstor64 %0" ::"m"(*(const u8(*)[PV_FPU_SIZE])pv_fpu_area(v)));
	if (a->fpu_ts)
		write_cr0(read_cr0() | X86_CR0_TS);
	pv_start_frame(guest_regs(), &a->user_regs);
}

/* Run the scheduler's idle loop on a fresh stack. */
static void __noreturn enter_idle(void)
{
	unsigned long top = (this_cpu()->stack_top - sizeof(struct cpu_regs)) & ~15UL;

	this_cpu()->curr = NULL;
	write_cr3(idle_cr3);
	__asm__ volatile("movq %0, %%rsp\n\t"
			 "call sched_idle_loop" ::"r"(top)
			 : "memory");
	__builtin_unreachable();
}

void __noreturn arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (prev)
		save_vcpu(prev);
	if (next)
		pv_run_vcpu(next);
	enter_idle();
}

static void event_check_interrupt(struct cpu_regs *regs)
{
	apic_eoi(); /* the way out (to a guest or to idle) does the work */
}

void arch_kick_cpu(unsigned int cpu)
{
	struct percpu *pc = cpu < NR_CPUS ? percpu_table[cpu] : NULL;

	if (cpu != this_cpu()->id && pc && pc->online)
		apic_send_ipi(pc->apic_id, VECTOR_EVENT_CHECK);
}

void arch_vcpu_kick(struct vcpu *v)
{
	vcpu_kick(v);
}

/* Every CPU's idle loop: the boot CPU after starting dom0, the others after booting. */
void __noreturn pv_enter_scheduler(void)
{
	enter_idle();
}

void pv_context_init(void)
{
	set_irq_handler(VECTOR_EVENT_CHECK, event_check_interrupt);
}
