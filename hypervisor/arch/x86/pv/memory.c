/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_op for PV guests: the queries a kernel makes at boot (M2P placement, RAM size,
 * reservations, memory maps) and the reservation changes a balloon driver makes
 * (increase/decrease_reservation, populate_physmap), bounded by the domain's maximum.
 * Reservation operations return how many extents they completed and never an error
 * code, as in Xen; long ones continue through a continuation that carries the next
 * extent in the command's upper bits.
 */
#include <kestrel/bootinfo.h>
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <kestrel/spinlock.h>
#include <public/memory.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define MEMOP_CMD_MASK 0x3f
#define MEMOP_EXTENT_SHIFT 6
#define MAX_EXTENT_ORDER 9  /* 2 MiB extents at most */

enum resv_op { RESV_INCREASE, RESV_DECREASE, RESV_POPULATE };

/* Give back the frame mfn: the domain's allocation reference goes. */
static int remove_frame(struct domain *d, u64 mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || pg->owner != d->domid || !(pg->count_info & PGC_allocated) ||
	    (pg->count_info & PGC_xen_heap))
		return -EINVAL;
	pg->count_info &= ~PGC_allocated;
	put_page(pg); /* freed now, or when the last mapping goes */
	return 0;
}

/* One extent of a reservation operation; 0 or a negative errno (the batch stops). */
static int do_extent(struct domain *d, enum resv_op op, u64 slot, unsigned int order)
{
	u64 in, mfn;

	if (op != RESV_INCREASE && copy_from_guest(&in, slot, sizeof(in)))
		return -EFAULT;
	if (op == RESV_DECREASE) {
		for (u64 k = 0; k < (1ULL << order); k++)
			if (remove_frame(d, in + k))
				return -EINVAL;
		return 0;
	}
	mfn = domain_alloc_frames(d, order);
	if (mfn == MFN_INVALID)
		return -ENOMEM;
	if (op == RESV_POPULATE)
		for (u64 k = 0; k < (1ULL << order); k++)
			machine_to_phys[mfn + k] = in + k;
	if (slot && copy_to_guest(slot, &mfn, sizeof(mfn)))
		return -EFAULT; /* the frames stay the domain's, as in Xen */
	return 0;
}

static long reservation(struct domain *d, u64 cmd, u64 arg)
{
	struct xen_memory_reservation r;
	enum resv_op op = (cmd & MEMOP_CMD_MASK) == XENMEM_increase_reservation ? RESV_INCREASE
			  : (cmd & MEMOP_CMD_MASK) == XENMEM_decrease_reservation ? RESV_DECREASE
										  : RESV_POPULATE;
	u64 i = cmd >> MEMOP_EXTENT_SHIFT;

	/* As in Xen, every refusal is a count of the extents done: none. */
	if (copy_from_guest(&r, arg, sizeof(r)))
		return i;
	if (r.nr_extents > (0xffffffffU >> MEMOP_EXTENT_SHIFT))
		return i; /* too many to encode a continuation */
	if (i >= r.nr_extents || r.extent_order > MAX_EXTENT_ORDER ||
	    (r.domid != DOMID_SELF && r.domid != d->domid))
		return i;
	if (op != RESV_INCREASE && !r.extent_start)
		return i;
	if (r.extent_start && (!guest_range_ok((u64)r.extent_start + i * sizeof(u64),
					       (r.nr_extents - i) * sizeof(u64))))
		return i;
	spin_lock(&d->mm_lock);
	for (; i < r.nr_extents; i++) {
		u64 slot = r.extent_start ? (u64)r.extent_start + i * sizeof(u64) : 0;

		if (i != cmd >> MEMOP_EXTENT_SHIFT && hypercall_preempt_check()) {
			spin_unlock(&d->mm_lock);
			return hypercall_continuation(__HYPERVISOR_memory_op,
						      (cmd & MEMOP_CMD_MASK) |
							      (i << MEMOP_EXTENT_SHIFT),
						      arg, 0, 0);
		}
		if (do_extent(d, op, slot, r.extent_order))
			break;
	}
	spin_unlock(&d->mm_lock);
	return i;
}

