/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame references and types (common/page_type.c), table-driven: each scenario is a
 * sequence of steps (write an entry, pin, unpin, take or drop a root reference, check a
 * frame's counts or an entry's value, relinquish) with the result each step must give,
 * and after every step the audit must find the counts consistent.
 *
 * The machine has NFRAMES frames. Domain 1 owns frames 0..OWNED-1 (each allocated: one
 * general reference, type none), domain 2 owns the rest. A broken type system shows up
 * as a wrong error code, a count that does not return to its start figure, a writable
 * mapping of a page table that is accepted, or an audit complaint.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/domain.h>
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "shim/shim.h"
#include "harness.h"

#define NFRAMES 48
#define OWNED 40
#define DOM 1
#define OTHER 2

/* entries: P=present W=writable, U=user */
#define P PTE_P
#define W PTE_RW
#define E(mfn, fl) (((u64)(mfn) << 12) | (fl))
#define KERN (PTE_US | PTE_GUEST_KERNEL) /* what a kernel L1 entry is stored with */

enum op {
	END,
	WR,     /* pt_write_entry(a, b, v) */
	WRAD,   /* the same, preserving A/D */
	PIN,    /* pt_pin(a, level b) */
	UNPIN,  /* pt_unpin(a) */
	ROOT,   /* get_page_and_type(a, L4): a vCPU loads it */
	UNROOT, /* put_page_and_type(a) */
	CHK,    /* frame a: b general references, c type references, type level v */
	ENTRY,  /* entry b of frame a == v */
	PRIV,   /* domain becomes privileged (a = 1) or not */
	RELQ,   /* pt_relinquish(); rc = frames freed */
};

struct step {
	enum op op;
	u64 a, b, c, v;
	int rc;
};

#define WRITE(t, i, val, r)	{ WR, t, i, 0, val, r }
#define WRITE_AD(t, i, val, r)	{ WRAD, t, i, 0, val, r }
#define PINL(m, l, r)		{ PIN, m, l, 0, 0, r }
#define UNPINL(m, r)		{ UNPIN, m, 0, 0, 0, r }
#define COUNTS(m, g, t, lvl)	{ CHK, m, g, t, lvl, 0 }
#define ENTRYIS(m, i, val)	{ ENTRY, m, i, 0, val, 0 }

struct scenario {
	const char *name;
	struct step steps[24];
};

/* pages 0-3 make a tree: 0 = L4, 1 = L3, 2 = L2, 3 = L1; 10.. are data pages */
#define TREE(r)                                                                          \
	WRITE(3, 0, E(10, P | W), 0), WRITE(3, 1, E(11, P), 0), WRITE(2, 0, E(3, P | W), 0), \
		WRITE(1, 0, E(2, P | W), 0), WRITE(0, 0, E(1, P | W), r)

