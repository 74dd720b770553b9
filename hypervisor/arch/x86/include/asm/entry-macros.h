/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Saving and restoring the general registers in the order of struct cpu_regs
 * (asm/regs.h): r15 ends up at the lowest address. Shared by every entry path.
 */
#ifndef ASM_ENTRY_MACROS_H
#define ASM_ENTRY_MACROS_H

#ifdef __ASSEMBLY__
.macro SAVE_GPRS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

/* Pop the registers, drop the vector and error code, and return from the frame. */
.macro RESTORE_GPRS_AND_IRET
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	addq $16, %rsp
	iretq
.endm
#endif

#endif
