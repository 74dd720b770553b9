/* SPDX-License-Identifier: MIT */
/*
 * Compile-time layout test of Kestrel's public guest ABI headers.
 *
 * Every CHECK below is a _Static_assert: if a size, offset or constant
 * drifts from the x86_64 PV ABI (values from Xen 4.17's public headers as
 * recorded in the Linux PV guest dossier), this file fails to compile. That
 * compile is the test. Each check also leaves an entry in a table, so the
 * hosted build can report how many checks it contains.
 *
 * Hosted build:       prints "abi: N passed, 0 failed" and exits 0.
 * Freestanding build: (-ffreestanding) exports kestrel_abi_layout_check(),
 *                     which returns the number of failed checks (always 0).
 */
#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/elfnote.h>

struct abi_check {
	const char *what;
	int ok;
};

/*
 * One check: a static assertion wrapped in a throwaway struct, so that it can
 * sit inside an initializer, plus the expression's value for the run-time
 * count. The struct's size is folded into a constant 0.
 */
#define CHECK(expr)							\
	{ #expr, (expr) + 0 * (int)sizeof(struct {			\
		_Static_assert(expr, "ABI check failed: " #expr);	\
		char c;							\
	}) }

#define CHECK_SIZE(type, size)		CHECK(sizeof(type) == (size))
#define CHECK_OFF(type, member, off)	CHECK(offsetof(type, member) == (off))
#define CHECK_FSIZE(type, member, size)	CHECK(sizeof(((type *)0)->member) == (size))

