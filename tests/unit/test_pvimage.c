/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV kernel image parser.
 *
 * Images are synthesised here byte by byte from the ELF64 gABI, Xen's elfnote.h and the
 * Linux boot protocol, independently of the parser's own definitions. The default image
 * looks like Linux 6.1's vmlinux: four PT_LOAD segments (the percpu one with p_vaddr 0),
 * one PT_NOTE with Linux's notes, numeric ones of 4 and 8 bytes, and FEATURES written with
 * .ascii as the very last bytes of the file, so that reading one byte past its descriptor
 * is caught. Descriptor padding is filled with 0xAA for the same reason. Every parse runs
 * on an exact-size heap copy, so AddressSanitizer catches any read outside the image.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/pvimage.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Xen note types, from Xen's public elfnote.h. */
enum {
	N_ENTRY = 1,
	N_HYPERCALL_PAGE = 2,
	N_VIRT_BASE = 3,
	N_PADDR_OFFSET = 4,
	N_XEN_VERSION = 5,
	N_GUEST_OS = 6,
	N_GUEST_VERSION = 7,
	N_LOADER = 8,
	N_PAE_MODE = 9,
	N_FEATURES = 10,
	N_BSD_SYMTAB = 11,
	N_HV_START_LOW = 12,
	N_L1_MFN_VALID = 13,
	N_SUSPEND_CANCEL = 14,
	N_INIT_P2M = 15,
	N_MOD_START_PFN = 16,
	N_SUPPORTED_FEATURES = 17,
	N_PHYS32_ENTRY = 18,
};

#define IMG_CAP	       0x20000
#define PH_OFF	       0x40
#define PH_SIZE	       56
#define NOTES_OFF      0x7000
#define VBASE	       0xffffffff80000000ULL
#define ENTRY_VA       0xffffffff81001000ULL
#define P2M_VA	       0x8000000000ULL
#define LINUX_FEATURES "!writable_page_tables|pae_pgdir_above_4gb"

#define PT_NULL 0
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X	1
#define PF_W	2
#define PF_R	4

/* Program header field offsets. */
#define P_TYPE	 0
#define P_FLAGS	 4
#define P_OFFSET 8
#define P_VADDR	 16
#define P_PADDR	 24
#define P_FILESZ 32
#define P_MEMSZ	 40
#define P_ALIGN	 48

static const struct {
	u64 off, paddr, vaddr, filesz, memsz;
	u32 flags;
} segs[] = {
	{ 0x1000, 0x1000000, 0xffffffff81000000, 0x3000, 0x3000, PF_R | PF_X }, /* text */
	{ 0x4000, 0x1003000, 0xffffffff81003000, 0x1000, 0x1000, PF_R | PF_W }, /* data */
	{ 0x5000, 0x1004000, 0, 0x800, 0x2000, PF_R | PF_W },			/* percpu */
	{ 0x6000, 0x1006000, 0xffffffff81006000, 0x1000, 0x20000, PF_R | PF_W | PF_X },
};
#define NR_LOADS  4
#define NOTE_PHDR 4 /* the PT_NOTE comes after the loads */

struct note_spec {
	const char *name;
	u32 type;
	u32 descsz;
	u8 desc[192];
};

static u8 img[IMG_CAP];
static size_t img_len;
static struct note_spec notes[48];
static unsigned int nr_notes;
static size_t notes_len, last_note_off;
static struct pv_image pi;
static char why[512];

/* ---- Image construction ---- */

static void wle(u8 *b, size_t off, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		b[off + i] = (u8)(v >> (8 * i));
}

static void w16(size_t off, u64 v)
{
	wle(img, off, v, 2);
}

static void w32(size_t off, u64 v)
{
	wle(img, off, v, 4);
}

static void w64(size_t off, u64 v)
{
	wle(img, off, v, 8);
}

static size_t ph(unsigned int i, unsigned int field)
{
	return PH_OFF + i * PH_SIZE + field;
}

static int note_find(u32 type)
{
	for (unsigned int i = 0; i < nr_notes; i++)
		if (notes[i].type == type && !strcmp(notes[i].name, "Xen"))
			return (int)i;
	return -1;
}

/* Replace the Xen note of this type, or append one. */
static void note_set(u32 type, const void *desc, u32 descsz)
{
	int i = note_find(type);
	struct note_spec *n;

	if (i < 0) {
		ck_assert_uint_lt(nr_notes, ARRAY_SIZE(notes));
		i = (int)nr_notes++;
	}
	n = &notes[i];
	ck_assert_uint_le(descsz, sizeof(n->desc));
	n->name = "Xen";
	n->type = type;
	n->descsz = descsz;
	memcpy(n->desc, desc, descsz);
}

static void note_drop(u32 type)
{
	int i = note_find(type);

	if (i >= 0) {
		memmove(&notes[i], &notes[i + 1], (nr_notes - i - 1) * sizeof(notes[0]));
		nr_notes--;
	}
}

static void note_u32(u32 type, u32 v)
{
	u8 d[4];

	wle(d, 0, v, 4);
	note_set(type, d, 4);
}

static void note_u64(u32 type, u64 v)
{
	u8 d[8];

	wle(d, 0, v, 8);
	note_set(type, d, 8);
}

/* .asciz: the NUL is part of the descriptor. */
static void note_str(u32 type, const char *s)
{
	note_set(type, s, (u32)strlen(s) + 1);
}

/* .ascii: no NUL. */
static void note_ascii(u32 type, const char *s)
{
	note_set(type, s, (u32)strlen(s));
}

static void rename_notes(const char *name)
{
	for (unsigned int i = 0; i < nr_notes; i++)
		notes[i].name = name;
}

