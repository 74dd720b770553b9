/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a PV domain from a boot module, by Xen's 64-bit PV boot protocol: dom0 from
 * module 0, boot-time domUs from the modules that name themselves "domU" (common/setup.c).
 * common/pvimage.c reads the kernel, common/pvlayout.c plans the start-of-day layout, and
 * this file makes it real: memory, the kernel's segments loaded by physical address, the
 * p2m list, start_info, shared_info with valid time, a domU's zeroed xenstore and console
 * ring pages, bootstrap page tables mapped read-only and pinned, the hypercall page if
 * asked for, the stack, the machine-to-phys entries, and the first vCPU's registers.
 * dom0_dryrun prints each domain's plan and stops there.
 *
 * One function builds both kinds from a struct pv_build_spec; only the spec differs:
 * dom0 is privileged (SIF_PRIVILEGED|SIF_INITDOMAIN, XENFEAT_dom0 required of the kernel)
 * and sized by dom0_mem=, a domU gets its size and vCPUs from its module line.
 */
#include <kestrel/arch.h>
#include <kestrel/cmdline.h>
#include <kestrel/domu.h>
#include <kestrel/errno.h>
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/mm.h>
#include <kestrel/page_type.h>
#include <kestrel/printk.h>
#include <kestrel/pvimage.h>
#include <kestrel/pvlayout.h>
#include <kestrel/xz.h>
#include <kestrel/wallclock.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define DOM0_MEM_DEFAULT MB(512)
#define DOM0_MEM_RESERVE MB(32) /* left to the hypervisor's heap when sizing dom0 */
#define GUEST_PTE_FLAGS (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define GUEST_TABLE_FLAGS (GUEST_PTE_FLAGS | _PAGE_RW | _PAGE_DIRTY)

static u64 opt_dom0_mem;
size_param("dom0_mem", opt_dom0_mem);
static bool opt_dom0_dryrun;
boolean_param("dom0_dryrun", opt_dom0_dryrun);
static u64 opt_dom0_max_vcpus; /* 0: one per physical CPU, as Xen */
integer_param_range("dom0_max_vcpus", opt_dom0_max_vcpus, 1, MAX_VCPUS);

/* Builder state; domains are built one at a time, on the boot CPU. */
struct builder {
	const struct pv_build_spec *s;
	struct domain *d;
	const struct pv_layout *l;
	u64 *p2m;          /* p2m[pfn] = mfn, the builder's copy */
	u64 nr_pages;
	u64 next_pt_pfn;   /* next free page-table frame of the region's pool */
	u64 pt_pool_end;
	u64 next_p2m_pt_pfn, p2m_pt_end; /* the INIT_P2M mapping's own pool */
	pte_t *l4;
};

static void *pfn_virt(const struct builder *b, u64 pfn)
{
	return mfn_to_virt(b->p2m[pfn]);
}

static u64 va_pfn(const struct builder *b, u64 va)
{
	return (va - b->l->v_start) >> PAGE_SHIFT;
}

static int allocate_memory(struct builder *b)
{
	struct domain *d = b->d;
	u64 pfn = 0;

	b->p2m = xmalloc(b->nr_pages * sizeof(u64));
	if (!b->p2m)
		return -ENOMEM;
	d->max_pages = b->nr_pages;
	while (pfn < b->nr_pages) {
		unsigned int order = 9;
		u64 mfn;

		while (order && (pfn + (1ULL << order) > b->nr_pages ||
				 (mfn = domain_alloc_frames(d, order)) == MFN_INVALID))
			order--;
		if (!order && (mfn = domain_alloc_frames(d, 0)) == MFN_INVALID)
			return -ENOMEM;
		for (u64 k = 0; k < (1ULL << order); k++, pfn++) {
			b->p2m[pfn] = mfn + k;
			machine_to_phys[mfn + k] = pfn;
		}
	}
	return 0;
}

/* Copy len bytes to the region at va (page by page through the p2m). */
static void region_write(const struct builder *b, u64 va, const void *src, u64 len)
{
	const u8 *s = src;

	while (len) {
		u64 off = va & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);

		memcpy((u8 *)pfn_virt(b, va_pfn(b, va)) + off, s, n);
		va += n;
		s += n;
		len -= n;
	}
}

