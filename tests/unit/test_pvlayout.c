/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV start-of-day layout planner.
 *
 * The expected values in the table were worked out by hand from the rules in xen.h's
 * "Start-of-day memory layout" and Xen's 64-bit dom0 builder (each case's comment shows
 * the arithmetic that matters). A sweep then checks the same rules as invariants over
 * thousands of kernel sizes, counting page tables independently in 128-bit arithmetic.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/pvlayout.h>
#include <check.h>
#include <string.h>
#include "harness.h"

#define VB  0xffffffff80000000ULL
#define P2M 0x8000000000ULL
#define K16 0xffffffff81000000ULL /* CONFIG_PHYSICAL_START 16 MiB above VIRT_BASE */

struct lcase {
	const char *name;
	/* request */
	u64 vb, ks, ke, p2m;
	bool msp;
	u64 nr_pages, initrd_len;
	bool dom0;
	int rc;
	/* expected plan, when rc is 0 */
	u64 initrd_va, initrd_pfn, p2m_va, start_info, xenstore, console;
	u64 pt_va, nr_pt, stack, v_end;
	u64 l3, l2, l1, p2m_l3, p2m_l2, p2m_l1;
	u64 first_p2m_pfn, nr_p2m_frames, used;
};

static const struct lcase cases[] = {
	/*
	 * Linux 6.1 as dom0: 30 MiB kernel at +16 MiB, INIT_P2M, MOD_START_PFN, 512 MiB,
	 * 20 MiB initrd. start_info right after the kernel, then 27 tables for a 48 MiB
	 * region (24 L1). The initrd follows the region at pfn 0x3000, then 256 p2m pages
	 * and an L3, L2 and L1 for them at 0x8000000000.
	 */
	{ .name = "linux61 dom0",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 131072,
	  .initrd_len = 20 << 20,
	  .dom0 = true,
	  .initrd_pfn = 0x3000,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff82e00000,
	  .pt_va = 0xffffffff82e01000,
	  .nr_pt = 27,
	  .stack = 0xffffffff82e1c000,
	  .v_end = 0xffffffff83000000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 24,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x4400,
	  .nr_p2m_frames = 259,
	  .used = 17667 },
	/* The same with just enough memory: 35 p2m pages + 3 tables end exactly at 17446. */
	{ .name = "linux61 exact fit",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 17446,
	  .initrd_len = 20 << 20,
	  .dom0 = true,
	  .initrd_pfn = 0x3000,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff82e00000,
	  .pt_va = 0xffffffff82e01000,
	  .nr_pt = 27,
	  .stack = 0xffffffff82e1c000,
	  .v_end = 0xffffffff83000000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 24,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x4400,
	  .nr_p2m_frames = 38,
	  .used = 17446 },
	{ .name = "linux61 one page short",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 17445,
	  .initrd_len = 20 << 20,
	  .dom0 = true,
	  .rc = -ENOMEM },
	/*
	 * domU, no INIT_P2M, no MOD_START_PFN: the initrd (1 MiB + 1 byte = 257 pages) and
	 * the p2m (128 pages) are mapped after the kernel, then start_info, xenstore,
	 * console. 0x83000000 would leave only 384 KiB after the stack: 4 MiB more, 26 L1.
	 */
	{ .name = "domU mapped initrd",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .nr_pages = 65536,
	  .initrd_len = (1 << 20) + 1,
	  .initrd_va = 0xffffffff82e00000,
	  .initrd_pfn = 0x2e00,
	  .p2m_va = 0xffffffff82f01000,
	  .start_info = 0xffffffff82f81000,
	  .xenstore = 0xffffffff82f82000,
	  .console = 0xffffffff82f83000,
	  .pt_va = 0xffffffff82f84000,
	  .nr_pt = 29,
	  .stack = 0xffffffff82fa1000,
	  .v_end = 0xffffffff83400000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 26,
	  .first_p2m_pfn = 0x3400,
	  .used = 0x3400 },
	/* dom0 with a mapped initrd and INIT_P2M: 2047-page initrd, 512 p2m pages outside. */
	{ .name = "dom0 mapped initrd",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff81800000,
	  .p2m = P2M,
	  .nr_pages = 262144,
	  .initrd_len = 0x7ff000,
	  .dom0 = true,
	  .initrd_va = 0xffffffff81800000,
	  .initrd_pfn = 0x1800,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff81fff000,
	  .pt_va = 0xffffffff82000000,
	  .nr_pt = 21,
	  .stack = 0xffffffff82015000,
	  .v_end = 0xffffffff82400000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 18,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x2400,
	  .nr_p2m_frames = 515,
	  .used = 0x2400 + 515 },
	/* Slack exactly 512 KiB: the stack ends at 0x83b80000, v_end stays at 0x83c00000. */
	{ .name = "slack exactly 512K",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff83b5d000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff83b5d000,
	  .pt_va = 0xffffffff83b5e000,
	  .nr_pt = 33,
	  .stack = 0xffffffff83b7f000,
	  .v_end = 0xffffffff83c00000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 30,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x3c00,
	  .nr_p2m_frames = 131,
	  .used = 0x3c00 + 131 },
	/* One page more: 508 KiB of slack is not enough, 4 MiB more and two more L1s. */
	{ .name = "slack 4K short",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff83b5e000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff83b5e000,
	  .pt_va = 0xffffffff83b5f000,
	  .nr_pt = 35,
	  .stack = 0xffffffff83b82000,
	  .v_end = 0xffffffff84000000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 32,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x4000,
	  .nr_p2m_frames = 131,
	  .used = 0x4000 + 131 },
	/* VIRT_BASE 1 MiB aligned only: v_end is 4 MiB aligned as a VA; 2 L1s. */
	{ .name = "virt_base not 4M aligned",
	  .vb = 0xffffffff80100000,
	  .ks = 0xffffffff80200000,
	  .ke = 0xffffffff80300000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff80300000,
	  .pt_va = 0xffffffff80301000,
	  .nr_pt = 5,
	  .stack = 0xffffffff80306000,
	  .v_end = 0xffffffff80400000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 2,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x300,
	  .nr_p2m_frames = 131,
	  .used = 0x300 + 131 },
	/* A region across a 1 GiB boundary needs two L2s. */
	{ .name = "two L2s",
	  .vb = 0xffffffff7fe00000,
	  .ks = 0xffffffff80000000,
	  .ke = 0xffffffff80100000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffffff80100000,
	  .pt_va = 0xffffffff80101000,
	  .nr_pt = 7,
	  .stack = 0xffffffff80108000,
	  .v_end = 0xffffffff80400000,
	  .l3 = 1,
	  .l2 = 2,
	  .l1 = 3,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x600,
	  .nr_p2m_frames = 131,
	  .used = 0x600 + 131 },
	/* Across a 512 GiB boundary: two L3s too. */
	{ .name = "two L3s",
	  .vb = 0xffffff7fffe00000,
	  .ks = 0xffffff8000000000,
	  .ke = 0xffffff8000100000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffff8000100000,
	  .pt_va = 0xffffff8000101000,
	  .nr_pt = 8,
	  .stack = 0xffffff8000109000,
	  .v_end = 0xffffff8000400000,
	  .l3 = 2,
	  .l2 = 2,
	  .l1 = 3,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x600,
	  .nr_p2m_frames = 131,
	  .used = 0x600 + 131 },
	/* INIT_P2M in the region's L3 (L4 slot 511): it reuses that L3. */
	{ .name = "p2m shares L3",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = 0xffffffffc0000000,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .p2m_va = 0xffffffffc0000000,
	  .start_info = 0xffffffff82e00000,
	  .pt_va = 0xffffffff82e01000,
	  .nr_pt = 27,
	  .stack = 0xffffffff82e1c000,
	  .v_end = 0xffffffff83000000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 24,
	  .p2m_l3 = 0,
	  .p2m_l2 = 1,
	  .p2m_l1 = 1,
	  .first_p2m_pfn = 0x3000,
	  .nr_p2m_frames = 130,
	  .used = 0x3000 + 130 },
	/* INIT_P2M just below the region, in the 2 MiB its first L1 maps: no new tables. */
	{ .name = "p2m shares L1",
	  .vb = 0xffffffff80100000,
	  .ks = 0xffffffff80200000,
	  .ke = 0xffffffff80300000,
	  .p2m = VB,
	  .msp = true,
	  .nr_pages = 32768,
	  .dom0 = true,
	  .p2m_va = VB,
	  .start_info = 0xffffffff80300000,
	  .pt_va = 0xffffffff80301000,
	  .nr_pt = 5,
	  .stack = 0xffffffff80306000,
	  .v_end = 0xffffffff80400000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 2,
	  .first_p2m_pfn = 0x300,
	  .nr_p2m_frames = 64,
	  .used = 0x300 + 64 },
	/*
	 * The largest kernel that fits 1 GiB: 512 L1s, 515 tables; the stack ends exactly
	 * 512 KiB below 0xc0000000. 4 GiB of memory: 2048 p2m pages, 4 L1s for them.
	 */
	{ .name = "1 GiB exactly",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffffbfd7b000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 1 << 20,
	  .dom0 = true,
	  .p2m_va = P2M,
	  .start_info = 0xffffffffbfd7b000,
	  .pt_va = 0xffffffffbfd7c000,
	  .nr_pt = 515,
	  .stack = 0xffffffffbff7f000,
	  .v_end = 0xffffffffc0000000,
	  .l3 = 1,
	  .l2 = 1,
	  .l1 = 512,
	  .p2m_l3 = 1,
	  .p2m_l2 = 1,
	  .p2m_l1 = 4,
	  .first_p2m_pfn = 0x40000,
	  .nr_p2m_frames = 2054,
	  .used = 0x40000 + 2054 },
	{ .name = "1 GiB + 4K",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffffbfd7c000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 1 << 20,
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "kernel beyond 1 GiB",
	  .vb = VB,
	  .ks = K16,
	  .ke = VB + GB(1) + 0x1000,
	  .p2m = P2M,
	  .nr_pages = 1 << 20,
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "p2m in region too big",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .nr_pages = 1 << 27,
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "nr_pages absurd",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .nr_pages = (1ULL << 40) + 1,
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "mapped initrd 1 GiB",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .nr_pages = 1 << 20,
	  .initrd_len = GB(1),
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "region wraps",
	  .vb = 0xffffffffffc00000,
	  .ks = 0xffffffffffc00000,
	  .ke = 0xffffffffffc01000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -E2BIG },
	{ .name = "initrd > memory",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .initrd_len = (65536ULL << 12) + 1,
	  .dom0 = true,
	  .rc = -ENOMEM },
	{ .name = "16 MiB of memory",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 4096,
	  .dom0 = true,
	  .rc = -ENOMEM },
	{ .name = "p2m overlaps region",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = 0xffffffff82f00000,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "p2m leaves canonical space",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = 0x00007ffffff00000,
	  .msp = true,
	  .nr_pages = 1 << 20,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "p2m in hypervisor slots",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = 0xffff800000000000,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "p2m unaligned",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .p2m = P2M + 8,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "region in hypervisor slots",
	  .vb = 0xffff840000000000,
	  .ks = 0xffff840001000000,
	  .ke = 0xffff840002000000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "region leaves canonical space",
	  .vb = 0x00007fffffe00000,
	  .ks = 0x00007fffffe00000,
	  .ke = 0x00007fffffe00000 + 0x1c0000,
	  .p2m = P2M,
	  .msp = true,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "virt_base unaligned",
	  .vb = VB + 0x800,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "kernel below virt_base",
	  .vb = K16 + 0x1000,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "kernel end unaligned",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00800,
	  .nr_pages = 65536,
	  .dom0 = true,
	  .rc = -EINVAL },
	{ .name = "no memory",
	  .vb = VB,
	  .ks = K16,
	  .ke = 0xffffffff82e00000,
	  .nr_pages = 0,
	  .dom0 = true,
	  .rc = -EINVAL },
};

