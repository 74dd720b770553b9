/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exceptions and the guest's view of them: the bounce frame Xen's x86_64 PV ABI defines,
 * switches between guest kernel and user mode, the iret hypercall, the virtual trap table
 * and the callbacks.
 *
 * The bounce frame, written on the guest kernel stack (lowest address first):
 *   RCX, R11, [error code], RIP, CS (RPL 0 for a kernel-mode frame; the saved upcall mask
 *   in bits 32-39), RFLAGS (IF = !saved upcall mask), RSP, SS.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/sched.h>
#include <kestrel/guest_access.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <public/callback.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define EFLAGS_TF (1UL << 8)
#define EFLAGS_IOPL (3UL << 12)
#define EFLAGS_NT (1UL << 14)
#define EFLAGS_RF (1UL << 16)
#define EFLAGS_VM (1UL << 17)
#define PFEC_PRESENT (1UL << 0)
#define PFEC_WRITE (1UL << 1)
#define PFEC_USER (1UL << 2)
#define PFEC_RSVD (1UL << 3)
#define TRAP_TABLE_MAX_ENTRIES 4096 /* 16 times every vector */

static bool vector_has_error_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

void pv_load_cr3(struct vcpu *v)
{
	u64 mfn = v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user;

	write_cr3(mfn << PAGE_SHIFT);
}

/*
 * Switch between guest kernel and user mode: root table and GS base. The live GS base is
 * read back from the MSR because the guest can change it with native selector loads.
 */
void pv_toggle_mode(struct vcpu *v)
{
	if (v->arch.kernel_mode) {
		v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
		wrmsr(MSR_GS_BASE, v->arch.gs_base_user);
	} else {
		v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
		wrmsr(MSR_GS_BASE, v->arch.gs_base_kernel);
	}
	v->arch.kernel_mode = !v->arch.kernel_mode;
	pv_load_cr3(v);
}

/**
 * pv_bounce - deliver an event to the guest kernel at 'handler'.
 * Switches to kernel mode (and to the stack_switch stack) when the guest was in user mode,
 * writes the bounce frame, and points the frame at the top of the stack at the handler.
 * Returns 0, or -EFAULT when the guest stack cannot take the frame (the caller crashes
 * the domain).
 */
int pv_bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
	      u64 error, u64 handler, bool mask_events)
{
	struct vcpu_info *vi = v->arch.vcpu_info;
	bool from_kernel = v->arch.kernel_mode;
	u8 saved_mask = vi->evtchn_upcall_mask;
	u64 frame[9], sp;
	unsigned int n = 0;

	frame[n++] = regs->rcx;
	frame[n++] = regs->r11;
	if (has_error)
		frame[n++] = error;
	frame[n++] = regs->rip;
	frame[n++] = (from_kernel ? regs->cs & ~3ULL : regs->cs) | ((u64)saved_mask << 32);
	frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | EFLAGS_IOPL)) |
		     (saved_mask ? 0 : X86_EFLAGS_IF);
	frame[n++] = regs->rsp;
	frame[n++] = regs->ss;

	if (!from_kernel)
		pv_toggle_mode(v);
	sp = ((from_kernel ? regs->rsp : v->arch.kernel_sp) & ~15ULL) - n * 8;
	if (copy_to_guest(sp, frame, n * 8)) {
		domain_crash(v->domain,
			     "cannot write the frame for vector %u to the guest stack at %#llx",
			     vector, (unsigned long long)sp);
		return -EFAULT;
	}
	regs->rip = handler;
	regs->cs = FLAT_KERNEL_CS;
	regs->ss = FLAT_KERNEL_SS;
	regs->rsp = sp;
	regs->rflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_VM | EFLAGS_RF | X86_EFLAGS_AC);
	regs->rflags |= X86_EFLAGS_IF; /* the real flag; the guest's lives in the mask */
	if (mask_events)
		vi->evtchn_upcall_mask = 1;
	return 0;
}