static const struct scenario scenarios[] = {
	{ "pin and unpin an empty L1",
	  { PINL(5, 1, 0), COUNTS(5, 2, 1, 1), UNPINL(5, 0), COUNTS(5, 1, 0, 1) } },
	{ "an RW entry takes the writable type, and gives it back",
	  { WRITE(5, 7, E(10, P | W), 0), PINL(5, 1, 0), COUNTS(10, 2, 1, 7),
	    ENTRYIS(5, 7, E(10, P | W | KERN)), UNPINL(5, 0), COUNTS(10, 1, 0, 7) } },
	{ "an RO user entry takes a reference but no type, and is made global",
	  { WRITE(5, 7, E(10, P | PTE_US), 0), PINL(5, 1, 0), COUNTS(10, 2, 0, 0),
	    ENTRYIS(5, 7, E(10, P | PTE_US | PTE_G)), UNPINL(5, 0), COUNTS(10, 1, 0, 0) } },
	{ "a frame of another domain cannot be mapped",
	  { WRITE(5, 0, E(OWNED + 1, P), 0), PINL(5, 1, -EBUSY), COUNTS(5, 1, 0, 1),
	    COUNTS(OWNED + 1, 1, 0, 0) } },
	{ "a frame beyond RAM is I/O: refused unless privileged, and mapped uncached",
	  { WRITE(5, 0, E(NFRAMES + 100, P | W), 0), PINL(5, 1, -EPERM), { PRIV, 1, 0, 0, 0, 0 },
	    PINL(5, 1, 0), ENTRYIS(5, 0, E(NFRAMES + 100, P | W | PTE_PWT | PTE_PCD | KERN)),
	    UNPINL(5, 0), WRITE(5, 0, E(1ULL << 28, P), 0), PINL(5, 1, -EPERM) } },
	{ "cache bits are for privileged domains only",
	  { WRITE(5, 0, E(10, P | PTE_PCD), 0), PINL(5, 1, -EINVAL), { PRIV, 1, 0, 0, 0, 0 }, PINL(5, 1, 0),
	    UNPINL(5, 0) } },
	{ "the all-ones frame and frames beyond the address width; the grant bit passes",
	  { WRITE(5, 0, E(0xffffffffffULL, P), 0), PINL(5, 1, -EINVAL), WRITE(5, 0, 0, 0),
	    WRITE(5, 1, E(10, P) | (1ULL << 51), 0), PINL(5, 1, -EPERM), WRITE(5, 1, 0, 0),
	    WRITE(5, 2, E(10, P | PTE_GRANT | PTE_NX), 0), PINL(5, 1, 0), UNPINL(5, 0) } },
	{ "a pinned table cannot be mapped writable, only read-only",
	  { PINL(6, 1, 0), PINL(5, 1, 0), WRITE(5, 0, E(6, P | W), -EBUSY), ENTRYIS(5, 0, 0),
	    WRITE(5, 0, E(6, P), 0), COUNTS(6, 3, 1, 1), WRITE(5, 0, 0, 0), UNPINL(5, 0),
	    UNPINL(6, 0), COUNTS(6, 1, 0, 1) } },
	{ "a page mapped writable cannot be pinned until the mapping goes",
	  { PINL(5, 1, 0), WRITE(5, 0, E(6, P | W), 0), PINL(6, 1, -EINVAL),
	    WRITE(5, 0, E(6, P), 0), PINL(6, 1, 0), UNPINL(6, 0), UNPINL(5, 0) } },
	{ "double pin and unpin of an unpinned frame",
	  { PINL(5, 1, 0), PINL(5, 1, -EINVAL), COUNTS(5, 2, 1, 1), UNPINL(5, 0),
	    UNPINL(5, -EINVAL), UNPINL(OWNED + 1, -EINVAL), UNPINL(NFRAMES + 5, -EINVAL) } },
	{ "one type at a time",
	  { PINL(5, 1, 0), PINL(5, 2, -EINVAL), UNPINL(5, 0), PINL(5, 2, 0), UNPINL(5, 0) } },
	{ "pin levels out of range and frames not owned",
	  { PINL(5, 0, -EINVAL), PINL(5, 5, -EINVAL), PINL(OWNED + 2, 1, -EINVAL),
	    PINL(NFRAMES, 1, -EINVAL) } },
	{ "pinning an L4 validates the whole tree, unpinning devalidates it",
	  { TREE(0), PINL(0, 4, 0), COUNTS(1, 2, 1, 3), COUNTS(2, 2, 1, 2), COUNTS(3, 2, 1, 1),
	    COUNTS(10, 2, 1, 7), COUNTS(11, 2, 0, 0),
	    ENTRYIS(0, PV_HYP_L4_FIRST, SHIM_HYP_L4E(PV_HYP_L4_FIRST)),
	    ENTRYIS(0, PV_HYP_L4_LAST, SHIM_HYP_L4E(PV_HYP_L4_LAST)), UNPINL(0, 0),
	    COUNTS(1, 1, 0, 3), COUNTS(3, 1, 0, 1), COUNTS(10, 1, 0, 7), COUNTS(11, 1, 0, 0) } },
	{ "after devalidation the tables may be mapped writable again",
	  { TREE(0), PINL(0, 4, 0), PINL(5, 1, 0), WRITE(5, 0, E(3, P | W), -EBUSY),
	    UNPINL(0, 0), WRITE(5, 0, E(3, P | W), 0), COUNTS(3, 2, 1, 7), UNPINL(5, 0) } },
	{ "the hypervisor's L4 slots are not the guest's",
	  { PINL(0, 4, 0), WRITE(0, PV_HYP_L4_FIRST, 0, -EINVAL),
	    WRITE(0, PV_HYP_L4_LAST, E(1, P), -EINVAL), WRITE(0, PV_HYP_L4_LAST + 1, E(1, P), 0),
	    COUNTS(1, 2, 1, 3), ENTRYIS(0, PV_HYP_L4_FIRST, SHIM_HYP_L4E(PV_HYP_L4_FIRST)),
	    UNPINL(0, 0), COUNTS(1, 1, 0, 3) } },
	{ "no superpages, no linear page tables",
	  { WRITE(2, 0, E(3, P | W | PTE_PSE), 0), PINL(2, 2, -EINVAL), WRITE(2, 0, E(2, P), 0),
	    PINL(2, 2, -EINVAL), WRITE(2, 0, E(3, P | PTE_G), 0), PINL(2, 2, -EINVAL),
	    COUNTS(3, 1, 0, 0) } },
	{ "a failed validation leaves nothing held",
	  { WRITE(3, 0, E(10, P | W), 0), WRITE(3, 1, E(OWNED + 1, P), 0),
	    WRITE(2, 0, E(3, P), 0), PINL(2, 2, -EBUSY), COUNTS(3, 1, 0, 1),
	    COUNTS(10, 1, 0, 7), COUNTS(2, 1, 0, 2) } },
	{ "updates of a validated table take and drop references",
	  { PINL(5, 1, 0), WRITE(5, 3, E(10, P | W), 0), COUNTS(10, 2, 1, 7),
	    WRITE(5, 3, E(11, P | W), 0), COUNTS(10, 1, 0, 7), COUNTS(11, 2, 1, 7),
	    WRITE(5, 3, E(11, P), 0), COUNTS(11, 2, 0, 7), WRITE(5, 3, E(OWNED + 1, P), -EBUSY),
	    ENTRYIS(5, 3, E(11, P | KERN)), WRITE(5, 3, 0, 0), COUNTS(11, 1, 0, 7),
	    UNPINL(5, 0) } },
	{ "an update may not make a validated table writable through itself",
	  { PINL(5, 1, 0), WRITE(5, 0, E(5, P | W), -EBUSY), WRITE(5, 0, E(5, P), 0),
	    COUNTS(5, 3, 1, 1), WRITE(5, 0, 0, 0), UNPINL(5, 0), COUNTS(5, 1, 0, 1) } },
	{ "PRESERVE_AD keeps accessed and dirty",
	  { PINL(5, 1, 0), WRITE(5, 0, E(10, P | W | PTE_A | PTE_D), 0),
	    WRITE_AD(5, 0, E(10, P | W), 0), ENTRYIS(5, 0, E(10, P | W | KERN | PTE_A | PTE_D)),
	    WRITE(5, 0, E(10, P | W), 0), ENTRYIS(5, 0, E(10, P | W | KERN)), UNPINL(5, 0),
	    COUNTS(10, 1, 0, 7) } },
	{ "a plain page takes plain writes; a descriptor-free, unpinned table too",
	  { WRITE(5, 9, 0x1235, 0), ENTRYIS(5, 9, 0x1235), PINL(5, 1, -EINVAL),
	    WRITE(5, 9, 0, 0), PINL(5, 1, 0), UNPINL(5, 0), WRITE(5, 9, 0x5678, 0),
	    ENTRYIS(5, 9, 0x5678) } },
	{ "a root reference validates an unpinned L4 and holds it",
	  { TREE(0), { ROOT, 0, 0, 0, 0, 0 }, COUNTS(0, 2, 1, 4), COUNTS(3, 2, 1, 1), PINL(0, 4, 0),
	    COUNTS(0, 3, 2, 4), UNPINL(0, 0), { UNROOT, 0, 0, 0, 0, 0 }, COUNTS(0, 1, 0, 4),
	    COUNTS(3, 1, 0, 1) } },
	{ "relinquish returns every frame with types and counts cleared",
	  { TREE(0), PINL(0, 4, 0), PINL(5, 1, 0), WRITE(5, 0, E(12, P | W), 0),
	    { RELQ, 0, 0, 0, 0, OWNED } } },
	{ "writes to frames not owned or beyond the table are refused",
	  { WRITE(OWNED + 1, 0, 0, -EINVAL), WRITE(NFRAMES + 1, 0, 0, -EINVAL),
	    WRITE(5, PT_NR_ENTRIES, 0, -EINVAL) } },
};

