/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: memory_op (hypercall 12), memory reservation and
 * memory-map queries.
 *
 *   long memory_op(unsigned long cmd, void *arg)
 *
 * Bits 5:0 of @cmd select the operation (XENMEM_*). Bits 63:6 are the start
 * extent of the three reservation operations (the hypervisor uses them to
 * resume a preempted call); for every other operation they must be 0, else
 * -XEN_EINVAL.
 * Operations not listed, and those a 64-bit PV guest cannot use, return
 * -XEN_ENOSYS. "Frame" below means machine frame (MFN) for a PV guest.
 */
#ifndef KESTREL_PUBLIC_MEMORY_H
#define KESTREL_PUBLIC_MEMORY_H

#include "xen.h"

/*
 * XENMEM_increase_reservation (arg: struct xen_memory_reservation *, IN/OUT)
 *   Allocate nr_extents extents of 2^extent_order frames each to domain
 *   @domid and write each extent's first frame number to extent_start[i]
 *   (extent_start may be NULL). The domain's page count grows; the M2P is
 *   not set up (use XENMEM_populate_physmap for that).
 *
 * XENMEM_decrease_reservation (arg: struct xen_memory_reservation *, IN)
 *   Give back the extents whose first frames are listed in extent_start.
 *   Each frame must belong to @domid. A frame still mapped or typed leaves
 *   the domain (and its M2P entry turns invalid) when its last mapping or
 *   type reference goes.
 *
 * XENMEM_populate_physmap (arg: struct xen_memory_reservation *, IN/OUT)
 *   For each pseudo-physical frame number in extent_start[i], allocate an
 *   extent, set the M2P entries to it, and overwrite extent_start[i] with
 *   the machine frame number (PV). The guest updates its own p2m.
 *
 *   These three return the number of extents completed, which is less than
 *   nr_extents on any failure; they never return a negative value. Failure
 *   causes (all reported as a short count): arg not readable, @domid does
 *   not exist or is not the caller's to change, extent_order too large
 *   (Kestrel: above 9), nr_extents of 2^26 or more, out of memory or over the
 *   domain's limit, a listed frame not owned. A start extent in @cmd at or
 *   past nr_extents is returned unchanged. Kestrel ignores mem_flags.
 */
#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1
#define XENMEM_populate_physmap		6

/*
 * XENMEM_maximum_ram_page (arg unused)
 *   Returns the highest machine frame number of RAM in the host plus one.
 */
#define XENMEM_maximum_ram_page		2

/*
 * XENMEM_current_reservation, XENMEM_maximum_reservation,
 * XENMEM_maximum_gpfn (arg: domid_t *, IN)
 *   Return the number of pages the domain owns, the most it may own, or its
 *   highest pseudo-physical frame number (for a PV guest: the max_pfn it
 *   wrote in shared_info, minus one; 0 while max_pfn is 0).
 *   Errors: -XEN_EFAULT, -XEN_ESRCH (no such domain), -XEN_EPERM (not
 *   privileged over it).
 */
#define XENMEM_current_reservation	3
#define XENMEM_maximum_reservation	4
#define XENMEM_maximum_gpfn		14

/*
 * XENMEM_machphys_mfn_list (arg: struct xen_machphys_mfn_list *, IN/OUT)
 *   List the frames that back the read-only M2P table, one per 2 MiB of the
 *   table, in virtual order. Returns 0.
 *   Errors: -XEN_EFAULT.
 */
#define XENMEM_machphys_mfn_list	5
#define XENMEM_machphys_compat_mfn_list	25	/* 32-bit guests' table */

/*
 * XENMEM_add_to_physmap (arg: struct xen_add_to_physmap *, IN)
 * XENMEM_add_to_physmap_batch (arg: struct xen_add_to_physmap_batch *)
 * XENMEM_remove_from_physmap (arg: struct xen_remove_from_physmap *, IN)
 *   Map or unmap special pages into a translated guest's physical address
 *   space. For translated (HVM/PVH) guests only: -XEN_ENOSYS for PV.
 */
