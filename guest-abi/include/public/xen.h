/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: core definitions.
 *
 * Kestrel implements the 64-bit x86 paravirtualised (PV) guest interface of
 * Xen 4.17, binary compatible: same hypercall numbers, argument order, error
 * numbers, structure sizes and field offsets. This header (with
 * arch-x86_64.h, which it includes) covers the hypercall numbers, the
 * boot-time structures (start_info, shared_info, vcpu_info) and the core
 * memory-management and miscellaneous operations. The other families live in
 * their own headers (sched.h, vcpu.h, version.h, callback.h, memory.h,
 * event_channel.h, physdev.h, elfnote.h, platform.h).
 *
 * Calling convention, in short (docs/abi/README.md has the full text): a
 * 64-bit PV kernel executes `syscall` with RAX = hypercall number and the
 * arguments in RDI, RSI, RDX, R10, R8. The result comes back in RAX: zero or a
 * non-negative value on success, -XEN_E* (errno.h) on failure. RCX and R11
 * are destroyed; RBX, RBP, R12-R15 and RSP are preserved.
 *
 * Field marks: IN = written by the guest, read by the hypervisor; OUT =
 * written by the hypervisor; IN/OUT = both (see arch-x86_64.h).
 */
#ifndef KESTREL_PUBLIC_XEN_H
#define KESTREL_PUBLIC_XEN_H

#include "arch-x86_64.h"

/* Version of the interface these headers describe (Xen 4.14+ numbering). */
#define __XEN_LATEST_INTERFACE_VERSION__	0x00040e00

/* Page granularity of every frame number in this ABI. */
#define XEN_PAGE_SHIFT		12
#define XEN_PAGE_SIZE		(1 << XEN_PAGE_SHIFT)

/* ---------------------------------------------------------------------------
 * Hypercall numbers (value of RAX at the `syscall`).
 */
#define __HYPERVISOR_set_trap_table			0
#define __HYPERVISOR_mmu_update				1
#define __HYPERVISOR_set_gdt				2
#define __HYPERVISOR_stack_switch			3
#define __HYPERVISOR_set_callbacks			4
#define __HYPERVISOR_fpu_taskswitch			5
#define __HYPERVISOR_sched_op_compat			6	/* obsolete */
#define __HYPERVISOR_platform_op			7
#define __HYPERVISOR_set_debugreg			8
#define __HYPERVISOR_get_debugreg			9
#define __HYPERVISOR_update_descriptor			10
/* 11 is unused */
#define __HYPERVISOR_memory_op				12
#define __HYPERVISOR_multicall				13
#define __HYPERVISOR_update_va_mapping			14
#define __HYPERVISOR_set_timer_op			15
#define __HYPERVISOR_event_channel_op_compat		16	/* obsolete */
#define __HYPERVISOR_xen_version			17
#define __HYPERVISOR_console_io				18
#define __HYPERVISOR_physdev_op_compat			19	/* obsolete */
#define __HYPERVISOR_grant_table_op			20
#define __HYPERVISOR_vm_assist				21
#define __HYPERVISOR_update_va_mapping_otherdomain	22
#define __HYPERVISOR_iret				23
#define __HYPERVISOR_vcpu_op				24
#define __HYPERVISOR_set_segment_base			25
#define __HYPERVISOR_mmuext_op				26
#define __HYPERVISOR_xsm_op				27
#define __HYPERVISOR_nmi_op				28
#define __HYPERVISOR_sched_op				29
#define __HYPERVISOR_callback_op			30
#define __HYPERVISOR_xenoprof_op			31
#define __HYPERVISOR_event_channel_op			32
#define __HYPERVISOR_physdev_op				33
#define __HYPERVISOR_hvm_op				34
#define __HYPERVISOR_sysctl				35
#define __HYPERVISOR_domctl				36
#define __HYPERVISOR_kexec_op				37
#define __HYPERVISOR_tmem_op				38
#define __HYPERVISOR_argo_op				39
#define __HYPERVISOR_xenpmu_op				40
#define __HYPERVISOR_dm_op				41
#define __HYPERVISOR_hypfs_op				42

/* 48..55 are reserved for architecture-specific calls. */
#define __HYPERVISOR_arch_0				48
#define __HYPERVISOR_arch_1				49
#define __HYPERVISOR_arch_2				50
#define __HYPERVISOR_arch_3				51
#define __HYPERVISOR_arch_4				52
#define __HYPERVISOR_arch_5				53
#define __HYPERVISOR_arch_6				54
#define __HYPERVISOR_arch_7				55

