/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kestrel's virtual memory layout: everything lives in the hole that 64-bit PV guests
 * leave to the hypervisor, PML4 slots 256-271 (0xffff800000000000-0xffff87ffffffffff).
 * docs/memory-layout.md explains each region. Usable from assembly.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLY__
#define _AC(x, y) x
#else
#define _AC(x, y) x##y
#endif

#define HOLE_VIRT_START _AC(0xffff800000000000, UL) /* = the ABI's HYPERVISOR_VIRT_START */
#define HOLE_VIRT_END _AC(0xffff880000000000, UL)
#define HYPERVISOR_L4_FIRST 256
#define HYPERVISOR_L4_LAST 271

/* Slot 256: the machine-to-phys table, read-only, as every PV guest sees it. */
#define RO_MPT_VIRT_START _AC(0xffff800000000000, UL)
#define RO_MPT_VIRT_END _AC(0xffff804000000000, UL) /* 256 GiB: 2^35 frames */

/* Slot 257: per-domain mappings (guest GDT/LDT frames), filled per vCPU later. */
#define PERDOMAIN_VIRT_START _AC(0xffff808000000000, UL)

/* Slot 258: the machine-to-phys table, writable view for the hypervisor. */
#define RDWR_MPT_VIRT_START _AC(0xffff810000000000, UL)

/* Slot 259: the frame table, one struct page_info per machine frame. */
#define FRAMETABLE_VIRT_START _AC(0xffff818000000000, UL)
#define FRAMETABLE_VIRT_END _AC(0xffff820000000000, UL)

/* Slot 260: device mappings (uncached) and per-CPU stacks with guard pages. */
#define IOREMAP_VIRT_START _AC(0xffff820000000000, UL)
#define IOREMAP_VIRT_END _AC(0xffff820040000000, UL) /* 1 GiB */
#define STACKS_VIRT_START _AC(0xffff820040000000, UL)
#define STACK_STRIDE _AC(0x10000, UL) /* 64 KiB of address space per CPU */

/* Slot 261: the hypervisor image; image VA = IMAGE_VIRT_BASE + physical address. */
#define IMAGE_VIRT_BASE _AC(0xffff828000000000, UL)
#define IMAGE_PHYS_START _AC(0x200000, UL)
#define IMAGE_VIRT_START (IMAGE_VIRT_BASE + IMAGE_PHYS_START)

/* Slots 262-271: the direct map of machine memory (5 TiB). */
#define DIRECTMAP_VIRT_START _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_END _AC(0xffff880000000000, UL)

/* Where application processors start (real mode, below 1 MiB, page aligned). */
#define TRAMPOLINE_PHYS _AC(0x8000, UL)

/* Stacks: the main one per CPU, plus one page each for the IST vectors. */
#define STACK_ORDER 2 /* 16 KiB */
#define STACK_SIZE (_AC(4096, UL) << STACK_ORDER)

#define NR_CPUS 64

/* Hypervisor selectors, placed where Xen puts them so guest GDTs can share the table. */
#define GDT_RESERVED_FIRST 7168 /* = the ABI's FIRST_RESERVED_GDT_ENTRY */
#define __HYPERVISOR_CS 0xe008
#define __HYPERVISOR_DS 0xe010
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_CS64 0xe033
#define TSS_SELECTOR 0xe040
#define GDT_ENTRIES 8192

/*
 * Flat descriptors for the boot GDTs (head.S, trampoline.S):
 * 0x08 32-bit code, 0x10 data, 0x18 64-bit code.
 */
#define BOOT_GDT_CODE32 0x00cf9a000000ffff
#define BOOT_GDT_DATA 0x00cf92000000ffff
#define BOOT_GDT_CODE64 0x00af9a000000ffff

/* isa-debug-exit device (testmode); the codes are TEST_EXIT_* in kestrel/kernel.h. */
#define DEBUG_EXIT_PORT 0xf4

#endif