#define XENMEM_add_to_physmap		7
#define XENMEM_add_to_physmap_batch	23
#define XENMEM_remove_from_physmap	15

/*
 * XENMEM_memory_map (arg: struct xen_memory_map *, IN/OUT)
 *   The pseudo-physical memory map the toolstack set for the caller, as
 *   e820 entries. nr_entries IN: capacity of buffer; OUT: entries written
 *   (the map is truncated to the capacity). Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_ENOSYS (no map was set: the guest should
 *   assume RAM from 0 to nr_pages, which is what Linux does).
 */
#define XENMEM_memory_map		9

/*
 * XENMEM_machine_memory_map (arg: struct xen_memory_map *, IN/OUT)
 *   Hardware domain only: the host's e820 map, with the ranges of I/O
 *   memory the caller may access added as needed. nr_entries IN: capacity
 *   of buffer; OUT: entries written. buffer may be NULL to only count.
 *   Returns 0.
 *   Errors: -XEN_EPERM (not the hardware/control domain), -XEN_EFAULT,
 *   -XEN_EINVAL (capacity too small; nothing is written).
 *   Kestrel returns the sanitised host map without added I/O entries and
 *   needs no spare entry; Xen adds reserved entries and needs one spare.
 */
#define XENMEM_machine_memory_map	10

/*
 * XENMEM_exchange (arg: struct xen_memory_exchange *, IN/OUT)
 *   Trade the extents listed in in.extent_start for new ones described by
 *   out (e.g. machine-contiguous or below an address limit), atomically per
 *   chunk. nr_exchanged (OUT) counts input extents consumed; out.extent_start
 *   receives the new frames. Returns 0 when everything was exchanged.
 *   A non-zero nr_exchanged on entry resumes an earlier partial exchange.
 *   Errors: -XEN_EFAULT, -XEN_EPERM (extent order above the limit for this
 *   domain, or not privileged over @domid), -XEN_EINVAL (in and out do not
 *   cover the same number of frames, different domids, nr_exchanged beyond
 *   nr_extents, bad node flags, or an input frame not owned), -XEN_ESRCH,
 *   -XEN_ENOMEM (no suitable memory). On error nr_exchanged tells how far
 *   it got; Linux requires it to be 0 when nothing was exchanged.
 *   Kestrel: not offered yet (-XEN_ENOSYS).
 */
#define XENMEM_exchange			11

/*
 * XENMEM_machphys_mapping (arg: struct xen_machphys_mapping *, OUT)
 *   Where the read-only M2P table is mapped and its highest valid index.
 *   Returns 0.
 *   Errors: -XEN_EFAULT.
 */
#define XENMEM_machphys_mapping		12

/* Toolstack operations (control domain only); not described here. */
#define XENMEM_set_memory_map		13
#define XENMEM_set_pod_target		16
#define XENMEM_get_pod_target		17
#define XENMEM_get_sharing_freed_pages	18
#define XENMEM_get_sharing_shared_pages	19
#define XENMEM_paging_op		20
#define XENMEM_access_op		21
#define XENMEM_sharing_op		22
#define XENMEM_claim_pages		24
#define XENMEM_get_vnumainfo		26
#define XENMEM_reserved_device_memory_map 27

/*
 * XENMEM_acquire_resource (arg: struct xen_mem_acquire_resource *, IN/OUT)
 *   Map frames of a resource owned by domain @domid (grant table frames,
 *   ioreq server pages) for privcmd's MMAP_RESOURCE. For a PV caller the
 *   frame numbers are returned in frame_list. With nr_frames == 0 and a
 *   NULL frame_list, returns in nr_frames the size of the resource.
 *   Errors: -XEN_EFAULT, -XEN_ESRCH, -XEN_EPERM, -XEN_EINVAL (bad type, id,
 *   range or padding), -XEN_EOPNOTSUPP (resource type not available).
 */
