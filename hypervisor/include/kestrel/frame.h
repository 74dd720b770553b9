/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One descriptor per machine frame (the frame table). The buddy allocator uses the list
 * link, the free flag and the order of free frames; for allocated frames, owner, type and
 * reference counts belong to the PV memory model (kestrel/page_type.h).
 *
 * Lifetime: the frame table is allocated at boot for every frame up to the end of RAM and
 * never freed. Locking: the buddy allocator's lock covers frames that are free; an
 * allocated frame's fields belong to its owner.
 */
#ifndef KESTREL_FRAME_H
#define KESTREL_FRAME_H

#include <kestrel/types.h>
#include <kestrel/list.h>

#define MFN_INVALID (~0ULL)
#define DOMID_NONE 0x7FF4u /* no owner (Xen's DOMID_INVALID) */
#define DOMID_HYP 0x7FF2u  /* owned by the hypervisor (the ABI calls it DOMID_XEN) */

/* count_info flags (top bits) and count mask */
#define PGC_free (1ULL << 63)      /* in the buddy allocator */
#define PGC_reserved (1ULL << 62)  /* never allocatable (firmware, hole, image, boot data) */
#define PGC_head (1ULL << 61)      /* first frame of a free buddy block */
#define PGC_allocated (1ULL << 60) /* a domain holds it (one general reference) */
#define PGC_xen_heap (1ULL << 59)  /* shared by the hypervisor (shared_info): never freed by
				    * the guest, not in the domain's page list */
#define PGC_count_mask ((1ULL << 56) - 1)

/* type_info layout: type in the top bits, validated flag, pinned flag, type count */
#define PGT_type_shift 60
#define PGT_type_mask (0xFULL << PGT_type_shift)
#define PGT_none (0ULL << PGT_type_shift)
#define PGT_l1_table (1ULL << PGT_type_shift)
#define PGT_l2_table (2ULL << PGT_type_shift)
#define PGT_l3_table (3ULL << PGT_type_shift)
#define PGT_l4_table (4ULL << PGT_type_shift)
#define PGT_seg_desc (5ULL << PGT_type_shift)
#define PGT_writable (7ULL << PGT_type_shift)
#define PGT_validated (1ULL << 59)
#define PGT_pinned (1ULL << 58)
#define PGT_partial (1ULL << 57) /* validation under way (page_type.c: VALIDATING) */
#define PGT_dying (1ULL << 56)   /* references being released (page_type.c: DYING) */
#define PGT_count_mask ((1ULL << 56) - 1)

struct page_info {
	struct list_head list; /* buddy free list, or the owner's page list */
	u64 count_info;        /* PGC_* flags | general reference count */
	u64 type_info;         /* PGT_* type | flags | type count */
	u32 owner;             /* domain id, DOMID_NONE or DOMID_HYP */
	u8 order;              /* buddy order, valid on a PGC_head free frame */
	u8 pad;
	u16 nr_validated;      /* PGT_partial/PGT_dying: entries [0, n) hold references */
};

#endif
