/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table helpers for the guest test kernels that exercise the PV MMU (mmu_update,
 * mmuext_op, update_va_mapping, writable page-table emulation).
 *
 * Free pages: the pages of the bootstrap region after the boot stack up to its end
 * (at least 512 KiB, mapped RW by the builder). pt_alloc() hands one out zeroed and
 * still mapped RW at its VA in the bootstrap region; to use it as a page table, make
 * it read-only with pt_set_ro() first, then pin it or hook it into a validated table.
 * pt_free() wants it back mapped RW.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include "test.h"

#define _PAGE_PRESENT	0x001UL
#define _PAGE_RW	0x002UL
#define _PAGE_USER	0x004UL
#define _PAGE_PWT	0x008UL
#define _PAGE_PCD	0x010UL
#define _PAGE_ACCESSED	0x020UL
#define _PAGE_DIRTY	0x040UL
#define _PAGE_PSE	0x080UL
#define _PAGE_GLOBAL	0x100UL
#define _PAGE_NX	(1UL << 63)
/* Set by Xen in a 64-bit PV guest's L1e that maps a kernel (non-user) page: bit 52. */
#define XEN_PTE_GUEST_KERNEL	(1UL << 52)
#define PTE_MFN_MASK	0x000ffffffffff000UL

#define PT_INDEX(va, level)	(((unsigned long)(va) >> (PAGE_SHIFT + 9 * ((level) - 1))) & 511)

/* A 4 KiB page of the free pool, zeroed and mapped RW at the returned VA; NULL if empty. */
void *pt_alloc(void);
/* Give a page back (it must be mapped RW again). */
void pt_free(void *va);
/* How many pages the pool still holds. */
unsigned long pt_pool_free(void);

/* The L1 entry that maps va in the boot kernel tables (0 if none). */
uint64_t pt_l1e(const void *va);
/* Machine address of the boot-tree L1 entry that maps va (0 if none), for mmu_update. */
uint64_t pt_l1e_maddr(const void *va);
/*
 * The entry for va at `level` in the tree whose top-level table is frame root_mfn, as a
 * pointer through the bootstrap mapping (read-only if the table is validated); NULL if a
 * table on the way is not present, is a superpage, or lies outside the bootstrap region.
 */
uint64_t *pt_walk(unsigned long root_mfn, unsigned long va, int level);
/* True if mfn is one of the domain's frames: its M2P entry and the p2m agree. */
bool pt_mfn_owned(unsigned long mfn);
/* Remap the page at va read-only / read-write (update_va_mapping + INVLPG). */
long pt_set_ro(const void *va);
long pt_set_rw(const void *va);
/* The L1 value pt_set_ro() / pt_set_rw() install for the page at va. */
uint64_t pt_pte(const void *va, bool rw);

/* Machine address of the entry for va at the given level inside table page `table`. */
static inline uint64_t pt_entry_maddr(const void *table, unsigned long va, int level)
{
	return virt_to_maddr(table) + PT_INDEX(va, level) * 8;
}

/* One mmu_update request; returns the hypercall's result. */
long mmu_update1(uint64_t ptr, uint64_t val);
/* One mmuext_op; returns the hypercall's result. */
long mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2);
/* MMUEXT_PIN_L<level>_TABLE / MMUEXT_UNPIN_TABLE on the frame of va. */
long pt_pin(int level, const void *va);
long pt_unpin(const void *va);

/* Multicall entries: update_va_mapping(va, pt_pte(va, rw), UVMF_INVLPG) ... */
void pt_mc_remap(multicall_entry_t *mc, const void *va, bool rw);
/* ... and mmuext_op(ops, n, NULL, DOMID_SELF). */
void pt_mc_mmuext(multicall_entry_t *mc, struct mmuext_op *ops, unsigned int n);

/* Hypervisor system time in ns, from vCPU 0's pvclock (for time caps). */
uint64_t pt_now_ns(void);

#endif /* GUEST_PT_H */
