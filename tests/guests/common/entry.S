/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Low-level entry points of the guest test framework: one stub per vector
 * for the virtual IDT (set_trap_table), the event/failsafe/syscall callbacks,
 * the common path that saves the registers, calls exc_handler() and returns
 * with HYPERVISOR_iret, and the helpers that enter guest user mode and probe
 * what an iret hypercall produces.
 *
 * The hypervisor delivers an exception on the guest kernel stack as
 *   rcx, r11, [error code], rip, cs, rflags, rsp, ss     (lowest address first)
 * and a failsafe callback as
 *   rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss.
 * RCX and R11 in the registers are undefined; their interrupted values are the
 * first two words of the frame.
 */
#include "asm.h"

/* The SysV callee-saved registers, around probes that leave through another path. */
.macro SAVE_CALLEE_SAVED
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro RESTORE_CALLEE_SAVED_AND_RET
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
.endm


#define HC_IRET		23

	.text
	.code64

/* 256 stubs of 16 bytes: push the vector number, go to exc_common. */
	.p2align 4
GLOBAL(exc_stubs)
	vec = 0
	.rept 256
	.p2align 4
	pushq	$vec
	jmp	exc_common
	vec = vec + 1
	.endr
END(exc_stubs)

	.p2align 4
GLOBAL(event_callback_entry)
	pushq	$VEC_EVENT
	jmp	exc_common
END(event_callback_entry)

	.p2align 4
GLOBAL(failsafe_callback_entry)
	pushq	$VEC_FAILSAFE
	jmp	exc_common
END(failsafe_callback_entry)

	.p2align 4
GLOBAL(syscall_callback_entry)
	pushq	$VEC_SYSCALL
	jmp	exc_common
END(syscall_callback_entry)

/*
 * Stack on entry: vector, then the frame. Saves the other GPRs so that the
 * stack holds a struct exc_regs, calls exc_handler(regs), which returns the
 * address of the iret_context it has built in place over the frame, then
 * restores the GPRs and issues HYPERVISOR_iret from that context.
 */
	.p2align 4
exc_common:
	push	%rax
	push	%rbx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	exc_handler
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rbx
	/*
	 * RAX is not popped: the iret_context carries the value RAX gets, and
	 * keeping its address in RAX (not in memory) lets several vCPUs take
	 * exceptions at once.
	 */
	mov	%rax, %rsp
	mov	$HC_IRET, %eax
	syscall
	ud2

/*
 * unsigned long user_call_sel(fn, arg, user_rsp, cs, ss)
 * Runs fn(arg) in guest user mode on the given stack, entered with these code and stack
 * selectors, and returns its result. The user side ends with a syscall carrying
 * USER_EXIT_MAGIC in RAX; the C syscall handler then calls user_return(), which resumes
 * here.
 */
GLOBAL(user_call_sel)
	SAVE_CALLEE_SAVED
	mov	%rsp, user_saved_ksp
	mov	%rdi, %rbx
	mov	%rsi, %rdi
	push	%r8
	push	%rdx
	pushq	$0x202
	push	%rcx
	pushq	$user_trampoline
	pushq	$0
	pushq	$0
	pushq	$0
	pushq	$0
	mov	$HC_IRET, %eax
	syscall
	ud2
END(user_call_sel)

/* void user_return(unsigned long val): back to user_call_sel's caller. */
GLOBAL(user_return)
	mov	%rdi, %rax
	mov	user_saved_ksp, %rsp
	RESTORE_CALLEE_SAVED_AND_RET
END(user_return)

/* Guest user mode: call fn(arg), then leave through the exit syscall. */
GLOBAL(user_trampoline)
	call	*%rbx
	mov	%rax, %rdi
	movabs	$USER_EXIT_MAGIC, %rax
	syscall
	ud2
END(user_trampoline)

/*
 * void iret_probe(struct iret_context *ctx, struct probe_regs *out)
 * Issues HYPERVISOR_iret with RSP = ctx. If ctx->rip is iret_probe_landing
 * (and ctx->rsp a usable stack) the landing records RAX, RCX, R11, RFLAGS,
 * RSP, CS and SS as the hypervisor left them in *out and returns to the
 * caller of iret_probe. RBX, RBP and R12..R15 are preserved.
 */
GLOBAL(iret_probe)
	SAVE_CALLEE_SAVED
	mov	%rsp, probe_saved_sp
	mov	%rsi, probe_out
	mov	%rdi, %rsp
	mov	$HC_IRET, %eax
	syscall
	ud2
END(iret_probe)

/*
 * void multicall_probe(multicall_entry_t *list, unsigned long n,
 *                      struct iret_context *ctx, struct probe_regs *out)
 * Issues multicall(list, n) with RSP = ctx, for lists that contain an iret
 * entry: that entry reads its frame at the caller's RSP. Lands like
 * iret_probe when ctx->rip is iret_probe_landing.
 */
GLOBAL(multicall_probe)
	SAVE_CALLEE_SAVED
	mov	%rsp, probe_saved_sp
	mov	%rcx, probe_out
	mov	%rdx, %rsp
	mov	$13, %eax
	syscall
	/* Only reached if the list had no (working) iret entry. */
	mov	probe_out, %rbx
	mov	%rax, 0(%rbx)
	movq	$0, 40(%rbx)
	mov	probe_saved_sp, %rsp
	RESTORE_CALLEE_SAVED_AND_RET
END(multicall_probe)

GLOBAL(iret_probe_landing)
	mov	%rsp, probe_tmp
	push	%rbx
	mov	probe_out, %rbx
	mov	%rax, 0(%rbx)
	mov	%rcx, 8(%rbx)
	mov	%r11, 16(%rbx)
	mov	probe_tmp, %rax
	mov	%rax, 32(%rbx)
	pushfq
	pop	%rax
	cld
	mov	%rax, 24(%rbx)
	xor	%eax, %eax
	mov	%cs, %ax
	mov	%rax, 40(%rbx)
	mov	%ss, %ax
	mov	%rax, 48(%rbx)
	pop	%rbx
	mov	probe_saved_sp, %rsp
	RESTORE_CALLEE_SAVED_AND_RET
END(iret_probe_landing)

/*
 * First instruction of a secondary vCPU (smp.c builds its vcpu_guest_context):
 * RDI = vCPU id, RSI = its struct percpu, RSP near the top of its own stack.
 * Records RSP and %gs:0 (the kernel GS base must be the percpu struct), then
 * calls smp_ap_main(id, percpu, rsp, gs0), which never returns.
 */
GLOBAL(smp_ap_entry)
	mov	%rsp, %rdx
	xor	%ecx, %ecx
1:	mov	%gs:0, %rcx
2:	and	$-16, %rsp
	call	smp_ap_main
3:	ud2
	jmp	3b
	/* A GS base that is not mapped: RCX stays 0 and the test says so. */
	.pushsection .extable, "a"
	.balign 8
	.quad 1b, 2b
	.popsection
END(smp_ap_entry)

	.data
	.p2align 3
DATA(user_saved_ksp)
	.quad 0
DATA(probe_saved_sp)
	.quad 0
DATA(probe_out)
	.quad 0
DATA(probe_tmp)
	.quad 0
