/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: x86_64 part of the paravirtualised (PV) interface.
 *
 * Everything here is binary compatible with the x86_64 PV ABI of Xen 4.17:
 * the same numbers, the same structure sizes and the same field offsets.
 * Field names follow the names guest kernels already use, so code written
 * for that ABI compiles against these headers unchanged.
 *
 * Conventions used in every header of this directory:
 *   IN      the guest fills the field in, the hypervisor only reads it;
 *   OUT     the hypervisor writes the field, the guest only reads it;
 *   IN/OUT  read by the hypervisor, then overwritten with a result.
 * For structures living in shared memory (shared_info, vcpu_info, ...)
 * the marks describe who is expected to write each field.
 *
 * Usable from C (gnu11, hosted or freestanding; only <stdint.h> is needed)
 * and from assembly (.S files, or with __ASSEMBLY__ defined): there only the
 * constants are visible.
 */
#ifndef KESTREL_PUBLIC_ARCH_X86_64_H
#define KESTREL_PUBLIC_ARCH_X86_64_H

#ifndef __x86_64__
#error "arch-x86_64.h describes the 64-bit x86 guest ABI only"
#endif

/* gcc defines __ASSEMBLER__ for .S files; accept it as well as __ASSEMBLY__. */
#if defined(__ASSEMBLER__) && !defined(__ASSEMBLY__)
#define __ASSEMBLY__ 1
#endif

/*
 * Integer-constant helpers: in C they add the right suffix, in assembly they
 * leave the bare number. The argument is macro-expanded before the suffix is
 * pasted on, so xen_mk_ulong(SOME_MACRO) works.
 */
#ifdef __ASSEMBLY__
#define xen_mk_uint(x)		x
#define xen_mk_ulong(x)		x
#define xen_mk_ullong(x)	x
#else
#define __kxen_paste_u(x)	x##U
#define __kxen_paste_ul(x)	x##UL
#define __kxen_paste_ull(x)	x##ULL
#define xen_mk_uint(x)		__kxen_paste_u(x)
#define xen_mk_ulong(x)		__kxen_paste_ul(x)
#define xen_mk_ullong(x)	__kxen_paste_ull(x)
#endif

#ifndef __ASSEMBLY__
#include <stdint.h>

/* A register-sized unsigned value: 8 bytes on x86_64. */
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

/* A frame number (machine or pseudo-physical, depending on context). */
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn	"lx"
#define PRIu_xen_pfn	"lu"

/* A callback entry point. On x86_64 only the address matters (no CS). */
typedef unsigned long xen_callback_t;

/* Time stamp counter value as returned by RDTSC. */
typedef uint64_t tsc_timestamp_t;
#endif /* !__ASSEMBLY__ */

/*
 * Guest handles.
 *
 * A "guest handle" is a guest virtual address that the hypervisor reads or
 * writes on behalf of the caller, interpreted in the address space that is
 * current when the hypercall is made (the guest kernel page tables). For a
 * 64-bit guest it is exactly one 8-byte pointer, so Kestrel spells it as a
 * plain C pointer: XEN_GUEST_HANDLE(mmu_update_t) is "mmu_update_t *".
 * This is layout-identical to the one-member wrapper structure other
 * implementations use.
 */
#ifndef __ASSEMBLY__
#define XEN_GUEST_HANDLE(type)			type *
#define XEN_GUEST_HANDLE_PARAM(type)		type *
#define XEN_GUEST_HANDLE_64(type)		type *
#define set_xen_guest_handle(hnd, val)		do { (hnd) = (val); } while (0)
#define set_xen_guest_handle_raw(hnd, val)	set_xen_guest_handle(hnd, val)
#define guest_handle_is_null(hnd)		((hnd) == 0)
#endif

/*
 * Selectors the hypervisor keeps in the reserved upper part of every guest
 * GDT. Both the guest kernel and guest user space run at CPL 3, so the flat
 * "kernel" and "user" selectors are the same ring-3 descriptors.
 *   0xe023  GDT entry 0x1c04 (7172): 32-bit code, DPL 3
 *   0xe02b  GDT entry 0x1c05 (7173): flat data/stack, DPL 3
 *   0xe033  GDT entry 0x1c06 (7174): 64-bit code, DPL 3
 * The null selector is used for 64-bit data segments.
 */
#define FLAT_RING3_CS32		0xe023
#define FLAT_RING3_DS32		0xe02b
#define FLAT_RING3_SS32		0xe02b
#define FLAT_RING3_CS64		0xe033
#define FLAT_RING3_DS64		0x0000
#define FLAT_RING3_SS64		0xe02b