static struct pv_image img;
static struct pv_layout lay;

static struct pv_layout_req make_req(u64 vb, u64 ks, u64 ke, u64 p2m, bool msp, u64 nr_pages,
				     u64 initrd_len, bool dom0)
{
	memset(&img, 0, sizeof(img));
	img.is_elf64 = true;
	img.virt_base = vb;
	img.virt_kstart = ks;
	img.virt_kend = ke;
	img.entry = ks;
	img.init_p2m = p2m;
	img.mod_start_pfn = msp;
	img.nr_segs = 1;
	img.segs[0] = (struct pv_segment){ ks, 0x1000, 0, ke - ks };
	return (struct pv_layout_req){ &img, nr_pages, initrd_len, dom0 };
}

#define EQ(field, want)                                                                            \
	ck_assert_msg(lay.field == (want), "%s: " #field " = %#llx, want %#llx", c->name,          \
		      (unsigned long long)lay.field, (unsigned long long)(want))

START_TEST(test_table)
{
	const struct lcase *c = &cases[_i];
	struct pv_layout_req req =
		make_req(c->vb, c->ks, c->ke, c->p2m, c->msp, c->nr_pages, c->initrd_len, c->dom0);
	int rc = pv_layout_plan(&req, &lay);

	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
	if (rc) {
		ck_assert(!lay.v_start && !lay.v_end && !lay.pages_used && !lay.nr_pt_frames);
		return;
	}
	EQ(v_start, c->vb);
	EQ(kern_start, c->ks);
	EQ(kern_end, c->ke);
	EQ(initrd_va, c->initrd_va);
	EQ(initrd_pfn, c->initrd_pfn);
	EQ(initrd_mapped, c->initrd_va != 0);
	EQ(initrd_pages, (c->initrd_len + 4095) / 4096);
	EQ(p2m_va, c->p2m_va);
	EQ(p2m_pages, (c->nr_pages * 8 + 4095) / 4096);
	EQ(p2m_in_region, c->p2m == 0);
	EQ(start_info_va, c->start_info);
	EQ(xenstore_va, c->xenstore);
	EQ(console_va, c->console);
	EQ(pt_va, c->pt_va);
	EQ(nr_pt_frames, c->nr_pt);
	EQ(stack_va, c->stack);
	EQ(v_end, c->v_end);
	EQ(nr_l4, 1);
	EQ(nr_l3, c->l3);
	EQ(nr_l2, c->l2);
	EQ(nr_l1, c->l1);
	EQ(p2m_l3, c->p2m_l3);
	EQ(p2m_l2, c->p2m_l2);
	EQ(p2m_l1, c->p2m_l1);
	EQ(first_p2m_pfn, c->first_p2m_pfn);
	EQ(nr_p2m_frames, c->nr_p2m_frames);
	EQ(pages_used, c->used);
	EQ(nr_pages, c->nr_pages);
}
END_TEST

