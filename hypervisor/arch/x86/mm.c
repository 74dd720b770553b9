/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory bring-up: a boot allocator over the loader's memory map, the hypervisor's own
 * page tables (image with W^X permissions, direct map, frame table, stacks with guard
 * pages, device mappings), and the hand-over of all remaining RAM to the buddy allocator.
 * docs/memory-layout.md draws the result.
 *
 * Everything here runs on the boot CPU before the others start, except alloc_cpu_stacks()
 * and ioremap(), which take mm_lock.
 */
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <asm/x86.h>
#include "arch-x86.h"

#define MAX_RANGES 160
#define LOW_MEMORY_END MB(1)
#define BOOT_DIRECTMAP_END GB(4) /* what head.S's tables reach */

struct range {
	u64 start, end; /* byte addresses, page aligned, end exclusive */
};

/* Boot allocator: RAM not yet handed out. Boot CPU only, until mm_init() returns. */
static struct range free_ranges[MAX_RANGES];
static unsigned int nr_free_ranges;
static bool boot_alloc_closed;

/* Direct-map coverage, for directmap_mapped(). Written by mm_init() only. */
static struct range mapped_ranges[MAX_RANGES];
static unsigned int nr_mapped_ranges;

/* Page-table frames must be reachable through the direct map while building. */
static u64 pt_frame_limit = BOOT_DIRECTMAP_END;

u64 idle_cr3;
u64 max_ram_pfn;
struct page_info *frame_table;
u64 nr_machine_frames;
struct buddy machine_frames;
static u64 frame_table_bytes;
static u64 boot_alloc_frames_used;

static void m2p_init(void);

static DEFINE_SPINLOCK(mm_lock); /* ioremap cursor, stack mappings */
static unsigned long ioremap_cursor = IOREMAP_VIRT_START;

static void range_exclude(u64 start, u64 end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (unsigned int i = 0; i < nr_free_ranges; i++) {
		struct range *r = &free_ranges[i];

		if (end <= r->start || start >= r->end)
			continue;
		if (start > r->start && end < r->end) {
			if (nr_free_ranges == MAX_RANGES)
				panic("mm: too many memory ranges");
			free_ranges[nr_free_ranges].start = end;
			free_ranges[nr_free_ranges].end = r->end;
			nr_free_ranges++;
			r->end = start;
		} else if (start <= r->start) {
			r->start = MIN(end, r->end);
		} else {
			r->end = start;
		}
	}
}

/* Take 2^order naturally aligned frames from the highest free range below limit. */
static u64 boot_alloc(unsigned int order, u64 limit)
{
	u64 size = PAGE_SIZE << order;
	int best = -1;

	if (boot_alloc_closed)
		panic("mm: boot allocator used after hand-over");
	for (unsigned int i = 0; i < nr_free_ranges; i++) {
		u64 top = ALIGN_DOWN(MIN(free_ranges[i].end, limit), size);

		if (top < size || top - size < free_ranges[i].start)
			continue;
		if (best < 0 || top > MIN(free_ranges[best].end, limit))
			best = (int)i;
	}
	if (best < 0)
		panic("mm: out of boot memory (order %u below %#llx)", order,
		      (unsigned long long)limit);
	u64 pa = ALIGN_DOWN(MIN(free_ranges[best].end, limit), size) - size;

	range_exclude(pa, pa + size);
	boot_alloc_frames_used += 1ULL << order;
	return pa >> PAGE_SHIFT;
}

static pte_t *pt_alloc(void)
{
	u64 mfn;
	pte_t *t;

	if (boot_alloc_closed) {
		mfn = buddy_alloc(&machine_frames, 0);
		if (mfn == MFN_INVALID)
			panic("mm: out of memory for page tables");
	} else {
		mfn = boot_alloc(0, pt_frame_limit);
	}
	t = mfn_to_virt(mfn);
	memset(t, 0, PAGE_SIZE);
	return t;
}

/*
 * Returns the table at 'level' (1..3) covering va, creating intermediate tables.
 * Refuses to descend through a superpage: that would be a layout bug.
 */
static pte_t *pt_walk(pte_t *l4, unsigned long va, unsigned int level)
{
	pte_t *t = l4;

	for (unsigned int lvl = 4, shift = L4_SHIFT; lvl > level; lvl--, shift -= 9) {
		pte_t *e = &t[PT_INDEX(va, shift)];

		if (!(*e & _PAGE_PRESENT))
			*e = virt_to_maddr(pt_alloc()) | PAGE_TABLE_FLAGS;
		else if (*e & _PAGE_PSE)
			panic("mm: %#lx already mapped by a superpage", va);
		t = maddr_to_virt(*e & PTE_ADDR_MASK);
	}
	return t;
}

