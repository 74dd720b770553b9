/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heap on a fake machine: an aligned host buffer is "machine memory" (mfn = offset / 4096)
 * with its own frame table and buddy allocator underneath.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/heap.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define NPAGES 1024

static struct buddy *b;

static void setup(void)
{
	b = fake_machine_start(NPAGES);
}

static void teardown(void)
{
	fake_machine_stop();
}

/* Everything freed: nothing in use and every frame back in the buddy allocator. */
static void assert_empty(void)
{
	ck_assert_uint_eq(heap_bytes_in_use(), 0);
	ck_assert_uint_eq(buddy_free_pages(b), NPAGES);
	ck_assert_int_eq(buddy_check(b), 0);
}

/* Size -> bytes charged and guaranteed alignment. */
static const struct {
	size_t size, charged, align;
} sizes[] = {
	{ 1, 16, 16 },		{ 15, 16, 16 },		 { 16, 16, 16 },
	{ 17, 32, 16 },		{ 31, 32, 16 },		 { 32, 32, 16 },
	{ 33, 64, 16 },		{ 100, 128, 16 },	 { 255, 256, 16 },
	{ 256, 256, 16 },	{ 1000, 1024, 16 },	 { 2047, 2048, 16 },
	{ 2048, 2048, 16 },	{ 2049, 4096, 4096 },	 { 4095, 4096, 4096 },
	{ 4096, 4096, 4096 },	{ 4097, 8192, 4096 },	 { 10000, 16384, 4096 },
	{ 65536, 65536, 4096 }, { 65537, 131072, 4096 },
};

START_TEST(test_sizes)
{
	size_t size = sizes[_i].size;
	u8 *p = xmalloc(size), *q;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % sizes[_i].align, 0);
	ck_assert_uint_eq(heap_bytes_in_use(), sizes[_i].charged);
	memset(p, 0xA5, size);
	/* A neighbour of the same size must not overlap. */
	q = xmalloc(size);
	ck_assert_ptr_nonnull(q);
	ck_assert(q + size <= p || p + size <= q);
	memset(q, 0x3C, size);
	for (size_t i = 0; i < size; i++)
		ck_assert_uint_eq(p[i], 0xA5);
	ck_assert_uint_eq(heap_bytes_in_use(), 2 * sizes[_i].charged);
	xfree(p);
	xfree(q);
	assert_empty();
}
END_TEST

/* Many objects of many sizes, each filled with its own byte, freed in scrambled order. */
START_TEST(test_many)
{
	enum { N = 600 };
	static u8 *ptrs[N];
	static size_t lens[N];
	u32 lcg = 1;
	size_t total = 0;

	for (int i = 0; i < N; i++) {
		lcg = lcg * 1103515245u + 12345u;
		lens[i] = (lcg >> 8) % (i % 10 == 0 ? 9000 : 1500) + 1;
		ptrs[i] = xmalloc(lens[i]);
		ck_assert_msg(ptrs[i] != NULL, "allocation %d of %zu bytes", i, lens[i]);
		memset(ptrs[i], i & 0xFF, lens[i]);
		total += lens[i];
	}
	ck_assert_uint_ge(heap_bytes_in_use(), total);
	for (int k = 0; k < N; k++) {
		int i = (k * 7) % N; /* 7 is coprime to 600 */

		for (size_t j = 0; j < lens[i]; j++)
			ck_assert_uint_eq(ptrs[i][j], i & 0xFF);
		xfree(ptrs[i]);
	}
	assert_empty();
}
END_TEST

START_TEST(test_zeroing)
{
	static const size_t zs[] = { 1, 24, 200, 2048, 3000, 20000 };

	for (size_t i = 0; i < ARRAY_SIZE(zs); i++) {
		u8 *p = xmalloc(zs[i]), *z;

		memset(p, 0xFF, zs[i]);
		xfree(p);
		z = xzalloc(zs[i]);
		ck_assert_ptr_eq(z, p); /* the dirty memory comes straight back */
		for (size_t j = 0; j < zs[i]; j++)
			ck_assert_uint_eq(z[j], 0);
		xfree(z);
	}
	assert_empty();
}
END_TEST