/* Deliver exception 'vector' through the guest's trap table, or crash the domain. */
void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
		    u64 error)
{
	const struct pv_trap *t = &v->arch.traps[vector & 0xff];

	if (!t->address) {
		domain_crash(v->domain,
			     "exception %u (error %#llx) at %#llx with no handler in the trap table",
			     vector, (unsigned long long)error, (unsigned long long)regs->rip);
		return;
	}
	pv_bounce(v, regs, vector, has_error, error, t->address, t->mask_events);
}

/* INT n from the guest is allowed when the gate's DPL admits the guest's ring. */
static bool permit_softint(const struct vcpu *v, unsigned int vector)
{
	const struct pv_trap *t = &v->arch.traps[vector];
	unsigned int cpl = v->arch.kernel_mode ? 0 : 3;

	return t->address && t->dpl >= cpl;
}

static void handle_gp(struct vcpu *v, struct cpu_regs *regs)
{
	u64 ec = regs->error_code;

	/* An IDT error code with the external bit clear is INT n through a DPL-0 gate. */
	if ((ec & 3) == 2) {
		unsigned int vector = ec >> 3;

		if (permit_softint(v, vector)) {
			regs->rip += 2;
			pv_inject_trap(v, regs, vector, false, 0);
			return;
		}
	} else if (!ec && pv_emulate_priv_op(v, regs)) {
		return;
	}
	pv_inject_trap(v, regs, 13, true, ec);
}

static void handle_pf(struct vcpu *v, struct cpu_regs *regs)
{
	u64 ec = regs->error_code, cr2 = read_cr2();

	/* A kernel store into a read-only L1 may be a page-table update to emulate. */
	if (v->arch.kernel_mode && (ec & (PFEC_PRESENT | PFEC_WRITE | PFEC_RSVD)) ==
					   (PFEC_PRESENT | PFEC_WRITE) &&
	    pv_ptwr_fault(v, regs, cr2))
		return;
	v->arch.vcpu_info->arch.cr2 = cr2;
	/* Everything runs at CPL 3; the guest must see whether its kernel faulted. */
	if (v->arch.kernel_mode)
		ec &= ~PFEC_USER;
	pv_inject_trap(v, regs, 14, true, ec);
}

static void handle_nm(struct vcpu *v, struct cpu_regs *regs)
{
	write_cr0(read_cr0() & ~X86_CR0_TS);
	if (v->arch.fpu_ts) {
		/* Lazy FPU: the guest set TS with fpu_taskswitch; it gets the #NM once. */
		v->arch.fpu_ts = false;
		pv_inject_trap(v, regs, 7, false, 0);
	}
}

/* Called by do_interrupt() for vectors 0-31 taken in guest context. */
void pv_exception(struct cpu_regs *regs)
{
	struct vcpu *v = current();
	unsigned int vector = regs->vector;

	if (!v) {
		printk(KERN_ERR "exception %u from CPL 3 with no vCPU running\n", vector);
		return;
	}
	switch (vector) {
	case 13:
		handle_gp(v, regs);
		break;
	case 14:
		handle_pf(v, regs);
		break;
	case 7:
		handle_nm(v, regs);
		break;
	case 6:
		if (!pv_emulate_forced_cpuid(v, regs))
			pv_inject_trap(v, regs, 6, false, 0);
		break;
	case 1:
		pv_record_dr6(v);
		pv_inject_trap(v, regs, 1, false, 0);
		break;
	case 8:
	case 18:
		domain_crash(v->domain, "fatal exception %u in guest context", vector);
		break;
	default:
		pv_inject_trap(v, regs, vector, vector_has_error_code(vector), regs->error_code);
		break;
	}
}