/* Map [va, va+size) to [pa, ...) with pages of 1 << shift bytes (12, 21 or 30). */
static void map_range(pte_t *l4, unsigned long va, paddr_t pa, u64 size, u64 flags,
		      unsigned int shift)
{
	unsigned int level = shift == L3_SHIFT ? 3 : shift == L2_SHIFT ? 2 : 1;
	u64 step = 1ULL << shift;

	for (u64 off = 0; off < size; off += step) {
		pte_t *t = pt_walk(l4, va + off, level);
		pte_t *e = &t[PT_INDEX(va + off, shift)];

		if (*e & _PAGE_PRESENT)
			continue; /* overlapping ranges: first mapping wins */
		*e = (pa + off) | flags | (level > 1 ? _PAGE_PSE : 0);
	}
}

static void init_free_ranges(const struct boot_info *bi, paddr_t image_end)
{
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		u64 s = ALIGN_UP(m->addr, PAGE_SIZE), e = ALIGN_DOWN(m->addr + m->len, PAGE_SIZE);

		if (m->type != MMAP_RAM || e <= s)
			continue;
		if (nr_free_ranges == MAX_RANGES)
			break;
		free_ranges[nr_free_ranges++] = (struct range){ s, e };
		max_ram_pfn = MAX(max_ram_pfn, e >> PAGE_SHIFT);
	}
	/* Low memory holds the AP trampoline and firmware data; the image and the boot
	 * modules are in use. */
	range_exclude(0, LOW_MEMORY_END);
	range_exclude(IMAGE_PHYS_START, image_end);
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_exclude(bi->modules[i].start, bi->modules[i].end);
}

static void map_directmap(pte_t *l4, const struct boot_info *bi)
{
	unsigned int shift = cpu_has_page1gb ? L3_SHIFT : L2_SHIFT;
	u64 gran = 1ULL << shift;

	for (unsigned int i = 0; i <= bi->nr_mmap && nr_mapped_ranges < MAX_RANGES; i++) {
		/* Every range the firmware describes, plus the first MiB (BIOS data, EBDA). */
		u64 s = i < bi->nr_mmap ? bi->mmap[i].addr : 0;
		u64 e = i < bi->nr_mmap ? s + bi->mmap[i].len : LOW_MEMORY_END;

		if (e > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)
			continue;
		s = ALIGN_DOWN(s, gran);
		e = ALIGN_UP(e, gran);
		map_range(l4, DIRECTMAP_VIRT_START + s, s, e - s, PAGE_HYPERVISOR_RW, shift);
		mapped_ranges[nr_mapped_ranges++] = (struct range){ s, e };
	}
}

static void map_image(pte_t *l4)
{
	static const struct {
		char *start, *end;
		u64 flags;
	} sections[] = {
		{ _start, _etext, PAGE_HYPERVISOR_RX },
		{ _srodata, _erodata, PAGE_HYPERVISOR_RO },
		{ _sdata, _end, PAGE_HYPERVISOR_RW },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(sections); i++) {
		unsigned long s = ALIGN_DOWN((unsigned long)sections[i].start, PAGE_SIZE);
		unsigned long e = ALIGN_UP((unsigned long)sections[i].end, PAGE_SIZE);

		map_range(l4, s, virt_to_maddr((void *)s), e - s, sections[i].flags, L1_SHIFT);
	}
}

/* Frame table: backed by boot-allocated frames, mapped at FRAMETABLE_VIRT_START. */
static void map_frame_table(pte_t *l4)
{
	nr_machine_frames = max_ram_pfn;
	frame_table_bytes = ALIGN_UP(nr_machine_frames * sizeof(struct page_info), PAGE_SIZE);
	if (frame_table_bytes > FRAMETABLE_VIRT_END - FRAMETABLE_VIRT_START)
		panic("mm: %llu frames do not fit the frame table region",
		      (unsigned long long)nr_machine_frames);
	for (u64 off = 0; off < frame_table_bytes; off += PAGE_SIZE) {
		u64 mfn = boot_alloc(0, ~0ULL);

		map_range(l4, FRAMETABLE_VIRT_START + off, mfn << PAGE_SHIFT, PAGE_SIZE,
			  PAGE_HYPERVISOR_RW, L1_SHIFT);
	}
	frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
}

static void *heap_to_virt(u64 mfn)
{
	return mfn_to_virt(mfn);
}

