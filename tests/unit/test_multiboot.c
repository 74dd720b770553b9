/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot parsers and memory map sanitizing.
 *
 * Tables are built in a fake physical address space (phys[] at PHYS_BASE). fake_map()
 * hands the parser an exact-size heap copy of each range it asks for, so AddressSanitizer
 * catches any read beyond what the parser mapped, and returns NULL outside phys[] or
 * inside a deny window. Layouts are written here from the specifications by byte offset,
 * independently of the parser's own structure declarations.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/bootinfo.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define PHYS_BASE 0x100000ULL
#define PHYS_SIZE (64 * 1024)
#define PHYS_END  (PHYS_BASE + PHYS_SIZE)

static u8 phys[PHYS_SIZE] __aligned(4096);
static size_t brk;
static u64 deny_lo, deny_hi;
static void *copies[1024];
static int ncopies;
static struct boot_info bi;

static const void *fake_map(u64 paddr, size_t len, void *ctx)
{
	void *copy;

	ck_assert_ptr_eq(ctx, &bi);
	if (paddr < PHYS_BASE || paddr > PHYS_END || len > PHYS_END - paddr)
		return NULL;
	if (paddr < deny_hi && paddr + len > deny_lo)
		return NULL;
	ck_assert_int_lt(ncopies, (int)ARRAY_SIZE(copies));
	copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, phys + (paddr - PHYS_BASE), len);
	copies[ncopies++] = copy;
	return copy;
}

static void drop_copies(void)
{
	while (ncopies)
		free(copies[--ncopies]);
}

static void setup(void)
{
	memset(phys, 0, sizeof(phys));
	brk = 0;
	deny_lo = deny_hi = 0;
	capture_start();
}

static int parse(int proto, u64 info)
{
	int rc = proto == 1 ? mb1_parse(info, fake_map, &bi, &bi)
			    : mb2_parse(info, fake_map, &bi, &bi);

	drop_copies();
	return rc;
}

static void *at(u64 paddr)
{
	return phys + (paddr - PHYS_BASE);
}

static u64 put(const void *data, size_t len, size_t align)
{
	u64 pa;

	brk = ALIGN_UP(brk, align);
	ck_assert_uint_le(brk + len, PHYS_SIZE);
	pa = PHYS_BASE + brk;
	if (data)
		memcpy(at(pa), data, len);
	brk += len;
	return pa;
}

static u64 put_str(const char *s)
{
	return put(s, strlen(s) + 1, 1);
}

static void w32(u64 paddr, u32 v)
{
	memcpy(at(paddr), &v, 4);
}

static void w64(u64 paddr, u64 v)
{
	memcpy(at(paddr), &v, 8);
}

static char *repeat(char c, size_t n)
{
	static char buf[4096];

	ck_assert_uint_lt(n, sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

struct ent {
	u64 addr, len;
	u32 type;
};

static void assert_mmap(const struct ent *want, unsigned int n)
{
	ck_assert_uint_eq(bi.nr_mmap, n);
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_msg(bi.mmap[i].addr == want[i].addr && bi.mmap[i].len == want[i].len &&
				      bi.mmap[i].type == want[i].type,
			      "mmap[%u] = %#llx+%#llx type %u, want %#llx+%#llx type %u", i,
			      (unsigned long long)bi.mmap[i].addr,
			      (unsigned long long)bi.mmap[i].len, bi.mmap[i].type,
			      (unsigned long long)want[i].addr, (unsigned long long)want[i].len,
			      want[i].type);
	}
}

static void assert_warned(const char *what)
{
	ck_assert_uint_ge(bi.warnings, 1);
	ck_assert_msg(capture_has("multiboot: ") && capture_has(what),
		      "expected a warning containing \"%s\", got:\n%s", what, capture_text());
}

static void assert_clean(void)
{
	ck_assert_msg(bi.warnings == 0, "unexpected warnings:\n%s", capture_text());
}

/* ---- Well-formed contents shared by the multiboot1 and multiboot2 tables ---- */

static const char good_cmdline[] = "console=com1 loglvl=all dom0_mem=512M";
static const char good_loader[] = "GRUB 2.06-13";

static const struct ent good_mmap[] = {
	{ 0, 0x9FC00, MMAP_RAM },
	{ 0x9FC00, 0x400, MMAP_RESERVED },
	{ 0xF0000, 0x10000, MMAP_RESERVED },
	{ 0x100000, 0x7EE0000, MMAP_RAM },
	{ 0xFFFC0000, 0x40000, MMAP_RESERVED },
	{ 0x100000000ULL, 0x40000000ULL, MMAP_RAM },
};

static const struct {
	u32 start, end;
	const char *cmdline;
} good_mods[] = {
	{ 0x200000, 0x300000, "dom0 kernel console=hvc0" },
	{ 0x400000, 0x400123, "" },
	{ 0x500000, 0x500000, "empty module" },
};

static void assert_good_common(int proto)
{
	ck_assert_int_eq(bi.protocol, proto);
	ck_assert_str_eq(bi.cmdline, good_cmdline);
	ck_assert_str_eq(bi.loader, good_loader);
	ck_assert(bi.have_meminfo);
	ck_assert_uint_eq(bi.mem_lower_kb, 639);
	ck_assert_uint_eq(bi.mem_upper_kb, 130048);
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap));
	ck_assert_uint_eq(bi.nr_modules, ARRAY_SIZE(good_mods));
	for (unsigned int i = 0; i < ARRAY_SIZE(good_mods); i++) {
		ck_assert_uint_eq(bi.modules[i].start, good_mods[i].start);
		ck_assert_uint_eq(bi.modules[i].end, good_mods[i].end);
		ck_assert_str_eq(bi.modules[i].cmdline, good_mods[i].cmdline);
	}
}

/* ---- Multiboot1 ---- */

#define MB1_FLAGS	0
#define MB1_MEM_LOWER	4
#define MB1_MEM_UPPER	8
#define MB1_CMDLINE	16
#define MB1_MODS_COUNT	20
#define MB1_MODS_ADDR	24
#define MB1_MMAP_LENGTH 44
#define MB1_MMAP_ADDR	48
#define MB1_LOADER	64
#define MB1_INFO_READ	68 /* the parser needs the fields up to boot_loader_name */
#define MB1_INFO_SIZE	116

#define MB1_F_MEM     (1u << 0)
#define MB1_F_CMDLINE (1u << 2)
#define MB1_F_MODS    (1u << 3)
#define MB1_F_MMAP    (1u << 6)
#define MB1_F_LOADER  (1u << 9)
#define MB1_F_ALL     (MB1_F_MEM | MB1_F_CMDLINE | MB1_F_MODS | MB1_F_MMAP | MB1_F_LOADER)