/* The notes of Linux 6.1's xen-head.S (plus a GNU build-id), FEATURES last. */
static void default_notes(void)
{
	static const u8 build_id[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	u8 mfn_valid[16];

	nr_notes = 0;
	note_str(N_GUEST_OS, "linux");
	note_str(N_GUEST_VERSION, "2.6");
	note_str(N_XEN_VERSION, "xen-3.0");
	note_u64(N_VIRT_BASE, VBASE);
	note_u64(N_INIT_P2M, P2M_VA);
	note_u64(N_ENTRY, ENTRY_VA);
	note_u32(N_SUPPORTED_FEATURES, (1u << 0) | (1u << 11) | (1u << 15));
	note_str(N_PAE_MODE, "yes");
	note_str(N_LOADER, "generic");
	wle(mfn_valid, 0, 1, 8);
	wle(mfn_valid, 8, 1, 8);
	note_set(N_L1_MFN_VALID, mfn_valid, 16);
	note_u32(N_SUSPEND_CANCEL, 1);
	note_u32(N_MOD_START_PFN, 1);
	note_u64(N_HV_START_LOW, 0xffff800000000000ULL);
	note_u64(N_PADDR_OFFSET, 0);
	notes[nr_notes] = (struct note_spec){ .name = "GNU", .type = 3, .descsz = 20 };
	memcpy(notes[nr_notes++].desc, build_id, sizeof(build_id));
	note_ascii(N_FEATURES, LINUX_FEATURES);
}

/* Write the notes at off; returns the end of the last descriptor (without its padding). */
static size_t put_notes(size_t off)
{
	size_t pos = off, end = off;

	for (unsigned int i = 0; i < nr_notes; i++) {
		const struct note_spec *n = &notes[i];
		size_t namesz = strlen(n->name) + 1;

		last_note_off = pos;
		wle(img, pos, namesz, 4);
		wle(img, pos + 4, n->descsz, 4);
		wle(img, pos + 8, n->type, 4);
		pos += 12;
		memcpy(img + pos, n->name, namesz);
		pos += ALIGN_UP(namesz, 4);
		memcpy(img + pos, n->desc, n->descsz);
		end = pos + n->descsz;
		pos = ALIGN_UP(end, 4);
		memset(img + end, 0xAA, pos - end);
		ck_assert_uint_lt(pos, IMG_CAP);
	}
	return end;
}

static void put_phdr(unsigned int i, u32 type, u32 flags, u64 off, u64 vaddr, u64 paddr, u64 filesz,
		     u64 memsz)
{
	w32(ph(i, P_TYPE), type);
	w32(ph(i, P_FLAGS), flags);
	w64(ph(i, P_OFFSET), off);
	w64(ph(i, P_VADDR), vaddr);
	w64(ph(i, P_PADDR), paddr);
	w64(ph(i, P_FILESZ), filesz);
	w64(ph(i, P_MEMSZ), memsz);
	w64(ph(i, P_ALIGN), type == PT_NOTE ? 4 : 0x200000);
}

static void build(void)
{
	size_t end;

	memset(img, 0, sizeof(img));
	memcpy(img,
	       "\x7f"
	       "ELF",
	       4);
	img[4] = 2;  /* ELFCLASS64 */
	img[5] = 1;  /* little endian */
	img[6] = 1;  /* EV_CURRENT */
	w16(16, 2);  /* ET_EXEC */
	w16(18, 62); /* EM_X86_64 */
	w32(20, 1);
	w64(24, 0x1000000); /* Linux's e_entry is physical; the ENTRY note wins */
	w64(32, PH_OFF);
	w16(52, 64);
	w16(54, PH_SIZE);
	w16(56, NR_LOADS + 1);
	w16(58, 64);
	for (unsigned int i = 0; i < NR_LOADS; i++) {
		put_phdr(i, PT_LOAD, segs[i].flags, segs[i].off, segs[i].vaddr, segs[i].paddr,
			 segs[i].filesz, segs[i].memsz);
		for (u64 b = 0; b < segs[i].filesz; b++)
			img[segs[i].off + b] = (u8)(i * 31 + b * 7 + 1);
	}
	end = put_notes(NOTES_OFF);
	notes_len = end - NOTES_OFF;
	put_phdr(NOTE_PHDR, PT_NOTE, PF_R, NOTES_OFF, 0, 0, notes_len, 0);
	img_len = end;
}

struct sec {
	const char *name;
	u32 type;
	u64 off, size;
};

/* Append a section table: [0] null, [1] .shstrtab, then secs[]; e_shstrndx = 1. */
static void add_sections(const struct sec *secs, unsigned int n)
{
	size_t strtab = ALIGN_UP(img_len, 8), pos = strtab + 1, shoff;
	size_t names[8];

	ck_assert_uint_lt(n, 7);
	img[strtab] = 0;
	names[0] = pos;
	strcpy((char *)img + pos, ".shstrtab");
	pos += strlen(".shstrtab") + 1;
	for (unsigned int i = 0; i < n; i++) {
		names[i + 1] = pos;
		strcpy((char *)img + pos, secs[i].name);
		pos += strlen(secs[i].name) + 1;
	}
	shoff = ALIGN_UP(pos, 8);
	memset(img + shoff, 0, 64 * (n + 2));
	w32(shoff + 64 + 0, names[0] - strtab);
	w32(shoff + 64 + 4, 3); /* SHT_STRTAB */
	w64(shoff + 64 + 24, strtab);
	w64(shoff + 64 + 32, pos - strtab);
	for (unsigned int i = 0; i < n; i++) {
		size_t sh = shoff + 64 * (i + 2);

		w32(sh + 0, names[i + 1] - strtab);
		w32(sh + 4, secs[i].type);
		w64(sh + 24, secs[i].off);
		w64(sh + 32, secs[i].size);
	}
	w64(40, shoff);
	w16(60, n + 2);
	w16(62, 1);
	img_len = shoff + 64 * (n + 2);
}

/* ---- Parsing ---- */

static int parse_buf(const u8 *b, size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, b, len);
	memset(why, 'x', sizeof(why));
	rc = pv_image_parse(copy, len, &pi, why, sizeof(why));
	free(copy);
	ck_assert_msg(rc == 0 || rc == -EINVAL || rc == -ENOEXEC, "rc %d", rc);
	ck_assert_uint_lt(strlen(why), sizeof(why));
	if (rc)
		ck_assert_msg(why[0], "failure without a reason");
	else
		ck_assert_msg(!why[0], "success with a reason: %s", why);
	return rc;
}

