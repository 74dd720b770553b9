/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buddy allocator: every order, alignment, coalescing, exhaustion, fragmentation, refused
 * frees, ranges with holes and clipping; buddy_check() after every step.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/buddy.h>
#include <check.h>
#include <stdlib.h>

#define BIG_FRAMES (1ULL << BUDDY_MAX_ORDER)

static struct buddy b;
static struct page_info *frames;

#define CHECK_OK() ck_assert_int_eq(buddy_check(&b), 0)

static void make(u64 nr_frames)
{
	frames = calloc(nr_frames, sizeof(*frames));
	ck_assert_ptr_nonnull(frames);
	buddy_init(&b, frames, nr_frames);
	CHECK_OK();
}

static void teardown(void)
{
	free(frames);
	frames = NULL;
}

static u64 alloc_ok(unsigned int order)
{
	u64 before = buddy_free_pages(&b);
	u64 mfn = buddy_alloc(&b, order);

	ck_assert_msg(mfn != MFN_INVALID, "order %u allocation failed", order);
	ck_assert_msg((mfn & ((1ULL << order) - 1)) == 0, "mfn %llu misaligned for order %u",
		      (unsigned long long)mfn, order);
	ck_assert_uint_eq(buddy_free_pages(&b), before - (1ULL << order));
	for (u64 i = 0; i < (1ULL << order); i++) {
		ck_assert_uint_eq(frames[mfn + i].count_info, 0);
		ck_assert_uint_eq(frames[mfn + i].type_info, 0);
		ck_assert_uint_eq(frames[mfn + i].owner, DOMID_NONE);
	}
	CHECK_OK();
	return mfn;
}

static void free_ok(u64 mfn, unsigned int order)
{
	ck_assert_int_eq(buddy_free(&b, mfn, order), 0);
	CHECK_OK();
}

/* A refused free must leave everything as it was. */
static void free_refused(u64 mfn, unsigned int order)
{
	u64 before = buddy_free_pages(&b);
	int largest = buddy_largest_order(&b);

	ck_assert_int_eq(buddy_free(&b, mfn, order), -EINVAL);
	ck_assert_uint_eq(buddy_free_pages(&b), before);
	ck_assert_int_eq(buddy_largest_order(&b), largest);
	CHECK_OK();
}

START_TEST(test_init_reserved)
{
	make(64);
	for (int i = 0; i < 64; i++) {
		ck_assert_uint_eq(frames[i].count_info, PGC_reserved);
		ck_assert_uint_eq(frames[i].owner, DOMID_NONE);
	}
	ck_assert_uint_eq(buddy_free_pages(&b), 0);
	ck_assert_int_eq(buddy_largest_order(&b), -1);
	ck_assert_uint_eq(buddy_alloc(&b, 0), MFN_INVALID);
	free_refused(0, 0); /* reserved */
	CHECK_OK();
}
END_TEST

/* One free block of the largest order; every order allocates and frees back into it. */
START_TEST(test_all_orders)
{
	make(BIG_FRAMES);
	ck_assert_uint_eq(buddy_add_range(&b, 0, BIG_FRAMES), BIG_FRAMES);
	CHECK_OK();
	ck_assert_int_eq(buddy_largest_order(&b), BUDDY_MAX_ORDER);
	ck_assert_uint_eq(b.nr_free_blocks[BUDDY_MAX_ORDER], 1);
	for (unsigned int order = 0; order <= BUDDY_MAX_ORDER; order++) {
		u64 mfn = alloc_ok(order);

		ck_assert_int_eq(buddy_largest_order(&b),
				 order == BUDDY_MAX_ORDER ? -1 : (int)BUDDY_MAX_ORDER - 1);
		free_ok(mfn, order);
		ck_assert_int_eq(buddy_largest_order(&b), BUDDY_MAX_ORDER);
		ck_assert_uint_eq(buddy_free_pages(&b), BIG_FRAMES);
	}
	ck_assert_uint_eq(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), MFN_INVALID);
	free_refused(0, BUDDY_MAX_ORDER + 1);
}
END_TEST