/* x86: machine-check architecture operations. */
#define __HYPERVISOR_mca				__HYPERVISOR_arch_0

/* Old name of platform_op. */
#define __HYPERVISOR_dom0_op				__HYPERVISOR_platform_op

/* ---------------------------------------------------------------------------
 * Virtual interrupts (VIRQs), bound to event channels with
 * EVTCHNOP_bind_virq. "per-vCPU" VIRQs are bound separately on each vCPU;
 * "global" VIRQs are bound once per domain (on any vCPU).
 */
#define VIRQ_TIMER	0	/* per-vCPU: single-shot/periodic timer fired */
#define VIRQ_DEBUG	1	/* per-vCPU: dump debug state, on request */
#define VIRQ_CONSOLE	2	/* global, dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC	3	/* global, dom0: some domain changed state */
#define VIRQ_TBUF	4	/* global, dom0: trace records available */
#define VIRQ_DEBUGGER	6	/* global, dom0: a domain paused for a debugger */
#define VIRQ_XENOPROF	7	/* per-vCPU: profiling sample available */
#define VIRQ_CON_RING	8	/* global, dom0: console ring has new bytes */
#define VIRQ_PCPU_STATE	9	/* global, dom0: physical CPU state changed */
#define VIRQ_MEM_EVENT	10	/* global, dom0: memory event */
#define VIRQ_ARGO	11	/* global: Argo message notification */
#define VIRQ_ENOMEM	12	/* global, dom0: hypervisor heap is low */
#define VIRQ_XENPMU	13	/* per-vCPU: performance counter interrupt */

/* 16..23 are architecture-specific. On x86, VIRQ_ARCH_0 is VIRQ_MCA. */
#define VIRQ_ARCH_0	16
#define VIRQ_ARCH_1	17
#define VIRQ_ARCH_2	18
#define VIRQ_ARCH_3	19
#define VIRQ_ARCH_4	20
#define VIRQ_ARCH_5	21
#define VIRQ_ARCH_6	22
#define VIRQ_ARCH_7	23
#define VIRQ_MCA	VIRQ_ARCH_0

#define NR_VIRQS	24

/* ---------------------------------------------------------------------------
 * Special domain identifiers. Real domains use 0 .. DOMID_FIRST_RESERVED - 1.
 */
#define DOMID_FIRST_RESERVED	xen_mk_uint(0x7FF0)
#define DOMID_SELF		xen_mk_uint(0x7FF0)	/* the calling domain */
#define DOMID_IO		xen_mk_uint(0x7FF1)	/* owner of I/O memory */
#define DOMID_XEN		xen_mk_uint(0x7FF2)	/* the hypervisor itself */
#define DOMID_COW		xen_mk_uint(0x7FF3)	/* copy-on-write shared pages */
#define DOMID_INVALID		xen_mk_uint(0x7FF4)	/* "no domain" */
#define DOMID_IDLE		xen_mk_uint(0x7FFF)	/* the idle domain */
#define DOMID_MASK		xen_mk_uint(0x7FFF)

/* Legacy vCPU limit: vCPUs that have a vcpu_info slot in shared_info. */
#define MAX_VIRT_CPUS		XEN_LEGACY_MAX_VCPUS

/*
 * Number of event-channel ports of the 2-level ABI for a 64-bit guest:
 * 64 selector bits x 64 bits per word = 4096. The FIFO ABI is not offered.
 */
#define NR_EVENT_CHANNELS	4096

