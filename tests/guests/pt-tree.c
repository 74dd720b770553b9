/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV page-table ABI, positive semantics: a new four-level tree is built from pool
 * pages (the L1 filled with mmu_update while it is still an ordinary page, the others
 * through their writable mapping), made read-only and pinned level by level, then as a
 * whole through MMUEXT_PIN_L4_TABLE alone (children validated implicitly). Pinned or
 * implicitly validated tables cannot be mapped writable; after the unpin they can again.
 * The new L4 (which also holds the boot L4's kernel slots) becomes the base with
 * MMUEXT_NEW_BASEPTR, a user and a kernel page are mapped and unmapped in it with
 * mmu_update and update_va_mapping and read through the new mapping, then the boot L4
 * comes back; MMUEXT_NEW_USER_BASEPTR takes the pinned L4 and 0. Also: the entries Xen
 * stores (USER forced on, bit 52 marking kernel pages, GLOBAL on user pages),
 * MMU_PT_UPDATE_PRESERVE_AD, the done count of a batch failing at entry k, the TLB
 * flushes (only the state after the flush is asserted: a real TLB may or may not hold
 * the stale entry before it), M2P[p2m[pfn]] == pfn and MMU_MACHPHYS_UPDATE.
 *
 * A broken hypervisor refuses to validate a correct tree, lets a validated table be
 * mapped writable, keeps tables validated after their last reference is gone, loses the
 * kernel mapping across NEW_BASEPTR, leaves stale translations after a flush, miscounts
 * a batch, or lets the M2P disagree with the p2m.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "page-table tree: build, pin, switch, map, flush";

#define TEST_VA		0x0000100000000000UL	/* L4 slot 32: nothing there at boot */
#define PDE		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define PTE_KERN	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_USER	(PTE_KERN | _PAGE_USER)
#define PAT1		0xd1d1d1d1d1d1d1d1UL
#define PAT2		0xd2d2d2d2d2d2d2d2UL

static uint64_t *tbl[5];	/* tbl[level]: the new tree's tables, pool pages */
static uint64_t *d1, *d2;	/* data pages */
static unsigned long boot_l4_mfn;

static uint64_t ent(const void *page, uint64_t flags)
{
	return (virt_to_maddr(page) & PTE_MFN_MASK) | flags;
}

static unsigned long read_cr3(void)
{
	unsigned long cr3;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

static uint64_t read_va(unsigned long va)
{
	return READ_ONCE(*(volatile uint64_t *)va);
}

static void set_rw_expect(int level, long want, const char *when)
{
	long rc = pt_set_rw(tbl[level]);

	if (rc != want)
		xtf_failure("writable mapping of the L%d %s: returned %ld, expected %ld", level,
			    when, rc, want);
	/* A refused remap leaves the read-only entry as it was. */
	if (rc && (pt_l1e(tbl[level]) & _PAGE_RW))
		xtf_failure("refused writable mapping of the L%d left RW set", level);
}

static bool build_tree(void)
{
	const uint64_t *boot_l4 = (const uint64_t *)start_info->pt_base;
	long rc;

	for (int l = 1; l <= 4; l++)
		tbl[l] = pt_alloc();
	d1 = pt_alloc();
	d2 = pt_alloc();
	if (!tbl[1] || !tbl[2] || !tbl[3] || !tbl[4] || !d2) {
		xtf_error("page pool too small (%lu pages left)", pt_pool_free());
		return false;
	}
	d1[0] = PAT1;
	d2[0] = PAT2;

	/* An ordinary (writable) page: mmu_update just stores the word, nothing validated. */
	rc = mmu_update1(virt_to_maddr(&tbl[1][0]), ent(d1, PTE_KERN));
	check_rc("mmu_update into a plain writable page", rc, 0);
	check(tbl[1][0] == ent(d1, PTE_KERN), "plain page holds %#lx", tbl[1][0]);
	/* ... and so does a direct write through the writable mapping. */
	tbl[2][0] = ent(tbl[1], PDE);
	tbl[3][0] = ent(tbl[2], PDE);
	tbl[4][PT_INDEX(TEST_VA, 4)] = ent(tbl[3], PDE);
	/* The kernel's own slots (511 for the image at 0xffffffff80000000). */
	for (unsigned int i = 272; i < 512; i++)
		if (boot_l4[i] & _PAGE_PRESENT)
			tbl[4][i] = boot_l4[i];
	check(tbl[4][511] & _PAGE_PRESENT, "the boot L4 has no slot 511");

	for (int l = 1; l <= 4; l++) {
		rc = pt_set_ro(tbl[l]);
		if (rc) {
			xtf_error("cannot map the new L%d read-only: %ld", l, rc);
			return false;
		}
	}
	/* A read-only page that is no table yet: mmu_update stores the word raw as well. */
	rc = mmu_update1(virt_to_maddr(&tbl[2][1]), 0x1234000UL | PDE);
	check_rc("mmu_update into a plain read-only page", rc, 0);
	check(tbl[2][1] == (0x1234000UL | PDE), "plain read-only page holds %#lx", tbl[2][1]);
	check_rc("mmu_update into a plain read-only page (clear)",
		 mmu_update1(virt_to_maddr(&tbl[2][1]), 0), 0);
	printk("tree: L4 %#lx L3 %#lx L2 %#lx L1 %#lx data %#lx %#lx\n", virt_to_mfn(tbl[4]),
	       virt_to_mfn(tbl[3]), virt_to_mfn(tbl[2]), virt_to_mfn(tbl[1]), virt_to_mfn(d1),
	       virt_to_mfn(d2));
	return true;
}

static void test_pin_levels(void)
{
	uint64_t *e;

	printk("pin L1..L4 one by one\n");
	for (int l = 1; l <= 4; l++) {
		char what[48];

		snprintf(what, sizeof(what), "MMUEXT_PIN_L%d_TABLE", l);
		check_rc(what, pt_pin(l, tbl[l]), 0);
		set_rw_expect(l, -XEN_EBUSY, "while pinned");
	}

	/* What validation stored: USER forced on everywhere, bit 52 marks a kernel page. */
	check(tbl[1][0] == (ent(d1, PTE_KERN) | _PAGE_USER | XEN_PTE_GUEST_KERNEL),
	      "validated L1e %#lx", tbl[1][0]);
	check(tbl[2][0] == (ent(tbl[1], PDE) | _PAGE_USER), "validated L2e %#lx", tbl[2][0]);
	check(tbl[3][0] == (ent(tbl[2], PDE) | _PAGE_USER), "validated L3e %#lx", tbl[3][0]);
	check(tbl[4][PT_INDEX(TEST_VA, 4)] == (ent(tbl[3], PDE) | _PAGE_USER),
	      "validated L4e %#lx", tbl[4][PT_INDEX(TEST_VA, 4)]);

	/* Walk the new tree down to the data page. */
	for (int l = 4; l >= 1; l--) {
		e = pt_walk(virt_to_mfn(tbl[4]), TEST_VA, l);
		check(e == &tbl[l][PT_INDEX(TEST_VA, l)], "walk: L%d entry at %p", l, e);
	}
	e = pt_walk(virt_to_mfn(tbl[4]), TEST_VA, 1);
	check(e && (*e & PTE_MFN_MASK) >> PAGE_SHIFT == virt_to_mfn(d1), "walk ends at %#lx",
	      e ? *e : 0);
	e = pt_walk(virt_to_mfn(tbl[4]), (unsigned long)_text, 1);
	check(e && *e == pt_l1e(_text), "walk of the kernel text through the new L4");
}

static void test_baseptr(void)
{
	unsigned long va;
	uint64_t *l1 = tbl[1];

	printk("NEW_BASEPTR to the new L4\n");
	check_rc("MMUEXT_NEW_BASEPTR(new L4)", mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(tbl[4]), 0),
		 0);
	check(read_cr3() == virt_to_mfn(tbl[4]) << PAGE_SHIFT, "CR3 %#lx", read_cr3());
	check(read_va(TEST_VA) == PAT1, "TEST_VA reads %#lx", read_va(TEST_VA));
	check(mfn_to_pfn(virt_to_mfn(d1)) == virt_to_pfn(d1), "M2P unreadable on the new L4");

	/* A user page with update_va_mapping: Xen adds GLOBAL to user mappings. */
	va = TEST_VA + PAGE_SIZE;
	check_rc("update_va_mapping(user page)",
		 HYPERVISOR_update_va_mapping(va, ent(d2, PTE_USER), UVMF_INVLPG), 0);
	check(l1[1] == (ent(d2, PTE_USER) | _PAGE_GLOBAL), "user L1e %#lx", l1[1]);
	check(read_va(va) == PAT2, "user page reads %#lx", read_va(va));
	check_rc("update_va_mapping(unmap user page)",
		 HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG), 0);
	check(l1[1] == 0 && probe_read((void *)va), "user page still mapped: %#lx", l1[1]);

	/* A kernel page with mmu_update into the validated L1. */
	va = TEST_VA + 2 * PAGE_SIZE;
	check_rc("mmu_update(kernel page)", mmu_update1(virt_to_maddr(&l1[2]), ent(d2, PTE_KERN)),
		 0);
	check(l1[2] == (ent(d2, PTE_KERN) | _PAGE_USER | XEN_PTE_GUEST_KERNEL), "kernel L1e %#lx",
	      l1[2]);
	check(read_va(va) == PAT2, "kernel page reads %#lx", read_va(va));
	check_rc("mmu_update(unmap kernel page)", mmu_update1(virt_to_maddr(&l1[2]), 0), 0);
	check_rc("MMUEXT_INVLPG_LOCAL", mmuext1(MMUEXT_INVLPG_LOCAL, va, 0), 0);
	check(l1[2] == 0 && probe_read((void *)va), "kernel page still mapped: %#lx", l1[2]);

	/* The other two combinations. */
	va = TEST_VA + 3 * PAGE_SIZE;
	check_rc("mmu_update(user page)", mmu_update1(virt_to_maddr(&l1[3]), ent(d1, PTE_USER)),
		 0);
	check(l1[3] == (ent(d1, PTE_USER) | _PAGE_GLOBAL), "user L1e %#lx", l1[3]);
	check(read_va(va) == PAT1, "user page reads %#lx", read_va(va));
	check_rc("mmu_update(unmap user page)", mmu_update1(virt_to_maddr(&l1[3]), 0), 0);
	va = TEST_VA + 4 * PAGE_SIZE;
	check_rc("update_va_mapping(kernel page)",
		 HYPERVISOR_update_va_mapping(va, ent(d1, PTE_KERN), UVMF_INVLPG), 0);
	check(l1[4] == (ent(d1, PTE_KERN) | _PAGE_USER | XEN_PTE_GUEST_KERNEL),
	      "kernel L1e %#lx", l1[4]);
	check(read_va(va) == PAT1, "kernel page reads %#lx", read_va(va));
	check_rc("update_va_mapping(unmap kernel page)",
		 HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG), 0);
	check_rc("MMUEXT_TLB_FLUSH_LOCAL", mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	check(probe_read((void *)(TEST_VA + 3 * PAGE_SIZE)) && probe_read((void *)va),
	      "unmapped pages still readable");

	printk("NEW_BASEPTR back to pt_base\n");
	check_rc("MMUEXT_NEW_BASEPTR(boot L4)", mmuext1(MMUEXT_NEW_BASEPTR, boot_l4_mfn, 0), 0);
	check(read_cr3() == boot_l4_mfn << PAGE_SHIFT, "CR3 %#lx", read_cr3());
	check(probe_read((void *)TEST_VA), "TEST_VA readable on the boot L4");

	printk("NEW_USER_BASEPTR to the pinned L4 and back to 0\n");
	check_rc("MMUEXT_NEW_USER_BASEPTR(new L4)",
		 mmuext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(tbl[4]), 0), 0);
	check_rc("MMUEXT_NEW_USER_BASEPTR(0)", mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
}