static u64 heap_to_mfn(const void *va)
{
	return virt_to_maddr(va) >> PAGE_SHIFT;
}

static void handover_to_buddy(void)
{
	buddy_init(&machine_frames, frame_table, nr_machine_frames);
	for (unsigned int i = 0; i < nr_free_ranges; i++) {
		struct range *r = &free_ranges[i];

		if (r->end > r->start)
			buddy_add_range(&machine_frames, r->start >> PAGE_SHIFT,
					(r->end - r->start) >> PAGE_SHIFT);
	}
	boot_alloc_closed = true;
	heap_init(&machine_frames, heap_to_virt, heap_to_mfn);
}

/*
 * RAM the allocator did not get (the image, boot allocations, boot modules) belongs to the
 * hypervisor, so no guest can map it. What stays unowned is I/O space a privileged domain
 * may map: non-RAM ranges and, as on Xen, the first MiB (BIOS data, option ROMs).
 */
static void claim_hypervisor_frames(const struct boot_info *bi)
{
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		u64 first = MAX(ALIGN_UP(e->addr, PAGE_SIZE), MB(1)) >> PAGE_SHIFT;
		u64 end = MIN(ALIGN_DOWN(e->addr + e->len, PAGE_SIZE) >> PAGE_SHIFT,
			      nr_machine_frames);

		if (e->type != MMAP_RAM)
			continue;
		for (u64 mfn = first; mfn < end; mfn++)
			if (frame_table[mfn].count_info & PGC_reserved)
				frame_table[mfn].owner = DOMID_HYP;
	}
}

/**
 * mm_init - build Kestrel's page tables and start the frame allocators.
 * @bi: boot information with a sanitized memory map.
 *
 * On return the boot CPU runs on idle_cr3, every frame has a descriptor, all free RAM is
 * in machine_frames and xmalloc() works. Panics when memory is too small or too broken.
 */
void mm_init(struct boot_info *bi)
{
	paddr_t image_end = virt_to_maddr(_end);
	pte_t *l4;

	init_free_ranges(bi, image_end);
	if (!max_ram_pfn)
		panic("mm: the memory map has no RAM");

	l4 = pt_alloc();
	map_image(l4);
	map_directmap(l4, bi);
	idle_cr3 = virt_to_maddr(l4);
	write_cr3(idle_cr3);

	pt_frame_limit = ~0ULL; /* the direct map now covers all RAM */
	map_frame_table(l4);
	write_cr3(idle_cr3);
	handover_to_buddy();
	claim_hypervisor_frames(bi);
	m2p_init();
}

/* The machine-to-phys table: the writable view; the guests' view is read-only. */
u64 *const machine_to_phys = (u64 *)RDWR_MPT_VIRT_START;
static u64 m2p_bytes;

/* Set _PAGE_USER on the path to va (L4 to L2 entries) so CPL 3 may read what is there. */
static void set_user_path(pte_t *l4, unsigned long va)
{
	pte_t *t = l4;

	for (unsigned int shift = L4_SHIFT; shift > L2_SHIFT; shift -= 9) {
		pte_t *e = &t[PT_INDEX(va, shift)];

		*e |= _PAGE_USER;
		t = maddr_to_virt(*e & PTE_ADDR_MASK);
	}
	t[PT_INDEX(va, L2_SHIFT)] |= _PAGE_USER;
}

/*
 * m2p_init - allocate the machine-to-phys table (8 bytes per frame, in 2 MiB blocks), map
 * it writable for the hypervisor at RDWR_MPT_VIRT_START and read-only, user-readable at
 * RO_MPT_VIRT_START, where every guest L4 shows it. Every entry starts INVALID (~0).
 */
static void m2p_init(void)
{
	pte_t *l4 = maddr_to_virt(idle_cr3);

	m2p_bytes = ALIGN_UP(nr_machine_frames * sizeof(u64), MB(2));
	if (m2p_bytes > RO_MPT_VIRT_END - RO_MPT_VIRT_START)
		panic("mm: the machine-to-phys table does not fit its region");
	for (u64 off = 0; off < m2p_bytes; off += MB(2)) {
		u64 mfn = buddy_alloc(&machine_frames, 9);

		if (mfn == MFN_INVALID)
			panic("mm: no memory for the machine-to-phys table");
		map_range(l4, RDWR_MPT_VIRT_START + off, mfn << PAGE_SHIFT, MB(2),
			  PAGE_HYPERVISOR_RW, L2_SHIFT);
		map_range(l4, RO_MPT_VIRT_START + off, mfn << PAGE_SHIFT, MB(2),
			  PAGE_HYPERVISOR_RO | _PAGE_USER, L2_SHIFT);
		set_user_path(l4, RO_MPT_VIRT_START + off);
		for (u64 k = 0; k < 512; k++)
			frame_table[mfn + k].owner = DOMID_HYP;
	}
	memset(machine_to_phys, 0xff, m2p_bytes);
}