static const struct abi_check abi_checks[] = {
	/* Basic types. */
	CHECK_SIZE(xen_ulong_t, 8),
	CHECK_SIZE(xen_pfn_t, 8),
	CHECK_SIZE(xen_callback_t, 8),
	CHECK_SIZE(domid_t, 2),
	CHECK_SIZE(evtchn_port_t, 4),
	CHECK_SIZE(xen_domain_handle_t, 16),
	CHECK_SIZE(xen_uuid_t, 16),

	/* start_info (dossier 1.4). */
	CHECK_SIZE(struct start_info, 1168),
	CHECK_OFF(struct start_info, magic, 0),
	CHECK_FSIZE(struct start_info, magic, 32),
	CHECK_OFF(struct start_info, nr_pages, 32),
	CHECK_OFF(struct start_info, shared_info, 40),
	CHECK_OFF(struct start_info, flags, 48),
	CHECK_OFF(struct start_info, store_mfn, 56),
	CHECK_OFF(struct start_info, store_evtchn, 64),
	CHECK_OFF(struct start_info, console, 72),
	CHECK_OFF(struct start_info, console.domU.mfn, 72),
	CHECK_OFF(struct start_info, console.domU.evtchn, 80),
	CHECK_OFF(struct start_info, console.dom0.info_off, 72),
	CHECK_OFF(struct start_info, console.dom0.info_size, 76),
	CHECK_OFF(struct start_info, pt_base, 88),
	CHECK_OFF(struct start_info, nr_pt_frames, 96),
	CHECK_OFF(struct start_info, mfn_list, 104),
	CHECK_OFF(struct start_info, mod_start, 112),
	CHECK_OFF(struct start_info, mod_len, 120),
	CHECK_OFF(struct start_info, cmd_line, 128),
	CHECK_FSIZE(struct start_info, cmd_line, MAX_GUEST_CMDLINE),
	CHECK_OFF(struct start_info, first_p2m_pfn, 1152),
	CHECK_OFF(struct start_info, nr_p2m_frames, 1160),
	CHECK(sizeof(XEN_START_INFO_MAGIC) <= 32),
	CHECK(SIF_PRIVILEGED == 1 && SIF_INITDOMAIN == 2 && SIF_MULTIBOOT_MOD == 4),
	CHECK(SIF_MOD_START_PFN == 8 && SIF_VIRT_P2M_4TOOLS == 16 && SIF_PM_MASK == 0xff00),
	CHECK_SIZE(struct xen_multiboot_mod_list, 16),
	CHECK_SIZE(struct dom0_vga_console_info, 40),
	CHECK_OFF(struct dom0_vga_console_info, u, 4),
	CHECK_OFF(struct dom0_vga_console_info, u.vesa_lfb.lfb_base, 12),
	CHECK_OFF(struct dom0_vga_console_info, u.vesa_lfb.gbl_caps, 28),
	CHECK_OFF(struct dom0_vga_console_info, u.vesa_lfb.ext_lfb_base, 36),

	/* vcpu_time_info and vcpu_info (dossier 1.6). */
	CHECK_SIZE(struct vcpu_time_info, 32),
	CHECK_OFF(struct vcpu_time_info, version, 0),
	CHECK_OFF(struct vcpu_time_info, pad0, 4),
	CHECK_OFF(struct vcpu_time_info, tsc_timestamp, 8),
	CHECK_OFF(struct vcpu_time_info, system_time, 16),
	CHECK_OFF(struct vcpu_time_info, tsc_to_system_mul, 24),
	CHECK_OFF(struct vcpu_time_info, tsc_shift, 28),
	CHECK_OFF(struct vcpu_time_info, flags, 29),
	CHECK_OFF(struct vcpu_time_info, pad1, 30),
	CHECK(XEN_PVCLOCK_TSC_STABLE_BIT == 1 && XEN_PVCLOCK_GUEST_STOPPED == 2),
	CHECK_SIZE(struct arch_vcpu_info, 16),
	CHECK_SIZE(struct vcpu_info, 64),
	CHECK_OFF(struct vcpu_info, evtchn_upcall_pending, 0),
	CHECK_OFF(struct vcpu_info, evtchn_upcall_mask, 1),
	CHECK_OFF(struct vcpu_info, evtchn_pending_sel, 8),
	CHECK_OFF(struct vcpu_info, arch, 16),
	CHECK_OFF(struct vcpu_info, arch.cr2, 16),
	CHECK_OFF(struct vcpu_info, arch.pad, 24),
	CHECK_OFF(struct vcpu_info, time, 32),
	CHECK_OFF(struct vcpu_info, time.system_time, 48),

	/* shared_info (dossier 1.6). */
	CHECK_SIZE(struct shared_info, 3136),
	CHECK(sizeof(struct shared_info) <= XEN_PAGE_SIZE),
	CHECK_OFF(struct shared_info, vcpu_info, 0),
	CHECK_FSIZE(struct shared_info, vcpu_info, 32 * 64),
	CHECK_OFF(struct shared_info, evtchn_pending, 2048),
	CHECK_OFF(struct shared_info, evtchn_mask, 2560),
	CHECK(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 == NR_EVENT_CHANNELS),
	CHECK_OFF(struct shared_info, wc_version, 3072),
	CHECK_OFF(struct shared_info, wc_sec, 3076),
	CHECK_OFF(struct shared_info, wc_nsec, 3080),
	CHECK_OFF(struct shared_info, wc_sec_hi, 3084),
	CHECK_OFF(struct shared_info, arch, 3088),
	CHECK_SIZE(struct arch_shared_info, 48),
	CHECK_OFF(struct shared_info, arch.max_pfn, 3088),
	CHECK_OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096),
	CHECK_OFF(struct shared_info, arch.nmi_reason, 3104),
	CHECK_OFF(struct shared_info, arch.p2m_cr3, 3112),
	CHECK_OFF(struct shared_info, arch.p2m_vaddr, 3120),
	CHECK_OFF(struct shared_info, arch.p2m_generation, 3128),

	/* Hypercall argument structures of xen.h. */
	CHECK_SIZE(struct multicall_entry, 64),
	CHECK_OFF(struct multicall_entry, op, 0),
	CHECK_OFF(struct multicall_entry, result, 8),
	CHECK_OFF(struct multicall_entry, args, 16),
	CHECK_FSIZE(struct multicall_entry, args, 48),
	CHECK_SIZE(struct mmu_update, 16),
	CHECK_OFF(struct mmu_update, ptr, 0),
	CHECK_OFF(struct mmu_update, val, 8),
	CHECK_SIZE(struct mmuext_op, 24),
	CHECK_OFF(struct mmuext_op, cmd, 0),
	CHECK_OFF(struct mmuext_op, arg1.mfn, 8),
	CHECK_OFF(struct mmuext_op, arg1.linear_addr, 8),
	CHECK_OFF(struct mmuext_op, arg2.nr_ents, 16),
	CHECK_OFF(struct mmuext_op, arg2.vcpumask, 16),
	CHECK_OFF(struct mmuext_op, arg2.src_mfn, 16),

	/* arch-x86_64.h structures (dossier 4.3, 4.5, 6.4). */
	CHECK_SIZE(struct trap_info, 16),
	CHECK_OFF(struct trap_info, vector, 0),
	CHECK_OFF(struct trap_info, flags, 1),
	CHECK_OFF(struct trap_info, cs, 2),
	CHECK_OFF(struct trap_info, address, 8),
	CHECK_SIZE(struct iret_context, 72),
	CHECK_OFF(struct iret_context, rax, 0),
	CHECK_OFF(struct iret_context, r11, 8),
	CHECK_OFF(struct iret_context, rcx, 16),
	CHECK_OFF(struct iret_context, flags, 24),
	CHECK_OFF(struct iret_context, rip, 32),
	CHECK_OFF(struct iret_context, cs, 40),
	CHECK_OFF(struct iret_context, rflags, 48),
	CHECK_OFF(struct iret_context, rsp, 56),
	CHECK_OFF(struct iret_context, ss, 64),
	CHECK_SIZE(struct cpu_user_regs, 200),
	CHECK_OFF(struct cpu_user_regs, r15, 0),
	CHECK_OFF(struct cpu_user_regs, r14, 8),
	CHECK_OFF(struct cpu_user_regs, r13, 16),
	CHECK_OFF(struct cpu_user_regs, r12, 24),
	CHECK_OFF(struct cpu_user_regs, rbp, 32),
	CHECK_OFF(struct cpu_user_regs, rbx, 40),
	CHECK_OFF(struct cpu_user_regs, r11, 48),
	CHECK_OFF(struct cpu_user_regs, r10, 56),
	CHECK_OFF(struct cpu_user_regs, r9, 64),
	CHECK_OFF(struct cpu_user_regs, r8, 72),
	CHECK_OFF(struct cpu_user_regs, rax, 80),
	CHECK_OFF(struct cpu_user_regs, rcx, 88),
	CHECK_OFF(struct cpu_user_regs, rdx, 96),
	CHECK_OFF(struct cpu_user_regs, rsi, 104),
	CHECK_OFF(struct cpu_user_regs, rdi, 112),
	CHECK_OFF(struct cpu_user_regs, error_code, 120),
	CHECK_OFF(struct cpu_user_regs, entry_vector, 124),
	CHECK_OFF(struct cpu_user_regs, rip, 128),
	CHECK_OFF(struct cpu_user_regs, cs, 136),
	CHECK_OFF(struct cpu_user_regs, saved_upcall_mask, 140),
	CHECK_OFF(struct cpu_user_regs, rflags, 144),
	CHECK_OFF(struct cpu_user_regs, rsp, 152),
	CHECK_OFF(struct cpu_user_regs, ss, 160),
	CHECK_OFF(struct cpu_user_regs, es, 168),
	CHECK_OFF(struct cpu_user_regs, ds, 176),
	CHECK_OFF(struct cpu_user_regs, fs, 184),
	CHECK_OFF(struct cpu_user_regs, gs, 192),
	CHECK_OFF(struct cpu_user_regs, eax, 80),
	CHECK_OFF(struct cpu_user_regs, eip, 128),
	CHECK_SIZE(struct vcpu_guest_context, 5168),
	CHECK_OFF(struct vcpu_guest_context, fpu_ctxt, 0),
	CHECK_FSIZE(struct vcpu_guest_context, fpu_ctxt, 512),
	CHECK_OFF(struct vcpu_guest_context, flags, 512),
	CHECK_OFF(struct vcpu_guest_context, user_regs, 520),
	CHECK_OFF(struct vcpu_guest_context, user_regs.rip, 648),
	CHECK_OFF(struct vcpu_guest_context, trap_ctxt, 720),
	CHECK_FSIZE(struct vcpu_guest_context, trap_ctxt, 256 * 16),
	CHECK_OFF(struct vcpu_guest_context, ldt_base, 4816),
	CHECK_OFF(struct vcpu_guest_context, ldt_ents, 4824),
	CHECK_OFF(struct vcpu_guest_context, gdt_frames, 4832),
	CHECK_OFF(struct vcpu_guest_context, gdt_ents, 4960),
	CHECK_OFF(struct vcpu_guest_context, kernel_ss, 4968),
	CHECK_OFF(struct vcpu_guest_context, kernel_sp, 4976),
	CHECK_OFF(struct vcpu_guest_context, ctrlreg, 4984),
	CHECK_OFF(struct vcpu_guest_context, debugreg, 5048),
	CHECK_OFF(struct vcpu_guest_context, event_callback_eip, 5112),
	CHECK_OFF(struct vcpu_guest_context, failsafe_callback_eip, 5120),
	CHECK_OFF(struct vcpu_guest_context, syscall_callback_eip, 5128),
	CHECK_OFF(struct vcpu_guest_context, vm_assist, 5136),
	CHECK_OFF(struct vcpu_guest_context, fs_base, 5144),
	CHECK_OFF(struct vcpu_guest_context, gs_base_kernel, 5152),
	CHECK_OFF(struct vcpu_guest_context, gs_base_user, 5160),
	CHECK(VGCF_i387_valid == 1 && VGCF_in_kernel == 4 && VGCF_failsafe_disables_events == 8),
	CHECK(VGCF_syscall_disables_events == 16 && VGCF_online == 32 && VGCF_in_syscall == 256),
	CHECK_SIZE(struct xen_cpuid_leaf, 24),
	CHECK_SIZE(struct xen_msr_entry, 16),

	/* Selectors, address space, hypercall page (dossier 1.3, 1.7, 4.2). */
	CHECK(FLAT_RING3_CS32 == 0xe023 && FLAT_RING3_DS32 == 0xe02b),
	CHECK(FLAT_RING3_CS64 == 0xe033 && FLAT_RING3_DS64 == 0 && FLAT_RING3_SS64 == 0xe02b),
	CHECK(FLAT_KERNEL_CS == 0xe033 && FLAT_KERNEL_SS == 0xe02b && FLAT_KERNEL_DS == 0),
	CHECK(FLAT_USER_CS == 0xe033 && FLAT_USER_SS == 0xe02b && FLAT_USER_CS32 == 0xe023),
	CHECK(FIRST_RESERVED_GDT_ENTRY == 7168 && FIRST_RESERVED_GDT_BYTE == 0xe000),
	CHECK(HYPERVISOR_VIRT_START == 0xffff800000000000UL),
	CHECK(HYPERVISOR_VIRT_END == 0xffff880000000000UL),
	CHECK(MACH2PHYS_VIRT_START == 0xffff800000000000UL),
	CHECK(MACH2PHYS_VIRT_END == 0xffff804000000000UL),
	CHECK(MACH2PHYS_NR_ENTRIES == (1UL << 35)),
	CHECK(XEN_HYPERCALL_STUB_SIZE == 32 && (1 << XEN_HYPERCALL_STUB_SHIFT) == 32),
	CHECK(SEGBASE_FS == 0 && SEGBASE_GS_USER == 1 && SEGBASE_GS_KERNEL == 2),
	CHECK(SEGBASE_GS_USER_SEL == 3),

	/* Hypercall numbers. */
	CHECK(__HYPERVISOR_set_trap_table == 0 && __HYPERVISOR_mmu_update == 1),
	CHECK(__HYPERVISOR_set_gdt == 2 && __HYPERVISOR_stack_switch == 3),
	CHECK(__HYPERVISOR_set_callbacks == 4 && __HYPERVISOR_fpu_taskswitch == 5),
	CHECK(__HYPERVISOR_platform_op == 7 && __HYPERVISOR_update_descriptor == 10),
	CHECK(__HYPERVISOR_memory_op == 12 && __HYPERVISOR_multicall == 13),
	CHECK(__HYPERVISOR_update_va_mapping == 14 && __HYPERVISOR_set_timer_op == 15),
	CHECK(__HYPERVISOR_xen_version == 17 && __HYPERVISOR_console_io == 18),
	CHECK(__HYPERVISOR_grant_table_op == 20 && __HYPERVISOR_vm_assist == 21),
	CHECK(__HYPERVISOR_iret == 23 && __HYPERVISOR_vcpu_op == 24),
	CHECK(__HYPERVISOR_set_segment_base == 25 && __HYPERVISOR_mmuext_op == 26),
	CHECK(__HYPERVISOR_sched_op == 29 && __HYPERVISOR_callback_op == 30),
	CHECK(__HYPERVISOR_event_channel_op == 32 && __HYPERVISOR_physdev_op == 33),
	CHECK(__HYPERVISOR_sysctl == 35 && __HYPERVISOR_domctl == 36),
	CHECK(__HYPERVISOR_xenpmu_op == 40 && __HYPERVISOR_dm_op == 41),
	CHECK(__HYPERVISOR_hypfs_op == 42 && __HYPERVISOR_arch_0 == 48),
	CHECK(__HYPERVISOR_arch_7 == 55),

	/* Other constants of xen.h and errno.h. */
	CHECK(DOMID_SELF == 0x7ff0 && DOMID_IO == 0x7ff1 && DOMID_XEN == 0x7ff2),
	CHECK(DOMID_COW == 0x7ff3 && DOMID_INVALID == 0x7ff4 && DOMID_IDLE == 0x7fff),
	CHECK(XEN_LEGACY_MAX_VCPUS == 32 && MAX_VIRT_CPUS == 32),
	CHECK(NR_EVENT_CHANNELS == 4096 && XEN_PAGE_SIZE == 4096),
	CHECK(MMU_NORMAL_PT_UPDATE == 0 && MMU_MACHPHYS_UPDATE == 1),
	CHECK(MMU_PT_UPDATE_PRESERVE_AD == 2 && MMU_PT_UPDATE_NO_TRANSLATE == 3),
	CHECK(MMUEXT_PIN_L4_TABLE == 3 && MMUEXT_UNPIN_TABLE == 4 && MMUEXT_NEW_BASEPTR == 5),
	CHECK(MMUEXT_TLB_FLUSH_MULTI == 8 && MMUEXT_SET_LDT == 13),
	CHECK(MMUEXT_NEW_USER_BASEPTR == 15 && MMUEXT_UNMARK_SUPER == 20),
	CHECK(UVMF_TLB_FLUSH == 1 && UVMF_INVLPG == 2 && UVMF_ALL == 4 && UVMF_LOCAL == 0),
	CHECK(CONSOLEIO_write == 0 && CONSOLEIO_read == 1),
	CHECK(VMASST_CMD_enable == 0 && VMASST_CMD_disable == 1),
	CHECK(VMASST_TYPE_writable_pagetables == 2 && VMASST_TYPE_runstate_update_flag == 5),
	CHECK(VMASST_TYPE_m2p_strict == 32),
	CHECK(VIRQ_TIMER == 0 && VIRQ_DEBUG == 1 && VIRQ_CONSOLE == 2 && VIRQ_DOM_EXC == 3),
	CHECK(XEN_EPERM == 1 && XEN_ENOENT == 2 && XEN_ESRCH == 3 && XEN_ENOMEM == 12),
	CHECK(XEN_EFAULT == 14 && XEN_EBUSY == 16 && XEN_EEXIST == 17 && XEN_EINVAL == 22),
	CHECK(XEN_ENOSPC == 28 && XEN_ENOSYS == 38 && XEN_ETIME == 62),
	CHECK(XEN_EOPNOTSUPP == 95 && XEN_ECONNREFUSED == 111),

	/* sched.h */
	CHECK(SCHEDOP_yield == 0 && SCHEDOP_block == 1 && SCHEDOP_shutdown == 2),
	CHECK(SCHEDOP_poll == 3 && SCHEDOP_remote_shutdown == 4 && SCHEDOP_shutdown_code == 5),
	CHECK(SCHEDOP_watchdog == 6 && SCHEDOP_pin_override == 7),
	CHECK(SHUTDOWN_poweroff == 0 && SHUTDOWN_reboot == 1 && SHUTDOWN_suspend == 2),
	CHECK(SHUTDOWN_crash == 3 && SHUTDOWN_watchdog == 4 && SHUTDOWN_soft_reset == 5),
	CHECK_SIZE(struct sched_shutdown, 4),
	CHECK_SIZE(struct sched_poll, 24),
	CHECK_OFF(struct sched_poll, ports, 0),
	CHECK_OFF(struct sched_poll, nr_ports, 8),
	CHECK_OFF(struct sched_poll, timeout, 16),
	CHECK_SIZE(struct sched_remote_shutdown, 8),
	CHECK_OFF(struct sched_remote_shutdown, reason, 4),
	CHECK_SIZE(struct sched_watchdog, 8),
	CHECK_SIZE(struct sched_pin_override, 4),

	/* version.h and features.h */
	CHECK(XENVER_version == 0 && XENVER_get_features == 6 && XENVER_build_id == 10),
	CHECK_SIZE(xen_extraversion_t, 16),
	CHECK_SIZE(xen_capabilities_info_t, 1024),
	CHECK_SIZE(xen_changeset_info_t, 64),
	CHECK_SIZE(xen_commandline_t, 1024),
	CHECK_SIZE(struct xen_compile_info, 144),
	CHECK_OFF(struct xen_compile_info, compile_by, 64),
	CHECK_OFF(struct xen_compile_info, compile_domain, 80),
	CHECK_OFF(struct xen_compile_info, compile_date, 112),
	CHECK_SIZE(struct xen_platform_parameters, 8),
	CHECK_SIZE(struct xen_feature_info, 8),
	CHECK_OFF(struct xen_feature_info, submap, 4),
	CHECK_OFF(struct xen_build_id, buf, 4),
	CHECK(XENFEAT_writable_page_tables == 0 && XENFEAT_supervisor_mode_kernel == 3),
	CHECK(XENFEAT_mmu_pt_update_preserve_ad == 5 && XENFEAT_gnttab_map_avail_bits == 7),
	CHECK(XENFEAT_dom0 == 11 && XENFEAT_linux_rsdp_unrestricted == 15),
	CHECK(XENFEAT_direct_mapped == 17 && XENFEAT_NR_SUBMAPS == 1),

	/* vcpu.h (dossier 6.2, 6.4) */
	CHECK(VCPUOP_initialise == 0 && VCPUOP_up == 1 && VCPUOP_is_up == 3),
	CHECK(VCPUOP_register_runstate_memory_area == 5 && VCPUOP_stop_periodic_timer == 7),
	CHECK(VCPUOP_set_singleshot_timer == 8 && VCPUOP_register_vcpu_info == 10),
	CHECK(VCPUOP_send_nmi == 11 && VCPUOP_register_vcpu_time_memory_area == 13),
	CHECK_SIZE(struct vcpu_runstate_info, 48),
	CHECK_OFF(struct vcpu_runstate_info, state, 0),
	CHECK_OFF(struct vcpu_runstate_info, state_entry_time, 8),
	CHECK_OFF(struct vcpu_runstate_info, time, 16),
	CHECK(RUNSTATE_running == 0 && RUNSTATE_offline == 3),
	CHECK(XEN_RUNSTATE_UPDATE == (1ULL << 63)),
	CHECK_SIZE(struct vcpu_register_runstate_memory_area, 8),
	CHECK_SIZE(struct vcpu_set_periodic_timer, 8),
	CHECK_SIZE(struct vcpu_set_singleshot_timer, 16),
	CHECK_OFF(struct vcpu_set_singleshot_timer, flags, 8),
	CHECK_SIZE(struct vcpu_register_vcpu_info, 16),
	CHECK_OFF(struct vcpu_register_vcpu_info, offset, 8),
	CHECK_OFF(struct vcpu_register_vcpu_info, rsvd, 12),
	CHECK_SIZE(struct vcpu_get_physid, 8),
	CHECK_SIZE(struct vcpu_register_time_memory_area, 8),

	/* callback.h (dossier 4.7) */
	CHECK(CALLBACKTYPE_event == 0 && CALLBACKTYPE_failsafe == 1 && CALLBACKTYPE_syscall == 2),
	CHECK(CALLBACKTYPE_nmi == 4 && CALLBACKTYPE_sysenter == 5 && CALLBACKTYPE_syscall32 == 7),
	CHECK(CALLBACKF_mask_events == 1 && CALLBACKOP_register == 0 && CALLBACKOP_unregister == 1),
	CHECK_SIZE(struct callback_register, 16),
	CHECK_OFF(struct callback_register, flags, 2),
	CHECK_OFF(struct callback_register, address, 8),
	CHECK_SIZE(struct callback_unregister, 4),

	/* memory.h (dossier 1.7, 3.1) */
	CHECK(XENMEM_increase_reservation == 0 && XENMEM_decrease_reservation == 1),
	CHECK(XENMEM_maximum_ram_page == 2 && XENMEM_maximum_reservation == 4),
	CHECK(XENMEM_populate_physmap == 6 && XENMEM_memory_map == 9),
	CHECK(XENMEM_machine_memory_map == 10 && XENMEM_exchange == 11),
	CHECK(XENMEM_machphys_mapping == 12 && XENMEM_acquire_resource == 28),
	CHECK_SIZE(struct xen_memory_reservation, 32),
	CHECK_OFF(struct xen_memory_reservation, nr_extents, 8),
	CHECK_OFF(struct xen_memory_reservation, extent_order, 16),
	CHECK_OFF(struct xen_memory_reservation, mem_flags, 20),
	CHECK_OFF(struct xen_memory_reservation, domid, 24),
	CHECK_SIZE(struct xen_memory_exchange, 72),
	CHECK_OFF(struct xen_memory_exchange, nr_exchanged, 64),
	CHECK_SIZE(struct xen_machphys_mapping, 24),
	CHECK_SIZE(struct xen_machphys_mfn_list, 24),
	CHECK_SIZE(struct xen_memory_map, 16),
	CHECK_OFF(struct xen_memory_map, buffer, 8),
	CHECK_SIZE(struct xen_e820_entry, 20),
	CHECK_OFF(struct xen_e820_entry, size, 8),
	CHECK_OFF(struct xen_e820_entry, type, 16),
	CHECK_SIZE(struct xen_add_to_physmap, 24),
	CHECK_SIZE(struct xen_mem_acquire_resource, 32),

	/* event_channel.h (dossier 6.1) */
	CHECK(EVTCHNOP_bind_interdomain == 0 && EVTCHNOP_bind_virq == 1 && EVTCHNOP_send == 4),
	CHECK(EVTCHNOP_alloc_unbound == 6 && EVTCHNOP_bind_ipi == 7 && EVTCHNOP_unmask == 9),
	CHECK(EVTCHNOP_init_control == 11 && EVTCHNOP_set_priority == 13),
	CHECK_SIZE(struct evtchn_alloc_unbound, 8),
	CHECK_OFF(struct evtchn_alloc_unbound, remote_dom, 2),
	CHECK_OFF(struct evtchn_alloc_unbound, port, 4),
	CHECK_SIZE(struct evtchn_bind_interdomain, 12),
	CHECK_OFF(struct evtchn_bind_interdomain, remote_port, 4),
	CHECK_OFF(struct evtchn_bind_interdomain, local_port, 8),
	CHECK_SIZE(struct evtchn_bind_virq, 12),
	CHECK_OFF(struct evtchn_bind_virq, port, 8),
	CHECK_SIZE(struct evtchn_bind_pirq, 12),
	CHECK_SIZE(struct evtchn_bind_ipi, 8),
	CHECK_SIZE(struct evtchn_close, 4),
	CHECK_SIZE(struct evtchn_send, 4),
	CHECK_SIZE(struct evtchn_status, 24),
	CHECK_OFF(struct evtchn_status, u, 16),
	CHECK_SIZE(struct evtchn_bind_vcpu, 8),
	CHECK_SIZE(struct evtchn_unmask, 4),
	CHECK_SIZE(struct evtchn_init_control, 24),
	CHECK_SIZE(struct evtchn_op, 28),

	/* physdev.h, platform.h, elfnote.h */
	CHECK(PHYSDEVOP_set_iopl == 6 && PHYSDEVOP_set_iobitmap == 7),
	CHECK_SIZE(struct physdev_set_iopl, 4),
	CHECK_SIZE(struct physdev_set_iobitmap, 16),
	CHECK_SIZE(struct physdev_op, 24),
	CHECK_SIZE(struct physdev_map_pirq, 40),
	CHECK(XENPF_INTERFACE_VERSION == 0x03000001 && XENPF_firmware_info == 50),
	CHECK(XEN_ELFNOTE_ENTRY == 1 && XEN_ELFNOTE_HYPERCALL_PAGE == 2),
	CHECK(XEN_ELFNOTE_VIRT_BASE == 3 && XEN_ELFNOTE_PADDR_OFFSET == 4),
	CHECK(XEN_ELFNOTE_FEATURES == 10 && XEN_ELFNOTE_SUSPEND_CANCEL == 14),
	CHECK(XEN_ELFNOTE_INIT_P2M == 15 && XEN_ELFNOTE_MOD_START_PFN == 16),
	CHECK(XEN_ELFNOTE_SUPPORTED_FEATURES == 17 && XEN_ELFNOTE_PHYS32_ENTRY == 18),
};

#define NR_CHECKS	(sizeof(abi_checks) / sizeof(abi_checks[0]))

static unsigned int count_failures(void)
{
	unsigned int i, failed = 0;

	for (i = 0; i < NR_CHECKS; i++)
		if (!abi_checks[i].ok)
			failed++;
	return failed;
}

#if __STDC_HOSTED__
#include <stdio.h>

int main(void)
{
	unsigned int i, failed = count_failures();

	for (i = 0; i < NR_CHECKS; i++)
		if (!abi_checks[i].ok)
			printf("abi: FAILED %s\n", abi_checks[i].what);
	printf("abi: %u passed, %u failed\n", (unsigned int)NR_CHECKS - failed, failed);
	return failed ? 1 : 0;
}
#else
unsigned int kestrel_abi_layout_check(void);

/* Freestanding builds: returns the number of failed checks (0). */
unsigned int kestrel_abi_layout_check(void)
{
	return count_failures();
}
#endif
