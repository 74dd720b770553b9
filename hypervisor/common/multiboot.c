/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot1 and multiboot2 boot information parsers (API in bootinfo.h).
 *
 * The loader's tables are untrusted input. Every structure is reached through the
 * caller's map() callback, asking for exactly the bytes about to be read, and every length
 * and count is checked against the bytes actually mapped before use. A bad part is
 * reported (mb_warn) and skipped; parsing carries on with the rest.
 *
 * Layouts: Multiboot Specification 0.6.96 (multiboot1) and Multiboot2 Specification 2.0.
 * All on-disk structures are declared packed so misaligned tables cannot trap.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/bootinfo.h>

/* No loader builds tables this large; anything bigger is corruption. */
#define MB_TABLE_MAX	 MB(1)
#define MB1_LOWER_MAX_KB 640u

/* Multiboot1 information structure, as far as the fields we read. */
struct mb1_info {
	u32 flags;
	u32 mem_lower;	 /* KiB below 1 MiB, flags bit 0 */
	u32 mem_upper;	 /* KiB above 1 MiB, flags bit 0 */
	u32 boot_device; /* bit 1 */
	u32 cmdline;	 /* bit 2 */
	u32 mods_count;	 /* bit 3 */
	u32 mods_addr;
	u32 syms[4];	 /* bit 4 or 5 */
	u32 mmap_length; /* bit 6 */
	u32 mmap_addr;
	u32 drives_length; /* bit 7 */
	u32 drives_addr;
	u32 config_table;     /* bit 8 */
	u32 boot_loader_name; /* bit 9 */
} __packed;

#define MB1_F_MEM     (1u << 0)
#define MB1_F_CMDLINE (1u << 2)
#define MB1_F_MODS    (1u << 3)
#define MB1_F_MMAP    (1u << 6)
#define MB1_F_LOADER  (1u << 9)

struct mb1_module {
	u32 mod_start;
	u32 mod_end;
	u32 string;
	u32 reserved;
} __packed;

/* 'size' counts the bytes after itself; newer loaders may append fields after 'type'. */
struct mb1_mmap_entry {
	u32 size;
	u64 addr;
	u64 len;
	u32 type;
} __packed;

/* Multiboot2: a header, then tags each starting on an 8-byte boundary. */
struct mb2_info {
	u32 total_size;
	u32 reserved;
} __packed;

struct mb2_tag {
	u32 type;
	u32 size; /* includes this header, excludes the padding to the next tag */
} __packed;

#define MB2_TAG_END	 0
#define MB2_TAG_CMDLINE	 1
#define MB2_TAG_LOADER	 2
#define MB2_TAG_MODULE	 3
#define MB2_TAG_MEMINFO	 4
#define MB2_TAG_MMAP	 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_ALIGN	 8

struct mb2_tag_module {
	struct mb2_tag hdr;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
} __packed;

struct mb2_tag_meminfo {
	struct mb2_tag hdr;
	u32 mem_lower;
	u32 mem_upper;
} __packed;

struct mb2_tag_mmap {
	struct mb2_tag hdr;
	u32 entry_size;
	u32 entry_version;
	/* entries follow, entry_size bytes apart */
} __packed;

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 reserved;
} __packed;

/* The ACPI tags carry a copy of the RSDP: 20 bytes for ACPI 1.0, 36 for 2.0+. */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
BUILD_BUG_ON(BOOT_RSDP_MAX < RSDP_V2_LEN);

struct mb_parse {
	boot_map_fn map;
	void *ctx;
	struct boot_info *bi;
	unsigned int mods_seen;	   /* module entries met so far, for messages */
	unsigned int mmap_dropped; /* entries beyond BOOT_MAX_MMAP */
	unsigned int mods_dropped; /* modules beyond BOOT_MAX_MODULES */
	bool have_new_rsdp;	   /* an ACPI 2.0 RSDP beats a 1.0 one, whatever the order */
};

