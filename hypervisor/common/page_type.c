/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame ownership, references and types (the model is described in page_type.h).
 *
 * Layout of this file: references (general and type), the per-level entry rules, table
 * validation and devalidation, entry updates, pinning, teardown and the audit.
 *
 * Validation and devalidation recurse at most four levels deep (L4 -> L3 -> L2 -> L1),
 * since an Ln entry may only reference an L(n-1) table.
 */
#include <kestrel/domain.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <kestrel/printk.h>

/* Flags allowed in an entry of each level, beside the frame number. */
#define BASE_ALLOWED \
	(PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_AVAIL | PTE_AVAIL_HIGH | PTE_NX)
#define L1_CACHE (PTE_PWT | PTE_PCD | PTE_PSE /* PAT */)
#define L1_ALLOWED (BASE_ALLOWED | PTE_G | L1_CACHE)
#define UPPER_ALLOWED BASE_ALLOWED


struct page_info *mfn_to_page(u64 mfn)
{
	return mfn < nr_machine_frames ? &frame_table[mfn] : NULL;
}

u64 page_to_mfn(const struct page_info *pg)
{
	return (u64)(pg - frame_table);
}

static u64 type_of(const struct page_info *pg)
{
	return pg->type_info & PGT_type_mask;
}

static u64 type_count(const struct page_info *pg)
{
	return pg->type_info & PGT_count_mask;
}

static bool is_pt_type(u64 type)
{
	return type >= PGT_l1_table && type <= PGT_l4_table;
}

static unsigned int level_of(u64 type)
{
	return (unsigned int)(type >> PGT_type_shift);
}

/* ------------------------------------------------------------------ general references */

int get_page(struct page_info *pg, const struct domain *d)
{
	if (!pg || pg->owner != d->domid || !(pg->count_info & PGC_allocated) ||
	    (pg->count_info & (PGC_free | PGC_reserved)))
		return -EINVAL;
	if ((pg->count_info & PGC_count_mask) == PGC_count_mask)
		return -EINVAL; /* cannot overflow: refuse instead */
	pg->count_info++;
	return 0;
}

void put_page(struct page_info *pg)
{
	if (!(pg->count_info & PGC_count_mask)) {
		printk(KERN_ERR "mm: put_page on frame %#llx with no references\n",
		       (unsigned long long)page_to_mfn(pg));
		return;
	}
	pg->count_info--;
	if (!(pg->count_info & PGC_count_mask) && !(pg->count_info & PGC_allocated))
		arch_free_frame(pg);
}

/* ------------------------------------------------------------------ entry rules */

/* Frames no domain can own: beyond the frame table, or RAM nobody was given (low MiB). */
static bool is_io_frame(u64 mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	return !pg || ((pg->count_info & PGC_reserved) && pg->owner == DOMID_NONE);
}

/* Check an L1 entry and take what it holds: a reference, and the writable type if RW. */
static int get_l1e(const struct domain *d, pv_pte_t *ep)
{
	pv_pte_t e = *ep;
	u64 mfn = PTE_MFN(e);
	struct page_info *pg;

	if (!(e & PTE_P))
		return 0;
	if (e & ~PTE_MFN_MASK & ~L1_ALLOWED)
		return -EINVAL;
	if ((e & L1_CACHE) && !d->is_privileged)
		return -EINVAL;
	if (mfn == PTE_MFN(PTE_MFN_MASK))
		return -EINVAL; /* the all-ones frame number */
	if (is_io_frame(mfn)) {
		if (!d->is_privileged || mfn >> (arch_paddr_bits() - 12))
			return -EPERM;
		if (!(e & (PTE_PWT | PTE_PCD)))
			*ep = e | PTE_PWT | PTE_PCD; /* I/O is never cached write-back */
		return 0; /* no page_info references */
	}
	pg = mfn_to_page(mfn);
	if (get_page(pg, d))
		return -EBUSY;
	if ((e & PTE_RW) && get_page_type(pg, PGT_writable)) {
		put_page(pg);
		return -EBUSY;
	}
	return 0;
}

/* Drop what a present entry of a validated table holds. */
static void put_entry(pv_pte_t e, unsigned int level)
{
	struct page_info *pg = mfn_to_page(PTE_MFN(e));

	if (!(e & PTE_P))
		return;
	if (level > 1) {
		put_page_and_type(pg);
		return;
	}
	if (is_io_frame(PTE_MFN(e)))
		return; /* an I/O mapping held nothing */
	if (e & PTE_RW)
		put_page_type(pg);
	put_page(pg);
}