/* The next frame of a page-table pool; typed and validated later, by the pin. */
static pte_t *take_table(struct builder *b, u64 *next, u64 end)
{
	u64 pfn = (*next)++;

	if (pfn >= end || pfn >= b->nr_pages)
		panic("%s: page-table pool exhausted (layout bug)", b->s->tag);
	return pfn_virt(b, pfn);
}

/* Map one guest page; intermediate tables come from the pool [*next, end). */
static void map_guest_page(struct builder *b, u64 va, u64 mfn, bool writable, u64 *next,
			   u64 end)
{
	pte_t *t = b->l4;

	for (unsigned int lvl = 4, shift = L4_SHIFT; lvl > 1; lvl--, shift -= 9) {
		pte_t *e = &t[PT_INDEX(va, shift)];

		if (!(*e & _PAGE_PRESENT)) {
			pte_t *nt = take_table(b, next, end);

			*e = virt_to_maddr(nt) | GUEST_TABLE_FLAGS;
		}
		t = maddr_to_virt(*e & PTE_ADDR_MASK);
	}
	t[PT_INDEX(va, L1_SHIFT)] = (mfn << PAGE_SHIFT) | GUEST_PTE_FLAGS |
				    (writable ? _PAGE_RW | _PAGE_DIRTY : 0);
}

static void build_page_tables(struct builder *b)
{
	const struct pv_layout *l = b->l;
	u64 pt_pfn = va_pfn(b, l->pt_va);
	pte_t *idle = maddr_to_virt(idle_cr3);

	b->next_pt_pfn = pt_pfn;
	b->pt_pool_end = pt_pfn + l->nr_pt_frames;
	b->l4 = take_table(b, &b->next_pt_pfn, b->pt_pool_end);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		b->l4[i] = idle[i];

	for (u64 va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
		u64 pfn = va_pfn(b, va);
		bool is_pt = pfn >= pt_pfn && pfn < b->pt_pool_end;

		map_guest_page(b, va, b->p2m[pfn], !is_pt, &b->next_pt_pfn, b->pt_pool_end);
	}
	if (!l->p2m_in_region) {
		u64 first = va_pfn(b, l->v_start) + l->first_p2m_pfn;

		b->next_p2m_pt_pfn = first + l->p2m_pages;
		b->p2m_pt_end = first + l->nr_p2m_frames;
		for (u64 i = 0; i < l->p2m_pages; i++)
			map_guest_page(b, l->p2m_va + i * PAGE_SIZE, b->p2m[first + i], true,
				       &b->next_p2m_pt_pfn, b->p2m_pt_end);
	}
}

static void write_p2m(struct builder *b)
{
	const struct pv_layout *l = b->l;

	if (l->p2m_in_region) {
		region_write(b, l->p2m_va, b->p2m, b->nr_pages * sizeof(u64));
		return;
	}
	for (u64 i = 0; i < b->nr_pages; i += PAGE_SIZE / sizeof(u64)) {
		u64 n = MIN(b->nr_pages - i, PAGE_SIZE / sizeof(u64));

		memcpy(pfn_virt(b, l->first_p2m_pfn + i / (PAGE_SIZE / sizeof(u64))), &b->p2m[i],
		       n * sizeof(u64));
	}
}

static void load_kernel(struct builder *b, const struct pv_image *pi, const u8 *img)
{
	for (unsigned int i = 0; i < pi->nr_segs; i++) {
		const struct pv_segment *s = &pi->segs[i];

		region_write(b, s->va, img + s->file_off, s->filesz);
		/* the rest of memsz is already zero: every frame was cleared */
	}
}