static u64 mb1_info, mb1_mods, mb1_mmap;
static u32 mb1_mmap_len;

/* Memory map entries: the last one has size 24 (an extended attribute) to test stepping. */
static u64 mb1_put_mmap(const struct ent *e, unsigned int n)
{
	u64 start = put(NULL, 0, 4);

	for (unsigned int i = 0; i < n; i++) {
		u32 size = i == n - 1 ? 24 : 20;
		u64 pa = put(NULL, size + 4, 1);

		w32(pa, size);
		w64(pa + 4, e[i].addr);
		w64(pa + 12, e[i].len);
		w32(pa + 20, e[i].type);
		if (size == 24)
			w32(pa + 24, 1); /* ACPI 3.0 extended attributes: enabled */
	}
	mb1_mmap_len = (u32)(PHYS_BASE + brk - start);
	return start;
}

static u64 mb1_put_mods(unsigned int n)
{
	u64 start = put(NULL, 16 * n, 4);

	for (unsigned int i = 0; i < n; i++) {
		unsigned int g = i % ARRAY_SIZE(good_mods);

		w32(start + 16 * i, good_mods[g].start);
		w32(start + 16 * i + 4, good_mods[g].end);
		w32(start + 16 * i + 8, put_str(good_mods[g].cmdline));
	}
	return start;
}

static void mb1_build(void)
{
	mb1_info = put(NULL, MB1_INFO_SIZE, 8);
	w32(mb1_info + MB1_FLAGS, MB1_F_ALL | (1u << 1) | (1u << 11)); /* plus unused bits */
	w32(mb1_info + MB1_MEM_LOWER, 639);
	w32(mb1_info + MB1_MEM_UPPER, 130048);
	w32(mb1_info + MB1_CMDLINE, put_str(good_cmdline));
	w32(mb1_info + MB1_LOADER, put_str(good_loader));
	mb1_mods = mb1_put_mods(ARRAY_SIZE(good_mods));
	w32(mb1_info + MB1_MODS_COUNT, ARRAY_SIZE(good_mods));
	w32(mb1_info + MB1_MODS_ADDR, mb1_mods);
	mb1_mmap = mb1_put_mmap(good_mmap, ARRAY_SIZE(good_mmap));
	w32(mb1_info + MB1_MMAP_LENGTH, mb1_mmap_len);
	w32(mb1_info + MB1_MMAP_ADDR, mb1_mmap);
}

START_TEST(test_mb1_good)
{
	mb1_build();
	ck_assert_int_eq(parse(1, mb1_info), 0);
	assert_good_common(1);
	ck_assert_uint_eq(bi.rsdp_len, 0);
	assert_clean();
}
END_TEST

/* The info structure in the last bytes of memory: only the fields we read are mapped. */
START_TEST(test_mb1_info_at_end)
{
	u64 end_info = PHYS_END - MB1_INFO_READ;

	mb1_build();
	memcpy(at(end_info), at(mb1_info), MB1_INFO_READ);
	ck_assert_int_eq(parse(1, end_info), 0);
	assert_good_common(1);
	assert_clean();
}
END_TEST

static const struct ent meminfo_mmap[] = {
	{ 0, 639 * 1024, MMAP_RAM },
	{ 0x100000, 130048ULL * 1024, MMAP_RAM },
};

/* Without a memory map the basic fields describe the RAM. */
START_TEST(test_mb1_meminfo_only)
{
	mb1_build();
	w32(mb1_info + MB1_FLAGS, MB1_F_MEM);
	ck_assert_int_eq(parse(1, mb1_info), 0);
	ck_assert(bi.have_meminfo);
	assert_mmap(meminfo_mmap, ARRAY_SIZE(meminfo_mmap));
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_uint_eq(bi.nr_modules, 0);
	assert_clean();
}
END_TEST

/* A hostile case: mutate the good table, parse, check the result and the warning. */
struct hostile_case {
	const char *name;
	void (*mutate)(void);
	int rc;
	const char *warn;
	void (*verify)(void);
};

static void mb1_no_flags(void)
{
	w32(mb1_info + MB1_FLAGS, 0);
}

static void mb1_info_unmapped(void)
{
	mb1_info = PHYS_END - 8;
}

static void mb1_cmdline_unmapped(void)
{
	w32(mb1_info + MB1_CMDLINE, 0x1000);
}

static void verify_cmdline_empty(void)
{
	ck_assert_str_eq(bi.cmdline, "");
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap));
}

/* A string running into the end of memory without a terminator. */
static void mb1_cmdline_at_end(void)
{
	memset(at(PHYS_END - 100), 'A', 100);
	w32(mb1_info + MB1_CMDLINE, PHYS_END - 100);
}

static void verify_cmdline_100(void)
{
	ck_assert_str_eq(bi.cmdline, repeat('A', 100));
}

static void mb1_cmdline_long(void)
{
	w32(mb1_info + MB1_CMDLINE, put_str(repeat('x', 2000)));
}

static void verify_cmdline_truncated(void)
{
	ck_assert_str_eq(bi.cmdline, repeat('x', BOOT_CMDLINE_MAX - 1));
}

/* Straddling a page boundary, exactly the maximum length: fine, no warning. */
static void mb1_cmdline_max(void)
{
	brk = ALIGN_UP(brk, PAGE_SIZE) + PAGE_SIZE - 100;
	w32(mb1_info + MB1_CMDLINE, put_str(repeat('y', BOOT_CMDLINE_MAX - 1)));
}

static void verify_cmdline_max(void)
{
	ck_assert_str_eq(bi.cmdline, repeat('y', BOOT_CMDLINE_MAX - 1));
}

static void mb1_loader_long(void)
{
	w32(mb1_info + MB1_LOADER, put_str(repeat('L', 100)));
}

static void verify_loader_truncated(void)
{
	ck_assert_str_eq(bi.loader, repeat('L', BOOT_LOADER_NAME_MAX - 1));
}

static void mb1_mods_unmapped(void)
{
	w32(mb1_info + MB1_MODS_ADDR, PHYS_END - 16);
}

static void verify_no_modules(void)
{
	ck_assert_uint_eq(bi.nr_modules, 0);
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap));
}

static void mb1_many_mods(void)
{
	w32(mb1_info + MB1_MODS_COUNT, 20);
	w32(mb1_info + MB1_MODS_ADDR, mb1_put_mods(20));
}

