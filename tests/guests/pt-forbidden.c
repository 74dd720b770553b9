/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV page-table ABI, negative side: every mapping and table operation a 64-bit PV
 * dom0 must not get, refused with Xen 4.17's exact error code, and the state unchanged
 * afterwards (the four pinned victim tables, a scratch L1 entry, the pins themselves).
 * Three tables, one row per case:
 *  - entries written with mmu_update into a pinned L1/L2/L3/L4: frames the domain does
 *    not own (a free or foreign RAM frame, a hypervisor frame, an mfn beyond the physical
 *    address width, INVALID_MFN), writable mappings of pinned tables of every level, of
 *    the running L4 and of a GDT frame, Xen's L4 slots 256-271, PSE in an L2 or L3,
 *    cache/global bits in non-leaf entries, a table of the wrong type below an entry;
 *    plus the rows dom0 is allowed (cache attributes, GLOBAL, bits 52-62, a low-1MiB
 *    I/O frame, MMIO above RAM) so that a hypervisor stricter than Xen shows up too;
 *  - mmuext_op: pins of writable frames, type conflicts, double pins, unpins of frames
 *    not pinned, frames not owned, NEW_BASEPTR/NEW_USER_BASEPTR to non-L4s or to an L4
 *    that fails validation, unknown commands, foreign domids;
 *  - the rest: bad mmu_update commands and table addresses, foreign domids,
 *    MMU_MACHPHYS_UPDATE of frames not owned, update_va_mapping(_otherdomain) errors.
 *
 * A broken hypervisor maps a frame it must not, lets a page table or descriptor page
 * become writable, accepts a superpage or a write into its own L4 slots, returns a
 * different error code, or changes a table entry while refusing the call.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "page-table ABI: forbidden mappings and operations";

#define PDE		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define PTE_RO		(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_RW		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_PAT		0x080UL			/* PAT in a 4 KiB entry, PSE above */
#define PTE_BIT(n)	(1UL << (n))
#define INVALID_MFN_40	0xffffffffffUL		/* every mfn bit of a PTE set */
#define UNUSED_VA	0x0000100000000000UL	/* L4 slot 32: never mapped */
#define NO_DOMAIN	5			/* a domain id nobody has */

static uint64_t *t[5];		/* t[level]: pinned victim tables, t[4] -> t[3] -> ... */
static uint64_t *child;		/* an L1 validated through t[2][2], not pinned */
static uint64_t *data;		/* mapped read-only from t[1][5] */
static uint64_t *rwpage;	/* an ordinary page, mapped writable */
static uint64_t *gdtpage;	/* a page in use as the GDT */
static uint64_t *bad_l1;	/* read-only, maps a foreign frame: fails validation */
static uint64_t *bad_l4;	/* read-only, slot 0 -> a writable page: fails validation */
static uint64_t *scratch;	/* a page whose boot L1e update_va_mapping cases aim at */
static unsigned long boot_l4_mfn, foreign_mfn, xen_mfn, max_ram_mfn;

/* Frames a row can name. */
enum frame {
	F_DATA, F_FOREIGN, F_XEN, F_BEYOND_PHYS, F_INVALID, F_LOW_IO, F_MMIO,
	F_T1, F_T2, F_T3, F_T4, F_CHILD, F_BOOT_L4, F_GDT, F_RWPAGE, F_BAD_L1, F_BAD_L4,
	F_NONE,
};

static unsigned long frame_mfn(enum frame f)
{
	switch (f) {
	case F_DATA: return virt_to_mfn(data);
	case F_FOREIGN: return foreign_mfn;
	case F_XEN: return xen_mfn;
	case F_BEYOND_PHYS: return INVALID_MFN_40 - 1;
	case F_INVALID: return INVALID_MFN_40;
	case F_LOW_IO: return 0;
	case F_MMIO: return max_ram_mfn + 0x1000;
	case F_T1: return virt_to_mfn(t[1]);
	case F_T2: return virt_to_mfn(t[2]);
	case F_T3: return virt_to_mfn(t[3]);
	case F_T4: return virt_to_mfn(t[4]);
	case F_CHILD: return virt_to_mfn(child);
	case F_BOOT_L4: return boot_l4_mfn;
	case F_GDT: return virt_to_mfn(gdtpage);
	case F_RWPAGE: return virt_to_mfn(rwpage);
	case F_BAD_L1: return virt_to_mfn(bad_l1);
	case F_BAD_L4: return virt_to_mfn(bad_l4);
	default: return 0;
	}
}