/* ---------------------------------------------------------------------------
 * mmu_update(struct mmu_update reqs[], unsigned int count,
 *            unsigned int *success_count, domid_t foreigndom)
 *
 * Applies @count requests in order. The three low bits of each req.ptr
 * select the command (MMU_*; 4-7 are unknown); the rest of ptr is a machine
 * address.
 *
 *   MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_NO_TRANSLATE: ptr is the machine
 *     address of a page-table entry (8-byte aligned). The frame holding it
 *     must belong to the caller. If that frame is a page table (L1..L4) the
 *     new entry @val is validated as an entry of that level before it is
 *     written; if it is an ordinary writable frame the write is done as is.
 *   MMU_PT_UPDATE_PRESERVE_AD: as NORMAL, but the Accessed and Dirty bits
 *     already present in the old entry are kept (atomic merge).
 *   MMU_MACHPHYS_UPDATE: sets M2P[ptr >> 12] = val (a pseudo-physical frame
 *     number) for a frame the caller owns.
 *
 * @foreigndom, bits 15:0, names the owner of the frames that new L1 entries
 * point at: DOMID_SELF for the caller's own frames, DOMID_IO for I/O memory,
 * or another domain id for a privileged mapping of that domain's memory
 * (dom0 privcmd). Bits 31:16, when non-zero, hold (domain id + 1) of the
 * owner of the page tables being modified (toolstack use).
 * @success_count (may be NULL) is incremented for every completed request,
 * so it is accurate after a partial failure.
 *
 * Returns 0 when every request succeeded, otherwise the error of the first
 * failing request; later requests are not attempted:
 *   -XEN_EINVAL  the frame holding ptr is not an ordinary or page-table frame
 *                of the owner, or @val fails validation (forbidden flags,
 *                superpage, L2-L4 target not an acceptable table of the
 *                caller, hypervisor L4 slot, the all-ones frame number, ...)
 *   -XEN_EBUSY   an L1 @val maps a RAM frame the caller does not own, or maps
 *                a page table or descriptor frame writable
 *   -XEN_ENOSYS  unknown MMU_* command
 *   -XEN_EFAULT  @reqs or @success_count is not accessible
 *   -XEN_ESRCH   @foreigndom (or the page-table owner) does not exist, or the
 *                caller may not name it at all
 *   -XEN_EPERM   not privileged over @foreigndom; MACHPHYS_UPDATE on behalf of
 *                another domain's page tables; I/O memory not permitted, or a
 *                frame number beyond the physical address width
 *   -XEN_ENOENT  target frame is paged out (memory paging; not in Kestrel)
 *
 * A long call may be preempted and re-issued by the hypervisor itself: @reqs
 * advanced, @count = requests left | MMU_UPDATE_PREEMPTED (bit 31), the count
 * so far kept in *@success_count. Guests never set bit 31 of @count.
 * Kestrel accepts only DOMID_SELF (and, for privileged callers, DOMID_IO and
 * DOMID_XEN) in @foreigndom for now; see docs/abi/mmu.md.
 */
#define MMU_NORMAL_PT_UPDATE		0
#define MMU_MACHPHYS_UPDATE		1
#define MMU_PT_UPDATE_PRESERVE_AD	2
#define MMU_PT_UPDATE_NO_TRANSLATE	3

/* ---------------------------------------------------------------------------
 * mmuext_op(struct mmuext_op ops[], unsigned int count,
 *           unsigned int *success_count, domid_t foreigndom)
 *
 * Extended MMU operations, applied in order; same @success_count and
 * @foreigndom conventions as mmu_update (foreigndom is the owner of the
 * frames named by PIN/UNPIN, for privileged callers building other domains).
 *
 *   MMUEXT_PIN_L1_TABLE..PIN_L4_TABLE  arg1.mfn: validate the frame as a page
 *       table of that level and keep it typed while pinned.
 *   MMUEXT_UNPIN_TABLE      arg1.mfn: drop the pin; once no other reference
 *       holds the type the frame becomes ordinary (writable) memory again.
 *   MMUEXT_NEW_BASEPTR      arg1.mfn: new kernel-mode top-level (L4) table.
 *   MMUEXT_NEW_USER_BASEPTR arg1.mfn: new user-mode L4, 0 for none.
 *   MMUEXT_TLB_FLUSH_LOCAL  flush this vCPU's TLB.
 *   MMUEXT_INVLPG_LOCAL     arg1.linear_addr: flush one page locally.
 *   MMUEXT_TLB_FLUSH_MULTI  arg2.vcpumask: flush the TLBs of those vCPUs.
 *   MMUEXT_INVLPG_MULTI     arg1.linear_addr, arg2.vcpumask.
 *   MMUEXT_TLB_FLUSH_ALL    flush the TLBs of every vCPU of the domain.
 *   MMUEXT_INVLPG_ALL       arg1.linear_addr on every vCPU.
 *   MMUEXT_FLUSH_CACHE      write back and invalidate caches (WBINVD); needs
 *       I/O privilege.
 *   MMUEXT_FLUSH_CACHE_GLOBAL  same on every physical CPU.
 *   MMUEXT_SET_LDT          arg1.linear_addr, arg2.nr_ents: new LDT.
 *   MMUEXT_CLEAR_PAGE       arg1.mfn: zero a frame.
 *   MMUEXT_COPY_PAGE        arg1.mfn = destination, arg2.src_mfn = source.
 *   MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER  obsolete; always fail.
 *
 * vcpumask points at a bitmap (unsigned long words) of vCPU ids.
 *
 * Returns 0 or the error of the first failing operation:
 *   -XEN_EINVAL  frame not owned by @foreigndom, frame in use with another
 *                type, frame already pinned (PIN) or not pinned (UNPIN),
 *                *BASEPTR to a frame that is not (or does not validate as) an
 *                L4, bad LDT address or size
 *   -XEN_EBUSY, -XEN_EPERM  PIN: the error of the first entry that failed
 *                validation (as for mmu_update)
 *   -XEN_ENOSYS  unknown command
 *   -XEN_EFAULT  @ops, @success_count or a vcpumask is not accessible
 *   -XEN_ESRCH   @foreigndom does not exist or may not be named
 *   -XEN_EPERM   a command that only acts on the caller (*BASEPTR, flushes,
 *                SET_LDT) used with a foreign @foreigndom, or not privileged
 *                over @foreigndom
 *   -XEN_EACCES  FLUSH_CACHE / FLUSH_CACHE_GLOBAL without cache-control
 *                permission (I/O privilege)
 *   -XEN_EOPNOTSUPP  MARK_SUPER / UNMARK_SUPER
 */