#define FLAT_KERNEL_CS64	FLAT_RING3_CS64
#define FLAT_KERNEL_CS32	FLAT_RING3_CS32
#define FLAT_KERNEL_CS		FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64	FLAT_RING3_DS64
#define FLAT_KERNEL_DS32	FLAT_RING3_DS32
#define FLAT_KERNEL_DS		FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64	FLAT_RING3_SS64
#define FLAT_KERNEL_SS32	FLAT_RING3_SS32
#define FLAT_KERNEL_SS		FLAT_KERNEL_SS64

#define FLAT_USER_CS64		FLAT_RING3_CS64
#define FLAT_USER_CS32		FLAT_RING3_CS32
#define FLAT_USER_CS		FLAT_USER_CS64
#define FLAT_USER_DS64		FLAT_RING3_DS64
#define FLAT_USER_DS32		FLAT_RING3_DS32
#define FLAT_USER_DS		FLAT_USER_DS64
#define FLAT_USER_SS64		FLAT_RING3_SS64
#define FLAT_USER_SS32		FLAT_RING3_SS32
#define FLAT_USER_SS		FLAT_USER_SS64

/*
 * The guest owns GDT entries 0 .. 7167 (14 pages of 512 descriptors). The
 * hypervisor owns everything from entry 7168 (byte 0xe000) upwards.
 */
#define FIRST_RESERVED_GDT_PAGE		14
#define FIRST_RESERVED_GDT_BYTE		(FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY	(FIRST_RESERVED_GDT_BYTE / 8)

/*
 * Virtual address range reserved for the hypervisor in every guest address
 * space: PML4 slots 256 .. 271. Guest page tables may not map anything here.
 */
#define __HYPERVISOR_VIRT_START	0xFFFF800000000000
#define __HYPERVISOR_VIRT_END	0xFFFF880000000000
#define HYPERVISOR_VIRT_START	xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END	xen_mk_ulong(__HYPERVISOR_VIRT_END)

/*
 * Read-only machine-to-physical table, mapped user-readable at the start of
 * the hypervisor range: one 8-byte pseudo-physical frame number per machine
 * frame (256 GiB of virtual space, 2^35 entries). XENMEM_machphys_mapping
 * reports the part that is actually populated.
 */
#define __MACH2PHYS_VIRT_START	0xFFFF800000000000
#define __MACH2PHYS_VIRT_END	0xFFFF804000000000
#define MACH2PHYS_VIRT_START	xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END	xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES	((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef __ASSEMBLY__
#define machine_to_phys_mapping	((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/* Which base register set_segment_base() changes (its first argument). */
#define SEGBASE_FS		0	/* FS base, shared by kernel and user mode */
#define SEGBASE_GS_USER		1	/* GS base seen in guest user mode */
#define SEGBASE_GS_KERNEL	2	/* GS base seen in guest kernel mode */
#define SEGBASE_GS_USER_SEL	3	/* load user GS selector (bits 15:0) */

/* Legacy vCPUs: the ones with a vcpu_info slot inside shared_info. */
#define XEN_LEGACY_MAX_VCPUS	32

/*
 * Hypercall page: when a guest asks for one (XEN_ELFNOTE_HYPERCALL_PAGE), the
 * hypervisor fills a page with one 32-byte stub per hypercall number; the stub
 * for hypercall N starts at byte N * 32. Kestrel guests may instead issue
 * `syscall` directly with RAX = N (see docs/abi/README.md).
 */
#define XEN_HYPERCALL_STUB_SHIFT	5
#define XEN_HYPERCALL_STUB_SIZE		32

/*
 * The byte sequence "ud2; .ascii \"xen\"" placed before an instruction asks
 * the hypervisor to emulate that instruction (used as a prefix for CPUID).
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX	.byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ;
#define XEN_CPUID		XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX	".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ; "
#define XEN_CPUID		XEN_EMULATE_PREFIX "cpuid"
#endif

/* Convert between a frame number and the value placed in ctrlreg[3]/CR3. */
#define xen_pfn_to_cr3(pfn)	((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3)	((unsigned long)(cr3) >> 12)

/*
 * Flags of vcpu_guest_context.flags (the first three also appear in
 * iret_context.flags, see VGCF_in_syscall below).
 */
#define _VGCF_i387_valid		0
#define VGCF_i387_valid			(1 << _VGCF_i387_valid)	/* fpu_ctxt is meaningful */
#define VGCF_I387_VALID			VGCF_i387_valid
#define _VGCF_in_kernel			2
#define VGCF_in_kernel			(1 << _VGCF_in_kernel)	/* start in kernel mode */
#define VGCF_IN_KERNEL			VGCF_in_kernel
#define _VGCF_failsafe_disables_events	3
#define VGCF_failsafe_disables_events	(1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events	4
#define VGCF_syscall_disables_events	(1 << _VGCF_syscall_disables_events)
#define _VGCF_online			5
#define VGCF_online			(1 << _VGCF_online)	/* vCPU is up (getter) */

