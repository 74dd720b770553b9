/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_op (hypercall 12) as a 64-bit PV dom0 sees it (vm_assist, which the PV MMU
 * issue also names, is covered by descriptors.c).
 *
 * Queries: XENMEM_memory_map (dom0 has no pseudo-physical map: -ENOSYS),
 * XENMEM_machine_memory_map (the host E820 plus reserved entries for I/O
 * holes: sorted, non-overlapping, RAM consistent with maximum_ram_page; a
 * NULL buffer only counts; too small a buffer is -EINVAL), machphys_mapping,
 * maximum_ram_page, current/maximum_reservation and maximum_gpfn for
 * DOMID_SELF, domain 0 and absent domains (-ESRCH), the start_extent bits of
 * the command, and unknown commands (-ENOSYS).
 *
 * Reservation: frames beyond the bootstrap region (never mapped) go back with
 * decrease_reservation (the count drops, their M2P entries become invalid, a
 * frame no longer owned stops the list), increase_reservation fills up to
 * the maximum and no further (a short count), and populate_physmap brings the
 * pfns back (the M2P points at the pfns, the frames are usable). These three
 * never return an error code: a bad order, a bad list or argument pointer,
 * an absent domain or an oversized count give the number of extents done (0).
 *
 * A broken hypervisor returns error codes where Xen returns counts, frees or
 * allocates beyond what was asked, leaves stale M2P entries, lets dom0 grow
 * past its maximum, or reports an unsorted or truncated machine map.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "memory_op";

#define INVALID_M2P	(~0UL)		/* the M2P entry of a frame nobody owns */
#define INVALID_P2M	(~0UL)		/* what Linux stores for a ballooned-out pfn */
#define BAD_PTR		0xffff830000000000UL	/* inside the hypervisor hole */
#define SENTINEL	0x5e5e5e5eUL
#define NR_FREE		5		/* frames given back and repopulated */

static unsigned long max_ram_page;

static long memop(unsigned long cmd, void *arg)
{
	return HYPERVISOR_memory_op(cmd, arg);
}

static long dom_query(unsigned int cmd, domid_t dom)
{
	struct xen_memory_domain d = { .domid = dom };

	return memop(cmd, &d);
}

static long current_pages(void)
{
	return dom_query(XENMEM_current_reservation, DOMID_SELF);
}

static long reservation(unsigned long cmd, xen_pfn_t *list, unsigned long n,
			unsigned int order, domid_t dom)
{
	struct xen_memory_reservation r = {
		.extent_start = list,
		.nr_extents = n,
		.extent_order = order,
		.domid = dom,
	};

	return memop(cmd, &r);
}

static unsigned long m2p(unsigned long mfn)
{
	return ((const unsigned long *)MACH2PHYS_START)[mfn];
}

static unsigned long *p2m(void)
{
	return (unsigned long *)start_info->mfn_list;
}

/* ------------------------------------------------------------------ memory maps */

static void test_memory_map(void)
{
	static struct xen_e820_entry buf[8];
	struct xen_memory_map map = { .nr_entries = ARRAY_SIZE(buf), .buffer = buf };

	/* A PV dom0 gets no pseudo-physical map: RAM is 0 .. nr_pages. */
	check_rc("XENMEM_memory_map", memop(XENMEM_memory_map, &map), -XEN_ENOSYS);
	check_rc("XENMEM_memory_map(bad arg)", memop(XENMEM_memory_map, (void *)BAD_PTR),
		 -XEN_EFAULT);
}