static void verify_16_modules(void)
{
	ck_assert_uint_eq(bi.nr_modules, BOOT_MAX_MODULES);
	ck_assert_str_eq(bi.modules[15].cmdline, good_mods[15 % 3].cmdline);
	ck_assert(capture_has("4 modules beyond the first 16"));
}

static void mb1_mods_count_huge(void)
{
	w32(mb1_info + MB1_MODS_COUNT, 0xFFFFFFFFu);
	w32(mb1_info + MB1_MODS_ADDR, mb1_put_mods(BOOT_MAX_MODULES));
}

static void mb1_mod_backwards(void)
{
	w32(mb1_mods + 16 + 4, 0x300000); /* module 1: end below its start */
}

static void verify_mod_skipped(void)
{
	ck_assert_uint_eq(bi.nr_modules, 2);
	ck_assert_uint_eq(bi.modules[1].start, good_mods[2].start);
}

static void mb1_mod_string_unmapped(void)
{
	w32(mb1_mods + 8, 0xFFFFFF00u);
}

static void verify_mod_string_empty(void)
{
	ck_assert_uint_eq(bi.nr_modules, 3);
	ck_assert_str_eq(bi.modules[0].cmdline, "");
}

static void mb1_mmap_huge(void)
{
	w32(mb1_info + MB1_MMAP_LENGTH, 2 * 1024 * 1024);
}

static void verify_meminfo_fallback(void)
{
	assert_mmap(meminfo_mmap, ARRAY_SIZE(meminfo_mmap));
}

static void mb1_mmap_unmapped(void)
{
	w32(mb1_info + MB1_MMAP_ADDR, 0x2000);
}

static void mb1_mmap_size0(void)
{
	w32(mb1_mmap, 0);
}

static void mb1_mmap_size_past(void)
{
	w32(mb1_mmap + 4 * 24, 200); /* the fifth entry's size field */
}

static void verify_first_four(void)
{
	assert_mmap(good_mmap, 4);
}

static void mb1_mmap_short_length(void)
{
	w32(mb1_info + MB1_MMAP_LENGTH, mb1_mmap_len - 40); /* cuts into the fifth entry */
}

static void mb1_mmap_wraps(void)
{
	w64(mb1_mmap + 4, 0xFFFFFFFFFFFF0000ULL);
	w64(mb1_mmap + 12, 0x20000);
}

static void verify_wrap_clipped(void)
{
	ck_assert_uint_eq(bi.mmap[0].addr, 0xFFFFFFFFFFFF0000ULL);
	ck_assert_uint_eq(bi.mmap[0].len, 0xFFFF);
}

static struct ent many_ents[200];

static void fill_many_ents(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(many_ents); i++) {
		many_ents[i].addr = (u64)i << 20;
		many_ents[i].len = 1 << 20;
		many_ents[i].type = i % 2 ? MMAP_RAM : MMAP_RESERVED;
	}
}

static void mb1_mmap_many(void)
{
	fill_many_ents();
	w32(mb1_info + MB1_MMAP_ADDR, mb1_put_mmap(many_ents, ARRAY_SIZE(many_ents)));
	w32(mb1_info + MB1_MMAP_LENGTH, mb1_mmap_len);
}

static void verify_128_entries(void)
{
	assert_mmap(many_ents, BOOT_MAX_MMAP);
	ck_assert(capture_has("72 entries beyond the first 128"));
}

static void mb1_all_memory_bad(void)
{
	w32(mb1_info + MB1_FLAGS, MB1_F_MMAP);
	w32(mb1_info + MB1_MMAP_ADDR, 0x2000);
}

static void mb1_mem_lower_huge(void)
{
	w32(mb1_info + MB1_FLAGS, MB1_F_MEM);
	w32(mb1_info + MB1_MEM_LOWER, 0xFFFFFFFFu);
}

static void verify_mem_lower_clamped(void)
{
	ck_assert_uint_eq(bi.mmap[0].len, 640 * 1024);
	ck_assert_uint_eq(bi.mem_lower_kb, 640);
	ck_assert_uint_eq(bi.nr_mmap, 2);
}

static const struct hostile_case mb1_cases[] = {
	{ "no flags", mb1_no_flags, -EINVAL, "no memory information", NULL },
	{ "info unmapped", mb1_info_unmapped, -EINVAL, "cannot map multiboot1 info", NULL },
	{ "cmdline unmapped", mb1_cmdline_unmapped, 0, "cannot map command line",
	  verify_cmdline_empty },
	{ "cmdline at end", mb1_cmdline_at_end, 0, "command line at 0x10ff9c runs into unmapped",
	  verify_cmdline_100 },
	{ "cmdline too long", mb1_cmdline_long, 0, "longer than 1023 bytes",
	  verify_cmdline_truncated },
	{ "loader too long", mb1_loader_long, 0, "boot loader name at", verify_loader_truncated },
	{ "mods unmapped", mb1_mods_unmapped, 0, "cannot map 3 module entries", verify_no_modules },
	{ "20 modules", mb1_many_mods, 0, "modules beyond", verify_16_modules },
	{ "mods_count huge", mb1_mods_count_huge, 0, "4294967279 modules beyond", NULL },
	{ "module backwards", mb1_mod_backwards, 0, "module 1 ends at 0x300000 before",
	  verify_mod_skipped },
	{ "module string unmapped", mb1_mod_string_unmapped, 0, "cannot map module command line",
	  verify_mod_string_empty },
	{ "mmap_length huge", mb1_mmap_huge, 0, "memory map length 2097152 too large",
	  verify_meminfo_fallback },
	{ "mmap unmapped", mb1_mmap_unmapped, 0, "cannot map memory map", verify_meminfo_fallback },
	{ "mmap entry size 0", mb1_mmap_size0, 0, "offset 0 has bad size 0",
	  verify_meminfo_fallback },
	{ "mmap entry past end", mb1_mmap_size_past, 0, "offset 96 has bad size 200",
	  verify_first_four },
	{ "mmap_length short", mb1_mmap_short_length, 0, "runs past mmap_length",
	  verify_first_four },
	{ "mmap entry wraps", mb1_mmap_wraps, 0, "wraps around", verify_wrap_clipped },
	{ "mmap 200 entries", mb1_mmap_many, 0, "entries beyond", verify_128_entries },
	{ "nothing usable", mb1_all_memory_bad, -EINVAL, "no memory information", NULL },
	{ "mem_lower huge", mb1_mem_lower_huge, 0, "mem_lower 4294967295K above 640K, clamped",
	  verify_mem_lower_clamped },
};

