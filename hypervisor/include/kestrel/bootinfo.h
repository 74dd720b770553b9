/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the boot loader told us, in one loader-independent structure
 * (common/multiboot.c parses multiboot1 and multiboot2 into it, host-tested).
 *
 * The parsers treat the loader's tables as untrusted input: every length, count and
 * pointer is bounds-checked; a malformed part is reported with
 * printk(KERN_WARNING "multiboot: ...") and skipped, counted in bi->warnings.
 */
#ifndef KESTREL_BOOTINFO_H
#define KESTREL_BOOTINFO_H

#include <kestrel/types.h>

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

#define BOOT_MAX_MMAP 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_CMDLINE_MAX 256
#define BOOT_LOADER_NAME_MAX 64
#define BOOT_RSDP_MAX 36

/* E820 memory types */
#define MMAP_RAM 1
#define MMAP_RESERVED 2
#define MMAP_ACPI 3
#define MMAP_NVS 4
#define MMAP_BAD 5

struct boot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
};

struct boot_module {
	u64 start; /* physical, inclusive */
	u64 end;   /* physical, exclusive */
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_info {
	int protocol; /* 1 or 2 */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_LOADER_NAME_MAX];
	bool have_meminfo;
	u32 mem_lower_kb, mem_upper_kb;
	unsigned int nr_mmap;
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned int rsdp_len; /* 0 = the loader passed no RSDP copy */
	u8 rsdp[BOOT_RSDP_MAX];
	unsigned int warnings;
};

/*
 * Maps len bytes of physical memory at paddr for reading. Returns NULL when the range is
 * not accessible (the parsers then report and skip that part). ctx is passed through.
 */
typedef const void *(*boot_map_fn)(u64 paddr, size_t len, void *ctx);

/*
 * Parse the multiboot1 information structure at info_paddr / the multiboot2 tag list at
 * info_paddr into *bi (which is cleared first).
 * Returns 0 when a usable result came out (a memory map, from the mmap tags or else the
 * basic mem_lower/mem_upper fields), or -EINVAL when the structure itself is unreadable
 * or holds no memory information at all. Problems in optional parts only add warnings.
 */
int mb1_parse(u64 info_paddr, boot_map_fn map, void *ctx, struct boot_info *bi);
int mb2_parse(u64 info_paddr, boot_map_fn map, void *ctx, struct boot_info *bi);

/*
 * Put the memory map in order: drop zero-length entries, sort by address, and make the
 * entries disjoint, where overlapping entries of different types resolve to the most
 * restrictive type (anything but RAM wins over RAM; higher type number wins otherwise);
 * adjacent entries of the same type merge.
 */
void boot_mmap_sanitize(struct boot_info *bi);

/*
 * Multiboot1 loaders (QEMU -kernel, GRUB's legacy multiboot) put the image's path first on
 * the command line; multiboot2 GRUB does not. Drops the first word and the spaces after it
 * from cmdline, in place. Xen does the same for multiboot1.
 */
void boot_cmdline_drop_image(char *cmdline);

/* Total bytes of MMAP_RAM, and the end of the highest RAM range. */
u64 boot_mmap_ram_bytes(const struct boot_info *bi);
u64 boot_mmap_ram_end(const struct boot_info *bi);

#endif