static void test_machine_memory_map(void)
{
	static struct xen_e820_entry buf[64];
	struct xen_memory_map map = { .nr_entries = ARRAY_SIZE(buf), .buffer = buf };
	uint64_t end = 0, ram = 0, ram_end = 0;
	unsigned int n;
	long rc;

	rc = memop(XENMEM_machine_memory_map, &map);
	check_rc("XENMEM_machine_memory_map", rc, 0);
	if (rc)
		return;
	n = map.nr_entries;
	check(n >= 2 && n < ARRAY_SIZE(buf), "machine map: %u entries", n);
	for (unsigned int i = 0; i < n && i < ARRAY_SIZE(buf); i++) {
		const struct xen_e820_entry *e = &buf[i];

		printk("e820[%u]: %#lx + %#lx type %u\n", i, e->addr, e->size, e->type);
		if (!e->size || e->type < XEN_E820_RAM || e->type > XEN_E820_UNUSABLE)
			xtf_failure("machine map entry %u: size %#lx type %u", i, e->size, e->type);
		if (e->addr < end)
			xtf_failure("machine map entry %u at %#lx overlaps or precedes %#lx", i,
				    e->addr, end);
		end = e->addr + e->size;
		if (e->type == XEN_E820_RAM) {
			ram += e->size;
			ram_end = end;
		}
	}
	/* QEMU -m 512M: a little under 512 MiB of RAM, all below 4 GiB. */
	check(ram > (500UL << 20) && ram <= (512UL << 20), "machine map: %#lx bytes of RAM", ram);
	check(ram_end >> PAGE_SHIFT == max_ram_page,
	      "machine map: RAM ends at %#lx, maximum_ram_page %#lx", ram_end, max_ram_page);

	/* A NULL buffer only counts. */
	map.nr_entries = 0;
	map.buffer = NULL;
	check_rc("machine_memory_map(NULL buffer)", memop(XENMEM_machine_memory_map, &map), 0);
	check(map.nr_entries == n, "machine_memory_map(NULL buffer) counted %u, expected %u",
	      map.nr_entries, n);

	/* Too small a buffer is refused before anything is written. */
	memset(buf, 0, sizeof(buf));
	map.nr_entries = 1;
	map.buffer = buf;
	check_rc("machine_memory_map(1 entry)", memop(XENMEM_machine_memory_map, &map),
		 -XEN_EINVAL);
	check(map.nr_entries == 1 && !buf[0].size, "machine_memory_map(1 entry) wrote");

	map.nr_entries = ARRAY_SIZE(buf);
	map.buffer = (void *)BAD_PTR;
	check_rc("machine_memory_map(bad buffer)", memop(XENMEM_machine_memory_map, &map),
		 -XEN_EFAULT);
	check_rc("machine_memory_map(bad arg)",
		 memop(XENMEM_machine_memory_map, (void *)BAD_PTR), -XEN_EFAULT);
}

/* ------------------------------------------------------------------ simple queries */

/* Domains the queries cannot find: system domains are not in the domain table. */
static const struct {
	domid_t dom;
	long rc;
} absent[] = {
	{ 1, -XEN_ESRCH },
	{ 0x7fef, -XEN_ESRCH },
	{ DOMID_IO, -XEN_ESRCH },
	{ DOMID_XEN, -XEN_ESRCH },
	{ DOMID_INVALID, -XEN_ESRCH },
};

static const unsigned int qcmds[] = {
	XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
};

static const unsigned int unknown[] = { 29, 30, 40, 63 };

