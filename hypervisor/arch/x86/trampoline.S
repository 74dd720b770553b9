/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application processor start-up code. smp.c copies [trampoline_start, trampoline_end) to
 * TRAMPOLINE_PHYS, fills in tr_cr3, tr_efer and tr_entry, and sends INIT-SIPI-SIPI with
 * vector TRAMPOLINE_PHYS >> 12. The AP starts in real mode with CS = TRAMPOLINE_PHYS >> 4,
 * goes through 32-bit protected mode to long mode on the boot page tables (which identity
 * map the low 4 GiB) and jumps to tr_entry (ap_start64 in entry.S) in the image.
 * Everything below is position independent or computed from TRAMPOLINE_PHYS.
 */
#include <asm/config.h>

#define TR(x) (TRAMPOLINE_PHYS + ((x) - trampoline_start))

	.section .rodata, "a"
	.align 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tr_gdtr - trampoline_start
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *(tr_pm_ptr - trampoline_start)

	.code32
tr_pm:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $0x20, %eax /* PAE */
	movl %eax, %cr4
	movl TR(tr_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	orl TR(tr_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax /* PG | WP | PE */
	movl %eax, %cr0
	ljmpl $0x18, $TR(tr_lm)

	.code64
tr_lm:
	movq TR(tr_entry), %rax
	jmpq *%rax

	.align 16
tr_gdt:
	.quad 0
	.quad BOOT_GDT_CODE32, BOOT_GDT_DATA, BOOT_GDT_CODE64
tr_gdt_end:
tr_gdtr:
	.word tr_gdt_end - tr_gdt - 1
	.long TR(tr_gdt)
tr_pm_ptr:
	.long TR(tr_pm)
	.word 0x08
	.align 8
	.globl tr_cr3, tr_efer, tr_entry
tr_cr3:
	.long 0
tr_efer:
	.long 0
tr_entry:
	.quad 0
	.globl trampoline_end
trampoline_end:
