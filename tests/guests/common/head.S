/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry point and Xen ELF notes of every guest test kernel.
 *
 * The builder (Xen's dom0 builder or Kestrel's) reads the notes below from the
 * PT_NOTE segment, maps the image at VIRT_BASE + p_paddr and enters _start in
 * guest kernel mode with RSI = start_info and RSP at the top of a one-page
 * bootstrap stack. We record the complete register state the builder left us
 * (the "boot" test checks it), switch to our own stack and call kmain().
 */
#include "asm.h"

/* Xen ELF note types (public/elfnote.h). */
#define NOTE_ENTRY		1
#define NOTE_HYPERCALL_PAGE	2
#define NOTE_VIRT_BASE		3
#define NOTE_PADDR_OFFSET	4
#define NOTE_XEN_VERSION	5
#define NOTE_GUEST_OS		6
#define NOTE_GUEST_VERSION	7
#define NOTE_LOADER		8
#define NOTE_FEATURES		10
#define NOTE_SUPPORTED_FEATURES	17

/* One note: name "Xen", the given type, a descriptor built by the given directives. */
.macro xen_note type:req, desc:vararg
	.pushsection .note.Xen, "a", @note
	.p2align 2
	.long 2f - 1f
	.long 4f - 3f
	.long \type
1:	.asciz "Xen"
2:	.p2align 2
3:	\desc
4:	.p2align 2
	.popsection
.endm

	xen_note NOTE_GUEST_OS, .asciz "kestrel-test"
	xen_note NOTE_GUEST_VERSION, .asciz "1"
	xen_note NOTE_XEN_VERSION, .asciz "xen-3.0"
	xen_note NOTE_LOADER, .asciz "generic"
	xen_note NOTE_VIRT_BASE, .quad GUEST_VIRT_BASE
	xen_note NOTE_PADDR_OFFSET, .quad 0
	xen_note NOTE_ENTRY, .quad _start
	xen_note NOTE_FEATURES, .ascii "!writable_page_tables|pae_pgdir_above_4gb"
	/* Bit 0 writable_page_tables, bit 11 dom0 (Xen refuses a dom0 without it). */
	xen_note NOTE_SUPPORTED_FEATURES, .long (1 << 0) | (1 << 11)
#ifdef GUEST_HYPERCALL_PAGE
	xen_note NOTE_HYPERCALL_PAGE, .quad hypercall_page
#endif

	.section .text.head, "ax", @progbits
	.code64
GLOBAL(_start)
	/* Record every register exactly as the builder left it. */
	mov	%rax, boot_regs + BR_rax
	mov	%rbx, boot_regs + BR_rbx
	mov	%rcx, boot_regs + BR_rcx
	mov	%rdx, boot_regs + BR_rdx
	mov	%rsi, boot_regs + BR_rsi
	mov	%rdi, boot_regs + BR_rdi
	mov	%rbp, boot_regs + BR_rbp
	mov	%rsp, boot_regs + BR_rsp
	mov	%r8, boot_regs + BR_r8
	mov	%r9, boot_regs + BR_r9
	mov	%r10, boot_regs + BR_r10
	mov	%r11, boot_regs + BR_r11
	mov	%r12, boot_regs + BR_r12
	mov	%r13, boot_regs + BR_r13
	mov	%r14, boot_regs + BR_r14
	mov	%r15, boot_regs + BR_r15
	pushfq
	popq	boot_regs + BR_rflags
	movq	$0, boot_regs + BR_cs
	mov	%cs, boot_regs + BR_cs
	movq	$0, boot_regs + BR_ss
	mov	%ss, boot_regs + BR_ss
	movq	$0, boot_regs + BR_ds
	mov	%ds, boot_regs + BR_ds
	movq	$0, boot_regs + BR_es
	mov	%es, boot_regs + BR_es
	movq	$0, boot_regs + BR_fs
	mov	%fs, boot_regs + BR_fs
	movq	$0, boot_regs + BR_gs
	mov	%gs, boot_regs + BR_gs

	cld
	mov	$stack_top, %rsp
	xor	%ebp, %ebp
	mov	%rsi, %rdi
	call	kmain
1:	ud2
	jmp	1b
END(_start)

#ifdef GUEST_HYPERCALL_PAGE
	/* Filled in by the builder: one 32-byte stub per hypercall. */
	.section .text.hypercall_page, "ax", @progbits
	.p2align 12
GLOBAL(hypercall_page)
	.fill 4096, 1, 0xcc
END(hypercall_page)
#endif

	.section .bss.stack, "aw", @nobits
	.p2align 12
GLOBAL(stack_bottom)
	.skip STACK_SIZE
GLOBAL(stack_top)