/* int $0x80 through the DPL-3 gate: straight to the guest's handler when it allows. */
static void int80_interrupt(struct cpu_regs *regs)
{
	struct vcpu *v = current();

	if (!v || !(regs->cs & 3))
		return;
	if (permit_softint(v, VECTOR_INT80)) {
		pv_inject_trap(v, regs, VECTOR_INT80, false, 0);
		return;
	}
	regs->rip -= 2; /* #GP points at the INT instruction */
	pv_inject_trap(v, regs, 13, true, (VECTOR_INT80 << 3) | 2);
}

/* SYSCALL from guest user mode (or compat mode): bounce to the registered callback. */
void pv_user_syscall(struct vcpu *v, struct cpu_regs *regs)
{
	unsigned int type = regs->vector == VECTOR_SYSCALL32 ? CALLBACKTYPE_syscall32
							     : CALLBACKTYPE_syscall;

	if (!v->arch.callback[type]) {
		/* No callback: what the guest executed is an invalid opcode for it. */
		regs->rip -= 2;
		pv_inject_trap(v, regs, 6, false, 0);
		return;
	}
	pv_bounce(v, regs, VECTOR_SYSCALL, false, 0, v->arch.callback[type],
		  v->arch.callback_mask[type]);
}

/*
 * What the hardware IRETQ would refuse becomes the #GP it would raise, delivered to the
 * guest with the frame it asked for: a non-canonical RIP (error code 0), or a code or
 * stack selector other than the flat ring-3 ones (error code: the selector). Guest GDTs
 * are not loaded yet, so no other selector can be valid; checking here also keeps the
 * hypervisor's own IRETQ from faulting.
 */
/*
 * A ring-3 selector of the guest's own GDT (loaded into this CPU's GDT) that IRETQ would
 * accept: present, DPL 3, and a code segment (want_code) or a writable data segment.
 */
static bool guest_gdt_selector_ok(u16 sel, bool want_code)
{
	unsigned int idx = sel >> 3;
	u64 d;

	if ((sel & 7) != 3 || idx >= this_cpu()->guest_gdt_ents)
		return false; /* RPL 3, GDT (not LDT), one of the guest's entries */
	d = this_cpu()->gdt[idx];
	if (!(d & (1ULL << 47)) || !(d & (1ULL << 44)) || ((d >> 45) & 3) != 3)
		return false; /* present, code/data, DPL 3 */
	return want_code ? (d & (1ULL << 43)) : !(d & (1ULL << 43)) && (d & (1ULL << 41));
}

static void iret_check_frame(struct vcpu *v, struct cpu_regs *regs)
{
	u16 cs = regs->cs, ss = regs->ss;
	u64 ec;

	if (!is_canonical(regs->rip))
		ec = 0;
	else if (cs != FLAT_RING3_CS64 && cs != FLAT_RING3_CS32 &&
		 !guest_gdt_selector_ok(cs, true))
		ec = cs & ~3U;
	else if (ss != FLAT_RING3_SS64 && !guest_gdt_selector_ok(ss, false))
		ec = ss & ~3U;
	else
		return;
	pv_inject_trap(v, regs, 13, true, ec);
}

/**
 * do_iret - the iret hypercall: return from a bounce to the context in the iret_context
 * at the guest stack pointer. Returns HYPERCALL_NO_RETURN_VALUE (the frame is replaced)
 * or -EFAULT when the context cannot be read.
 */
long do_iret(void)
{
	struct vcpu *v = current();
	struct cpu_regs *regs = guest_regs();
	struct iret_context c;

	if (copy_from_guest(&c, regs->rsp, sizeof(c))) {
		domain_crash(v->domain, "iret: cannot read the iret context at %#llx",
			     (unsigned long long)regs->rsp);
		return -EFAULT;
	}
	if ((c.cs & 3) == 3 && v->arch.kernel_mode) {
		if (!v->arch.guest_table_user) {
			domain_crash(v->domain, "iret to user mode with no user page table");
			return -EINVAL;
		}
		pv_toggle_mode(v);
	}
	regs->rip = c.rip;
	regs->cs = c.cs | 3;
	regs->rflags = (c.rflags & ~(EFLAGS_IOPL | EFLAGS_VM)) | X86_EFLAGS_IF;
	regs->rsp = c.rsp;
	regs->ss = c.ss | 3;
	regs->rax = c.rax;
	if (!(c.flags & VGCF_in_syscall)) {
		regs->r11 = c.r11;
		regs->rcx = c.rcx;
	}
	v->arch.vcpu_info->evtchn_upcall_mask = !(c.rflags & X86_EFLAGS_IF);
	v->arch.nmi_masked = false;
	iret_check_frame(v, regs);
	return HYPERCALL_NO_RETURN_VALUE;
}

