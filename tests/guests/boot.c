/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV boot protocol as a dom0 kernel sees it: every start_info field, the
 * register state at the entry point, vcpu_info at boot, the layout of the
 * bootstrap region (image < initrd < p2m < start_info < page tables < stack,
 * 4 MiB aligned end with >= 512 KiB slack), page-table pages mapped
 * read-only, and the read-only M2P at 0xffff800000000000.
 *
 * The runner passes a 12345-byte initrd whose byte i is i & 0xff, and the
 * dom0 command line "guest-test" (the multiboot module string after its file
 * name). A broken builder gets a field, a register or the layout wrong, maps
 * page tables writable, leaves the M2P unmapped or writable, or leaves events
 * unmasked at entry.
 */
#include "test.h"

const char test_title[] = "boot protocol";

#define MB4		(4UL << 20)
#define INITRD_LEN	12345UL
#define PTE_P		0x001UL
#define PTE_RW		0x002UL
#define PTE_US		0x004UL

static void test_registers(void)
{
	const struct boot_regs *r = &boot_regs;
	const unsigned long gprs[] = { r->rax, r->rbx, r->rcx, r->rdx, r->rdi, r->rbp, r->r8,
				       r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 };
	const char *const names[] = { "rax", "rbx", "rcx", "rdx", "rdi", "rbp", "r8", "r9",
				      "r10", "r11", "r12", "r13", "r14", "r15" };
	unsigned long stack_end = start_info->pt_base + (start_info->nr_pt_frames + 1) * PAGE_SIZE;

	printk("entry: cs %#lx ss %#lx ds %#lx es %#lx fs %#lx gs %#lx rflags %#lx rsp %#lx\n",
	       r->cs, r->ss, r->ds, r->es, r->fs, r->gs, r->rflags, r->rsp);
	check(r->cs == 0xe033, "CS at entry = %#lx, expected 0xe033 (FLAT_KERNEL_CS)", r->cs);
	check(r->ss == 0xe02b, "SS at entry = %#lx, expected 0xe02b (FLAT_KERNEL_SS)", r->ss);
	check(!r->ds && !r->es && !r->fs && !r->gs, "data selectors at entry not null");
	check(r->rsi == (unsigned long)start_info, "RSI = %#lx is not start_info", r->rsi);
	/* IF is always set in real RFLAGS of a PV guest; IOPL 0; nothing else. */
	check(r->rflags == 0x202, "RFLAGS at entry = %#lx, expected 0x202", r->rflags);
	for (unsigned int i = 0; i < ARRAY_SIZE(gprs); i++)
		check(!gprs[i], "%s at entry = %#lx, expected 0", names[i], gprs[i]);
	/* RSP is the top of the one-page stack that follows the page tables. */
	check(r->rsp == stack_end, "RSP at entry = %#lx, expected the end of the boot stack %#lx",
	      r->rsp, stack_end);
}

static void test_start_info(void)
{
	const start_info_t *si = start_info;
	static const char magic[32] = "xen-3.0-x86_64";

	printk("start_info %p: nr_pages %lu shared_info %#lx flags %#x store %#lx/%u\n", si,
	       si->nr_pages, si->shared_info, si->flags, si->store_mfn, si->store_evtchn);
	printk("  pt_base %#lx nr_pt_frames %lu mfn_list %#lx mod %#lx+%lu\n", si->pt_base,
	       si->nr_pt_frames, si->mfn_list, si->mod_start, si->mod_len);
	printk("  console info %u+%u first_p2m_pfn %#lx nr_p2m_frames %lu cmdline \"%s\"\n",
	       si->console.dom0.info_off, si->console.dom0.info_size, si->first_p2m_pfn,
	       si->nr_p2m_frames, (const char *)si->cmd_line);

	check(!memcmp(si->magic, magic, sizeof(magic)), "magic \"%.32s\" is not \"xen-3.0-x86_64\"",
	      si->magic);
	check(!((unsigned long)si & (PAGE_SIZE - 1)), "start_info %p not page aligned", si);
	check((si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) == (SIF_PRIVILEGED | SIF_INITDOMAIN),
	      "flags %#x lack SIF_PRIVILEGED|SIF_INITDOMAIN", si->flags);
	check(!(si->flags & (SIF_MOD_START_PFN | SIF_MULTIBOOT_MOD | SIF_VIRT_P2M_4TOOLS)),
	      "flags %#x: MOD_START_PFN/MULTIBOOT_MOD/VIRT_P2M_4TOOLS without being asked",
	      si->flags);
	check(!(si->shared_info & (PAGE_SIZE - 1)) && si->shared_info,
	      "shared_info machine address %#lx not a page", si->shared_info);
	check(si->store_mfn == 0 && si->store_evtchn == 0, "dom0 has a xenstore ring/port");
	if (si->console.dom0.info_size)
		check(si->console.dom0.info_off >= sizeof(*si) &&
		      si->console.dom0.info_off + si->console.dom0.info_size <= PAGE_SIZE,
		      "VGA console info %u+%u outside the start_info page",
		      si->console.dom0.info_off,
		      si->console.dom0.info_size);
	check(!strcmp((const char *)si->cmd_line, "guest-test"), "cmd_line \"%s\", expected "
	      "\"guest-test\"", (const char *)si->cmd_line);
	check(memchr_nul(si->cmd_line, sizeof(si->cmd_line)), "cmd_line not NUL terminated");
	/* The p2m list is inside the bootstrap region: no separate p2m frames. */
	check(si->nr_p2m_frames == 0, "nr_p2m_frames = %lu without XEN_ELFNOTE_INIT_P2M",
	      si->nr_p2m_frames);
	check(si->first_p2m_pfn >= (bootstrap_end() - GUEST_VIRT_BASE) >> PAGE_SHIFT &&
	      si->first_p2m_pfn <= si->nr_pages, "first_p2m_pfn %#lx not after the bootstrap "
	      "region", si->first_p2m_pfn);
	check(si->nr_pages == 16384, "nr_pages = %lu, the runner asks for 64 MiB (dom0_mem=64M)",
	      si->nr_pages);
}

