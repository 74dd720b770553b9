/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small per-vCPU hypercalls: stack_switch, fpu_taskswitch, set_segment_base, vm_assist,
 * debug registers, and the descriptor-table calls set_gdt and update_descriptor with
 * Xen's descriptor rules (code and data segments are fine with their DPL raised to 3,
 * type 0 is fine, call gates only to guest code, everything else is refused).
 * mmuext_op serves the few commands PV kernels need before the full PV MMU exists.
 */
#include <kestrel/errno.h>
#include <kestrel/sched.h>
#include <kestrel/page_type.h>
#include <kestrel/spinlock.h>
#include <kestrel/guest_access.h>
#include <kestrel/lib.h>
#include <kestrel/kernel.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <public/physdev.h>
#include <public/vcpu.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define SEG_P (1U << 15)
#define SEG_S (1U << 12)
#define SEG_DPL (3U << 13)
#define SEG_TYPE (0xfU << 8)
#define SEG_TYPE_CALL_GATE (0xcU << 8)

/* Debug registers are kept per vCPU; not loaded into the hardware yet. */

long do_stack_switch(u64 ss, u64 sp)
{
	struct vcpu *v = current();

	v->arch.kernel_ss = ss | 3;
	v->arch.kernel_sp = sp;
	return 0;
}

long do_fpu_taskswitch(u64 set)
{
	struct vcpu *v = current();

	set = (u32)set; /* an int in the ABI */
	v->arch.fpu_ts = set != 0;
	if (set)
		write_cr0(read_cr0() | X86_CR0_TS);
	else
		write_cr0(read_cr0() & ~X86_CR0_TS);
	return 0;
}

/* Load a user GS selector: its base becomes the user GS base; a bad one loads null. */
static long load_user_gs_selector(struct vcpu *v, u16 sel)
{
	u64 kernel_base = rdmsr(MSR_GS_BASE);

	if (!load_gs_selector(sel))
		load_gs_selector(0);
	v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
	wrmsr(MSR_GS_BASE, kernel_base);
	return 0;
}

long do_set_segment_base(u64 which, u64 base)
{
	struct vcpu *v = current();

	switch ((u32)which) { /* an unsigned int in the ABI */
	case SEGBASE_FS:
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	case SEGBASE_GS_USER:
		if (!is_canonical(base))
			return -EINVAL;
		v->arch.gs_base_user = base;
		return 0;
	case SEGBASE_GS_KERNEL:
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_GS_BASE, base);
		v->arch.gs_base_kernel = base;
		return 0;
	case SEGBASE_GS_USER_SEL:
		return load_user_gs_selector(v, (u16)base | 3); /* guest selectors are RPL 3 */
	default:
		return -EINVAL;
	}
}

#define VMASST_VALID                                                                           \
	((1ULL << VMASST_TYPE_4gb_segments) | (1ULL << VMASST_TYPE_4gb_segments_notify) |      \
	 (1ULL << VMASST_TYPE_writable_pagetables) | (1ULL << VMASST_TYPE_pae_extended_cr3) |  \
	 (1ULL << VMASST_TYPE_architectural_iopl) | (1ULL << VMASST_TYPE_runstate_update_flag) | \
	 (1ULL << VMASST_TYPE_m2p_strict))

