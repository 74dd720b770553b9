/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt and exception entry. One 16-byte stub per vector pushes a zero error code
 * where the CPU does not push one, then the vector number, and joins the common path,
 * which saves the general registers into a struct cpu_regs (asm/regs.h) and calls
 * do_interrupt(regs). Only hypervisor context exists so far, so there is no swapgs.
 */
#include <asm/config.h>
#include <asm/entry-macros.h>

/* Vectors for which the CPU pushes an error code: 8 10-14 17 21 29 30 */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
			(v) == 29 || (v) == 30)

	.text
	.align 16
	.globl interrupt_stubs
interrupt_stubs:
	.set vec, 0
	.rept 256
	.align 16
	.if !HAS_ERRCODE(vec)
	pushq $0
	.endif
	pushq $vec
	jmp common_interrupt
	.set vec, vec + 1
	.endr

common_interrupt:
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	call do_interrupt
	testb $3, 144(%rsp) /* the frame's CS: back to a guest? */
	jnz return_to_guest
	RESTORE_GPRS_AND_IRET

/*
 * Application processors arrive here from the trampoline, in long mode on the boot page
 * tables. Switch to the final tables and the stack smp.c prepared, then enter C.
 */
	.globl ap_start64
ap_start64:
	movq idle_cr3(%rip), %rax
	movq %rax, %cr3
	movq ap_boot_stack(%rip), %rsp
	xorl %ebp, %ebp
	movl ap_boot_cpu(%rip), %edi
	call ap_start_c
1:	cli
	hlt
	jmp 1b