static void test_unpin_levels(void)
{
	printk("unpin L4..L1: each becomes mappable writable, the next one down not yet\n");
	for (int l = 4; l >= 1; l--) {
		char what[48];

		snprintf(what, sizeof(what), "MMUEXT_UNPIN_TABLE(L%d)", l);
		check_rc(what, pt_unpin(tbl[l]), 0);
		set_rw_expect(l, 0, "after its unpin");
		if (l > 1)
			set_rw_expect(l - 1, -XEN_EBUSY, "while still pinned");
	}
	/* Devalidation leaves the contents alone. */
	check(tbl[1][0] == (ent(d1, PTE_KERN) | _PAGE_USER | XEN_PTE_GUEST_KERNEL),
	      "L1e after devalidation %#lx", tbl[1][0]);
}

static void test_pin_hierarchy(void)
{
	printk("PIN_L4 alone validates the whole hierarchy\n");
	for (int l = 1; l <= 4; l++)
		check_rc("remap read-only", pt_set_ro(tbl[l]), 0);
	check_rc("MMUEXT_PIN_L4_TABLE(hierarchy)", pt_pin(4, tbl[4]), 0);
	for (int l = 1; l <= 3; l++)
		set_rw_expect(l, -XEN_EBUSY, "validated through the pinned L4");
	/* Implicit validation is not a pin, but the table can be pinned on top. */
	check_rc("MMUEXT_UNPIN_TABLE(implicitly validated L3)", pt_unpin(tbl[3]), -XEN_EINVAL);
	check_rc("MMUEXT_PIN_L1_TABLE(implicitly validated L1)", pt_pin(1, tbl[1]), 0);
	check_rc("MMUEXT_UNPIN_TABLE(that L1)", pt_unpin(tbl[1]), 0);
	check_rc("MMUEXT_UNPIN_TABLE(hierarchy)", pt_unpin(tbl[4]), 0);
	for (int l = 1; l <= 4; l++)
		set_rw_expect(l, 0, "after the hierarchy's unpin");
}