#define MMUEXT_PIN_L1_TABLE		0
#define MMUEXT_PIN_L2_TABLE		1
#define MMUEXT_PIN_L3_TABLE		2
#define MMUEXT_PIN_L4_TABLE		3
#define MMUEXT_UNPIN_TABLE		4
#define MMUEXT_NEW_BASEPTR		5
#define MMUEXT_TLB_FLUSH_LOCAL		6
#define MMUEXT_INVLPG_LOCAL		7
#define MMUEXT_TLB_FLUSH_MULTI		8
#define MMUEXT_INVLPG_MULTI		9
#define MMUEXT_TLB_FLUSH_ALL		10
#define MMUEXT_INVLPG_ALL		11
#define MMUEXT_FLUSH_CACHE		12
#define MMUEXT_SET_LDT			13
/* 14 is unused */
#define MMUEXT_NEW_USER_BASEPTR		15
#define MMUEXT_CLEAR_PAGE		16
#define MMUEXT_COPY_PAGE		17
#define MMUEXT_FLUSH_CACHE_GLOBAL	18
#define MMUEXT_MARK_SUPER		19
#define MMUEXT_UNMARK_SUPER		20

/* ---------------------------------------------------------------------------
 * update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
 * update_va_mapping_otherdomain(unsigned long va, uint64_t pte,
 *                               unsigned long flags, domid_t domid)
 *
 * Replace the L1 entry that maps @va in the current kernel page tables with
 * @pte (which holds a machine frame number), after the same validation as
 * MMU_NORMAL_PT_UPDATE. @va must already be mapped by a 4 KiB L1 table.
 * The otherdomain form names the owner of the target frame in @domid.
 *
 * @flags: bits 1:0 select the TLB flush (UVMF_NONE, UVMF_TLB_FLUSH,
 * UVMF_INVLPG). The remaining bits select whose TLBs: UVMF_LOCAL (0) for the
 * calling vCPU, UVMF_ALL for every vCPU of the domain, or else a pointer to
 * a vCPU bitmap (UVMF_MULTI; the pointer is 8-byte aligned, so its low bits
 * are free for the flush type).
 *
 * Flush type 3 is accepted and flushes nothing (as in Xen). No
 * flush is done if the update fails.
 *
 * Errors:
 *   -XEN_EINVAL  @va is not mapped through an L1 table of the caller, or @pte
 *                fails validation (as for mmu_update)
 *   -XEN_EBUSY   @pte maps a frame the caller does not own, or a page table
 *                or descriptor frame writable
 *   -XEN_EFAULT  the vCPU bitmap is not accessible (the entry has then
 *                already been written)
 *   -XEN_ESRCH   otherdomain: @domid does not exist or may not be named
 *   -XEN_EPERM   not privileged over the frame's owner, or I/O memory not
 *                permitted
 */
#define UVMF_NONE		(xen_mk_ulong(0) << 0)	/* no flush */
#define UVMF_TLB_FLUSH		(xen_mk_ulong(1) << 0)	/* flush whole TLB(s) */
#define UVMF_INVLPG		(xen_mk_ulong(2) << 0)	/* flush the one page */
#define UVMF_FLUSHTYPE_MASK	(xen_mk_ulong(3) << 0)
#define UVMF_MULTI		(xen_mk_ulong(0) << 2)	/* OR in a vCPU bitmap pointer */
#define UVMF_LOCAL		(xen_mk_ulong(0) << 2)	/* this vCPU only */
#define UVMF_ALL		(xen_mk_ulong(1) << 2)	/* all vCPUs of the domain */

