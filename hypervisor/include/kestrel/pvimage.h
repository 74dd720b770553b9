/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV kernel image parser (common/pvimage.c, host-tested): an x86_64 ELF kernel carrying
 * Xen ELF notes, as Xen's libelf and PV domain builders read it, either bare or as the
 * uncompressed ELF payload of a bzImage.
 *
 * The image is hostile input (a boot module now, a dom0 user's buffer later): every
 * offset, size and count in it is checked against the bytes given, and nothing outside
 * [img, img + len) is ever read. The parser only describes the image; it copies nothing.
 */
#ifndef KESTREL_PVIMAGE_H
#define KESTREL_PVIMAGE_H

#include <kestrel/types.h>

#define PV_MAX_SEGS 16
/* No PV kernel spans more than this; the bootstrap region must hold it all anyway. */
#define PV_MAX_KERNEL_SPAN GB(1)

/* XENFEAT_* bit numbers (Xen public features.h) that the parser interprets. */
#define PV_FEAT_WRITABLE_PAGE_TABLES	   0
#define PV_FEAT_WRITABLE_DESCRIPTOR_TABLES 1
#define PV_FEAT_AUTO_TRANSLATED_PHYSMAP	   2
#define PV_FEAT_SUPERVISOR_MODE_KERNEL	   3
#define PV_FEAT_PAE_PGDIR_ABOVE_4GB	   4
#define PV_FEAT_HVM_CALLBACK_VECTOR	   8
#define PV_FEAT_DOM0			   11

/* One PT_LOAD segment, placed by physical address: va = virt_base + p_paddr - paddr_offset. */
struct pv_segment {
	u64 va;
	u64 file_off; /* offset of the segment's bytes from img, also for a bzImage payload */
	u64 filesz;
	u64 memsz; /* >= filesz; the rest is zero-filled */
};

struct pv_image {
	u64 entry;	    /* XEN_ELFNOTE_ENTRY, else e_entry */
	u64 virt_base;	    /* XEN_ELFNOTE_VIRT_BASE, 0 when absent (Xen's default) */
	u64 paddr_offset;   /* XEN_ELFNOTE_PADDR_OFFSET, 0 when absent (Xen's rule for notes) */
	u64 hypercall_page; /* VA, valid when has_hypercall_page */
	bool has_hypercall_page;
	u64 init_p2m;	    /* VA from XEN_ELFNOTE_INIT_P2M, 0 = none */
	bool mod_start_pfn; /* XEN_ELFNOTE_MOD_START_PFN != 0: takes an unmapped initrd */
	/*
	 * Submap 0 of what the kernel supports: XEN_ELFNOTE_SUPPORTED_FEATURES ORed with the
	 * names listed in XEN_ELFNOTE_FEATURES, as Xen combines them.
	 */
	u32 supported_features;
	bool has_supported_features_note; /* the SUPPORTED_FEATURES note was present */
	u32 required_features;		  /* names marked '!' in XEN_ELFNOTE_FEATURES */
	char features[128]; /* XEN_ELFNOTE_FEATURES string, NUL-terminated here (truncated) */
	char guest_os[32], guest_version[32], xen_version[32], loader[32];
	u64 virt_kstart, virt_kend; /* VA span of all loaded segments, page aligned outwards */
	unsigned int nr_segs;
	struct pv_segment segs[PV_MAX_SEGS];
	bool is_elf64;
};

/*
 * Parse the kernel image img[0..len) into *pi (cleared first).
 * Returns 0, or a negative errno with a human-readable reason in why[why_len] (why may be
 * NULL): -ENOEXEC when the image is not a kernel Kestrel can run (not ELF, ELF32, not
 * x86_64, no Xen notes, a compressed bzImage, a required feature PV cannot provide), or
 * -EINVAL when it is malformed (anything out of bounds, overlapping or inconsistent).
 */
int pv_image_parse(const void *img, size_t len, struct pv_image *pi, char *why, size_t why_len);

/* The xz-compressed payload of a bzImage (Debian's kernels), to unpack before parsing. */
struct pv_packed {
	const u8 *data;   /* the .xz stream */
	u64 len;          /* its length, without the trailing size word */
	u64 unpacked_len; /* what it unpacks to: the little-endian word after the stream */
};

/*
 * Is img[0..len) a bzImage whose payload is xz-compressed? Returns 0 with *pk filled, or
 * -ENOENT (not such an image; pv_image_parse() says what it is) or -EINVAL (the payload
 * runs past the image or is too short to hold a stream and its size word).
 */
int pv_image_packed(const void *img, size_t len, struct pv_packed *pk);

/*
 * Whether the kernel may be booted as dom0. Xen's rule: refused only when the kernel has a
 * SUPPORTED_FEATURES note that lacks XENFEAT_dom0 (old kernels without the note pass).
 */
bool pv_image_supports_dom0(const struct pv_image *pi);

/*
 * Whether [start, end) may hold guest mappings: non-empty, canonical (within one half of
 * the address space) and clear of the hypervisor's L4 slots 256-271.
 */
bool pv_va_range_usable(u64 start, u64 end);

/* Whether the kernel may be booted as a domU: it must not require XENFEAT_dom0. */
bool pv_image_supports_domu(const struct pv_image *pi);

#endif