/* ------------------------------------------------------------------ state snapshots */
static uint64_t saved[5][512];
static uint64_t saved_scratch, saved_rw, saved_gdt;

static void snapshot(void)
{
	for (int l = 1; l <= 4; l++)
		memcpy(saved[l], t[l], PAGE_SIZE);
	saved_scratch = pt_l1e(scratch);
	saved_rw = pt_l1e(rwpage);
	saved_gdt = pt_l1e(gdtpage);
}

/* After a refused call: nothing may have changed. */
static void check_unchanged(const char *name)
{
	for (int l = 1; l <= 4; l++)
		for (unsigned int i = 0; i < 512; i++)
			if (t[l][i] != saved[l][i])
				xtf_failure("%s: L%d[%u] changed %#lx -> %#lx", name, l, i,
					    saved[l][i], t[l][i]);
	if (pt_l1e(scratch) != saved_scratch || pt_l1e(rwpage) != saved_rw ||
	    pt_l1e(gdtpage) != saved_gdt)
		xtf_failure("%s: a boot L1 entry changed", name);
}

/* ------------------------------------------------------------------ table entries */
struct pte_case {
	const char *name;
	int level;		/* which victim table */
	unsigned int slot;
	enum frame f;
	uint64_t flags;
	long rc;
	uint64_t added;		/* rc 0: bits Xen sets in the stored entry beyond USER */
};

/*
 * L1 flags: for a domain with I/O memory access (dom0) Xen disallows nothing but the
 * debug-build-only grant bit 62, so PAT/PCD/PWT, GLOBAL and bits 52-62 all pass in the
 * release build. L2-L4: only P, RW, US, A, D, AVAIL (9-11), bits 52-62 and NX.
 */