/* The host's E820 map for the hardware domain. */
static long machine_memory_map(struct domain *d, u64 arg)
{
	struct xen_memory_map m;
	const struct boot_info *bi = &boot_info;

	if (!d->is_privileged)
		return -EPERM;
	if (copy_from_guest(&m, arg, sizeof(m)))
		return -EFAULT;
	if (!m.buffer) {
		m.nr_entries = bi->nr_mmap; /* only the count */
		return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
	}
	if (m.nr_entries < bi->nr_mmap)
		return -EINVAL;
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		struct xen_e820_entry e = {
			.addr = bi->mmap[i].addr,
			.size = bi->mmap[i].len,
			.type = bi->mmap[i].type,
		};

		if (copy_to_guest((u64)m.buffer + i * sizeof(e), &e, sizeof(e)))
			return -EFAULT;
	}
	m.nr_entries = bi->nr_mmap;
	return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

/* The frames backing the M2P, one per 2 MiB block (XENMEM_machphys_mfn_list). */
static long machphys_mfn_list(u64 arg)
{
	struct xen_machphys_mfn_list l;
	u64 mfn;
	unsigned int n = 0;

	if (copy_from_guest(&l, arg, sizeof(l)))
		return -EFAULT;
	for (; n < l.max_extents && (mfn = m2p_block_mfn(n)) != MFN_INVALID; n++)
		if (copy_to_guest((u64)l.extent_start + n * sizeof(u64), &mfn, sizeof(mfn)))
			return -EFAULT;
	l.nr_extents = n;
	return copy_to_guest(arg, &l, sizeof(l)) ? -EFAULT : 0;
}

static long domain_query(struct domain *d, u64 cmd, u64 arg)
{
	u16 domid;
	u64 max_pfn;

	if (copy_from_guest(&domid, arg, sizeof(domid)))
		return -EFAULT;
	if (domid != DOMID_SELF && domid != d->domid)
		return d->is_privileged ? -ESRCH : -EPERM;
	switch (cmd) {
	case XENMEM_current_reservation:
		return d->tot_pages;
	case XENMEM_maximum_reservation:
		return d->max_pages;
	default: /* XENMEM_maximum_gpfn: from what the guest wrote in shared_info */
		max_pfn = d->arch.shared_info->arch.max_pfn;
		return (max_pfn ? max_pfn : 1) - 1;
	}
}

long do_memory_op(u64 cmd, u64 arg)
{
	struct domain *d = current()->domain;
	unsigned int op = cmd & MEMOP_CMD_MASK;

	if (op == XENMEM_increase_reservation || op == XENMEM_decrease_reservation ||
	    op == XENMEM_populate_physmap)
		return reservation(d, cmd, arg);
	if (op == XENMEM_memory_map) {
		struct xen_memory_map m;

		/* no map was set for this domain, as for Xen's PV dom0 */
		return copy_from_guest(&m, arg, sizeof(m)) ? -EFAULT : -ENOSYS;
	}
	switch (op) {
	case XENMEM_machphys_mapping:
	case XENMEM_maximum_ram_page:
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
	case XENMEM_machine_memory_map:
	case XENMEM_machphys_mfn_list:
		if (cmd >> MEMOP_EXTENT_SHIFT)
			return -EINVAL; /* only the reservation operations continue */
		break;
	default:
		return -ENOSYS;
	}
	switch (op) {
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
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return domain_query(d, cmd & MEMOP_CMD_MASK, arg);
	case XENMEM_machine_memory_map:
		return machine_memory_map(d, arg);
	case XENMEM_machphys_mfn_list:
		return machphys_mfn_list(arg);
	default:
		return -ENOSYS;
	}
}