enum flush { FL_INVLPG, FL_FLUSH, FL_INVLPG_ALL, FL_FLUSH_ALL, FL_UVMF_INVLPG, FL_UVMF_FLUSH };

static const struct {
	const char *name;
	enum flush how;
} flushes[] = {
	{ "MMUEXT_INVLPG_LOCAL", FL_INVLPG },
	{ "MMUEXT_TLB_FLUSH_LOCAL", FL_FLUSH },
	{ "MMUEXT_INVLPG_ALL", FL_INVLPG_ALL },
	{ "MMUEXT_TLB_FLUSH_ALL", FL_FLUSH_ALL },
	{ "update_va_mapping UVMF_INVLPG", FL_UVMF_INVLPG },
	{ "update_va_mapping UVMF_TLB_FLUSH", FL_UVMF_FLUSH },
};

/* Map va to page with a flush of the given kind; for the mmuext kinds via mmu_update. */
static long remap_with(enum flush how, void *va, uint64_t pte)
{
	unsigned long v = (unsigned long)va;
	long rc;

	switch (how) {
	case FL_UVMF_INVLPG:
		return HYPERVISOR_update_va_mapping(v, pte, UVMF_INVLPG);
	case FL_UVMF_FLUSH:
		return HYPERVISOR_update_va_mapping(v, pte, UVMF_TLB_FLUSH);
	default:
		break;
	}
	/* mmu_update does not flush for an L1 change: a stale entry may survive it. */
	rc = mmu_update1(pt_l1e_maddr(va), pte);
	if (rc)
		return rc;
	switch (how) {
	case FL_INVLPG:
		return mmuext1(MMUEXT_INVLPG_LOCAL, v, 0);
	case FL_FLUSH:
		return mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	case FL_INVLPG_ALL:
		return mmuext1(MMUEXT_INVLPG_ALL, v, 0);
	default:
		return mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0);
	}
}

