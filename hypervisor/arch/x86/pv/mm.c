/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping(_otherdomain), plus the
 * x86 hooks of the frame type system (common/page_type.c) and the domain's frame
 * allocation. The handlers copy their arguments in, check them and call the type
 * system's workers under the domain's mm_lock; they know the guest ABI, the workers the
 * rules.
 *
 * Long batches are preemptible: between two entries a handler that has run past its time
 * budget rewrites the guest's registers to re-issue the call for the rest (Xen's
 * continuation encoding: MMU_UPDATE_PREEMPTED in the count, the done count carried in
 * *pdone) and returns to the guest, which re-executes the SYSCALL.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define MMU_UPDATE_PREEMPTED (~(~0U >> 1)) /* top bit of the count: a continuation */
#define PREEMPT_BUDGET_US 500

/* ------------------------------------------------------------------ type system hooks */

void *arch_frame_virt(u64 mfn)
{
	return mfn_to_virt(mfn);
}

void arch_fill_hypervisor_l4(pv_pte_t *l4)
{
	const pte_t *idle = maddr_to_virt(idle_cr3);

	for (unsigned int i = PV_HYP_L4_FIRST; i <= PV_HYP_L4_LAST; i++)
		l4[i] = idle[i];
}

/*
 * A frame that had the writable type becomes a page table or descriptor page: a stale
 * writable translation may survive in a TLB. One vCPU per physical CPU so far, so the
 * local flush covers every CPU the domain ran on since the mapping went.
 */
void arch_frame_type_changed(u64 mfn)
{
	flush_tlb_all_local();
}

void arch_free_frame(struct page_info *pg)
{
	struct domain *d = domain_by_id(pg->owner);
	u64 mfn = page_to_mfn(pg);

	list_del(&pg->list);
	if (d)
		d->tot_pages--;
	machine_to_phys[mfn] = ~0ULL;
	pg->owner = DOMID_NONE;
	pg->type_info = 0;
	pg->count_info = 0;
	buddy_free(&machine_frames, mfn, 0);
}

/**
 * domain_alloc_frames - give d 2^order fresh, zeroed frames (allocated, type none).
 * Returns the first mfn, or MFN_INVALID when the domain is at its limit or memory is
 * short. Caller holds d->mm_lock (or is the builder).
 */
u64 domain_alloc_frames(struct domain *d, unsigned int order)
{
	u64 n = 1ULL << order, mfn;

	if (d->tot_pages + n > d->max_pages)
		return MFN_INVALID;
	mfn = buddy_alloc(&machine_frames, order);
	if (mfn == MFN_INVALID)
		return MFN_INVALID;
	for (u64 k = 0; k < n; k++) {
		struct page_info *pg = &frame_table[mfn + k];

		/* the buddy hands out a block as one; each frame is freed on its own */
		pg->count_info = PGC_allocated | 1;
		pg->type_info = PGT_none;
		pg->owner = d->domid;
		pg->order = 0;
		list_add_tail(&pg->list, &d->page_list);
		memset(mfn_to_virt(mfn + k), 0, PAGE_SIZE);
	}
	d->tot_pages += n;
	return mfn;
}

/* ------------------------------------------------------------------ continuations */

/* Has this hypercall run long enough to continue later? Never inside a multicall. */
bool hypercall_preempt_check(void)
{
	return !this_cpu()->in_multicall &&
	       rdtsc() - this_cpu()->hypercall_start_tsc > tsc_hz / 1000000 * PREEMPT_BUDGET_US;
}

/* Make the guest re-issue hypercall nr with these arguments when it resumes. */
long hypercall_continuation(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct cpu_regs *r = guest_regs();

	r->rip -= 2; /* back onto the SYSCALL */
	r->rax = nr;
	r->rdi = a1;
	r->rsi = a2;
	r->rdx = a3;
	r->r10 = a4;
	return HYPERCALL_NO_RETURN_VALUE;
}

/* ------------------------------------------------------------------ foreign domains */

/* The domain whose frames an operation names: only the caller itself for now. */
static int check_foreign(struct domain *d, u64 domid)
{
	domid = (u16)domid;
	if (domid == DOMID_SELF || domid == d->domid)
		return 0;
	if (domid == DOMID_IO && d->is_privileged)
		return 0; /* I/O frames: checked entry by entry */
	if (!d->is_privileged)
		return -EPERM;
	return domain_by_id(domid) ? -EPERM : -ESRCH;
}

/* ------------------------------------------------------------------ mmu_update */

