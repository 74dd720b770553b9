/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary buddy allocator over the frame table (API in buddy.h).
 *
 * Frame states, from count_info:
 *   PGC_reserved            never handed out (until buddy_add_range() frees it)
 *   PGC_free | PGC_head     first frame of a free block; order holds the block's order
 *   PGC_free                any other frame of a free block
 *   neither                 allocated; all fields belong to the owner
 * Every frame of a free block carries PGC_free so that a bad or double free of any frame
 * inside a free block is detected without searching the free lists.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/buddy.h>

#define PGC_free_head (PGC_free | PGC_head)

static inline u64 order_pages(unsigned int order)
{
	return 1ULL << order;
}

static inline u64 frame_mfn(struct buddy *b, struct page_info *pg)
{
	return (u64)(pg - b->frames);
}

static bool is_free_head(struct page_info *pg, unsigned int order)
{
	return (pg->count_info & PGC_free_head) == PGC_free_head && pg->order == order;
}

static void set_frames(struct buddy *b, u64 mfn, unsigned int order, u64 count_info)
{
	u64 i;

	for (i = 0; i < order_pages(order); i++) {
		struct page_info *pg = &b->frames[mfn + i];

		pg->count_info = count_info;
		pg->type_info = 0;
		pg->owner = DOMID_NONE;
		pg->order = 0;
		list_init(&pg->list);
	}
}

static void push_block(struct buddy *b, u64 mfn, unsigned int order)
{
	struct page_info *pg = &b->frames[mfn];

	pg->count_info = PGC_free_head;
	pg->order = order;
	list_add(&pg->list, &b->free[order]);
	b->nr_free_blocks[order]++;
}

static void pop_block(struct buddy *b, struct page_info *pg)
{
	list_del(&pg->list);
	b->nr_free_blocks[pg->order]--;
	pg->count_info &= ~PGC_head;
}

/* Put a block whose frames are all PGC_free on the lists, merging with free buddies. */
static void insert_block(struct buddy *b, u64 mfn, unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		u64 buddy = mfn ^ order_pages(order);

		if (buddy >= b->nr_frames || !is_free_head(&b->frames[buddy], order))
			break;
		pop_block(b, &b->frames[buddy]);
		mfn &= ~order_pages(order);
		order++;
	}
	push_block(b, mfn, order);
}

/* Free [mfn, end): cut into the largest naturally aligned blocks that fit. */
static void add_run(struct buddy *b, u64 mfn, u64 end)
{
	while (mfn < end) {
		unsigned int order = 0;

		while (order < BUDDY_MAX_ORDER && !(mfn & order_pages(order)) &&
		       mfn + order_pages(order + 1) <= end)
			order++;
		set_frames(b, mfn, order, PGC_free);
		insert_block(b, mfn, order);
		b->free_pages += order_pages(order);
		mfn += order_pages(order);
	}
}

/* Set up an empty allocator over frames[0..nr_frames): everything reserved. */
void buddy_init(struct buddy *b, struct page_info *frames, u64 nr_frames)
{
	u64 i;

	spin_lock_init(&b->lock);
	b->frames = frames;
	b->nr_frames = nr_frames;
	for (i = 0; i < BUDDY_ORDERS; i++) {
		list_init(&b->free[i]);
		b->nr_free_blocks[i] = 0;
	}
	b->free_pages = 0;
	b->total_pages = 0;
	for (i = 0; i < nr_frames; i++) {
		struct page_info *pg = &frames[i];

		list_init(&pg->list);
		pg->count_info = PGC_reserved;
		pg->type_info = 0;
		pg->owner = DOMID_NONE;
		pg->order = 0;
	}
}

/*
 * Free the reserved frames of [mfn, mfn+count), clipped to the frame table. Frames that
 * are free already, or allocated (which would be a caller bug), are left alone.
 */
u64 buddy_add_range(struct buddy *b, u64 mfn, u64 count)
{
	u64 end, added = 0;

	spin_lock(&b->lock);
	if (mfn >= b->nr_frames)
		count = 0;
	end = mfn + MIN(count, b->nr_frames - mfn);
	while (mfn < end) {
		u64 run = mfn;

		while (run < end && (b->frames[run].count_info & PGC_reserved))
			run++;
		add_run(b, mfn, run);
		added += run - mfn;
		mfn = run == mfn ? mfn + 1 : run;
	}
	b->total_pages += added;
	spin_unlock(&b->lock);
	return added;
}