START_TEST(test_bad_requests)
{
	struct pv_layout_req req = make_req(VB, K16, K16 + MB(30), P2M, true, 65536, 0, true);

	ck_assert_int_eq(pv_layout_plan(NULL, &lay), -EINVAL);
	ck_assert_int_eq(pv_layout_plan(&req, NULL), -EINVAL);
	img.nr_segs = 0;
	ck_assert_int_eq(pv_layout_plan(&req, &lay), -EINVAL);
	req.img = NULL;
	ck_assert_int_eq(pv_layout_plan(&req, &lay), -EINVAL);
}
END_TEST

/* Independent page-table count: tables of span 2^shift touched by [lo, hi). */
static u64 ref_tables(u64 lo, u64 hi, unsigned int shift)
{
	unsigned __int128 span = (unsigned __int128)1 << shift;
	unsigned __int128 h = ((unsigned __int128)hi + span - 1) / span * span;

	return (u64)((h - (lo / span) * span) >> shift);
}

static u64 ref_pt_needed(u64 lo, u64 hi)
{
	return 1 + ref_tables(lo, hi, 39) + ref_tables(lo, hi, 30) + ref_tables(lo, hi, 21);
}

/* Where the region would end with the stack ending at stack_end (the xen.h rule). */
static u64 ref_v_end(u64 stack_end)
{
	u64 end = (stack_end + MB(4) - 1) & ~(MB(4) - 1);

	return end - stack_end < KB(512) ? end + MB(4) : end;
}