START_TEST(test_mb1_hostile)
{
	const struct hostile_case *c = &mb1_cases[_i];

	mb1_build();
	c->mutate();
	ck_assert_msg(parse(1, mb1_info) == c->rc, "%s: wrong return", c->name);
	assert_warned(c->warn);
	if (c->verify)
		c->verify();
}
END_TEST

START_TEST(test_mb1_cmdline_max)
{
	mb1_build();
	mb1_cmdline_max();
	ck_assert_int_eq(parse(1, mb1_info), 0);
	verify_cmdline_max();
	assert_clean();
}
END_TEST

/* ---- Multiboot2 ---- */

static u8 tb[16384];
static size_t tlen;

static void t_begin(void)
{
	memset(tb, 0, sizeof(tb));
	tlen = 8;
}

/* A tag whose size field says 'size' while plen payload bytes follow; padded to 8. */
static void t_raw(u32 type, u32 size, const void *payload, size_t plen)
{
	ck_assert_uint_le(tlen + 8 + plen + 8, sizeof(tb));
	memcpy(tb + tlen, &type, 4);
	memcpy(tb + tlen + 4, &size, 4);
	if (plen)
		memcpy(tb + tlen + 8, payload, plen);
	tlen = ALIGN_UP(tlen + 8 + plen, 8);
}

static void t_tag(u32 type, const void *payload, size_t plen)
{
	t_raw(type, 8 + plen, payload, plen);
}

static void t_str(u32 type, const char *s)
{
	t_tag(type, s, strlen(s) + 1);
}

static void t_module(u32 start, u32 end, const void *s, size_t slen)
{
	u8 p[2048];

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, slen);
	t_tag(3, p, 8 + slen);
}

static void t_meminfo(void)
{
	u32 p[2] = { 639, 130048 };

	t_tag(4, p, sizeof(p));
}

static void t_mmap(u32 esz, const struct ent *e, unsigned int n, size_t extra)
{
	static u8 p[8 + 200 * 48 + 64];
	size_t len = 8 + n * esz + extra;

	ck_assert_uint_le(len, sizeof(p));
	memset(p, 0, sizeof(p));
	memcpy(p, &esz, 4); /* entry_version stays 0 */
	for (unsigned int i = 0; i < n; i++) {
		memcpy(p + 8 + i * esz, &e[i].addr, 8);
		memcpy(p + 8 + i * esz + 8, &e[i].len, 8);
		memcpy(p + 8 + i * esz + 16, &e[i].type, 4);
	}
	t_tag(6, p, len);
}

static u8 rsdp_v1[20] = "RSD PTR \x42OEMID\x00";
static u8 rsdp_v2[36] = "RSD PTR \x99OEMID\x02\x00\x00\x00\x00\x24\x00\x00\x00XSDTADDR";

/* Finish with an end tag and put the list into phys; total_size 0 means the real length. */
static u64 t_finish(bool end_tag, u32 total)
{
	u32 t;

	if (end_tag)
		t_tag(0, NULL, 0);
	t = total ? total : (u32)tlen;
	memcpy(tb, &t, 4);
	return put(tb, tlen, 8);
}

static void t_good_body(void)
{
	u32 unknown = 0x12345678;

	t_str(1, good_cmdline);
	t_str(2, good_loader);
	for (unsigned int i = 0; i < ARRAY_SIZE(good_mods); i++)
		t_module(good_mods[i].start, good_mods[i].end, good_mods[i].cmdline,
			 strlen(good_mods[i].cmdline) + 1);
	t_meminfo();
	t_tag(21, &unknown, 4); /* image load base: not ours, skipped quietly */
	t_mmap(24, good_mmap, ARRAY_SIZE(good_mmap), 0);
	t_tag(14, rsdp_v1, sizeof(rsdp_v1));
	t_tag(15, rsdp_v2, sizeof(rsdp_v2));
}

START_TEST(test_mb2_good)
{
	t_begin();
	t_good_body();
	ck_assert_int_eq(parse(2, t_finish(true, 0)), 0);
	assert_good_common(2);
	ck_assert_uint_eq(bi.rsdp_len, 36);
	ck_assert_mem_eq(bi.rsdp, rsdp_v2, 36);
	assert_clean();
}
END_TEST

/* Variants that are still well-formed. */
START_TEST(test_mb2_variants)
{
	/* ACPI 1.0 only; larger mmap entries; tags in another order; nothing after end. */
	t_begin();
	t_mmap(32, good_mmap, ARRAY_SIZE(good_mmap), 0);
	t_tag(14, rsdp_v1, sizeof(rsdp_v1));
	t_str(1, "");
	t_tag(0, NULL, 0);
	t_str(1, "after the end tag");
	ck_assert_int_eq(parse(2, t_finish(false, 0)), 0);
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap));
	ck_assert(!bi.have_meminfo);
	ck_assert_uint_eq(bi.rsdp_len, 20);
	ck_assert_mem_eq(bi.rsdp, rsdp_v1, 20);
	ck_assert_str_eq(bi.cmdline, "");
	assert_clean();

	/* The 2.0 RSDP wins even when the 1.0 one comes after it; meminfo alone suffices. */
	t_begin();
	t_tag(15, rsdp_v2, sizeof(rsdp_v2));
	t_tag(14, rsdp_v1, sizeof(rsdp_v1));
	t_meminfo();
	ck_assert_int_eq(parse(2, t_finish(true, 0)), 0);
	ck_assert_uint_eq(bi.rsdp_len, 36);
	ck_assert_mem_eq(bi.rsdp, rsdp_v2, 36);
	assert_mmap(meminfo_mmap, ARRAY_SIZE(meminfo_mmap));
	assert_clean();
}
END_TEST

/* A hostile multiboot2 case builds its whole list; rc, warning and check as for mb1. */
struct mb2_case {
	const char *name;
	u64 (*build)(void);
	int rc;
	const char *warn;
	void (*verify)(void);
};

static u64 mb2_total_8(void)
{
	t_begin();
	return t_finish(false, 8);
}

static u64 mb2_total_0(void)
{
	u64 pa;

	t_begin();
	t_meminfo();
	pa = t_finish(true, 0);
	w32(pa, 0);
	return pa;
}

static u64 mb2_total_huge(void)
{
	t_begin();
	t_meminfo();
	return t_finish(true, 2 * 1024 * 1024);
}

static u64 mb2_total_past_memory(void)
{
	put(NULL, 64, 8); /* so that 64 KiB from the list's start runs off the end */
	t_begin();
	t_meminfo();
	return t_finish(true, 0x10000);
}