/* ---------------------------------------------------------------------------
 * console_io(int cmd, unsigned int count, char *buffer)
 *
 * CONSOLEIO_write: print @count bytes from @buffer on the hypervisor console.
 *   Returns 0. Output of the hardware domain goes out unchanged; Kestrel may
 *   also accept writes from other domains (Xen does so only in builds with
 *   verbose debugging, and then filters non-printable bytes and prefixes
 *   each line with the domain id).
 * CONSOLEIO_read: copy up to @count bytes of pending console input into
 *   @buffer. Returns the number of bytes copied (0 = nothing pending).
 *
 * Errors:
 *   -XEN_EPERM   the caller is not the hardware domain (both commands; see
 *                above for writes)
 *   -XEN_EFAULT  @buffer is not accessible
 *   -XEN_E2BIG   read: @count > INT32_MAX
 *   -XEN_ENOSYS  unknown @cmd
 */
#define CONSOLEIO_write		0
#define CONSOLEIO_read		1

/* ---------------------------------------------------------------------------
 * vm_assist(unsigned int cmd, unsigned int type)
 *
 * Turn an optional hypervisor assist on or off for the whole calling domain.
 * @cmd is VMASST_CMD_enable or VMASST_CMD_disable; @type a VMASST_TYPE_*.
 * All types below are accepted from a 64-bit PV guest (types 0, 1 and 3 are
 * recorded but change nothing for it). Returns 0.
 * Errors: -XEN_EINVAL (@type not in the list), -XEN_ENOSYS (@cmd unknown;
 * the type is checked first).
 */
#define VMASST_CMD_enable		0
#define VMASST_CMD_disable		1

#define VMASST_TYPE_4gb_segments	0	/* 32-bit guests: emulate 4 GiB segs */
#define VMASST_TYPE_4gb_segments_notify	1	/* 32-bit guests: vector 15 on such use */
#define VMASST_TYPE_writable_pagetables	2	/* ptwr; emulated whether set or not */
#define VMASST_TYPE_pae_extended_cr3	3	/* 32-bit PAE: L3 above 4 GiB */
#define VMASST_TYPE_architectural_iopl	4	/* iret's RFLAGS.IOPL sets the guest IOPL */
#define VMASST_TYPE_runstate_update_flag 5	/* XEN_RUNSTATE_UPDATE in entry time */
#define VMASST_TYPE_m2p_strict		32	/* hide the M2P from guest user mode */

#define MAX_VMASST_TYPE			3