static void test_queries(void)
{
	struct xen_machphys_mapping mm = { 0 };
	unsigned long saved;
	long rc, cur, max;

	max_ram_page = memop(XENMEM_maximum_ram_page, NULL);
	printk("maximum_ram_page %#lx\n", max_ram_page);
	check((long)max_ram_page > 0 && max_ram_page <= (512UL << 20) >> PAGE_SHIFT,
	      "maximum_ram_page %#lx", max_ram_page);
	/* Bits 6 and up of the command are the continuation's start extent. */
	check_rc("maximum_ram_page with start_extent 1",
		 memop(XENMEM_maximum_ram_page | (1UL << 6), NULL), -XEN_EINVAL);

	check_rc("machphys_mapping", memop(XENMEM_machphys_mapping, &mm), 0);
	check(mm.v_start == MACH2PHYS_VIRT_START && mm.v_end == MACH2PHYS_VIRT_END,
	      "machphys_mapping %#lx-%#lx", mm.v_start, mm.v_end);
	/* The hardware domain sees the real extent, not the table's capacity. */
	check(mm.max_mfn == max_ram_page - 1, "machphys_mapping max_mfn %#lx, expected %#lx",
	      mm.max_mfn, max_ram_page - 1);

	cur = current_pages();
	max = dom_query(XENMEM_maximum_reservation, DOMID_SELF);
	printk("current_reservation %ld, maximum_reservation %ld, nr_pages %lu\n", cur, max,
	       start_info->nr_pages);
	/* dom0_mem=64M,max:64M: the builder allocates exactly nr_pages. */
	check(cur == (long)start_info->nr_pages, "current_reservation %ld, nr_pages %lu", cur,
	      start_info->nr_pages);
	check(max == cur, "maximum_reservation %ld, current %ld", max, cur);
	check_rc("current_reservation(domain 0)", dom_query(XENMEM_current_reservation, 0), cur);
	check_rc("maximum_reservation(domain 0)", dom_query(XENMEM_maximum_reservation, 0), max);

	for (unsigned int i = 0; i < ARRAY_SIZE(absent); i++) {
		for (unsigned int c = 0; c < ARRAY_SIZE(qcmds); c++) {
			rc = dom_query(qcmds[c], absent[i].dom);
			if (rc != absent[i].rc)
				xtf_failure("memory_op(%u, domain %#x) = %ld, expected %ld",
					    qcmds[c], absent[i].dom, rc, absent[i].rc);
		}
	}
	check_rc("current_reservation(bad arg)",
		 memop(XENMEM_current_reservation, (void *)BAD_PTR), -XEN_EFAULT);
	check_rc("current_reservation with start_extent 1",
		 memop(XENMEM_current_reservation | (1UL << 6), &(domid_t){ DOMID_SELF }),
		 -XEN_EINVAL);

	/* maximum_gpfn is the guest's own shared_info max_pfn, minus one (0 if unset). */
	saved = shared->arch.max_pfn;
	printk("shared_info max_pfn %#lx, maximum_gpfn %ld\n", saved,
	       dom_query(XENMEM_maximum_gpfn, DOMID_SELF));
	check_rc("maximum_gpfn", dom_query(XENMEM_maximum_gpfn, DOMID_SELF),
		 (saved ? saved : 1) - 1);
	WRITE_ONCE(shared->arch.max_pfn, 0);
	check_rc("maximum_gpfn(max_pfn 0)", dom_query(XENMEM_maximum_gpfn, DOMID_SELF), 0);
	WRITE_ONCE(shared->arch.max_pfn, start_info->nr_pages);
	check_rc("maximum_gpfn(max_pfn nr_pages)", dom_query(XENMEM_maximum_gpfn, 0),
		 start_info->nr_pages - 1);
	WRITE_ONCE(shared->arch.max_pfn, 0x123456789UL);
	check_rc("maximum_gpfn(max_pfn 0x123456789)", dom_query(XENMEM_maximum_gpfn, DOMID_SELF),
		 0x123456788L);
	WRITE_ONCE(shared->arch.max_pfn, saved);

	/* Commands this build does not know (bits 5:0 only; 63 is the last). */
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		rc = memop(unknown[i], NULL);
		if (rc != -XEN_ENOSYS)
			xtf_failure("memory_op(%u) = %ld, expected -ENOSYS", unknown[i], rc);
	}
}

/* ------------------------------------------------------------------ reservation */

static unsigned long pfns[NR_FREE + 1], mfns[NR_FREE + 1];

static bool pick_frames(void)
{
	unsigned long first_free = virt_to_pfn((void *)bootstrap_end());

	for (unsigned int i = 0; i < ARRAY_SIZE(pfns); i++) {
		pfns[i] = start_info->nr_pages - 1 - i;
		mfns[i] = pfn_to_mfn(pfns[i]);
		if (pfns[i] < first_free || va_mapped((unsigned long)pfn_to_virt(pfns[i]))) {
			xtf_error("pfn %#lx is inside the bootstrap region", pfns[i]);
			return false;
		}
		if (m2p(mfns[i]) != pfns[i]) {
			xtf_error("M2P[%#lx] = %#lx, expected pfn %#lx", mfns[i], m2p(mfns[i]),
				  pfns[i]);
			return false;
		}
	}
	return true;
}

