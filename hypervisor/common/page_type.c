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

static void put_entry(pv_pte_t e, unsigned int level);

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

/* Check an L2-L4 entry and take a reference of the next level's type on its target. */
static int get_upper(const struct domain *d, pv_pte_t e, unsigned int level)
{
	struct page_info *pg = mfn_to_page(PTE_MFN(e));
	int rc;

	if (!(e & PTE_P))
		return 0;
	if (e & ~PTE_MFN_MASK & ~UPPER_ALLOWED)
		return -EINVAL;
	if (get_page(pg, d))
		return -EINVAL;
	rc = get_page_type(pg, pgt_of_level(level - 1));
	if (rc)
		put_page(pg);
	return rc;
}

static int get_entry(const struct domain *d, pv_pte_t *e, unsigned int level)
{
	return level == 1 ? get_l1e(d, e) : get_upper(d, *e, level);
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

/* ------------------------------------------------------------------ validation */

static void devalidate(struct page_info *pg, unsigned int level, unsigned int upto)
{
	pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));

	for (unsigned int i = upto; i-- > 0;)
		if (is_guest_slot(level, i))
			put_entry(t[i], level);
}

static int validate(struct domain *d, struct page_info *pg, unsigned int level)
{
	pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));

	for (unsigned int i = 0; i < PT_NR_ENTRIES; i++) {
		pv_pte_t e = t[i];
		int rc;

		if (!is_guest_slot(level, i))
			continue;
		rc = get_entry(d, &e, level);
		if (rc) {
			devalidate(pg, level, i);
			return rc;
		}
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

int get_page_type(struct page_info *pg, u64 type)
{
	u64 ti = pg->type_info;
	int rc;

	if (type_count(pg) == PGT_count_mask)
		return -EINVAL;
	if (!type_count(pg) && type_of(pg) != type) {
		bool was_writable = type_of(pg) == PGT_writable;

		pg->type_info = type | (type == PGT_writable ? PGT_validated : 0);
		if (was_writable && type != PGT_writable)
			arch_frame_type_changed(page_to_mfn(pg));
	} else if (type_of(pg) != type) {
		return -EINVAL;
	}
	pg->type_info++;
	if (pg->type_info & PGT_validated)
		return 0;
	if (type == PGT_seg_desc)
		rc = arch_validate_desc_page(page_to_mfn(pg));
	else if (is_pt_type(type))
		rc = validate(owner_of(pg), pg, level_of(type));
	else
		rc = 0;
	if (rc) {
		pg->type_info = ti & ~PGT_validated; /* back to how it was, count included */
		return rc;
	}
	pg->type_info |= PGT_validated;
	return 0;
}

void put_page_type(struct page_info *pg)
{
	u64 type = type_of(pg);

	if (!type_count(pg)) {
		printk(KERN_ERR "mm: put_page_type on frame %#llx with no type references\n",
		       (unsigned long long)page_to_mfn(pg));
		return;
	}
	if (type_count(pg) > 1 || !is_pt_type(type) || !(pg->type_info & PGT_validated)) {
		pg->type_info--;
		return;
	}
	/* last reference of a page table: no longer validated, then drop what it held */
	pg->type_info = type;
	devalidate(pg, level_of(type), PT_NR_ENTRIES);
}

int get_page_and_type(struct page_info *pg, const struct domain *d, u64 type)
{
	int rc = get_page(pg, d);

	if (rc)
		return rc;
	rc = get_page_type(pg, type);
	if (rc)
		put_page(pg);
	return rc;
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
			bool preserve_ad)
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
	rc = get_entry(d, &val, level);
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
	return update_entry(d, (pv_pte_t *)arch_frame_virt(table_mfn) + idx, 1, val, preserve_ad);
}

int pt_write_entry(struct domain *d, u64 table_mfn, unsigned int idx, pv_pte_t val,
		   bool preserve_ad)
{
	struct page_info *pg = mfn_to_page(table_mfn);
	pv_pte_t *slot;
	int rc;

	if (idx >= PT_NR_ENTRIES || get_page(pg, d))
		return -EINVAL;
	slot = (pv_pte_t *)arch_frame_virt(table_mfn) + idx;
	if (is_pt_type(type_of(pg)) && type_count(pg) && (pg->type_info & PGT_validated)) {
		unsigned int level = level_of(type_of(pg));

		rc = is_guest_slot(level, idx) ? update_entry(d, slot, level, val, preserve_ad)
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

int pt_pin(struct domain *d, u64 mfn, unsigned int level)
{
	struct page_info *pg = mfn_to_page(mfn);
	int rc;

	if (level < 1 || level > 4)
		return -EINVAL;
	rc = get_page_and_type(pg, d, pgt_of_level(level));
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

	list_for_each_entry(pg, &d->page_list, list)
		if (pg->type_info & PGT_pinned) {
			pg->type_info &= ~PGT_pinned;
			put_page_and_type(pg);
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

static void audit_table(struct audit *a, const struct page_info *pg)
{
	unsigned int level = level_of(type_of(pg));
	const pv_pte_t *t = arch_frame_virt(page_to_mfn(pg));

	for (unsigned int i = 0; i < PT_NR_ENTRIES; i++)
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
	}
	for (unsigned int i = 0; i < nr_extra; i++)
		audit_count(&a, extra[i], true);
	list_for_each_entry(pg, &d->page_list, list)
		if (is_pt_type(type_of(pg)) && type_count(pg) && (pg->type_info & PGT_validated))
			audit_table(&a, pg);
	list_for_each_entry(pg, &d->page_list, list)
		bad += audit_frame(d, &a, pg);
	xfree(a.want);
	return bad;
}