static int parse(void)
{
	return parse_buf(img, img_len);
}

static void setup(void)
{
	default_notes();
	build();
}

static void assert_linux_like(const struct pv_image *p, u64 file_base)
{
	ck_assert(p->is_elf64);
	ck_assert_uint_eq(p->entry, ENTRY_VA);
	ck_assert_uint_eq(p->virt_base, VBASE);
	ck_assert_uint_eq(p->paddr_offset, 0);
	ck_assert(!p->has_hypercall_page);
	ck_assert_uint_eq(p->init_p2m, P2M_VA);
	ck_assert(p->mod_start_pfn);
	/* The numeric note's bits, plus the names in the FEATURES string. */
	ck_assert_uint_eq(p->supported_features, 0x8801 | 0x1 | 0x10);
	ck_assert(p->has_supported_features_note);
	ck_assert_uint_eq(p->required_features, 0x1);
	ck_assert_str_eq(p->features, LINUX_FEATURES);
	ck_assert_str_eq(p->guest_os, "linux");
	ck_assert_str_eq(p->guest_version, "2.6");
	ck_assert_str_eq(p->xen_version, "xen-3.0");
	ck_assert_str_eq(p->loader, "generic");
	ck_assert_uint_eq(p->virt_kstart, 0xffffffff81000000ULL);
	ck_assert_uint_eq(p->virt_kend, 0xffffffff81026000ULL);
	ck_assert_uint_eq(p->nr_segs, NR_LOADS);
	for (unsigned int i = 0; i < NR_LOADS; i++) {
		ck_assert_uint_eq(p->segs[i].va, VBASE + segs[i].paddr);
		ck_assert_uint_eq(p->segs[i].file_off, file_base + segs[i].off);
		ck_assert_uint_eq(p->segs[i].filesz, segs[i].filesz);
		ck_assert_uint_eq(p->segs[i].memsz, segs[i].memsz);
	}
	ck_assert(pv_image_supports_dom0(p));
	ck_assert(pv_image_supports_domu(p));
}

START_TEST(test_linux_like)
{
	ck_assert_int_eq(parse(), 0);
	assert_linux_like(&pi, 0);
	/* The percpu segment is placed by p_paddr although its p_vaddr is 0. */
	ck_assert_uint_eq(pi.segs[2].va, 0xffffffff81004000ULL);
}
END_TEST

/* No note segment: Xen falls back to SHT_NOTE sections. */
START_TEST(test_section_notes)
{
	struct sec sn = { ".notes", 7 /* SHT_NOTE */, NOTES_OFF, notes_len };

	w32(ph(NOTE_PHDR, P_TYPE), PT_NULL);
	add_sections(&sn, 1);
	ck_assert_int_eq(parse(), 0);
	assert_linux_like(&pi, 0);
}
END_TEST

/* A note segment with p_offset 0 (an old binutils bug) is skipped, as Xen does. */
START_TEST(test_note_offset_zero_skipped)
{
	w64(ph(NOTE_PHDR, P_OFFSET), 0);
	ck_assert_int_eq(parse(), -ENOEXEC);
	ck_assert_str_eq(why, "no Xen ELF notes: not a Xen PV kernel");
}
END_TEST

START_TEST(test_no_virt_base)
{
	/* No VIRT_BASE: Xen uses 0, so p_paddr is the VA (a low-half kernel, as Mini-OS). */
	note_drop(N_VIRT_BASE);
	note_drop(N_PADDR_OFFSET);
	note_u64(N_ENTRY, 0x1001000);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(pi.virt_base, 0);
	ck_assert_uint_eq(pi.paddr_offset, 0);
	ck_assert_uint_eq(pi.virt_kstart, 0x1000000);
	ck_assert_uint_eq(pi.virt_kend, 0x1026000);
	ck_assert_uint_eq(pi.segs[2].va, 0x1004000);
}
END_TEST

START_TEST(test_legacy_paddr_offset)
{
	/* Old kernels put the VA in p_paddr and said so with PADDR_OFFSET = VIRT_BASE. */
	note_u64(N_PADDR_OFFSET, VBASE);
	build();
	for (unsigned int i = 0; i < NR_LOADS; i++)
		w64(ph(i, P_PADDR), VBASE + segs[i].paddr);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(pi.paddr_offset, VBASE);
	ck_assert_uint_eq(pi.virt_kstart, 0xffffffff81000000ULL);
	ck_assert_uint_eq(pi.segs[2].va, 0xffffffff81004000ULL);
}
END_TEST

START_TEST(test_entry_from_header)
{
	note_drop(N_ENTRY);
	build();
	w64(24, 0xffffffff81000040ULL);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(pi.entry, 0xffffffff81000040ULL);
}
END_TEST

START_TEST(test_numeric_widths)
{
	u8 one = 1;
	u8 two[2] = { 0x00, 0x10 };

	note_u64(N_MOD_START_PFN, 0); /* 8 bytes, 0: mapped initrd */
	note_set(N_SUPPORTED_FEATURES, "\x01\x08\x00\x00\x00\x00\x00\x00", 8); /* 2 submaps */
	note_u32(N_INIT_P2M, 0x80000000u);				       /* 4 bytes */
	note_u64(N_HYPERCALL_PAGE, 0xffffffff81002000ULL);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert(!pi.mod_start_pfn);
	ck_assert_uint_eq(pi.supported_features, 0x801 | 0x10);
	ck_assert_uint_eq(pi.init_p2m, 0x80000000u);
	ck_assert(pi.has_hypercall_page);
	ck_assert_uint_eq(pi.hypercall_page, 0xffffffff81002000ULL);

	note_set(N_MOD_START_PFN, &one, 1);
	note_set(N_INIT_P2M, two, 2);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert(pi.mod_start_pfn);
	ck_assert_uint_eq(pi.init_p2m, 0x1000);
}
END_TEST