/* A virtual IDT entry from the ABI's trap_info (handler CS at RPL 3, DPL, event mask). */
struct pv_trap pv_trap_from(const struct trap_info *t)
{
	return (struct pv_trap){
		.address = t->address,
		.cs = t->cs | 3,
		.dpl = t->flags & 3,
		.mask_events = t->flags & 4,
	};
}

/**
 * do_set_trap_table - install entries of the virtual IDT from a list ended by an entry
 * with address 0; a NULL list clears the table.
 * Returns 0, -EFAULT (list unreadable; entries before it stay installed), -EINVAL
 * (a non-canonical handler) or -E2BIG (no end within TRAP_TABLE_MAX_ENTRIES; Kestrel's
 * bound where Xen would preempt and continue).
 */
long do_set_trap_table(u64 list)
{
	struct vcpu *v = current();
	struct trap_info ti;

	if (!list) {
		memset(v->arch.traps, 0, sizeof(v->arch.traps));
		return 0;
	}
	for (unsigned int n = 0;; n++, list += sizeof(ti)) {
		/* No preemption yet: a list longer than any real table is refused. */
		if (n == TRAP_TABLE_MAX_ENTRIES)
			return -E2BIG;
		if (copy_from_guest(&ti, list, sizeof(ti)))
			return -EFAULT;
		if (!ti.address)
			return 0;
		if (!is_canonical(ti.address))
			return -EINVAL;
		v->arch.traps[ti.vector] = pv_trap_from(&ti);
	}
}

static long register_callback(struct vcpu *v, const struct callback_register *r)
{
	if (!is_canonical(r->address))
		return -EINVAL;
	switch (r->type) {
	case CALLBACKTYPE_event:
	case CALLBACKTYPE_failsafe:
	case CALLBACKTYPE_syscall:
	case CALLBACKTYPE_syscall32:
	case CALLBACKTYPE_sysenter:
	case CALLBACKTYPE_nmi:
		v->arch.callback[r->type] = r->address;
		v->arch.callback_mask[r->type] = r->flags & CALLBACKF_mask_events;
		return 0;
	default:
		return -ENOSYS;
	}
}

static long unregister_callback(struct vcpu *v, const struct callback_unregister *r)
{
	switch (r->type) {
	case CALLBACKTYPE_nmi:
		v->arch.callback[r->type] = 0;
		return 0;
	case CALLBACKTYPE_event:
	case CALLBACKTYPE_failsafe:
	case CALLBACKTYPE_syscall:
	case CALLBACKTYPE_syscall32:
	case CALLBACKTYPE_sysenter:
		return -EINVAL; /* these stay registered, as in Xen */
	default:
		return -ENOSYS;
	}
}

long do_callback_op(u64 cmd, u64 arg)
{
	struct vcpu *v = current();

	switch (cmd) {
	case CALLBACKOP_register: {
		struct callback_register r;

		if (copy_from_guest(&r, arg, sizeof(r)))
			return -EFAULT;
		return register_callback(v, &r);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister r;

		if (copy_from_guest(&r, arg, sizeof(r)))
			return -EFAULT;
		return unregister_callback(v, &r);
	}
	default:
		return -ENOSYS;
	}
}