#define XENMEM_acquire_resource		28

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)		(x)	/* frames must be below 2^x */
#define XENMEMF_get_address_bits(x)	((x) & 0xffu)
#define XENMEMF_node(x)			(((x) + 1) << 8)	/* NUMA node hint */
#define XENMEMF_get_node(x)		((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand	(1 << 16)	/* HVM only */
#define XENMEMF_exact_node_request	(1 << 17)	/* node is mandatory */
#define XENMEMF_exact_node(n)		(XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode			(1 << 18)	/* node is a virtual node */

/* xen_add_to_physmap.space (translated guests only) */
#define XENMAPSPACE_shared_info		0
#define XENMAPSPACE_grant_table		1
#define XENMAPSPACE_gmfn		2
#define XENMAPSPACE_gmfn_range		3
#define XENMAPSPACE_gmfn_foreign	4
#define XENMAPSPACE_dev_mmio		5
#define XENMAPIDX_grant_table_status	0x80000000

/* xen_mem_acquire_resource.type and .id */
#define XENMEM_resource_ioreq_server			0
#define XENMEM_resource_grant_table			1
#define XENMEM_resource_vmtrace_buf			2
#define XENMEM_resource_grant_table_id_shared		0
#define XENMEM_resource_grant_table_id_status		1
#define XENMEM_resource_ioreq_server_frame_bufioreq	0
#define XENMEM_resource_ioreq_server_frame_ioreq(n)	(1 + (n))

/* e820 entry types used in memory maps. */
#define XEN_E820_RAM		1
#define XEN_E820_RESERVED	2
#define XEN_E820_ACPI		3
#define XEN_E820_NVS		4
#define XEN_E820_UNUSABLE	5

#ifndef __ASSEMBLY__