static void test_tlb(void)
{
	uint64_t *x = pt_alloc();
	uint64_t orig = pt_l1e(x);

	printk("TLB flushes: the new translation is in use after each\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(flushes); i++) {
		check_rc("map d1", HYPERVISOR_update_va_mapping((unsigned long)x, ent(d1, PTE_KERN),
								UVMF_INVLPG), 0);
		check(read_va((unsigned long)x) == PAT1, "%s: first mapping reads %#lx",
		      flushes[i].name, read_va((unsigned long)x));
		/* The read above loaded a translation; now move it to d2. */
		printk("  %s\n", flushes[i].name);
		check_rc(flushes[i].name, remap_with(flushes[i].how, x, ent(d2, PTE_KERN)), 0);
		check(read_va((unsigned long)x) == PAT2, "%s: stale translation (reads %#lx)",
		      flushes[i].name, read_va((unsigned long)x));
	}
	check_rc("restore", HYPERVISOR_update_va_mapping((unsigned long)x, orig, UVMF_INVLPG), 0);
	pt_free(x);
}

static void test_preserve_ad(void)
{
	uint64_t *x = pt_alloc();
	uint64_t ma = pt_l1e_maddr(x), orig = pt_l1e(x);
	volatile uint64_t *e = pt_walk(boot_l4_mfn, (unsigned long)x, 1);
	const uint64_t ad = _PAGE_ACCESSED | _PAGE_DIRTY, base = _PAGE_PRESENT | _PAGE_RW;

	printk("MMU_PT_UPDATE_PRESERVE_AD\n");
	check_rc("NORMAL with A|D", mmu_update1(ma, ent(d1, base | ad)), 0);
	check((*e & ad) == ad, "NORMAL with A|D stored %#lx", *e);
	check_rc("PRESERVE_AD without A|D", mmu_update1(ma | MMU_PT_UPDATE_PRESERVE_AD,
							ent(d1, base)), 0);
	check((*e & ad) == ad, "PRESERVE_AD dropped A/D: %#lx", *e);
	check_rc("NORMAL without A|D", mmu_update1(ma, ent(d1, base)), 0);
	check(!(*e & ad), "NORMAL kept A/D: %#lx", *e);
	check_rc("PRESERVE_AD with A only", mmu_update1(ma | MMU_PT_UPDATE_PRESERVE_AD,
							ent(d1, base | _PAGE_ACCESSED)), 0);
	check((*e & ad) == _PAGE_ACCESSED, "PRESERVE_AD with A only stored %#lx", *e);
	check_rc("PRESERVE_AD to another frame", mmu_update1(ma | MMU_PT_UPDATE_PRESERVE_AD,
							     ent(d2, base)), 0);
	check((*e & ad) == _PAGE_ACCESSED && (*e & PTE_MFN_MASK) == ent(d2, 0),
	      "PRESERVE_AD to another frame stored %#lx", *e);
	check_rc("restore", HYPERVISOR_update_va_mapping((unsigned long)x, orig, UVMF_INVLPG), 0);
	pt_free(x);
}