static u64 mb2_info_unmapped(void)
{
	return 0x3000;
}

static u64 mb2_tag_size_small(void)
{
	t_begin();
	t_meminfo();
	t_raw(1, 4, "abcd", 4);
	t_str(2, good_loader);
	return t_finish(true, 0);
}

static void verify_meminfo_only(void)
{
	assert_mmap(meminfo_mmap, ARRAY_SIZE(meminfo_mmap));
	ck_assert_str_eq(bi.loader, "");
}

static u64 mb2_tag_size_past(void)
{
	t_begin();
	t_meminfo();
	t_raw(2, 64, "GRUB", 5); /* claims 64 bytes; the end tag follows at 24 */
	return t_finish(true, 0);
}

static u64 mb2_tag_size_huge(void)
{
	t_begin();
	t_meminfo();
	t_raw(1, 0xFFFFFFF8u, "x", 2);
	return t_finish(true, 0);
}

static u64 mb2_no_end(void)
{
	t_begin();
	t_meminfo();
	return t_finish(false, 0);
}

static u64 mb2_total_cuts_end(void)
{
	t_begin();
	t_meminfo();
	t_tag(0, NULL, 0);
	return t_finish(false, (u32)tlen - 4);
}

static u64 mb2_cmdline_unterminated(void)
{
	t_begin();
	t_meminfo();
	t_tag(1, "abcdefgh", 8);
	t_tag(2, "z", 1);
	return t_finish(true, 0);
}

static void verify_cmdline_abcdefgh(void)
{
	ck_assert_str_eq(bi.cmdline, "abcdefgh");
	ck_assert_str_eq(bi.loader, "z");
}

static u64 mb2_cmdline_empty_tag(void)
{
	t_begin();
	t_meminfo();
	t_tag(1, NULL, 0);
	return t_finish(true, 0);
}

static void verify_mb2_cmdline_empty(void)
{
	ck_assert_str_eq(bi.cmdline, "");
}

static u64 mb2_cmdline_long(void)
{
	t_begin();
	t_meminfo();
	t_str(1, repeat('x', 2000));
	return t_finish(true, 0);
}

static u64 mb2_loader_long(void)
{
	t_begin();
	t_meminfo();
	t_str(2, repeat('L', 100));
	return t_finish(true, 0);
}

static u64 mb2_module_short(void)
{
	u32 start = 0x200000;

	t_begin();
	t_meminfo();
	t_tag(3, &start, 4);
	t_module(0x300000, 0x300010, "ok", 3);
	return t_finish(true, 0);
}

static void verify_one_module_ok(void)
{
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_uint_eq(bi.modules[0].start, 0x300000);
	ck_assert_str_eq(bi.modules[0].cmdline, "ok");
}

static u64 mb2_module_backwards(void)
{
	t_begin();
	t_meminfo();
	t_module(0x200000, 0x1FFFFF, "bad", 4);
	t_module(0x300000, 0x300010, "ok", 3);
	return t_finish(true, 0);
}

static u64 mb2_module_unterminated(void)
{
	t_begin();
	t_meminfo();
	t_module(0x200000, 0x300000, "initrd", 6);
	return t_finish(true, 0);
}

static void verify_module_initrd(void)
{
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_str_eq(bi.modules[0].cmdline, "initrd");
}

static u64 mb2_module_cmdline_long(void)
{
	const char *s = repeat('m', 400);

	t_begin();
	t_meminfo();
	t_module(0x200000, 0x300000, s, strlen(s) + 1);
	return t_finish(true, 0);
}

static void verify_module_truncated(void)
{
	ck_assert_str_eq(bi.modules[0].cmdline, repeat('m', BOOT_MODULE_CMDLINE_MAX - 1));
}

static u64 mb2_many_modules(void)
{
	t_begin();
	t_meminfo();
	for (unsigned int i = 0; i < 20; i++)
		t_module(good_mods[i % 3].start, good_mods[i % 3].end, good_mods[i % 3].cmdline,
			 strlen(good_mods[i % 3].cmdline) + 1);
	return t_finish(true, 0);
}

static u64 mb2_mmap_esz(u32 esz)
{
	t_begin();
	t_meminfo();
	t_mmap(esz, good_mmap, 2, 0);
	return t_finish(true, 0);
}

static u64 mb2_mmap_esz20(void)
{
	return mb2_mmap_esz(20);
}

static u64 mb2_mmap_esz28(void)
{
	return mb2_mmap_esz(28);
}

static u64 mb2_mmap_esz0(void)
{
	return mb2_mmap_esz(0);
}

static u64 mb2_mmap_short(void)
{
	u32 esz = 24;

	t_begin();
	t_meminfo();
	t_tag(6, &esz, 4);
	return t_finish(true, 0);
}

static u64 mb2_mmap_stray(void)
{
	t_begin();
	t_meminfo();
	t_mmap(24, good_mmap, ARRAY_SIZE(good_mmap), 12);
	return t_finish(true, 0);
}

static void verify_good_mmap(void)
{
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap));
}

static u64 mb2_mmap_many(void)
{
	fill_many_ents();
	t_begin();
	t_mmap(24, many_ents, ARRAY_SIZE(many_ents), 0);
	return t_finish(true, 0);
}

static u64 mb2_mmap_wraps(void)
{
	struct ent e = { 0xFFFFFFFFFFFF0000ULL, 0x20000, MMAP_RAM };

	t_begin();
	t_mmap(24, &e, 1, 0);
	return t_finish(true, 0);
}

static u64 mb2_meminfo_short(void)
{
	u32 lower = 639;

	t_begin();
	t_tag(4, &lower, 4);
	return t_finish(true, 0);
}

static u64 mb2_rsdp_v2_short(void)
{
	t_begin();
	t_meminfo();
	t_tag(14, rsdp_v1, sizeof(rsdp_v1));
	t_tag(15, rsdp_v2, 20);
	return t_finish(true, 0);
}

static void verify_rsdp_v1(void)
{
	ck_assert_uint_eq(bi.rsdp_len, 20);
	ck_assert_mem_eq(bi.rsdp, rsdp_v1, 20);
}

static u64 mb2_rsdp_v1_short(void)
{
	t_begin();
	t_meminfo();
	t_tag(14, rsdp_v1, 8);
	return t_finish(true, 0);
}

static void verify_no_rsdp(void)
{
	ck_assert_uint_eq(bi.rsdp_len, 0);
}