static const struct pte_case pte_cases[] = {
	/* Frames the domain does not own. */
	{ "L1 -> free/foreign RAM frame (RO)", 1, 6, F_FOREIGN, PTE_RO, -XEN_EBUSY },
	{ "L1 -> hypervisor frame (RO)", 1, 6, F_XEN, PTE_RO, -XEN_EBUSY },
	{ "L1 -> mfn beyond the physical address width", 1, 6, F_BEYOND_PHYS, PTE_RO,
	  -XEN_EPERM },
	{ "L1 -> INVALID_MFN (all mfn bits set)", 1, 6, F_INVALID, PTE_RO, -XEN_EINVAL },
	{ "L1 with bit 51 (top address bit) set", 1, 6, F_DATA, PTE_RO | PTE_BIT(51),
	  -XEN_EPERM },
	/* Writable mappings of page tables and descriptor pages. */
	{ "L1 -> pinned L1 RW", 1, 6, F_T1, PTE_RW, -XEN_EBUSY },
	{ "L1 -> pinned L2 RW", 1, 6, F_T2, PTE_RW, -XEN_EBUSY },
	{ "L1 -> pinned L3 RW", 1, 6, F_T3, PTE_RW, -XEN_EBUSY },
	{ "L1 -> pinned L4 RW", 1, 6, F_T4, PTE_RW, -XEN_EBUSY },
	{ "L1 -> implicitly validated L1 RW", 1, 6, F_CHILD, PTE_RW, -XEN_EBUSY },
	{ "L1 -> running L4 (pt_base) RW", 1, 6, F_BOOT_L4, PTE_RW, -XEN_EBUSY },
	{ "L1 -> GDT frame RW", 1, 6, F_GDT, PTE_RW, -XEN_EBUSY },
	/* ... read-only they are fine. */
	{ "L1 -> pinned L1 RO", 1, 6, F_T1, PTE_RO, 0, XEN_PTE_GUEST_KERNEL },
	{ "L1 -> pinned L4 RO", 1, 6, F_T4, PTE_RO, 0, XEN_PTE_GUEST_KERNEL },
	{ "L1 -> GDT frame RO", 1, 6, F_GDT, PTE_RO, 0, XEN_PTE_GUEST_KERNEL },
	/* Flags dom0 may use in an L1. */
	{ "L1 with PCD|PWT", 1, 6, F_DATA, PTE_RO | _PAGE_PCD | _PAGE_PWT, 0,
	  XEN_PTE_GUEST_KERNEL },
	{ "L1 with PAT", 1, 6, F_DATA, PTE_RO | PTE_PAT, 0, XEN_PTE_GUEST_KERNEL },
	{ "L1 with GLOBAL", 1, 6, F_DATA, PTE_RO | _PAGE_GLOBAL, 0, XEN_PTE_GUEST_KERNEL },
	{ "L1 with bit 62 (grant bit, debug builds only)", 1, 6, F_DATA, PTE_RO | PTE_BIT(62),
	  0, XEN_PTE_GUEST_KERNEL },
	{ "L1 user page with bit 52", 1, 6, F_DATA, PTE_RO | _PAGE_USER | PTE_BIT(52), 0, 0 },
	{ "L1 with NX", 1, 6, F_DATA, PTE_RO | _PAGE_NX, 0, XEN_PTE_GUEST_KERNEL },
	/* I/O frames: dom0 has I/O memory access; WB becomes UC (PCD|PWT set). */
	{ "L1 -> mfn 0 (low 1 MiB, DOMID_IO)", 1, 6, F_LOW_IO, PTE_RO, 0,
	  XEN_PTE_GUEST_KERNEL | _PAGE_PCD | _PAGE_PWT },
	{ "L1 -> MMIO above RAM", 1, 6, F_MMIO, PTE_RO, 0,
	  XEN_PTE_GUEST_KERNEL | _PAGE_PCD | _PAGE_PWT },
	/* L2. */
	{ "L2 PSE superpage", 2, 1, F_DATA, PDE | _PAGE_PSE, -XEN_EINVAL },
	{ "L2 with PCD", 2, 1, F_T1, PDE | _PAGE_PCD, -XEN_EINVAL },
	{ "L2 with PWT", 2, 1, F_T1, PDE | _PAGE_PWT, -XEN_EINVAL },
	{ "L2 with GLOBAL", 2, 1, F_T1, PDE | _PAGE_GLOBAL, -XEN_EINVAL },
	{ "L2 -> writable page", 2, 1, F_RWPAGE, PDE, -XEN_EINVAL },
	{ "L2 -> foreign frame", 2, 1, F_FOREIGN, PDE, -XEN_EINVAL },
	{ "L2 -> hypervisor frame", 2, 1, F_XEN, PDE, -XEN_EINVAL },
	{ "L2 -> pinned L3 (wrong level)", 2, 1, F_T3, PDE, -XEN_EINVAL },
	{ "L2 -> L1 failing validation", 2, 1, F_BAD_L1, PDE, -XEN_EBUSY },
	{ "L2 -> GDT frame", 2, 1, F_GDT, PDE, -XEN_EINVAL },
	{ "L2 with bits 52-62 and NX", 2, 1, F_T1, PDE | (0x7ffUL << 52) | _PAGE_NX, 0, 0 },
	/* L3. */
	{ "L3 PSE 1 GiB superpage", 3, 1, F_DATA, PDE | _PAGE_PSE, -XEN_EINVAL },
	{ "L3 with PCD", 3, 1, F_T2, PDE | _PAGE_PCD, -XEN_EINVAL },
	{ "L3 -> pinned L1 (wrong level)", 3, 1, F_T1, PDE, -XEN_EINVAL },
	{ "L3 -> writable page", 3, 1, F_RWPAGE, PDE, -XEN_EINVAL },
	{ "L3 -> foreign frame", 3, 1, F_FOREIGN, PDE, -XEN_EINVAL },
	/* L4: Xen's slots 256-271 are not the guest's, present or not. */
	{ "L4 slot 256", 4, 256, F_T3, PDE, -XEN_EINVAL },
	{ "L4 slot 262 (direct map)", 4, 262, F_T3, PDE, -XEN_EINVAL },
	{ "L4 slot 271", 4, 271, F_T3, PDE, -XEN_EINVAL },
	{ "L4 slot 256, not present", 4, 256, F_NONE, 0, -XEN_EINVAL },
	{ "L4 slot 255", 4, 255, F_T3, PDE, 0, _PAGE_ACCESSED },
	{ "L4 slot 272", 4, 272, F_T3, PDE, 0, _PAGE_ACCESSED },
	{ "L4 PSE", 4, 1, F_T3, PDE | _PAGE_PSE, -XEN_EINVAL },
	{ "L4 with PCD", 4, 1, F_T3, PDE | _PAGE_PCD, -XEN_EINVAL },
	{ "L4 -> pinned L2 (wrong level)", 4, 1, F_T2, PDE, -XEN_EINVAL },
	{ "L4 -> writable page", 4, 1, F_RWPAGE, PDE, -XEN_EINVAL },
	{ "L4 -> foreign frame", 4, 1, F_FOREIGN, PDE, -XEN_EINVAL },
};

