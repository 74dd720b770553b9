/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: feature flags reported by XENVER_get_features.
 *
 * Each value is a bit number in the 32-bit submap 0 (bit N of submap i is
 * feature 32 * i + N). A set bit means "the hypervisor offers this".
 * What Kestrel reports to a 64-bit PV domain is listed in docs/abi/xen_version.md.
 */
#ifndef KESTREL_PUBLIC_FEATURES_H
#define KESTREL_PUBLIC_FEATURES_H

/* Page tables may be written directly; the hypervisor emulates the writes. */
#define XENFEAT_writable_page_tables		0
/* Descriptor tables may be written directly. Never offered to PV guests. */
#define XENFEAT_writable_descriptor_tables	1
/* Guest frame numbers are translated (HVM/PVH); never set for PV. */
#define XENFEAT_auto_translated_physmap		2
/* The guest kernel runs in ring 0. Not offered. */
#define XENFEAT_supervisor_mode_kernel		3
/* 32-bit PAE guests may place their L3 above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb		4
/* mmu_update accepts MMU_PT_UPDATE_PRESERVE_AD. Required by Linux. */
#define XENFEAT_mmu_pt_update_preserve_ad	5
/* MMUEXT_CLEAR_PAGE / MMUEXT_COPY_PAGE are available. */
#define XENFEAT_highmem_assist			6
/* Grant mappings accept GNTMAP_guest_avail bits. Required by Linux. */
#define XENFEAT_gnttab_map_avail_bits		7
/* HVM: events may be delivered through an IDT vector. */
#define XENFEAT_hvm_callback_vector		8
/* HVM: pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock		9
/* HVM: physical interrupts are routed over event channels. */
#define XENFEAT_hvm_pirqs			10
/* The domain is the initial (hardware) domain. */
#define XENFEAT_dom0				11
/* Arm: grant mappings are 1:1. Deprecated; Xen's own header leaves it commented out. */
#define XENFEAT_grant_map_identity		12
/* XENMEM operations accept vNUMA node information. */
#define XENFEAT_memory_op_vnode_supported	13
/* Arm: SMCCC firmware calls are available. */
#define XENFEAT_ARM_SMCCC_supported		14
/* x86 PVH, "linux" guests: the ACPI RSDP may live above the first 1 MiB. */
#define XENFEAT_linux_rsdp_unrestricted		15
/* Guest memory is not 1:1 with machine memory (translated guests). */
#define XENFEAT_not_direct_mapped		16
/* Guest frame numbers equal machine frame numbers (always true for PV). */
#define XENFEAT_direct_mapped			17

/* Number of 32-bit submaps defined. */
#define XENFEAT_NR_SUBMAPS			1

#endif /* KESTREL_PUBLIC_FEATURES_H */