START_TEST(test_strings)
{
	char feats[200];

	/* Over-long strings are truncated; an embedded NUL ends a string. */
	note_str(N_GUEST_VERSION, "0123456789012345678901234567890123456789");
	note_set(N_GUEST_OS, "linux\0junk", 10);
	/* Longer than pi.features: still parsed in full, the '!' at its end included. */
	snprintf(feats, sizeof(feats), "%s|%s|%s|%s|%s|%s|!pae_pgdir_above_4gb",
		 "writable_descriptor_tables", "future_feature_one", "future_feature_two",
		 "hvm_callback_vector", "auto_translated_physmap", "supervisor_mode_kernel");
	note_ascii(N_FEATURES, feats);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(pi.guest_version, "0123456789012345678901234567890");
	ck_assert_str_eq(pi.guest_os, "linux");
	ck_assert_uint_eq(strlen(pi.features), sizeof(pi.features) - 1);
	ck_assert(!strncmp(pi.features, feats, sizeof(pi.features) - 1));
	ck_assert_uint_eq(pi.required_features, 1u << 4);
	ck_assert_uint_eq(pi.supported_features, 0x8801 | 0x2 | 0x100 | 0x4 | 0x8 | 0x10);
}
END_TEST

START_TEST(test_last_note_wins)
{
	/* Duplicates: a second ENTRY note after the first overrides it, as in Xen. */
	u8 d[8];

	wle(d, 0, 0xffffffff81002000ULL, 8);
	notes[nr_notes] = (struct note_spec){ .name = "Xen", .type = N_ENTRY, .descsz = 8 };
	memcpy(notes[nr_notes++].desc, d, 8);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(pi.entry, 0xffffffff81002000ULL);
}
END_TEST

static const struct {
	const char *features;
	bool sf_note;
	u32 sf;
	bool dom0, domu;
} dom0_cases[] = {
	{ LINUX_FEATURES, true, 0x8801, true, true },
	{ LINUX_FEATURES, true, 0x0001, false, true }, /* the note says no */
	{ LINUX_FEATURES, false, 0, true, true },      /* no note: Xen lets it through */
	{ "dom0", true, 0x0001, true, true },	       /* the string may add the bit */
	{ "!dom0", true, 0, true, false },	       /* required: dom0 only */
};

START_TEST(test_dom0_rules)
{
	if (dom0_cases[_i].sf_note)
		note_u32(N_SUPPORTED_FEATURES, dom0_cases[_i].sf);
	else
		note_drop(N_SUPPORTED_FEATURES);
	note_ascii(N_FEATURES, dom0_cases[_i].features);
	build();
	ck_assert_int_eq(parse(), 0);
	ck_assert_int_eq(pv_image_supports_dom0(&pi), dom0_cases[_i].dom0);
	ck_assert_int_eq(pv_image_supports_domu(&pi), dom0_cases[_i].domu);
}
END_TEST