long do_vm_assist(u64 cmd, u64 type)
{
	struct vcpu *v = current();

	if (type >= 64 || !(VMASST_VALID & (1ULL << type)))
		return -EINVAL;
	switch (cmd) {
	case VMASST_CMD_enable:
		v->arch.vm_assist |= 1ULL << type;
		return 0;
	case VMASST_CMD_disable:
		v->arch.vm_assist &= ~(1ULL << type);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_set_debugreg(u64 reg, u64 value)
{
	struct vcpu *v = current();

	if (reg > 7 || reg == 4 || reg == 5)
		return -EINVAL;
	if (reg < 4 && !guest_range_ok(value, 8))
		return -EPERM;
	v->arch.debugreg[reg] = value;
	return 0;
}

/* A #DB for the guest: remember DR6 for get_debugreg(6), clear the hardware's. */
void pv_record_dr6(struct vcpu *v)
{
	u64 dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	v->arch.debugreg[6] = dr6;
	__asm__ volatile("mov %0, %%dr6" ::"r"(0xffff0ff0UL));
}

long do_get_debugreg(u64 reg)
{
	struct vcpu *v = current();

	if (reg > 7 || reg == 4 || reg == 5)
		return -EINVAL;
	return (long)v->arch.debugreg[reg];
}

/* Xen's descriptor rules for 64-bit PV guests; fixes the DPL in place. */
static bool check_descriptor(u64 *desc)
{
	u32 a = (u32)*desc, b = (u32)(*desc >> 32);

	if (!(b & SEG_P))
		return true;
	if (!(b & SEG_S) && !(b & SEG_TYPE))
		return true; /* type 0: the second half of a call gate, kept as it is */
	b |= SEG_DPL; /* every guest segment is ring 3 */
	if (!(b & SEG_S)) {
		if ((b & SEG_TYPE) != SEG_TYPE_CALL_GATE || (b & 0xff))
			return false;
		if ((a >> 16) >= (FIRST_RESERVED_GDT_ENTRY << 3) &&
		    (a >> 16 | 3) != FLAT_RING3_CS64)
			return false;
		a |= 3 << 16; /* the gate's target selector at RPL 3 */
	}
	*desc = ((u64)b << 32) | a;
	return true;
}

/*
 * Every descriptor of a frame that becomes part of a GDT or LDT must be safe. As in Xen,
 * fixable ones are fixed in place (a ring-0 DPL becomes ring 3: PV Linux's boot GDT has
 * them); an unsafe one (a call gate to a hypervisor selector...) refuses the frame.
 */
int arch_validate_desc_page(u64 mfn)
{
	u64 *desc = mfn_to_virt(mfn);

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
		u64 d = desc[i];

		if (!check_descriptor(&d))
			return -EINVAL;
		desc[i] = d;
	}
	return 0;
}

/*
 * Put v's GDT (checked descriptors in its seg_desc frames) into this CPU's GDT, below the
 * hypervisor's reserved entries, clearing what the previous vCPU left there. Run when v
 * is entered and when its GDT or one of its descriptors changes while it runs.
 */
void pv_load_guest_gdt(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	unsigned int n = v->arch.gdt_ents;

	for (unsigned int i = 0; i < n; i++)
		pc->gdt[i] = ((const u64 *)mfn_to_virt(v->arch.gdt_frames[i / 512]))[i % 512];
	if (pc->guest_gdt_ents > n)
		memset(&pc->gdt[n], 0, (pc->guest_gdt_ents - n) * sizeof(u64));
	pc->guest_gdt_ents = n;
}

/* Is mfn one of the frames of v's GDT? */
static bool in_gdt(const struct vcpu *v, u64 mfn)
{
	for (unsigned int i = 0; i < gdt_nr_frames(v->arch.gdt_ents); i++)
		if (v->arch.gdt_frames[i] == mfn)
			return true;
	return false;
}

/*
 * update_descriptor: a checked store into a frame of the guest's that is a descriptor page
 * in use or could be mapped writable (not a page table).
 */
long do_update_descriptor(u64 maddr, u64 desc)
{
	struct domain *d = current()->domain;
	struct page_info *pg = mfn_to_page(maddr >> PAGE_SHIFT);
	u64 type;
	long rc = -EINVAL;

	if ((maddr & 7) || !check_descriptor(&desc))
		return -EINVAL;
	spin_lock(&d->mm_lock);
	if (get_page(pg, d))
		goto out;
	type = (pg->type_info & PGT_type_mask) == PGT_seg_desc && (pg->type_info & PGT_count_mask)
		       ? PGT_seg_desc
		       : PGT_writable;
	if (!get_page_type(pg, type)) {
		*(u64 *)maddr_to_virt(maddr) = desc;
		put_page_type(pg);
		rc = 0;
		if (type == PGT_seg_desc && in_gdt(current(), maddr >> PAGE_SHIFT))
			pv_load_guest_gdt(current()); /* the CPU's copy follows */
	}
	put_page(pg);
out:
	spin_unlock(&d->mm_lock);
	return rc;
}

void pv_put_gdt_frames(const u64 *frames, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		put_page_and_type(mfn_to_page(frames[i]));
}

int pv_get_gdt_frames(struct domain *d, const u64 *frames, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (get_page_and_type(mfn_to_page(frames[i]), d, PGT_seg_desc)) {
			pv_put_gdt_frames(frames, i);
			return -EINVAL;
		}
	return 0;
}

/*
 * set_gdt: the frames must be the guest's, free of writable mappings, and hold only safe
 * descriptors; they keep the descriptor type while they are the GDT.
 */
long do_set_gdt(u64 list, u64 entries)
{
	struct vcpu *v = current();
	struct domain *d = v->domain;
	unsigned int nr = gdt_nr_frames(entries);
	u64 frames[FIRST_RESERVED_GDT_PAGE];

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	if (copy_from_guest(frames, list, nr * sizeof(u64)))
		return -EFAULT;
	spin_lock(&d->mm_lock);
	if (pv_get_gdt_frames(d, frames, nr)) {
		spin_unlock(&d->mm_lock);
		return -EINVAL;
	}
	pv_put_gdt_frames(v->arch.gdt_frames, gdt_nr_frames(v->arch.gdt_ents));
	memcpy(v->arch.gdt_frames, frames, nr * sizeof(u64));
	v->arch.gdt_ents = entries;
	pv_load_guest_gdt(v);
	spin_unlock(&d->mm_lock);
	return 0;
}

u64 arch_hypervisor_virt_start(void)
{
	return HYPERVISOR_VIRT_START;
}

/*
 * VCPUOP_register_vcpu_info: move v's vcpu_info into a frame of its own domain, held with
 * a writable type reference so that it can be neither given back nor made a page table
 * while the hypervisor writes it.
 */
int arch_vcpu_register_vcpu_info(struct vcpu *v, u64 mfn, u64 offset)
{
	struct domain *d = v->domain;
	struct vcpu_info *nv;
	int rc;

	if (offset > PAGE_SIZE - sizeof(struct vcpu_info) || (offset & 7))
		return -ENXIO;
	if (v->arch.vcpu_info_moved || (v != current() && v->state != VCPU_DOWN))
		return -EINVAL;
	spin_lock(&d->mm_lock);
	rc = get_page_and_type(mfn_to_page(mfn), d, PGT_writable);
	spin_unlock(&d->mm_lock);
	if (rc)
		return -EINVAL;
	nv = (struct vcpu_info *)((u8 *)mfn_to_virt(mfn) + offset);
	memcpy(nv, v->arch.vcpu_info, sizeof(*nv));
	/* Everything pending once, so nothing raised during the move is lost. */
	nv->evtchn_upcall_pending = 1;
	nv->evtchn_pending_sel = ~0UL;
	v->arch.vcpu_info = nv;
	v->arch.vcpu_info_mfn = mfn;
	v->arch.vcpu_info_moved = true;
	return 0;
}

/* Run-state accounting: the scheduler keeps the time in each state. */
void arch_vcpu_runstate(struct vcpu *v, struct vcpu_runstate_info *rs)
{
	unsigned int state;
	u64 entry, time[4];

	sched_runstate(v, now_ns(), &state, &entry, time);
	memset(rs, 0, sizeof(*rs));
	rs->state = state;
	rs->state_entry_time = entry;
	memcpy(rs->time, time, sizeof(rs->time));
}

/*
 * Write v's runstate area (best effort: an unmapped area is skipped, as Xen does). With
 * VMASST_TYPE_runstate_update_flag the guest sees XEN_RUNSTATE_UPDATE in
 * state_entry_time while the rest changes, so a reader on another vCPU can retry.
 */
void arch_vcpu_update_runstate(struct vcpu *v)
{
	struct vcpu_runstate_info rs;
	u64 entry_va = v->arch.runstate_area + offsetof(struct vcpu_runstate_info,
							  state_entry_time);
	bool flag = v->arch.vm_assist & (1ULL << VMASST_TYPE_runstate_update_flag);

	if (!v->arch.runstate_area || v != current())
		return;
	arch_vcpu_runstate(v, &rs);
	if (flag) {
		u64 busy = rs.state_entry_time | XEN_RUNSTATE_UPDATE;

		if (copy_to_guest(entry_va, &busy, sizeof(busy)))
			return;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
	}
	copy_to_guest(v->arch.runstate_area, &rs, sizeof(rs));
	if (flag) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rs.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
		copy_to_guest(entry_va, &rs.state_entry_time, sizeof(rs.state_entry_time));
	}
}

/* The boot CPU joins the others in the scheduler's idle loop once the guests are started. */
void __noreturn arch_run_guests(void)
{
	pv_enter_scheduler();
}

/*
 * physdev_op: only the virtual IOPL so far. Port I/O from a guest kernel is emulated when
 * its IOPL admits it (pv/emulate.c); the physical-IRQ and PCI operations come with
 * device passthrough.
 */
long do_physdev_op(u64 cmd, u64 arg)
{
	struct vcpu *v = current();

	switch ((u32)cmd) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.iopl > 3)
			return -EINVAL;
		v->arch.iopl = s.iopl;
		return 0;
	}
	default:
		return -ENOSYS;
	}
}