/* increase/decrease_reservation, populate_physmap. 32 bytes. */
struct xen_memory_reservation {
	xen_pfn_t *extent_start;	/* IN/OUT: frame list (see each op) */
	xen_ulong_t nr_extents;		/* IN: number of extents */
	unsigned int extent_order;	/* IN: log2 of frames per extent */
	unsigned int mem_flags;		/* IN: XENMEMF_* */
	domid_t domid;			/* IN: target domain, usually DOMID_SELF */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/* XENMEM_exchange. 72 bytes. */
struct xen_memory_exchange {
	struct xen_memory_reservation in;	/* IN: extents given up */
	struct xen_memory_reservation out;	/* IN/OUT: extents wanted; frames out */
	xen_ulong_t nr_exchanged;		/* IN: must be 0; OUT: input extents done */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;

/* current/maximum_reservation, maximum_gpfn. 2 bytes. */
struct xen_memory_domain {
	domid_t domid;			/* IN: domain to query, or DOMID_SELF */
};

/* XENMEM_machphys_mfn_list. 24 bytes. */
struct xen_machphys_mfn_list {
	unsigned int max_extents;	/* IN: capacity of extent_start */
	xen_pfn_t *extent_start;	/* OUT: frames backing the M2P */
	unsigned int nr_extents;	/* OUT: entries written */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;

/* XENMEM_machphys_mapping. 24 bytes. */
struct xen_machphys_mapping {
	xen_ulong_t v_start;		/* OUT: first VA of the M2P table */
	xen_ulong_t v_end;		/* OUT: end of the M2P table's VA range */
	xen_ulong_t max_mfn;		/* OUT: highest MFN with an entry */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;

/* XENMEM_add_to_physmap. 24 bytes. */
struct xen_add_to_physmap {
	domid_t domid;			/* IN: domain to change */
	uint16_t size;			/* IN: pages, for XENMAPSPACE_gmfn_range */
	unsigned int space;		/* IN: XENMAPSPACE_* */
	xen_ulong_t idx;		/* IN: index in that space */
	xen_pfn_t gpfn;			/* IN: where to map it */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

/* XENMEM_add_to_physmap_batch. 32 bytes. */
struct xen_add_to_physmap_batch {
	domid_t domid;			/* IN: domain to change */
	uint16_t space;			/* IN: XENMAPSPACE_* */
	uint16_t size;			/* IN: number of entries */
	union {
		domid_t foreign_domid;	/* IN: for XENMAPSPACE_gmfn_foreign */
		uint16_t res0;		/* IN: 0 for other spaces */
	} u;
	xen_ulong_t *idxs;		/* IN: indexes in the space */
	xen_pfn_t *gpfns;		/* IN: where to map each */
	int *errs;			/* OUT: per-entry result */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

/* XENMEM_remove_from_physmap. 16 bytes. */
struct xen_remove_from_physmap {
	domid_t domid;			/* IN: domain to change */
	xen_pfn_t gpfn;			/* IN: frame to unmap */
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

/* XENMEM_memory_map / XENMEM_machine_memory_map. 16 bytes. */
struct xen_memory_map {
	unsigned int nr_entries;	/* IN: capacity of buffer; OUT: entries */
	void *buffer;			/* OUT: array of struct xen_e820_entry */
};
typedef struct xen_memory_map xen_memory_map_t;

/* XENMEM_set_memory_map (toolstack). 24 bytes. */
struct xen_foreign_memory_map {
	domid_t domid;			/* IN: domain whose map is set */
	struct xen_memory_map map;	/* IN: the map */
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

/* One memory-map entry, BIOS e820 layout: 20 bytes, no padding. */
struct xen_e820_entry {
	uint64_t addr;			/* OUT: start address */
	uint64_t size;			/* OUT: length in bytes */
	uint32_t type;			/* OUT: XEN_E820_* */
} __attribute__((packed));
typedef struct xen_e820_entry xen_e820_entry_t;

/* XENMEM_set/get_pod_target (toolstack, HVM). 40 bytes. */
struct xen_pod_target {
	uint64_t target_pages;		/* IN */
	uint64_t tot_pages;		/* OUT */
	uint64_t pod_cache_pages;	/* OUT */
	uint64_t pod_entries;		/* OUT */
	domid_t domid;			/* IN */
};
typedef struct xen_pod_target xen_pod_target_t;

/* XENMEM_acquire_resource. 32 bytes. */
struct xen_mem_acquire_resource {
	domid_t domid;			/* IN: owner of the resource */
	uint16_t type;			/* IN: XENMEM_resource_* */
	uint32_t id;			/* IN: instance (e.g. ioreq server id) */
	uint32_t nr_frames;		/* IN/OUT: frames wanted / available */
	uint32_t pad;			/* IN: must be 0 */
	uint64_t frame;			/* IN: first frame index in the resource */
	xen_pfn_t *frame_list;		/* OUT (PV): the frames */
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;

/* Virtual NUMA memory range. 24 bytes. */
struct xen_vmemrange {
	uint64_t start;			/* OUT */
	uint64_t end;			/* OUT */
	unsigned int flags;		/* OUT */
	unsigned int nid;		/* OUT: virtual node */
};
typedef struct xen_vmemrange xen_vmemrange_t;

/* XENMEM_get_vnumainfo. 40 bytes. */
struct xen_vnuma_topology_info {
	domid_t domid;			/* IN */
	uint16_t pad;			/* IN: 0 */
	unsigned int nr_vnodes;		/* IN/OUT */
	unsigned int nr_vcpus;		/* IN/OUT */
	unsigned int nr_vmemranges;	/* IN/OUT */
	union {
		unsigned int *h;	/* OUT: nr_vnodes^2 distances */
		uint64_t pad;
	} vdistance;
	union {
		unsigned int *h;	/* OUT: node of each vCPU */
		uint64_t pad;
	} vcpu_to_vnode;
	union {
		struct xen_vmemrange *h; /* OUT: memory ranges */
		uint64_t pad;
	} vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_MEMORY_H */
