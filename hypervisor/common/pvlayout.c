/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Start-of-day layout of a 64-bit PV domain (API and the layout itself in pvlayout.h).
 *
 * Positions inside the bootstrap region are kept as byte offsets from v_start, each capped
 * at PV_LAYOUT_MAX_REGION as soon as it grows, so no sum can wrap even for a region at the
 * top of the address space; absolute VAs are formed only once an offset is known good.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/pvlayout.h>

/* Bytes mapped by one table of each level: an L1 maps 2 MiB, an L2 1 GiB, an L3 512 GiB. */
#define L1_SPAN_SHIFT 21
#define L2_SPAN_SHIFT 30
#define L3_SPAN_SHIFT 39

#define P2M_ENTRY_SIZE 8 /* one unsigned long per pfn for a 64-bit guest */

struct plan {
	const struct pv_layout_req *req;
	const struct pv_image *img;
	struct pv_layout *l;
	u64 cur; /* offset from v_start of the next free byte of the region */
};

static inline unsigned long long ull(u64 v)
{
	return v;
}

static u64 bytes_to_pages(u64 bytes)
{
	return (bytes >> PAGE_SHIFT) + !!(bytes & (PAGE_SIZE - 1));
}

/* Tables of span 2^shift that [lo, hi) touches (hi > lo); hi is never rounded up. */
static u64 tables(u64 lo, u64 hi, unsigned int shift)
{
	return ((hi - 1) >> shift) - (lo >> shift) + 1;
}

/* Tables of span 2^shift touched by both [a_lo, a_hi) and [b_lo, b_hi): already there. */
static u64 shared_tables(u64 a_lo, u64 a_hi, u64 b_lo, u64 b_hi, unsigned int shift)
{
	u64 first = MAX(a_lo >> shift, b_lo >> shift);
	u64 last = MIN((a_hi - 1) >> shift, (b_hi - 1) >> shift);

	return last >= first ? last - first + 1 : 0;
}

/* Append pages to the region; its VA goes to *va. */
static int take(struct plan *p, u64 pages, u64 *va)
{
	if (pages > (PV_LAYOUT_MAX_REGION - p->cur) >> PAGE_SHIFT)
		return -E2BIG;
	*va = p->l->v_start + p->cur;
	p->cur += pages << PAGE_SHIFT;
	return 0;
}

/* What the plan relies on; pv_image_parse() guarantees it, a hand-made image may not. */
static int check_request(const struct pv_layout_req *req)
{
	const struct pv_image *img = req->img;

	if (!img || !req->nr_pages || !img->nr_segs)
		return -EINVAL;
	if (req->nr_pages > PV_LAYOUT_MAX_PAGES)
		return -E2BIG;
	if (!IS_ALIGNED(img->virt_base, PAGE_SIZE) || !IS_ALIGNED(img->virt_kstart, PAGE_SIZE) ||
	    !IS_ALIGNED(img->virt_kend, PAGE_SIZE) || img->virt_kstart < img->virt_base ||
	    img->virt_kend <= img->virt_kstart)
		return -EINVAL;
	if (img->virt_kend - img->virt_base > PV_LAYOUT_MAX_REGION)
		return -E2BIG;
	return 0;
}

static int plan_initrd(struct plan *p)
{
	struct pv_layout *l = p->l;

	l->initrd_pages = bytes_to_pages(p->req->initrd_len);
	if (!l->initrd_pages)
		return 0;
	/* Early, so that later sums of page counts stay small. */
	if (l->initrd_pages > p->req->nr_pages)
		return -ENOMEM;
	if (p->img->mod_start_pfn)
		return 0; /* placed after the region, once its size is known */
	l->initrd_mapped = true;
	l->initrd_pfn = p->cur >> PAGE_SHIFT;
	return take(p, l->initrd_pages, &l->initrd_va);
}

static int plan_small_elements(struct plan *p)
{
	struct pv_layout *l = p->l;
	int rc = 0;

	l->p2m_pages = bytes_to_pages(p->req->nr_pages * P2M_ENTRY_SIZE);
	if (p->img->init_p2m)
		l->p2m_va = p->img->init_p2m;
	else
		rc = take(p, l->p2m_pages, &l->p2m_va);
	l->p2m_in_region = !p->img->init_p2m;
	if (!rc)
		rc = take(p, 1, &l->start_info_va);
	if (!rc && !p->req->is_dom0)
		rc = take(p, 1, &l->xenstore_va);
	if (!rc && !p->req->is_dom0)
		rc = take(p, 1, &l->console_va);
	return rc;
}