static void run_pte_cases(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pte_cases); i++) {
		const struct pte_case *c = &pte_cases[i];
		uint64_t *e = &t[c->level][c->slot];
		uint64_t val = c->f == F_NONE ? 0 : (frame_mfn(c->f) << PAGE_SHIFT) | c->flags;
		uint64_t old = *e, want_stored;
		long rc;

		snapshot();
		rc = mmu_update1(virt_to_maddr(e), val);
		printk("  %-48s rc %ld\n", c->name, rc);
		check_rc(c->name, rc, c->rc);
		if (rc) {
			check_unchanged(c->name);
			continue;
		}
		/* Allowed: check what was stored, then put the old entry back. */
		want_stored = val | _PAGE_USER | c->added;
		if (!c->rc && *e != want_stored)
			xtf_failure("%s: stored %#lx, expected %#lx", c->name, *e, want_stored);
		rc = mmu_update1(virt_to_maddr(e), old);
		if (rc || *e != old)
			xtf_error("%s: cannot restore the entry (%ld)", c->name, rc);
		if (c->level == 1)
			mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	}
}

/* ------------------------------------------------------------------ mmuext_op */
struct ext_case {
	const char *name;
	unsigned int cmd;
	enum frame f;		/* arg1.mfn (F_NONE: arg1 = 0) */
	unsigned int dom;
	long rc;
};

