/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: physdev_op (hypercall 33), physical device and I/O
 * privilege operations.
 *
 *   long physdev_op(int cmd, void *arg)
 *
 * Most commands concern physical interrupts and PCI devices and only make
 * sense for the hardware domain; in this stage Kestrel declares them but
 * implements only PHYSDEVOP_set_iopl (and may return -XEN_ENOSYS for the
 * rest, which Linux tolerates when booted with acpi=off pci=off).
 * Common errors: -XEN_EFAULT (@arg not readable), -XEN_ENOSYS (unknown or
 * unimplemented @cmd), -XEN_EPERM (caller lacks the needed privilege).
 */
#ifndef KESTREL_PUBLIC_PHYSDEV_H
#define KESTREL_PUBLIC_PHYSDEV_H

#include "xen.h"

/*
 * PHYSDEVOP_set_iopl (arg: struct physdev_set_iopl *, IN)
 *   Set the vCPU's virtual I/O privilege level, 0..3. While the guest kernel
 *   runs with a virtual IOPL >= 1, its port I/O instructions are allowed
 *   (emulated or passed through) subject to the domain's I/O port
 *   permissions; guest user mode needs IOPL 3. Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_EINVAL (iopl > 3).
 */
#define PHYSDEVOP_set_iopl		6

/*
 * PHYSDEVOP_set_iobitmap (arg: struct physdev_set_iobitmap *, IN)
 *   Register a guest virtual address holding an x86 I/O permission bitmap
 *   (1 bit per port, 0 = allowed) covering nr_ports ports. Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_EINVAL (bitmap not accessible or nr_ports >
 *   65536).
 */
#define PHYSDEVOP_set_iobitmap		7

/* Interrupt and PCI management (hardware domain). Declared only. */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY	4	/* obsolete */
#define PHYSDEVOP_irq_status_query	5
#define PHYSDEVOP_apic_read		8
#define PHYSDEVOP_apic_write		9
#define PHYSDEVOP_alloc_irq_vector	10
#define PHYSDEVOP_free_irq_vector	11
#define PHYSDEVOP_eoi			12
#define PHYSDEVOP_map_pirq		13
#define PHYSDEVOP_unmap_pirq		14
#define PHYSDEVOP_manage_pci_add	15
#define PHYSDEVOP_manage_pci_remove	16
#define PHYSDEVOP_pirq_eoi_gmfn_v1	17
#define PHYSDEVOP_restore_msi		19
#define PHYSDEVOP_manage_pci_add_ext	20
#define PHYSDEVOP_setup_gsi		21
#define PHYSDEVOP_get_free_pirq		23
#define PHYSDEVOP_pci_mmcfg_reserved	24
#define PHYSDEVOP_pci_device_add	25
#define PHYSDEVOP_pci_device_remove	26
#define PHYSDEVOP_restore_msi_ext	27
#define PHYSDEVOP_pirq_eoi_gmfn_v2	28
#define PHYSDEVOP_dbgp_op		29
#define PHYSDEVOP_prepare_msix		30
#define PHYSDEVOP_release_msix		31
#define PHYSDEVOP_pirq_eoi_gmfn		PHYSDEVOP_pirq_eoi_gmfn_v2

/* physdev_irq_status_query.flags */
#define _XENIRQSTAT_needs_eoi		0
#define XENIRQSTAT_needs_eoi		(1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared		1
#define XENIRQSTAT_shared		(1U << _XENIRQSTAT_shared)

/* physdev_map_pirq.type */
#define MAP_PIRQ_TYPE_MSI		0x0
#define MAP_PIRQ_TYPE_GSI		0x1
#define MAP_PIRQ_TYPE_UNKNOWN		0x2
#define MAP_PIRQ_TYPE_MSI_SEG		0x3
#define MAP_PIRQ_TYPE_MULTI_MSI		0x4

/* physdev_pci_mmcfg_reserved.flags */
#define XEN_PCI_MMCFG_RESERVED		0x1

/* physdev_pci_device_add.flags */
#define XEN_PCI_DEV_EXTFN		0x1
#define XEN_PCI_DEV_VIRTFN		0x2
#define XEN_PCI_DEV_PXM			0x4

/* physdev_dbgp_op.op and .bus */
#define PHYSDEVOP_DBGP_RESET_PREPARE	1
#define PHYSDEVOP_DBGP_RESET_DONE	2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN	0
#define PHYSDEVOP_DBGP_BUS_PCI		1

#ifndef __ASSEMBLY__