/* First frame of the i-th 2 MiB block of the machine-to-phys table, or MFN_INVALID. */
u64 m2p_block_mfn(u64 i)
{
	u64 va = RDWR_MPT_VIRT_START + i * MB(2);
	const pte_t *t = maddr_to_virt(idle_cr3);

	if (i >= m2p_bytes / MB(2))
		return MFN_INVALID;
	for (unsigned int shift = L4_SHIFT; shift > L2_SHIFT; shift -= 9)
		t = maddr_to_virt(t[PT_INDEX(va, shift)] & PTE_ADDR_MASK);
	return (t[PT_INDEX(va, L2_SHIFT)] & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* True when [pa, pa+len) is inside the direct map. */
bool directmap_mapped(paddr_t pa, size_t len)
{
	for (unsigned int i = 0; i < nr_mapped_ranges; i++)
		if (pa >= mapped_ranges[i].start && pa + len <= mapped_ranges[i].end)
			return true;
	return false;
}

/**
 * ioremap - map device memory uncached.
 * Returns the virtual address for pa, or NULL when the region is exhausted.
 */
void *ioremap(paddr_t pa, size_t len)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	u64 size = ALIGN_UP(pa + len, PAGE_SIZE) - base;
	unsigned long va;

	spin_lock(&mm_lock);
	if (ioremap_cursor + size > IOREMAP_VIRT_END) {
		spin_unlock(&mm_lock);
		return NULL;
	}
	va = ioremap_cursor;
	ioremap_cursor += size;
	map_range(maddr_to_virt(idle_cr3), va, base, size, PAGE_HYPERVISOR_UC, L1_SHIFT);
	spin_unlock(&mm_lock);
	return (void *)(va + (pa - base));
}

/*
 * alloc_cpu_stacks - map one CPU's stacks in its STACK_STRIDE slot, each below an
 * unmapped guard page: IST stacks for #DF, NMI and #MC (one page each) and the main
 * STACK_SIZE stack. Fills ist[1..3] with the IST stack tops; returns the main stack top.
 */
unsigned long alloc_cpu_stacks(unsigned int cpu, u64 ist[4])
{
	unsigned long slot = STACKS_VIRT_START + cpu * STACK_STRIDE;
	unsigned long va = slot + PAGE_SIZE; /* first guard page */

	spin_lock(&mm_lock);
	for (unsigned int i = 1; i <= 3; i++) {
		u64 mfn = buddy_alloc(&machine_frames, 0);

		if (mfn == MFN_INVALID)
			panic("mm: no memory for CPU %u stacks", cpu);
		map_range(maddr_to_virt(idle_cr3), va, mfn << PAGE_SHIFT, PAGE_SIZE,
			  PAGE_HYPERVISOR_RW, L1_SHIFT);
		ist[i] = va + PAGE_SIZE;
		va += 2 * PAGE_SIZE; /* stack page, then a guard page */
	}
	for (unsigned long off = 0; off < STACK_SIZE; off += PAGE_SIZE) {
		u64 mfn = buddy_alloc(&machine_frames, 0);

		if (mfn == MFN_INVALID)
			panic("mm: no memory for CPU %u stacks", cpu);
		map_range(maddr_to_virt(idle_cr3), va + off, mfn << PAGE_SHIFT, PAGE_SIZE,
			  PAGE_HYPERVISOR_RW, L1_SHIFT);
	}
	spin_unlock(&mm_lock);
	return va + STACK_SIZE;
}

void mm_report(void)
{
	printk("mm: frame table %llu KiB for %llu frames at %#lx, boot allocations %llu KiB\n",
	       (unsigned long long)(frame_table_bytes >> 10),
	       (unsigned long long)nr_machine_frames, (unsigned long)FRAMETABLE_VIRT_START,
	       (unsigned long long)(boot_alloc_frames_used << 2));
	printk("mm: machine-to-phys table %llu KiB, read-only for guests at %#lx\n",
	       (unsigned long long)(m2p_bytes >> 10), (unsigned long)RO_MPT_VIRT_START);
	printk("mm: %llu MiB free for domains and the heap, largest free block 2^%d frames\n",
	       (unsigned long long)(buddy_free_pages(&machine_frames) >> 8),
	       buddy_largest_order(&machine_frames));
}