/* Xen's 64-bit hypercall page: 32-byte stubs; iret's pushes what do_iret reads. */
static void write_hypercall_page(struct builder *b, u64 va)
{
	u8 page[PAGE_SIZE];

	memset(page, 0xcc, sizeof(page));
	for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
		u8 *p = page + i * 32;

		if (i == __HYPERVISOR_iret) {
			static const u8 stub[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0,
						   0x0f, 0x05 };

			memcpy(p, stub, sizeof(stub));
			continue;
		}
		const u8 stub[] = { 0x51, 0x41, 0x53, 0xb8, (u8)i, 0, 0, 0, 0x0f, 0x05,
				    0x41, 0x5b, 0x59, 0xc3 };

		memcpy(p, stub, sizeof(stub));
	}
	region_write(b, va, page, sizeof(page));
}

void pv_module_cmdline(const struct boot_module *m, char *out, size_t len)
{
	strlcpy(out, m->cmdline, len);
	if (boot_info.protocol == 1)
		boot_cmdline_drop_image(out); /* multiboot1 loaders put the file name first */
}

/*
 * A domU's xenstore and console rings: zeroed pages of its own, mapped in the bootstrap
 * region (every frame was cleared when allocated). No daemon serves them yet, so the
 * ports are 0: xenstore in "local" mode, and a console nobody reads.
 */
static void write_domu_rings(struct builder *b, struct start_info *si)
{
	si->store_mfn = b->p2m[va_pfn(b, b->l->xenstore_va)];
	si->store_evtchn = 0;
	si->console.domU.mfn = b->p2m[va_pfn(b, b->l->console_va)];
	si->console.domU.evtchn = 0;
	printk("%s: xenstore ring mfn %#llx, console ring mfn %#llx, event channels 0\n",
	       b->s->tag, (unsigned long long)si->store_mfn,
	       (unsigned long long)si->console.domU.mfn);
}

static void write_start_info(struct builder *b, const struct pv_image *pi,
			     const struct boot_info *bi)
{
	const struct pv_layout *l = b->l;
	struct start_info *si = pfn_virt(b, va_pfn(b, l->start_info_va));

	strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
	si->nr_pages = b->nr_pages;
	si->shared_info = b->d->arch.shared_info_mfn << PAGE_SHIFT;
	si->flags = b->s->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
	si->pt_base = l->pt_va;
	si->nr_pt_frames = l->nr_pt_frames;
	si->mfn_list = l->p2m_va;
	si->first_p2m_pfn = l->first_p2m_pfn;
	si->nr_p2m_frames = l->nr_p2m_frames;
	if (l->initrd_pages) {
		si->mod_start = l->initrd_mapped ? l->initrd_va : l->initrd_pfn;
		si->mod_len = bi->modules[b->s->initrd].end - bi->modules[b->s->initrd].start;
		if (!l->initrd_mapped)
			si->flags |= SIF_MOD_START_PFN;
	}
	if (!b->s->privileged)
		write_domu_rings(b, si);
	strlcpy((char *)si->cmd_line, b->s->cmdline, sizeof(si->cmd_line));
	b->d->arch.start_info_mfn = b->p2m[va_pfn(b, l->start_info_va)];
}

static void load_initrd(struct builder *b, const struct boot_info *bi)
{
	const struct pv_layout *l = b->l;
	const struct boot_module *m = &bi->modules[b->s->initrd];
	const u8 *src = maddr_to_virt(m->start);
	u64 len = m->end - m->start;

	if (l->initrd_mapped) {
		region_write(b, l->initrd_va, src, len);
		return;
	}
	for (u64 off = 0; off < len; off += PAGE_SIZE)
		memcpy(pfn_virt(b, l->initrd_pfn + off / PAGE_SIZE), src + off,
		       MIN(len - off, PAGE_SIZE));
}

static int setup_shared_info(struct domain *d)
{
	u64 mfn = buddy_alloc(&machine_frames, 0);
	struct shared_info *s;

	if (mfn == MFN_INVALID)
		return -ENOMEM;
	s = mfn_to_virt(mfn);
	memset(s, 0, PAGE_SIZE);
	frame_table[mfn].owner = d->domid;
	frame_table[mfn].type_info = PGT_none;
	/* shared with the hypervisor: mappable by the guest, never given back by it */
	frame_table[mfn].count_info = PGC_allocated | PGC_xen_heap | 1;
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		s->vcpu_info[i].evtchn_upcall_mask = 1;
	time_fill_vcpu_time(&s->vcpu_info[0].time);
	wallclock_fill(s);
	d->arch.shared_info = s;
	d->arch.shared_info_mfn = mfn;
	return 0;
}

static void setup_vcpu0(struct builder *b, const struct pv_image *pi)
{
	struct vcpu *v = b->d->vcpus[0];
	struct cpu_regs *r = &v->arch.user_regs;

	memset(r, 0, sizeof(*r));
	r->rip = pi->entry;
	r->cs = FLAT_KERNEL_CS;
	r->ss = FLAT_KERNEL_SS;
	r->rsp = b->l->stack_va + PAGE_SIZE;
	r->rsi = b->l->start_info_va;
	r->rflags = X86_EFLAGS_IF | 2;
	v->arch.kernel_mode = true;
	v->arch.vcpu_info = &b->d->arch.shared_info->vcpu_info[0];
	v->arch.cr4_shadow = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	v->initialised = true;
	/* every vCPU starts with its vcpu_info in shared_info (the first 32 have a slot) */
	for (unsigned int i = 0; i < b->d->nr_vcpus; i++) {
		struct vcpu *w = b->d->vcpus[i];

		w->arch.vcpu_info = &b->d->arch.shared_info->vcpu_info[i % XEN_LEGACY_MAX_VCPUS];
		pv_fpu_init(w);
	}
}

/*
 * Pin the bootstrap L4 (validating the whole tree exactly as a guest's pin would: every
 * type and reference count follows from it) and load it as vCPU 0's root.
 */
static int start_page_tables(struct builder *b)
{
	u64 l4 = b->p2m[va_pfn(b, b->l->pt_va)];
	struct vcpu *v = b->d->vcpus[0];

	if (pt_pin(b->d, l4, 4, false) || get_page_and_type(mfn_to_page(l4), b->d, PGT_l4_table)) {
		printk(KERN_ERR "%s: the bootstrap page tables do not validate (builder bug)\n",
		       b->s->tag);
		return -EINVAL;
	}
	v->arch.guest_table = l4;
	return 0;
}

/* Memory of the domain in bytes: a domU's from its line, dom0's from dom0_mem=. */
static u64 wanted_mem(const struct pv_build_spec *s, u64 avail)
{
	if (s->mem)
		return s->mem;
	return MIN((u64)DOM0_MEM_DEFAULT, avail - DOM0_MEM_RESERVE);
}

/*
 * A kernel unpacked from an xz-compressed bzImage (Debian's kernels): its frames are held
 * from plan() to the end of the build. Builds run one at a time, on the boot CPU.
 */
static struct {
	u64 mfn;
	unsigned int order;
	const u8 *img;
	u64 len;
} unpacked;

#define MAX_UNPACKED MB(256)

static void release_unpacked(void)
{
	if (unpacked.img)
		buddy_free(&machine_frames, unpacked.mfn, unpacked.order);
	unpacked.img = NULL;
}

