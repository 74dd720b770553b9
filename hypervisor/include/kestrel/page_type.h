/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame ownership, reference counts and types: the mechanism the whole PV memory model
 * rests on (common/page_type.c). Semantics are Xen's x86_64 PV ones.
 *
 * Every frame a domain owns carries, in its page_info:
 *   count_info  PGC_allocated while the domain holds it, plus a general reference count:
 *               one for the allocation, one per present L1 entry mapping it, one per
 *               type reference (get_page_and_type). The frame goes back to the allocator
 *               when the count reaches zero.
 *   type_info   one type at a time (writable, L1..L4, segment descriptors), a type count,
 *               PGT_validated once every entry of a page table has been checked and holds
 *               its references, PGT_pinned while the guest has it pinned. A type changes
 *               only at type count zero.
 *
 * Page-table types are validated when they are first taken (pin, reference from a
 * validated upper level, load as a root) and devalidated when their last type reference
 * goes, dropping what their entries held, recursively. A frame with any writable mapping
 * has the writable type, so it can never be a page table or descriptor page at the same
 * time: the guest never gets a writable alias of a live page table.
 *
 * Entry rules (x86-64 PV, the guest ABI, with Xen 4.17's error codes): L1 entries map
 * frames the domain owns (-EBUSY otherwise) or, for a privileged domain, I/O frames (not
 * RAM, or the first MiB; -EPERM for others and beyond the physical address width); no
 * superpages, global or cache bits above L1 (-EINVAL); L4 slots 256-271 belong to the
 * hypervisor and are filled by it; cache-control bits in L1s only for privileged domains.
 * What is stored is adjusted as Xen does: present L2-L4 entries get _PAGE_USER (L4s also
 * _PAGE_ACCESSED), kernel L1 entries (no _PAGE_USER) get _PAGE_USER | PTE_GUEST_KERNEL,
 * user L1 entries get _PAGE_GLOBAL (they survive the kernel/user root switch), and a
 * write-back I/O mapping becomes uncached (PCD|PWT). Bit 62, which Xen reserves for grant
 * mappings, is accepted as in Xen's release builds.
 *
 * Long operations: validating or releasing a large tree is done in bounded steps (the
 * VALIDATING and DYING states in page_type.c), so pins, unpins and root switches return
 * -ERESTART for the hypercall layer to continue them.
 *
 * Locking: every operation on a domain's frames runs under that domain's mm_lock (the
 * callers take it). Frames of one domain never hold references to frames of another yet.
 */
#ifndef KESTREL_PAGE_TYPE_H
#define KESTREL_PAGE_TYPE_H

#include <kestrel/frame.h>
#include <kestrel/types.h>

struct domain;

/* The x86-64 PV page-table entry format (part of the guest ABI). */
#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PSE (1ULL << 7) /* PAT in an L1 entry */
#define PTE_G (1ULL << 8)
#define PTE_AVAIL (7ULL << 9)
#define PTE_AVAIL_HIGH (0x7ffULL << 52) /* bits 52-62 */
#define PTE_GRANT (1ULL << 62)           /* reserved for grant mappings */
#define PTE_NX (1ULL << 63)
#define PTE_MFN_MASK 0x000ffffffffff000ULL
#define PTE_MFN(e) (((e) & PTE_MFN_MASK) >> 12)
#define PT_NR_ENTRIES 512
#define PV_HYP_L4_FIRST 256 /* L4 slots the hypervisor owns */
#define PV_HYP_L4_LAST 271

typedef u64 pv_pte_t;

#define PTE_GUEST_KERNEL (1ULL << 52) /* set by the hypervisor on kernel-only L1 entries */

/* ---- hooks the architecture gives (the unit tests give doubles) ---- */
/* Width of physical addresses: frames at or beyond 2^(bits-12) do not exist. */
unsigned int arch_paddr_bits(void);
/* The hypervisor's view of a frame's contents. */
void *arch_frame_virt(u64 mfn);
/* Fill the hypervisor's slots (PV_HYP_L4_FIRST..LAST) of an L4 being validated. */
void arch_fill_hypervisor_l4(pv_pte_t *l4);
/* A frame that may have had writable mappings becomes a page table: flush stale TLBs. */
void arch_frame_type_changed(u64 mfn);
/* A frame takes the segment-descriptor type: 0 if all its descriptors are safe, -EINVAL. */
int arch_validate_desc_page(u64 mfn);
/* Has the running hypercall used its time? (long operations then continue later) */
bool arch_preempt_check(void);
/* The last reference of a frame its owner freed went: give it back to the allocator. */
void arch_free_frame(struct page_info *pg);

/* ---- references ---- */
/* The page_info of mfn, or NULL when mfn is beyond the frame table. */
struct page_info *mfn_to_page(u64 mfn);
u64 page_to_mfn(const struct page_info *pg);

/* Take a general reference on a frame d owns (allocated). 0 or -EINVAL. */
int get_page(struct page_info *pg, const struct domain *d);
void put_page(struct page_info *pg);

/*
 * Take a type reference of the given PGT_* type, validating a page table on its first
 * reference. Returns 0, -EINVAL when the frame has another type in use, or the error of
 * the first entry that fails validation (nothing is then held).
 */
int get_page_type(struct page_info *pg, u64 type);
void put_page_type(struct page_info *pg);
int get_page_and_type(struct page_info *pg, const struct domain *d, u64 type);
/* The same, but validation may stop with -ERESTART: re-issue to go on (see page_type.c). */
int get_page_and_type_preemptible(struct page_info *pg, const struct domain *d, u64 type);
/*
 * Dropping the last reference of an L2-L4 table only queues the release of what it holds:
 * call pt_drain() afterwards, before the domain's next page-table operation.
 */
void put_page_and_type(struct page_info *pg);

/*
 * Release what the domain's dying page tables still hold. Returns 0, or -ERESTART when
 * preemptible and the hypercall has used its time (re-issue it; the work goes on).
 */
int pt_drain(struct domain *d, bool preemptible);

/* The page-table type of a level (1..4). */
static inline u64 pgt_of_level(unsigned int level)
{
	return (u64)level << PGT_type_shift;
}

/* ---- operations (the hypercalls' workers) ---- */
/*
 * Write entry idx of the frame table_mfn (owned by d) with val, checked by the frame's
 * type: a validated Ln table gets an Ln update (references taken for the new entry and
 * dropped for the old one), any other frame a plain write if it can take the writable
 * type. preserve_ad keeps the old entry's accessed and dirty bits.
 * Returns 0, -EINVAL (bad flags, type conflict, hypervisor slot, frame not the domain's),
 * -EBUSY or -EPERM as the entry rules say.
 */
int pt_write_entry(struct domain *d, u64 table_mfn, unsigned int idx, pv_pte_t val,
		   bool preserve_ad, bool preemptible);
/* Replace entry idx of validated L1 table_mfn, checking val. Same returns. */
int pt_update_l1e(struct domain *d, u64 table_mfn, unsigned int idx, pv_pte_t val,
		  bool preserve_ad);

/* MMUEXT_PIN_Ln_TABLE / MMUEXT_UNPIN_TABLE. 0, -EINVAL, validation's error, -ERESTART. */
int pt_pin(struct domain *d, u64 mfn, unsigned int level, bool preemptible);
int pt_unpin(struct domain *d, u64 mfn);

/* Drop every reference the domain's frames hold (pins, tables, mappings): teardown. */
void pt_relinquish(struct domain *d);

/*
 * Consistency check of the frames a domain owns: every type count and general count
 * matches what the domain's validated tables, pins and roots explain. Returns the number
 * of problems found (each printed).
 */
unsigned int pt_audit_domain(struct domain *d, const u64 *roots, unsigned int nr_roots);

#endif
