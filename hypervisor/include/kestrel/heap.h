/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heap for hypervisor objects (common/heap.c, host-tested): small requests come from
 * pages split into power-of-two size classes (16 bytes .. PAGE_SIZE/2), larger ones get
 * whole buddy blocks. Memory is returned aligned to min(size class, 16) bytes for
 * small objects and to PAGE_SIZE for large ones.
 *
 * Locking: one lock for the heap; safe from any CPU. Interrupt masking is the caller's.
 */
#ifndef KESTREL_HEAP_H
#define KESTREL_HEAP_H

#include <kestrel/types.h>
#include <kestrel/buddy.h>

/*
 * Start the heap on top of a buddy allocator. to_virt/to_mfn translate between machine
 * frames and the addresses the heap hands out (the direct map in the hypervisor).
 */
void heap_init(struct buddy *b, void *(*to_virt)(u64 mfn), u64 (*to_mfn)(const void *va));

/* NULL on exhaustion or size 0. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
/* Accepts NULL. Pointers not from xmalloc are a bug. */
void xfree(void *p);

/* Bytes currently handed out (rounded to size class or pages), for leak checks. */
size_t heap_bytes_in_use(void);

#endif