/* ---------------------------------------------------------------------------
 * Other x86 PV hypercalls, described here; their structures are above or in
 * arch-x86_64.h. Full descriptions: docs/abi/.
 *
 * set_trap_table(const struct trap_info *table)
 *   Installs entries of the calling vCPU's virtual IDT; the list ends with an
 *   entry whose address is 0. NULL clears the whole table. Entries not named
 *   keep their old value; entries before a failing one stay installed.
 *   Returns 0.
 *   Errors: -XEN_EFAULT (table not readable), -XEN_EINVAL (non-canonical
 *   handler address).
 *
 * set_gdt(const xen_pfn_t *frames, unsigned int entries)
 *   Replace the vCPU's GDT with @entries descriptors held in the machine
 *   frames listed in @frames (ceil(entries / 512) frames). The frames must
 *   belong to the caller, must not be mapped writable anywhere, and every
 *   descriptor must pass validation (DPL of code/data is raised to 3).
 *   On success the old GDT frames are released and the local TLB flushed.
 *   Errors: -XEN_EINVAL (@entries > FIRST_RESERVED_GDT_ENTRY, a frame not
 *   owned, mapped writable, or holding an invalid descriptor), -XEN_EFAULT
 *   (@frames not readable). On failure the old GDT stays in place.
 *
 * stack_switch(unsigned long ss, unsigned long rsp)
 *   Record the kernel stack (SS, RSP) used when an event or trap moves the
 *   vCPU from guest user mode to guest kernel mode. The SS RPL is forced to
 *   3. Nothing is checked. Returns 0.
 *
 * set_callbacks(unsigned long event, unsigned long failsafe,
 *               unsigned long syscall)
 *   Old way of registering the event, failsafe and syscall entry points
 *   (callback_op supersedes it), without event masking for failsafe and
 *   syscall. Always returns 0; a non-canonical address is silently not
 *   registered.
 *
 * fpu_taskswitch(int set)
 *   @set != 0 sets the virtual CR0.TS (the next FPU use raises #NM in the
 *   guest), 0 clears it. Returns 0.
 *
 * set_debugreg(int reg, unsigned long value) / get_debugreg(int reg)
 *   Write / read virtual debug register DR@reg. get returns the value
 *   (note: a value that looks like a negative errno is ambiguous).
 *   Errors: -XEN_ENODEV (reg not 0-7, or 4/5 while CR4.DE is set),
 *   -XEN_EINVAL (set: upper 32 bits of DR6/DR7 not zero), -XEN_EPERM (set:
 *   breakpoint address not in guest space, DR7.GD set, I/O breakpoint
 *   without CR4.DE).
 *
 * update_descriptor(uint64_t ma, uint64_t desc)
 *   Write the 8-byte descriptor @desc at machine address @ma, which must be
 *   8-byte aligned and inside a frame the caller owns that is either a
 *   descriptor-table frame or an ordinary writable frame (not a page table).
 *   The descriptor is validated and fixed up like set_gdt's. Returns 0.
 *   Errors: -XEN_EINVAL (alignment, ownership, frame type or descriptor
 *   check).
 *
 * multicall(struct multicall_entry *calls, unsigned int nr_calls)
 *   Run each entry's hypercall in order (arguments args[0..4]; args[5] is
 *   ignored) and store its return value in the entry's result field. Returns
 *   0 even if entries failed. Only result is guaranteed after the call: the
 *   other fields may be overwritten (Xen debug builds fill them with 0xAA).
 *   An unknown hypercall number gets -XEN_ENOSYS as its result; a nested
 *   multicall entry gets -XEN_EINVAL. An iret entry ends the batch: the
 *   remaining entries are skipped and execution continues at the iret
 *   frame.
 *   Errors: -XEN_EFAULT (@calls not accessible for reading or writing
 *   result), -XEN_EINVAL (called from inside a multicall).
 *
 * set_timer_op(uint64_t timeout)
 *   Arm the vCPU's single-shot timer for absolute system time @timeout (ns,
 *   same time base as vcpu_time_info.system_time); 0 cancels. VIRQ_TIMER is
 *   raised on expiry. A negative value or one more than 2^50 ns away is
 *   treated as "100 ms from now". Returns 0.
 *
 * iret(void)  (guest pushes struct iret_context, then calls)
 *   Return from an exception or event handler: restore RIP, CS, RFLAGS, RSP,
 *   SS (and RCX, R11 unless VGCF_in_syscall) from the frame at RSP, switch
 *   to guest user mode if the CS RPL is 3, and set evtchn_upcall_mask to
 *   !RFLAGS.IF. RAX is loaded from the frame. Never returns to the caller:
 *   a frame that cannot be read, or a return to user mode without a user
 *   page table (MMUEXT_NEW_USER_BASEPTR), crashes the domain.
 *
 * set_segment_base(unsigned int which, unsigned long base)
 *   @which is SEGBASE_* (arch-x86_64.h). For SEGBASE_GS_USER_SEL, bits 15:0
 *   of @base are a selector loaded into the user-mode GS (RPL forced to 3);
 *   if loading it faults, the null selector is loaded instead and the call
 *   still returns 0. Returns 0.
 *   Errors: -XEN_EINVAL (unknown @which, non-canonical @base).
 */

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* Opaque 16-byte domain handle (a UUID chosen by the toolstack). */
typedef uint8_t xen_domain_handle_t[16];

/* A 128-bit UUID, bytes in big-endian (network) order. */
typedef struct {
	uint8_t a[16];
} xen_uuid_t;

/* One request of mmu_update(). 16 bytes. */
struct mmu_update {
	uint64_t ptr;	/* IN: machine address of the entry | MMU_* command */
	uint64_t val;	/* IN: new entry contents (or pfn for MACHPHYS) */
};
typedef struct mmu_update mmu_update_t;

/* One operation of mmuext_op(). 24 bytes. */
struct mmuext_op {
	unsigned int cmd;		/* IN: MMUEXT_* */
	union {
		xen_pfn_t mfn;		/* IN: PIN, UNPIN, *BASEPTR, CLEAR/COPY_PAGE */
		unsigned long linear_addr; /* IN: INVLPG_*, SET_LDT */
	} arg1;
	union {
		unsigned int nr_ents;	/* IN: SET_LDT */
		const void *vcpumask;	/* IN: TLB_FLUSH_MULTI, INVLPG_MULTI */
		xen_pfn_t src_mfn;	/* IN: COPY_PAGE */
	} arg2;
};
typedef struct mmuext_op mmuext_op_t;

/*
 * One entry of multicall(). 64 bytes on x86_64 (op, result and six
 * register-sized argument words).
 */