static void test_initrd(void)
{
	const unsigned char *p = (const unsigned char *)start_info->mod_start;
	unsigned long bad = 0;

	check(start_info->mod_len == INITRD_LEN, "mod_len = %lu, expected %lu",
	      start_info->mod_len, INITRD_LEN);
	if (start_info->mod_len != INITRD_LEN || !p)
		return;
	check(!((unsigned long)p & (PAGE_SIZE - 1)), "initrd %p not page aligned", p);
	for (unsigned long i = 0; i < INITRD_LEN; i++)
		if (p[i] != (i & 0xff))
			bad++;
	check(!bad, "%lu initrd bytes differ from the module", bad);
}

static void test_layout(void)
{
	const start_info_t *si = start_info;
	unsigned long image_end = ((unsigned long)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	unsigned long p2m_end = si->mfn_list + si->nr_pages * 8;
	unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
	unsigned long stack_end = pt_end + PAGE_SIZE;
	unsigned long end = bootstrap_end();

	printk("layout: image %#lx-%#lx initrd %#lx p2m %#lx-%#lx start_info %p pt %#lx-%#lx "
	       "stack end %#lx region end %#lx\n", (unsigned long)_text, image_end, si->mod_start,
	       si->mfn_list, p2m_end, si, si->pt_base, pt_end, stack_end, end);

	check((unsigned long)_text == GUEST_VIRT_BASE + GUEST_LOAD_PADDR,
	      "image not at VIRT_BASE + p_paddr");
	check(si->mod_start >= image_end, "initrd below the end of the image");
	check(si->mfn_list >= si->mod_start + si->mod_len, "p2m list below the end of the initrd");
	check((unsigned long)si >= p2m_end, "start_info below the end of the p2m list");
	check(si->pt_base > (unsigned long)si, "page tables below start_info");
	check(!(si->pt_base & (PAGE_SIZE - 1)), "pt_base %#lx not page aligned", si->pt_base);
	check(si->nr_pt_frames >= 4, "nr_pt_frames = %lu, at least L4+L3+L2+L1 needed",
	      si->nr_pt_frames);
	check(!(end & (MB4 - 1)), "bootstrap region ends at %#lx, not 4 MiB aligned", end);
	check(end >= stack_end + (512UL << 10), "only %lu KiB after the boot stack (< 512 KiB)",
	      (end - stack_end) >> 10);
	/* Everything from VIRT_BASE to the end is mapped (pfn 0 upwards). */
	for (unsigned long va = GUEST_VIRT_BASE; va < end; va += PAGE_SIZE)
		if (!va_mapped(va)) {
			xtf_failure("%#lx inside the bootstrap region is not mapped", va);
			break;
		}
	check(!va_mapped(end + MB4), "%#lx beyond the region is mapped", end + MB4);
}

/* Every entry is user-accessible; page-table pages read-only, the rest writable. */
static void test_mappings(void)
{
	const start_info_t *si = start_info;
	unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
	unsigned long end = bootstrap_end(), cr3;
	uint64_t l4e = ((const uint64_t *)si->pt_base)[511];
	int level;

	check((l4e & (PTE_P | PTE_US)) == (PTE_P | PTE_US), "L4[511] = %#lx lacks P or U/S", l4e);
	for (unsigned long va = GUEST_VIRT_BASE; va < end; va += PAGE_SIZE) {
		uint64_t e = pt_lookup(va, &level);
		bool is_pt = va >= si->pt_base && va < pt_end;

		if (va == (unsigned long)shared_info_page)
			continue;
		if (level != 1 || !(e & PTE_US) || (!!(e & PTE_RW) == is_pt)) {
			xtf_failure("%#lx: L%d entry %#lx (%s)", va, level, e,
				    is_pt ? "a page table must be mapped read-only"
					  : "must be a writable 4k user mapping");
			break;
		}
	}
	/* The first page table is the L4, the one CR3 points at. */
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	check(cr3 == virt_to_mfn((void *)si->pt_base) << PAGE_SHIFT,
	      "CR3 reads %#lx, pt_base's frame is %#lx", cr3, virt_to_mfn((void *)si->pt_base));

	/* A write to the (read-only) L4 page is refused with #PF(present|write). */
	exc_reset();
	check(probe_write((void *)si->pt_base), "writing the L4 page did not fault");
	check(last_exc.vector == X86_EXC_PF && last_exc.ec == (PFEC_PRESENT | PFEC_WRITE) &&
	      last_exc.cr2 == si->pt_base, "write to the L4: vector %u ec %#lx cr2 %#lx",
	      last_exc.vector, last_exc.ec, last_exc.cr2);
}

static void test_m2p(void)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_START;
	unsigned long bad = 0, first_bad = 0, mfn;
	struct xen_machphys_mapping mm = { 0 };
	long rc;

	for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++) {
		mfn = pfn_to_mfn(pfn);
		if (m2p[mfn] != pfn) {
			if (!bad++)
				first_bad = pfn;
		}
	}
	check(!bad, "%lu pfns with M2P[p2m[pfn]] != pfn, first %#lx", bad, first_bad);

	/* Read-only: a write faults with present|write and changes nothing. */
	mfn = virt_to_mfn(_text);
	exc_reset();
	check(probe_write((void *)&m2p[mfn]), "writing the M2P did not fault");
	check(last_exc.vector == X86_EXC_PF && (last_exc.ec & (PFEC_PRESENT | PFEC_WRITE)) ==
	      (PFEC_PRESENT | PFEC_WRITE) && last_exc.cr2 == (unsigned long)&m2p[mfn],
	      "M2P write: vector %u ec %#lx cr2 %#lx", last_exc.vector, last_exc.ec, last_exc.cr2);
	check(m2p[mfn] == virt_to_pfn(_text), "M2P entry changed by the write");

	rc = HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mm);
	check_rc("XENMEM_machphys_mapping", rc, 0);
	printk("machphys_mapping: %#lx-%#lx max_mfn %#lx\n", mm.v_start, mm.v_end, mm.max_mfn);
	check(mm.v_start == MACH2PHYS_START, "M2P v_start %#lx", mm.v_start);
	check(mm.v_end > mm.v_start && mm.v_end <= 0xffff804000000000UL, "M2P v_end %#lx",
	      mm.v_end);
	check(mm.max_mfn >= pfn_to_mfn(0), "max_mfn %#lx below our own frames", mm.max_mfn);
}

static void test_vcpu_info(void)
{
	const vcpu_time_info_t *t = &vcpu0->time;

	check(boot_upcall_mask == 1, "evtchn_upcall_mask at boot = %u, expected 1",
	      boot_upcall_mask);
	printk("time: version %u tsc %#lx system_time %lu mul %#x shift %d flags %#x\n",
	       t->version, t->tsc_timestamp, t->system_time, t->tsc_to_system_mul, t->tsc_shift,
	       t->flags);
	check(t->tsc_to_system_mul != 0, "vcpu_info time.tsc_to_system_mul is 0");
	check(!(t->version & 1), "vcpu_info time.version %u is odd (update in progress)",
	      t->version);
	check(t->tsc_timestamp != 0 && t->tsc_timestamp <= rdtsc(), "tsc_timestamp %#lx bogus",
	      t->tsc_timestamp);
	check(shared->wc_version % 2 == 0, "wc_version odd");
}

void test_main(void)
{
	test_registers();
	test_start_info();
	test_initrd();
	test_layout();
	test_mappings();
	test_m2p();
	test_vcpu_info();
}