/* Orders 0..k held at once: each a distinct, aligned, non-overlapping block. */
START_TEST(test_alignment_mixed)
{
	u64 mfns[11];
	u8 *used = calloc(4096, 1);

	make(4096);
	buddy_add_range(&b, 0, 4096);
	for (unsigned int order = 0; order <= 10; order++) {
		mfns[order] = alloc_ok(order);
		for (u64 i = 0; i < (1ULL << order); i++) {
			ck_assert(!used[mfns[order] + i]);
			used[mfns[order] + i] = 1;
		}
	}
	for (int order = 10; order >= 0; order -= 2)
		free_ok(mfns[order], order);
	for (int order = 9; order >= 0; order -= 2)
		free_ok(mfns[order], order);
	ck_assert_int_eq(buddy_largest_order(&b), 12);
	ck_assert_uint_eq(b.nr_free_blocks[12], 1);
	free(used);
}
END_TEST

/* 64 single frames freed in a scrambled order coalesce into one order-6 block. */
START_TEST(test_coalesce)
{
	u64 mfn[64];

	make(64);
	buddy_add_range(&b, 0, 64);
	for (int i = 0; i < 64; i++)
		mfn[i] = alloc_ok(0);
	ck_assert_uint_eq(buddy_alloc(&b, 0), MFN_INVALID);
	for (int i = 0; i < 64; i++)
		free_ok(mfn[(i * 37) % 64], 0); /* 37 is coprime to 64: a permutation */
	ck_assert_int_eq(buddy_largest_order(&b), 6);
	ck_assert_uint_eq(b.nr_free_blocks[6], 1);
	for (int k = 0; k < 6; k++)
		ck_assert_uint_eq(b.nr_free_blocks[k], 0);
}
END_TEST

/* Allocate until MFN_INVALID, free all: back to the starting figures. */
START_TEST(test_exhaustion)
{
	static const unsigned int orders[] = { 0, 1, 3, 5 };
	const u64 n = 1000; /* 512+256+128+64+32+8: not a power of two */
	u64 *mfns = calloc(n, sizeof(*mfns));

	make(n);
	ck_assert_uint_eq(buddy_add_range(&b, 0, n), n);
	ck_assert_int_eq(buddy_largest_order(&b), 9);
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		unsigned int order = orders[o];
		u64 count = 0, mfn;

		while ((mfn = buddy_alloc(&b, order)) != MFN_INVALID) {
			mfns[count++] = mfn;
			CHECK_OK();
		}
		/* 1000 frames hold exactly this many aligned blocks of each order. */
		ck_assert_uint_eq(count, n >> order);
		ck_assert_uint_eq(buddy_free_pages(&b), n - (count << order));
		while (count)
			free_ok(mfns[--count], order);
		ck_assert_uint_eq(buddy_free_pages(&b), n);
		ck_assert_int_eq(buddy_largest_order(&b), 9);
	}
	free(mfns);
}
END_TEST

START_TEST(test_fragmentation)
{
	u64 mfn[64];

	make(64);
	buddy_add_range(&b, 0, 64);
	for (int i = 0; i < 64; i++)
		mfn[i] = alloc_ok(0);
	for (int i = 0; i < 64; i++)
		if (!(mfn[i] & 1))
			free_ok(mfn[i], 0);
	ck_assert_uint_eq(buddy_free_pages(&b), 32);
	ck_assert_int_eq(buddy_largest_order(&b), 0);
	ck_assert_uint_eq(buddy_alloc(&b, 1), MFN_INVALID);
	CHECK_OK();
	for (int i = 0; i < 64; i++)
		if (mfn[i] & 1)
			free_ok(mfn[i], 0);
	ck_assert_int_eq(buddy_largest_order(&b), 6);
	ck_assert_uint_eq(b.nr_free_blocks[6], 1);
}
END_TEST

START_TEST(test_bad_frees)
{
	u64 m, keep;

	make(60);
	buddy_add_range(&b, 0, 48); /* frames 48..59 stay reserved */
	m = alloc_ok(2);
	keep = alloc_ok(0);
	free_refused(m + 1, 0 + 1); /* misaligned for order 1 */
	free_refused(m + 2, 2);	    /* misaligned for order 2 */
	free_ok(m, 2);
	free_refused(m, 2);	/* double free */
	free_refused(m + 1, 0); /* inside a free block */
	free_refused(48, 0);	/* reserved */
	free_refused(32, 5);	/* covers reserved and free frames */
	free_refused(60, 0);	/* out of range */
	free_refused(56, 3);	/* runs past the end */
	free_refused(MFN_INVALID, 0);
	free_refused(keep, BUDDY_MAX_ORDER + 1);
	free_ok(keep, 0);
	free_refused(keep, 0);
	ck_assert_uint_eq(buddy_free_pages(&b), 48);
}
END_TEST

