/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 page table entries and the hypervisor's own address translations. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <kestrel/types.h>
#include <asm/config.h>

#define _PAGE_PRESENT (1ULL << 0)
#define _PAGE_RW (1ULL << 1)
#define _PAGE_USER (1ULL << 2)
#define _PAGE_PWT (1ULL << 3)
#define _PAGE_PCD (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY (1ULL << 6)
#define _PAGE_PSE (1ULL << 7)
#define _PAGE_GLOBAL (1ULL << 8)
#define _PAGE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#define PAGE_HYPERVISOR_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_RW (PAGE_HYPERVISOR_RO | _PAGE_RW | _PAGE_DIRTY)
#define PAGE_HYPERVISOR_RX (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_UC (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)
/* Intermediate levels grant everything; leaves decide. */
#define PAGE_TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define PT_ENTRIES 512
#define PT_INDEX(va, shift) (((va) >> (shift)) & (PT_ENTRIES - 1))

typedef u64 pte_t;

static inline void *maddr_to_virt(paddr_t pa)
{
	return (void *)(DIRECTMAP_VIRT_START + pa);
}

static inline void *mfn_to_virt(u64 mfn)
{
	return maddr_to_virt(mfn << PAGE_SHIFT);
}

/* For direct-map and image addresses only. */
static inline paddr_t virt_to_maddr(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= IMAGE_VIRT_BASE && v < DIRECTMAP_VIRT_START)
		return v - IMAGE_VIRT_BASE;
	return v - DIRECTMAP_VIRT_START;
}

#endif