struct multicall_entry {
	xen_ulong_t op;		/* IN: hypercall number */
	xen_ulong_t result;	/* OUT: that hypercall's return value */
	xen_ulong_t args[6];	/* IN: its arguments, in register order */
};
typedef struct multicall_entry multicall_entry_t;

/*
 * Per-vCPU time base (pvclock). 32 bytes. All fields are OUT: written by the
 * hypervisor, read by the guest.
 *
 * The hypervisor increments @version before and after every update, so an
 * odd value means "update in progress". Read it, read the rest, re-read it,
 * and retry if it changed or was odd. Current system time in ns is
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul)
 *                 >> 32
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
	uint32_t version;		/* OUT: update counter, odd while updating */
	uint32_t pad0;
	uint64_t tsc_timestamp;		/* OUT: TSC value at the last update */
	uint64_t system_time;		/* OUT: ns since boot at that TSC value */
	uint32_t tsc_to_system_mul;	/* OUT: 32.32 fixed-point ns per tick */
	int8_t tsc_shift;		/* OUT: pre-scale of the TSC delta */
	uint8_t flags;			/* OUT: XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#endif /* !__ASSEMBLY__ */

#define XEN_PVCLOCK_TSC_STABLE_BIT	(1 << 0)	/* TSC is synchronised */
#define XEN_PVCLOCK_GUEST_STOPPED	(1 << 1)	/* vCPU was paused */

#ifndef __ASSEMBLY__

/*
 * Per-vCPU event and time state. 64 bytes. Lives in shared_info.vcpu_info[n]
 * for n < 32 until the guest moves it with VCPUOP_register_vcpu_info.
 *
 * Event delivery: the hypervisor sets a port's bit in
 * shared_info.evtchn_pending, then the selector bit (port / 64) in
 * evtchn_pending_sel, then evtchn_upcall_pending, and makes an upcall to the
 * event callback unless evtchn_upcall_mask is set. The guest clears
 * evtchn_upcall_pending before scanning. evtchn_upcall_mask is the guest's
 * virtual interrupt flag (1 = events disabled); no locked instructions are
 * needed to change it because only the vCPU itself and the hypervisor acting
 * on that vCPU touch it.
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;	/* IN/OUT: set by hv, cleared by guest */
	uint8_t evtchn_upcall_mask;	/* IN/OUT: guest's "interrupts off" flag */
	xen_ulong_t evtchn_pending_sel;	/* IN/OUT: set by hv, guest xchg's to 0 */
	struct arch_vcpu_info arch;	/* OUT: cr2 (@16) */
	struct vcpu_time_info time;	/* OUT: pvclock (@32) */
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared-info page: one per domain, 3136 bytes used of a 4 KiB frame
 * (start_info.shared_info holds its machine address).
 *
 * evtchn_pending/evtchn_mask are the 2-level event-channel bitmaps: bit p of
 * the array is port p. The hypervisor sets pending bits, the guest clears
 * them. Only the guest writes mask bits; a masked port still becomes pending
 * but produces no upcall.
 *
 * wc_* is the wall-clock time (since the Unix epoch) at which system_time
 * was 0, protected by wc_version exactly like vcpu_time_info.version.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];	/* IN/OUT (@0) */
	xen_ulong_t evtchn_pending[64];	/* IN/OUT: set by hv, cleared by guest (@2048) */
	xen_ulong_t evtchn_mask[64];	/* IN: guest-owned mask bits (@2560) */
	uint32_t wc_version;		/* OUT: odd while wc_* change (@3072) */
	uint32_t wc_sec;		/* OUT: seconds, low 32 bits (@3076) */
	uint32_t wc_nsec;		/* OUT: nanoseconds (@3080) */
	uint32_t wc_sec_hi;		/* OUT: seconds, high 32 bits (@3084) */
	struct arch_shared_info arch;	/* IN/OUT (@3088) */
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi wc_sec_hi

/*
 * start_info: filled in by the domain builder and handed to the guest at
 * boot (RSI holds its virtual address). 1168 bytes. Every field is OUT
 * (written by the builder, read by the guest). The fields up to
 * console are refreshed on resume after a suspend; the rest are valid at
 * first boot only.
 */
#define MAX_GUEST_CMDLINE	1024
#define XEN_START_INFO_MAGIC	"xen-3.0-x86_64"