static struct page_info frames[NFRAMES];
static u8 *mem;
static struct domain dom, other;

static void setup(void)
{
	fake_machine_start(16); /* the heap, for the audit */
	mem = aligned_alloc(PAGE_SIZE, NFRAMES * PAGE_SIZE);
	ck_assert_ptr_nonnull(mem);
	memset(mem, 0, NFRAMES * PAGE_SIZE);
	memset(frames, 0, sizeof(frames));
	shim_pt_machine(frames, mem, NFRAMES);
	memset(&dom, 0, sizeof(dom));
	memset(&other, 0, sizeof(other));
	dom.domid = DOM;
	other.domid = OTHER;
	list_init(&dom.page_list);
	list_init(&other.page_list);
	shim_pt_add_domain(&dom);
	shim_pt_add_domain(&other);
	for (unsigned int i = 0; i < NFRAMES; i++) {
		struct domain *d = i < OWNED ? &dom : &other;

		frames[i].owner = d->domid;
		frames[i].count_info = PGC_allocated | 1;
		list_add_tail(&frames[i].list, &d->page_list);
	}
}

static void teardown(void)
{
	free(mem);
	fake_machine_stop();
}

static void run_step(const struct scenario *s, unsigned int n, const struct step *st,
		     u64 *root)
{
	struct page_info *pg = st->a < NFRAMES ? &frames[st->a] : NULL;
	int rc = 0;

	switch (st->op) {
	case WR:
	case WRAD:
		rc = pt_write_entry(&dom, st->a, st->b, st->v, st->op == WRAD, false);
		pt_drain(&dom, false);
		break;
	case PIN:
		rc = pt_pin(&dom, st->a, st->b, false);
		pt_drain(&dom, false);
		break;
	case UNPIN:
		rc = pt_unpin(&dom, st->a);
		pt_drain(&dom, false);
		break;
	case ROOT:
		rc = get_page_and_type(pg, &dom, PGT_l4_table);
		*root = st->a;
		break;
	case UNROOT:
		put_page_and_type(pg);
		pt_drain(&dom, false);
		*root = ~0ULL;
		break;
	case CHK:
		ck_assert_msg((pg->count_info & PGC_count_mask) == st->b &&
				      (pg->type_info & PGT_count_mask) == st->c &&
				      (pg->type_info & PGT_type_mask) >> PGT_type_shift == st->v,
			      "%s, step %u: frame %llu has %llu refs, %llu type refs, type %llu; "
			      "expected %llu, %llu, %llu",
			      s->name, n, (unsigned long long)st->a,
			      (unsigned long long)(pg->count_info & PGC_count_mask),
			      (unsigned long long)(pg->type_info & PGT_count_mask),
			      (unsigned long long)((pg->type_info & PGT_type_mask) >> PGT_type_shift),
			      (unsigned long long)st->b, (unsigned long long)st->c,
			      (unsigned long long)st->v);
		return;
	case ENTRY:
		ck_assert_msg(((u64 *)(mem + st->a * PAGE_SIZE))[st->b] == st->v,
			      "%s, step %u: entry %llu of frame %llu is %#llx, expected %#llx",
			      s->name, n, (unsigned long long)st->b, (unsigned long long)st->a,
			      (unsigned long long)((u64 *)(mem + st->a * PAGE_SIZE))[st->b],
			      (unsigned long long)st->v);
		return;
	case PRIV:
		dom.is_privileged = st->a;
		return;
	case RELQ:
		pt_relinquish(&dom);
		rc = (int)shim_frames_freed();
		break;
	case END:
		return;
	}
	ck_assert_msg(rc == st->rc, "%s, step %u: returned %d, expected %d", s->name, n, rc,
		      st->rc);
}