/* The value stored for a checked guest entry, adjusted as Xen does (see page_type.h). */
static pv_pte_t adjust_entry(pv_pte_t e, unsigned int level)
{
	if (!(e & PTE_P))
		return e;
	if (level > 1)
		return e | PTE_US | (level == 4 ? PTE_A : 0);
	if (!(e & PTE_US))
		e |= PTE_US | PTE_GUEST_KERNEL;
	if (!(e & PTE_GUEST_KERNEL))
		e |= PTE_G; /* a user page */
	return e;
}

static bool is_guest_slot(unsigned int level, unsigned int idx)
{
	return level != 4 || idx < PV_HYP_L4_FIRST || idx > PV_HYP_L4_LAST;
}

/* ------------------------------------------------------------------ validation
 *
 * Work on a large tree is done in bounded steps. Besides validated and not validated, a
 * frame of level 2-4 can be
 *   VALIDATING (PGT_partial): entries [0, nr_validated) hold their references; the frame
 *     holds one type and one general reference for whoever completes the validation: the
 *     operation that started it when the guest re-issues it, or any other that asks for
 *     the same type first (it resumes instead of counting a new reference);
 *   DYING (PGT_dying): its last type reference went, or its validation failed; entries
 *     [0, nr_validated) still hold references, which pt_drain() releases; until then the
 *     frame keeps exactly one type and one general reference, so its type cannot change.
 * DYING frames wait on the domain's stack (d->dying). The drain works depth-first: a child
 * that becomes DYING is drained before its parent goes on, so the stack stays short.
 * L1 frames never enter either state: validating or releasing one is 512 entries.
 */

static int get_table(struct page_info *pg, const struct domain *d, u64 type, bool pre);

static int get_entry(const struct domain *d, pv_pte_t *e, unsigned int level, bool pre)
{
	if (level == 1)
		return get_l1e(d, e);
	if (!(*e & PTE_P))
		return 0;
	if (*e & ~PTE_MFN_MASK & ~UPPER_ALLOWED)
		return -EINVAL;
	return get_table(mfn_to_page(PTE_MFN(*e)), d, pgt_of_level(level - 1), pre);
}

static void release_now(struct page_info *pg);

/* pg (type count 1, one general reference) releases entries [0, nr) later, in pt_drain(). */
static void push_dying(struct domain *d, struct page_info *pg, unsigned int nr)
{
	pg->type_info = type_of(pg) | PGT_dying | 1;
	pg->nr_validated = nr;
	if (d->nr_dying < PT_MAX_DYING) {
		d->dying[d->nr_dying++] = pg;
		return;
	}
	/* Many roots dropped at once (teardown): release this one now, at most 3 deep. */
	release_now(pg);
}

/* Release the next entry of a DYING frame. */
static void release_step(struct page_info *pg)
{
	unsigned int level = level_of(type_of(pg)), i = --pg->nr_validated;
	pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));

	if (is_guest_slot(level, i))
		put_entry(t[i], level);
}

/* A DYING frame holds nothing more: it becomes an untyped frame again. */
static void dying_done(struct page_info *pg)
{
	pg->type_info = type_of(pg);
	put_page(pg);
}

static void release_now(struct page_info *pg)
{
	while (pg->nr_validated)
		release_step(pg);
	dying_done(pg);
}

int pt_drain(struct domain *d, bool preemptible)
{
	bool progress = false;

	while (d->nr_dying) {
		struct page_info *pg = d->dying[d->nr_dying - 1];
		unsigned int depth = d->nr_dying;

		while (pg->nr_validated && d->nr_dying == depth) {
			if (preemptible && progress && arch_preempt_check())
				return -ERESTART;
			release_step(pg);
			progress = true;
		}
		if (d->nr_dying != depth)
			continue; /* a child became DYING: it goes first */
		d->nr_dying--;
		dying_done(pg);
	}
	return 0;
}

/* Check entries from nr_validated on; leaves nr_validated at the first not done. */
static int validate(const struct domain *d, struct page_info *pg, unsigned int level, bool pre)
{
	pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));
	unsigned int first = pg->nr_validated;

	for (unsigned int i = first; i < PT_NR_ENTRIES; i++, pg->nr_validated = i) {
		pv_pte_t e = t[i];
		int rc;

		if (!is_guest_slot(level, i))
			continue;
		if (pre && level > 1 && i > first && arch_preempt_check())
			return -ERESTART;
		rc = get_entry(d, &e, level, pre);
		if (rc)
			return rc;
		t[i] = adjust_entry(e, level);
	}
	if (level == 4)
		arch_fill_hypervisor_l4(t);
	return 0;
}