/* The legacy form: event, failsafe and syscall at once (events masked on event entry). */
long do_set_callbacks(u64 event, u64 failsafe, u64 syscall)
{
	struct vcpu *v = current();
	const struct callback_register regs[] = {
		{ .type = CALLBACKTYPE_event, .address = event },
		{ .type = CALLBACKTYPE_failsafe, .address = failsafe },
		{ .type = CALLBACKTYPE_syscall, .address = syscall },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		register_callback(v, &regs[i]);
	return 0;
}


void arch_vcpu_send_nmi(struct vcpu *v)
{
	v->arch.nmi_pending = true;
	vcpu_kick(v); /* wakes it if it blocks, as Xen does */
}

/* A pending virtual NMI goes to the NMI callback, or else trap table vector 2. */
static void deliver_nmi(struct vcpu *v, struct cpu_regs *regs)
{
	v->arch.nmi_pending = false;
	v->arch.nmi_masked = true;
	if (v->arch.callback[CALLBACKTYPE_nmi])
		pv_bounce(v, regs, 2, false, 0, v->arch.callback[CALLBACKTYPE_nmi], true);
	else
		pv_inject_trap(v, regs, 2, false, 0);
}

/* Before every return to a guest: a dead vCPU never goes back; pending NMIs go in. */
void pv_exit_to_guest(struct cpu_regs *regs)
{
	struct vcpu *v = current();

	/* Switch here when asked to, or when v may not go on (blocked, stopped, crashed);
	 * schedule() does not return then. Never from an NMI. */
	if (regs->vector != 2 && (sched_need_resched() || !v || v->state != VCPU_RUNNING))
		schedule();
	v = current();
	if (v)
		time_exit_to_guest(v); /* the periodic pvclock refresh */
	if (v && v->state == VCPU_RUNNING && v->arch.nmi_pending && !v->arch.nmi_masked)
		deliver_nmi(v, regs);
	if (v && v->state == VCPU_RUNNING && evtchn_upcall_due(v) &&
	    v->arch.callback[CALLBACKTYPE_event])
		pv_bounce(v, regs, VECTOR_EVENT, false, 0, v->arch.callback[CALLBACKTYPE_event],
			  true);
}

void arch_vcpu_dump(const struct vcpu *v)
{
	const struct cpu_regs *r = this_cpu()->curr == v ? guest_regs() : &v->arch.user_regs;

	printk(KERN_ERR "d%u v%u: %s mode, RIP %016llx CS %04llx RFLAGS %016llx RSP %016llx\n",
	       v->domain->domid, v->vcpu_id, v->arch.kernel_mode ? "kernel" : "user",
	       (unsigned long long)r->rip, (unsigned long long)r->cs,
	       (unsigned long long)r->rflags, (unsigned long long)r->rsp);
	printk(KERN_ERR "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
	       (unsigned long long)r->rax, (unsigned long long)r->rbx, (unsigned long long)r->rcx,
	       (unsigned long long)r->rdx);
	printk(KERN_ERR "  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n",
	       (unsigned long long)r->rsi, (unsigned long long)r->rdi, (unsigned long long)r->rbp,
	       (unsigned long long)r->r8);
	printk(KERN_ERR "  r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n",
	       (unsigned long long)r->r9, (unsigned long long)r->r10, (unsigned long long)r->r11,
	       (unsigned long long)r->r12);
	printk(KERN_ERR "  r13 %016llx r14 %016llx r15 %016llx cr2 %016llx\n",
	       (unsigned long long)r->r13, (unsigned long long)r->r14, (unsigned long long)r->r15,
	       (unsigned long long)v->arch.vcpu_info->arch.cr2);
}

void arch_domain_stopped(struct domain *d)
{
	/* Nothing to undo: its vCPUs are stopped, and the scheduler never runs them again. */
}

struct vcpu *arch_current_vcpu(void)
{
	return current();
}

void pv_traps_init(void)
{
	set_irq_handler(VECTOR_INT80, int80_interrupt);
}