/* Calls that must do nothing and return 0 (or the given count). */
static void test_reservation_errors(long cur)
{
	xen_pfn_t list[2];
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
	static const unsigned int ops[] = {
		XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap,
	};
	static const char *const names[] = { "increase", "decrease", "populate" };

	for (unsigned int o = 0; o < ARRAY_SIZE(ops); o++) {
		/* decrease names a frame still owned; populate a pfn with no frame */
		xen_pfn_t arg = ops[o] == XENMEM_decrease_reservation ? mfns[NR_FREE] : pfns[0];
		static const struct {
			const char *what;
			unsigned long n;
			unsigned int order;
			domid_t dom;
			bool bad_list;
		} errs[] = {
			{ "order 21", 1, 21 },
			{ "order 0xffffffff", 1, 0xffffffffu },
			{ "list in the hypervisor hole", 1, 0, DOMID_SELF, true },
			{ "domain 1", 1, 0, 1 },
			{ "DOMID_IO", 1, 0, DOMID_IO },
			{ "2^26 extents", 1UL << 26, 0 },
			{ "0 extents", 0, 0 },
		};

		for (unsigned int e = 0; e < ARRAY_SIZE(errs); e++) {
			long rc;

			list[0] = arg;
			list[1] = SENTINEL;
			rc = reservation(ops[o], errs[e].bad_list ? (void *)BAD_PTR : list,
					 errs[e].n, errs[e].order,
					 errs[e].dom ? errs[e].dom : DOMID_SELF);
			if (rc)
				xtf_failure("%s_reservation(%s) = %ld, expected 0", names[o],
					    errs[e].what, rc);
			if (list[0] != arg || list[1] != SENTINEL)
				xtf_failure("%s_reservation(%s) wrote the list", names[o],
					    errs[e].what);
		}

		/* The argument itself unreadable: 0 too, not -EFAULT. */
		check_rc(names[o], memop(ops[o], (void *)BAD_PTR), 0);
		/* A start extent (cmd bits 6 and up) at or past the end is returned as is. */
		r.extent_start = list;
		check_rc(names[o], memop(ops[o] | (5UL << 6), &r), 5);
		check_rc("current_reservation", current_pages(), cur);
	}
	check(m2p(mfns[NR_FREE]) == pfns[NR_FREE], "a refused decrease freed mfn %#lx",
	      mfns[NR_FREE]);
}