/* PHYSDEVOP_set_iopl. 4 bytes. */
struct physdev_set_iopl {
	uint32_t iopl;			/* IN: 0..3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* PHYSDEVOP_set_iobitmap. 16 bytes. */
struct physdev_set_iobitmap {
	uint8_t *bitmap;		/* IN: guest VA of the bitmap */
	uint32_t nr_ports;		/* IN: ports covered, at most 65536 */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

/* PHYSDEVOP_eoi. 4 bytes. */
struct physdev_eoi {
	uint32_t irq;			/* IN: pirq to acknowledge */
};
typedef struct physdev_eoi physdev_eoi_t;

/* PHYSDEVOP_pirq_eoi_gmfn_v1/v2. 8 bytes. */
struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn;			/* IN: frame for the "needs EOI" bitmap */
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

/* PHYSDEVOP_irq_status_query. 8 bytes. */
struct physdev_irq_status_query {
	uint32_t irq;			/* IN: pirq */
	uint32_t flags;			/* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;

/* PHYSDEVOP_apic_read / apic_write. 16 bytes. */
struct physdev_apic {
	unsigned long apic_physbase;	/* IN: IO-APIC physical base */
	uint32_t reg;			/* IN: register index */
	uint32_t value;			/* IN (write) / OUT (read) */
};
typedef struct physdev_apic physdev_apic_t;

/* PHYSDEVOP_alloc_irq_vector / free_irq_vector. 8 bytes. */
struct physdev_irq {
	uint32_t irq;			/* IN */
	uint32_t vector;		/* IN (free) / OUT (alloc) */
};
typedef struct physdev_irq physdev_irq_t;

/* PHYSDEVOP_map_pirq. 40 bytes. */
struct physdev_map_pirq {
	domid_t domid;			/* IN */
	int type;			/* IN: MAP_PIRQ_TYPE_* */
	int index;			/* IN: GSI or MSI-X entry index */
	int pirq;			/* IN/OUT: requested (-1 = any) / assigned */
	int bus;			/* IN: PCI bus; bits 31:16 segment */
	int devfn;			/* IN */
	int entry_nr;			/* IN/OUT: MSI vector count */
	uint64_t table_base;		/* IN: MSI-X table base */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;

/* PHYSDEVOP_unmap_pirq. 8 bytes. */
struct physdev_unmap_pirq {
	domid_t domid;			/* IN */
	int pirq;			/* IN */
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;

/* PHYSDEVOP_manage_pci_add / remove. 2 bytes. */
struct physdev_manage_pci {
	uint8_t bus;			/* IN */
	uint8_t devfn;			/* IN */
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

/* PHYSDEVOP_restore_msi. 2 bytes. */
struct physdev_restore_msi {
	uint8_t bus;			/* IN */
	uint8_t devfn;			/* IN */
};
typedef struct physdev_restore_msi physdev_restore_msi_t;

/* PHYSDEVOP_manage_pci_add_ext. 16 bytes. */
struct physdev_manage_pci_ext {
	uint8_t bus;			/* IN */
	uint8_t devfn;			/* IN */
	uint32_t is_extfn;		/* IN */
	uint32_t is_virtfn;		/* IN */
	struct {
		uint8_t bus;		/* IN */
		uint8_t devfn;		/* IN */
	} physfn;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;

/* Argument of the obsolete hypercall 19 (physdev_op_compat). 24 bytes. */
struct physdev_op {
	uint32_t cmd;			/* IN: PHYSDEVOP_* */
	union {
		physdev_irq_status_query_t irq_status_query;
		physdev_set_iopl_t set_iopl;
		physdev_set_iobitmap_t set_iobitmap;
		physdev_apic_t apic_op;
		physdev_irq_t irq_op;
	} u;				/* IN/OUT: as for the command */
};
typedef struct physdev_op physdev_op_t;

/* PHYSDEVOP_setup_gsi. 8 bytes. */
struct physdev_setup_gsi {
	int gsi;			/* IN */
	uint8_t triggering;		/* IN: 0 edge, 1 level */
	uint8_t polarity;		/* IN: 0 active high, 1 active low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;

/* PHYSDEVOP_get_free_pirq. 8 bytes. */
struct physdev_get_free_pirq {
	int type;			/* IN: MAP_PIRQ_TYPE_* */
	uint32_t pirq;			/* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;

/* PHYSDEVOP_pci_mmcfg_reserved. 16 bytes. */
struct physdev_pci_mmcfg_reserved {
	uint64_t address;		/* IN */
	uint16_t segment;		/* IN */
	uint8_t start_bus;		/* IN */
	uint8_t end_bus;		/* IN */
	uint32_t flags;			/* IN: XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;

/* PHYSDEVOP_pci_device_add. 12 bytes plus optional words. */
struct physdev_pci_device_add {
	uint16_t seg;			/* IN */
	uint8_t bus;			/* IN */
	uint8_t devfn;			/* IN */
	uint32_t flags;			/* IN: XEN_PCI_DEV_* */
	struct {
		uint8_t bus;		/* IN */
		uint8_t devfn;		/* IN */
	} physfn;
	uint32_t optarr[];		/* IN: proximity domain with XEN_PCI_DEV_PXM */
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;

/* pci_device_remove, restore_msi_ext, prepare/release_msix. 4 bytes. */
struct physdev_pci_device {
	uint16_t seg;			/* IN */
	uint8_t bus;			/* IN */
	uint8_t devfn;			/* IN */
};
typedef struct physdev_pci_device physdev_pci_device_t;

/* PHYSDEVOP_dbgp_op. 6 bytes. */
struct physdev_dbgp_op {
	uint8_t op;			/* IN: PHYSDEVOP_DBGP_RESET_* */
	uint8_t bus;			/* IN: PHYSDEVOP_DBGP_BUS_* */
	union {
		physdev_pci_device_t pci; /* IN */
	} u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_PHYSDEV_H */
