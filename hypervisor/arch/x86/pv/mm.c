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
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define MMU_UPDATE_PREEMPTED (~(~0U >> 1)) /* top bit of the count: a continuation */
/* How long a hypercall may run before it continues later (0: after every step, which the
 * boot tests use to drive every continuation path). */
static u64 opt_hypercall_budget_us = 500;
integer_param("hypercall_budget_us", opt_hypercall_budget_us);

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
 * writable translation may survive in a TLB of any CPU running one of the domain's vCPUs
 * (those not running have empty TLBs: entering a vCPU flushes everything).
 */
void arch_frame_type_changed(u64 mfn)
{
	struct domain *d = domain_by_id(frame_table[mfn].owner);

	if (d)
		pv_flush_tlb_vcpus(d, ~0ULL, FLUSH_ALL);
	else
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

/* Drop the references a vCPU holds: its roots and its registered vcpu_info frame. */
static void vcpu_release(struct vcpu *v)
{
	u64 *roots[] = { &v->arch.guest_table, &v->arch.guest_table_user,
			 &v->arch.vcpu_info_mfn };

	for (unsigned int i = 0; i < ARRAY_SIZE(roots); i++) {
		if (*roots[i])
			put_page_and_type(mfn_to_page(*roots[i]));
		*roots[i] = 0;
	}
	pv_put_gdt_frames(v->arch.gdt_frames, gdt_nr_frames(v->arch.gdt_ents));
	v->arch.gdt_ents = 0;
}

/* Check every count of the domain's frames against its tables, pins and roots. */
static void audit(struct domain *d)
{
	static u64 held[(3 + FIRST_RESERVED_GDT_PAGE) * MAX_VCPUS]; /* teardown is serial */
	unsigned int n = 0, bad;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct arch_vcpu *a = &d->vcpus[i]->arch;
		const u64 refs[] = { a->guest_table, a->guest_table_user, a->vcpu_info_mfn };

		for (unsigned int k = 0; k < ARRAY_SIZE(refs); k++)
			if (refs[k])
				held[n++] = refs[k];
		for (unsigned int k = 0; k < gdt_nr_frames(a->gdt_ents); k++)
			held[n++] = a->gdt_frames[k];
	}
	bad = pt_audit_domain(d, held, n);
	if (bad)
		printk(KERN_ERR "d%u: audit: %u frames with wrong counts\n", d->domid, bad);
	else
		printk("d%u: audit: every reference and type count is accounted for\n", d->domid);
}

/**
 * arch_domain_relinquish - return all of a stopped domain's memory to the allocator.
 * Runs on the idle page tables. Returns the number of frames freed.
 */
