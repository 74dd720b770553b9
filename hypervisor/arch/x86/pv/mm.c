/* SPDX-License-Identifier: GPL-2.0 */
/*
 * update_va_mapping: replace the L1 entry that maps one page of the current kernel page
 * tables. The first piece of the PV MMU: the new entry may only map a frame the domain
 * owns, a writable mapping needs a frame that can take the writable type (not a page
 * table or descriptor page), no reserved or cache-control bits for unprivileged domains,
 * and _PAGE_USER is forced (the guest kernel runs at CPL 3). The full type system, pinning
 * and mmu_update come with the PV MMU work.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/mm.h>
#include <public/memory.h>

#ifndef MEMOP_CMD_MASK
#define MEMOP_CMD_MASK 0x3f /* the low bits; extent_start rides above them */
#endif
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define L1_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY |   \
		    (7ULL << 9) | _PAGE_NX | 0x3ff0000000000000ULL)
#define L1_CACHE (_PAGE_PWT | _PAGE_PCD | _PAGE_PSE /* PAT in an L1 */)

/* The L1 entry mapping va in the vCPU's kernel tables, or NULL. */
static pte_t *guest_l1e(struct vcpu *v, u64 va)
{
	u64 mfn = v->arch.guest_table;
	pte_t *t = mfn_to_virt(mfn);

	for (unsigned int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9) {
		pte_t e = t[PT_INDEX(va, shift)];

		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return NULL;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
		if (!frame_owned_by(v->domain, mfn))
			return NULL;
		t = mfn_to_virt(mfn);
	}
	if ((frame_table[mfn].type_info & PGT_type_mask) != PGT_l1_table)
		return NULL;
	return &t[PT_INDEX(va, L1_SHIFT)];
}

static bool get_writable(u64 mfn)
{
	u64 *ti = &frame_table[mfn].type_info;
	u64 type = *ti & PGT_type_mask;

	if (type != PGT_none && type != PGT_writable)
		return false;
	*ti = PGT_writable | ((type == PGT_writable ? *ti & PGT_count_mask : 0) + 1);
	return true;
}

static void put_writable(u64 mfn)
{
	u64 *ti = &frame_table[mfn].type_info;

	if ((*ti & PGT_type_mask) != PGT_writable || !(*ti & PGT_count_mask))
		return;
	*ti -= 1;
	if (!(*ti & PGT_count_mask))
		*ti = PGT_none;
}

/* Check a new L1 entry; 0 or -EINVAL. Takes the writable reference when it is RW. */
static int validate_l1e(struct domain *d, pte_t e)
{
	u64 mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

	if (!(e & _PAGE_PRESENT))
		return 0;
	if ((e & ~PTE_ADDR_MASK & ~L1_ALLOWED & ~L1_CACHE) || (e & (1ULL << 62)))
		return -EINVAL;
	if ((e & L1_CACHE) && !d->is_privileged)
		return -EINVAL;
	if (!frame_owned_by(d, mfn))
		return -EINVAL;
	if ((e & _PAGE_RW) && !get_writable(mfn))
		return -EINVAL;
	return 0;
}

long do_update_va_mapping(u64 va, u64 val, u64 flags)
{
	struct vcpu *v = current();
	pte_t *l1e, old;

	if (!guest_range_ok(va, 1))
		return -EINVAL;
	l1e = guest_l1e(v, va);
	if (!l1e)
		return -EINVAL;
	if (validate_l1e(v->domain, val))
		return -EINVAL;
	old = *l1e;
	*l1e = (val & _PAGE_PRESENT) ? val | _PAGE_USER : val;
	if ((old & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW))
		put_writable((old & PTE_ADDR_MASK) >> PAGE_SHIFT);
	switch (flags & UVMF_FLUSHTYPE_MASK) {
	case UVMF_TLB_FLUSH:
		flush_tlb_all_local();
		break;
	case UVMF_INVLPG:
	default:
		invlpg(va);
		break;
	}
	return 0;
}

/*
 * memory_op: the queries a PV kernel makes at boot. Reservation changes and memory maps
 * come with the PV MMU work; until then they answer -ENOSYS.
 */
long do_memory_op(u64 cmd, u64 arg)
{
	struct domain *d = current()->domain;

	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = RO_MPT_VIRT_START,
			.v_end = RO_MPT_VIRT_END,
			.max_mfn = nr_machine_frames - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
	}
	case XENMEM_maximum_ram_page:
		return nr_machine_frames;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation: {
		u16 domid;

		if (copy_from_guest(&domid, arg, sizeof(domid)))
			return -EFAULT;
		if (domid != DOMID_SELF && domid != d->domid)
			return d->is_privileged ? -ESRCH : -EPERM;
		return (cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation ? d->tot_pages
									      : d->max_pages;
	}
	default:
		return -ENOSYS;
	}
}