static struct domain *owner_of(const struct page_info *pg)
{
	return domain_by_id(pg->owner);
}

/*
 * Validate pg, which holds one type and one general reference for the caller (fresh, or
 * the VALIDATING frame's). On success they are the caller's; on -ERESTART the frame stays
 * VALIDATING with them; on failure they are released (now for an L1, by pt_drain() for
 * the levels above).
 */
static int finish_validation(const struct domain *d, struct page_info *pg, bool pre)
{
	unsigned int level = level_of(type_of(pg));
	int rc = validate(d, pg, level, pre);

	if (!rc) {
		pg->type_info = (pg->type_info & ~PGT_partial) | PGT_validated;
		return 0;
	}
	if (rc == -ERESTART) {
		pg->type_info |= PGT_partial;
		return rc;
	}
	pg->type_info &= ~PGT_partial;
	if (level == 1)
		release_now(pg);
	else
		push_dying(owner_of(pg), pg, pg->nr_validated);
	return rc;
}

/* A reference of page-table type `type` on pg, which d must own. */
static int get_table(struct page_info *pg, const struct domain *d, u64 type, bool pre)
{
	if (!pg || pg->owner != d->domid || !(pg->count_info & PGC_allocated))
		return -EINVAL;
	if (pg->type_info & PGT_partial) /* resume: its references pass to this caller */
		return type_of(pg) == type ? finish_validation(d, pg, pre) : -EINVAL;
	if ((pg->type_info & PGT_dying) || get_page(pg, d))
		return -EINVAL;
	if (type_count(pg)) {
		if (type_of(pg) != type || !(pg->type_info & PGT_validated) ||
		    type_count(pg) == PGT_count_mask) {
			put_page(pg);
			return -EINVAL;
		}
		pg->type_info++;
		return 0;
	}
	if (type_of(pg) == PGT_writable)
		arch_frame_type_changed(page_to_mfn(pg));
	pg->type_info = type | 1;
	pg->nr_validated = 0;
	return finish_validation(d, pg, pre);
}

int get_page_type(struct page_info *pg, u64 type)
{
	bool was_writable = type_of(pg) == PGT_writable;

	if (is_pt_type(type) || (pg->type_info & (PGT_partial | PGT_dying)) ||
	    type_count(pg) == PGT_count_mask)
		return -EINVAL; /* page tables go through get_page_and_type() */
	if (type_count(pg)) {
		if (type_of(pg) != type)
			return -EINVAL;
		pg->type_info++;
		return 0;
	}
	if (type == PGT_seg_desc && arch_validate_desc_page(page_to_mfn(pg)))
		return -EINVAL;
	if (was_writable && type != PGT_writable)
		arch_frame_type_changed(page_to_mfn(pg));
	pg->type_info = type | PGT_validated | 1;
	return 0;
}

void put_page_type(struct page_info *pg)
{
	u64 type = type_of(pg);

	if (!type_count(pg) || (pg->type_info & (PGT_partial | PGT_dying))) {
		printk(KERN_ERR "mm: put_page_type on frame %#llx in a bad state (%#llx)\n",
		       (unsigned long long)page_to_mfn(pg), (unsigned long long)pg->type_info);
		return;
	}
	if (type_count(pg) > 1 || !is_pt_type(type)) {
		pg->type_info--;
		return;
	}
	/* the last reference of a page table: release what its entries hold */
	pg->type_info &= ~PGT_validated;
	if (type == PGT_l1_table) {
		pg->nr_validated = PT_NR_ENTRIES;
		pg->count_info++; /* release_now() drops it */
		release_now(pg);
		return;
	}
	pg->count_info++; /* the DYING frame's general reference */
	push_dying(owner_of(pg), pg, PT_NR_ENTRIES);
}

static int get_and_type(struct page_info *pg, const struct domain *d, u64 type, bool pre)
{
	int rc;

	if (is_pt_type(type))
		return get_table(pg, d, type, pre);
	rc = get_page(pg, d);
	if (rc)
		return rc;
	rc = get_page_type(pg, type);
	if (rc)
		put_page(pg);
	return rc;
}

int get_page_and_type(struct page_info *pg, const struct domain *d, u64 type)
{
	return get_and_type(pg, d, type, false);
}

