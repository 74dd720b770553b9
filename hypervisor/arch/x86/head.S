/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot entry. Multiboot1 (QEMU -kernel) and multiboot2 (GRUB2) loaders both enter
 * start32_entry in 32-bit protected mode with paging off, EAX = loader magic and
 * EBX = physical address of the boot information. Both headers use load addresses rather
 * than ELF parsing, because the image is an ELF64 that QEMU's multiboot loader refuses to
 * parse and whose virtual addresses are far above 4 GiB.
 *
 * The code here builds minimal page tables (the first 4 GiB identity mapped, at the
 * direct map, and through the image window), enters long mode and calls
 * __start_kestrel(magic, info) on the boot stack. arch/x86/mm.c replaces these tables;
 * they stay in use as the application processors' first tables (trampoline.S).
 */
#include <asm/config.h>

#define PHYS(x) ((x) - IMAGE_VIRT_BASE)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory info, load addresses */
#define MB2_MAGIC 0xe85250d6

#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80

#define X86_CR0_PE 0x00000001
#define X86_CR0_WP 0x00010000
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define EFER_NXE 0x800

#define COM1 0x3f8

	.section .head, "ax"
	.code32

	.align 8
	.globl multiboot1_header
multiboot1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long PHYS(multiboot1_header)
	.long __phys_start
	.long __phys_edata
	.long __phys_end
	.long PHYS(start32_entry)

	.align 8
	.globl multiboot2_header
multiboot2_header:
	.long MB2_MAGIC
	.long 0 /* i386 protected mode */
	.long multiboot2_header_end - multiboot2_header
	.long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
	/* address tag: where the flat image goes */
	.align 8
	.short 2, 0
	.long 24
	.long PHYS(multiboot2_header)
	.long __phys_start
	.long __phys_edata
	.long __phys_end
	/* entry address tag */
	.align 8
	.short 3, 0
	.long 12
	.long PHYS(start32_entry)
	/* module alignment tag: modules page aligned */
	.align 8
	.short 6, 0
	.long 8
	/* end tag */
	.align 8
	.short 0, 0
	.long 8
	.globl multiboot2_header_end
multiboot2_header_end:

	.section .text.boot32, "ax"
	.code32
	.globl start32_entry
start32_entry:
	cli
	cld
	/* Keep the loader's magic and info pointer in .data (not .bss, zeroed below). */
	movl %eax, PHYS(boot_loader_magic)
	movl %ebx, PHYS(boot_loader_info)

	lgdtl PHYS(boot_gdtr32)
	ljmpl $0x08, $PHYS(1f)
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs

	/* Zero .bss, which holds the boot stack and the boot page tables. */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $PHYS(boot_stack_top), %esp

	/* A 64-bit CPU is required: CPUID leaf 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	/* NX (EDX bit 20) is required too: all hypervisor data is mapped no-execute. */
	btl $20, %edx
	jnc no_nx

	/* Four page directories of 2 MiB pages: the first 4 GiB. */
	movl $PHYS(boot_l2), %edi
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax /* bits 32+ of the address: ecx >> 11 */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b

	/* boot_l3_ident[0..3] -> the four directories */
	movl $PHYS(boot_l3_ident), %edi
	movl $PHYS(boot_l2) + (PTE_P | PTE_RW), %eax
	xorl %ecx, %ecx
3:	movl %eax, (%edi, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 3b

	/* The image window: its first GiB is the first GiB of physical memory. */
	movl $PHYS(boot_l2) + (PTE_P | PTE_RW), PHYS(boot_l3_image)

	/* L4: identity (slot 0), image (slot 261), direct map (slot 262) */
	movl $PHYS(boot_l3_ident) + (PTE_P | PTE_RW), PHYS(boot_l4)
	movl $PHYS(boot_l3_image) + (PTE_P | PTE_RW), PHYS(boot_l4) + 261 * 8
	movl $PHYS(boot_l3_ident) + (PTE_P | PTE_RW), PHYS(boot_l4) + 262 * 8

	movl %cr4, %eax
	orl $X86_CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(boot_l4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(X86_CR0_PE | X86_CR0_WP | X86_CR0_PG), %eax
	movl %eax, %cr0
	ljmpl $0x18, $PHYS(start64_low)

	/* Print a message on COM1 (115200 8n1) and halt: ESI = physical string. */
no_long_mode:
	movl $PHYS(msg_no_lm), %esi
	jmp early_fail
no_nx:
	movl $PHYS(msg_no_nx), %esi
early_fail:
	movw $COM1 + 3, %dx
	movb $0x80, %al
	outb %al, %dx
	movw $COM1, %dx
	movb $1, %al
	outb %al, %dx
	movw $COM1 + 1, %dx
	xorb %al, %al
	outb %al, %dx
	movw $COM1 + 3, %dx
	movb $3, %al
	outb %al, %dx
4:	lodsb
	testb %al, %al
	jz 6f
	movb %al, %bl
	movw $COM1 + 5, %dx
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 4b
6:	cli
	hlt
	jmp 6b

	.code64
start64_low:
	movabsq $start64, %rax
	jmpq *%rax

	.text
	.code64
start64:
	/* Now running at the image's virtual address: drop the physical GDT base. */
	lgdt boot_gdtr64(%rip)
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl boot_loader_magic(%rip), %edi
	movl boot_loader_info(%rip), %esi
	call __start_kestrel
7:	cli
	hlt
	jmp 7b

	.section .rodata
msg_no_lm:
	.asciz "Kestrel: this CPU has no 64-bit long mode; halting.\r\n"
msg_no_nx:
	.asciz "Kestrel: this CPU has no NX (no-execute) support; halting.\r\n"

	.data
	.align 16
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad BOOT_GDT_CODE32, BOOT_GDT_DATA, BOOT_GDT_CODE64
boot_gdt_end:
	.align 8
	.word 0
boot_gdtr32:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
	.align 8
	.word 0, 0, 0
boot_gdtr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.globl boot_loader_magic, boot_loader_info
boot_loader_magic:
	.long 0
boot_loader_info:
	.long 0

	.section .bss.page_aligned, "aw", @nobits
	.align 4096
	.globl boot_l4, boot_l3_ident, boot_l3_image, boot_l2
boot_l4:
	.skip 4096
boot_l3_ident:
	.skip 4096
boot_l3_image:
	.skip 4096
boot_l2:
	.skip 4 * 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip STACK_SIZE
boot_stack_top:
