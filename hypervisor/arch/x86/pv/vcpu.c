/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Secondary vCPUs of a PV guest: VCPUOP_initialise loads a whole vcpu_guest_context into
 * a vCPU that is down and has never run (checked first, then committed: a refused context
 * changes nothing), and TLB flushes that must reach every CPU running a vCPU of a domain.
 *
 * Remote flushes: a vCPU that is not running has nothing in any TLB (entering a vCPU
 * flushes everything, global entries included), so only the CPUs now running the named
 * vCPUs are asked, with an IPI, and the caller waits until each has flushed.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/heap.h>
#include <kestrel/lib.h>
#include <kestrel/page_type.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <public/callback.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

/* ------------------------------------------------------------------ VCPUOP_initialise */

static bool context_addresses_ok(const struct vcpu_guest_context *c)
{
	const u64 addrs[] = { c->user_regs.rip, c->user_regs.rsp, c->event_callback_eip,
			      c->failsafe_callback_eip, c->syscall_callback_eip, c->fs_base,
			      c->gs_base_kernel, c->gs_base_user, c->ldt_base, c->kernel_sp };

	for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++)
		if (!is_canonical(addrs[i]))
			return false;
	for (unsigned int i = 0; i < PV_NR_TRAPS; i++)
		if (!is_canonical(c->trap_ctxt[i].address))
			return false;
	return true;
}

/* Take the references the context's frames need: roots and GDT. 0 or -EINVAL. */
static int get_context_frames(struct domain *d, const struct vcpu_guest_context *c)
{
	u64 cr3 = xen_cr3_to_pfn(c->ctrlreg[3]), ucr3 = xen_cr3_to_pfn(c->ctrlreg[1]);

	if (get_page_and_type(mfn_to_page(cr3), d, PGT_l4_table))
		return -EINVAL;
	if (ucr3 && get_page_and_type(mfn_to_page(ucr3), d, PGT_l4_table))
		goto put_cr3;
	if (!pv_get_gdt_frames(d, c->gdt_frames, gdt_nr_frames(c->gdt_ents)))
		return 0;
	if (ucr3)
		put_page_and_type(mfn_to_page(ucr3));
put_cr3:
	put_page_and_type(mfn_to_page(cr3));
	pt_drain(d, false);
	return -EINVAL;
}

static void load_regs(struct vcpu *v, const struct cpu_user_regs *u)
{
	struct cpu_regs *r = &v->arch.user_regs;

	*r = (struct cpu_regs){
		.r15 = u->r15, .r14 = u->r14, .r13 = u->r13, .r12 = u->r12, .rbp = u->rbp,
		.rbx = u->rbx, .r11 = u->r11, .r10 = u->r10, .r9 = u->r9, .r8 = u->r8,
		.rax = u->rax, .rcx = u->rcx, .rdx = u->rdx, .rsi = u->rsi, .rdi = u->rdi,
		.rip = u->rip, .rsp = u->rsp,
		.cs = u->cs | 3, .ss = u->ss | 3,
		/* events are masked through vcpu_info, never through IF; no I/O privilege */
		.rflags = (u->rflags & ~(3UL << 12 /* IOPL */)) | X86_EFLAGS_IF | 2,
	};
	v->arch.iopl = (u->rflags >> 12) & 3; /* the context's IOPL is the virtual IOPL, as Xen */
	v->arch.data_sel[0] = u->ds;
	v->arch.data_sel[1] = u->es;
	v->arch.data_sel[2] = u->fs;
	v->arch.data_sel[3] = u->gs;
}

static void load_traps(struct vcpu *v, const struct trap_info *t)
{
	for (unsigned int i = 0; i < PV_NR_TRAPS; i++)
		v->arch.traps[i] = pv_trap_from(&t[i]);
}