START_TEST(test_scenario)
{
	const struct scenario *s = &scenarios[_i];
	u64 root = ~0ULL;

	for (unsigned int n = 0; n < ARRAY_SIZE(s->steps) && s->steps[n].op != END; n++) {
		run_step(s, n, &s->steps[n], &root);
		ck_assert_msg(pt_audit_domain(&dom, &root, root != ~0ULL) == 0,
			      "%s, step %u: the audit found inconsistent counts", s->name, n);
	}
}
END_TEST

/* After any scenario, unpinning what is left and relinquishing frees all OWNED frames. */
START_TEST(test_relinquish_after)
{
	const struct scenario *s = &scenarios[_i];
	u64 root = ~0ULL;

	for (unsigned int n = 0; n < ARRAY_SIZE(s->steps) && s->steps[n].op != END; n++)
		if (s->steps[n].op != CHK && s->steps[n].op != ENTRY)
			run_step(s, n, &s->steps[n], &root);
	if (root != ~0ULL)
		put_page_and_type(&frames[root]);
	if (s->steps[0].op != END && shim_frames_freed())
		return; /* the scenario relinquished already */
	pt_relinquish(&dom);
	ck_assert_uint_eq(shim_frames_freed(), OWNED);
	for (unsigned int i = 0; i < OWNED; i++)
		ck_assert_msg(!frames[i].count_info && !frames[i].type_info,
			      "%s: frame %u left with count %#llx type %#llx", s->name, i,
			      (unsigned long long)frames[i].count_info,
			      (unsigned long long)frames[i].type_info);
	ck_assert_uint_eq(frames[OWNED + 1].count_info, PGC_allocated | 1);
}
END_TEST