/*
 * iret_context.flags: the frame was built by a syscall-style entry, so the
 * hypervisor may return with SYSRET and need not restore RCX/R11.
 */
#define _VGCF_in_syscall	8
#define VGCF_in_syscall		(1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL		VGCF_in_syscall

/* trap_info.flags: bits 1:0 are the DPL, bit 2 masks events on delivery. */
#define TI_DPL_MASK		3
#define TI_MASK_EVENTS		4
#define TI_GET_DPL(ti)		((ti)->flags & TI_DPL_MASK)
#define TI_GET_IF(ti)		((ti)->flags & TI_MASK_EVENTS)
#define TI_SET_DPL(ti, dpl)	((ti)->flags |= (dpl))
#define TI_SET_IF(ti, i)	((ti)->flags |= ((!!(i)) << 2))

#ifndef __ASSEMBLY__

/*
 * One entry of the virtual IDT, as passed to set_trap_table() and stored in
 * vcpu_guest_context.trap_ctxt. 16 bytes.
 */
struct trap_info {
	uint8_t vector;		/* IN: exception/interrupt vector, 0..255 */
	uint8_t flags;		/* IN: TI_* bits: DPL in 1:0, mask-events in 2 */
	uint16_t cs;		/* IN: code selector; ignored for 64-bit guests */
	unsigned long address;	/* IN: handler address; 0 ends a table */
};
typedef struct trap_info trap_info_t;

/*
 * Frame the guest pushes before HYPERVISOR_iret: RSP at the hypercall points
 * at rax. 72 bytes. All fields are IN (consumed by the hypercall).
 */
struct iret_context {
	uint64_t rax;		/* IN: value of RAX after the return */
	uint64_t r11;		/* IN: restored unless VGCF_in_syscall */
	uint64_t rcx;		/* IN: restored unless VGCF_in_syscall */
	uint64_t flags;		/* IN: VGCF_in_syscall or 0 */
	uint64_t rip;		/* IN: return address */
	uint64_t cs;		/* IN: code selector (RPL forced to 3) */
	uint64_t rflags;	/* IN: IF here becomes !evtchn_upcall_mask */
	uint64_t rsp;		/* IN: stack pointer after the return */
	uint64_t ss;		/* IN: stack selector (RPL forced to 3) */
};

/*
 * A general-purpose register. With GNU C both the 64-bit name (rax) and the
 * legacy 32-bit-style name (eax) are accepted; both name all 8 bytes.
 */
#if defined(__GNUC__) && !defined(__STRICT_ANSI__)
#define KXEN_GPR(n)	union { uint64_t r##n; uint64_t e##n; }
#else
#define KXEN_GPR(n)	uint64_t r##n
#endif

/*
 * Saved user-visible register state of a vCPU (vcpu_guest_context.user_regs).
 * 200 bytes. Every field is IN for VCPUOP_initialise and OUT for the
 * "get context" operations of the toolstack.
 */