static void check_invariants(const struct pv_layout_req *req, const char *what)
{
	const struct pv_image *im = req->img;
	u64 cur = im->virt_kend, initrd_pages = (req->initrd_len + 4095) / 4096;
	u64 stack_end = lay.stack_va + 4096, nr = lay.nr_pt_frames;

	/* Packed, 4K aligned, in xen.h's order. */
	if (initrd_pages && !im->mod_start_pfn) {
		ck_assert_msg(lay.initrd_va == cur, "%s initrd", what);
		cur += initrd_pages * 4096;
	}
	if (!im->init_p2m) {
		ck_assert_msg(lay.p2m_va == cur, "%s p2m", what);
		cur += lay.p2m_pages * 4096;
	}
	ck_assert_msg(lay.start_info_va == cur, "%s start_info", what);
	cur += 4096;
	if (!req->is_dom0) {
		ck_assert_msg(lay.xenstore_va == cur && lay.console_va == cur + 4096, "%s rings",
			      what);
		cur += 8192;
	}
	ck_assert_msg(lay.pt_va == cur, "%s pt", what);
	ck_assert_msg(lay.stack_va == lay.pt_va + nr * 4096, "%s stack", what);
	/* 4 MiB aligned end with 512 KiB .. 4.5 MiB of slack. */
	ck_assert_msg(lay.v_end % MB(4) == 0, "%s v_end %#llx", what,
		      (unsigned long long)lay.v_end);
	ck_assert_msg(lay.v_end - stack_end >= KB(512) && lay.v_end - stack_end < KB(512) + MB(4),
		      "%s slack", what);
	ck_assert_msg(lay.v_end == ref_v_end(stack_end), "%s v_end rule", what);
	/* The tables fit exactly, and one fewer would not have been enough. */
	ck_assert_msg(nr == ref_pt_needed(lay.v_start, lay.v_end), "%s pt count", what);
	ck_assert_uint_eq(nr, lay.nr_l4 + lay.nr_l3 + lay.nr_l2 + lay.nr_l1);
	ck_assert_msg(ref_pt_needed(lay.v_start, ref_v_end(stack_end - 4096)) > nr - 1,
		      "%s pt count not minimal", what);
	/* pfn space. */
	ck_assert_uint_eq(lay.first_p2m_pfn, (lay.v_end - lay.v_start) / 4096 +
						     (im->mod_start_pfn ? initrd_pages : 0));
	ck_assert_uint_eq(lay.pages_used, lay.first_p2m_pfn + lay.nr_p2m_frames);
	ck_assert_uint_le(lay.pages_used, req->nr_pages);
}