/* Where the region ends when nr_pt page-table pages and the stack follow p->cur. */
static u64 region_end(const struct plan *p, u64 nr_pt)
{
	u64 stack_end = p->cur + (nr_pt + 1) * PAGE_SIZE;
	/* v_end is aligned as a VA; v_start need only be page aligned. */
	u64 skew = p->l->v_start & (PV_LAYOUT_ALIGN - 1);
	u64 end = ALIGN_UP(stack_end + skew, PV_LAYOUT_ALIGN) - skew;

	if (end - stack_end < PV_LAYOUT_SLACK)
		end += PV_LAYOUT_ALIGN;
	return end;
}

/*
 * The page tables are mapped inside the region they map, so their number depends on the
 * region's size and the size on their number. Like Xen, try counts upwards until the
 * tables a region needs fit in the pages set aside for them; the cap on the region ends
 * the search after a few hundred rounds at most.
 */
static int plan_page_tables(struct plan *p)
{
	struct pv_layout *l = p->l;
	u64 nr_pt, end, hi = 0;

	for (nr_pt = 4;; nr_pt++) { /* an L4, L3, L2 and L1 at the very least */
		if (nr_pt > (PV_LAYOUT_MAX_REGION - p->cur) >> PAGE_SHIFT)
			return -E2BIG;
		end = region_end(p, nr_pt);
		if (end > PV_LAYOUT_MAX_REGION || end > ~l->v_start)
			return -E2BIG;
		hi = l->v_start + end;
		l->nr_l4 = 1;
		l->nr_l3 = tables(l->v_start, hi, L3_SPAN_SHIFT);
		l->nr_l2 = tables(l->v_start, hi, L2_SPAN_SHIFT);
		l->nr_l1 = tables(l->v_start, hi, L1_SPAN_SHIFT);
		if (l->nr_l4 + l->nr_l3 + l->nr_l2 + l->nr_l1 <= nr_pt)
			break;
	}
	/* The count needed only grows with nr_pt, so the first fit is an exact fit. */
	l->nr_pt_frames = nr_pt;
	l->pt_va = l->v_start + p->cur;
	l->stack_va = l->pt_va + nr_pt * PAGE_SIZE;
	p->cur += (nr_pt + 1) * PAGE_SIZE;
	l->v_end = hi;
	if (!pv_va_range_usable(l->v_start, l->v_end))
		return -EINVAL;
	return 0;
}

/* INIT_P2M: the p2m list mapped on its own, with tables beyond those the region shares. */
static int plan_init_p2m(struct plan *p)
{
	struct pv_layout *l = p->l;
	u64 lo = l->p2m_va, bytes = l->p2m_pages << PAGE_SHIFT, hi;

	if (l->p2m_in_region)
		return 0;
	if (!IS_ALIGNED(lo, PAGE_SIZE) || bytes > ~lo)
		return -EINVAL;
	hi = lo + bytes;
	if (!pv_va_range_usable(lo, hi) || (lo < l->v_end && l->v_start < hi))
		return -EINVAL;
	l->p2m_l3 = tables(lo, hi, L3_SPAN_SHIFT) -
		    shared_tables(lo, hi, l->v_start, l->v_end, L3_SPAN_SHIFT);
	l->p2m_l2 = tables(lo, hi, L2_SPAN_SHIFT) -
		    shared_tables(lo, hi, l->v_start, l->v_end, L2_SPAN_SHIFT);
	l->p2m_l1 = tables(lo, hi, L1_SPAN_SHIFT) -
		    shared_tables(lo, hi, l->v_start, l->v_end, L1_SPAN_SHIFT);
	l->nr_p2m_frames = l->p2m_pages + l->p2m_l3 + l->p2m_l2 + l->p2m_l1;
	return 0;
}

/* pfn space after the region: the unmapped initrd, then the p2m frames. */
static int plan_pfns(struct plan *p)
{
	struct pv_layout *l = p->l;
	u64 next = (l->v_end - l->v_start) >> PAGE_SHIFT;

	if (l->initrd_pages && !l->initrd_mapped) {
		l->initrd_pfn = next;
		next += l->initrd_pages;
	}
	l->first_p2m_pfn = next;
	l->pages_used = next + l->nr_p2m_frames;
	return l->pages_used > p->req->nr_pages ? -ENOMEM : 0;
}