struct cpu_user_regs {
	uint64_t r15;			/* IN/OUT */
	uint64_t r14;			/* IN/OUT */
	uint64_t r13;			/* IN/OUT */
	uint64_t r12;			/* IN/OUT */
	KXEN_GPR(bp);			/* IN/OUT: rbp */
	KXEN_GPR(bx);			/* IN/OUT: rbx */
	uint64_t r11;			/* IN/OUT */
	uint64_t r10;			/* IN/OUT */
	uint64_t r9;			/* IN/OUT */
	uint64_t r8;			/* IN/OUT */
	KXEN_GPR(ax);			/* IN/OUT: rax */
	KXEN_GPR(cx);			/* IN/OUT: rcx */
	KXEN_GPR(dx);			/* IN/OUT: rdx */
	KXEN_GPR(si);			/* IN/OUT: rsi */
	KXEN_GPR(di);			/* IN/OUT: rdi */
	uint32_t error_code;		/* hypervisor-private, ignore (@120) */
	uint32_t entry_vector;		/* hypervisor-private, ignore (@124) */
	KXEN_GPR(ip);			/* IN/OUT: rip (@128) */
	uint16_t cs;			/* IN/OUT: code selector (@136) */
	uint16_t _pad0[1];
	uint8_t saved_upcall_mask;	/* OUT: event mask when the frame was saved */
	uint8_t _pad1[3];
	KXEN_GPR(flags);		/* IN/OUT: rflags; IF == !upcall mask (@144) */
	KXEN_GPR(sp);			/* IN/OUT: rsp (@152) */
	uint16_t ss;			/* IN/OUT (@160) */
	uint16_t _pad2[3];
	uint16_t es;			/* IN/OUT (@168) */
	uint16_t _pad3[3];
	uint16_t ds;			/* IN/OUT (@176) */
	uint16_t _pad4[3];
	uint16_t fs;			/* IN/OUT (@184) */
	uint16_t _pad5[3];
	uint16_t gs;			/* IN/OUT (@192) */
	uint16_t _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

#undef KXEN_GPR

/*
 * Complete architectural state of a vCPU, used by VCPUOP_initialise (and by
 * the toolstack's get/set context operations). 5168 bytes. Every field is IN
 * for VCPUOP_initialise.
 */
struct vcpu_guest_context {
	/* IN: FXSAVE image; used only with VGCF_i387_valid (@0, 512 bytes) */
	struct {
		char x[512];
	} fpu_ctxt;
	unsigned long flags;			/* IN: VGCF_* (@512) */
	struct cpu_user_regs user_regs;		/* IN: registers at start (@520) */
	struct trap_info trap_ctxt[256];	/* IN: virtual IDT (@720) */
	unsigned long ldt_base;			/* IN: LDT linear address (@4816) */
	unsigned long ldt_ents;			/* IN: LDT entry count (@4824) */
	unsigned long gdt_frames[16];		/* IN: GDT machine frames (@4832) */
	unsigned long gdt_ents;			/* IN: GDT entry count (@4960) */
	unsigned long kernel_ss;		/* IN: stack_switch() SS (@4968) */
	unsigned long kernel_sp;		/* IN: stack_switch() RSP (@4976) */
	/*
	 * IN: control registers (@4984). ctrlreg[3] is the kernel page table
	 * (xen_pfn_to_cr3(mfn)); ctrlreg[1] is the user page table, 0 = none.
	 */
	unsigned long ctrlreg[8];
	unsigned long debugreg[8];		/* IN: DR0..DR7 (@5048) */
	unsigned long event_callback_eip;	/* IN: CALLBACKTYPE_event (@5112) */
	unsigned long failsafe_callback_eip;	/* IN: CALLBACKTYPE_failsafe (@5120) */
	unsigned long syscall_callback_eip;	/* IN: CALLBACKTYPE_syscall (@5128) */
	unsigned long vm_assist;		/* IN: bitmap of VMASST_TYPE_* (@5136) */
	uint64_t fs_base;			/* IN: SEGBASE_FS (@5144) */
	uint64_t gs_base_kernel;		/* IN: SEGBASE_GS_KERNEL (@5152) */
	uint64_t gs_base_user;			/* IN: SEGBASE_GS_USER (@5160) */
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

/* x86_64 part of struct vcpu_info. 16 bytes. */
struct arch_vcpu_info {
	unsigned long cr2;	/* OUT: faulting address of the last #PF bounced */
	unsigned long pad;	/* keeps vcpu_info at 64 bytes */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/*
 * x86_64 part of struct shared_info. 48 bytes. The p2m fields are written by
 * the guest for the benefit of the toolstack (save/restore, dumps); the
 * hypervisor itself does not interpret them.
 */
struct arch_shared_info {
	unsigned long max_pfn;			/* IN: p2m entries in use */
	xen_pfn_t pfn_to_mfn_frame_list_list;	/* IN: 3-level p2m root, 0 unset, ~0 none */
	unsigned long nmi_reason;		/* OUT: bit 0 I/O check, bit 1 PCI SERR */
	unsigned long p2m_cr3;			/* IN: address space of p2m_vaddr, 0 unset */
	unsigned long p2m_vaddr;		/* IN: linear p2m list address */
	unsigned long p2m_generation;		/* IN: odd while the p2m mapping changes */
};
typedef struct arch_shared_info arch_shared_info_t;

/* One CPUID leaf of a domain's policy (toolstack interface). 24 bytes. */
struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
	uint32_t leaf;		/* IN/OUT: EAX input */
	uint32_t subleaf;	/* IN/OUT: ECX input or XEN_CPUID_NO_SUBLEAF */
	uint32_t a, b, c, d;	/* IN/OUT: EAX, EBX, ECX, EDX output */
};
typedef struct xen_cpuid_leaf xen_cpuid_leaf_t;

/* One MSR of a domain's policy (toolstack interface). 16 bytes. */
struct xen_msr_entry {
	uint32_t idx;		/* IN/OUT: MSR index */
	uint32_t flags;		/* IN: reserved, must be zero */
	uint64_t val;		/* IN/OUT: MSR value */
};
typedef struct xen_msr_entry xen_msr_entry_t;

#endif /* !__ASSEMBLY__ */

/* Tells generic code that this architecture has the classic PV entry path. */
#define XEN_HAVE_PV_GUEST_ENTRY		1
#define XEN_HAVE_PV_UPCALL_MASK		1

#endif /* KESTREL_PUBLIC_ARCH_X86_64_H */
