/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables Kestrel needs at boot: the MADT (which local APICs exist) and the FADT
 * (where the PM timer is, the CMOS century register). The RSDP comes from the boot loader
 * (multiboot2 passes a copy) or from the legacy BIOS areas. Firmware tables are checked
 * (signatures, lengths, checksums) before use; a bad one is reported and skipped.
 */
#include <kestrel/errno.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include "arch-x86.h"

#define ACPI_TABLE_MAX_LEN MB(1)

struct acpi_header {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

struct acpi_rsdp {
	char sig[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 ext_checksum;
	u8 reserved[3];
} __packed;

/* Filled by acpi_init() on the boot CPU, read-only afterwards. */
struct acpi_info acpi_info;

static const void *acpi_map(paddr_t pa, size_t len)
{
	if (directmap_mapped(pa, len))
		return maddr_to_virt(pa);
	return ioremap(pa, len);
}

static u8 checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static const struct acpi_rsdp *rsdp_scan(paddr_t start, size_t len)
{
	const u8 *p = acpi_map(start, len);

	for (size_t off = 0; p && off + 20 <= len; off += 16)
		if (!memcmp(p + off, "RSD PTR ", 8) && !checksum(p + off, 20))
			return (const struct acpi_rsdp *)(p + off);
	return NULL;
}

static const struct acpi_rsdp *find_rsdp(const struct boot_info *bi)
{
	const struct acpi_rsdp *r;
	u16 ebda_seg;

	if (bi->rsdp_len >= 20 && !memcmp(bi->rsdp, "RSD PTR ", 8) && !checksum(bi->rsdp, 20))
		return (const struct acpi_rsdp *)bi->rsdp;
	ebda_seg = *(const u16 *)acpi_map(0x40e, 2);
	if (ebda_seg && (r = rsdp_scan((paddr_t)ebda_seg << 4, 1024)))
		return r;
	return rsdp_scan(0xe0000, 0x20000);
}

/* Map and check one table; NULL (with a warning) when it is unusable. */
static const struct acpi_header *table_map(paddr_t pa)
{
	const struct acpi_header *h = acpi_map(pa, sizeof(*h));

	if (!h)
		return NULL;
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX_LEN) {
		printk(KERN_WARNING "acpi: table at %#llx has bad length %u, skipped\n",
		       (unsigned long long)pa, h->length);
		return NULL;
	}
	h = acpi_map(pa, h->length);
	if (h && checksum(h, h->length))
		printk(KERN_WARNING "acpi: %.4s checksum is wrong (used anyway)\n", h->sig);
	return h;
}

static void parse_madt(const struct acpi_header *h)
{
	const u8 *p = (const u8 *)h + 44, *end = (const u8 *)h + h->length;

	acpi_info.lapic_base = *(const u32 *)((const u8 *)h + 36);
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		u32 id = ~0U, flags = 0;

		if (p[0] == 0 && p[1] >= 8) { /* processor local APIC */
			id = p[3];
			flags = *(const u32 *)(p + 4);
		} else if (p[0] == 9 && p[1] >= 16) { /* processor local x2APIC */
			id = *(const u32 *)(p + 4);
			flags = *(const u32 *)(p + 8);
		} else if (p[0] == 5 && p[1] >= 12) { /* local APIC address override */
			acpi_info.lapic_base = *(const u64 *)(p + 4);
		}
		if (id != ~0U && (flags & 1)) {
			if (acpi_info.nr_lapics < NR_CPUS)
				acpi_info.lapic_ids[acpi_info.nr_lapics++] = id;
			else
				printk(KERN_WARNING "acpi: CPU with APIC id %u ignored (NR_CPUS=%u)\n",
				       id, NR_CPUS);
		}
		p += p[1];
	}
}

static void parse_fadt(const struct acpi_header *h)
{
	const u8 *t = (const u8 *)h;

	if (h->length >= 80)
		acpi_info.pm_timer_port = (u16)*(const u32 *)(t + 76);
	if (h->length >= 109)
		acpi_info.century_reg = t[108];
	if (h->length >= 116)
		acpi_info.pm_timer_32bit = *(const u32 *)(t + 112) & (1U << 8);
	/* X_PM_TMR_BLK, when present and in I/O space, wins */
	if (h->length >= 220 && t[208] == 1 && *(const u64 *)(t + 212))
		acpi_info.pm_timer_port = (u16)*(const u64 *)(t + 212);
}

/**
 * acpi_init - find the RSDP, walk the RSDT/XSDT and read the MADT and FADT.
 * Returns 0, or -ENODEV when there are no ACPI tables (Kestrel then runs on the boot CPU
 * alone and calibrates with the PIT).
 */
int acpi_init(const struct boot_info *bi)
{
	const struct acpi_rsdp *rsdp = find_rsdp(bi);
	const struct acpi_header *root;
	bool x;
	unsigned int n;

	if (!rsdp) {
		printk(KERN_WARNING "acpi: no RSDP found; only the boot CPU will run\n");
		return -ENODEV;
	}
	x = rsdp->revision >= 2 && rsdp->xsdt;
	root = table_map(x ? rsdp->xsdt : rsdp->rsdt);
	if (!root)
		return -ENODEV;
	n = (root->length - sizeof(*root)) / (x ? 8 : 4);
	for (unsigned int i = 0; i < n; i++) {
		const u8 *entries = (const u8 *)(root + 1);
		paddr_t pa = x ? *(const u64 *)(entries + 8 * i) : *(const u32 *)(entries + 4 * i);
		const struct acpi_header *h = table_map(pa);

		if (!h)
			continue;
		if (!memcmp(h->sig, "APIC", 4))
			parse_madt(h);
		else if (!memcmp(h->sig, "FACP", 4))
			parse_fadt(h);
	}
	printk("acpi: %s rev %u, %u CPUs in the MADT, PM timer %s%#x\n", x ? "XSDT" : "RSDT",
	       rsdp->revision, acpi_info.nr_lapics, acpi_info.pm_timer_port ? "at " : "none ",
	       acpi_info.pm_timer_port);
	return 0;
}