static const struct ext_case ext_cases[] = {
	{ "PIN_L1 of a writable page", MMUEXT_PIN_L1_TABLE, F_RWPAGE, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L4 of a writable page", MMUEXT_PIN_L4_TABLE, F_RWPAGE, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L2 of the pinned L1", MMUEXT_PIN_L2_TABLE, F_T1, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L1 of the pinned L2", MMUEXT_PIN_L1_TABLE, F_T2, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L3 of the pinned L4", MMUEXT_PIN_L3_TABLE, F_T4, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L4 of the pinned L3", MMUEXT_PIN_L4_TABLE, F_T3, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L1 again (double pin)", MMUEXT_PIN_L1_TABLE, F_T1, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L2 again (double pin)", MMUEXT_PIN_L2_TABLE, F_T2, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L3 again (double pin)", MMUEXT_PIN_L3_TABLE, F_T3, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L4 again (double pin)", MMUEXT_PIN_L4_TABLE, F_T4, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L1 of the GDT frame", MMUEXT_PIN_L1_TABLE, F_GDT, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L1 of an L1 mapping a foreign frame", MMUEXT_PIN_L1_TABLE, F_BAD_L1, DOMID_SELF,
	  -XEN_EBUSY },
	{ "PIN_L4 of an L4 failing validation", MMUEXT_PIN_L4_TABLE, F_BAD_L4, DOMID_SELF,
	  -XEN_EINVAL },
	{ "PIN_L1 of a foreign frame", MMUEXT_PIN_L1_TABLE, F_FOREIGN, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L4 of a hypervisor frame", MMUEXT_PIN_L4_TABLE, F_XEN, DOMID_SELF, -XEN_EINVAL },
	{ "PIN_L1 of INVALID_MFN", MMUEXT_PIN_L1_TABLE, F_INVALID, DOMID_SELF, -XEN_EINVAL },
	{ "UNPIN of a writable page", MMUEXT_UNPIN_TABLE, F_RWPAGE, DOMID_SELF, -XEN_EINVAL },
	{ "UNPIN of an L1 validated, not pinned", MMUEXT_UNPIN_TABLE, F_CHILD, DOMID_SELF,
	  -XEN_EINVAL },
	/* The dom0 builder pinned the boot L4 (Xen 4.17's dom0_construct_pv). */
	{ "PIN_L4 of the running L4 (builder pinned it)", MMUEXT_PIN_L4_TABLE, F_BOOT_L4,
	  DOMID_SELF, -XEN_EINVAL },
	{ "UNPIN of a foreign frame", MMUEXT_UNPIN_TABLE, F_FOREIGN, DOMID_SELF, -XEN_EINVAL },
	{ "NEW_BASEPTR to the pinned L1", MMUEXT_NEW_BASEPTR, F_T1, DOMID_SELF, -XEN_EINVAL },
	{ "NEW_BASEPTR to the pinned L3", MMUEXT_NEW_BASEPTR, F_T3, DOMID_SELF, -XEN_EINVAL },
	{ "NEW_BASEPTR to a writable page", MMUEXT_NEW_BASEPTR, F_RWPAGE, DOMID_SELF,
	  -XEN_EINVAL },
	{ "NEW_BASEPTR to an L4 failing validation", MMUEXT_NEW_BASEPTR, F_BAD_L4, DOMID_SELF,
	  -XEN_EINVAL },
	{ "NEW_BASEPTR to a foreign frame", MMUEXT_NEW_BASEPTR, F_FOREIGN, DOMID_SELF,
	  -XEN_EINVAL },
	{ "NEW_USER_BASEPTR to the pinned L2", MMUEXT_NEW_USER_BASEPTR, F_T2, DOMID_SELF,
	  -XEN_EINVAL },
	{ "NEW_USER_BASEPTR to a writable page", MMUEXT_NEW_USER_BASEPTR, F_RWPAGE, DOMID_SELF,
	  -XEN_EINVAL },
	{ "NEW_USER_BASEPTR to a foreign frame", MMUEXT_NEW_USER_BASEPTR, F_FOREIGN, DOMID_SELF,
	  -XEN_EINVAL },
	{ "MARK_SUPER", MMUEXT_MARK_SUPER, F_DATA, DOMID_SELF, -XEN_EOPNOTSUPP },
	{ "UNMARK_SUPER", MMUEXT_UNMARK_SUPER, F_DATA, DOMID_SELF, -XEN_EOPNOTSUPP },
	{ "unknown command 14", 14, F_DATA, DOMID_SELF, -XEN_ENOSYS },
	{ "unknown command 21", 21, F_DATA, DOMID_SELF, -XEN_ENOSYS },
	{ "unknown command 0xffffffff", 0xffffffff, F_DATA, DOMID_SELF, -XEN_ENOSYS },
	{ "CLEAR_PAGE of the pinned L1", MMUEXT_CLEAR_PAGE, F_T1, DOMID_SELF, -XEN_EINVAL },
	{ "CLEAR_PAGE of a foreign frame", MMUEXT_CLEAR_PAGE, F_FOREIGN, DOMID_SELF, -XEN_EINVAL },
	/* Foreign domids: 0 is dom0's own id, which "cannot specify itself". */
	{ "TLB_FLUSH_LOCAL, domid 5 (none)", MMUEXT_TLB_FLUSH_LOCAL, F_NONE, NO_DOMAIN,
	  -XEN_ESRCH },
	{ "TLB_FLUSH_LOCAL, domid 0 (self by number)", MMUEXT_TLB_FLUSH_LOCAL, F_NONE, 0,
	  -XEN_ESRCH },
	{ "PIN_L1, domid 5 (none)", MMUEXT_PIN_L1_TABLE, F_DATA, NO_DOMAIN, -XEN_ESRCH },
	{ "TLB_FLUSH_LOCAL, DOMID_IO", MMUEXT_TLB_FLUSH_LOCAL, F_NONE, DOMID_IO, -XEN_EPERM },
	{ "NEW_BASEPTR, DOMID_XEN", MMUEXT_NEW_BASEPTR, F_T4, DOMID_XEN, -XEN_EPERM },
	{ "PIN_L1 of an own frame, DOMID_IO", MMUEXT_PIN_L1_TABLE, F_DATA, DOMID_IO,
	  -XEN_EINVAL },
};

static void run_ext_cases(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(ext_cases); i++) {
		const struct ext_case *c = &ext_cases[i];
		struct mmuext_op op = { .cmd = c->cmd };
		long rc;

		op.arg1.mfn = frame_mfn(c->f);
		snapshot();
		rc = HYPERVISOR_mmuext_op(&op, 1, NULL, c->dom);
		printk("  %-48s rc %ld\n", c->name, rc);
		check_rc(c->name, rc, c->rc);
		check_unchanged(c->name);
	}
}

