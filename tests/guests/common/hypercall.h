/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall wrappers. The default transport is a raw `syscall` from guest
 * kernel mode with RAX = number and the arguments in RDI, RSI, RDX, R10 and
 * R8, as Linux 6.1.123+ does; RCX and R11 are clobbered by the instruction.
 * Kernels built with GUEST_HYPERCALL_PAGE call the stub at
 * hypercall_page + 32 * nr instead (XEN_ELFNOTE_HYPERCALL_PAGE).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <public/xen.h>

extern char hypercall_page[];

/* Always a raw syscall, whatever the kernel's transport: any number works. */
static inline long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
				 unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	asm volatile("syscall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
		     : "a"(nr)
		     : "rcx", "r11", "memory");
	return ret;
}

#ifdef GUEST_HYPERCALL_PAGE
/* Through the stub the builder wrote into hypercall_page (nr < 128). */
static inline long hypercall_page_call(unsigned long nr, unsigned long a1, unsigned long a2,
				       unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	unsigned long stub = (unsigned long)hypercall_page + nr * 32;
	long ret;

	asm volatile("call *%[stub]"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
		       [stub] "+r"(stub)
		     :
		     : "rcx", "r11", "memory");
	return ret;
}
#define hypercall5(nr, a1, a2, a3, a4, a5) hypercall_page_call(nr, a1, a2, a3, a4, a5)
#else
#define hypercall5(nr, a1, a2, a3, a4, a5) hypercall_raw(nr, a1, a2, a3, a4, a5)
#endif

#define UL(x) ((unsigned long)(x))
#define hypercall0(nr)			hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)		hypercall5(nr, UL(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)		hypercall5(nr, UL(a), UL(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)		hypercall5(nr, UL(a), UL(b), UL(c), 0, 0)
#define hypercall4(nr, a, b, c, d)	hypercall5(nr, UL(a), UL(b), UL(c), UL(d), 0)

#define HYPERVISOR_set_trap_table(t)	hypercall1(__HYPERVISOR_set_trap_table, t)
#define HYPERVISOR_mmu_update(r, n, done, dom) \
	hypercall4(__HYPERVISOR_mmu_update, r, n, done, dom)
#define HYPERVISOR_set_gdt(frames, n)	hypercall2(__HYPERVISOR_set_gdt, frames, n)
#define HYPERVISOR_stack_switch(ss, sp)	hypercall2(__HYPERVISOR_stack_switch, ss, sp)
#define HYPERVISOR_set_callbacks(ev, fs, sc) \
	hypercall3(__HYPERVISOR_set_callbacks, ev, fs, sc)
#define HYPERVISOR_fpu_taskswitch(set)	hypercall1(__HYPERVISOR_fpu_taskswitch, set)
#define HYPERVISOR_set_debugreg(r, v)	hypercall2(__HYPERVISOR_set_debugreg, r, v)
#define HYPERVISOR_get_debugreg(r)	hypercall1(__HYPERVISOR_get_debugreg, r)
#define HYPERVISOR_update_descriptor(ma, d) \
	hypercall2(__HYPERVISOR_update_descriptor, ma, d)
#define HYPERVISOR_memory_op(cmd, arg)	hypercall2(__HYPERVISOR_memory_op, cmd, arg)
#define HYPERVISOR_multicall(l, n)	hypercall2(__HYPERVISOR_multicall, l, n)
#define HYPERVISOR_update_va_mapping(va, pte, fl) \
	hypercall3(__HYPERVISOR_update_va_mapping, va, pte, fl)
#define HYPERVISOR_set_timer_op(t)	hypercall1(__HYPERVISOR_set_timer_op, t)
#define HYPERVISOR_xen_version(cmd, arg) hypercall2(__HYPERVISOR_xen_version, cmd, arg)
#define HYPERVISOR_console_io(cmd, n, buf) \
	hypercall3(__HYPERVISOR_console_io, cmd, n, buf)
#define HYPERVISOR_vm_assist(cmd, type)	hypercall2(__HYPERVISOR_vm_assist, cmd, type)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg) \
	hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg)
#define HYPERVISOR_set_segment_base(w, v) \
	hypercall2(__HYPERVISOR_set_segment_base, w, v)
#define HYPERVISOR_mmuext_op(ops, n, done, dom) \
	hypercall4(__HYPERVISOR_mmuext_op, ops, n, done, dom)
#define HYPERVISOR_sched_op(cmd, arg)	hypercall2(__HYPERVISOR_sched_op, cmd, arg)
#define HYPERVISOR_callback_op(cmd, arg) hypercall2(__HYPERVISOR_callback_op, cmd, arg)
#define HYPERVISOR_event_channel_op(cmd, arg) \
	hypercall2(__HYPERVISOR_event_channel_op, cmd, arg)
#define HYPERVISOR_physdev_op(cmd, arg)	hypercall2(__HYPERVISOR_physdev_op, cmd, arg)

#endif /* GUEST_HYPERCALL_H */