/* A frame whose type changes from writable to a page table must have its TLBs flushed. */
START_TEST(test_type_change_flush)
{
	unsigned int before;

	ck_assert_int_eq(pt_pin(&dom, 5, 1, false), 0);
	ck_assert_uint_eq(shim_type_changes(), 0); /* type none to L1: no writable mapping */
	ck_assert_int_eq(pt_write_entry(&dom, 5, 0, E(6, P | W), 0, false), 0);
	ck_assert_int_eq(pt_write_entry(&dom, 5, 0, E(6, P), 0, false), 0);
	before = shim_type_changes();
	ck_assert_int_eq(pt_pin(&dom, 6, 1, false), 0);
	ck_assert_uint_eq(shim_type_changes(), before + 1);
}
END_TEST

/* Descriptor pages are checked when they take the type, and exclude page-table use. */
START_TEST(test_desc_pages)
{
	((u64 *)(mem + 7 * PAGE_SIZE))[0] = SHIM_BAD_DESC;
	ck_assert_int_eq(get_page_and_type(&frames[7], &dom, PGT_seg_desc), -EINVAL);
	ck_assert_uint_eq(frames[7].count_info, PGC_allocated | 1);
	ck_assert_uint_eq(frames[7].type_info & PGT_count_mask, 0);
	ck_assert_int_eq(get_page_and_type(&frames[8], &dom, PGT_seg_desc), 0);
	ck_assert_int_eq(pt_pin(&dom, 8, 1, false), -EINVAL);
	ck_assert_int_eq(pt_write_entry(&dom, 5, 0, E(8, P | W), 0, false), 0); /* plain page 5 */
	ck_assert_int_eq(pt_pin(&dom, 5, 1, false), -EBUSY); /* its entry maps 8 writable */
	put_page_and_type(&frames[8]);
	ck_assert_int_eq(pt_pin(&dom, 8, 1, false), 0);
	ck_assert_int_eq(pt_unpin(&dom, 8), 0);
}
END_TEST