/* ------------------------------------------------------------------ everything else */
static uint64_t l1_ma(unsigned int slot)
{
	return virt_to_maddr(&t[1][slot]);
}

static long mmu_cmd(unsigned int cmd)
{
	return mmu_update1(l1_ma(6) | cmd, (virt_to_mfn(data) << PAGE_SHIFT) | PTE_RO);
}

static long mmu_cmd4(void) { return mmu_cmd(4); }
static long mmu_cmd5(void) { return mmu_cmd(5); }
static long mmu_cmd7(void) { return mmu_cmd(7); }

static long mmu_ptr_frame(enum frame f)
{
	return mmu_update1(frame_mfn(f) << PAGE_SHIFT, 0);
}

static long mmu_ptr_foreign(void) { return mmu_ptr_frame(F_FOREIGN); }
static long mmu_ptr_xen(void) { return mmu_ptr_frame(F_XEN); }
static long mmu_ptr_invalid(void) { return mmu_ptr_frame(F_INVALID); }
static long mmu_ptr_gdt(void) { return mmu_ptr_frame(F_GDT); }

static long mmu_list_in_hole(void)
{
	return HYPERVISOR_mmu_update(0xffff830000000000UL, 1, NULL, DOMID_SELF);
}

static long mmu_dom(unsigned int dom)
{
	mmu_update_t req = { .ptr = l1_ma(6), .val = 0 };

	return HYPERVISOR_mmu_update(&req, 1, NULL, dom);
}

static long mmu_dom_none(void) { return mmu_dom(NO_DOMAIN); }
static long mmu_dom_zero(void) { return mmu_dom(0); }
static long mmu_pt_dom_none(void) { return mmu_dom(((NO_DOMAIN + 1) << 16) | DOMID_SELF); }

static long machphys(enum frame f)
{
	return mmu_update1((frame_mfn(f) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0);
}

static long machphys_foreign(void) { return machphys(F_FOREIGN); }
static long machphys_xen(void) { return machphys(F_XEN); }
static long machphys_invalid(void) { return machphys(F_INVALID); }

static long uva(unsigned long va, enum frame f, uint64_t flags)
{
	return HYPERVISOR_update_va_mapping(va, (frame_mfn(f) << PAGE_SHIFT) | flags,
					    UVMF_INVLPG);
}

static long uva_hole(void) { return uva(0xffff830000000000UL, F_DATA, PTE_RO); }
static long uva_noncanonical(void) { return uva(0x0000800000000000UL, F_DATA, PTE_RO); }
static long uva_no_l1(void) { return uva(UNUSED_VA, F_DATA, PTE_RO); }
static long uva_foreign(void) { return uva((unsigned long)scratch, F_FOREIGN, PTE_RO); }
static long uva_pt_rw(void) { return uva((unsigned long)scratch, F_T2, PTE_RW); }
static long uva_gdt_rw(void) { return uva((unsigned long)scratch, F_GDT, PTE_RW); }
static long uva_m2p(void) { return uva(MACH2PHYS_START, F_DATA, PTE_RO); }

static long uva_other(unsigned int dom)
{
	return hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, (unsigned long)scratch,
			  pt_l1e(scratch), UVMF_INVLPG, dom);
}

static long uva_other_none(void) { return uva_other(NO_DOMAIN); }
static long uva_other_zero(void) { return uva_other(0); }