/* Frees running past the end of a table that is not a power of two: every frame in range is
 * allocated, so only the bounds check can refuse them (ASan would see the overrun). */
START_TEST(test_free_past_end)
{
	u64 m;

	make(60);
	buddy_add_range(&b, 0, 60);
	while ((m = buddy_alloc(&b, 0)) != MFN_INVALID)
		;
	CHECK_OK();
	free_refused(56, 3);
	free_refused(32, 5);
	free_refused(0, 6);
	free_ok(56, 2);
	free_ok(52, 0);
	ck_assert_uint_eq(buddy_free_pages(&b), 5);
}
END_TEST

/* Ranges with holes, overlaps and clipping; allocations only ever come from added frames. */
START_TEST(test_ranges)
{
	static const struct {
		u64 mfn, count, added;
	} ranges[] = {
		{ 10, 20, 20 },	      /* 10..29 */
		{ 5, 10, 5 },	      /* 5..9 new, 10..14 already free */
		{ 100, 28, 28 },      /* 100..127 */
		{ 250, 100, 6 },      /* clipped to 250..255 */
		{ 300, 5, 0 },	      /* entirely beyond */
		{ 256, 1, 0 },	      /* the first frame beyond */
		{ ~0ULL - 3, 10, 0 }, /* would wrap */
		{ 40, 0, 0 },	      /* empty */
		{ 8, 3, 0 },	      /* all free already */
	};
	u8 in[256] = { 0 };
	u64 total = 0, got = 0, mfn;

	make(256);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		ck_assert_msg(buddy_add_range(&b, ranges[i].mfn, ranges[i].count) ==
				      ranges[i].added,
			      "range %zu", i);
		CHECK_OK();
		total += ranges[i].added;
		for (u64 m = ranges[i].mfn; m < 256 && m - ranges[i].mfn < ranges[i].count; m++)
			in[m] = 1;
	}
	ck_assert_uint_eq(b.total_pages, total);
	ck_assert_uint_eq(buddy_free_pages(&b), total);
	ck_assert_int_eq(buddy_largest_order(&b), 4); /* 112..127 */
	while ((mfn = buddy_alloc(&b, 0)) != MFN_INVALID) {
		ck_assert_msg(mfn < 256 && in[mfn], "frame %llu was never added",
			      (unsigned long long)mfn);
		in[mfn] = 0;
		got++;
	}
	ck_assert_uint_eq(got, total);
	CHECK_OK();
}
END_TEST

/* Adding a range over allocated frames leaves them allocated. */
START_TEST(test_add_over_allocated)
{
	u64 m;

	make(32);
	buddy_add_range(&b, 0, 32);
	m = alloc_ok(3);
	ck_assert_uint_eq(buddy_add_range(&b, 0, 32), 0);
	CHECK_OK();
	ck_assert_uint_eq(buddy_free_pages(&b), 24);
	ck_assert_uint_eq(frames[m].count_info, 0);
	free_ok(m, 3);
	ck_assert_int_eq(buddy_largest_order(&b), 5);
}
END_TEST

/* buddy_check() itself notices corruption. */
START_TEST(test_check_detects)
{
	make(64);
	buddy_add_range(&b, 0, 64);
	frames[5].count_info &= ~PGC_free; /* tail frame of the free block */
	ck_assert_int_eq(buddy_check(&b), -EINVAL);
	frames[5].count_info |= PGC_free;
	CHECK_OK();
	b.free_pages++;
	ck_assert_int_eq(buddy_check(&b), -EINVAL);
	b.free_pages--;
	frames[0].order = 5;
	ck_assert_int_eq(buddy_check(&b), -EINVAL);
	frames[0].order = 6;
	CHECK_OK();
}
END_TEST

Suite *buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_init_reserved);
	tcase_add_test(tc, test_all_orders);
	tcase_add_test(tc, test_alignment_mixed);
	tcase_add_test(tc, test_coalesce);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_fragmentation);
	tcase_add_test(tc, test_bad_frees);
	tcase_add_test(tc, test_free_past_end);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_add_over_allocated);
	tcase_add_test(tc, test_check_detects);
	suite_add_tcase(s, tc);
	return s;
}