int get_page_and_type_preemptible(struct page_info *pg, const struct domain *d, u64 type)
{
	return get_and_type(pg, d, type, true);
}

void put_page_and_type(struct page_info *pg)
{
	put_page_type(pg);
	put_page(pg);
}

/* ------------------------------------------------------------------ entry updates */

/* Old and new map the same thing as far as references go: only flags like A/D differ. */
static bool same_refs(pv_pte_t old, pv_pte_t new, unsigned int level)
{
	pv_pte_t mask = PTE_MFN_MASK | PTE_P | (level == 1 ? PTE_RW : 0);

	return (old & PTE_P) && (new & PTE_P) && !((old ^ new) & mask);
}

static int check_flags_only(const struct domain *d, pv_pte_t e, unsigned int level)
{
	pv_pte_t allowed = level == 1 ? L1_ALLOWED : UPPER_ALLOWED;

	if (e & ~PTE_MFN_MASK & ~allowed)
		return -EINVAL;
	if (level == 1 && (e & L1_CACHE) && !d->is_privileged)
		return -EINVAL;
	return 0;
}

static int update_entry(struct domain *d, pv_pte_t *slot, unsigned int level, pv_pte_t val,
			bool preserve_ad, bool pre)
{
	pv_pte_t old = *slot;
	int rc;

	if (preserve_ad)
		val |= old & (PTE_A | PTE_D);
	if (same_refs(old, val, level)) {
		rc = check_flags_only(d, val, level);
		if (rc)
			return rc;
		if (level == 1 && is_io_frame(PTE_MFN(val)) && !(val & (PTE_PWT | PTE_PCD)))
			val |= PTE_PWT | PTE_PCD;
		__atomic_store_n(slot, adjust_entry(val, level), __ATOMIC_RELAXED);
		return 0;
	}
	rc = get_entry(d, &val, level, pre);
	if (rc)
		return rc;
	old = __atomic_exchange_n(slot, adjust_entry(val, level), __ATOMIC_RELAXED);
	put_entry(old, level);
	return 0;
}

int pt_update_l1e(struct domain *d, u64 table_mfn, unsigned int idx, pv_pte_t val,
		  bool preserve_ad)
{
	struct page_info *pg = mfn_to_page(table_mfn);

	if (!pg || pg->owner != d->domid || type_of(pg) != PGT_l1_table ||
	    !(pg->type_info & PGT_validated) || idx >= PT_NR_ENTRIES)
		return -EINVAL;
	return update_entry(d, (pv_pte_t *)arch_frame_virt(table_mfn) + idx, 1, val, preserve_ad,
			    false);
}

int pt_write_entry(struct domain *d, u64 table_mfn, unsigned int idx, pv_pte_t val,
		   bool preserve_ad, bool preemptible)
{
	struct page_info *pg = mfn_to_page(table_mfn);
	pv_pte_t *slot;
	int rc;

	if (idx >= PT_NR_ENTRIES || get_page(pg, d))
		return -EINVAL;
	slot = (pv_pte_t *)arch_frame_virt(table_mfn) + idx;
	if (is_pt_type(type_of(pg)) && type_count(pg) && (pg->type_info & PGT_validated)) {
		unsigned int level = level_of(type_of(pg));

		rc = is_guest_slot(level, idx)
			     ? update_entry(d, slot, level, val, preserve_ad, preemptible)
			     : -EINVAL;
	} else {
		/* an ordinary page: a plain write, if it can be writable at all */
		rc = get_page_type(pg, PGT_writable);
		if (!rc) {
			*slot = val;
			put_page_type(pg);
		}
	}
	put_page(pg);
	return rc;
}

/* ------------------------------------------------------------------ pinning */

int pt_pin(struct domain *d, u64 mfn, unsigned int level, bool preemptible)
{
	struct page_info *pg = mfn_to_page(mfn);
	int rc;

	if (level < 1 || level > 4)
		return -EINVAL;
	rc = get_and_type(pg, d, pgt_of_level(level), preemptible);
	if (rc)
		return rc;
	if (pg->type_info & PGT_pinned) {
		put_page_and_type(pg);
		return -EINVAL;
	}
	pg->type_info |= PGT_pinned;
	return 0;
}

int pt_unpin(struct domain *d, u64 mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || pg->owner != d->domid || !(pg->count_info & PGC_allocated) ||
	    !(pg->type_info & PGT_pinned))
		return -EINVAL;
	pg->type_info &= ~PGT_pinned;
	put_page_and_type(pg);
	return 0;
}

/* ------------------------------------------------------------------ teardown */

