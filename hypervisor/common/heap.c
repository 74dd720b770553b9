/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor heap (API in heap.h) on top of the buddy allocator.
 *
 * Metadata lives in the frame table, not in headers, so small objects keep their natural
 * alignment and no byte of a page is lost. Every frame the heap holds is owned by
 * DOMID_HYP, which frees its type_info and order fields for our use:
 *
 *   type_info = HEAP_TAG(kind) | first_free << 16 | in_use
 *   kind SLAB:  a page cut into objects of one size class; order = class index,
 *               first_free = page offset of the first free object (SLAB_NONE if full),
 *               in_use = objects handed out. Free objects hold the u16 offset of the next.
 *               A slab page with free objects sits on heap.partial[class] through its
 *               list field; a full one is on no list; an empty one goes back to buddy.
 *   kind LARGE: first frame of a buddy block handed out whole; order = its buddy order.
 *   kind TAIL:  the other frames of a LARGE block (so frees into them are caught).
 *
 * xfree() finds the frame of the pointer through to_mfn() and learns everything from it.
 * The tag bits also let xfree() refuse pointers that were never ours.
 */
#include <kestrel/types.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/heap.h>

#define HEAP_MIN_SHIFT	4
#define HEAP_MIN_SIZE	(1UL << HEAP_MIN_SHIFT)
#define HEAP_NR_CLASSES (PAGE_SHIFT - HEAP_MIN_SHIFT) /* 16, 32, ... PAGE_SIZE/2 */
#define HEAP_SMALL_MAX	(PAGE_SIZE / 2)
#define HEAP_LARGE_MAX	(PAGE_SIZE << BUDDY_MAX_ORDER)

#define HEAP_KIND_SLAB	1
#define HEAP_KIND_LARGE 2
#define HEAP_KIND_TAIL	3
/* 'H' 'E' 0xA0+kind in bits 32..55: a stray type_info is unlikely to match. */
#define HEAP_TAG(kind) ((u64)(0x4845A0 + (kind)) << 32)
#define HEAP_TAG_MASK  (0xFFFFFFULL << 32)
#define SLAB_NONE      0xFFFFu

BUILD_BUG_ON(HEAP_MIN_SIZE < sizeof(u16));
BUILD_BUG_ON(PAGE_SIZE > SLAB_NONE);

static struct {
	spinlock_t lock;
	struct buddy *b;
	void *(*to_virt)(u64 mfn);
	u64 (*to_mfn)(const void *va);
	struct list_head partial[HEAP_NR_CLASSES];
	size_t in_use;
} heap;

static inline size_t class_size(unsigned int c)
{
	return HEAP_MIN_SIZE << c;
}