static int mmu_update_one(struct domain *d, const struct mmu_update *req)
{
	unsigned int cmd = req->ptr & 7;
	u64 mfn = req->ptr >> PAGE_SHIFT;
	struct page_info *pg;

	switch (cmd) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_PRESERVE_AD:
	case MMU_PT_UPDATE_NO_TRANSLATE:
		return pt_write_entry(d, mfn, (req->ptr & (PAGE_SIZE - 1)) >> 3, req->val,
				      cmd == MMU_PT_UPDATE_PRESERVE_AD);
	case MMU_MACHPHYS_UPDATE:
		pg = mfn_to_page(mfn);
		if (get_page(pg, d))
			return -EINVAL;
		machine_to_phys[mfn] = req->val;
		put_page(pg);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_mmu_update(u64 ureqs, u64 count, u64 pdone, u64 foreigndom)
{
	struct domain *d = current()->domain;
	struct mmu_update req;
	u32 n = (u32)count, done = 0, i;
	long rc;

	if (n & MMU_UPDATE_PREEMPTED) {
		n &= ~MMU_UPDATE_PREEMPTED;
		if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
			return -EFAULT;
	}
	rc = check_foreign(d, foreigndom);
	if (rc)
		return rc;
	spin_lock(&d->mm_lock);
	for (i = 0; i < n; i++) {
		if (i && hypercall_preempt_check()) {
			spin_unlock(&d->mm_lock);
			if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
				return -EFAULT;
			return hypercall_continuation(__HYPERVISOR_mmu_update,
						      ureqs + i * sizeof(req),
						      (n - i) | MMU_UPDATE_PREEMPTED, pdone,
						      foreigndom);
		}
		if (copy_from_guest(&req, ureqs + i * sizeof(req), sizeof(req))) {
			rc = -EFAULT;
			break;
		}
		rc = mmu_update_one(d, &req);
		if (rc)
			break;
		done++;
	}
	spin_unlock(&d->mm_lock);
	if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
		return -EFAULT;
	return rc;
}

/* ------------------------------------------------------------------ mmuext_op */

/* Replace the root *slot holds (0 = none) by mfn, which must validate as an L4. */
static int set_root(struct domain *d, u64 *slot, u64 mfn)
{
	u64 old = *slot;

	if (mfn && get_page_and_type(mfn_to_page(mfn), d, PGT_l4_table))
		return -EINVAL;
	*slot = mfn;
	if (old)
		put_page_and_type(mfn_to_page(old));
	return 0;
}

/* Read the vCPU bitmap of a *_MULTI operation: only its validity matters with one vCPU. */
static int read_vcpumask(u64 ptr)
{
	u64 mask;

	return copy_from_guest(&mask, ptr, sizeof(mask)) ? -EFAULT : 0;
}

static int flush_va(u64 va)
{
	if (guest_range_ok(va, 1))
		invlpg(va);
	return 0;
}

static int page_op(struct domain *d, u64 dst, u64 src, bool copy)
{
	struct page_info *dpg = mfn_to_page(dst), *spg = mfn_to_page(src);
	int rc = -EINVAL;

	if (get_page_and_type(dpg, d, PGT_writable))
		return -EINVAL;
	if (!copy) {
		memset(mfn_to_virt(dst), 0, PAGE_SIZE);
		rc = 0;
	} else if (!get_page(spg, d)) {
		memcpy(mfn_to_virt(dst), mfn_to_virt(src), PAGE_SIZE);
		put_page(spg);
		rc = 0;
	}
	put_page_and_type(dpg);
	return rc;
}

static int set_ldt(struct vcpu *v, u64 base, u64 ents)
{
	if (ents > 8192 || (base & (PAGE_SIZE - 1)) ||
	    (ents && !guest_range_ok(base, ents * 8)))
		return -EINVAL;
	v->arch.ldt_base = base;
	v->arch.ldt_ents = ents;
	return 0;
}

static int mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	int rc;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pt_pin(d, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
	case MMUEXT_UNPIN_TABLE:
		return pt_unpin(d, op->arg1.mfn);
	case MMUEXT_NEW_BASEPTR:
		if (!op->arg1.mfn)
			return -EINVAL;
		rc = set_root(d, &v->arch.guest_table, op->arg1.mfn);
		if (!rc && v->arch.kernel_mode)
			pv_load_cr3(v);
		return rc;
	case MMUEXT_NEW_USER_BASEPTR:
		rc = set_root(d, &v->arch.guest_table_user, op->arg1.mfn);
		if (!rc && !v->arch.kernel_mode)
			pv_load_cr3(v);
		return rc;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		if (read_vcpumask((u64)op->arg2.vcpumask))
			return -EFAULT;
		/* every vCPU of the domain runs on this CPU */
		__attribute__((fallthrough));
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		if (op->cmd == MMUEXT_INVLPG_LOCAL || op->cmd == MMUEXT_INVLPG_MULTI ||
		    op->cmd == MMUEXT_INVLPG_ALL)
			return flush_va(op->arg1.linear_addr);
		flush_tlb_all_local();
		return 0;
	case MMUEXT_FLUSH_CACHE:
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		if (!d->is_privileged)
			return -EACCES;
		wbinvd();
		return 0;
	case MMUEXT_SET_LDT:
		return set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
	case MMUEXT_CLEAR_PAGE:
		return page_op(d, op->arg1.mfn, 0, false);
	case MMUEXT_COPY_PAGE:
		return page_op(d, op->arg1.mfn, op->arg2.src_mfn, true);
	default:
		return -ENOSYS;
	}
}