struct start_info {
	char magic[32];			/* OUT: "xen-3.0-x86_64", NUL padded (@0) */
	unsigned long nr_pages;		/* OUT: pages owned by the domain (@32) */
	unsigned long shared_info;	/* OUT: MACHINE address of shared_info (@40) */
	uint32_t flags;			/* OUT: SIF_* (@48) */
	xen_pfn_t store_mfn;		/* OUT: xenstore ring MFN, 0 = none (@56) */
	uint32_t store_evtchn;		/* OUT: xenstore port, 0 = local (@64) */
	union {
		struct {
			xen_pfn_t mfn;	/* OUT: console ring MFN (@72) */
			uint32_t evtchn; /* OUT: console port (@80) */
		} domU;
		struct {
			uint32_t info_off;  /* OUT: dom0_vga_console_info offset (@72) */
			uint32_t info_size; /* OUT: its size, 0 = absent (@76) */
		} dom0;
	} console;
	unsigned long pt_base;		/* OUT: VA of the bootstrap L4 (@88) */
	unsigned long nr_pt_frames;	/* OUT: bootstrap page-table frames (@96) */
	unsigned long mfn_list;		/* OUT: VA of the initial p2m array (@104) */
	unsigned long mod_start;	/* OUT: initrd VA, or PFN with SIF_MOD_START_PFN (@112) */
	unsigned long mod_len;		/* OUT: initrd size in bytes (@120) */
	int8_t cmd_line[MAX_GUEST_CMDLINE]; /* OUT: NUL-terminated command line (@128) */
	unsigned long first_p2m_pfn;	/* OUT: first pfn of the p2m frames and tables (@1152) */
	unsigned long nr_p2m_frames;	/* OUT: number of those pfns, 0 = none (@1160) */
};
typedef struct start_info start_info_t;

#endif /* !__ASSEMBLY__ */

/* start_info.flags */
#define SIF_PRIVILEGED		(1 << 0)	/* domain has hardware privileges */
#define SIF_INITDOMAIN		(1 << 1)	/* domain is the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD	(1 << 2)	/* mod_start is a xen_multiboot_mod_list */
#define SIF_MOD_START_PFN	(1 << 3)	/* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS	(1 << 4)	/* tools use the linear p2m (p2m_vaddr) */
#define SIF_PM_MASK		(0xFF << 8)	/* reserved for power management */

#ifndef __ASSEMBLY__

/*
 * With SIF_MULTIBOOT_MOD, mod_start points at an array of these (ended by an
 * entry with mod_start 0); addresses are relative to the array's start.
 */
struct xen_multiboot_mod_list {
	uint32_t mod_start;	/* OUT: first byte of the module */
	uint32_t mod_end;	/* OUT: last byte of the module (inclusive) */
	uint32_t cmdline;	/* OUT: its NUL-terminated command line */
	uint32_t pad;		/* OUT: zero */
};

#endif /* !__ASSEMBLY__ */

/* dom0_vga_console_info.video_type */
#define XEN_VGATYPE_TEXT_MODE_3	0x03
#define XEN_VGATYPE_VESA_LFB	0x23
#define XEN_VGATYPE_EFI_LFB	0x70

#ifndef __ASSEMBLY__

/*
 * Description of the firmware console handed to dom0, placed inside the
 * start_info page at console.dom0.info_off. All fields are OUT.
 */
struct dom0_vga_console_info {
	uint8_t video_type;			/* OUT: XEN_VGATYPE_* */
	union {
		struct {
			uint16_t font_height;	/* OUT: pixels */
			uint16_t cursor_x;	/* OUT: column */
			uint16_t cursor_y;	/* OUT: row */
			uint16_t rows;		/* OUT */
			uint16_t columns;	/* OUT */
		} text_mode_3;
		struct {
			uint16_t width;		/* OUT: pixels */
			uint16_t height;	/* OUT: pixels */
			uint16_t bytes_per_line; /* OUT */
			uint16_t bits_per_pixel; /* OUT */
			uint32_t lfb_base;	/* OUT: frame buffer address, low half */
			uint32_t lfb_size;	/* OUT: in 64 KiB units */
			uint8_t red_pos, red_size;	/* OUT */
			uint8_t green_pos, green_size;	/* OUT */
			uint8_t blue_pos, blue_size;	/* OUT */
			uint8_t rsvd_pos, rsvd_size;	/* OUT */
			uint32_t gbl_caps;	/* OUT: VBE capabilities */
			uint16_t mode_attrs;	/* OUT: VBE mode attributes */
			uint16_t pad;
			uint32_t ext_lfb_base;	/* OUT: frame buffer address, high half */
		} vesa_lfb;
	} u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;
#define xen_vga_console_info	dom0_vga_console_info
#define xen_vga_console_info_t	dom0_vga_console_info_t

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_XEN_H */