static unsigned int size_class(size_t size)
{
	unsigned int c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

static inline unsigned int slab_first(const struct page_info *pg)
{
	return (pg->type_info >> 16) & 0xFFFF;
}

static inline unsigned int slab_in_use(const struct page_info *pg)
{
	return pg->type_info & 0xFFFF;
}

static inline void slab_set(struct page_info *pg, unsigned int first, unsigned int in_use)
{
	pg->type_info = HEAP_TAG(HEAP_KIND_SLAB) | (u64)first << 16 | in_use;
}

static inline bool heap_kind_is(const struct page_info *pg, unsigned int kind)
{
	return pg->owner == DOMID_HYP && (pg->type_info & HEAP_TAG_MASK) == HEAP_TAG(kind);
}

static inline u16 *obj_link(u8 *page, unsigned int off)
{
	return (u16 *)(page + off);
}

/* Start the heap over b; see heap.h. */
void heap_init(struct buddy *b, void *(*to_virt)(u64 mfn), u64 (*to_mfn)(const void *va))
{
	unsigned int c;

	spin_lock_init(&heap.lock);
	heap.b = b;
	heap.to_virt = to_virt;
	heap.to_mfn = to_mfn;
	for (c = 0; c < HEAP_NR_CLASSES; c++)
		list_init(&heap.partial[c]);
	heap.in_use = 0;
}

/* A fresh page for class c, all objects chained free, on the partial list. */
static struct page_info *slab_new(unsigned int c)
{
	u64 mfn = buddy_alloc(heap.b, 0);
	size_t sz = class_size(c);
	struct page_info *pg;
	unsigned int off;
	u8 *va;

	if (mfn == MFN_INVALID)
		return NULL;
	va = heap.to_virt(mfn);
	for (off = 0; off < PAGE_SIZE; off += sz)
		*obj_link(va, off) = off + sz < PAGE_SIZE ? off + sz : SLAB_NONE;
	pg = &heap.b->frames[mfn];
	pg->owner = DOMID_HYP;
	pg->order = c;
	slab_set(pg, 0, 0);
	list_add(&pg->list, &heap.partial[c]);
	return pg;
}

static void *slab_alloc(size_t size)
{
	unsigned int c = size_class(size);
	struct page_info *pg;
	unsigned int off;
	u8 *va;

	if (list_empty(&heap.partial[c])) {
		if (!slab_new(c))
			return NULL;
	}
	pg = list_first_entry(&heap.partial[c], struct page_info, list);
	va = heap.to_virt(pg - heap.b->frames);
	off = slab_first(pg);
	slab_set(pg, *obj_link(va, off), slab_in_use(pg) + 1);
	if (slab_first(pg) == SLAB_NONE)
		list_del(&pg->list); /* full pages stay off the list until something is freed */
	heap.in_use += class_size(c);
	return va + off;
}

static void *large_alloc(size_t size)
{
	unsigned int order = 0;
	u64 mfn, i;

	while ((PAGE_SIZE << order) < size)
		order++;
	mfn = buddy_alloc(heap.b, order);
	if (mfn == MFN_INVALID)
		return NULL;
	for (i = 0; i < (1ULL << order); i++) {
		struct page_info *pg = &heap.b->frames[mfn + i];

		pg->owner = DOMID_HYP;
		pg->type_info = HEAP_TAG(i ? HEAP_KIND_TAIL : HEAP_KIND_LARGE);
	}
	heap.b->frames[mfn].order = order;
	heap.in_use += PAGE_SIZE << order;
	return heap.to_virt(mfn);
}

/* Allocate size bytes; NULL on exhaustion or size 0. */
void *xmalloc(size_t size)
{
	void *p;

	if (!size || size > HEAP_LARGE_MAX)
		return NULL;
	spin_lock(&heap.lock);
	p = size <= HEAP_SMALL_MAX ? slab_alloc(size) : large_alloc(size);
	spin_unlock(&heap.lock);
	return p;
}

/* xmalloc(), zero-filled. */
void *xzalloc(size_t size)
{
	void *p = xmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Is the object at off already on the page's free chain? Catches double frees. */
static bool slab_on_chain(u8 *va, unsigned int first, unsigned int off)
{
	unsigned int n = 0;

	for (; first != SLAB_NONE && n < PAGE_SIZE / HEAP_MIN_SIZE; n++) {
		if (first == off)
			return true;
		first = *obj_link(va, first);
	}
	return false;
}

static bool slab_free(struct page_info *pg, u8 *va, unsigned int off)
{
	unsigned int c = pg->order, first = slab_first(pg), used = slab_in_use(pg);

	if (c >= HEAP_NR_CLASSES || off % class_size(c) || !used || slab_on_chain(va, first, off))
		return false;
	*obj_link(va, off) = first;
	slab_set(pg, off, used - 1);
	heap.in_use -= class_size(c);
	if (first == SLAB_NONE)
		list_add(&pg->list, &heap.partial[c]);
	if (used == 1) {
		list_del(&pg->list);
		buddy_free(heap.b, pg - heap.b->frames, 0);
	}
	return true;
}

static bool large_free(struct page_info *pg, unsigned int off)
{
	unsigned int order = pg->order;

	if (off || buddy_free(heap.b, pg - heap.b->frames, order))
		return false;
	heap.in_use -= PAGE_SIZE << order;
	return true;
}

/* Free memory from xmalloc()/xzalloc(); NULL is fine, anything else is reported. */
void xfree(void *p)
{
	u8 *va = (u8 *)((uintptr_t)p & PAGE_MASK);
	unsigned int off = (uintptr_t)p & (PAGE_SIZE - 1);
	struct page_info *pg;
	bool ok = false;
	u64 mfn;

	if (!p)
		return;
	mfn = heap.to_mfn(va);
	spin_lock(&heap.lock);
	if (mfn < heap.b->nr_frames) {
		pg = &heap.b->frames[mfn];
		if (heap_kind_is(pg, HEAP_KIND_SLAB))
			ok = slab_free(pg, va, off);
		else if (heap_kind_is(pg, HEAP_KIND_LARGE))
			ok = large_free(pg, off);
	}
	spin_unlock(&heap.lock);
	if (!ok)
		printk(KERN_ERR "heap: xfree(%p): not an allocated heap object, ignored\n", p);
}

/* Bytes handed out, counted by size class or whole pages. */
size_t heap_bytes_in_use(void)
{
	size_t n;

	spin_lock(&heap.lock);
	n = heap.in_use;
	spin_unlock(&heap.lock);
	return n;
}
