/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV kernel image parser (API in pvimage.h).
 *
 * The rules (which notes count, their defaults, the address checks) are those of Xen's
 * libelf and x86 PV domain builders, re-derived from reading them; where Kestrel is
 * stricter the comment says why. Fields are read byte by byte as little endian, so the
 * image needs no particular alignment. Every read is preceded by a bounds check in 64-bit
 * arithmetic that cannot wrap: the image is capped at PV_MAX_IMAGE_LEN, and each check
 * compares a size against the room left rather than adding to an offset.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/pvimage.h>
#include <public/elfnote.h>
#include <stdarg.h>

/* Larger images would not fit in memory anyway; the cap keeps all offset sums small. */
#define PV_MAX_IMAGE_LEN (1ULL << 40)
/* A real kernel has a few dozen notes; the cap bounds work on a hostile image. */
#define PV_MAX_NOTES 1024

/*
 * x86_64 virtual address space: two canonical halves; the first 16 L4 slots of the upper
 * half (256-271) belong to the hypervisor in every PV guest.
 */
#define VA_LOW_END    0x0000800000000000ULL
#define VA_HIGH_START 0xffff800000000000ULL
#define PV_HOLE_END   0xffff880000000000ULL

/* ELF64 header fields, by byte offset (System V gABI). */
#define EHDR_SIZE   64
#define EI_CLASS    4
#define EI_DATA	    5
#define E_TYPE	    16
#define E_MACHINE   18
#define E_ENTRY	    24
#define E_PHOFF	    32
#define E_SHOFF	    40
#define E_PHENTSIZE 54
#define E_PHNUM	    56
#define E_SHENTSIZE 58
#define E_SHNUM	    60
#define E_SHSTRNDX  62
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC	    2
#define EM_X86_64   62

/* Program header fields. */
#define PHDR_SIZE 56
#define P_TYPE	  0
#define P_FLAGS	  4
#define P_OFFSET  8
#define P_PADDR	  24
#define P_FILESZ  32
#define P_MEMSZ	  40
#define PT_LOAD	  1
#define PT_NOTE	  4
#define PF_RWX	  7

/* Section header fields. */
#define SHDR_SIZE 64
#define SH_NAME	  0
#define SH_TYPE	  4
#define SH_OFFSET 24
#define SH_SIZE	  32
#define SHT_NOTE  7

/* Note header: namesz, descsz, type; name and descriptor follow, each padded to 4. */
#define NOTE_HDR 12

/* Linux x86 boot protocol setup header, by offset from the start of the bzImage. */
#define BZ_SETUP_SECTS	  0x1f1
#define BZ_MAGIC	  0x202
#define BZ_VERSION	  0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_HDR_END	  0x250
#define BZ_MIN_VERSION	  0x0208 /* the first with payload_offset/payload_length */

#define EXTRACT_HINT "pass the uncompressed vmlinux (e.g. extracted with scripts/extract-vmlinux)"

