/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary buddy allocator over machine frames (common/buddy.c, host-tested).
 * It knows frames only as indices into the frame table it is given; mapping them is the
 * caller's business.
 *
 * Locking: every entry point takes b->lock, so callers may use it from any CPU.
 * Interrupt masking is the caller's business.
 */
#ifndef KESTREL_BUDDY_H
#define KESTREL_BUDDY_H

#include <kestrel/types.h>
#include <kestrel/list.h>
#include <kestrel/spinlock.h>
#include <kestrel/frame.h>

#define BUDDY_MAX_ORDER 18 /* largest block: 2^18 frames = 1 GiB */
#define BUDDY_ORDERS (BUDDY_MAX_ORDER + 1)

struct buddy {
	spinlock_t lock;
	struct page_info *frames; /* frames[mfn] for 0 <= mfn < nr_frames */
	u64 nr_frames;
	struct list_head free[BUDDY_ORDERS]; /* heads of free blocks, by order */
	u64 nr_free_blocks[BUDDY_ORDERS];
	u64 free_pages;  /* frames currently free */
	u64 total_pages; /* frames ever given with buddy_add_range */
};

/*
 * Set up an empty allocator over frames[0..nr_frames). Marks every frame reserved,
 * owner DOMID_NONE; nothing is allocatable until buddy_add_range().
 */
void buddy_init(struct buddy *b, struct page_info *frames, u64 nr_frames);

/*
 * Hand frames [mfn, mfn+count) to the allocator as free memory. Ranges beyond
 * nr_frames are clipped; frames already free are left alone (returns the number of frames
 * actually added).
 */
u64 buddy_add_range(struct buddy *b, u64 mfn, u64 count);

/*
 * Allocate 2^order contiguous frames, naturally aligned. Returns the first mfn, or
 * MFN_INVALID when no block that large is free or order > BUDDY_MAX_ORDER. The frames
 * come back with count_info 0, type_info 0 and owner DOMID_NONE.
 */
u64 buddy_alloc(struct buddy *b, unsigned int order);

/*
 * Return a block obtained from buddy_alloc() with the same order; merges with free
 * buddies. Freeing a frame that is free, reserved, misaligned for the order or out of
 * range is refused with -EINVAL (and changes nothing); 0 otherwise.
 */
int buddy_free(struct buddy *b, u64 mfn, unsigned int order);

u64 buddy_free_pages(struct buddy *b);
/* Order of the largest free block, or -1 when nothing is free. */
int buddy_largest_order(struct buddy *b);

/*
 * Consistency check for tests: every block on free list k is a PGC_head|PGC_free frame of
 * order k, aligned, with its other frames PGC_free, counts add up to free_pages, no two
 * free buddies of the same order coexist. Returns 0 or -EINVAL.
 */
int buddy_check(struct buddy *b);

#endif