static const struct {
	unsigned int n, bad;	/* bad == n: every request is good */
	long rc;
} batches[] = {
	{ 4, 4, 0 },
	{ 4, 0, -XEN_EINVAL },
	{ 4, 2, -XEN_EINVAL },
	{ 4, 3, -XEN_EINVAL },
	{ 1, 0, -XEN_EINVAL },
};

static void test_batch(void)
{
	uint64_t *x[4];
	uint64_t orig[4];
	mmu_update_t req[4];

	printk("mmu_update batches: done counts up to the failing request\n");
	for (unsigned int i = 0; i < 4; i++) {
		x[i] = pt_alloc();
		orig[i] = pt_l1e(x[i]);
	}
	for (unsigned int b = 0; b < ARRAY_SIZE(batches); b++) {
		unsigned int n = batches[b].n, bad = batches[b].bad, done = 0xdead;
		long rc;

		for (unsigned int i = 0; i < n; i++) {
			req[i].ptr = pt_l1e_maddr(x[i]);
			req[i].val = ent(d1, _PAGE_PRESENT | _PAGE_ACCESSED);
		}
		/* A frame nobody owns as the table: "Could not get page for normal update". */
		if (bad < n)
			req[bad].ptr = 0x000ffffffffff000UL;
		rc = HYPERVISOR_mmu_update(req, n, &done, DOMID_SELF);
		printk("  %u requests, bad one at %u: rc %ld done %u\n", n, bad, rc, done);
		if (rc != batches[b].rc || done != bad)
			xtf_failure("batch of %u failing at %u: rc %ld done %u, want %ld and %u", n,
				    bad, rc, done, batches[b].rc, bad);
		for (unsigned int i = 0; i < n; i++) {
			bool changed = pt_l1e(x[i]) != orig[i];

			if (changed != (i < bad))
				xtf_failure("batch of %u failing at %u: request %u %s", n, bad, i,
					    changed ? "applied" : "not applied");
			HYPERVISOR_update_va_mapping((unsigned long)x[i], orig[i], UVMF_INVLPG);
		}
	}

	/* mmuext_op counts the same way: pin, double pin (refused), unpin. */
	{
		struct mmuext_op ops[3] = {
			{ .cmd = MMUEXT_PIN_L1_TABLE },
			{ .cmd = MMUEXT_PIN_L1_TABLE },
			{ .cmd = MMUEXT_UNPIN_TABLE },
		};
		unsigned int done = 0xdead;
		long rc;

		check_rc("remap read-only", pt_set_ro(x[0]), 0);
		for (unsigned int i = 0; i < 3; i++)
			ops[i].arg1.mfn = virt_to_mfn(x[0]);
		rc = HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF);
		check(rc == -XEN_EINVAL && done == 1, "mmuext batch: rc %ld done %u", rc, done);
		check_rc("unpin after the batch", pt_unpin(x[0]), 0);
		rc = HYPERVISOR_mmuext_op(ops, 1, &done, DOMID_SELF);
		check(rc == 0 && done == 1, "mmuext batch of one: rc %ld done %u", rc, done);
		check_rc("unpin", pt_unpin(x[0]), 0);
		check_rc("remap writable", pt_set_rw(x[0]), 0);
	}
	for (unsigned int i = 4; i-- > 0;)
		pt_free(x[i]);
}

