/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raw_copy(dst, src, len): rep movsb that may fault. Returns in RAX the number of bytes
 * NOT copied (0 on success). A fault at the copy resumes at the fixup through the
 * exception table (traps.c: search_exception_table), which reports the remaining count.
 */
	.text
	.globl raw_copy
raw_copy:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movq %rcx, %rax
	ret

	.section .ex_table, "a"
	.balign 8
	.quad 1b, 2b

/* bool load_gs_selector(u16 sel): 1 when loaded, 0 when the selector faulted. */
	.text
	.globl load_gs_selector
load_gs_selector:
3:	movl %edi, %gs
	movl $1, %eax
	ret
4:	xorl %eax, %eax
	ret

	.section .ex_table, "a"
	.balign 8
	.quad 3b, 4b

/* bool load_data_selectors(const u16 sel[4]): ds, es, fs, gs; a faulting one becomes 0. */
	.text
	.globl load_data_selectors
load_data_selectors:
	movl $1, %eax
	movzwl 0(%rdi), %ecx
5:	movl %ecx, %ds
	movzwl 2(%rdi), %ecx
6:	movl %ecx, %es
	movzwl 4(%rdi), %ecx
7:	movl %ecx, %fs
	movzwl 6(%rdi), %ecx
8:	movl %ecx, %gs
	ret
9:	xorl %eax, %eax
	xorl %ecx, %ecx
	movl %ecx, %ds
	movl %ecx, %es
	movl %ecx, %fs
	movl %ecx, %gs
	ret

	.section .ex_table, "a"
	.balign 8
	.quad 5b, 9b
	.quad 6b, 9b
	.quad 7b, 9b
	.quad 8b, 9b
