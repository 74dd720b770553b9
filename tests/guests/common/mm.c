/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only page-table walks for the guest test kernels. The bootstrap page
 * tables are mapped (read-only) inside the bootstrap region, so a table's
 * MFN is turned into a VA through the M2P and the 1:1 pfn mapping at
 * VIRT_BASE. Nothing here writes a page table.
 */
#include "test.h"

#define PTE_MFN_MASK	0x000ffffffffff000UL

unsigned long mfn_to_pfn(unsigned long mfn)
{
	return ((const unsigned long *)MACH2PHYS_START)[mfn];
}

void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(GUEST_VIRT_BASE + (pfn << PAGE_SHIFT));
}

uint64_t *pt_table_virt(uint64_t entry)
{
	return pfn_to_virt(mfn_to_pfn((entry & PTE_MFN_MASK) >> PAGE_SHIFT));
}

uint64_t pt_lookup(unsigned long va, int *level_out)
{
	const uint64_t *t = (const uint64_t *)start_info->pt_base;
	uint64_t e = 0;
	int level;

	for (level = 4; level >= 1; level--) {
		unsigned int idx = (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;

		e = t[idx];
		if (!(e & 1) || level == 1 || (e & 0x80))
			break;
		t = pt_table_virt(e);
	}
	if (level_out)
		*level_out = level < 1 ? 1 : level;
	return e;
}

bool va_mapped(unsigned long va)
{
	int level;
	uint64_t e = pt_lookup(va, &level);

	return (e & 1) && (level == 1 || (e & 0x80));
}

unsigned long bootstrap_end(void)
{
	unsigned long va = ((unsigned long)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	while (va_mapped(va))
		va += PAGE_SIZE;
	return va;
}
