/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 part of domains and vCPUs: the 64-bit PV CPU model's state.
 *
 * A PV vCPU runs its kernel and its user space both at CPL 3; kernel_mode says which one
 * it is in. Each mode has its own root page table (guest_table, guest_table_user) and GS
 * base; the FS base is shared. While the vCPU runs, its registers live in the frame at the
 * top of the physical CPU's stack (guest_regs()); user_regs holds them only before the
 * first run.
 *
 * Locking: all fields are touched only by the CPU running the vCPU (or by the builder
 * before the vCPU first runs).
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <kestrel/types.h>
#include <asm/regs.h>
#include <public/xen.h>

#define PV_NR_TRAPS 256
#define PV_FPU_SIZE 512 /* FXSAVE area */
#define PV_NR_CALLBACKS 8 /* CALLBACKTYPE_* */

struct pv_trap {
	u64 address; /* 0 = no handler */
	u16 cs;
	u8 dpl;           /* lowest ring allowed to raise it with INT n */
	bool mask_events; /* entering the handler masks event delivery */
};

struct arch_vcpu {
	struct cpu_regs user_regs; /* initial registers, before the first run */
	bool kernel_mode;
	u64 guest_table;      /* kernel root L4, machine frame number (a type reference) */
	u64 guest_table_user; /* user root L4, 0 = none (a type reference) */

	struct pv_trap traps[PV_NR_TRAPS];
	u64 callback[PV_NR_CALLBACKS];
	bool callback_mask[PV_NR_CALLBACKS];

	u64 kernel_ss, kernel_sp; /* stack_switch: the stack user->kernel bounces use */
	u64 fs_base, gs_base_kernel, gs_base_user;
	bool fpu_ts;     /* virtual CR0.TS (fpu_taskswitch) */
	u64 cr4_shadow;  /* what the guest believes CR4 holds */
	unsigned int iopl; /* virtual IOPL (PHYSDEVOP_set_iopl) */
	u64 vm_assist;   /* VMASST_TYPE_* bits enabled */
	u64 tsc_aux;     /* what RDTSCP returns in ECX */
	u64 debugreg[8]; /* set_debugreg values (recorded, not loaded into the CPU) */
	u64 run_start_ns; /* system time the vCPU started running */
	bool nmi_pending, nmi_masked; /* a virtual NMI; masked from delivery to iret */

	struct vcpu_info *vcpu_info; /* the hypervisor's view of the current vcpu_info */
	bool vcpu_info_moved;        /* VCPUOP_register_vcpu_info done */
	u64 vcpu_info_mfn;           /* its frame, held with a writable type reference */
	u64 runstate_area;           /* guest VA of the vcpu_runstate_info, 0 = none */

	/* saved while the vCPU is not running (pv/context.c) */
	u16 data_sel[4];             /* ds, es, fs, gs */
	u8 fpu_buf[PV_FPU_SIZE + 16]; /* FXSAVE image, 16-byte aligned inside: pv_fpu_area() */

	u64 gdt_frames[FIRST_RESERVED_GDT_PAGE];
	unsigned int gdt_ents;
	u64 ldt_base;
	unsigned int ldt_ents;
};

struct arch_domain {
	struct shared_info *shared_info; /* hypervisor view (direct map) */
	u64 shared_info_mfn;
	u64 start_info_mfn;
	u64 hypercall_page_va; /* 0 = none */
};

#endif