static void test_reservation(void)
{
	xen_pfn_t list[NR_FREE + 2], m2p_frame = 0;
	struct xen_machphys_mfn_list ml = { .max_extents = 1, .extent_start = &m2p_frame };
	long cur0 = current_pages(), max = dom_query(XENMEM_maximum_reservation, DOMID_SELF);
	long rc;

	if (!pick_frames())
		return;

	/* Give back four frames; nothing maps them. */
	for (unsigned int i = 0; i < 4; i++)
		list[i] = mfns[i];
	check_rc("decrease_reservation(4 frames)",
		 reservation(XENMEM_decrease_reservation, list, 4, 0, DOMID_SELF), 4);
	check_rc("current_reservation after decrease", current_pages(), cur0 - 4);
	for (unsigned int i = 0; i < 4; i++) {
		check(m2p(mfns[i]) == INVALID_M2P, "M2P of freed mfn %#lx reads %#lx", mfns[i],
		      m2p(mfns[i]));
		p2m()[pfns[i]] = INVALID_P2M;
	}

	/* The list stops at the first frame not owned: only the first one is done. */
	list[0] = mfns[4];
	list[1] = mfns[0];
	list[2] = mfns[1];
	check_rc("decrease_reservation(owned, freed, freed)",
		 reservation(XENMEM_decrease_reservation, list, 3, 0, DOMID_SELF), 1);
	check_rc("current_reservation after the partial decrease", current_pages(), cur0 - 5);
	check(m2p(mfns[4]) == INVALID_M2P, "M2P of freed mfn %#lx reads %#lx", mfns[4],
	      m2p(mfns[4]));
	p2m()[pfns[4]] = INVALID_P2M;

	/* Frames that were never ours. */
	check_rc("machphys_mfn_list", memop(XENMEM_machphys_mfn_list, &ml), 0);
	list[0] = m2p_frame;
	check_rc("decrease_reservation(an M2P frame)",
		 reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF), 0);
	list[0] = max_ram_page + 0x1000;
	check_rc("decrease_reservation(beyond RAM)",
		 reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF), 0);
	check_rc("current_reservation", current_pages(), cur0 - 5);

	test_reservation_errors(cur0 - 5);

	/* increase_reservation: up to the maximum, then a short count. */
	for (unsigned int i = 0; i < ARRAY_SIZE(list); i++)
		list[i] = SENTINEL;
	rc = reservation(XENMEM_increase_reservation, list, NR_FREE + 2, 0, DOMID_SELF);
	printk("increase_reservation(7): %ld: %#lx %#lx %#lx %#lx %#lx, M2P %#lx\n", rc, list[0],
	       list[1], list[2], list[3], list[4], m2p(list[0]));
	check_rc("increase_reservation(7 with room for 5)", rc, max - (cur0 - 5));
	check_rc("current_reservation after increase", current_pages(), max);
	check(list[NR_FREE] == SENTINEL && list[NR_FREE + 1] == SENTINEL,
	      "increase_reservation wrote past the extents done: %#lx %#lx", list[NR_FREE],
	      list[NR_FREE + 1]);
	for (unsigned int i = 0; i < NR_FREE && i < rc; i++) {
		check(list[i] < max_ram_page, "increase_reservation frame %#lx", list[i]);
		/* The hypervisor does not set the M2P: that is populate_physmap's job. */
		check(m2p(list[i]) == INVALID_M2P, "M2P of increase_reservation frame %#lx: %#lx",
		      list[i], m2p(list[i]));
	}
	list[NR_FREE] = 0;
	check_rc("increase_reservation at the maximum",
		 reservation(XENMEM_increase_reservation, &list[NR_FREE], 1, 0, DOMID_SELF), 0);
	check(list[NR_FREE] == 0, "increase_reservation at the maximum wrote %#lx",
	      list[NR_FREE]);

	/* Give those back again. */
	check_rc("decrease_reservation(the increased frames)",
		 reservation(XENMEM_decrease_reservation, list, rc, 0, DOMID_SELF), rc);
	check_rc("current_reservation", current_pages(), cur0 - 5);

	/* populate_physmap: the five pfns come back; a sixth does not fit. */
	for (unsigned int i = 0; i < NR_FREE; i++)
		list[i] = pfns[i];
	list[NR_FREE] = start_info->nr_pages;
	list[NR_FREE + 1] = SENTINEL;
	rc = reservation(XENMEM_populate_physmap, list, NR_FREE + 1, 0, DOMID_SELF);
	printk("populate_physmap(6): %ld: %#lx %#lx %#lx %#lx %#lx\n", rc, list[0], list[1],
	       list[2], list[3], list[4]);
	check_rc("populate_physmap(6 with room for 5)", rc, NR_FREE);
	check_rc("current_reservation after populate", current_pages(), cur0);
	check(list[NR_FREE] == start_info->nr_pages && list[NR_FREE + 1] == SENTINEL,
	      "populate_physmap wrote past the extents done: %#lx %#lx", list[NR_FREE],
	      list[NR_FREE + 1]);
	for (unsigned int i = 0; i < NR_FREE && i < rc; i++) {
		unsigned long mfn = list[i];

		check(mfn < max_ram_page && m2p(mfn) == pfns[i],
		      "populate_physmap pfn %#lx: mfn %#lx, M2P %#lx", pfns[i], mfn,
		      mfn < max_ram_page ? m2p(mfn) : 0);
		p2m()[pfns[i]] = mfn;
		mfns[i] = mfn;
		/* Ours to use: MMUEXT_CLEAR_PAGE works only on the caller's frames. */
		check_rc("MMUEXT_CLEAR_PAGE on a populated frame",
			 mmuext1(MMUEXT_CLEAR_PAGE, mfn, 0), 0);
	}
	check_rc("current_reservation at the end", current_pages(), cur0);
}

void test_main(void)
{
	test_queries();
	test_memory_map();
	test_machine_memory_map();
	test_reservation();
}