static const struct mb2_case mb2_cases[] = {
	{ "total_size 8", mb2_total_8, -EINVAL, "total_size 8 out of range", NULL },
	{ "total_size 0", mb2_total_0, -EINVAL, "total_size 0 out of range", NULL },
	{ "total_size 2 MiB", mb2_total_huge, -EINVAL, "total_size 2097152 out of range", NULL },
	{ "total_size past memory", mb2_total_past_memory, -EINVAL, "cannot map multiboot2 info at",
	  NULL },
	{ "info unmapped", mb2_info_unmapped, -EINVAL, "cannot map multiboot2 info at 0x3000",
	  NULL },
	{ "tag size < 8", mb2_tag_size_small, 0, "tag type 1 at offset 24: size 4 < 8",
	  verify_meminfo_only },
	{ "tag past end", mb2_tag_size_past, 0, "runs past total_size", verify_meminfo_only },
	{ "tag size huge", mb2_tag_size_huge, 0, "size 4294967288 runs past", NULL },
	{ "no end tag", mb2_no_end, 0, "no end tag", verify_meminfo_fallback },
	{ "end tag cut", mb2_total_cuts_end, 0, "no end tag", verify_meminfo_fallback },
	{ "cmdline unterminated", mb2_cmdline_unterminated, 0, "command line not NUL-terminated",
	  verify_cmdline_abcdefgh },
	{ "empty cmdline tag", mb2_cmdline_empty_tag, 0, "command line not NUL-terminated",
	  verify_mb2_cmdline_empty },
	{ "cmdline too long", mb2_cmdline_long, 0, "command line longer than 1023 bytes",
	  verify_cmdline_truncated },
	{ "loader too long", mb2_loader_long, 0, "boot loader name longer than 63 bytes",
	  verify_loader_truncated },
	{ "module tag short", mb2_module_short, 0, "module tag too short (12 bytes)",
	  verify_one_module_ok },
	{ "module backwards", mb2_module_backwards, 0, "module 0 ends at 0x1fffff before",
	  verify_one_module_ok },
	{ "module cmdline unterminated", mb2_module_unterminated, 0,
	  "module command line not NUL-terminated", verify_module_initrd },
	{ "module cmdline long", mb2_module_cmdline_long, 0, "module command line longer than 255",
	  verify_module_truncated },
	{ "20 modules", mb2_many_modules, 0, "modules beyond", verify_16_modules },
	{ "mmap entry_size 20", mb2_mmap_esz20, 0, "entry_size 20 invalid",
	  verify_meminfo_fallback },
	{ "mmap entry_size 28", mb2_mmap_esz28, 0, "entry_size 28 invalid",
	  verify_meminfo_fallback },
	{ "mmap entry_size 0", mb2_mmap_esz0, 0, "entry_size 0 invalid", verify_meminfo_fallback },
	{ "mmap tag short", mb2_mmap_short, 0, "memory map tag too short",
	  verify_meminfo_fallback },
	{ "mmap stray bytes", mb2_mmap_stray, 0, "12 stray bytes", verify_good_mmap },
	{ "mmap 200 entries", mb2_mmap_many, 0, "entries beyond", verify_128_entries },
	{ "mmap entry wraps", mb2_mmap_wraps, 0, "wraps around", verify_wrap_clipped },
	{ "meminfo short", mb2_meminfo_short, -EINVAL, "basic meminfo tag too short", NULL },
	{ "rsdp v2 short", mb2_rsdp_v2_short, 0, "ACPI 2.0 RSDP tag too short", verify_rsdp_v1 },
	{ "rsdp v1 short", mb2_rsdp_v1_short, 0, "ACPI 1.0 RSDP tag too short", verify_no_rsdp },
};

START_TEST(test_mb2_hostile)
{
	const struct mb2_case *c = &mb2_cases[_i];
	u64 info = c->build();

	ck_assert_msg(parse(2, info) == c->rc, "%s: wrong return", c->name);
	assert_warned(c->warn);
	if (c->verify)
		c->verify();
}
END_TEST

/* Every truncation of a good list, and random byte damage: no crash, no stray reads. */
START_TEST(test_mb2_fuzz)
{
	u32 lcg = 7;
	u64 info;
	u8 saved[sizeof(tb)];
	size_t len;

	t_begin();
	t_good_body();
	info = t_finish(true, 0);
	len = tlen;
	memcpy(saved, at(info), len);
	for (u32 total = 0; total <= len + 8; total++) {
		memcpy(at(info), &total, 4);
		int rc = parse(2, info);

		ck_assert(rc == 0 || rc == -EINVAL);
	}
	for (int round = 0; round < 3000; round++) {
		memcpy(at(info), saved, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			lcg = lcg * 1103515245u + 12345u;
			((u8 *)at(info))[(lcg >> 8) % len] = (u8)(lcg >> 20);
		}
		int rc = parse(2, info);

		ck_assert(rc == 0 || rc == -EINVAL);
		ck_assert_uint_le(bi.nr_mmap, BOOT_MAX_MMAP);
		ck_assert_uint_le(bi.nr_modules, BOOT_MAX_MODULES);
		ck_assert_uint_lt(strlen(bi.cmdline), BOOT_CMDLINE_MAX);
	}
}
END_TEST

START_TEST(test_mb1_fuzz)
{
	static const unsigned int fields[] = {
		MB1_FLAGS,	 MB1_CMDLINE,	MB1_MODS_COUNT, MB1_MODS_ADDR,
		MB1_MMAP_LENGTH, MB1_MMAP_ADDR, MB1_LOADER,
	};
	u8 saved[PHYS_SIZE];
	u32 lcg = 99;

	mb1_build();
	memcpy(saved, phys, sizeof(saved));
	for (int round = 0; round < 3000; round++) {
		memcpy(phys, saved, sizeof(saved));
		for (int k = 0; k < 1 + round % 3; k++) {
			u32 v;

			lcg = lcg * 1103515245u + 12345u;
			if (lcg % 3 == 0)
				v = lcg;
			else if (lcg % 3 == 1)
				v = (u32)(PHYS_BASE + (lcg >> 8) % PHYS_SIZE);
			else
				v = (lcg >> 8) % 4096;
			if (k == 0 && round % 5 == 0) /* and damage the tables themselves */
				phys[(lcg >> 4) % brk] ^= (u8)(lcg >> 24);
			else
				w32(mb1_info + fields[(lcg >> 16) % ARRAY_SIZE(fields)], v);
		}
		int rc = parse(1, mb1_info);

		ck_assert(rc == 0 || rc == -EINVAL);
		ck_assert_uint_le(bi.nr_mmap, BOOT_MAX_MMAP);
		ck_assert_uint_le(bi.nr_modules, BOOT_MAX_MODULES);
	}
}
END_TEST