static const struct {
	const char *name;
	long (*fn)(void);
	long rc;
} misc_cases[] = {
	{ "mmu_update command 4 (unaligned ptr)", mmu_cmd4, -XEN_ENOSYS },
	{ "mmu_update command 5", mmu_cmd5, -XEN_ENOSYS },
	{ "mmu_update command 7", mmu_cmd7, -XEN_ENOSYS },
	{ "mmu_update ptr in a foreign frame", mmu_ptr_foreign, -XEN_EINVAL },
	{ "mmu_update ptr in a hypervisor frame", mmu_ptr_xen, -XEN_EINVAL },
	{ "mmu_update ptr in INVALID_MFN", mmu_ptr_invalid, -XEN_EINVAL },
	{ "mmu_update ptr in the GDT frame", mmu_ptr_gdt, -XEN_EINVAL },
	{ "mmu_update request list in the hole", mmu_list_in_hole, -XEN_EFAULT },
	{ "mmu_update foreigndom 5 (none)", mmu_dom_none, -XEN_ESRCH },
	{ "mmu_update foreigndom 0 (self by number)", mmu_dom_zero, -XEN_ESRCH },
	{ "mmu_update pt owner 5 (none)", mmu_pt_dom_none, -XEN_ESRCH },
	{ "MMU_MACHPHYS_UPDATE of a foreign frame", machphys_foreign, -XEN_EINVAL },
	{ "MMU_MACHPHYS_UPDATE of a hypervisor frame", machphys_xen, -XEN_EINVAL },
	{ "MMU_MACHPHYS_UPDATE of INVALID_MFN", machphys_invalid, -XEN_EINVAL },
	{ "update_va_mapping in the hypervisor hole", uva_hole, -XEN_EINVAL },
	{ "update_va_mapping non-canonical", uva_noncanonical, -XEN_EINVAL },
	{ "update_va_mapping with no L1 there", uva_no_l1, -XEN_EINVAL },
	{ "update_va_mapping of the M2P", uva_m2p, -XEN_EINVAL },
	{ "update_va_mapping -> foreign frame", uva_foreign, -XEN_EBUSY },
	{ "update_va_mapping -> pinned L2 RW", uva_pt_rw, -XEN_EBUSY },
	{ "update_va_mapping -> GDT frame RW", uva_gdt_rw, -XEN_EBUSY },
	{ "update_va_mapping_otherdomain domid 5", uva_other_none, -XEN_ESRCH },
	{ "update_va_mapping_otherdomain domid 0", uva_other_zero, -XEN_ESRCH },
};

static void run_misc_cases(void)
{
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(misc_cases); i++) {
		snapshot();
		rc = misc_cases[i].fn();
		printk("  %-48s rc %ld\n", misc_cases[i].name, rc);
		check_rc(misc_cases[i].name, rc, misc_cases[i].rc);
		check_unchanged(misc_cases[i].name);
	}

	/* Allowed neighbours of the rows above. */
	rc = mmu_cmd(MMU_PT_UPDATE_NO_TRANSLATE);
	printk("  %-48s rc %ld\n", "mmu_update command 3 (NO_TRANSLATE)", rc);
	check_rc("mmu_update command 3 (NO_TRANSLATE)", rc, 0);
	check(t[1][6] == ((virt_to_mfn(data) << PAGE_SHIFT) | PTE_RO | _PAGE_USER |
			  XEN_PTE_GUEST_KERNEL), "NO_TRANSLATE stored %#lx", t[1][6]);
	check_rc("clear t1[6]", mmu_update1(l1_ma(6), 0), 0);
	rc = mmu_dom(((0 + 1) << 16) | DOMID_SELF);
	printk("  %-48s rc %ld\n", "mmu_update pt owner 0 (self)", rc);
	check_rc("mmu_update pt owner 0 (self)", rc, 0);
	rc = uva_other(DOMID_SELF);
	printk("  %-48s rc %ld\n", "update_va_mapping_otherdomain DOMID_SELF", rc);
	check_rc("update_va_mapping_otherdomain DOMID_SELF", rc, 0);
}

/* ------------------------------------------------------------------ setup */

/* A RAM frame the domain does not own: the first one from 1 MiB up. */
static unsigned long find_foreign_ram(void)
{
	for (unsigned long mfn = 0x100; mfn < max_ram_mfn; mfn++)
		if (!pt_mfn_owned(mfn))
			return mfn;
	return 0;
}