/* Everything checked: make c v's state. */
static void load_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
	struct arch_vcpu *a = &v->arch;

	load_regs(v, &c->user_regs);
	load_traps(v, c->trap_ctxt);
	a->kernel_mode = c->flags & VGCF_in_kernel;
	a->guest_table = xen_cr3_to_pfn(c->ctrlreg[3]);
	a->guest_table_user = xen_cr3_to_pfn(c->ctrlreg[1]);
	memcpy(a->gdt_frames, c->gdt_frames, sizeof(a->gdt_frames));
	a->gdt_ents = c->gdt_ents;
	a->ldt_base = c->ldt_base;
	a->ldt_ents = c->ldt_ents;
	a->kernel_ss = c->kernel_ss | 3;
	a->kernel_sp = c->kernel_sp;
	a->callback[CALLBACKTYPE_event] = c->event_callback_eip;
	a->callback[CALLBACKTYPE_failsafe] = c->failsafe_callback_eip;
	a->callback[CALLBACKTYPE_syscall] = c->syscall_callback_eip;
	a->fs_base = c->fs_base;
	a->gs_base_kernel = c->gs_base_kernel;
	a->gs_base_user = c->gs_base_user;
	a->vm_assist = c->vm_assist;
	memcpy(a->debugreg, c->debugreg, sizeof(a->debugreg));
	a->cr4_shadow = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (c->flags & VGCF_i387_valid)
		memcpy(pv_fpu_area(v), c->fpu_ctxt.x, PV_FPU_SIZE);
	else
		pv_fpu_init(v);
}

/**
 * arch_vcpu_initialise - VCPUOP_initialise: give a vCPU that never ran its context.
 * Returns 0, -EFAULT (context unreadable), -EEXIST (already initialised), -EINVAL (a
 * non-canonical address, a bad LDT or GDT, a kernel root that is not an L4 of the
 * domain's) or -ENOMEM.
 */
int arch_vcpu_initialise(struct vcpu *v, u64 arg)
{
	struct domain *d = v->domain;
	struct vcpu_guest_context *c = xmalloc(sizeof(*c));
	int rc = -EINVAL;

	if (!c)
		return -ENOMEM;
	if (copy_from_guest(c, arg, sizeof(*c))) {
		rc = -EFAULT;
		goto out;
	}
	if (v->initialised) {
		rc = -EEXIST;
		goto out;
	}
	if (!context_addresses_ok(c) || (c->ldt_base & (PAGE_SIZE - 1)) ||
	    c->ldt_ents > 8192 || c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
		goto out;
	spin_lock(&d->mm_lock);
	rc = get_context_frames(d, c);
	spin_unlock(&d->mm_lock);
	if (rc)
		goto out;
	load_context(v, c);
	v->initialised = true;
out:
	xfree(c);
	return rc;
}

/* ------------------------------------------------------------------ remote flushes */

/* What an IPI'd CPU is asked to flush; one request at a time per sender (flush_lock). */
static DEFINE_SPINLOCK(flush_lock);
static u64 flush_va;          /* FLUSH_ALL, or one page */
static volatile u32 flush_pending; /* CPUs still to acknowledge */

static void flush_interrupt(struct cpu_regs *regs)
{
	if (flush_va == FLUSH_ALL)
		flush_tlb_all_local();
	else
		invlpg(flush_va);
	__atomic_fetch_sub(&flush_pending, 1, __ATOMIC_RELEASE);
	apic_eoi();
}

/*
 * Flush (va, or everything with FLUSH_ALL) on this CPU and on every other CPU that runs a
 * vCPU of d named in mask (bit n = vCPU n; all of them with ~0), and wait for them.
 */
void pv_flush_tlb_vcpus(struct domain *d, u64 mask, u64 va)
{
	unsigned int me = this_cpu()->id;

	if (va == FLUSH_ALL)
		flush_tlb_all_local();
	else
		invlpg(va);
	if (arch_nr_cpus() == 1)
		return;
	spin_lock(&flush_lock);
	flush_va = va;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct vcpu *v = sched_cpu_curr(cpu);
		struct percpu *pc = percpu_table[cpu];

		if (cpu == me || !v || v->domain != d || v->vcpu_id >= 64 ||
		    !(mask >> v->vcpu_id & 1) || !pc || !pc->online)
			continue;
		__atomic_fetch_add(&flush_pending, 1, __ATOMIC_ACQ_REL);
		apic_send_ipi(pc->apic_id, VECTOR_CALL_FUNCTION);
	}
	while (__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_unlock(&flush_lock);
}

void pv_vcpu_init(void)
{
	set_irq_handler(VECTOR_CALL_FUNCTION, flush_interrupt);
}