/* ---- Sanitizing ---- */

#define MAXE 8

struct sanitize_case {
	const char *name;
	unsigned int nin;
	struct ent in[MAXE];
	unsigned int nout;
	struct ent out[MAXE];
};

#define R    MMAP_RAM
#define RES  MMAP_RESERVED
#define ACPI MMAP_ACPI
#define NVS  MMAP_NVS

/* clang-format off: one case per line pair reads better than one field per line */
static const struct sanitize_case sanitize_cases[] = {
	{ "empty", 0, {}, 0, {} },
	{ "zero length dropped",
	  3,
	  { { 0x2000, 0, R }, { 0, 0x1000, R }, { 0x5000, 0, RES } },
	  1,
	  { { 0, 0x1000, R } } },
	{ "sorted",
	  3,
	  { { 0x3000, 0x1000, R }, { 0, 0x1000, RES }, { 0x1800, 0x100, ACPI } },
	  3,
	  { { 0, 0x1000, RES }, { 0x1800, 0x100, ACPI }, { 0x3000, 0x1000, R } } },
	{ "adjacent same type merge",
	  3,
	  { { 0x1000, 0x1000, R }, { 0, 0x1000, R }, { 0x2000, 0x2000, R } },
	  1,
	  { { 0, 0x4000, R } } },
	{ "adjacent different types stay",
	  2,
	  { { 0, 0x1000, R }, { 0x1000, 0x1000, RES } },
	  2,
	  { { 0, 0x1000, R }, { 0x1000, 0x1000, RES } } },
	{ "reserved punches RAM",
	  2,
	  { { 0, 0x10000, R }, { 0x4000, 0x4000, RES } },
	  3,
	  { { 0, 0x4000, R }, { 0x4000, 0x4000, RES }, { 0x8000, 0x8000, R } } },
	{ "RAM never wins",
	  2,
	  { { 0x4000, 0x4000, RES }, { 0, 0x10000, R } },
	  3,
	  { { 0, 0x4000, R }, { 0x4000, 0x4000, RES }, { 0x8000, 0x8000, R } } },
	{ "higher type wins",
	  2,
	  { { 0, 0x3000, ACPI }, { 0x1000, 0x1000, RES } },
	  1,
	  { { 0, 0x3000, ACPI } } },
	{ "higher type wins inside",
	  2,
	  { { 0, 0x3000, RES }, { 0x1000, 0x1000, NVS } },
	  3,
	  { { 0, 0x1000, RES }, { 0x1000, 0x1000, NVS }, { 0x2000, 0x1000, RES } } },
	{ "partial overlap",
	  2,
	  { { 0, 0x3000, R }, { 0x2000, 0x3000, RES } },
	  2,
	  { { 0, 0x2000, R }, { 0x2000, 0x3000, RES } } },
	{ "duplicates",
	  3,
	  { { 0x1000, 0x1000, R }, { 0x1000, 0x1000, R }, { 0x1000, 0x1000, R } },
	  1,
	  { { 0x1000, 0x1000, R } } },
	{ "RAM overlaps merge",
	  3,
	  { { 0, 0x3000, R }, { 0x1000, 0x3000, R }, { 0x3800, 0x1000, R } },
	  1,
	  { { 0, 0x4800, R } } },
	{ "unknown type beats RAM",
	  2,
	  { { 0, 0x2000, R }, { 0x1000, 0x2000, 12 } },
	  2,
	  { { 0, 0x1000, R }, { 0x1000, 0x2000, 12 } } },
	{ "type 0 beats RAM",
	  2,
	  { { 0, 0x2000, R }, { 0x1000, 0x1000, 0 } },
	  2,
	  { { 0, 0x1000, R }, { 0x1000, 0x1000, 0 } } },
	{ "top of address space",
	  2,
	  { { 0xFFFFFFFFFFFF0000ULL, 0x10000, R }, { 0, 0x1000, R } },
	  2,
	  { { 0, 0x1000, R }, { 0xFFFFFFFFFFFF0000ULL, 0xFFFF, R } } },
	{ "holes kept",
	  4,
	  { { 0x100000, 0x100000, R },
	    { 0, 0x9F000, R },
	    { 0xF0000, 0x10000, RES },
	    { 0x9F000, 0x1000, RES } },
	  4,
	  { { 0, 0x9F000, R },
	    { 0x9F000, 0x1000, RES },
	    { 0xF0000, 0x10000, RES },
	    { 0x100000, 0x100000, R } } },
};
/* clang-format on */

START_TEST(test_sanitize_table)
{
	const struct sanitize_case *c = &sanitize_cases[_i];

	memset(&bi, 0, sizeof(bi));
	for (unsigned int i = 0; i < c->nin; i++) {
		bi.mmap[i].addr = c->in[i].addr;
		bi.mmap[i].len = c->in[i].len;
		bi.mmap[i].type = c->in[i].type;
	}
	bi.nr_mmap = c->nin;
	boot_mmap_sanitize(&bi);
	assert_mmap(c->out, c->nout);
	assert_clean();
}
END_TEST

/* Brute-force reference: the winning type at addr, or -1 when nothing covers it. */
static long ref_type(const struct ent *in, unsigned int n, u64 addr)
{
	long best = -1;

	for (unsigned int i = 0; i < n; i++) {
		u64 rank, best_rank;

		if (!in[i].len || addr < in[i].addr || addr - in[i].addr >= in[i].len)
			continue;
		rank = in[i].type == R ? 0 : in[i].type + 1ULL;
		best_rank = best < 0 ? 0 : best == R ? 0 : (u64)best + 1;
		if (best < 0 || rank > best_rank)
			best = in[i].type;
	}
	return best;
}

static long sanitized_type(u64 addr)
{
	for (unsigned int i = 0; i < bi.nr_mmap; i++)
		if (addr >= bi.mmap[i].addr && addr - bi.mmap[i].addr < bi.mmap[i].len)
			return bi.mmap[i].type;
	return -1;
}

static void assert_canonical(void)
{
	for (unsigned int i = 0; i < bi.nr_mmap; i++) {
		ck_assert_uint_ne(bi.mmap[i].len, 0);
		if (!i)
			continue;
		ck_assert_uint_ge(bi.mmap[i].addr, bi.mmap[i - 1].addr + bi.mmap[i - 1].len);
		ck_assert(bi.mmap[i].addr != bi.mmap[i - 1].addr + bi.mmap[i - 1].len ||
			  bi.mmap[i].type != bi.mmap[i - 1].type);
	}
}

