/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from a PV guest through SYSCALL, and the way back to a guest.
 *
 * SYSCALL does not switch stacks, so the entry borrows the per-CPU area through
 * KERNEL_GS_BASE (swapgs, save the guest RSP, load the CPU's stack top, swapgs back):
 * the hypervisor itself never uses GS, which stays the guest's. It then builds the same
 * struct cpu_regs frame an interrupt from CPL 3 leaves at the top of the stack, with the
 * vector field saying which entry it was, and calls do_syscall(). Both return through
 * return_to_guest, which pops the frame and IRETs to CPL 3.
 */
#include <asm/config.h>
#include <asm/entry-macros.h>

#define PERCPU_SCRATCH 8     /* offsetof(struct percpu, syscall_scratch) */
#define PERCPU_STACK_TOP 24  /* offsetof(struct percpu, stack_top) */
#define VECTOR_SYSCALL 0x100
#define VECTOR_SYSCALL32 0x101

.macro SYSCALL_ENTRY cs, vector
	swapgs
	movq %rsp, %gs:PERCPU_SCRATCH
	movq %gs:PERCPU_STACK_TOP, %rsp
	pushq $FLAT_RING3_DS32           /* ss */
	pushq %gs:PERCPU_SCRATCH         /* rsp */
	swapgs
	pushq %r11                       /* rflags */
	pushq $\cs                       /* cs */
	pushq %rcx                       /* rip */
	pushq $0                         /* error code */
	pushq $\vector
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call do_syscall
	jmp return_to_guest
.endm

	.text
	.globl syscall_entry
syscall_entry:
	SYSCALL_ENTRY FLAT_RING3_CS64, VECTOR_SYSCALL

	.globl syscall32_entry
syscall32_entry:
	SYSCALL_ENTRY FLAT_RING3_CS32, VECTOR_SYSCALL32

/* Leave through the frame at RSP (a struct cpu_regs with a CPL 3 CS). */
	.globl return_to_guest
return_to_guest:
	cli
	movq %rsp, %rdi
	call pv_exit_to_guest
	RESTORE_GPRS_AND_IRET

/*
 * pv_start_frame(dst, src): first entry into a guest. Moves RSP to dst (the frame slot at
 * the top of this CPU's stack) before copying the registers from src into it, because the
 * caller's own frames live there: nothing of the old stack is used again.
 */
	.globl pv_start_frame
pv_start_frame:
	cli
	movq %rdi, %rsp
	movl $22, %ecx /* sizeof(struct cpu_regs) / 8 */
	rep movsq
	jmp return_to_guest
