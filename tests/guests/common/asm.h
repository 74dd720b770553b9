/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by the assembly and the C side of the guest test
 * framework: the virtual layout and the offsets of struct boot_regs.
 */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

/* pfn 0 of the guest is mapped here by the builder (XEN_ELFNOTE_VIRT_BASE). */
#define GUEST_VIRT_BASE		0xffffffff80000000
/* Each kernel is linked here, at physical address 0x100000. */
#define GUEST_LOAD_PADDR	0x100000

#define STACK_SIZE		(16 * 4096)
#define USER_KSTACK_SIZE	(4 * 4096)
#define USER_STACK_SIZE		(4 * 4096)

/* struct boot_regs: the registers at _start, one 8-byte slot each. */
#define BR_rax		0
#define BR_rbx		8
#define BR_rcx		16
#define BR_rdx		24
#define BR_rsi		32
#define BR_rdi		40
#define BR_rbp		48
#define BR_rsp		56
#define BR_r8		64
#define BR_r9		72
#define BR_r10		80
#define BR_r11		88
#define BR_r12		96
#define BR_r13		104
#define BR_r14		112
#define BR_r15		120
#define BR_rflags	128
#define BR_cs		136
#define BR_ss		144
#define BR_ds		152
#define BR_es		160
#define BR_fs		168
#define BR_gs		176
#define BR_SIZE		184

/* RAX of the syscall that ends a user_call_sel() ("userexit"). */
#define USER_EXIT_MAGIC	0x7573657265786974

/* Pseudo vectors for the callbacks, all entering through exc_common. */
#define VEC_EVENT	0x100
#define VEC_FAILSAFE	0x101
#define VEC_SYSCALL	0x102

#ifdef __ASSEMBLY__
#define GLOBAL(name)	.globl name; .type name, @function; name:
#define DATA(name)	.globl name; .type name, @object; name:
#define END(name)	.size name, . - name
#endif

#endif /* GUEST_ASM_H */