#define mb_warn(p, fmt, ...)                                                                       \
	do {                                                                                       \
		(p)->bi->warnings++;                                                               \
		printk(KERN_WARNING "multiboot: " fmt "\n", ##__VA_ARGS__);                        \
	} while (0)

static inline unsigned long long ull(u64 v)
{
	return v;
}

static void mmap_add(struct mb_parse *p, u64 addr, u64 len, u32 type)
{
	struct boot_info *bi = p->bi;
	struct boot_mmap_entry *e;

	if (bi->nr_mmap == BOOT_MAX_MMAP) {
		p->mmap_dropped++;
		return;
	}
	/* A range wrapping past 2^64 would confuse every later end computation. */
	if (len > ~0ULL - addr) {
		mb_warn(p, "memory map entry %#llx+%#llx wraps around, clipped", ull(addr),
			ull(len));
		len = ~0ULL - addr;
	}
	e = &bi->mmap[bi->nr_mmap++];
	e->addr = addr;
	e->len = len;
	e->type = type;
}

/* Validate a module's range and claim a slot for it; NULL when it is skipped. */
static struct boot_module *module_add(struct mb_parse *p, u64 start, u64 end)
{
	struct boot_info *bi = p->bi;
	struct boot_module *m;
	unsigned int idx = p->mods_seen++;

	if (end < start) {
		mb_warn(p, "module %u ends at %#llx before its start %#llx, skipped", idx, ull(end),
			ull(start));
		return NULL;
	}
	if (bi->nr_modules == BOOT_MAX_MODULES) {
		p->mods_dropped++;
		return NULL;
	}
	m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	return m;
}

/* Copy a string that must be NUL-terminated within src[0..srclen) into dst[size]. */
static void copy_str(struct mb_parse *p, char *dst, size_t size, const char *src, size_t srclen,
		     const char *what)
{
	size_t n = strnlen(src, srclen);

	if (n == srclen)
		mb_warn(p, "%s not NUL-terminated within its tag, truncated", what);
	if (n >= size) {
		if (n != srclen)
			mb_warn(p, "%s longer than %zu bytes, truncated", what, size - 1);
		n = size - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Copy a NUL-terminated string at physical address paddr into dst[size]. The string's
 * length is unknown, so it is mapped a page at a time: a short string at the very end of
 * accessible memory must not fail for want of a longer mapping.
 */
static void read_phys_str(struct mb_parse *p, u64 paddr, char *dst, size_t size, const char *what)
{
	size_t n = 0;

	while (n < size) {
		u64 pa = paddr + n;
		size_t chunk = MIN(PAGE_SIZE - (pa & (PAGE_SIZE - 1)), size - n);
		const char *src = p->map(pa, chunk, p->ctx);
		size_t len;

		if (!src && !n) {
			mb_warn(p, "cannot map %s at %#llx, ignored", what, ull(paddr));
			break;
		}
		if (!src) {
			mb_warn(p, "%s at %#llx runs into unmapped memory, truncated", what,
				ull(paddr));
			break;
		}
		len = strnlen(src, chunk);
		memcpy(dst + n, src, len);
		n += len;
		if (len < chunk)
			break;
	}
	if (n == size) {
		mb_warn(p, "%s at %#llx longer than %zu bytes, truncated", what, ull(paddr),
			size - 1);
		n = size - 1;
	}
	dst[n] = '\0';
}

/* Without a memory map, describe what mem_lower/mem_upper promise: RAM below 640K, above 1M. */
static void mmap_from_meminfo(struct mb_parse *p)
{
	struct boot_info *bi = p->bi;

	printk(KERN_INFO "multiboot: no memory map, using mem_lower=%uK mem_upper=%uK\n",
	       bi->mem_lower_kb, bi->mem_upper_kb);
	/* Conventional memory ends at 640K; more would claim the VGA hole and BIOS as RAM. */
	if (bi->mem_lower_kb > MB1_LOWER_MAX_KB) {
		mb_warn(p, "mem_lower %uK above %uK, clamped", bi->mem_lower_kb, MB1_LOWER_MAX_KB);
		bi->mem_lower_kb = MB1_LOWER_MAX_KB;
	}
	if (bi->mem_lower_kb)
		mmap_add(p, 0, KB(bi->mem_lower_kb), MMAP_RAM);
	if (bi->mem_upper_kb)
		mmap_add(p, MB(1), KB(bi->mem_upper_kb), MMAP_RAM);
}

/* Common tail of both parsers: summarise what was dropped, decide usability. */
static int mb_finish(struct mb_parse *p)
{
	struct boot_info *bi = p->bi;

	if (p->mmap_dropped)
		mb_warn(p, "memory map has %u entries beyond the first %u, dropped",
			p->mmap_dropped, BOOT_MAX_MMAP);
	if (p->mods_dropped)
		mb_warn(p, "%u modules beyond the first %u, dropped", p->mods_dropped,
			BOOT_MAX_MODULES);
	if (!bi->nr_mmap && bi->have_meminfo)
		mmap_from_meminfo(p);
	if (!bi->nr_mmap) {
		mb_warn(p, "no memory information from the boot loader");
		return -EINVAL;
	}
	return 0;
}

static void mb1_modules(struct mb_parse *p, u32 addr, u32 count)
{
	const struct mb1_module *mods;
	unsigned int i;

	if (count > BOOT_MAX_MODULES) {
		p->mods_dropped = count - BOOT_MAX_MODULES;
		count = BOOT_MAX_MODULES;
	}
	if (!count)
		return;
	mods = p->map(addr, count * sizeof(*mods), p->ctx);
	if (!mods) {
		mb_warn(p, "cannot map %u module entries at %#x, ignored", count, addr);
		return;
	}
	for (i = 0; i < count; i++) {
		struct mb1_module m = mods[i];
		struct boot_module *bm = module_add(p, m.mod_start, m.mod_end);

		if (bm)
			read_phys_str(p, m.string, bm->cmdline, sizeof(bm->cmdline),
				      "module command line");
	}
}

static void mb1_mmap(struct mb_parse *p, u32 addr, u32 length)
{
	const u8 *map;
	u32 off = 0;

	if (!length)
		return;
	if (length > MB_TABLE_MAX) {
		mb_warn(p, "memory map length %u too large, ignored", length);
		return;
	}
	map = p->map(addr, length, p->ctx);
	if (!map) {
		mb_warn(p, "cannot map memory map at %#x (%u bytes), ignored", addr, length);
		return;
	}
	while (off < length) {
		const struct mb1_mmap_entry *e = (const void *)(map + off);

		if (length - off < sizeof(*e)) {
			mb_warn(p, "memory map entry at offset %u runs past mmap_length %u", off,
				length);
			return;
		}
		if (e->size < sizeof(*e) - sizeof(e->size) || e->size > length - off - 4) {
			mb_warn(p, "memory map entry at offset %u has bad size %u", off, e->size);
			return;
		}
		mmap_add(p, e->addr, e->len, e->type);
		off += e->size + sizeof(e->size);
	}
}

/* Parse a multiboot1 information structure (see bootinfo.h). */
int mb1_parse(u64 info_paddr, boot_map_fn map, void *ctx, struct boot_info *bi)
{
	struct mb_parse p = { .map = map, .ctx = ctx, .bi = bi };
	const struct mb1_info *mi;
	struct mb1_info info;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = 1;
	mi = map(info_paddr, sizeof(*mi), ctx);
	if (!mi) {
		mb_warn(&p, "cannot map multiboot1 info at %#llx", ull(info_paddr));
		return -EINVAL;
	}
	info = *mi; /* one snapshot: the flags must not change under us */
	if (info.flags & MB1_F_MEM) {
		bi->have_meminfo = true;
		bi->mem_lower_kb = info.mem_lower;
		bi->mem_upper_kb = info.mem_upper;
	}
	if (info.flags & MB1_F_CMDLINE)
		read_phys_str(&p, info.cmdline, bi->cmdline, sizeof(bi->cmdline), "command line");
	if (info.flags & MB1_F_LOADER)
		read_phys_str(&p, info.boot_loader_name, bi->loader, sizeof(bi->loader),
			      "boot loader name");
	if (info.flags & MB1_F_MODS)
		mb1_modules(&p, info.mods_addr, info.mods_count);
	if (info.flags & MB1_F_MMAP)
		mb1_mmap(&p, info.mmap_addr, info.mmap_length);
	return mb_finish(&p);
}

static void mb2_module(struct mb_parse *p, const struct mb2_tag *tag)
{
	const struct mb2_tag_module *t = (const void *)tag;
	struct boot_module *bm;

	if (tag->size < sizeof(*t)) {
		mb_warn(p, "module tag too short (%u bytes), skipped", tag->size);
		p->mods_seen++;
		return;
	}
	bm = module_add(p, t->mod_start, t->mod_end);
	if (bm)
		copy_str(p, bm->cmdline, sizeof(bm->cmdline), t->cmdline, tag->size - sizeof(*t),
			 "module command line");
}

static void mb2_meminfo(struct mb_parse *p, const struct mb2_tag *tag)
{
	const struct mb2_tag_meminfo *t = (const void *)tag;

	if (tag->size < sizeof(*t)) {
		mb_warn(p, "basic meminfo tag too short (%u bytes), skipped", tag->size);
		return;
	}
	p->bi->have_meminfo = true;
	p->bi->mem_lower_kb = t->mem_lower;
	p->bi->mem_upper_kb = t->mem_upper;
}

static void mb2_mmap(struct mb_parse *p, const struct mb2_tag *tag)
{
	const struct mb2_tag_mmap *t = (const void *)tag;
	const u8 *entries = (const u8 *)(t + 1);
	u32 bytes, esz, i;

	if (tag->size < sizeof(*t)) {
		mb_warn(p, "memory map tag too short (%u bytes), skipped", tag->size);
		return;
	}
	esz = t->entry_size;
	if (esz < sizeof(struct mb2_mmap_entry) || esz % 8) {
		mb_warn(p, "memory map entry_size %u invalid, map skipped", esz);
		return;
	}
	bytes = tag->size - sizeof(*t);
	if (bytes % esz)
		mb_warn(p, "memory map tag has %u stray bytes after its last entry", bytes % esz);
	for (i = 0; i < bytes / esz; i++) {
		const struct mb2_mmap_entry *e = (const void *)(entries + i * esz);

		mmap_add(p, e->addr, e->len, e->type);
	}
}

static void mb2_rsdp(struct mb_parse *p, const struct mb2_tag *tag, bool is_new)
{
	u32 need = is_new ? RSDP_V2_LEN : RSDP_V1_LEN;

	if (tag->size - sizeof(*tag) < need) {
		mb_warn(p, "ACPI %s RSDP tag too short (%u bytes), skipped", is_new ? "2.0" : "1.0",
			tag->size);
		return;
	}
	if (!is_new && p->have_new_rsdp)
		return;
	memcpy(p->bi->rsdp, tag + 1, need);
	p->bi->rsdp_len = need;
	p->have_new_rsdp = is_new;
}

static void mb2_tag(struct mb_parse *p, const struct mb2_tag *tag)
{
	struct boot_info *bi = p->bi;
	const char *payload = (const char *)(tag + 1);
	size_t plen = tag->size - sizeof(*tag);

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		copy_str(p, bi->cmdline, sizeof(bi->cmdline), payload, plen, "command line");
		break;
	case MB2_TAG_LOADER:
		copy_str(p, bi->loader, sizeof(bi->loader), payload, plen, "boot loader name");
		break;
	case MB2_TAG_MODULE:
		mb2_module(p, tag);
		break;
	case MB2_TAG_MEMINFO:
		mb2_meminfo(p, tag);
		break;
	case MB2_TAG_MMAP:
		mb2_mmap(p, tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_rsdp(p, tag, tag->type == MB2_TAG_ACPI_NEW);
		break;
	default:
		break; /* tags we do not use (framebuffer, ELF sections, ...) */
	}
}

/* Walk the tags in base[8..total); stops at the end tag or the first malformed tag. */
static void mb2_walk(struct mb_parse *p, const u8 *base, u32 total)
{
	u32 off = sizeof(struct mb2_info);

	for (;;) {
		const struct mb2_tag *tag = (const void *)(base + off);

		if (total - off < sizeof(*tag)) {
			mb_warn(p, "tag list has no end tag within total_size %u", total);
			return;
		}
		if (tag->size < sizeof(*tag)) {
			mb_warn(p, "tag type %u at offset %u: size %u < 8, rest ignored", tag->type,
				off, tag->size);
			return;
		}
		if (tag->size > total - off) {
			/* Nothing after it can be located: the rest of the list is lost. */
			mb_warn(p, "tag type %u at offset %u: size %u runs past total_size %u",
				tag->type, off, tag->size, total);
			return;
		}
		if (tag->type == MB2_TAG_END)
			return;
		mb2_tag(p, tag);
		/* size <= total - off <= 1 MiB, so this cannot wrap; clamp the padding. */
		off = MIN(off + ALIGN_UP(tag->size, MB2_TAG_ALIGN), total);
	}
}

/* Parse a multiboot2 tag list (see bootinfo.h). */
int mb2_parse(u64 info_paddr, boot_map_fn map, void *ctx, struct boot_info *bi)
{
	struct mb_parse p = { .map = map, .ctx = ctx, .bi = bi };
	const struct mb2_info *hdr;
	const u8 *base;
	u32 total;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = 2;
	hdr = map(info_paddr, sizeof(*hdr), ctx);
	if (!hdr) {
		mb_warn(&p, "cannot map multiboot2 info at %#llx", ull(info_paddr));
		return -EINVAL;
	}
	total = hdr->total_size;
	/* The smallest valid list is the header plus an end tag. */
	if (total < sizeof(*hdr) + sizeof(struct mb2_tag) || total > MB_TABLE_MAX) {
		mb_warn(&p, "multiboot2 total_size %u out of range", total);
		return -EINVAL;
	}
	base = map(info_paddr, total, ctx);
	if (!base) {
		mb_warn(&p, "cannot map multiboot2 info at %#llx (%u bytes)", ull(info_paddr),
			total);
		return -EINVAL;
	}
	mb2_walk(&p, base, total);
	return mb_finish(&p);
}

/* Higher rank wins an overlap: anything beats RAM, otherwise the higher type number. */
static u64 type_rank(u32 type)
{
	return type == MMAP_RAM ? 0 : (u64)type + 1;
}

static u64 entry_end(const struct boot_mmap_entry *e)
{
	return e->len > ~0ULL - e->addr ? ~0ULL : e->addr + e->len;
}

/* The lowest entry boundary (start or end) above pos; ~0 when there is none. */
static u64 next_boundary(const struct boot_info *bi, u64 pos)
{
	u64 best = ~0ULL;
	unsigned int i;

	for (i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		u64 end = entry_end(e);

		if (!e->len)
			continue;
		if (e->addr > pos && e->addr < best)
			best = e->addr;
		if (end > pos && end < best)
			best = end;
	}
	return best;
}

/* The winning type among entries covering address pos; false if none covers it. */
static bool type_at(const struct boot_info *bi, u64 pos, u32 *type)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		if (!e->len || pos < e->addr || pos >= entry_end(e))
			continue;
		if (!found || type_rank(e->type) > type_rank(*type))
			*type = e->type;
		found = true;
	}
	return found;
}

/* Append [start, end) of type to out[], merging with an adjacent range of the same type. */
static bool emit(struct boot_mmap_entry *out, unsigned int *n, u64 start, u64 end, u32 type)
{
	struct boot_mmap_entry *last = *n ? &out[*n - 1] : NULL;

	if (last && last->type == type && last->addr + last->len == start) {
		last->len += end - start;
		return true;
	}
	if (*n == BOOT_MAX_MMAP)
		return false;
	out[*n].addr = start;
	out[*n].len = end - start;
	out[*n].type = type;
	(*n)++;
	return true;
}

/*
 * Sanitize the memory map (see bootinfo.h). A sweep over the elementary intervals between
 * consecutive entry boundaries: each lies wholly inside or outside every entry, so one
 * type lookup per interval settles it. O(n^2) for n <= BOOT_MAX_MMAP is nothing at boot.
 */
void boot_mmap_sanitize(struct boot_info *bi)
{
	/* Boot-time only and single-threaded; too big for an early boot stack. */
	static struct boot_mmap_entry out[BOOT_MAX_MMAP];
	unsigned int n = 0, dropped = 0;
	u64 pos = 0, next;
	u32 type;

	/* Start at 0 only if some entry does; otherwise at the first boundary. */
	if (!type_at(bi, 0, &type))
		pos = next_boundary(bi, 0);
	for (; pos != ~0ULL; pos = next) {
		next = next_boundary(bi, pos);
		if (type_at(bi, pos, &type) && !emit(out, &n, pos, next, type))
			dropped++;
	}
	memcpy(bi->mmap, out, n * sizeof(out[0]));
	bi->nr_mmap = n;
	if (dropped) {
		bi->warnings++;
		printk(KERN_WARNING "multiboot: memory map too fragmented, %u ranges dropped\n",
		       dropped);
	}
}

/* Total bytes of RAM in the memory map (meaningful once sanitized). */
u64 boot_mmap_ram_bytes(const struct boot_info *bi)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type == MMAP_RAM)
			sum += bi->mmap[i].len;
	return sum;
}

/* End (exclusive) of the highest RAM range, 0 when there is no RAM. */
u64 boot_mmap_ram_end(const struct boot_info *bi)
{
	u64 end = 0;
	unsigned int i;

	for (i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type == MMAP_RAM)
			end = MAX(end, entry_end(&bi->mmap[i]));
	return end;
}

/* See bootinfo.h. */
void boot_cmdline_drop_image(char *cmdline)
{
	char *p = cmdline;

	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	memmove(cmdline, p, strlen(p) + 1);
}