START_TEST(test_why_buffer)
{
	char small[8];

	img[4] = 1;
	ck_assert_int_eq(pv_image_parse(img, img_len, &pi, NULL, 0), -ENOEXEC);
	ck_assert_int_eq(pv_image_parse(img, img_len, &pi, small, sizeof(small)), -ENOEXEC);
	ck_assert_str_eq(small, "ELF cla");
	ck_assert_int_eq(pv_image_parse(NULL, 10, &pi, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(pv_image_parse(img, img_len, NULL, why, sizeof(why)), -EINVAL);
	/* A failed parse leaves nothing behind. */
	ck_assert(!pi.is_elf64 && !pi.nr_segs && !pi.entry);
}
END_TEST

START_TEST(test_sixteen_segments)
{
	/* PT_NOTE first, then exactly PV_MAX_SEGS loads; one more is refused. */
	for (unsigned int n = PV_MAX_SEGS; n <= PV_MAX_SEGS + 1; n++) {
		build();
		w16(56, n + 1);
		put_phdr(0, PT_NOTE, PF_R, NOTES_OFF, 0, 0, notes_len, 0);
		for (unsigned int i = 1; i <= n; i++)
			put_phdr(i, PT_LOAD, PF_R | PF_X, 0x1000, 0, 0x1000000 + (i - 1) * 0x1000,
				 0, 0x1000);
		if (n == PV_MAX_SEGS) {
			ck_assert_int_eq(parse(), 0);
			ck_assert_uint_eq(pi.nr_segs, PV_MAX_SEGS);
			ck_assert_uint_eq(pi.virt_kend, VBASE + 0x1010000);
		} else {
			ck_assert_int_eq(parse(), -EINVAL);
			ck_assert_str_eq(why, "more than 16 loadable segments");
		}
	}
}
END_TEST

/* ---- Hostile and unsupported images, table-driven ---- */

static void m_trunc_ehdr(void)
{
	img_len = 40;
}
static void m_not_elf(void)
{
	img[1] = 'e';
}
static void m_empty(void)
{
	img_len = 0;
}
static void m_elf32(void)
{
	img[4] = 1;
}
static void m_class3(void)
{
	img[4] = 3;
}
static void m_msb(void)
{
	img[5] = 2;
}
static void m_i386(void)
{
	w16(18, 3);
}
static void m_dyn(void)
{
	w16(16, 3);
}
static void m_phnum0(void)
{
	w16(56, 0);
}
static void m_phentsize(void)
{
	w16(54, 32);
}
static void m_phoff_end(void)
{
	w64(32, img_len - 100);
}
static void m_phoff_wrap(void)
{
	w64(32, ~0ULL - 8);
}
static void m_phnum_huge(void)
{
	w16(56, 0xffff);
}
static void m_shoff_wrap(void)
{
	w64(40, ~0ULL - 63);
	w16(60, 5);
}
static void m_shentsize(void)
{
	w64(40, 0x100);
	w16(60, 2);
	w16(58, 40);
}
static void m_seg_past_end(void)
{
	w64(ph(3, P_OFFSET), img_len - 0x800);
}
static void m_seg_off_wrap(void)
{
	w64(ph(0, P_OFFSET), ~0ULL - 0x100);
}
static void m_filesz_gt_memsz(void)
{
	w64(ph(3, P_FILESZ), 0x20001);
}
static void m_memsz_huge(void)
{
	w64(ph(3, P_MEMSZ), 1ULL << 31);
}
static void m_overlap(void)
{
	w64(ph(1, P_PADDR), 0x1002000);
}
static void m_overlap_percpu(void)
{
	w64(ph(2, P_PADDR), 0x1000000);
}
static void m_span(void)
{
	w64(ph(3, P_PADDR), 0x1000000 + (1ULL << 30));
}
static void m_no_loads(void)
{
	for (unsigned int i = 0; i < NR_LOADS; i++)
		w32(ph(i, P_FLAGS), 0); /* Xen: PT_LOAD without R/W/X is not loadable */
}
static void m_note_namesz(void)
{
	w32(NOTES_OFF, 0xffffffff);
}
static void m_note_descsz(void)
{
	w32(NOTES_OFF + 4, 0xfffffff0);
}
static void m_last_note_long(void)
{
	w32(last_note_off + 4, strlen(LINUX_FEATURES) + 1);
}
static void m_note_seg_past_end(void)
{
	w64(ph(NOTE_PHDR, P_FILESZ), notes_len + 1);
}
static void m_note_seg_wrap(void)
{
	w64(ph(NOTE_PHDR, P_FILESZ), ~0ULL);
}
static void m_many_notes(void)
{
	size_t off = ALIGN_UP(img_len, 4), n = 1100;

	memset(img + off, 0, n * 12); /* empty notes: namesz 0, descsz 0 */
	w64(ph(NOTE_PHDR, P_OFFSET), off);
	w64(ph(NOTE_PHDR, P_FILESZ), n * 12);
	img_len = off + n * 12;
}
static void m_xen_guest(void)
{
	static const struct sec s = { "__xen_guest", 1, 0x1000, 0x20 };

	add_sections(&s, 1);
}

static void n_no_xen(void)
{
	rename_notes("Xem");
}
static void n_smk(void)
{
	note_ascii(N_FEATURES, "!writable_page_tables|!supervisor_mode_kernel");
}
static void n_unknown_req(void)
{
	note_ascii(N_FEATURES, "pae_pgdir_above_4gb|!frobnicate");
}
static void n_bang_alone(void)
{
	note_ascii(N_FEATURES, "!");
}
static void n_autotranslate(void)
{
	note_ascii(N_FEATURES, "!auto_translated_physmap");
}
static void n_callback_vector(void)
{
	note_str(N_FEATURES, "!hvm_callback_vector");
}
static void n_xen2(void)
{
	note_str(N_XEN_VERSION, "xen-2.0");
}
static void n_no_xen_version(void)
{
	note_drop(N_XEN_VERSION);
}
static void n_freebsd(void)
{
	note_str(N_GUEST_OS, "FreeBSD");
	note_drop(N_LOADER);
}
static void n_offset_no_base(void)
{
	note_drop(N_VIRT_BASE);
	note_u64(N_PADDR_OFFSET, 0x1000);
}
static void n_base_unaligned(void)
{
	note_u64(N_VIRT_BASE, VBASE + 0x800);
}
static void n_entry_3(void)
{
	note_set(N_ENTRY, "\x00\x10\x00", 3);
}
static void n_sf_6(void)
{
	note_set(N_SUPPORTED_FEATURES, "\x01\x08\x00\x00\x00\x00", 6);
}
static void n_sf_0(void)
{
	note_set(N_SUPPORTED_FEATURES, "", 0);
}
static void n_paddr_below(void)
{
	note_u64(N_PADDR_OFFSET, 0x2000000);
}
static void n_wrap(void)
{
	note_u64(N_VIRT_BASE, 0xfffffffffff00000ULL);
}
static void n_noncanonical(void)
{
	note_u64(N_VIRT_BASE, 0x00007fffff000000ULL);
}
static void n_hole(void)
{
	note_u64(N_VIRT_BASE, 0xffff800000000000ULL);
	note_u64(N_ENTRY, 0xffff800001001000ULL);
}
/* With VIRT_BASE at 2^64 - 0x1026000 the kernel would end at 2^64; trim its bss a little. */
static void n_last_page(void)
{
	note_u64(N_VIRT_BASE, 0xfffffffffefda000ULL);
}
static void m_last_page(void)
{
	w64(ph(3, P_MEMSZ), 0x1f800);
}
static void n_entry_outside(void)
{
	note_u64(N_ENTRY, VBASE);
}
static void n_entry_at_end(void)
{
	note_u64(N_ENTRY, 0xffffffff81026000ULL);
}
static void n_p2m_inside(void)
{
	note_u64(N_INIT_P2M, 0xffffffff81001000ULL);
}
static void n_p2m_noncanonical(void)
{
	note_u64(N_INIT_P2M, 0x0000900000000000ULL);
}
static void n_p2m_unaligned(void)
{
	note_u64(N_INIT_P2M, P2M_VA + 8);
}
static void n_p2m_top(void)
{
	note_u64(N_INIT_P2M, 0xfffffffffffff000ULL);
}
static void n_hc_unaligned(void)
{
	note_u64(N_HYPERCALL_PAGE, 0xffffffff81001800ULL);
}
static void n_hc_outside(void)
{
	note_u64(N_HYPERCALL_PAGE, 0xffffffff81026000ULL);
}
static void n_bsd_symtab(void)
{
	note_str(N_BSD_SYMTAB, "yes");
}

static const struct {
	const char *name;
	void (*pre)(void);  /* edits the notes before the image is built */
	void (*post)(void); /* edits the built image */
	int rc;
	const char *why;
} bad_cases[] = {
	{ "truncated ehdr", NULL, m_trunc_ehdr, -EINVAL, "ELF header truncated (40 of 64 bytes)" },
	{ "not elf", NULL, m_not_elf, -ENOEXEC, "not an ELF image" },
	{ "empty", NULL, m_empty, -ENOEXEC, "not an ELF image" },
	{ "elf32", NULL, m_elf32, -ENOEXEC,
	  "ELF class 32 is not supported: Kestrel runs 64-bit PV kernels only" },
	{ "class 3", NULL, m_class3, -ENOEXEC, "unknown ELF class 3" },
	{ "msb", NULL, m_msb, -ENOEXEC, "big-endian" },
	{ "i386", NULL, m_i386, -ENOEXEC, "ELF machine 3 is not x86_64" },
	{ "ET_DYN", NULL, m_dyn, -ENOEXEC, "ELF type 3 is not an executable" },
	{ "phnum 0", NULL, m_phnum0, -EINVAL, "no program headers" },
	{ "phentsize", NULL, m_phentsize, -EINVAL, "program header size 32" },
	{ "phoff past end", NULL, m_phoff_end, -EINVAL, "program header table" },
	{ "phoff wraps", NULL, m_phoff_wrap, -EINVAL, "program header table" },
	{ "phnum huge", NULL, m_phnum_huge, -EINVAL, "program header table" },
	{ "shoff wraps", NULL, m_shoff_wrap, -EINVAL, "section header table" },
	{ "shentsize", NULL, m_shentsize, -EINVAL, "section header size 40" },
	{ "segment past end", NULL, m_seg_past_end, -EINVAL,
	  "segment 3 runs past the end of the image" },
	{ "segment offset wraps", NULL, m_seg_off_wrap, -EINVAL,
	  "segment 0 runs past the end of the image" },
	{ "filesz > memsz", NULL, m_filesz_gt_memsz, -EINVAL, "segment 3: file size" },
	{ "memsz huge", NULL, m_memsz_huge, -EINVAL, "segment 3 is 2048 MiB" },
	{ "overlap", NULL, m_overlap, -EINVAL, "segments 0 and 1 overlap" },
	{ "overlap percpu", NULL, m_overlap_percpu, -EINVAL, "segments 0 and 2 overlap" },
	{ "span > 1 GiB", NULL, m_span, -EINVAL,
	  "the segments span 0xffffffff81000000-0xffffffffc1020000, more than 1024 MiB" },
	{ "no loads", NULL, m_no_loads, -EINVAL, "no loadable segments" },
	{ "note namesz", NULL, m_note_namesz, -EINVAL,
	  "ELF note at offset 0 of segment 4 runs past its end" },
	{ "note descsz", NULL, m_note_descsz, -EINVAL,
	  "ELF note at offset 0 of segment 4 runs past its end" },
	{ "last note 1 byte long", NULL, m_last_note_long, -EINVAL, "runs past its end" },
	{ "note segment past end", NULL, m_note_seg_past_end, -EINVAL,
	  "note segment 4 runs past the end of the image" },
	{ "note segment wraps", NULL, m_note_seg_wrap, -EINVAL, "note segment 4 runs past" },
	{ "many notes", NULL, m_many_notes, -EINVAL, "more than 1024 ELF notes" },
	{ "no xen notes", n_no_xen, NULL, -ENOEXEC, "no Xen ELF notes" },
	{ "__xen_guest", n_no_xen, m_xen_guest, -ENOEXEC, "legacy __xen_guest section" },
	{ "!supervisor_mode_kernel", n_smk, NULL, -ENOEXEC,
	  "requires Xen feature 'supervisor_mode_kernel'" },
	{ "unknown required", n_unknown_req, NULL, -ENOEXEC,
	  "requires Xen feature 'frobnicate', which is unknown" },
	{ "lone !", n_bang_alone, NULL, -ENOEXEC, "requires Xen feature '', which is unknown" },
	{ "!auto_translated_physmap", n_autotranslate, NULL, -ENOEXEC,
	  "'auto_translated_physmap', which PV cannot provide" },
	{ "!hvm_callback_vector", n_callback_vector, NULL, -ENOEXEC, "'hvm_callback_vector'" },
	{ "xen-2.0", n_xen2, NULL, -ENOEXEC, "Xen ABI 'xen-2.0', not xen-3.0" },
	{ "no XEN_VERSION", n_no_xen_version, NULL, -ENOEXEC, "Xen ABI '', not xen-3.0" },
	{ "FreeBSD", n_freebsd, NULL, -ENOEXEC, "loader '' and OS 'FreeBSD'" },
	{ "PADDR_OFFSET alone", n_offset_no_base, NULL, -EINVAL,
	  "PADDR_OFFSET note is set but VIRT_BASE is not" },
	{ "VIRT_BASE unaligned", n_base_unaligned, NULL, -EINVAL, "not page aligned" },
	{ "3-byte ENTRY", n_entry_3, NULL, -EINVAL, "3-byte number" },
	{ "6-byte SUPPORTED_FEATURES", n_sf_6, NULL, -EINVAL, "holds 6 bytes" },
	{ "empty SUPPORTED_FEATURES", n_sf_0, NULL, -EINVAL, "holds 0 bytes" },
	{ "p_paddr < PADDR_OFFSET", n_paddr_below, NULL, -EINVAL,
	  "segment 0: physical address 0x1000000 is below PADDR_OFFSET 0x2000000" },
	{ "VA wraps", n_wrap, NULL, -EINVAL, "segment 0 wraps around" },
	{ "non-canonical", n_noncanonical, NULL, -EINVAL, "is not canonical" },
	{ "hypervisor hole", n_hole, NULL, -EINVAL, "overlaps the hypervisor's area" },
	{ "last page", n_last_page, m_last_page, -EINVAL, "last page of the address space" },
	{ "entry outside", n_entry_outside, NULL, -EINVAL,
	  "entry point 0xffffffff80000000 is outside every loaded segment" },
	{ "entry at kend", n_entry_at_end, NULL, -EINVAL, "is outside every loaded segment" },
	{ "INIT_P2M inside", n_p2m_inside, NULL, -EINVAL, "lies inside the kernel" },
	{ "INIT_P2M non-canonical", n_p2m_noncanonical, NULL, -EINVAL, "INIT_P2M 0x900000000000" },
	{ "INIT_P2M unaligned", n_p2m_unaligned, NULL, -EINVAL, "INIT_P2M 0x8000000008" },
	{ "INIT_P2M last page", n_p2m_top, NULL, -EINVAL, "INIT_P2M 0xfffffffffffff000" },
	{ "HYPERCALL_PAGE unaligned", n_hc_unaligned, NULL, -EINVAL, "HYPERCALL_PAGE" },
	{ "HYPERCALL_PAGE outside", n_hc_outside, NULL, -EINVAL, "HYPERCALL_PAGE" },
	{ "BSD_SYMTAB", n_bsd_symtab, NULL, -ENOEXEC, "BSD_SYMTAB" },
};

START_TEST(test_bad)
{
	int rc;

	if (bad_cases[_i].pre) {
		bad_cases[_i].pre();
		build();
	}
	if (bad_cases[_i].post)
		bad_cases[_i].post();
	rc = parse();
	ck_assert_msg(rc == bad_cases[_i].rc && strstr(why, bad_cases[_i].why),
		      "%s: rc %d, why \"%s\"; want %d, \"%s\"", bad_cases[_i].name, rc, why,
		      bad_cases[_i].rc, bad_cases[_i].why);
}
END_TEST

/* Every prefix of a good image is refused cleanly (ASan checks the reads). */
START_TEST(test_truncations)
{
	for (size_t len = 0; len < img_len; len++)
		ck_assert_int_ne(parse_buf(img, len), 0);
	ck_assert_int_eq(parse_buf(img, img_len), 0);
}
END_TEST

static void assert_sane(const struct pv_image *p, size_t len)
{
	ck_assert_uint_ge(p->nr_segs, 1);
	ck_assert_uint_le(p->nr_segs, PV_MAX_SEGS);
	for (unsigned int i = 0; i < p->nr_segs; i++) {
		const struct pv_segment *s = &p->segs[i];

		ck_assert_uint_le(s->filesz, s->memsz);
		ck_assert_uint_le(s->file_off, len);
		ck_assert_uint_le(s->filesz, len - s->file_off);
		ck_assert_uint_ge(s->va, p->virt_kstart);
		ck_assert_uint_le(s->memsz, p->virt_kend - s->va);
	}
	ck_assert_uint_ge(p->entry, p->virt_kstart);
	ck_assert_uint_lt(p->entry, p->virt_kend);
	ck_assert_uint_le(p->virt_kend - p->virt_kstart, PV_MAX_KERNEL_SPAN);
	ck_assert_uint_lt(strlen(p->features), sizeof(p->features));
	ck_assert_uint_lt(strlen(p->guest_os), sizeof(p->guest_os));
}

/* Random corruption of headers and notes: never a crash, always a clean verdict. */
START_TEST(test_fuzz)
{
	static u8 work[IMG_CAP];
	unsigned int seed = 12345, accepted = 0;

	for (int round = 0; round < 4000; round++) {
		int flips = 1 + (int)(rand_r(&seed) % 4);

		memcpy(work, img, img_len);
		for (int f = 0; f < flips; f++) {
			size_t r = (size_t)rand_r(&seed);
			size_t pos = rand_r(&seed) % 2 ? r % (PH_OFF + 5 * PH_SIZE)
						       : NOTES_OFF + r % notes_len;

			work[pos] = (u8)rand_r(&seed);
		}
		if (!parse_buf(work, img_len)) {
			assert_sane(&pi, img_len);
			accepted++;
		}
	}
	ck_assert_uint_gt(accepted, 0); /* some flips hit harmless bytes */
}
END_TEST

/* ---- bzImage ---- */

#define BZ_SECTS 27
#define BZ_POFF	 0x3b5 /* odd on purpose: the payload ELF starts misaligned */

static u8 bz[IMG_CAP + 0x8000];
static size_t bz_len;

static void make_bz(const void *payload, size_t plen, u16 version, u8 sects)
{
	size_t pm = ((sects ? sects : 4) + 1) * 512;

	memset(bz, 0, sizeof(bz));
	bz[0x1f1] = sects;
	bz[0x1fe] = 0x55;
	bz[0x1ff] = 0xaa;
	memcpy(bz + 0x202, "HdrS", 4);
	wle(bz, 0x206, version, 2);
	wle(bz, 0x248, BZ_POFF, 4);
	wle(bz, 0x24c, plen, 4);
	ck_assert_uint_le(pm + BZ_POFF + plen + 0x40, sizeof(bz));
	memcpy(bz + pm + BZ_POFF, payload, plen);
	bz_len = pm + BZ_POFF + plen + 0x40; /* the real ones have a trailer too */
}

static const struct {
	const char *name;
	u8 magic[6];
	unsigned int len;
} comp_cases[] = {
	{ "gzip", { 0x1f, 0x8b, 0x08 }, 3 },
	{ "xz", { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, 6 },
	{ "bzip2", { 'B', 'Z', 'h', '9' }, 4 },
	{ "lzma", { 0x5d, 0x00, 0x00, 0x80 }, 4 },
	{ "lzo", { 0x89, 0x4c, 0x5a, 0x4f }, 4 },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
};

START_TEST(test_bz_compressed)
{
	u8 payload[128];
	char want[256];

	memset(payload, 0x5a, sizeof(payload));
	memcpy(payload, comp_cases[_i].magic, comp_cases[_i].len);
	make_bz(payload, sizeof(payload), 0x020f, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, bz_len), -ENOEXEC);
	snprintf(want, sizeof(want),
		 "the image is a bzImage whose payload is %s-compressed; Kestrel unpacks only xz: "
		 "pass the uncompressed vmlinux (e.g. extracted with scripts/extract-vmlinux)",
		 comp_cases[_i].name);
	ck_assert_str_eq(why, want);
}
END_TEST

/* Only an xz payload is "packed"; its last word is the size it unpacks to. */
START_TEST(test_bz_packed)
{
	static const u8 xz[] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3, 4, 0x78, 0x56, 0x34, 0x12 };
	struct pv_packed pk;

	make_bz(xz, sizeof(xz), 0x020f, BZ_SECTS);
	ck_assert_int_eq(pv_image_packed(bz, bz_len, &pk), 0);
	ck_assert_uint_eq(pk.len, sizeof(xz) - 4);
	ck_assert_uint_eq(pk.unpacked_len, 0x12345678);
	ck_assert(!memcmp(pk.data, xz, 6));
	ck_assert_int_eq(pv_image_packed(bz, 0x240, &pk), -ENOENT); /* header cut short */
	ck_assert_int_eq(pv_image_packed(bz, 0x300, &pk), -EINVAL); /* payload cut short */
	make_bz(xz, 8, 0x020f, BZ_SECTS); /* magic but no room for the size word */
	ck_assert_int_eq(pv_image_packed(bz, bz_len, &pk), -EINVAL);
	make_bz(xz, sizeof(xz), 0x020f, BZ_SECTS);
	wle(bz, 0x24c, bz_len, 4); /* payload past the end */
	ck_assert_int_eq(pv_image_packed(bz, bz_len, &pk), -EINVAL);
	make_bz(comp_cases[0].magic, 16, 0x020f, BZ_SECTS); /* gzip: not packed for us */
	ck_assert_int_eq(pv_image_packed(bz, bz_len, &pk), -ENOENT);
	make_bz(xz, sizeof(xz), 0x0207, BZ_SECTS); /* too old to say where the payload is */
	ck_assert_int_eq(pv_image_packed(bz, bz_len, &pk), -ENOENT);
	ck_assert_int_eq(pv_image_packed(xz, sizeof(xz), &pk), -ENOENT); /* not a bzImage */
}
END_TEST

START_TEST(test_bz_elf_payload)
{
	static struct pv_image plain;
	size_t base = (BZ_SECTS + 1) * 512 + BZ_POFF;

	ck_assert_int_eq(parse(), 0);
	plain = pi;
	make_bz(img, img_len, 0x020f, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, bz_len), 0);
	assert_linux_like(&pi, base);
	for (unsigned int i = 0; i < pi.nr_segs; i++) {
		ck_assert_uint_eq(pi.segs[i].file_off, plain.segs[i].file_off + base);
		ck_assert(!memcmp(bz + pi.segs[i].file_off, img + plain.segs[i].file_off,
				  pi.segs[i].filesz));
	}
	/* setup_sects 0 means 4 in the boot protocol. */
	make_bz(img, img_len, 0x0208, 0);
	ck_assert_int_eq(parse_buf(bz, bz_len), 0);
	ck_assert_uint_eq(pi.segs[0].file_off, 5 * 512 + BZ_POFF + segs[0].off);
}
END_TEST