/* Kernels of every size from 16 to 40 MiB in 12 KiB steps, under eight configurations. */
START_TEST(test_sweep)
{
	unsigned int plans = 0;

	for (unsigned int cfg = 0; cfg < 8; cfg++) {
		bool msp = cfg & 1, dom0 = cfg & 2;
		u64 p2m = cfg & 4 ? P2M : 0;

		for (u64 ke = K16 + 0x3000; ke < K16 + MB(24); ke += 0x3000) {
			u64 initrd = (ke >> 12) % 3 ? (ke & 0xfffff) + 1 : 0;
			struct pv_layout_req req =
				make_req(VB, K16, ke, p2m, msp, 262144, initrd, dom0);

			ck_assert_int_eq(pv_layout_plan(&req, &lay), 0);
			check_invariants(&req, "sweep");
			plans++;
		}
	}
	ck_assert_uint_gt(plans, 16000);
}
END_TEST

START_TEST(test_print_dom0)
{
	struct pv_layout_req req =
		make_req(VB, K16, 0xffffffff82e00000, P2M, true, 131072, 20 << 20, true);

	ck_assert_int_eq(pv_layout_plan(&req, &lay), 0);
	capture_start();
	pv_layout_print(&lay, "dom0");
	ck_assert_str_eq(
		capture_text(),
		"(K) dom0 kernel      ffffffff81000000-ffffffff82e00000 (30720 KiB)\n"
		"(K) dom0 start_info  ffffffff82e00000-ffffffff82e01000 (4 KiB)\n"
		"(K) dom0 pagetables  ffffffff82e01000-ffffffff82e1c000 (108 KiB)\n"
		"(K) dom0 pt levels   L4 1 L3 1 L2 1 L1 24\n"
		"(K) dom0 stack       ffffffff82e1c000-ffffffff82e1d000 (4 KiB)\n"
		"(K) dom0 free        ffffffff82e1d000-ffffffff83000000 (1932 KiB)\n"
		"(K) dom0 region      ffffffff80000000-ffffffff83000000 (49152 KiB)\n"
		"(K) dom0 initrd      pfn 3000-4400 (20480 KiB) unmapped\n"
		"(K) dom0 p2m         0000008000000000-0000008000100000 (1024 KiB) INIT_P2M\n"
		"(K) dom0 p2m frames  pfn 4400-4503 (1036 KiB)\n"
		"(K) dom0 p2m levels  L3 1 L2 1 L1 1\n"
		"(K) dom0 used        17667 of 131072 pages\n");
}
END_TEST