static void test_m2p(void)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_START;
	unsigned long bad = 0, first = 0, mfn = virt_to_mfn(d1), old;

	printk("M2P consistency over %lu pfns, MMU_MACHPHYS_UPDATE\n", start_info->nr_pages);
	for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++) {
		if (m2p[pfn_to_mfn(pfn)] != pfn && !bad++)
			first = pfn;
	}
	check(!bad, "%lu pfns with M2P[p2m[pfn]] != pfn, first %#lx", bad, first);

	old = m2p[mfn];
	check_rc("MMU_MACHPHYS_UPDATE", mmu_update1((mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
						    0x12345), 0);
	check(m2p[mfn] == 0x12345, "M2P entry after MMU_MACHPHYS_UPDATE: %#lx", m2p[mfn]);
	check_rc("MMU_MACHPHYS_UPDATE (restore)",
		 mmu_update1((mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, old), 0);
	check(m2p[mfn] == old, "M2P entry not restored: %#lx", m2p[mfn]);
}

void test_main(void)
{
	boot_l4_mfn = virt_to_mfn((void *)start_info->pt_base);
	if (!build_tree())
		return;
	test_pin_levels();
	test_baseptr();
	test_unpin_levels();
	test_pin_hierarchy();
	test_tlb();
	test_preserve_ad();
	test_batch();
	test_m2p();
}