START_TEST(test_bz_bad)
{
	u8 junk[64];

	memset(junk, 0x42, sizeof(junk));
	make_bz(img, img_len, 0x0207, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, bz_len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "boot protocol 2.07; 2.08 or later"));

	make_bz(img, img_len, 0x020f, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, 0x220), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "setup header is truncated"));

	wle(bz, 0x24c, bz_len, 4);
	ck_assert_int_eq(parse_buf(bz, bz_len), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "payload (offset 0x3bb5, "));

	wle(bz, 0x248, 0xffffffff, 4);
	ck_assert_int_eq(parse_buf(bz, bz_len), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "runs past the end of the image"));

	make_bz(junk, sizeof(junk), 0x020f, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, bz_len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "payload format is not recognised"));

	/* Bounds are those of the payload, not of the whole bzImage: this ends in its trailer. */
	w64(ph(3, P_FILESZ), img_len - segs[3].off + 0x20);
	make_bz(img, img_len, 0x020f, BZ_SECTS);
	ck_assert_int_eq(parse_buf(bz, bz_len), -EINVAL);
	ck_assert_str_eq(why, "segment 3 runs past the end of the image");
}
END_TEST

Suite *pvimage_suite(void)
{
	Suite *s = suite_create("pvimage");
	TCase *good = tcase_create("good"), *bad = tcase_create("bad");
	TCase *bzi = tcase_create("bzimage");

	tcase_add_checked_fixture(good, setup, NULL);
	tcase_add_test(good, test_linux_like);
	tcase_add_test(good, test_section_notes);
	tcase_add_test(good, test_note_offset_zero_skipped);
	tcase_add_test(good, test_no_virt_base);
	tcase_add_test(good, test_legacy_paddr_offset);
	tcase_add_test(good, test_entry_from_header);
	tcase_add_test(good, test_numeric_widths);
	tcase_add_test(good, test_strings);
	tcase_add_test(good, test_last_note_wins);
	tcase_add_loop_test(good, test_dom0_rules, 0, (int)ARRAY_SIZE(dom0_cases));
	tcase_add_test(good, test_why_buffer);
	tcase_add_test(good, test_sixteen_segments);
	suite_add_tcase(s, good);

	tcase_add_checked_fixture(bad, setup, NULL);
	tcase_add_loop_test(bad, test_bad, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(bad, test_truncations);
	tcase_add_test(bad, test_fuzz);
	tcase_set_timeout(bad, 60);
	suite_add_tcase(s, bad);

	tcase_add_checked_fixture(bzi, setup, NULL);
	tcase_add_test(bzi, test_bz_packed);
	tcase_add_loop_test(bzi, test_bz_compressed, 0, (int)ARRAY_SIZE(comp_cases));
	tcase_add_test(bzi, test_bz_elf_payload);
	tcase_add_test(bzi, test_bz_bad);
	suite_add_tcase(s, bzi);
	return s;
}