START_TEST(test_print_domu)
{
	struct pv_layout_req req =
		make_req(VB, K16, 0xffffffff82e00000, 0, false, 65536, (1 << 20) + 1, false);

	ck_assert_int_eq(pv_layout_plan(&req, &lay), 0);
	capture_start();
	pv_layout_print(&lay, "domU");
	ck_assert_str_eq(capture_text(),
			 "(K) domU kernel      ffffffff81000000-ffffffff82e00000 (30720 KiB)\n"
			 "(K) domU initrd      ffffffff82e00000-ffffffff82f01000 (1028 KiB)\n"
			 "(K) domU p2m         ffffffff82f01000-ffffffff82f81000 (512 KiB)\n"
			 "(K) domU start_info  ffffffff82f81000-ffffffff82f82000 (4 KiB)\n"
			 "(K) domU xenstore    ffffffff82f82000-ffffffff82f83000 (4 KiB)\n"
			 "(K) domU console     ffffffff82f83000-ffffffff82f84000 (4 KiB)\n"
			 "(K) domU pagetables  ffffffff82f84000-ffffffff82fa1000 (116 KiB)\n"
			 "(K) domU pt levels   L4 1 L3 1 L2 1 L1 26\n"
			 "(K) domU stack       ffffffff82fa1000-ffffffff82fa2000 (4 KiB)\n"
			 "(K) domU free        ffffffff82fa2000-ffffffff83400000 (4472 KiB)\n"
			 "(K) domU region      ffffffff80000000-ffffffff83400000 (53248 KiB)\n"
			 "(K) domU used        13312 of 65536 pages\n");
}
END_TEST

Suite *pvlayout_suite(void)
{
	Suite *s = suite_create("pvlayout");
	TCase *tc = tcase_create("plan"), *pr = tcase_create("print");

	tcase_add_loop_test(tc, test_table, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_sweep);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tcase_add_test(pr, test_print_dom0);
	tcase_add_test(pr, test_print_domu);
	suite_add_tcase(s, pr);
	return s;
}