/* Random maps: result canonical, and every probe agrees with the reference. */
START_TEST(test_sanitize_random)
{
	struct ent in[24];
	u32 lcg = 3;

	for (int round = 0; round < 400; round++) {
		unsigned int n = 1 + round % ARRAY_SIZE(in);

		memset(&bi, 0, sizeof(bi));
		for (unsigned int i = 0; i < n; i++) {
			lcg = lcg * 1103515245u + 12345u;
			in[i].addr = (u64)((lcg >> 8) % 64) << 12;
			lcg = lcg * 1103515245u + 12345u;
			in[i].len = (u64)((lcg >> 8) % 16) << 12;
			in[i].type = 1 + (lcg >> 4) % 5;
			bi.mmap[i].addr = in[i].addr;
			bi.mmap[i].len = in[i].len;
			bi.mmap[i].type = in[i].type;
		}
		bi.nr_mmap = n;
		boot_mmap_sanitize(&bi);
		assert_canonical();
		for (u64 a = 0; a < (80ULL << 12); a += 0x800)
			ck_assert_msg(sanitized_type(a) == ref_type(in, n, a),
				      "round %d addr %#llx", round, (unsigned long long)a);
	}
	assert_clean();
}
END_TEST

/* 127 single pages punched into one RAM range need 255 entries: the tail is dropped. */
START_TEST(test_sanitize_too_fragmented)
{
	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct boot_mmap_entry){ 0, 1ULL << 40, R };
	for (unsigned int i = 1; i < BOOT_MAX_MMAP; i++)
		bi.mmap[i] = (struct boot_mmap_entry){ (u64)i << 21, PAGE_SIZE, RES };
	bi.nr_mmap = BOOT_MAX_MMAP;
	boot_mmap_sanitize(&bi);
	ck_assert_uint_eq(bi.nr_mmap, BOOT_MAX_MMAP);
	assert_canonical();
	ck_assert_uint_eq(bi.mmap[0].addr, 0);
	ck_assert_uint_eq(bi.mmap[0].len, 2ULL << 20);
	ck_assert_uint_eq(bi.mmap[1].type, RES);
	ck_assert_uint_eq(bi.mmap[126].type, R);
	ck_assert_uint_eq(bi.mmap[127].type, RES);
	ck_assert_uint_eq(bi.mmap[127].addr, 64ULL << 21);
	assert_warned("too fragmented, 127 ranges dropped");
}
END_TEST

static const struct {
	const char *in, *out;
} drop_image_cases[] = {
	{ "build/kestrel console=com1 testmode", "console=com1 testmode" },
	{ "/boot/kestrel.gz", "" },
	{ "kestrel", "" },
	{ "  kestrel   a=1  b", "a=1  b" },
	{ "", "" },
	{ "   ", "" },
};

START_TEST(test_cmdline_drop_image)
{
	char buf[64];

	strcpy(buf, drop_image_cases[_i].in);
	boot_cmdline_drop_image(buf);
	ck_assert_str_eq(buf, drop_image_cases[_i].out);
}
END_TEST

START_TEST(test_ram_totals)
{
	static const struct ent e[] = {
		{ 0, 0x9F000, R },	    { 0x9F000, 0x1000, RES },  { 0x100000, 0x100000, R },
		{ 0x200000, 0x1000, ACPI }, { 0x300000, 0x100000, R }, { 0xFFFC0000, 0x40000, RES },
	};

	memset(&bi, 0, sizeof(bi));
	ck_assert_uint_eq(boot_mmap_ram_bytes(&bi), 0);
	ck_assert_uint_eq(boot_mmap_ram_end(&bi), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(e); i++)
		bi.mmap[i] = (struct boot_mmap_entry){ e[i].addr, e[i].len, e[i].type };
	bi.nr_mmap = ARRAY_SIZE(e);
	ck_assert_uint_eq(boot_mmap_ram_bytes(&bi), 0x9F000 + 0x200000);
	ck_assert_uint_eq(boot_mmap_ram_end(&bi), 0x400000);
}
END_TEST

/* The whole path on a multiboot1 map: parse, sanitize, totals. */
START_TEST(test_parse_then_sanitize)
{
	mb1_build();
	ck_assert_int_eq(parse(1, mb1_info), 0);
	boot_mmap_sanitize(&bi);
	assert_mmap(good_mmap, ARRAY_SIZE(good_mmap)); /* already canonical */
	ck_assert_uint_eq(boot_mmap_ram_bytes(&bi), 0x9FC00 + 0x7EE0000 + 0x40000000ULL);
	ck_assert_uint_eq(boot_mmap_ram_end(&bi), 0x140000000ULL);
	assert_clean();
}
END_TEST

Suite *multiboot_suite(void)
{
	Suite *s = suite_create("multiboot");
	TCase *mb1 = tcase_create("mb1"), *mb2 = tcase_create("mb2");
	TCase *san = tcase_create("sanitize");

	tcase_add_checked_fixture(mb1, setup, drop_copies);
	tcase_add_test(mb1, test_mb1_good);
	tcase_add_loop_test(mb1, test_cmdline_drop_image, 0, ARRAY_SIZE(drop_image_cases));
	tcase_add_test(mb1, test_mb1_info_at_end);
	tcase_add_test(mb1, test_mb1_meminfo_only);
	tcase_add_test(mb1, test_mb1_cmdline_max);
	tcase_add_loop_test(mb1, test_mb1_hostile, 0, (int)ARRAY_SIZE(mb1_cases));
	tcase_add_test(mb1, test_mb1_fuzz);
	tcase_set_timeout(mb1, 60);
	suite_add_tcase(s, mb1);

	tcase_add_checked_fixture(mb2, setup, drop_copies);
	tcase_add_test(mb2, test_mb2_good);
	tcase_add_test(mb2, test_mb2_variants);
	tcase_add_loop_test(mb2, test_mb2_hostile, 0, (int)ARRAY_SIZE(mb2_cases));
	tcase_add_test(mb2, test_mb2_fuzz);
	tcase_set_timeout(mb2, 60);
	suite_add_tcase(s, mb2);

	tcase_add_checked_fixture(san, setup, NULL);
	tcase_add_loop_test(san, test_sanitize_table, 0, (int)ARRAY_SIZE(sanitize_cases));
	tcase_add_test(san, test_sanitize_random);
	tcase_add_test(san, test_sanitize_too_fragmented);
	tcase_add_test(san, test_ram_totals);
	tcase_add_test(san, test_parse_then_sanitize);
	suite_add_tcase(s, san);
	return s;
}
