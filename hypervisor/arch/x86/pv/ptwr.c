/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writable page-table emulation: the guest kernel stores into an L1 page table it maps
 * read-only, the store faults, and this file turns it into a checked entry update. The
 * instruction is decoded by common/ptwr_decode.c (host-tested, since the bytes are the
 * guest's); the result is validated exactly like an mmu_update of that entry. Anything
 * that is not one of the accepted stores, or that the rules refuse, stays the page fault
 * it was and is bounced to the guest.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/lib.h>
#include <kestrel/page_type.h>
#include <kestrel/ptwr_decode.h>
#include <kestrel/spinlock.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define EFLAGS_ARITH (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_ZF | X86_EFLAGS_SF | \
		      X86_EFLAGS_OF | (1UL << 4) /* AF */)

/* cpu_regs fields in the hardware encoding order ptwr_decode uses. */
static u64 *gpr(struct cpu_regs *r, unsigned int i)
{
	u64 *const map[PTWR_NR_GPRS] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8,	 &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return map[i];
}

/* Fetch up to PTWR_MAX_INSN_LEN bytes at rip; returns how many could be read. */
static size_t fetch(u64 rip, u8 *buf)
{
	size_t first = MIN((size_t)PTWR_MAX_INSN_LEN, PAGE_SIZE - (rip & (PAGE_SIZE - 1)));

	if (copy_from_guest(buf, rip, first))
		return 0;
	if (first < PTWR_MAX_INSN_LEN &&
	    !copy_from_guest(buf + first, rip + first, PTWR_MAX_INSN_LEN - first))
		return PTWR_MAX_INSN_LEN;
	return first;
}

static bool parity_even(u8 b)
{
	return !__builtin_parity(b);
}

/* Write back what the instruction returns in registers and flags. */
static void commit_regs(struct cpu_regs *regs, struct ptwr_regs *pr, const struct ptwr_insn *in,
			u64 result, bool zf)
{
	u64 fl = regs->rflags;

	switch (in->op) {
	case PTWR_XCHG:
		ptwr_write_reg(pr, in->reg, in->size, result);
		break;
	case PTWR_CMPXCHG:
		if (!zf)
			ptwr_write_reg(pr, PTWR_RAX, in->size, result);
		fl = (fl & ~X86_EFLAGS_ZF) | (zf ? X86_EFLAGS_ZF : 0);
		break;
	case PTWR_AND:
	case PTWR_OR:
		fl &= ~EFLAGS_ARITH;
		fl |= zf ? X86_EFLAGS_ZF : 0;
		fl |= (result >> (in->size * 8 - 1)) & 1 ? X86_EFLAGS_SF : 0;
		fl |= parity_even((u8)result) ? X86_EFLAGS_PF : 0;
		break;
	case PTWR_BTR:
	case PTWR_BTS:
		fl = (fl & ~X86_EFLAGS_CF) | (result ? X86_EFLAGS_CF : 0);
		break;
	default:
		break;
	}
	if (in->string != PTWR_STR_NONE) {
		u64 step = (fl & X86_EFLAGS_DF) ? -(u64)in->size : in->size;

		pr->gpr[PTWR_RDI] += step;
		if (in->string == PTWR_STR_MOVS)
			pr->gpr[PTWR_RSI] += step;
	}
	for (unsigned int i = 0; i < PTWR_NR_GPRS; i++)
		*gpr(regs, i) = pr->gpr[i];
	regs->rflags = fl;
	regs->rip += in->len;
}

/* Emulate the store; 0, or -EINVAL to bounce the fault. Caller holds mm_lock. */
static int emulate(struct vcpu *v, struct cpu_regs *regs, u64 addr, u64 table)
{
	u8 bytes[PTWR_MAX_INSN_LEN];
	struct ptwr_regs pr;
	struct ptwr_insn in = { 0 };
	unsigned int idx = (addr & (PAGE_SIZE - 1)) >> 3;
	u64 old, new, result;
	bool zf;
	int rc;

	for (unsigned int i = 0; i < PTWR_NR_GPRS; i++)
		pr.gpr[i] = *gpr(regs, i);
	if (ptwr_decode(bytes, fetch(regs->rip, bytes), &pr, &in))
		return -EINVAL;
	if (in.string == PTWR_STR_MOVS && copy_from_guest(&in.operand, regs->rsi, in.size))
		return -EINVAL;
	old = ((pv_pte_t *)mfn_to_virt(table))[idx];
	if (ptwr_apply(&in, addr, old, &new, &result, &zf))
		return -EINVAL;
	if (in.op != PTWR_CMPXCHG || zf) {
		rc = pt_update_l1e(v->domain, table, idx, new, false);
		if (rc)
			return rc;
	}
	commit_regs(regs, &pr, &in, result, zf);
	return 0;
}

/**
 * pv_ptwr_fault - try to emulate a guest kernel's write fault at addr as a PTE update.
 * Returns true when it was emulated (the guest continues after the instruction), false
 * when the fault must be delivered to the guest.
 */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, u64 addr)
{
	struct domain *d = v->domain;
	u64 l1, table;
	pv_pte_t e;
	bool done = false;

	/* From guest context: interrupts may come (another CPU holding mm_lock may be
	 * waiting for this one to flush its TLB). The way out disables them again. */
	irq_enable();
	spin_lock(&d->mm_lock);
	if (pv_find_l1(v, addr, &l1))
		goto out;
	e = ((pv_pte_t *)mfn_to_virt(l1))[PT_INDEX(addr, L1_SHIFT)];
	table = PTE_MFN(e);
	if ((e & (PTE_P | PTE_RW)) != PTE_P || !frame_owned_by(d, table) ||
	    (frame_table[table].type_info & (PGT_type_mask | PGT_validated)) !=
		    (PGT_l1_table | PGT_validated))
		goto out;
	done = !emulate(v, regs, addr, table);
out:
	spin_unlock(&d->mm_lock);
	return done;
}