void pt_relinquish(struct domain *d)
{
	struct page_info *pg, *next;

	pt_drain(d, false);
	list_for_each_entry(pg, &d->page_list, list) {
		if (pg->type_info & PGT_partial) { /* a validation the guest never finished */
			pg->type_info &= ~PGT_partial;
			push_dying(d, pg, pg->nr_validated);
		} else if (pg->type_info & PGT_pinned) {
			pg->type_info &= ~PGT_pinned;
			put_page_and_type(pg);
		}
		pt_drain(d, false);
	}
	/* every table is devalidated now; drop the allocation references */
	list_for_each_entry_safe(pg, next, &d->page_list, list)
		if (pg->count_info & PGC_allocated) {
			pg->count_info &= ~PGC_allocated;
			put_page(pg);
		}
}

/* ------------------------------------------------------------------ audit */

/* What the audit expects of each frame of the domain, indexed by mfn - lo. */
struct audit {
	u64 lo, hi;
	u32 (*want)[2]; /* [0]: general references, [1]: type references */
};

static u32 *want_of(struct audit *a, u64 mfn, unsigned int which)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || mfn < a->lo || mfn > a->hi || !(pg->count_info & PGC_allocated))
		return NULL; /* I/O, or not one of the domain's frames */
	return &a->want[mfn - a->lo][which];
}

static void audit_count(struct audit *a, u64 mfn, bool type_ref)
{
	u32 *g = want_of(a, mfn, 0);

	if (!g)
		return;
	(*g)++;
	if (type_ref)
		(*want_of(a, mfn, 1))++;
}

/* Entries [0, n) of a table hold references. */
static void audit_table(struct audit *a, const struct page_info *pg, unsigned int n)
{
	unsigned int level = level_of(type_of(pg));
	const pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));

	for (unsigned int i = 0; i < n; i++)
		if (is_guest_slot(level, i) && (t[i] & PTE_P))
			audit_count(a, PTE_MFN(t[i]), level > 1 || (t[i] & PTE_RW));
}

static unsigned int audit_frame(const struct domain *d, struct audit *a,
				const struct page_info *pg)
{
	u64 mfn = page_to_mfn(pg), gen = pg->count_info & PGC_count_mask, ty = type_count(pg);
	const u32 *w = a->want[mfn - a->lo];

	if (gen == w[0] && ty == w[1])
		return 0;
	printk(KERN_ERR "d%u: audit: frame %#llx type %u: %llu references (expected %u), "
			"%llu type references (expected %u)\n",
	       d->domid, (unsigned long long)mfn, level_of(type_of(pg)), (unsigned long long)gen,
	       w[0], (unsigned long long)ty, w[1]);
	return 1;
}

unsigned int pt_audit_domain(struct domain *d, const u64 *extra, unsigned int nr_extra)
{
	struct audit a = { .lo = ~0ULL, .hi = 0 };
	struct page_info *pg;
	unsigned int bad = 0;

	list_for_each_entry(pg, &d->page_list, list) {
		a.lo = MIN(a.lo, page_to_mfn(pg));
		a.hi = MAX(a.hi, page_to_mfn(pg));
	}
	if (a.lo > a.hi)
		return 0;
	a.want = xzalloc((a.hi - a.lo + 1) * sizeof(*a.want));
	if (!a.want) {
		printk(KERN_WARNING "d%u: audit: no memory, skipped\n", d->domid);
		return 0;
	}
	list_for_each_entry(pg, &d->page_list, list) {
		a.want[page_to_mfn(pg) - a.lo][0] = 1; /* the allocation */
		if (pg->type_info & PGT_pinned)
			audit_count(&a, page_to_mfn(pg), true);
		if (pg->type_info & (PGT_partial | PGT_dying)) /* the state's own references */
			audit_count(&a, page_to_mfn(pg), true);
	}
	for (unsigned int i = 0; i < nr_extra; i++)
		audit_count(&a, extra[i], true);
	list_for_each_entry(pg, &d->page_list, list) {
		if (!is_pt_type(type_of(pg)) || !type_count(pg))
			continue;
		if (pg->type_info & PGT_validated)
			audit_table(&a, pg, PT_NR_ENTRIES);
		else if (pg->type_info & (PGT_partial | PGT_dying))
			audit_table(&a, pg, pg->nr_validated);
	}
	list_for_each_entry(pg, &d->page_list, list)
		bad += audit_frame(d, &a, pg);
	xfree(a.want);
	return bad;
}