u64 arch_domain_relinquish(struct domain *d)
{
	u64 before = buddy_free_pages(&machine_frames), si = d->arch.shared_info_mfn;

	write_cr3(idle_cr3);
	spin_lock(&d->mm_lock);
	if (opt_testmode)
		audit(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vcpu_release(d->vcpus[i]);
	pt_relinquish(d);
	if (d->arch.shared_info) {
		frame_table[si] = (struct page_info){ .owner = DOMID_NONE };
		buddy_free(&machine_frames, si, 0);
		d->arch.shared_info = NULL;
	}
	spin_unlock(&d->mm_lock);
	return buddy_free_pages(&machine_frames) - before;
}

unsigned int arch_frame_table_check(u16 domid)
{
	unsigned int problems = 0;

	for (u64 mfn = 0; mfn < nr_machine_frames; mfn++) {
		const struct page_info *pg = &frame_table[mfn];
		bool stale = pg->owner == domid ||
			     ((pg->count_info & PGC_free) && (pg->type_info || pg->owner != DOMID_NONE));

		if (!stale)
			continue;
		if (problems++ < 8)
			printk(KERN_ERR "mm: frame %#llx: owner %u count %#llx type %#llx\n",
			       (unsigned long long)mfn, pg->owner,
			       (unsigned long long)pg->count_info,
			       (unsigned long long)pg->type_info);
	}
	return problems;
}

/* ------------------------------------------------------------------ continuations */

/* Has this hypercall run long enough to continue later? Never inside a multicall. */
bool hypercall_preempt_check(void)
{
	return !this_cpu()->in_multicall &&
	       rdtsc() - this_cpu()->hypercall_start_tsc >
		       tsc_hz / 1000000 * opt_hypercall_budget_us;
}

bool arch_preempt_check(void)
{
	return hypercall_preempt_check();
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

enum pg_owner { OWNER_SELF, OWNER_IO, OWNER_XEN };

/*
 * Whose frames an operation names (Xen's get_pg_owner): DOMID_SELF; DOMID_IO or DOMID_XEN
 * for a privileged caller; the caller's own id given as a number is -ESRCH, as in Xen.
 * Other domains' frames come with the toolstack: -EPERM if the domain exists, else -ESRCH.
 */
static int pg_owner(const struct domain *d, u64 domid)
{
	domid = (u16)domid;
	if (domid == DOMID_SELF)
		return OWNER_SELF;
	if (domid == DOMID_IO || domid == DOMID_XEN)
		return d->is_privileged ? (domid == DOMID_IO ? OWNER_IO : OWNER_XEN) : -EPERM;
	if (domid == d->domid || !domain_by_id(domid))
		return -ESRCH;
	return -EPERM;
}

/* mmu_update's page-table owner, (domid + 1) in the upper half of foreigndom. */
static int pt_owner(const struct domain *d, u64 foreigndom)
{
	u64 id = (foreigndom >> 16) & 0xffff;

	if (!id || id - 1 == d->domid)
		return 0;
	return domain_by_id(id - 1) ? -EPERM : -ESRCH;
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
				      cmd == MMU_PT_UPDATE_PRESERVE_AD, true);
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

/* The shape of mmu_update's and mmuext_op's batches. */
struct batch {
	u64 hypercall;    /* its number, for the continuation */
	size_t elem_size; /* bytes per request */
	int owner;        /* enum pg_owner */
	int (*one)(struct vcpu *v, const void *req, int owner);
};

/*
 * Run count requests from list under the domain's mm_lock, stopping at the first failure;
 * the number done goes to *pdone (accumulated across continuations, as Xen does). Page
 * tables released by a request are drained after it. Returns 0, the failing request's
 * error, -EFAULT, or a continuation: when the time is up between requests, inside a
 * request that validates a large tree (it is re-issued), or while draining.
 */
static long run_batch(const struct batch *b, u64 list, u64 count, u64 pdone, u64 foreigndom)
{
	struct vcpu *v = current();
	struct domain *d = v->domain;
	u8 req[sizeof(struct mmuext_op)];
	u32 n = (u32)count, done = 0, i = 0;
	long rc = 0;

	if (n & MMU_UPDATE_PREEMPTED) {
		n &= ~MMU_UPDATE_PREEMPTED;
		if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
			return -EFAULT;
	}
	spin_lock(&d->mm_lock);
	rc = pt_drain(d, true); /* what an earlier call left */
	for (; !rc && i < n; i++) {
		if (i && hypercall_preempt_check()) {
			rc = -ERESTART;
			break;
		}
		if (copy_from_guest(req, list + i * b->elem_size, b->elem_size)) {
			rc = -EFAULT;
			break;
		}
		rc = b->one(v, req, b->owner);
		if (rc == -ERESTART)
			break;
		if (!rc)
			done++;
		if (pt_drain(d, true) == -ERESTART && !rc) {
			i++;
			rc = -ERESTART;
			break;
		}
		if (rc)
			break;
	}
	spin_unlock(&d->mm_lock);
	if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
		return -EFAULT;
	if (rc == -ERESTART)
		return hypercall_continuation(b->hypercall, list + i * b->elem_size,
					      (n - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom);
	return rc;
}

static int mmu_update_req(struct vcpu *v, const void *req, int owner)
{
	return mmu_update_one(v->domain, req);
}

long do_mmu_update(u64 ureqs, u64 count, u64 pdone, u64 foreigndom)
{
	struct domain *d = current()->domain;
	struct batch b = { __HYPERVISOR_mmu_update, sizeof(struct mmu_update), OWNER_SELF,
			   mmu_update_req };
	int rc = pt_owner(d, foreigndom);

	if (!rc)
		rc = pg_owner(d, foreigndom);
	if (rc < 0)
		return rc;
	return run_batch(&b, ureqs, count, pdone, foreigndom);
}

/* ------------------------------------------------------------------ mmuext_op */

/*
 * Replace the root *slot holds (0 = none) by mfn, which must validate as an L4, and load
 * it if it is the one in use. User L1 entries are global (page_type.h), so a new address
 * space flushes global translations too.
 */
static int set_root(struct vcpu *v, u64 *slot, u64 mfn, bool in_use)
{
	u64 old = *slot;

	int rc = mfn ? get_page_and_type_preemptible(mfn_to_page(mfn), v->domain, PGT_l4_table)
		     : 0;

	if (rc)
		return rc == -ERESTART ? rc : -EINVAL;
	*slot = mfn;
	if (in_use)
		pv_load_cr3(v);
	flush_tlb_all_local();
	if (old)
		put_page_and_type(mfn_to_page(old));
	return 0;
}

/* Read the vCPU bitmap of a *_MULTI operation: only its validity matters with one vCPU. */
/* The first 64 bits of a guest vCPU bitmap (MAX_VCPUS fit). */
static int read_vcpumask(u64 ptr, u64 *mask)
{
	return copy_from_guest(mask, ptr, sizeof(*mask)) ? -EFAULT : 0;
}

/*
 * The TLB operations: the caller's CPU only (LOCAL), every CPU running a vCPU of the
 * domain (ALL), or those running the vCPUs of a bitmap (MULTI); done when they return.
 */
static int mmuext_flush(struct vcpu *v, const struct mmuext_op *op)
{
	bool one_page = op->cmd == MMUEXT_INVLPG_LOCAL || op->cmd == MMUEXT_INVLPG_MULTI ||
			op->cmd == MMUEXT_INVLPG_ALL;
	u64 va = one_page ? op->arg1.linear_addr : FLUSH_ALL, mask = 0;

	if (one_page && !guest_range_ok(va, 1))
		return 0; /* nothing of the guest's there to flush */
	if (op->cmd == MMUEXT_TLB_FLUSH_MULTI || op->cmd == MMUEXT_INVLPG_MULTI) {
		if (read_vcpumask((u64)op->arg2.vcpumask, &mask))
			return -EFAULT;
	} else if (op->cmd == MMUEXT_TLB_FLUSH_ALL || op->cmd == MMUEXT_INVLPG_ALL) {
		mask = ~0ULL;
	}
	pv_flush_tlb_vcpus(v->domain, mask, va);
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

static int mmuext_one(struct vcpu *v, const struct mmuext_op *op, int owner)
{
	struct domain *d = v->domain;

	if (owner != OWNER_SELF)
		/* frames of DOMID_IO/XEN are never the caller's to pin; nothing else applies */
		return op->cmd <= MMUEXT_UNPIN_TABLE ? -EINVAL : -EPERM;
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pt_pin(d, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1, true);
	case MMUEXT_UNPIN_TABLE:
		return pt_unpin(d, op->arg1.mfn);
	case MMUEXT_NEW_BASEPTR:
		if (!op->arg1.mfn)
			return -EINVAL;
		return set_root(v, &v->arch.guest_table, op->arg1.mfn, v->arch.kernel_mode);
	case MMUEXT_NEW_USER_BASEPTR:
		return set_root(v, &v->arch.guest_table_user, op->arg1.mfn, !v->arch.kernel_mode);
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		return mmuext_flush(v, op);
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
	case MMUEXT_MARK_SUPER:
	case MMUEXT_UNMARK_SUPER:
		return -EOPNOTSUPP; /* no guest superpages */
	default:
		return -ENOSYS;
	}
}

static int mmuext_req(struct vcpu *v, const void *req, int owner)
{
	return mmuext_one(v, req, owner);
}

long do_mmuext_op(u64 ops, u64 count, u64 pdone, u64 foreigndom)
{
	struct batch b = { __HYPERVISOR_mmuext_op, sizeof(struct mmuext_op),
			   pg_owner(current()->domain, foreigndom), mmuext_req };

	if (b.owner < 0)
		return b.owner;
	return run_batch(&b, ops, count, pdone, foreigndom);
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

/* update_va_mapping's flush: this vCPU (LOCAL), all of the domain's, or a bitmap's. */
static int uva_flush(struct domain *d, u64 va, u64 flags)
{
	unsigned int type = flags & UVMF_FLUSHTYPE_MASK;
	u64 ptr = flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL), mask = 0;

	if (type != UVMF_TLB_FLUSH && type != UVMF_INVLPG)
		return 0; /* UVMF_NONE, and 3, which Xen also ignores */
	if (flags & UVMF_ALL)
		mask = ~0ULL;
	else if (ptr && read_vcpumask(ptr, &mask))
		return -EFAULT;
	pv_flush_tlb_vcpus(d, mask, type == UVMF_INVLPG ? va : FLUSH_ALL);
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
	rc = pt_drain(d, true);
	if (!rc)
		rc = pv_find_l1(v, va, &l1);
	if (!rc)
		rc = pt_update_l1e(d, l1, PT_INDEX(va, L1_SHIFT), val, false);
	spin_unlock(&d->mm_lock);
	if (rc == -ERESTART)
		return hypercall_continuation(__HYPERVISOR_update_va_mapping, va, val, flags, 0);
	if (rc)
		return rc;
	return uva_flush(d, va, flags);
}

long do_update_va_mapping(u64 va, u64 val, u64 flags)
{
	return update_va(current(), va, val, flags);
}

long do_update_va_mapping_otherdomain(u64 va, u64 val, u64 flags, u64 domid)
{
	struct vcpu *v = current();
	int rc = pg_owner(v->domain, domid);

	if (rc < 0)
		return rc;
	return update_va(v, va, val, flags);
}