static const u8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static const struct {
	const char *name;
	unsigned int len;
	u8 magic[6];
} compressions[] = {
	{ "gzip", 2, { 0x1f, 0x8b } },
	{ "xz", 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
	{ "bzip2", 3, { 'B', 'Z', 'h' } },
	{ "lzma", 3, { 0x5d, 0x00, 0x00 } },
	{ "lzo", 4, { 0x89, 'L', 'Z', 'O' } },
	{ "lz4", 4, { 0x02, 0x21, 0x4c, 0x18 } },
	{ "zstd", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

/* The feature names Xen's libelf recognises in XEN_ELFNOTE_FEATURES. */
static const struct {
	const char *name;
	unsigned int bit;
} feature_names[] = {
	{ "writable_page_tables", PV_FEAT_WRITABLE_PAGE_TABLES },
	{ "writable_descriptor_tables", PV_FEAT_WRITABLE_DESCRIPTOR_TABLES },
	{ "auto_translated_physmap", PV_FEAT_AUTO_TRANSLATED_PHYSMAP },
	{ "supervisor_mode_kernel", PV_FEAT_SUPERVISOR_MODE_KERNEL },
	{ "pae_pgdir_above_4gb", PV_FEAT_PAE_PGDIR_ABOVE_4GB },
	{ "hvm_callback_vector", PV_FEAT_HVM_CALLBACK_VECTOR },
	{ "dom0", PV_FEAT_DOM0 },
};

/* Features a kernel may name but must not require: no 64-bit PV guest can have them. */
static const struct {
	unsigned int bit;
	const char *reason;
} refused_features[] = {
	{ PV_FEAT_SUPERVISOR_MODE_KERNEL, "a 64-bit PV kernel always runs in ring 3" },
	{ PV_FEAT_AUTO_TRANSLATED_PHYSMAP, "PV guests see machine frames (Xen dropped it too)" },
	{ PV_FEAT_WRITABLE_DESCRIPTOR_TABLES, "PV descriptor tables change by hypercall only" },
	{ PV_FEAT_HVM_CALLBACK_VECTOR, "it exists for HVM guests only" },
};

struct parse {
	const u8 *elf; /* the ELF file: the whole image or a bzImage payload */
	u64 len;       /* its length */
	u64 base;      /* its offset from the caller's img */
	struct pv_image *pi;
	char *why;
	size_t why_len;
	u64 phoff, shoff;
	unsigned int phnum, shnum, shstrndx;
	unsigned int nr_notes;	   /* every note walked, against PV_MAX_NOTES */
	unsigned int nr_xen_notes; /* those named "Xen" */
	bool have_entry, have_virt_base, have_paddr_offset, bsd_symtab;
	unsigned int seg_phdr[PV_MAX_SEGS]; /* program header index of each segment */
};

static inline unsigned long long ull(u64 v)
{
	return v;
}

static u64 rd_le(const u8 *b, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | b[n];
	return v;
}

static inline u16 rd16(const u8 *b)
{
	return (u16)rd_le(b, 2);
}

static inline u32 rd32(const u8 *b)
{
	return (u32)rd_le(b, 4);
}

static inline u64 rd64(const u8 *b)
{
	return rd_le(b, 8);
}

/* Whether [off, off + size) lies within [0, len), checked without any addition. */
static bool range_ok(u64 off, u64 size, u64 len)
{
	return off <= len && size <= len - off;
}

static __printf(3, 4) int fail(struct parse *p, int rc, const char *fmt, ...)
{
	va_list ap;

	if (p->why && p->why_len) {
		va_start(ap, fmt);
		kvsnprintf(p->why, p->why_len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool is_elf(const u8 *b, u64 len)
{
	return len >= sizeof(elf_magic) && !memcmp(b, elf_magic, sizeof(elf_magic));
}

static bool is_bzimage(const u8 *b, u64 len)
{
	return len >= BZ_MAGIC + 4 && !memcmp(b + BZ_MAGIC, "HdrS", 4);
}

/* Name the compression of a bzImage payload from its magic bytes; NULL if unknown. */
static const char *compression_name(const u8 *b, u64 len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(compressions); i++)
		if (len >= compressions[i].len &&
		    !memcmp(b, compressions[i].magic, compressions[i].len))
			return compressions[i].name;
	return NULL;
}

/*
 * Where a bzImage's payload is (boot protocol 2.08+ header, checked to be there): false when
 * it runs past the end of the image.
 */
static bool bz_payload(const u8 *img, u64 len, u64 *start, u64 *plen)
{
	/* The boot protocol defines setup_sects 0 as 4, for images older than it. */
	u64 sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;

	*start = (sects + 1) * 512 + rd32(img + BZ_PAYLOAD_OFFSET);
	*plen = rd32(img + BZ_PAYLOAD_LENGTH);
	return range_ok(*start, *plen, len);
}

/* Locate the payload of a bzImage; only an uncompressed ELF one can be used in place. */
static int bzimage_payload(struct parse *p, const u8 *img, u64 len)
{
	u64 version, start, plen;
	const char *comp;

	if (len < BZ_HDR_END)
		return fail(p, -EINVAL, "the image is a bzImage whose setup header is truncated");
	version = rd16(img + BZ_VERSION);
	if (version < BZ_MIN_VERSION)
		return fail(p, -ENOEXEC,
			    "the image is a bzImage of boot protocol %llu.%02llu; 2.08 or later is "
			    "needed to locate its payload: " EXTRACT_HINT,
			    ull(version >> 8), ull(version & 0xff));
	if (!bz_payload(img, len, &start, &plen))
		return fail(p, -EINVAL,
			    "the image is a bzImage whose payload (offset %#llx, %llu bytes) runs "
			    "past the end of the image",
			    ull(start), ull(plen));
	if (is_elf(img + start, plen)) {
		p->elf = img + start;
		p->len = plen;
		p->base = start;
		return 0;
	}
	comp = compression_name(img + start, plen);
	if (comp)
		return fail(p, -ENOEXEC,
			    "the image is a bzImage whose payload is %s-compressed; Kestrel unpacks "
			    "only xz: " EXTRACT_HINT,
			    comp);
	return fail(p, -ENOEXEC,
		    "the image is a bzImage whose payload format is not recognised: " EXTRACT_HINT);
}

int pv_image_packed(const void *img_, size_t len, struct pv_packed *pk)
{
	static const u8 xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	const u8 *img = img_;
	u64 start, plen;

	if (!is_bzimage(img, len) || len < BZ_HDR_END || rd16(img + BZ_VERSION) < BZ_MIN_VERSION)
		return -ENOENT;
	if (!bz_payload(img, len, &start, &plen))
		return -EINVAL;
	if (plen < sizeof(xz_magic) || memcmp(img + start, xz_magic, sizeof(xz_magic)))
		return -ENOENT;
	if (plen < sizeof(xz_magic) + 4)
		return -EINVAL;
	pk->data = img + start;
	pk->len = plen - 4; /* Linux appends the unpacked size as a 32-bit word */
	pk->unpacked_len = rd32(img + start + plen - 4);
	return 0;
}

static int find_elf(struct parse *p, const u8 *img, u64 len)
{
	if (len > PV_MAX_IMAGE_LEN)
		return fail(p, -EINVAL, "the image is %llu bytes, absurdly large", ull(len));
	if (is_elf(img, len)) {
		p->elf = img;
		p->len = len;
		return 0;
	}
	if (is_bzimage(img, len))
		return bzimage_payload(p, img, len);
	return fail(p, -ENOEXEC, "not an ELF image (nor a bzImage)");
}

static const u8 *phdr(const struct parse *p, unsigned int i)
{
	return p->elf + p->phoff + (u64)i * PHDR_SIZE;
}

static const u8 *shdr(const struct parse *p, unsigned int i)
{
	return p->elf + p->shoff + (u64)i * SHDR_SIZE;
}

/* Identify the file and bound the header tables; a missing section table is fine. */
static int parse_ehdr(struct parse *p)
{
	const u8 *e = p->elf;

	if (p->len < EHDR_SIZE)
		return fail(p, -EINVAL, "ELF header truncated (%llu of %u bytes)", ull(p->len),
			    EHDR_SIZE);
	if (e[EI_CLASS] == ELFCLASS32)
		return fail(p, -ENOEXEC,
			    "ELF class 32 is not supported: Kestrel runs 64-bit PV kernels only");
	if (e[EI_CLASS] != ELFCLASS64)
		return fail(p, -ENOEXEC, "unknown ELF class %u", e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB)
		return fail(p, -ENOEXEC,
			    "big-endian ELF is not supported: x86_64 is little-endian");
	p->pi->is_elf64 = true;
	if (rd16(e + E_MACHINE) != EM_X86_64)
		return fail(p, -ENOEXEC, "ELF machine %u is not x86_64 (%u)", rd16(e + E_MACHINE),
			    EM_X86_64);
	if (rd16(e + E_TYPE) != ET_EXEC)
		return fail(p, -ENOEXEC, "ELF type %u is not an executable (ET_EXEC)",
			    rd16(e + E_TYPE));
	p->phoff = rd64(e + E_PHOFF);
	p->phnum = rd16(e + E_PHNUM);
	if (!p->phnum)
		return fail(p, -EINVAL, "the ELF image has no program headers");
	if (rd16(e + E_PHENTSIZE) != PHDR_SIZE)
		return fail(p, -EINVAL, "ELF program header size %u, expected %u",
			    rd16(e + E_PHENTSIZE), PHDR_SIZE);
	if (!range_ok(p->phoff, (u64)p->phnum * PHDR_SIZE, p->len))
		return fail(p, -EINVAL,
			    "program header table (offset %#llx, %u entries) runs past the end of "
			    "the image",
			    ull(p->phoff), p->phnum);
	p->shoff = rd64(e + E_SHOFF);
	p->shnum = p->shoff ? rd16(e + E_SHNUM) : 0;
	p->shstrndx = rd16(e + E_SHSTRNDX);
	if (!p->shnum)
		return 0;
	if (rd16(e + E_SHENTSIZE) != SHDR_SIZE)
		return fail(p, -EINVAL, "ELF section header size %u, expected %u",
			    rd16(e + E_SHENTSIZE), SHDR_SIZE);
	if (!range_ok(p->shoff, (u64)p->shnum * SHDR_SIZE, p->len))
		return fail(p, -EINVAL,
			    "section header table (offset %#llx, %u entries) runs past the end of "
			    "the image",
			    ull(p->shoff), p->shnum);
	return 0;
}

/* Copy a note's string into dst[size]: it ends at a NUL or at descsz, whichever is first. */
static void note_str(char *dst, size_t size, const u8 *desc, u64 descsz)
{
	size_t n = strnlen((const char *)desc, MIN(descsz, (u64)size - 1));

	memcpy(dst, desc, n);
	dst[n] = '\0';
}

static bool note_str_is(const u8 *desc, u64 descsz, const char *s)
{
	size_t n = strlen(s);

	return descsz >= n && !memcmp(desc, s, n) && (descsz == n || !desc[n]);
}

static int note_num(struct parse *p, u32 type, const u8 *desc, u64 descsz, u64 *val)
{
	/* Xen reads numeric notes by their size; Linux uses 4 and 8 bytes. */
	if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8)
		return fail(p, -EINVAL,
			    "Xen note %u holds a %llu-byte number; 1, 2, 4 or 8 expected", type,
			    ull(descsz));
	*val = rd_le(desc, (unsigned int)descsz);
	return 0;
}

static void set_num(struct parse *p, u32 type, u64 v)
{
	struct pv_image *pi = p->pi;

	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		pi->entry = v;
		p->have_entry = true;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		pi->hypercall_page = v;
		pi->has_hypercall_page = true;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		pi->virt_base = v;
		p->have_virt_base = true;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		pi->paddr_offset = v;
		p->have_paddr_offset = true;
		break;
	case XEN_ELFNOTE_INIT_P2M:
		pi->init_p2m = v;
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		pi->mod_start_pfn = v != 0;
		break;
	}
}

/* One '|'-separated name from XEN_ELFNOTE_FEATURES; a leading '!' marks it required. */
static int feature_token(struct parse *p, const char *tok, size_t n)
{
	bool required = n && tok[0] == '!';
	unsigned int i;

	if (required) {
		tok++;
		n--;
	}
	for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
		if (strlen(feature_names[i].name) != n || memcmp(feature_names[i].name, tok, n))
			continue;
		p->pi->supported_features |= 1u << feature_names[i].bit;
		if (required)
			p->pi->required_features |= 1u << feature_names[i].bit;
		return 0;
	}
	/* Like Xen: an unknown name is ignored unless the kernel cannot run without it. */
	if (required)
		return fail(p, -ENOEXEC, "the kernel requires Xen feature '%.*s', which is unknown",
			    (int)MIN(n, 64), tok);
	return 0;
}

static int note_features(struct parse *p, const u8 *desc, u64 descsz)
{
	const char *s = (const char *)desc;
	size_t len = strnlen(s, descsz), pos, end;
	int rc;

	/* Linux emits this with .ascii: the descriptor is not NUL-terminated. */
	note_str(p->pi->features, sizeof(p->pi->features), desc, descsz);
	for (pos = 0; pos <= len; pos = end + 1) {
		for (end = pos; end < len && s[end] != '|'; end++)
			;
		if (end > pos) {
			rc = feature_token(p, s + pos, end - pos);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int note_supported(struct parse *p, const u8 *desc, u64 descsz)
{
	/* An array of 32-bit submaps; only submap 0 is defined. */
	if (!descsz || descsz % 4)
		return fail(
			p, -EINVAL,
			"Xen note SUPPORTED_FEATURES holds %llu bytes; a multiple of 4 expected",
			ull(descsz));
	p->pi->supported_features |= rd32(desc);
	p->pi->has_supported_features_note = true;
	return 0;
}

/* Record one note named "Xen". Types Kestrel has no use for are skipped, as Xen does. */
static int xen_note(struct parse *p, u32 type, const u8 *desc, u64 descsz)
{
	struct pv_image *pi = p->pi;
	u64 v = 0;
	int rc;

	switch (type) {
	case XEN_ELFNOTE_XEN_VERSION:
		note_str(pi->xen_version, sizeof(pi->xen_version), desc, descsz);
		return 0;
	case XEN_ELFNOTE_GUEST_OS:
		note_str(pi->guest_os, sizeof(pi->guest_os), desc, descsz);
		return 0;
	case XEN_ELFNOTE_GUEST_VERSION:
		note_str(pi->guest_version, sizeof(pi->guest_version), desc, descsz);
		return 0;
	case XEN_ELFNOTE_LOADER:
		note_str(pi->loader, sizeof(pi->loader), desc, descsz);
		return 0;
	case XEN_ELFNOTE_BSD_SYMTAB:
		p->bsd_symtab = note_str_is(desc, descsz, "yes");
		return 0;
	case XEN_ELFNOTE_FEATURES:
		return note_features(p, desc, descsz);
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		return note_supported(p, desc, descsz);
	case XEN_ELFNOTE_ENTRY:
	case XEN_ELFNOTE_HYPERCALL_PAGE:
	case XEN_ELFNOTE_VIRT_BASE:
	case XEN_ELFNOTE_PADDR_OFFSET:
	case XEN_ELFNOTE_INIT_P2M:
	case XEN_ELFNOTE_MOD_START_PFN:
		rc = note_num(p, type, desc, descsz, &v);
		if (!rc)
			set_num(p, type, v);
		return rc;
	default:
		/*
		 * PAE_MODE, HV_START_LOW: 32-bit guests only; L1_MFN_VALID, SUSPEND_CANCEL:
		 * migration; PHYS32_ENTRY/RELOC: PVH; anything else: not ours.
		 */
		return 0;
	}
}

/* The note name must be "Xen" with its NUL; Xen compares it as a C string. */
static bool is_xen_name(const u8 *name, u64 namesz)
{
	return namesz >= 4 && !memcmp(name, "Xen", 4);
}

/* Walk the notes in elf[off, off + size), which the caller has bounds-checked. */
static int walk_notes(struct parse *p, u64 off, u64 size, const char *what, unsigned int idx)
{
	const u8 *area = p->elf + off;
	u64 pos = 0;

	/* Fewer bytes than a header left: the area's trailing padding. */
	while (size - pos >= NOTE_HDR) {
		const u8 *n = area + pos;
		u64 namesz = rd32(n), descsz = rd32(n + 4);
		u64 desc = pos + NOTE_HDR + ALIGN_UP(namesz, 4);
		int rc;

		if (++p->nr_notes > PV_MAX_NOTES)
			return fail(p, -EINVAL, "more than %u ELF notes", PV_MAX_NOTES);
		if (desc > size || descsz > size - desc)
			return fail(p, -EINVAL,
				    "ELF note at offset %#llx of %s %u runs past its end", ull(pos),
				    what, idx);
		if (is_xen_name(n + NOTE_HDR, namesz)) {
			rc = xen_note(p, rd32(n + 8), area + desc, descsz);
			if (rc)
				return rc;
			p->nr_xen_notes++;
		}
		/* The last descriptor's padding may lie beyond the area. */
		pos = MIN(desc + ALIGN_UP(descsz, 4), size);
	}
	return 0;
}

static int segment_notes(struct parse *p)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->phnum; i++) {
		const u8 *ph = phdr(p, i);
		u64 off = rd64(ph + P_OFFSET), size = rd64(ph + P_FILESZ);

		/* Old binutils wrote p_offset 0 for note segments; Xen skips them, so do we. */
		if (rd32(ph + P_TYPE) != PT_NOTE || !off)
			continue;
		if (!range_ok(off, size, p->len))
			return fail(p, -EINVAL, "note segment %u runs past the end of the image",
				    i);
		rc = walk_notes(p, off, size, "segment", i);
		if (rc)
			return rc;
	}
	return 0;
}

static int section_notes(struct parse *p)
{
	unsigned int i;
	int rc;

	for (i = 1; i < p->shnum; i++) {
		const u8 *sh = shdr(p, i);
		u64 off = rd64(sh + SH_OFFSET), size = rd64(sh + SH_SIZE);

		if (rd32(sh + SH_TYPE) != SHT_NOTE)
			continue;
		if (!range_ok(off, size, p->len))
			return fail(p, -EINVAL, "note section %u runs past the end of the image",
				    i);
		rc = walk_notes(p, off, size, "section", i);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether a section called name exists; a broken string table just means "no". */
static bool has_section(const struct parse *p, const char *name)
{
	u64 n = strlen(name) + 1, str_off, str_size;
	unsigned int i;

	if (p->shstrndx >= p->shnum)
		return false;
	str_off = rd64(shdr(p, p->shstrndx) + SH_OFFSET);
	str_size = rd64(shdr(p, p->shstrndx) + SH_SIZE);
	if (!range_ok(str_off, str_size, p->len))
		return false;
	for (i = 1; i < p->shnum; i++) {
		u64 name_off = rd32(shdr(p, i) + SH_NAME);

		if (range_ok(name_off, n, str_size) &&
		    !memcmp(p->elf + str_off + name_off, name, n))
			return true;
	}
	return false;
}

/* Xen's order: notes in PT_NOTE segments, else in SHT_NOTE sections, else __xen_guest. */
static int parse_notes(struct parse *p)
{
	int rc = segment_notes(p);

	if (!rc && !p->nr_xen_notes)
		rc = section_notes(p);
	if (rc || p->nr_xen_notes)
		return rc;
	if (has_section(p, "__xen_guest"))
		return fail(
			p, -ENOEXEC,
			"the kernel describes itself with a legacy __xen_guest section, which is "
			"not supported: only Xen ELF notes are");
	return fail(p, -ENOEXEC, "no Xen ELF notes: not a Xen PV kernel");
}

static const char *feature_name(unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (feature_names[i].bit == bit)
			return feature_names[i].name;
	return "?";
}

static int check_required_features(struct parse *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refused_features); i++)
		if (p->pi->required_features & (1u << refused_features[i].bit))
			return fail(p, -ENOEXEC,
				    "the kernel requires Xen feature '%s', which PV cannot "
				    "provide: %s",
				    feature_name(refused_features[i].bit),
				    refused_features[i].reason);
	return 0;
}

/* Xen's checks on what the notes say, and its defaults for what they leave out. */
static int check_notes(struct parse *p)
{
	struct pv_image *pi = p->pi;

	if (strncmp(pi->loader, "generic", 7) && strncmp(pi->guest_os, "linux", 5))
		return fail(p, -ENOEXEC,
			    "the kernel is built for loader '%s' and OS '%s'; Xen PV loaders take "
			    "only the generic loader or Linux",
			    pi->loader, pi->guest_os);
	if (strncmp(pi->xen_version, "xen-3.0", 7))
		return fail(p, -ENOEXEC, "the kernel is built for Xen ABI '%s', not xen-3.0",
			    pi->xen_version);
	if (p->bsd_symtab)
		return fail(p, -ENOEXEC,
			    "the kernel asks for its symbol table to be loaded (BSD_SYMTAB), "
			    "which is not supported");
	if (check_required_features(p))
		return -ENOEXEC;
	/* PADDR_OFFSET is relative to VIRT_BASE; alone it means a confused image. */
	if (p->have_paddr_offset && !p->have_virt_base)
		return fail(p, -EINVAL, "the PADDR_OFFSET note is set but VIRT_BASE is not");
	/* VIRT_BASE maps pfn 0; the whole pfn-to-VA arithmetic needs it page aligned. */
	if (!IS_ALIGNED(pi->virt_base, PAGE_SIZE))
		return fail(p, -EINVAL, "VIRT_BASE %#llx is not page aligned", ull(pi->virt_base));
	if (!p->have_entry)
		pi->entry = rd64(p->elf + E_ENTRY);
	return 0;
}

static int add_segment(struct parse *p, unsigned int i, const u8 *ph)
{
	struct pv_image *pi = p->pi;
	u64 off = rd64(ph + P_OFFSET), paddr = rd64(ph + P_PADDR);
	u64 filesz = rd64(ph + P_FILESZ), memsz = rd64(ph + P_MEMSZ);
	u64 rel, va;

	if (filesz > memsz)
		return fail(p, -EINVAL, "segment %u: file size %#llx exceeds memory size %#llx", i,
			    ull(filesz), ull(memsz));
	if (!range_ok(off, filesz, p->len))
		return fail(p, -EINVAL, "segment %u runs past the end of the image", i);
	if (memsz > PV_MAX_KERNEL_SPAN)
		return fail(p, -EINVAL, "segment %u is %llu MiB, more than a PV kernel can be", i,
			    ull(memsz >> 20));
	if (!memsz)
		return 0; /* occupies nothing */
	/* Placed by p_paddr: Linux's percpu segment has p_vaddr 0. */
	if (paddr < pi->paddr_offset)
		return fail(p, -EINVAL,
			    "segment %u: physical address %#llx is below PADDR_OFFSET %#llx", i,
			    ull(paddr), ull(pi->paddr_offset));
	rel = paddr - pi->paddr_offset;
	if (rel > ~pi->virt_base || memsz > ~(pi->virt_base + rel))
		return fail(p, -EINVAL, "segment %u wraps around the top of the address space", i);
	va = pi->virt_base + rel;
	if (pi->nr_segs == PV_MAX_SEGS)
		return fail(p, -EINVAL, "more than %u loadable segments", PV_MAX_SEGS);
	p->seg_phdr[pi->nr_segs] = i;
	pi->segs[pi->nr_segs++] = (struct pv_segment){ va, p->base + off, filesz, memsz };
	return 0;
}

/* Loadable as Xen defines it: PT_LOAD with at least one of R, W, X. */
static int load_segments(struct parse *p)
{
	unsigned int i;
	int rc;

	for (i = 0; i < p->phnum; i++) {
		const u8 *ph = phdr(p, i);

		if (rd32(ph + P_TYPE) != PT_LOAD || !(rd32(ph + P_FLAGS) & PF_RWX))
			continue;
		rc = add_segment(p, i, ph);
		if (rc)
			return rc;
	}
	if (!p->pi->nr_segs)
		return fail(p, -EINVAL, "the ELF image has no loadable segments");
	return 0;
}

static u64 seg_end(const struct pv_segment *s)
{
	return s->va + s->memsz; /* add_segment() made sure this does not wrap */
}

static int check_overlaps(struct parse *p)
{
	const struct pv_image *pi = p->pi;
	unsigned int i, j;

	for (i = 0; i < pi->nr_segs; i++)
		for (j = i + 1; j < pi->nr_segs; j++)
			if (pi->segs[i].va < seg_end(&pi->segs[j]) &&
			    pi->segs[j].va < seg_end(&pi->segs[i]))
				return fail(p, -EINVAL, "segments %u and %u overlap at %#llx",
					    p->seg_phdr[i], p->seg_phdr[j],
					    ull(MAX(pi->segs[i].va, pi->segs[j].va)));
	return 0;
}

/* See pvimage.h. */
bool pv_va_range_usable(u64 start, u64 end)
{
	if (end <= start)
		return false;
	if (start < VA_LOW_END)
		return end <= VA_LOW_END;
	if (start < VA_HIGH_START)
		return false; /* non-canonical */
	return start >= PV_HOLE_END;
}

static int check_span(struct parse *p)
{
	struct pv_image *pi = p->pi;
	u64 lo = ~0ULL, hi = 0;
	unsigned int i;

	for (i = 0; i < pi->nr_segs; i++) {
		lo = MIN(lo, pi->segs[i].va);
		hi = MAX(hi, seg_end(&pi->segs[i]));
	}
	if (hi > ~0ULL - PAGE_SIZE + 1)
		return fail(p, -EINVAL,
			    "the segments reach into the last page of the address space");
	pi->virt_kstart = ALIGN_DOWN(lo, PAGE_SIZE);
	pi->virt_kend = ALIGN_UP(hi, PAGE_SIZE);
	if (pi->virt_kend - pi->virt_kstart > PV_MAX_KERNEL_SPAN)
		return fail(p, -EINVAL, "the segments span %#llx-%#llx, more than %llu MiB",
			    ull(pi->virt_kstart), ull(pi->virt_kend), ull(PV_MAX_KERNEL_SPAN >> 20));
	if (!pv_va_range_usable(pi->virt_kstart, pi->virt_kend))
		return fail(p, -EINVAL,
			    "the kernel's VA range %#llx-%#llx is not canonical or overlaps the "
			    "hypervisor's area",
			    ull(pi->virt_kstart), ull(pi->virt_kend));
	return 0;
}

static bool in_segment(const struct pv_image *pi, u64 va)
{
	unsigned int i;

	for (i = 0; i < pi->nr_segs; i++)
		if (va >= pi->segs[i].va && va - pi->segs[i].va < pi->segs[i].memsz)
			return true;
	return false;
}

/* The addresses the notes give must make sense against the segments. */
static int check_addresses(struct parse *p)
{
	const struct pv_image *pi = p->pi;
	u64 hc = pi->hypercall_page, p2m = pi->init_p2m;

	/* Stricter than Xen's kstart <= entry <= kend: the entry must be loaded code. */
	if (!in_segment(pi, pi->entry))
		return fail(p, -EINVAL, "entry point %#llx is outside every loaded segment",
			    ull(pi->entry));
	/* The hypervisor writes a whole page there. */
	if (pi->has_hypercall_page &&
	    (!IS_ALIGNED(hc, PAGE_SIZE) || hc < pi->virt_kstart || hc >= pi->virt_kend))
		return fail(p, -EINVAL, "HYPERCALL_PAGE %#llx is not a page of the kernel",
			    ull(hc));
	if (!p2m)
		return 0;
	if (!IS_ALIGNED(p2m, PAGE_SIZE) || p2m > ~0ULL - PAGE_SIZE ||
	    !pv_va_range_usable(p2m, p2m + PAGE_SIZE))
		return fail(p, -EINVAL,
			    "INIT_P2M %#llx is not a page-aligned canonical address outside the "
			    "hypervisor's area",
			    ull(p2m));
	if (p2m >= pi->virt_kstart && p2m < pi->virt_kend)
		return fail(p, -EINVAL, "INIT_P2M %#llx lies inside the kernel", ull(p2m));
	return 0;
}

/* Parse a PV kernel image (see pvimage.h). */
int pv_image_parse(const void *img, size_t len, struct pv_image *pi, char *why, size_t why_len)
{
	struct parse p = { .pi = pi, .why = why, .why_len = why_len };
	int rc;

	if (why && why_len)
		why[0] = '\0';
	if (!pi)
		return fail(&p, -EINVAL, "no result buffer");
	memset(pi, 0, sizeof(*pi));
	if (!img)
		return fail(&p, -EINVAL, "no image");
	rc = find_elf(&p, img, len);
	if (!rc)
		rc = parse_ehdr(&p);
	if (!rc)
		rc = parse_notes(&p);
	if (!rc)
		rc = check_notes(&p);
	if (!rc)
		rc = load_segments(&p);
	if (!rc)
		rc = check_overlaps(&p);
	if (!rc)
		rc = check_span(&p);
	if (!rc)
		rc = check_addresses(&p);
	if (rc)
		memset(pi, 0, sizeof(*pi)); /* no half-parsed result for a careless caller */
	return rc;
}

/* See pvimage.h. */
bool pv_image_supports_dom0(const struct pv_image *pi)
{
	return !pi->has_supported_features_note || (pi->supported_features & (1u << PV_FEAT_DOM0));
}

/* See pvimage.h. */
bool pv_image_supports_domu(const struct pv_image *pi)
{
	return !(pi->required_features & (1u << PV_FEAT_DOM0));
}