START_TEST(test_reuse)
{
	void *a = xmalloc(64), *keep = xmalloc(64), *c;
	u64 free_before;

	xfree(a);
	c = xmalloc(64);
	ck_assert_ptr_eq(c, a);
	/* A slab page that empties goes back to the buddy allocator. */
	free_before = buddy_free_pages(b);
	xfree(c);
	xfree(keep);
	ck_assert_uint_eq(buddy_free_pages(b), free_before + 1);
	assert_empty();
}
END_TEST

/* Fill a whole slab page, so it leaves the partial list, then free from the middle. */
START_TEST(test_full_slab_page)
{
	void *p[2 * (PAGE_SIZE / 256)];

	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = xmalloc(256);
	ck_assert_uint_eq(buddy_free_pages(b), NPAGES - 2);
	xfree(p[3]);
	ck_assert_ptr_eq(xmalloc(200), p[3]);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		xfree(p[i]);
	assert_empty();
}
END_TEST

START_TEST(test_large)
{
	u8 *p = xmalloc(3 * PAGE_SIZE), *q;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % PAGE_SIZE, 0);
	ck_assert_uint_eq(heap_bytes_in_use(), 4 * PAGE_SIZE);
	ck_assert_uint_eq(buddy_free_pages(b), NPAGES - 4);
	memset(p, 1, 3 * PAGE_SIZE);
	q = xzalloc(NPAGES / 2 * PAGE_SIZE);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(q[NPAGES / 2 * PAGE_SIZE - 1], 0);
	xfree(p);
	xfree(q);
	assert_empty();
	p = xmalloc(NPAGES * PAGE_SIZE); /* everything */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(xmalloc(1));
	xfree(p);
	assert_empty();
}
END_TEST

START_TEST(test_exhaustion)
{
	static void *pages[NPAGES + 1];
	int n = 0;

	while ((pages[n] = xmalloc(PAGE_SIZE)) != NULL)
		ck_assert_int_le(++n, NPAGES);
	ck_assert_int_eq(n, NPAGES);
	ck_assert_ptr_null(xmalloc(16));
	ck_assert_ptr_null(xzalloc(100));
	xfree(pages[--n]);
	ck_assert_ptr_nonnull(pages[n] = xmalloc(16)); /* a slab page from the freed frame */
	ck_assert_ptr_nonnull(xmalloc(16));
	xfree(pages[n]);
	while (n)
		xfree(pages[--n]);
	/* The second 16-byte object still holds its page. */
	ck_assert_uint_eq(heap_bytes_in_use(), 16);
}
END_TEST

START_TEST(test_refused_sizes)
{
	ck_assert_ptr_null(xmalloc(0));
	ck_assert_ptr_null(xzalloc(0));
	ck_assert_ptr_null(xmalloc(NPAGES * PAGE_SIZE + 1));
	ck_assert_ptr_null(xmalloc(SIZE_MAX));
	ck_assert_ptr_null(xmalloc(SIZE_MAX - PAGE_SIZE + 2));
	xfree(NULL);
	assert_empty();
}
END_TEST

/* Frees of things that are not live heap objects are reported and change nothing. */
START_TEST(test_bad_frees)
{
	u8 *small = xmalloc(32), *large = xmalloc(2 * PAGE_SIZE), *gone = xmalloc(32);
	static u8 outside[64];
	size_t in_use;

	xfree(gone);
	in_use = heap_bytes_in_use();
	capture_start();
	xfree(gone);		      /* double free, page still live */
	xfree(small + 16);	      /* inside an object, misaligned */
	xfree(large + PAGE_SIZE);     /* tail page of a large block */
	xfree(large + 8);	      /* misaligned large */
	xfree(outside);		      /* not heap memory at all */
	xfree(fake_machine_page(200)); /* a free frame */
	ck_assert(capture_has("heap: xfree"));
	ck_assert_uint_eq(heap_bytes_in_use(), in_use);
	ck_assert_int_eq(buddy_check(b), 0);
	xfree(small);
	xfree(large);
	assert_empty();
	xfree(large); /* double free of a large block */
	xfree(small); /* ... and of a small one whose page is gone */
	assert_empty();
}
END_TEST

Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_sizes, 0, (int)ARRAY_SIZE(sizes));
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_zeroing);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_full_slab_page);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_refused_sizes);
	tcase_add_test(tc, test_bad_frees);
	suite_add_tcase(s, tc);
	return s;
}