/* Allocate 2^order naturally aligned frames; MFN_INVALID when none are free. */
u64 buddy_alloc(struct buddy *b, unsigned int order)
{
	struct page_info *pg = NULL;
	unsigned int k;
	u64 mfn;

	if (order > BUDDY_MAX_ORDER)
		return MFN_INVALID;
	spin_lock(&b->lock);
	for (k = order; k <= BUDDY_MAX_ORDER; k++) {
		if (!list_empty(&b->free[k])) {
			pg = list_first_entry(&b->free[k], struct page_info, list);
			break;
		}
	}
	if (!pg) {
		spin_unlock(&b->lock);
		return MFN_INVALID;
	}
	pop_block(b, pg);
	mfn = frame_mfn(b, pg);
	/* Hand the upper halves back until the block is the size asked for. */
	while (k > order) {
		k--;
		push_block(b, mfn + order_pages(k), k);
	}
	set_frames(b, mfn, order, 0);
	b->free_pages -= order_pages(order);
	spin_unlock(&b->lock);
	return mfn;
}

/* A block may be freed only if it is in range, aligned, and every frame is allocated. */
static bool block_allocated(struct buddy *b, u64 mfn, unsigned int order)
{
	u64 i;

	if (order > BUDDY_MAX_ORDER || mfn >= b->nr_frames ||
	    order_pages(order) > b->nr_frames - mfn || (mfn & (order_pages(order) - 1)))
		return false;
	for (i = 0; i < order_pages(order); i++)
		if (b->frames[mfn + i].count_info & (PGC_free | PGC_reserved))
			return false;
	return true;
}

/* Return a block from buddy_alloc(); -EINVAL (and no change) for a bad or double free. */
int buddy_free(struct buddy *b, u64 mfn, unsigned int order)
{
	spin_lock(&b->lock);
	if (!block_allocated(b, mfn, order)) {
		spin_unlock(&b->lock);
		return -EINVAL;
	}
	set_frames(b, mfn, order, PGC_free);
	insert_block(b, mfn, order);
	b->free_pages += order_pages(order);
	spin_unlock(&b->lock);
	return 0;
}

/* Frames currently free. */
u64 buddy_free_pages(struct buddy *b)
{
	u64 n;

	spin_lock(&b->lock);
	n = b->free_pages;
	spin_unlock(&b->lock);
	return n;
}

/* Order of the largest free block, or -1 when nothing is free. */
int buddy_largest_order(struct buddy *b)
{
	int k;

	spin_lock(&b->lock);
	for (k = BUDDY_MAX_ORDER; k >= 0; k--)
		if (!list_empty(&b->free[k]))
			break;
	spin_unlock(&b->lock);
	return k;
}

/* Check one free block of list 'order'; returns its page count, or 0 if it is broken. */
static u64 check_block(struct buddy *b, struct page_info *pg, unsigned int order)
{
	u64 mfn, i, buddy;

	if (pg < b->frames || pg >= b->frames + b->nr_frames)
		return 0;
	mfn = frame_mfn(b, pg);
	if (!is_free_head(pg, order) || (mfn & (order_pages(order) - 1)) ||
	    order_pages(order) > b->nr_frames - mfn)
		return 0;
	for (i = 1; i < order_pages(order); i++)
		if ((b->frames[mfn + i].count_info & PGC_free_head) != PGC_free)
			return 0;
	/* Two free buddies of one order should have merged. */
	buddy = mfn ^ order_pages(order);
	if (order < BUDDY_MAX_ORDER && buddy < b->nr_frames &&
	    is_free_head(&b->frames[buddy], order))
		return 0;
	return order_pages(order);
}

static int check_lists(struct buddy *b)
{
	u64 pages = 0;
	unsigned int k;

	for (k = 0; k <= BUDDY_MAX_ORDER; k++) {
		struct list_head *pos;
		u64 blocks = 0;

		list_for_each(pos, &b->free[k]) {
			u64 n = check_block(b, list_entry(pos, struct page_info, list), k);

			/* The block bound also stops a corrupted, cyclic list. */
			if (!n || ++blocks > b->nr_frames)
				return -EINVAL;
			pages += n;
		}
		if (blocks != b->nr_free_blocks[k])
			return -EINVAL;
	}
	return pages == b->free_pages ? 0 : -EINVAL;
}

/* A free frame that no listed block covers would show up as a count mismatch here. */
static int check_frames(struct buddy *b)
{
	u64 i, nfree = 0;

	for (i = 0; i < b->nr_frames; i++) {
		u64 ci = b->frames[i].count_info;

		if ((ci & PGC_free) && (ci & PGC_reserved))
			return -EINVAL;
		if (ci & PGC_free)
			nfree++;
	}
	return nfree == b->free_pages && nfree <= b->total_pages ? 0 : -EINVAL;
}

/* Consistency check for tests (see buddy.h): 0 or -EINVAL. */
int buddy_check(struct buddy *b)
{
	int rc;

	spin_lock(&b->lock);
	rc = check_lists(b);
	if (!rc)
		rc = check_frames(b);
	spin_unlock(&b->lock);
	return rc;
}
