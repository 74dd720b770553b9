/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: ELF notes a PV kernel image uses to describe itself to
 * the domain builder.
 *
 * Each note lives in a PT_NOTE segment (conventionally section .note.Xen)
 * with owner name "Xen" and one of the types below. Descriptor formats:
 *   string   NUL-terminated ASCII (Linux's FEATURES note is not terminated:
 *            take descsz bytes and stop at the first NUL, if any)
 *   numeric  little-endian integer of 1, 2, 4 or 8 bytes; the width is
 *            descsz, so builders must not assume 8
 * What the Kestrel builder does with each note is in docs/abi/boot.md.
 */
#ifndef KESTREL_PUBLIC_ELFNOTE_H
#define KESTREL_PUBLIC_ELFNOTE_H

/* Free-form NAME=VALUE string; informational. */
#define XEN_ELFNOTE_INFO		0
/* Numeric: virtual address of the entry point (initial RIP). */
#define XEN_ELFNOTE_ENTRY		1
/* Numeric: VA of a page the builder fills with hypercall stubs. */
#define XEN_ELFNOTE_HYPERCALL_PAGE	2
/* Numeric: VA at which pseudo-physical address 0 is mapped. Default 0. */
#define XEN_ELFNOTE_VIRT_BASE		3
/* Numeric: subtracted from p_paddr to get the pseudo-physical load address. */
#define XEN_ELFNOTE_PADDR_OFFSET	4
/* String: ABI family the kernel was written for, e.g. "xen-3.0". */
#define XEN_ELFNOTE_XEN_VERSION		5
/* String: guest OS name, e.g. "linux"; informational. */
#define XEN_ELFNOTE_GUEST_OS		6
/* String: guest OS version; informational. */
#define XEN_ELFNOTE_GUEST_VERSION	7
/* String: loader type, "generic"; informational. */
#define XEN_ELFNOTE_LOADER		8
/* String: "yes"/"no"/"bimodal": 32-bit PAE support; ignored for 64-bit. */
#define XEN_ELFNOTE_PAE_MODE		9
/* String: '|'-separated XENFEAT_ names (no prefix); '!' marks "required". */
#define XEN_ELFNOTE_FEATURES		10
/* String "yes": load the symbol table after the image (BSD kernels). */
#define XEN_ELFNOTE_BSD_SYMTAB		11
/* Numeric: lowest start of the hypervisor hole the kernel copes with (32-bit). */
#define XEN_ELFNOTE_HV_START_LOW	12
/* Numeric pairs (mask, value): non-present L1 entries that still hold an MFN. */
#define XEN_ELFNOTE_L1_MFN_VALID	13
/* Numeric: non-zero if the kernel copes with a cancelled suspend. */
#define XEN_ELFNOTE_SUSPEND_CANCEL	14
/* Numeric: VA at which to map the initial p2m list, outside the boot region. */
#define XEN_ELFNOTE_INIT_P2M		15
/* Numeric: non-zero if mod_start may be an unmapped PFN (SIF_MOD_START_PFN). */
#define XEN_ELFNOTE_MOD_START_PFN	16
/* Numeric: 32-bit bitmap of XENFEAT_* the kernel supports. */
#define XEN_ELFNOTE_SUPPORTED_FEATURES	17
/* Numeric: 32-bit physical entry point for PVH boot; not used for PV. */
#define XEN_ELFNOTE_PHYS32_ENTRY	18

/* Highest note type defined by the Xen 4.17 ABI. */
#define XEN_ELFNOTE_MAX			XEN_ELFNOTE_PHYS32_ENTRY

/* Notes written into crash and core dumps (not read from kernel images). */
#define XEN_ELFNOTE_CRASH_INFO			0x1000001
#define XEN_ELFNOTE_CRASH_REGS			0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE		0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER		0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION	0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION	0x2000003

#endif /* KESTREL_PUBLIC_ELFNOTE_H */