/* Plan a PV domain's start-of-day layout (see pvlayout.h). */
int pv_layout_plan(const struct pv_layout_req *req, struct pv_layout *out)
{
	struct plan p = { .req = req, .l = out };
	int rc;

	if (!req || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = check_request(req);
	if (rc)
		return rc;
	p.img = req->img;
	out->nr_pages = req->nr_pages;
	out->v_start = p.img->virt_base;
	out->kern_start = p.img->virt_kstart;
	out->kern_end = p.img->virt_kend;
	p.cur = out->kern_end - out->v_start;
	rc = plan_initrd(&p);
	if (!rc)
		rc = plan_small_elements(&p);
	if (!rc)
		rc = plan_page_tables(&p);
	if (!rc)
		rc = plan_init_p2m(&p);
	if (!rc)
		rc = plan_pfns(&p);
	if (rc)
		memset(out, 0, sizeof(*out)); /* no half-made plan for a careless caller */
	return rc;
}

static void print_va(const char *pfx, const char *what, u64 start, u64 end, const char *extra)
{
	printk(KERN_INFO "%s %-11s %016llx-%016llx (%llu KiB)%s\n", pfx, what, ull(start), ull(end),
	       ull((end - start) >> 10), extra);
}

static void print_pfns(const char *pfx, const char *what, u64 first, u64 count, const char *extra)
{
	printk(KERN_INFO "%s %-11s pfn %llx-%llx (%llu KiB)%s\n", pfx, what, ull(first),
	       ull(first + count), ull(count << (PAGE_SHIFT - 10)), extra);
}

static void print_region(const struct pv_layout *l, const char *pfx)
{
	u64 stack_end = l->stack_va + PAGE_SIZE;

	print_va(pfx, "kernel", l->kern_start, l->kern_end, "");
	if (l->initrd_mapped)
		print_va(pfx, "initrd", l->initrd_va,
			 l->initrd_va + (l->initrd_pages << PAGE_SHIFT), "");
	if (l->p2m_in_region)
		print_va(pfx, "p2m", l->p2m_va, l->p2m_va + (l->p2m_pages << PAGE_SHIFT), "");
	print_va(pfx, "start_info", l->start_info_va, l->start_info_va + PAGE_SIZE, "");
	if (l->xenstore_va)
		print_va(pfx, "xenstore", l->xenstore_va, l->xenstore_va + PAGE_SIZE, "");
	if (l->console_va)
		print_va(pfx, "console", l->console_va, l->console_va + PAGE_SIZE, "");
	print_va(pfx, "pagetables", l->pt_va, l->stack_va, "");
	printk(KERN_INFO "%s %-11s L4 %llu L3 %llu L2 %llu L1 %llu\n", pfx, "pt levels",
	       ull(l->nr_l4), ull(l->nr_l3), ull(l->nr_l2), ull(l->nr_l1));
	print_va(pfx, "stack", l->stack_va, stack_end, "");
	print_va(pfx, "free", stack_end, l->v_end, "");
	print_va(pfx, "region", l->v_start, l->v_end, "");
}

/* printk the planned layout, one line per element (see pvlayout.h). */
void pv_layout_print(const struct pv_layout *l, const char *prefix)
{
	const char *pfx = prefix ? prefix : "";

	print_region(l, pfx);
	if (l->initrd_pages && !l->initrd_mapped)
		print_pfns(pfx, "initrd", l->initrd_pfn, l->initrd_pages, " unmapped");
	if (!l->p2m_in_region) {
		print_va(pfx, "p2m", l->p2m_va, l->p2m_va + (l->p2m_pages << PAGE_SHIFT),
			 " INIT_P2M");
		print_pfns(pfx, "p2m frames", l->first_p2m_pfn, l->nr_p2m_frames, "");
		printk(KERN_INFO "%s %-11s L3 %llu L2 %llu L1 %llu\n", pfx, "p2m levels",
		       ull(l->p2m_l3), ull(l->p2m_l2), ull(l->p2m_l1));
	}
	printk(KERN_INFO "%s %-11s %llu of %llu pages\n", pfx, "used", ull(l->pages_used),
	       ull(l->nr_pages));
}