/* If module m is an xz-compressed bzImage, unpack it into fresh frames. 0 or -errno. */
static int unpack_kernel(const struct pv_build_spec *s, const struct boot_module *m)
{
	struct pv_packed pk;
	char why[160];
	size_t out_len;
	u64 pages;
	int rc;

	if (pv_image_packed(maddr_to_virt(m->start), m->end - m->start, &pk))
		return 0; /* not packed: pv_image_parse() says what it is */
	if (!pk.unpacked_len || pk.unpacked_len > MAX_UNPACKED) {
		printk(KERN_ERR "%s: cannot boot module %u (\"%s\"): its xz-compressed payload claims "
				"to unpack to %llu bytes (at most %llu)\n",
		       s->tag, s->kernel, m->cmdline, (unsigned long long)pk.unpacked_len,
		       (unsigned long long)MAX_UNPACKED);
		return -ENOEXEC;
	}
	pages = (pk.unpacked_len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	for (unpacked.order = 0; (1ULL << unpacked.order) < pages; unpacked.order++)
		;
	unpacked.mfn = buddy_alloc(&machine_frames, unpacked.order);
	if (unpacked.mfn == MFN_INVALID) {
		printk(KERN_ERR "%s: no %llu MiB of contiguous memory to unpack module %u\n", s->tag,
		       (unsigned long long)(pages >> 8), s->kernel);
		return -ENOMEM;
	}
	unpacked.img = mfn_to_virt(unpacked.mfn);
	rc = xz_decompress(pk.data, pk.len, (u8 *)unpacked.img, pk.unpacked_len, &out_len, why,
			   sizeof(why));
	if (rc) {
		printk(KERN_ERR "%s: cannot boot module %u (\"%s\"): its xz-compressed payload does "
				"not unpack: %s\n",
		       s->tag, s->kernel, m->cmdline, why);
		release_unpacked();
		return -ENOEXEC;
	}
	unpacked.len = out_len;
	printk("%s: unpacked the xz-compressed kernel of module %u: %llu KiB\n", s->tag,
	       s->kernel, (unsigned long long)(out_len >> 10));
	return 0;
}

/* The kernel bytes to parse and load: the unpacked image, or the module itself. */
static const u8 *kernel_bytes(const struct boot_module *m, u64 *len)
{
	if (unpacked.img) {
		*len = unpacked.len;
		return unpacked.img;
	}
	*len = m->end - m->start;
	return maddr_to_virt(m->start);
}

static int plan(const struct pv_build_spec *s, const struct boot_info *bi, struct pv_image *pi,
		struct pv_layout *l)
{
	const struct boot_module *m = &bi->modules[s->kernel];
	struct pv_layout_req req = { .img = pi, .is_dom0 = s->privileged };
	u64 avail, len;
	const u8 *img;
	char why[256];
	int rc;

	if (!directmap_mapped(m->start, m->end - m->start)) {
		printk(KERN_ERR "%s: module %u at %#llx is outside mapped memory\n", s->tag,
		       s->kernel, (unsigned long long)m->start);
		return -EINVAL;
	}
	rc = unpack_kernel(s, m);
	if (rc)
		return rc;
	avail = buddy_free_pages(&machine_frames) << PAGE_SHIFT;
	img = kernel_bytes(m, &len);
	rc = pv_image_parse(img, len, pi, why, sizeof(why));
	if (rc) {
		printk(KERN_ERR "%s: cannot boot module %u (\"%s\"): %s\n", s->tag, s->kernel,
		       m->cmdline, why);
		return rc;
	}
	if (s->privileged && !pv_image_supports_dom0(pi)) {
		printk(KERN_ERR "%s: the kernel does not declare dom0 support "
				"(XEN_ELFNOTE_SUPPORTED_FEATURES bit 11)\n", s->tag);
		return -EINVAL;
	}
	if (s->initrd >= 0)
		req.initrd_len = bi->modules[s->initrd].end - bi->modules[s->initrd].start;
	req.nr_pages = wanted_mem(s, avail) >> PAGE_SHIFT;
	if (avail < MB(4) || req.nr_pages << PAGE_SHIFT > avail - MB(4)) {
		printk(KERN_ERR "%s: %s=%lluM is more than the %llu MiB free\n", s->tag, s->mem_opt,
		       (unsigned long long)(req.nr_pages >> 8), (unsigned long long)(avail >> 20));
		return -ENOMEM;
	}
	rc = pv_layout_plan(&req, l);
	if (rc) {
		printk(KERN_ERR "%s: no valid start-of-day layout for %llu MiB (error %d)\n", s->tag,
		       (unsigned long long)(req.nr_pages >> 8), rc);
		return rc;
	}
	printk("%s: %s kernel (%s %s), entry %#llx, %llu MiB\n", s->tag, pi->loader,
	       pi->guest_os, pi->guest_version, (unsigned long long)pi->entry,
	       (unsigned long long)(req.nr_pages >> 8));
	pv_layout_print(l, s->tag_colon);
	return 0;
}

/* Everything after the domain exists: memory, contents, registers, page tables. */
static int fill_domain(struct builder *b, const struct pv_image *pi, const struct boot_info *bi)
{
	int rc;

	b->d->trace_hypercalls = hypercall_trace_enabled();
	rc = allocate_memory(b);
	if (rc || (rc = setup_shared_info(b->d))) {
		printk(KERN_ERR "%s: out of memory while building\n", b->s->tag);
		return rc;
	}
	build_page_tables(b);
	write_p2m(b);
	u64 len;

	load_kernel(b, pi, kernel_bytes(&bi->modules[b->s->kernel], &len));
	if (b->l->initrd_pages)
		load_initrd(b, bi);
	if (pi->has_hypercall_page) {
		write_hypercall_page(b, pi->hypercall_page);
		b->d->arch.hypercall_page_va = pi->hypercall_page;
	}
	write_start_info(b, pi, bi);
	setup_vcpu0(b, pi);
	return start_page_tables(b);
}

/**
 * pv_build_domain - build the PV domain s describes from its boot modules.
 * Returns 0 with *out set (the domain RUNNING, its vCPUs not started), -EAGAIN for a dry
 * run (dom0_dryrun: the plan is printed), or a negative errno after printing what was
 * wrong; nothing of the domain is left allocated then.
 */
int pv_build_domain(const struct pv_build_spec *s, const struct boot_info *bi,
		    struct domain **out)
{
	static struct pv_image pi;
	static struct pv_layout l;
	struct builder b = { .s = s, .l = &l };
	int rc;

	rc = plan(s, bi, &pi, &l);
	if (rc) {
		release_unpacked();
		return rc;
	}
	if (opt_dom0_dryrun) {
		printk("%s: dry run (dom0_dryrun): not starting %s\n", s->tag, s->tag);
		release_unpacked();
		return -EAGAIN;
	}
	b.nr_pages = l.nr_pages;
	b.d = domain_create(s->domid, s->vcpus, s->privileged);
	if (!b.d) {
		release_unpacked();
		return -ENOMEM;
	}
	rc = fill_domain(&b, &pi, bi);
	release_unpacked();
	xfree(b.p2m);
	if (rc) {
		domain_destroy(b.d);
		return rc;
	}
	b.d->state = DOMAIN_RUNNING;
	*out = b.d;
	return 0;
}

/* dom0: module 0, with module 1 as its initrd unless that is a domU kernel. */
int arch_build_dom0(struct domain **out)
{
	static char cmdline[BOOT_MODULE_CMDLINE_MAX];
	struct pv_build_spec s = {
		.tag = "dom0", .tag_colon = "dom0:", .domid = 0, .privileged = true,
		.kernel = 0, .initrd = -1, .cmdline = cmdline, .mem = opt_dom0_mem,
		.mem_opt = "dom0_mem",
		.vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus
					    : MIN(arch_nr_cpus(), (unsigned int)MAX_VCPUS),
	};

	pv_traps_init();
	pv_module_cmdline(&boot_info.modules[0], cmdline, sizeof(cmdline));
	if (boot_info.nr_modules > 1) {
		char m1[BOOT_MODULE_CMDLINE_MAX];

		pv_module_cmdline(&boot_info.modules[1], m1, sizeof(m1));
		if (!domu_module(m1))
			s.initrd = 1;
	}
	return pv_build_domain(&s, &boot_info, out);
}

/* A domU from module 'module', as its line (parsed into *c) asks. */
int arch_build_domu(const struct domu_config *c, u16 domid, unsigned int module,
		    struct domain **out)
{
	char tag[8], tag_colon[8];
	struct pv_build_spec s = {
		.tag = tag, .tag_colon = tag_colon, .domid = domid, .privileged = false,
		.kernel = module, .initrd = -1, .cmdline = c->cmdline, .mem = c->mem,
		.mem_opt = "mem", .vcpus = c->vcpus,
	};

	ksnprintf(tag, sizeof(tag), "d%u", domid);
	ksnprintf(tag_colon, sizeof(tag_colon), "d%u:", domid);
	return pv_build_domain(&s, &boot_info, out);
}