/*
 * A tree for the preemption tests: L4 20 -> L3s 21, 22; 21 -> L2s 23, 24; 22 -> L2 25;
 * each L2 -> two L1s (26..31); each L1 maps data frames 32..35, the even ones writable.
 * bad_leaf makes the last L1 map a frame of the other domain.
 */
static void build_tree(bool bad_leaf)
{
	static const struct { u64 t, i, target; } links[] = {
		{ 20, 0, 21 }, { 20, 5, 22 }, { 21, 0, 23 }, { 21, 9, 24 }, { 22, 3, 25 },
		{ 23, 0, 26 }, { 23, 1, 27 }, { 24, 7, 28 }, { 24, 8, 29 }, { 25, 0, 30 },
		{ 25, 511, 31 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(links); i++)
		ck_assert_int_eq(pt_write_entry(&dom, links[i].t, links[i].i,
						E(links[i].target, P | W), 0, false), 0);
	for (u64 l1 = 26; l1 <= 31; l1++)
		for (u64 k = 0; k < 4; k++)
			ck_assert_int_eq(pt_write_entry(&dom, l1, k * 100,
							E(32 + k, P | (k % 2 ? 0 : W)), 0, false),
					 0);
	if (bad_leaf)
		ck_assert_int_eq(pt_write_entry(&dom, 31, 400, E(OWNED + 1, P), 0, false), 0);
}

static void assert_audit(const char *when, unsigned int step)
{
	ck_assert_msg(pt_audit_domain(&dom, NULL, 0) == 0, "%s, step %u: audit failed", when,
		      step);
}

/* Re-issue a preemptible pin until it finishes; returns its result and the rounds. */
static int pin_to_end(u64 mfn, unsigned int level, unsigned int *rounds)
{
	int rc;

	for (*rounds = 1; (rc = pt_pin(&dom, mfn, level, true)) == -ERESTART; (*rounds)++)
		assert_audit("pin", *rounds);
	return rc;
}

static unsigned int drain_to_end(void)
{
	unsigned int rounds = 1;

	for (; pt_drain(&dom, true) == -ERESTART; rounds++)
		assert_audit("drain", rounds);
	return rounds;
}

/* Pinning a tree in many short steps gives the counts one long pin gives, and back. */
START_TEST(test_preempted_pin_unpin)
{
	unsigned int rounds;

	build_tree(false);
	shim_preempt_every(1);
	ck_assert_int_eq(pin_to_end(20, 4, &rounds), 0);
	ck_assert_uint_gt(rounds, 5);
	assert_audit("pinned", 0);
	ck_assert_uint_eq(frames[20].type_info & PGT_count_mask, 1);
	ck_assert_uint_eq(frames[31].type_info & PGT_count_mask, 1);
	ck_assert_uint_eq(frames[32].type_info & PGT_count_mask, 6); /* six RW mappings */
	ck_assert_int_eq(pt_unpin(&dom, 20), 0);
	ck_assert_uint_gt(drain_to_end(), 5);
	for (u64 mfn = 20; mfn <= 35; mfn++)
		ck_assert_msg(frames[mfn].count_info == (PGC_allocated | 1) &&
				      !(frames[mfn].type_info & (PGT_count_mask | PGT_partial | PGT_dying)),
			      "frame %llu left with %#llx/%#llx", (unsigned long long)mfn,
			      (unsigned long long)frames[mfn].count_info,
			      (unsigned long long)frames[mfn].type_info);
}
END_TEST

/* A validation abandoned half-way costs the guest nothing at teardown. */
START_TEST(test_abandoned_pin)
{
	build_tree(false);
	shim_preempt_every(1);
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_int_eq(pt_pin(&dom, 20, 4, true), -ERESTART);
	ck_assert(frames[20].type_info & PGT_partial);
	ck_assert_int_eq(pt_pin(&dom, 20, 3, true), -EINVAL); /* another type: refused */
	pt_relinquish(&dom);
	ck_assert_uint_eq(shim_frames_freed(), OWNED);
}
END_TEST

/* Another operation may finish a half-validated table first; both keep their reference. */
START_TEST(test_pin_completed_by_another)
{
	unsigned int rounds = 0;
	int rc;

	build_tree(false);
	shim_preempt_every(1);
	do {
		rc = pt_pin(&dom, 20, 4, true);
		rounds++;
	} while (rc == -ERESTART && !(frames[21].type_info & PGT_partial));
	ck_assert_int_eq(rc, -ERESTART);
	shim_preempt_every(0);
	ck_assert_int_eq(pt_pin(&dom, 21, 3, false), 0); /* finishes 21 and pins it */
	assert_audit("stolen", rounds);
	shim_preempt_every(1);
	ck_assert_int_eq(pin_to_end(20, 4, &rounds), 0);
	ck_assert_uint_eq(frames[21].type_info & PGT_count_mask, 2); /* pin + L4 entry */
	assert_audit("both pinned", 0);
	ck_assert_int_eq(pt_unpin(&dom, 20), 0);
	drain_to_end();
	ck_assert_uint_eq(frames[21].type_info & PGT_count_mask, 1);
	ck_assert_uint_eq(frames[26].type_info & PGT_count_mask, 1); /* 21's subtree stays */
	ck_assert_uint_eq(frames[30].type_info & PGT_count_mask, 0);
	ck_assert_int_eq(pt_unpin(&dom, 21), 0);
	drain_to_end();
	assert_audit("unpinned", 0);
}
END_TEST

/* A bad entry deep in the tree fails the preempted pin and releases everything. */
START_TEST(test_preempted_pin_fails)
{
	unsigned int rounds;

	build_tree(true);
	shim_preempt_every(1);
	ck_assert_int_eq(pin_to_end(20, 4, &rounds), -EBUSY);
	drain_to_end();
	assert_audit("failed", 0);
	for (u64 mfn = 20; mfn <= 35; mfn++)
		ck_assert_msg(frames[mfn].count_info == (PGC_allocated | 1) &&
				      !(frames[mfn].type_info & PGT_count_mask),
			      "frame %llu left with %#llx/%#llx", (unsigned long long)mfn,
			      (unsigned long long)frames[mfn].count_info,
			      (unsigned long long)frames[mfn].type_info);
}
END_TEST

Suite *page_type_suite(void)
{
	Suite *s = suite_create("page_type");
	TCase *tc = tcase_create("scenarios");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_scenario, 0, ARRAY_SIZE(scenarios));
	tcase_add_loop_test(tc, test_relinquish_after, 0, ARRAY_SIZE(scenarios));
	tcase_add_test(tc, test_type_change_flush);
	tcase_add_test(tc, test_desc_pages);
	tcase_add_test(tc, test_preempted_pin_unpin);
	tcase_add_test(tc, test_abandoned_pin);
	tcase_add_test(tc, test_pin_completed_by_another);
	tcase_add_test(tc, test_preempted_pin_fails);
	suite_add_tcase(s, tc);
	return s;
}
