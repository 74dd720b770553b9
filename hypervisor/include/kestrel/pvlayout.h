/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Start-of-day layout of a 64-bit PV domain (common/pvlayout.c, host-tested): where the
 * builder puts the kernel, initrd, p2m list, start_info, rings, bootstrap page tables and
 * stack, following Xen's public xen.h "Start-of-day memory layout" and its 64-bit dom0
 * builder. Pure arithmetic: nothing is allocated or mapped here.
 *
 * The bootstrap region [v_start, v_end) maps pfns 0.. one to one (VA = v_start + pfn * 4K).
 * In it, each element 4 KiB aligned and packed, in this order: kernel (at its own VA; the
 * pfns below it are ordinary RAM), initrd (unless MOD_START_PFN), p2m list (unless
 * INIT_P2M), start_info, domU only: xenstore ring then console ring, page tables (L4
 * first), one stack page, then at least 512 KiB of free mapped pages up to a 4 MiB
 * boundary. In pfn space an unmapped initrd follows the region, then (INIT_P2M) the p2m
 * frames together with the page tables that map them.
 */
#ifndef KESTREL_PVLAYOUT_H
#define KESTREL_PVLAYOUT_H

#include <kestrel/types.h>
#include <kestrel/pvimage.h>

/* Linux copies one L2 of the bootstrap tables (L4[511] -> L3[510]): 1 GiB at most. */
#define PV_LAYOUT_MAX_REGION GB(1)
/* 4 PiB of guest memory; more is absurd and would only risk overflow. */
#define PV_LAYOUT_MAX_PAGES (1ULL << 40)
#define PV_LAYOUT_ALIGN	    MB(4)
#define PV_LAYOUT_SLACK	    KB(512)

struct pv_layout_req {
	const struct pv_image *img;
	u64 nr_pages;	/* domain memory */
	u64 initrd_len; /* bytes, 0 = none */
	bool is_dom0;
};

struct pv_layout {
	u64 v_start; /* = virt_base (pfn 0 maps here) */
	u64 kern_start, kern_end;
	/* MOD_START_PFN guests get the initrd unmapped, right after the region in pfn space. */
	u64 initrd_va; /* 0 when unmapped or absent */
	u64 initrd_pfn;
	u64 initrd_pages;
	bool initrd_mapped;
	u64 p2m_va; /* = init_p2m when INIT_P2M is honoured */
	u64 p2m_pages;
	bool p2m_in_region;
	u64 start_info_va;	     /* dom0: the VGA console info shares its page */
	u64 xenstore_va, console_va; /* domU only, 0 for dom0 */
	u64 pt_va;		     /* bootstrap page tables, L4 first */
	u64 nr_pt_frames;	     /* = nr_l4 + nr_l3 + nr_l2 + nr_l1 */
	u64 stack_va;		     /* one page; initial RSP = stack_va + 4096 */
	u64 v_end; /* end of the region: 4 MiB aligned, >= 512 KiB free after the stack */
	/*
	 * start_info's first_p2m_pfn/nr_p2m_frames: the pfns after the region and an unmapped
	 * initrd; with INIT_P2M they hold the p2m frames plus their page-table frames, without
	 * it nr_p2m_frames is 0 (as Xen reports).
	 */
	u64 first_p2m_pfn, nr_p2m_frames;
	u64 nr_l4, nr_l3, nr_l2, nr_l1; /* bootstrap page-table frames by level */
	u64 p2m_l3, p2m_l2, p2m_l1;	/* extra frames mapping INIT_P2M with 4 KiB pages */
	u64 nr_pages;			/* the request's, for the report */
	u64 pages_used;			/* pfns taken by all of the above; <= nr_pages */
};

/*
 * Plan the layout of req into *out (cleared first). Returns 0, -EINVAL for bad inputs
 * (no image, nr_pages 0, inconsistent image, INIT_P2M overlapping the region or outside
 * usable address space), -E2BIG when the region would exceed PV_LAYOUT_MAX_REGION or
 * nr_pages PV_LAYOUT_MAX_PAGES, -ENOMEM when nr_pages cannot hold it all. On failure *out
 * is left zeroed.
 */
int pv_layout_plan(const struct pv_layout_req *req, struct pv_layout *out);

/*
 * printk the plan, one line per element, each starting with prefix and a space, e.g.
 *   "<prefix> kernel      ffffffff81000000-ffffffff82e00000 (30720 KiB)"
 * The format is stable: dry runs are compared against it.
 */
void pv_layout_print(const struct pv_layout *l, const char *prefix);

#endif
