/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table helpers for the PV MMU tests (see pt.h). The free pool is a simple stack
 * of page VAs taken from the end of the bootstrap region, filled on first use.
 */
#include "pt.h"

#define POOL_MAX 1024

static unsigned long pool[POOL_MAX];
static unsigned long pool_n;
static bool pool_ready;

static void pool_fill(void)
{
	unsigned long va = start_info->pt_base + (start_info->nr_pt_frames + 1) * PAGE_SIZE;
	unsigned long end = bootstrap_end();

	pool_ready = true;
	/* highest first, so the lowest addresses come out first */
	for (unsigned long p = end; p > va && pool_n < POOL_MAX; p -= PAGE_SIZE)
		pool[pool_n++] = p - PAGE_SIZE;
}

void *pt_alloc(void)
{
	void *p;

	if (!pool_ready)
		pool_fill();
	if (!pool_n)
		return NULL;
	p = (void *)pool[--pool_n];
	memset(p, 0, PAGE_SIZE);
	return p;
}

void pt_free(void *va)
{
	if (pool_n < POOL_MAX)
		pool[pool_n++] = (unsigned long)va;
}

unsigned long pt_pool_free(void)
{
	if (!pool_ready)
		pool_fill();
	return pool_n;
}

uint64_t pt_l1e(const void *va)
{
	int level;
	uint64_t e = pt_lookup((unsigned long)va, &level);

	return level == 1 ? e : 0;
}

uint64_t pt_pte(const void *va, bool rw)
{
	uint64_t pte = virt_to_maddr(va) & PTE_MFN_MASK;

	pte |= _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if (rw)
		pte |= _PAGE_RW | _PAGE_DIRTY;
	return pte;
}

uint64_t pt_l1e_maddr(const void *va)
{
	uint64_t *e = pt_walk(virt_to_mfn((void *)start_info->pt_base), (unsigned long)va, 1);

	return e ? virt_to_maddr(e) : 0;
}

/* VA of a table frame, if it is one of the domain's frames inside the bootstrap region. */
static uint64_t *table_virt(uint64_t entry)
{
	unsigned long mfn = (entry & PTE_MFN_MASK) >> PAGE_SHIFT;
	unsigned long va;

	if (!pt_mfn_owned(mfn))
		return NULL;
	va = (unsigned long)pfn_to_virt(mfn_to_pfn(mfn));
	return va_mapped(va) ? (uint64_t *)va : NULL;
}

uint64_t *pt_walk(unsigned long root_mfn, unsigned long va, int level)
{
	uint64_t *t = table_virt(root_mfn << PAGE_SHIFT);

	for (int l = 4; t; l--) {
		uint64_t *e = &t[PT_INDEX(va, l)];

		if (l == level)
			return e;
		if (!(*e & _PAGE_PRESENT) || (*e & _PAGE_PSE))
			return NULL;
		t = table_virt(*e);
	}
	return NULL;
}

bool pt_mfn_owned(unsigned long mfn)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_START;
	unsigned long pfn;

	if (mfn >= MACH2PHYS_NR_ENTRIES || probe_read(&m2p[mfn]))
		return false;
	pfn = m2p[mfn];
	return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

static long remap(const void *va, bool rw)
{
	return HYPERVISOR_update_va_mapping((unsigned long)va, pt_pte(va, rw), UVMF_INVLPG);
}

long pt_set_ro(const void *va)
{
	return remap(va, false);
}

long pt_set_rw(const void *va)
{
	return remap(va, true);
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
	mmu_update_t req = { .ptr = ptr, .val = val };

	return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg1;
	op.arg2.nr_ents = arg2;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pt_pin(int level, const void *va)
{
	return mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, virt_to_mfn(va), 0);
}

long pt_unpin(const void *va)
{
	return mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(va), 0);
}

void pt_mc_remap(multicall_entry_t *mc, const void *va, bool rw)
{
	memset(mc, 0, sizeof(*mc));
	mc->op = __HYPERVISOR_update_va_mapping;
	mc->args[0] = (unsigned long)va;
	mc->args[1] = pt_pte(va, rw);
	mc->args[2] = UVMF_INVLPG;
}

void pt_mc_mmuext(multicall_entry_t *mc, struct mmuext_op *ops, unsigned int n)
{
	memset(mc, 0, sizeof(*mc));
	mc->op = __HYPERVISOR_mmuext_op;
	mc->args[0] = (unsigned long)ops;
	mc->args[1] = n;
	mc->args[3] = DOMID_SELF;
}

uint64_t pt_now_ns(void)
{
	return guest_now_ns();
}