long do_mmuext_op(u64 ops, u64 count, u64 pdone, u64 foreigndom)
{
	struct vcpu *v = current();
	struct domain *d = v->domain;
	struct mmuext_op op;
	u32 n = (u32)count, done = 0, i;
	long rc;

	if (n & MMU_UPDATE_PREEMPTED) {
		n &= ~MMU_UPDATE_PREEMPTED;
		if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
			return -EFAULT;
	}
	rc = check_foreign(d, foreigndom);
	if (rc)
		return rc;
	spin_lock(&d->mm_lock);
	for (i = 0; i < n; i++) {
		if (i && hypercall_preempt_check()) {
			spin_unlock(&d->mm_lock);
			if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
				return -EFAULT;
			return hypercall_continuation(__HYPERVISOR_mmuext_op,
						      ops + i * sizeof(op),
						      (n - i) | MMU_UPDATE_PREEMPTED, pdone,
						      foreigndom);
		}
		if (copy_from_guest(&op, ops + i * sizeof(op), sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		rc = mmuext_one(v, &op);
		if (rc)
			break;
		done++;
	}
	spin_unlock(&d->mm_lock);
	if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
		return -EFAULT;
	return rc;
}

/* ------------------------------------------------------------------ update_va_mapping */

/* The validated L1 that holds the entry for va in v's kernel tables. 0 or -EINVAL. */
int pv_find_l1(struct vcpu *v, u64 va, u64 *l1_mfn)
{
	u64 mfn = v->arch.guest_table;

	for (unsigned int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9) {
		pte_t e = ((pte_t *)mfn_to_virt(mfn))[PT_INDEX(va, shift)];

		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return -EINVAL;
		mfn = PTE_MFN(e);
		if (!frame_owned_by(v->domain, mfn))
			return -EINVAL;
	}
	if ((frame_table[mfn].type_info & (PGT_type_mask | PGT_validated)) !=
	    (PGT_l1_table | PGT_validated))
		return -EINVAL;
	*l1_mfn = mfn;
	return 0;
}

static int uva_flush(u64 va, u64 flags)
{
	unsigned int type = flags & UVMF_FLUSHTYPE_MASK;
	u64 mask = flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL);

	if (type == UVMF_NONE)
		return 0;
	if (!(flags & UVMF_ALL) && mask && read_vcpumask(mask))
		return -EFAULT;
	if (type == UVMF_INVLPG)
		invlpg(va);
	else
		flush_tlb_all_local();
	return 0;
}

static long update_va(struct vcpu *v, u64 va, u64 val, u64 flags)
{
	struct domain *d = v->domain;
	u64 l1;
	int rc;

	if (!guest_range_ok(va, 1))
		return -EINVAL;
	spin_lock(&d->mm_lock);
	rc = pv_find_l1(v, va, &l1);
	if (!rc)
		rc = pt_update_l1e(d, l1, PT_INDEX(va, L1_SHIFT), val, false);
	spin_unlock(&d->mm_lock);
	if (rc)
		return rc;
	return uva_flush(va, flags);
}

long do_update_va_mapping(u64 va, u64 val, u64 flags)
{
	return update_va(current(), va, val, flags);
}

long do_update_va_mapping_otherdomain(u64 va, u64 val, u64 flags, u64 domid)
{
	struct vcpu *v = current();
	int rc = check_foreign(v->domain, domid);

	if (rc)
		return rc;
	return update_va(v, va, val, flags);
}