/* A frame of the hypervisor's own tables: a present entry in L4 slots 256-271. */
static unsigned long find_xen_frame(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;

	for (unsigned int i = 256; i < 272; i++) {
		unsigned long mfn = (l4[i] & PTE_MFN_MASK) >> PAGE_SHIFT;

		if ((l4[i] & _PAGE_PRESENT) && !pt_mfn_owned(mfn))
			return mfn;
	}
	return 0;
}

static bool setup(void)
{
	unsigned long gdt_frames[1];
	long rc;

	boot_l4_mfn = virt_to_mfn((void *)start_info->pt_base);
	max_ram_mfn = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	foreign_mfn = find_foreign_ram();
	xen_mfn = find_xen_frame();
	printk("max_ram_page %#lx, foreign RAM frame %#lx, hypervisor frame %#lx\n",
	       max_ram_mfn, foreign_mfn, xen_mfn);
	if (!foreign_mfn || !xen_mfn) {
		xtf_error("no foreign or hypervisor frame found");
		return false;
	}

	for (int l = 1; l <= 4; l++)
		t[l] = pt_alloc();
	data = pt_alloc();
	rwpage = pt_alloc();
	gdtpage = pt_alloc();
	bad_l1 = pt_alloc();
	bad_l4 = pt_alloc();
	scratch = pt_alloc();
	child = pt_alloc();
	if (!child) {
		xtf_error("page pool too small");
		return false;
	}
	t[1][5] = (virt_to_mfn(data) << PAGE_SHIFT) | PTE_RO;
	t[2][0] = (virt_to_mfn(t[1]) << PAGE_SHIFT) | PDE;
	t[3][0] = (virt_to_mfn(t[2]) << PAGE_SHIFT) | PDE;
	t[4][0] = (virt_to_mfn(t[3]) << PAGE_SHIFT) | PDE;
	bad_l1[0] = (foreign_mfn << PAGE_SHIFT) | PTE_RO;
	bad_l4[0] = (virt_to_mfn(rwpage) << PAGE_SHIFT) | PDE;
	for (int l = 1; l <= 4; l++) {
		rc = pt_set_ro(t[l]);
		if (!rc)
			rc = pt_pin(l, t[l]);
		if (rc) {
			xtf_error("cannot pin the victim L%d: %ld", l, rc);
			return false;
		}
	}
	if (pt_set_ro(bad_l1) || pt_set_ro(bad_l4) || pt_set_ro(gdtpage) || pt_set_ro(child)) {
		xtf_error("cannot remap pages read-only");
		return false;
	}
	rc = mmu_update1(virt_to_maddr(&t[2][2]), (virt_to_mfn(child) << PAGE_SHIFT) | PDE);
	if (rc) {
		xtf_error("cannot hook the child L1 into the pinned L2: %ld", rc);
		return false;
	}
	/* A zeroed page is a valid GDT (no descriptors present). */
	gdt_frames[0] = virt_to_mfn(gdtpage);
	rc = HYPERVISOR_set_gdt(gdt_frames, 512);
	if (rc) {
		xtf_error("set_gdt: %ld", rc);
		return false;
	}
	return true;
}

static void teardown(void)
{
	printk("teardown: the pins survived every refused call\n");
	check_rc("set_gdt(0 entries)", HYPERVISOR_set_gdt(NULL, 0), 0);
	check_rc("GDT frame writable after set_gdt(0)", pt_set_rw(gdtpage), 0);
	for (int l = 4; l >= 1; l--) {
		check_rc("UNPIN victim", pt_unpin(t[l]), 0);
		check_rc("UNPIN victim again", pt_unpin(t[l]), -XEN_EINVAL);
		check_rc("victim writable after the unpin", pt_set_rw(t[l]), 0);
	}
	check_rc("child L1 writable", pt_set_rw(child), 0);
	check_rc("bad L1 writable", pt_set_rw(bad_l1), 0);
	check_rc("bad L4 writable", pt_set_rw(bad_l4), 0);
}

void test_main(void)
{
	if (!setup())
		return;
	printk("table entries (mmu_update):\n");
	run_pte_cases();
	printk("mmuext_op:\n");
	run_ext_cases();
	printk("other calls:\n");
	run_misc_cases();
	teardown();
}
