/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writable-page-table instruction decoder and merge step.
 *
 * The byte sequences in dec_rows[] were assembled with GNU as (x86-64) and copied from
 * objdump; the assembler text is the row's name. The Linux 6.1 rows are the sequences
 * its PTE helpers compile to (native_set_pte, native_pte_clear, native_ptep_get_and_clear,
 * ptep_set_wrprotect's clear_bit, ptep_test_and_clear_young's test_and_clear_bit, ...).
 * Every accepted row is also decoded from exact-length malloc'd buffers cut at every
 * byte boundary (run under ASan, any read past avail is caught), and a fuzz loop checks
 * the decoder's invariants over random and mutated inputs.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/ptwr_decode.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Register file for decoding: every byte of every register is distinct and known. */
#define R(i) ((((u64)(0xf0 + (i))) << 56) | (0x5a5aULL << 16) | ((u64)(0x80 + (i)) << 8) | \
	      (u64)(0x10 + (i)))
#define R32(i) (R(i) & 0xffffffffULL)
#define R16(i) (R(i) & 0xffffULL)
#define R8(i) (R(i) & 0xffULL)
#define RH(i) ((R(i) >> 8) & 0xffULL) /* AH, CH, DH, BH for i = 0..3 */

static struct ptwr_regs regs;

static void setup_regs(void)
{
	for (int i = 0; i < PTWR_NR_GPRS; i++)
		regs.gpr[i] = R(i);
}

#define NO (-1) /* no register operand */
#define REFUSE .ok = false

struct dec_row {
	const char *name;
	u8 bytes[20];
	unsigned int n; /* bytes given to the decoder (avail) */
	bool ok;
	enum ptwr_op op;
	unsigned int len, size;
	bool locked;
	u64 operand;
	int reg;
	u64 expected;
};

#define B(...) .bytes = { __VA_ARGS__ }, .n = sizeof((u8[]){ __VA_ARGS__ })
#define OK(o, l, s, lk, v, rg, ex) .ok = true, .op = (o), .len = (l), .size = (s), \
	.locked = (lk), .operand = (v), .reg = (rg), .expected = (ex)

static const struct dec_row dec_rows[] = {
	/* Linux 6.1 PTE sequences */
	{ "mov %rsi,(%rdi)", B(0x48, 0x89, 0x37), OK(PTWR_STORE, 3, 8, 0, R(6), NO, 0) },
	{ "movq $0x0,(%rdi)", B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00),
	  OK(PTWR_STORE, 7, 8, 0, 0, NO, 0) },
	{ "xchg %rax,(%rdi)", B(0x48, 0x87, 0x07), OK(PTWR_XCHG, 3, 8, 1, R(0), 0, 0) },
	{ "lock andb $0xfd,(%rdi)", B(0xf0, 0x80, 0x27, 0xfd),
	  OK(PTWR_AND, 4, 1, 1, 0xfd, NO, 0) },
	{ "lock btrq $0x5,(%rdi)", B(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05),
	  OK(PTWR_BTR, 6, 8, 1, 5, NO, 0) },
	{ "lock cmpxchg %rdx,(%rdi)", B(0xf0, 0x48, 0x0f, 0xb1, 0x17),
	  OK(PTWR_CMPXCHG, 5, 8, 1, R(2), 2, R(0)) },
	{ "lock orb $0x20,(%rdi)", B(0xf0, 0x80, 0x0f, 0x20), OK(PTWR_OR, 4, 1, 1, 0x20, NO, 0) },
	{ "lock btr %rsi,(%rdi)", B(0xf0, 0x48, 0x0f, 0xb3, 0x37),
	  OK(PTWR_BTR, 5, 8, 1, R(6), NO, 0) },
	{ "lock bts %rsi,(%rdi)", B(0xf0, 0x48, 0x0f, 0xab, 0x37),
	  OK(PTWR_BTS, 5, 8, 1, R(6), NO, 0) },
	{ "lock andb $0x7f,0x7(%rdi)", B(0xf0, 0x80, 0x67, 0x07, 0x7f),
	  OK(PTWR_AND, 5, 1, 1, 0x7f, NO, 0) },
	{ "mov %rax,(%rbx,%rcx,8)", B(0x48, 0x89, 0x04, 0xcb),
	  OK(PTWR_STORE, 4, 8, 0, R(0), NO, 0) },
	{ "mov %r12,0x18(%r13)", B(0x4d, 0x89, 0x65, 0x18), OK(PTWR_STORE, 4, 8, 0, R(12), NO, 0) },
	{ "xchg %r8,(%rdx,%r9,8)", B(0x4e, 0x87, 0x04, 0xca), OK(PTWR_XCHG, 4, 8, 1, R(8), 8, 0) },
	{ "lock cmpxchg %r9,(%r10,%r11,8)", B(0xf0, 0x4f, 0x0f, 0xb1, 0x0c, 0xda),
	  OK(PTWR_CMPXCHG, 6, 8, 1, R(9), 9, R(0)) },
	{ "lock btsq $0x3f,(%rdi)", B(0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x3f),
	  OK(PTWR_BTS, 6, 8, 1, 63, NO, 0) },
	{ "lock btrq $0x0,0x10(%rsp)", B(0xf0, 0x48, 0x0f, 0xba, 0x74, 0x24, 0x10, 0x00),
	  OK(PTWR_BTR, 8, 8, 1, 0, NO, 0) },

	/* 32-, 16- and 8-bit stores */
	{ "mov %esi,(%rdi)", B(0x89, 0x37), OK(PTWR_STORE, 2, 4, 0, R32(6), NO, 0) },
	/* string stores, one element: stos takes RAX, movs leaves the operand to the caller */
	{ "stosq", B(0x48, 0xab), OK(PTWR_STORE, 2, 8, 0, R(0), NO, 0) },
	{ "stosl", B(0xab), OK(PTWR_STORE, 1, 4, 0, R32(0), NO, 0) },
	{ "stosw", B(0x66, 0xab), OK(PTWR_STORE, 2, 2, 0, R16(0), NO, 0) },
	{ "stosb", B(0xaa), OK(PTWR_STORE, 1, 1, 0, R8(0), NO, 0) },
	{ "movsq", B(0x48, 0xa5), OK(PTWR_STORE, 2, 8, 0, 0, NO, 0) },
	{ "movsb", B(0xa4), OK(PTWR_STORE, 1, 1, 0, 0, NO, 0) },
	{ "mov %esi,0x4(%rdi)", B(0x89, 0x77, 0x04), OK(PTWR_STORE, 3, 4, 0, R32(6), NO, 0) },
	{ "mov %si,0x6(%rdi)", B(0x66, 0x89, 0x77, 0x06), OK(PTWR_STORE, 4, 2, 0, R16(6), NO, 0) },
	{ "mov %sil,0x7(%rdi)", B(0x40, 0x88, 0x77, 0x07), OK(PTWR_STORE, 4, 1, 0, R8(6), NO, 0) },
	{ "mov %ah,0x1(%rdi)", B(0x88, 0x67, 0x01), OK(PTWR_STORE, 3, 1, 0, RH(0), NO, 0) },
	{ "mov %ch,(%rdi)", B(0x88, 0x2f), OK(PTWR_STORE, 2, 1, 0, RH(1), NO, 0) },
	{ "mov %bh,(%rdi)", B(0x88, 0x3f), OK(PTWR_STORE, 2, 1, 0, RH(3), NO, 0) },
	{ "mov %dl,(%rdi)", B(0x88, 0x17), OK(PTWR_STORE, 2, 1, 0, R8(2), NO, 0) },
	{ "rex.W mov %spl,(%rdi)", B(0x48, 0x88, 0x27), OK(PTWR_STORE, 3, 1, 0, R8(4), NO, 0) },
	{ "mov %r14b,(%rdi)", B(0x44, 0x88, 0x37), OK(PTWR_STORE, 3, 1, 0, R8(14), NO, 0) },
	{ "movb $0x80,0x7(%rdi)", B(0xc6, 0x47, 0x07, 0x80), OK(PTWR_STORE, 4, 1, 0, 0x80, NO, 0) },
	{ "movw $0x1234,0x2(%rdi)", B(0x66, 0xc7, 0x47, 0x02, 0x34, 0x12),
	  OK(PTWR_STORE, 6, 2, 0, 0x1234, NO, 0) },
	{ "movl $0x80000000,0x4(%rdi)", B(0xc7, 0x47, 0x04, 0x00, 0x00, 0x00, 0x80),
	  OK(PTWR_STORE, 7, 4, 0, 0x80000000ULL, NO, 0) },
	{ "movq $-1,(%rdi)", B(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff),
	  OK(PTWR_STORE, 7, 8, 0, ~0ULL, NO, 0) },
	{ "movq $0x80000000 (sign-extended),(%rdi)", B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	  OK(PTWR_STORE, 7, 8, 0, 0xffffffff80000000ULL, NO, 0) },
	{ "data16 rex.W movq $0x12345678,(%rdi)",
	  B(0x66, 0x48, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12),
	  OK(PTWR_STORE, 8, 8, 0, 0x12345678, NO, 0) },
	{ "data16 rex.W mov %rsi,(%rdi)", B(0x66, 0x48, 0x89, 0x37),
	  OK(PTWR_STORE, 4, 8, 0, R(6), NO, 0) },

	/* addressing forms */
	{ "mov %rax,0x12345678(%rip)", B(0x48, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	  OK(PTWR_STORE, 7, 8, 0, R(0), NO, 0) },
	{ "rex.WB mov %rax,disp32(%rip)", B(0x49, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	  OK(PTWR_STORE, 7, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x12345678 (SIB no base, no index)",
	  B(0x48, 0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "rex.WB mov %rax,disp32 (SIB base 5 with REX.B, mod 0)",
	  B(0x49, 0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x0(,%rax,8)", B(0x48, 0x89, 0x04, 0xc5, 0x00, 0x00, 0x00, 0x00),
	  OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x0(,%r12,8) (REX.X index 4)", B(0x4a, 0x89, 0x04, 0xe5, 0, 0, 0, 0),
	  OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "mov %rax,-0x80(%rbp)", B(0x48, 0x89, 0x45, 0x80), OK(PTWR_STORE, 4, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x0(%r13)", B(0x49, 0x89, 0x45, 0x00), OK(PTWR_STORE, 4, 8, 0, R(0), NO, 0) },
	{ "mov %rax,(%r12)", B(0x49, 0x89, 0x04, 0x24), OK(PTWR_STORE, 4, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x8(%rsp)", B(0x48, 0x89, 0x44, 0x24, 0x08),
	  OK(PTWR_STORE, 5, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x12345678(%rbp,%rsi,4)", B(0x48, 0x89, 0x84, 0xb5, 0x78, 0x56, 0x34, 0x12),
	  OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x7fffffff(%r12,%r15,2)", B(0x4b, 0x89, 0x84, 0x7c, 0xff, 0xff, 0xff, 0x7f),
	  OK(PTWR_STORE, 8, 8, 0, R(0), NO, 0) },
	{ "mov %r15,-0x8(%rbp,%r14,1)", B(0x4e, 0x89, 0x7c, 0x35, 0xf8),
	  OK(PTWR_STORE, 5, 8, 0, R(15), NO, 0) },
	{ "mov %rax,0x0(%rbp,%rax,1) (SIB base 5, mod 1)", B(0x48, 0x89, 0x44, 0x05, 0x00),
	  OK(PTWR_STORE, 5, 8, 0, R(0), NO, 0) },
	{ "mov %rax,0x100(%rdi)", B(0x48, 0x89, 0x87, 0x00, 0x01, 0x00, 0x00),
	  OK(PTWR_STORE, 7, 8, 0, R(0), NO, 0) },

	/* and / or, every form */
	{ "lock orq $0x12345678,(%rdi)", B(0xf0, 0x48, 0x81, 0x0f, 0x78, 0x56, 0x34, 0x12),
	  OK(PTWR_OR, 8, 8, 1, 0x12345678, NO, 0) },
	{ "andq $0x80000000 (sign-extended),(%rdi)", B(0x48, 0x81, 0x27, 0x00, 0x00, 0x00, 0x80),
	  OK(PTWR_AND, 7, 8, 0, 0xffffffff80000000ULL, NO, 0) },
	{ "lock andq $-2,(%rdi)", B(0xf0, 0x48, 0x83, 0x27, 0xfe),
	  OK(PTWR_AND, 5, 8, 1, 0xfffffffffffffffeULL, NO, 0) },
	{ "lock orq $0x7f,(%rdi)", B(0xf0, 0x48, 0x83, 0x0f, 0x7f),
	  OK(PTWR_OR, 5, 8, 1, 0x7f, NO, 0) },
	{ "lock andl $0xfffffffd,(%rdi)", B(0xf0, 0x83, 0x27, 0xfd),
	  OK(PTWR_AND, 4, 4, 1, 0xfffffffdULL, NO, 0) },
	{ "lock andl $0x7fffffff,0x4(%rdi)", B(0xf0, 0x81, 0x67, 0x04, 0xff, 0xff, 0xff, 0x7f),
	  OK(PTWR_AND, 8, 4, 1, 0x7fffffff, NO, 0) },
	{ "lock orw $0x100,(%rdi)", B(0x66, 0xf0, 0x81, 0x0f, 0x00, 0x01),
	  OK(PTWR_OR, 6, 2, 1, 0x100, NO, 0) },
	{ "lock orw $0x1,(%rdi)", B(0x66, 0xf0, 0x83, 0x0f, 0x01), OK(PTWR_OR, 5, 2, 1, 1, NO, 0) },
	{ "lock andw $-3,(%rdi)", B(0xf0, 0x66, 0x83, 0x27, 0xfd),
	  OK(PTWR_AND, 5, 2, 1, 0xfffd, NO, 0) },
	{ "lock or %rax,(%rdi)", B(0xf0, 0x48, 0x09, 0x07), OK(PTWR_OR, 4, 8, 1, R(0), NO, 0) },
	{ "lock and %ecx,(%rdi)", B(0xf0, 0x21, 0x0f), OK(PTWR_AND, 3, 4, 1, R32(1), NO, 0) },
	{ "lock and %cx,(%rdi)", B(0x66, 0xf0, 0x21, 0x0f), OK(PTWR_AND, 4, 2, 1, R16(1), NO, 0) },
	{ "lock and %r10,(%rdi)", B(0xf0, 0x4c, 0x21, 0x17), OK(PTWR_AND, 4, 8, 1, R(10), NO, 0) },
	{ "lock and %bh,(%rdi)", B(0xf0, 0x20, 0x3f), OK(PTWR_AND, 3, 1, 1, RH(3), NO, 0) },
	{ "lock and %dil,(%rdi)", B(0xf0, 0x40, 0x20, 0x3f), OK(PTWR_AND, 4, 1, 1, R8(7), NO, 0) },
	{ "lock or %r15b,(%rdi)", B(0xf0, 0x44, 0x08, 0x3f), OK(PTWR_OR, 4, 1, 1, R8(15), NO, 0) },
	{ "lock or %al,(%rdi)", B(0xf0, 0x08, 0x07), OK(PTWR_OR, 3, 1, 1, R8(0), NO, 0) },
	{ "or %dh,(%rdi) (no lock)", B(0x08, 0x37), OK(PTWR_OR, 2, 1, 0, RH(2), NO, 0) },
	{ "data16 lock andb $0xfd,(%rdi)", B(0x66, 0xf0, 0x80, 0x27, 0xfd),
	  OK(PTWR_AND, 5, 1, 1, 0xfd, NO, 0) },
	{ "lock rex.W andb $0xfd,(%rdi)", B(0xf0, 0x48, 0x80, 0x27, 0xfd),
	  OK(PTWR_AND, 5, 1, 1, 0xfd, NO, 0) },
	{ "andb $0xfd,(%rdi) (no lock)", B(0x80, 0x27, 0xfd), OK(PTWR_AND, 3, 1, 0, 0xfd, NO, 0) },
	{ "lock orb $0x1,0x12345678(%rip)", B(0xf0, 0x80, 0x0d, 0x78, 0x56, 0x34, 0x12, 0x01),
	  OK(PTWR_OR, 8, 1, 1, 1, NO, 0) },

	/* bts / btr */
	{ "lock btsl $0x25,(%rdi) (reduced mod 32)", B(0xf0, 0x0f, 0xba, 0x2f, 0x25),
	  OK(PTWR_BTS, 5, 4, 1, 5, NO, 0) },
	{ "lock btsw $0x13,(%rdi) (reduced mod 16)", B(0x66, 0xf0, 0x0f, 0xba, 0x2f, 0x13),
	  OK(PTWR_BTS, 6, 2, 1, 3, NO, 0) },
	{ "lock btrq $0x48,(%rdi) (reduced mod 64)", B(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x48),
	  OK(PTWR_BTR, 6, 8, 1, 8, NO, 0) },
	{ "lock btr %ax,(%rdi)", B(0x66, 0xf0, 0x0f, 0xb3, 0x07),
	  OK(PTWR_BTR, 5, 2, 1, R16(0), NO, 0) },
	{ "lock bts %r11d,(%rdi)", B(0xf0, 0x44, 0x0f, 0xab, 0x1f),
	  OK(PTWR_BTS, 5, 4, 1, R32(11), NO, 0) },
	{ "btr %rcx,0x8(%rdi) (no lock)", B(0x48, 0x0f, 0xb3, 0x4f, 0x08),
	  OK(PTWR_BTR, 5, 8, 0, R(1), NO, 0) },

	/* xchg / cmpxchg */
	{ "xchg %eax,(%rdi)", B(0x87, 0x07), OK(PTWR_XCHG, 2, 4, 1, R32(0), 0, 0) },
	{ "xchg %bx,0x6(%rdi)", B(0x66, 0x87, 0x5f, 0x06), OK(PTWR_XCHG, 4, 2, 1, R16(3), 3, 0) },
	{ "lock xchg %r15,(%rdi)", B(0xf0, 0x4c, 0x87, 0x3f),
	  OK(PTWR_XCHG, 4, 8, 1, R(15), 15, 0) },
	{ "lock cmpxchg %edx,(%rdi)", B(0xf0, 0x0f, 0xb1, 0x17),
	  OK(PTWR_CMPXCHG, 4, 4, 1, R32(2), 2, R32(0)) },
	{ "lock cmpxchg %dx,(%rdi)", B(0x66, 0xf0, 0x0f, 0xb1, 0x17),
	  OK(PTWR_CMPXCHG, 5, 2, 1, R16(2), 2, R16(0)) },
	{ "cmpxchg %r8,(%rdi) (no lock)", B(0x4c, 0x0f, 0xb1, 0x07),
	  OK(PTWR_CMPXCHG, 4, 8, 0, R(8), 8, R(0)) },
	{ "lock cmpxchg %rsp,0x8(%rsp)", B(0xf0, 0x48, 0x0f, 0xb1, 0x64, 0x24, 0x08),
	  OK(PTWR_CMPXCHG, 7, 8, 1, R(4), 4, R(0)) },

	/* prefixes */
	{ "ds mov %rsi,(%rdi)", B(0x3e, 0x48, 0x89, 0x37), OK(PTWR_STORE, 4, 8, 0, R(6), NO, 0) },
	{ "es mov %rsi,(%rdi)", B(0x26, 0x48, 0x89, 0x37), OK(PTWR_STORE, 4, 8, 0, R(6), NO, 0) },
	{ "ss mov %rsi,(%rdi)", B(0x36, 0x48, 0x89, 0x37), OK(PTWR_STORE, 4, 8, 0, R(6), NO, 0) },
	{ "lock data16 ds + REX: 4 prefix bytes", B(0xf0, 0x66, 0x3e, 0x48, 0x0f, 0xb1, 0x17),
	  OK(PTWR_CMPXCHG, 7, 8, 1, R(2), 2, R(0)) },
	{ "4 legacy prefixes, no REX", B(0xf0, 0x66, 0x3e, 0x26, 0x0f, 0xb1, 0x17),
	  OK(PTWR_CMPXCHG, 7, 2, 1, R16(2), 2, R16(0)) },
	{ "lock lock andb (repeated prefix)", B(0xf0, 0xf0, 0x80, 0x27, 0xfd),
	  OK(PTWR_AND, 5, 1, 1, 0xfd, NO, 0) },
	{ "15 bytes: lock ds es orq $imm32,disp32(%rsp)",
	  B(0xf0, 0x3e, 0x26, 0x48, 0x81, 0x8c, 0x24, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34,
	    0x12),
	  OK(PTWR_OR, 15, 8, 1, 0x12345678, NO, 0) },

	/* refused: register destinations */
	{ "mov %rsi,%rdi", B(0x48, 0x89, 0xf7), REFUSE },
	{ "xchg %rax,%rdi", B(0x48, 0x87, 0xc7), REFUSE },
	{ "lock andb $0xfd,%bh", B(0xf0, 0x80, 0xe7, 0xfd), REFUSE },
	{ "lock cmpxchg %rdx,%rdi", B(0xf0, 0x48, 0x0f, 0xb1, 0xd7), REFUSE },
	{ "bts $5,%rdi", B(0x48, 0x0f, 0xba, 0xef, 0x05), REFUSE },
	{ "movq $0,%rdi", B(0x48, 0xc7, 0xc7, 0, 0, 0, 0), REFUSE },
	/* refused: prefixes */
	{ "fs mov %rsi,(%rdi)", B(0x64, 0x48, 0x89, 0x37), REFUSE },
	{ "gs mov %rsi,(%rdi)", B(0x65, 0x48, 0x89, 0x37), REFUSE },
	{ "cs mov %rsi,(%rdi)", B(0x2e, 0x48, 0x89, 0x37), REFUSE },
	{ "lock gs andb", B(0xf0, 0x65, 0x80, 0x27, 0xfd), REFUSE },
	{ "rep mov %rsi,(%rdi)", B(0xf3, 0x48, 0x89, 0x37), REFUSE },
	{ "repne mov %rsi,(%rdi)", B(0xf2, 0x48, 0x89, 0x37), REFUSE },
	{ "rep stos %rax,%es:(%rdi)", B(0xf3, 0x48, 0xab), REFUSE },
	{ "addr32 mov %rsi,(%edi)", B(0x67, 0x48, 0x89, 0x37), REFUSE },
	{ "5 legacy prefixes", B(0xf0, 0x66, 0x3e, 0x26, 0x36, 0x0f, 0xb1, 0x17), REFUSE },
	{ "4 legacy prefixes + REX", B(0xf0, 0x66, 0x3e, 0x26, 0x48, 0x0f, 0xb1, 0x17), REFUSE },
	{ "16 ds prefixes", B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
			       0x3e, 0x3e, 0x3e, 0x3e, 0x3e), REFUSE },
	{ "16 lock prefixes", B(0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
				 0xf0, 0xf0, 0xf0, 0xf0, 0xf0), REFUSE },
	{ "REX before LOCK", B(0x48, 0xf0, 0x0f, 0xb1, 0x17), REFUSE },
	{ "two REX", B(0x48, 0x48, 0x89, 0x37), REFUSE },
	{ "REX only", B(0x48), REFUSE },
	{ "lock mov %rsi,(%rdi)", B(0xf0, 0x48, 0x89, 0x37), REFUSE },
	{ "lock movq $0,(%rdi)", B(0xf0, 0x48, 0xc7, 0x07, 0, 0, 0, 0), REFUSE },
	{ "lock movb $0,(%rdi)", B(0xf0, 0xc6, 0x07, 0x00), REFUSE },
	{ "lock mov %al,(%rdi)", B(0xf0, 0x88, 0x07), REFUSE },
	{ "VEX (c5)", B(0xc5, 0xf8, 0x77), REFUSE },
	/* refused: opcodes and extensions outside the set */
	{ "xchg %al,(%rdi)", B(0x86, 0x07), REFUSE },
	{ "lock cmpxchg %dl,(%rdi)", B(0xf0, 0x0f, 0xb0, 0x17), REFUSE },
	{ "lock cmpxchg8b (%rdi)", B(0xf0, 0x0f, 0xc7, 0x0f), REFUSE },
	{ "lock cmpxchg16b (%rdi)", B(0xf0, 0x48, 0x0f, 0xc7, 0x0f), REFUSE },
	{ "lock btc %rsi,(%rdi)", B(0xf0, 0x48, 0x0f, 0xbb, 0x37), REFUSE },
	{ "bt %rsi,(%rdi)", B(0x48, 0x0f, 0xa3, 0x37), REFUSE },
	{ "btq $5,(%rdi)", B(0x48, 0x0f, 0xba, 0x27, 0x05), REFUSE },
	{ "lock btcq $5,(%rdi)", B(0xf0, 0x48, 0x0f, 0xba, 0x3f, 0x05), REFUSE },
	{ "0f ba /0", B(0x48, 0x0f, 0xba, 0x07, 0x05), REFUSE },
	{ "lock addb $1,(%rdi)", B(0xf0, 0x80, 0x07, 0x01), REFUSE },
	{ "lock xorb $1,(%rdi)", B(0xf0, 0x80, 0x37, 0x01), REFUSE },
	{ "lock subq $1,(%rdi)", B(0xf0, 0x48, 0x83, 0x2f, 0x01), REFUSE },
	{ "lock adcl $1,(%rdi)", B(0xf0, 0x81, 0x17, 0x01, 0, 0, 0), REFUSE },
	{ "lock xor %rax,(%rdi)", B(0xf0, 0x48, 0x31, 0x07), REFUSE },
	{ "lock add %rax,(%rdi)", B(0xf0, 0x48, 0x01, 0x07), REFUSE },
	{ "lock xadd %rax,(%rdi)", B(0xf0, 0x48, 0x0f, 0xc1, 0x07), REFUSE },
	{ "c7 /1 (reserved)", B(0x48, 0xc7, 0x0f, 0, 0, 0, 0), REFUSE },
	{ "c6 /7 memory (reserved)", B(0xc6, 0x3f, 0x00), REFUSE },
	{ "mov (%rdi),%rsi (load)", B(0x48, 0x8b, 0x37), REFUSE },
	{ "movnti %rsi,(%rdi)", B(0x48, 0x0f, 0xc3, 0x37), REFUSE },
	{ "lock stosq", B(0xf0, 0x48, 0xab), REFUSE },
	{ "lock movsb", B(0xf0, 0xa4), REFUSE },
	{ "nop", B(0x90), REFUSE },
	{ "0f alone", B(0x0f), REFUSE },
	{ "ud2", B(0x0f, 0x0b), REFUSE },
	{ "empty", .n = 0, REFUSE },
};

/* Decode from a malloc'd buffer of exactly n bytes, so ASan catches any overread. */
static int decode_exact(const u8 *bytes, size_t n, struct ptwr_insn *out)
{
	u8 *buf = malloc(n ? n : 1);
	int rc;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, bytes, n);
	/* for n == 0 hand over a pointer one past a 1-byte block: nothing may be read */
	rc = ptwr_decode(n ? buf : buf + 1, n, &regs, out);
	free(buf);
	return rc;
}

static void check_row(const struct dec_row *t, const struct ptwr_insn *in)
{
	ck_assert_msg(in->op == t->op, "%s: op %d, want %d", t->name, in->op, t->op);
	ck_assert_msg(in->len == t->len, "%s: len %u, want %u", t->name, in->len, t->len);
	ck_assert_msg(in->size == t->size, "%s: size %u, want %u", t->name, in->size, t->size);
	ck_assert_msg(in->locked == t->locked, "%s: locked %d", t->name, in->locked);
	ck_assert_msg(in->operand == t->operand, "%s: operand %#llx, want %#llx", t->name,
		      (unsigned long long)in->operand, (unsigned long long)t->operand);
	ck_assert_msg(in->reg == t->reg, "%s: reg %d, want %d", t->name, in->reg, t->reg);
	ck_assert_msg(in->expected == t->expected, "%s: expected %#llx, want %#llx", t->name,
		      (unsigned long long)in->expected, (unsigned long long)t->expected);
}

START_TEST(test_decode_table)
{
	const struct dec_row *t = &dec_rows[_i];
	struct ptwr_insn in;
	int rc = decode_exact(t->bytes, t->n, &in);

	if (!t->ok) {
		ck_assert_msg(rc == -EINVAL, "%s: accepted (len %u)", t->name, in.len);
		return;
	}
	ck_assert_msg(rc == 0, "%s: refused", t->name);
	ck_assert_msg(t->len == t->n, "%s: table row has %u bytes for len %u", t->name, t->n,
		      t->len);
	check_row(t, &in);
}
END_TEST

/* Every accepted row, cut short at each byte boundary, must be refused. */
START_TEST(test_decode_truncated)
{
	const struct dec_row *t = &dec_rows[_i];
	struct ptwr_insn in;

	if (!t->ok)
		return;
	for (unsigned int k = 0; k < t->len; k++)
		ck_assert_msg(decode_exact(t->bytes, k, &in) == -EINVAL,
			      "%s: accepted with %u bytes", t->name, k);
	ck_assert_int_eq(decode_exact(t->bytes, t->len, &in), 0);
	check_row(t, &in);
}
END_TEST

/* Bytes after the instruction do not change the result or the length. */
START_TEST(test_decode_trailing_bytes)
{
	const struct dec_row *t = &dec_rows[_i];
	u8 buf[32];
	struct ptwr_insn in;

	if (!t->ok)
		return;
	for (unsigned int fill = 0; fill < 256; fill += 0x33) {
		memset(buf, (int)fill, sizeof(buf));
		memcpy(buf, t->bytes, t->n);
		for (unsigned int extra = 1; t->n + extra <= sizeof(buf); extra += 7) {
			ck_assert_int_eq(decode_exact(buf, t->n + extra, &in), 0);
			check_row(t, &in);
		}
	}
}
END_TEST

/* The 15-byte limit holds even when avail says more, and the decoder reads no further. */
START_TEST(test_decode_length_limit)
{
	static const u8 i15[] = { 0xf0, 0x3e, 0x26, 0x48, 0x81, 0x8c, 0x24, 0x78,
				  0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 };
	u8 big[64];
	struct ptwr_insn in;

	memset(big, 0x3e, sizeof(big));
	ck_assert_int_eq(decode_exact(big, sizeof(big), &in), -EINVAL);
	/* a long prefix run where only bytes 0..14 may be looked at */
	ck_assert_int_eq(ptwr_decode(big, (size_t)-1, &regs, &in), -EINVAL);

	memcpy(big, i15, sizeof(i15));
	ck_assert_int_eq(decode_exact(big, 15, &in), 0);
	ck_assert_uint_eq(in.len, 15);
	ck_assert_int_eq(decode_exact(big, 14, &in), -EINVAL);
	/* a huge avail must not be trusted: still len 15 */
	ck_assert_int_eq(ptwr_decode(big, (size_t)-1, &regs, &in), 0);
	ck_assert_uint_eq(in.len, 15);
}
END_TEST

/* The decoder reads registers, never writes them. */
START_TEST(test_decode_regs_untouched)
{
	struct ptwr_regs before = regs;
	struct ptwr_insn in;

	for (size_t i = 0; i < ARRAY_SIZE(dec_rows); i++)
		decode_exact(dec_rows[i].bytes, dec_rows[i].n, &in);
	ck_assert_int_eq(memcmp(&before, &regs, sizeof(regs)), 0);
}
END_TEST

/* ------------------------------------------------------------------ ptwr_apply */

struct apply_row {
	const char *name;
	enum ptwr_op op;
	unsigned int size;
	u64 operand, expected;
	u64 addr, old;
	int rc;
	u64 new_pte, result;
	bool zf;
};

#define PT 0xffff888001234000ULL /* some L1 page; entries at PT + 8 * n */
#define OLD 0x1122334455667788ULL
#define PTE 0x8000000123456067ULL /* NX | mfn 0x123456 | D A U W P */

static const struct apply_row apply_rows[] = {
	/* store: each size, merges */
	{ "store8", PTWR_STORE, 8, 0xdeadbeef00000067ULL, 0, PT + 8, OLD, 0,
	  0xdeadbeef00000067ULL, 0, false },
	{ "store8 zero", PTWR_STORE, 8, 0, 0, PT + 0xff8, PTE, 0, 0, 0, false },
	{ "store4 @0", PTWR_STORE, 4, 0xaabbccdd, 0, PT + 0, OLD, 0, 0x11223344aabbccddULL, 0,
	  false },
	{ "store4 @4", PTWR_STORE, 4, 0xaabbccdd, 0, PT + 4, OLD, 0, 0xaabbccdd55667788ULL, 0,
	  false },
	{ "store2 @0", PTWR_STORE, 2, 0xeeff, 0, PT + 0, OLD, 0, 0x112233445566eeffULL, 0, false },
	{ "store2 @2", PTWR_STORE, 2, 0xeeff, 0, PT + 2, OLD, 0, 0x11223344eeff7788ULL, 0, false },
	{ "store2 @4", PTWR_STORE, 2, 0xeeff, 0, PT + 4, OLD, 0, 0x1122eeff55667788ULL, 0, false },
	{ "store2 @6", PTWR_STORE, 2, 0xeeff, 0, PT + 6, OLD, 0, 0xeeff334455667788ULL, 0, false },
	{ "store1 @0", PTWR_STORE, 1, 0xee, 0, PT + 0, OLD, 0, 0x11223344556677eeULL, 0, false },
	{ "store1 @3", PTWR_STORE, 1, 0xee, 0, PT + 3, OLD, 0, 0x11223344ee667788ULL, 0, false },
	{ "store1 @7 (NX byte)", PTWR_STORE, 1, 0x00, 0, PT + 0xff7, PTE, 0,
	  0x0000000123456067ULL, 0, false },
	/* store: misaligned */
	{ "store8 @4", PTWR_STORE, 8, 0, 0, PT + 4, OLD, -EINVAL, 0, 0, false },
	{ "store8 @1", PTWR_STORE, 8, 0, 0, PT + 1, OLD, -EINVAL, 0, 0, false },
	{ "store8 @7 (would cross the page at 0xfff)", PTWR_STORE, 8, 0, 0, PT + 0xfff, OLD,
	  -EINVAL, 0, 0, false },
	{ "store4 @2", PTWR_STORE, 4, 0, 0, PT + 2, OLD, -EINVAL, 0, 0, false },
	{ "store4 @6", PTWR_STORE, 4, 0, 0, PT + 6, OLD, -EINVAL, 0, 0, false },
	{ "store4 @7", PTWR_STORE, 4, 0, 0, PT + 7, OLD, -EINVAL, 0, 0, false },
	{ "store2 @1", PTWR_STORE, 2, 0, 0, PT + 1, OLD, -EINVAL, 0, 0, false },
	{ "store2 @7", PTWR_STORE, 2, 0, 0, PT + 0xfff, OLD, -EINVAL, 0, 0, false },
	/* bad sizes, operands, ops */
	{ "size 0", PTWR_STORE, 0, 0, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "size 3", PTWR_STORE, 3, 0, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "size 16", PTWR_STORE, 16, 0, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "store1 operand 0x100", PTWR_STORE, 1, 0x100, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "store4 operand 33 bits", PTWR_STORE, 4, 0x100000000ULL, 0, PT, OLD,
	  -EINVAL, 0, 0, false },
	{ "and2 operand 0x10000", PTWR_AND, 2, 0x1ffff, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "xchg1 operand wide", PTWR_XCHG, 1, 0x1ff, 0, PT, OLD, -EINVAL, 0, 0, false },
	{ "cmpxchg4 expected wide", PTWR_CMPXCHG, 4, 0, 0x100000000ULL, PT, OLD,
	  -EINVAL, 0, 0, false },
	{ "cmpxchg4 operand wide", PTWR_CMPXCHG, 4, 0x100000000ULL, 0, PT, OLD,
	  -EINVAL, 0, 0, false },
	{ "unknown op", (enum ptwr_op)99, 8, 0, 0, PT, OLD, -EINVAL, 0, 0, false },
	/* xchg */
	{ "xchg8", PTWR_XCHG, 8, 0, 0, PT + 0x10, PTE, 0, 0, PTE, false },
	{ "xchg4 @4", PTWR_XCHG, 4, 0, 0, PT + 4, OLD, 0, 0x0000000055667788ULL, 0x11223344,
	  false },
	{ "xchg2 @2", PTWR_XCHG, 2, 0xabcd, 0, PT + 2, OLD, 0, 0x11223344abcd7788ULL, 0x5566,
	  false },
	{ "xchg4 @2", PTWR_XCHG, 4, 0, 0, PT + 2, OLD, -EINVAL, 0, 0, false },
	/* cmpxchg, both outcomes */
	{ "cmpxchg8 equal", PTWR_CMPXCHG, 8, PTE & ~2ULL, PTE, PT, PTE, 0, PTE & ~2ULL, PTE, true },
	{ "cmpxchg8 differ", PTWR_CMPXCHG, 8, 0, PTE & ~0x40ULL, PT, PTE, 0, PTE, PTE, false },
	{ "cmpxchg4 @4 equal", PTWR_CMPXCHG, 4, 0xcafef00d, 0x11223344, PT + 4, OLD, 0,
	  0xcafef00d55667788ULL, 0x11223344, true },
	{ "cmpxchg4 @4 differ", PTWR_CMPXCHG, 4, 0xcafef00d, 0x55667788, PT + 4, OLD, 0, OLD,
	  0x11223344, false },
	{ "cmpxchg2 @6 equal", PTWR_CMPXCHG, 2, 0x0000, 0x1122, PT + 6, OLD, 0,
	  0x0000334455667788ULL, 0x1122, true },
	{ "cmpxchg1 @1 differ", PTWR_CMPXCHG, 1, 0x00, 0x78, PT + 1, OLD, 0, OLD, 0x77, false },
	{ "cmpxchg8 @4", PTWR_CMPXCHG, 8, 0, 0, PT + 4, OLD, -EINVAL, 0, 0, false },
	/* btr / bts at the edges */
	{ "btr8 bit 0 set", PTWR_BTR, 8, 0, 0, PT, PTE, 0, PTE & ~1ULL, 1, false },
	{ "btr8 bit 0 clear", PTWR_BTR, 8, 0, 0, PT, PTE & ~1ULL, 0, PTE & ~1ULL, 0, false },
	{ "btr8 bit 5 (young)", PTWR_BTR, 8, 5, 0, PT, PTE, 0, PTE & ~0x20ULL, 1, false },
	{ "btr8 bit 63", PTWR_BTR, 8, 63, 0, PT, PTE, 0, PTE & ~(1ULL << 63), 1, false },
	{ "bts8 bit 63", PTWR_BTS, 8, 63, 0, PT, 0, 0, 1ULL << 63, 0, false },
	{ "bts8 bit 63 already", PTWR_BTS, 8, 63, 0, PT, PTE, 0, PTE, 1, false },
	{ "bts8 bit 0", PTWR_BTS, 8, 0, 0, PT, 0x66, 0, 0x67, 0, false },
	{ "btr8 bit 64", PTWR_BTR, 8, 64, 0, PT, PTE, -EINVAL, 0, 0, false },
	{ "bts8 bit ~0", PTWR_BTS, 8, ~0ULL, 0, PT, PTE, -EINVAL, 0, 0, false },
	{ "bts4 @4 bit 31 (= bit 63)", PTWR_BTS, 4, 31, 0, PT + 4, 0x67, 0,
	  0x8000000000000067ULL, 0, false },
	{ "btr4 bit 32", PTWR_BTR, 4, 32, 0, PT, PTE, -EINVAL, 0, 0, false },
	{ "btr2 @6 bit 15", PTWR_BTR, 2, 15, 0, PT + 6, PTE, 0, 0x0000000123456067ULL, 1, false },
	{ "bts2 bit 16", PTWR_BTS, 2, 16, 0, PT, PTE, -EINVAL, 0, 0, false },
	{ "btr1 @7 bit 7", PTWR_BTR, 1, 7, 0, PT + 7, PTE, 0, 0x0000000123456067ULL, 1, false },
	{ "bts1 @0 bit 1", PTWR_BTS, 1, 1, 0, PT, 0x65, 0, 0x67, 0, false },
	{ "btr1 bit 8", PTWR_BTR, 1, 8, 0, PT, PTE, -EINVAL, 0, 0, false },
	{ "btr8 @4", PTWR_BTR, 8, 0, 0, PT + 4, PTE, -EINVAL, 0, 0, false },
	{ "bts2 @3", PTWR_BTS, 2, 0, 0, PT + 3, PTE, -EINVAL, 0, 0, false },
	/* and / or */
	{ "andb $0xfd @0 (wrprotect)", PTWR_AND, 1, 0xfd, 0, PT, PTE, 0, PTE & ~2ULL, 0x65, false },
	{ "andb $0x7f @7", PTWR_AND, 1, 0x7f, 0, PT + 7, PTE, 0, PTE & ~(1ULL << 63), 0, true },
	{ "andq $-2", PTWR_AND, 8, ~1ULL, 0, PT, PTE, 0, PTE & ~1ULL, PTE & ~1ULL, false },
	{ "andq $0", PTWR_AND, 8, 0, 0, PT, PTE, 0, 0, 0, true },
	{ "andl @4", PTWR_AND, 4, 0x7fffffff, 0, PT + 4, PTE, 0, 0x0000000123456067ULL, 1, false },
	{ "andw @2", PTWR_AND, 2, 0x00ff, 0, PT + 2, OLD, 0, 0x1122334400667788ULL, 0x66, false },
	{ "orb $0x20 @0", PTWR_OR, 1, 0x20, 0, PT, 0x47, 0, 0x67, 0x67, false },
	{ "orb $0x80 @7", PTWR_OR, 1, 0x80, 0, PT + 7,
	  0x67, 0, 0x8000000000000067ULL, 0x80, false },
	{ "orq NX", PTWR_OR, 8, 1ULL << 63, 0, PT, 0x67, 0, 0x8000000000000067ULL,
	  0x8000000000000067ULL, false },
	{ "orq 0 into 0", PTWR_OR, 8, 0, 0, PT, 0, 0, 0, 0, true },
	{ "orw @6", PTWR_OR, 2, 0x0101, 0, PT + 6, OLD, 0, 0x1123334455667788ULL, 0x1123, false },
	{ "orl @2", PTWR_OR, 4, 0, 0, PT + 2, OLD, -EINVAL, 0, 0, false },
	{ "andb $0 @5", PTWR_AND, 1, 0, 0, PT + 5, OLD, 0,
	  0x1122004455667788ULL, 0, true },
};

START_TEST(test_apply_table)
{
	const struct apply_row *t = &apply_rows[_i];
	struct ptwr_insn in = { .op = t->op, .size = t->size, .operand = t->operand,
				.expected = t->expected, .reg = -1 };
	u64 new_pte = 0xdeadbeefdeadbeefULL, result = 0x5555;
	bool zf = true;
	int rc = ptwr_apply(&in, t->addr, t->old, &new_pte, &result, &zf);

	ck_assert_msg(rc == t->rc, "%s: rc %d, want %d", t->name, rc, t->rc);
	if (rc) {
		/* nothing written on failure */
		ck_assert_uint_eq(new_pte, 0xdeadbeefdeadbeefULL);
		ck_assert_uint_eq(result, 0x5555);
		ck_assert(zf);
		return;
	}
	ck_assert_msg(new_pte == t->new_pte, "%s: new %#llx, want %#llx", t->name,
		      (unsigned long long)new_pte, (unsigned long long)t->new_pte);
	ck_assert_msg(result == t->result, "%s: result %#llx, want %#llx", t->name,
		      (unsigned long long)result, (unsigned long long)t->result);
	ck_assert_msg(zf == t->zf, "%s: zf %d", t->name, zf);
}
END_TEST

/* Every size at every offset: aligned ones change exactly their bytes, others refuse. */
START_TEST(test_apply_every_offset)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned int size = sizes[s];
		u64 mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;

		for (unsigned int off = 0; off < 8; off++) {
			struct ptwr_insn in = { .op = PTWR_STORE, .size = size, .reg = -1,
						.operand = 0xa5a5a5a5a5a5a5a5ULL & mask };
			u64 new_pte, result, want;
			bool zf;
			int rc = ptwr_apply(&in, PT + 0x100 + off, OLD, &new_pte, &result, &zf);

			if (off % size) {
				ck_assert_msg(rc == -EINVAL, "size %u off %u accepted", size, off);
				continue;
			}
			ck_assert_int_eq(rc, 0);
			want = (OLD & ~(mask << (8 * off))) | (in.operand << (8 * off));
			ck_assert_msg(new_pte == want, "size %u off %u: %#llx", size, off,
				      (unsigned long long)new_pte);
			/* xchg gives back exactly the bytes it replaced */
			in.op = PTWR_XCHG;
			ck_assert_int_eq(ptwr_apply(&in, PT + off, OLD, &new_pte, &result, &zf), 0);
			ck_assert_uint_eq(new_pte, want);
			ck_assert_uint_eq(result, (OLD >> (8 * off)) & mask);
			/* every bit of the access, btr and bts */
			for (unsigned int bit = 0; bit < 8 * size + 1; bit++) {
				u64 abs = 1ULL << ((8 * off + bit) & 63);

				in.op = PTWR_BTS;
				in.operand = bit;
				rc = ptwr_apply(&in, PT + off, OLD, &new_pte, &result, &zf);
				if (bit == 8 * size) {
					ck_assert_int_eq(rc, -EINVAL);
					continue;
				}
				ck_assert_int_eq(rc, 0);
				ck_assert_uint_eq(new_pte, OLD | abs);
				ck_assert_uint_eq(result, !!(OLD & abs));
				in.op = PTWR_BTR;
				rc = ptwr_apply(&in, PT + off, OLD, &new_pte, &result, &zf);
				ck_assert_int_eq(rc, 0);
				ck_assert_uint_eq(new_pte, OLD & ~abs);
				ck_assert_uint_eq(result, !!(OLD & abs));
			}
		}
	}
}
END_TEST

START_TEST(test_write_reg)
{
	struct ptwr_regs r;

	for (int i = 0; i < PTWR_NR_GPRS; i++)
		r.gpr[i] = 0x1122334455667788ULL;
	ck_assert_int_eq(ptwr_write_reg(&r, PTWR_RAX, 8, 0xaaaabbbbccccddddULL), 0);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], 0xaaaabbbbccccddddULL);
	ck_assert_int_eq(ptwr_write_reg(&r, PTWR_RCX, 4, 0xccccdddd), 0);
	ck_assert_uint_eq(r.gpr[PTWR_RCX], 0xccccddddULL); /* zero-extended */
	ck_assert_int_eq(ptwr_write_reg(&r, PTWR_R15, 2, 0xdddd), 0);
	ck_assert_uint_eq(r.gpr[PTWR_R15], 0x112233445566ddddULL);
	ck_assert_int_eq(ptwr_write_reg(&r, PTWR_RDX, 1, 0xee), 0);
	ck_assert_uint_eq(r.gpr[PTWR_RDX], 0x11223344556677eeULL);
	ck_assert_int_eq(ptwr_write_reg(&r, PTWR_RBX, 2, 0xffff0000), 0); /* truncated */
	ck_assert_uint_eq(r.gpr[PTWR_RBX], 0x1122334455660000ULL);
	ck_assert_int_eq(ptwr_write_reg(&r, -1, 8, 0), -EINVAL);
	ck_assert_int_eq(ptwr_write_reg(&r, 16, 8, 0), -EINVAL);
	ck_assert_int_eq(ptwr_write_reg(&r, 0, 3, 0), -EINVAL);
	ck_assert_int_eq(ptwr_write_reg(&r, 0, 0, 0), -EINVAL);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], 0xaaaabbbbccccddddULL);
	ck_assert_uint_eq(r.gpr[PTWR_RSI], 0x1122334455667788ULL);
}
END_TEST

/* Decode + apply + write-back, as the #PF handler will do it, on Linux's sequences. */
static void emulate(const u8 *bytes, size_t n, struct ptwr_regs *r, u64 addr, u64 *pte,
		    bool *zf)
{
	struct ptwr_insn in;
	u64 new_pte, result;

	ck_assert_int_eq(ptwr_decode(bytes, n, r, &in), 0);
	ck_assert_int_eq(ptwr_apply(&in, addr, *pte, &new_pte, &result, zf), 0);
	*pte = new_pte;
	if (in.op == PTWR_XCHG)
		ck_assert_int_eq(ptwr_write_reg(r, in.reg, in.size, result), 0);
	if (in.op == PTWR_CMPXCHG && !*zf)
		ck_assert_int_eq(ptwr_write_reg(r, PTWR_RAX, in.size, result), 0);
	if (in.op == PTWR_BTR || in.op == PTWR_BTS)
		*zf = result; /* report CF through the same flag for the test */
}

START_TEST(test_end_to_end)
{
	static const u8 set_pte[] = { 0x48, 0x89, 0x37 };
	static const u8 clear[] = { 0x48, 0xc7, 0x07, 0, 0, 0, 0 };
	static const u8 get_and_clear[] = { 0x48, 0x87, 0x07 };
	static const u8 wrprotect[] = { 0xf0, 0x80, 0x27, 0xfd };
	static const u8 young[] = { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05 };
	static const u8 cmpxchg[] = { 0xf0, 0x48, 0x0f, 0xb1, 0x17 };
	static const u8 cmpxchg32[] = { 0xf0, 0x0f, 0xb1, 0x17 };
	struct ptwr_regs r = { { 0 } };
	u64 pte = 0;
	bool flag;

	r.gpr[PTWR_RSI] = PTE;
	emulate(set_pte, sizeof(set_pte), &r, PT + 8, &pte, &flag);
	ck_assert_uint_eq(pte, PTE);
	emulate(wrprotect, sizeof(wrprotect), &r, PT + 8, &pte, &flag);
	ck_assert_uint_eq(pte, PTE & ~2ULL);
	emulate(young, sizeof(young), &r, PT + 8, &pte, &flag);
	ck_assert_uint_eq(pte, PTE & ~0x22ULL);
	ck_assert(flag); /* CF: was young */
	emulate(young, sizeof(young), &r, PT + 8, &pte, &flag);
	ck_assert(!flag);

	/* cmpxchg success: RAX untouched */
	r.gpr[PTWR_RAX] = pte;
	r.gpr[PTWR_RDX] = PTE;
	emulate(cmpxchg, sizeof(cmpxchg), &r, PT + 8, &pte, &flag);
	ck_assert(flag);
	ck_assert_uint_eq(pte, PTE);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], PTE & ~0x22ULL);
	/* cmpxchg failure: RAX gets the entry */
	r.gpr[PTWR_RAX] = 0;
	r.gpr[PTWR_RDX] = 0x1234;
	emulate(cmpxchg, sizeof(cmpxchg), &r, PT + 8, &pte, &flag);
	ck_assert(!flag);
	ck_assert_uint_eq(pte, PTE);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], PTE);
	/* 32-bit cmpxchg on the high half: failure zero-extends into RAX */
	r.gpr[PTWR_RAX] = 0xffffffff00000000ULL;
	emulate(cmpxchg32, sizeof(cmpxchg32), &r, PT + 12, &pte, &flag);
	ck_assert(!flag);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], PTE >> 32);
	/* ... success leaves RAX's upper half alone */
	r.gpr[PTWR_RAX] = 0xdead000000000000ULL | (PTE >> 32);
	r.gpr[PTWR_RDX] = 0;
	emulate(cmpxchg32, sizeof(cmpxchg32), &r, PT + 12, &pte, &flag);
	ck_assert(flag);
	ck_assert_uint_eq(pte, PTE & 0xffffffffULL);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], 0xdead000000000000ULL | (PTE >> 32));

	r.gpr[PTWR_RAX] = 0;
	pte = PTE;
	emulate(get_and_clear, sizeof(get_and_clear), &r, PT + 8, &pte, &flag);
	ck_assert_uint_eq(pte, 0);
	ck_assert_uint_eq(r.gpr[PTWR_RAX], PTE);
	pte = PTE;
	emulate(clear, sizeof(clear), &r, PT + 0xff8, &pte, &flag);
	ck_assert_uint_eq(pte, 0);
}
END_TEST

/* ------------------------------------------------------------------ fuzz */

static u64 rng_state;

static u64 rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Invariants of any accepted decode of bytes[0..n). */
static void check_accepted(const u8 *bytes, size_t n, const struct ptwr_insn *in)
{
	struct ptwr_insn again, shorter;

	ck_assert_uint_le(in->len, n);
	ck_assert_uint_ge(in->len, in->string == PTWR_STR_NONE ? 2 : 1); /* opcode + ModRM */
	ck_assert_uint_le(in->len, PTWR_MAX_INSN_LEN);
	ck_assert(in->size == 1 || in->size == 2 || in->size == 4 || in->size == 8);
	ck_assert((unsigned int)in->op <= PTWR_BTS);
	if (in->op != PTWR_BTR && in->op != PTWR_BTS && in->size < 8)
		ck_assert_uint_eq(in->operand >> (8 * in->size), 0);
	ck_assert(in->reg >= -1 && in->reg < PTWR_NR_GPRS);
	ck_assert((in->reg >= 0) == (in->op == PTWR_XCHG || in->op == PTWR_CMPXCHG));
	/* the result depends on the first len bytes only */
	ck_assert_int_eq(decode_exact(bytes, in->len, &again), 0);
	ck_assert(again.op == in->op && again.len == in->len && again.size == in->size &&
		  again.locked == in->locked && again.operand == in->operand &&
		  again.expected == in->expected && again.reg == in->reg);
	ck_assert_int_eq(decode_exact(bytes, in->len - 1, &shorter), -EINVAL);
}

START_TEST(test_fuzz_random)
{
	unsigned int accepted = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (int iter = 0; iter < 200000; iter++) {
		u8 tmp[PTWR_MAX_INSN_LEN];
		size_t n = rng() % (PTWR_MAX_INSN_LEN + 1);
		struct ptwr_insn in;
		u8 *buf;

		for (size_t i = 0; i < n; i++)
			tmp[i] = (u8)rng();
		buf = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, tmp, n);
		memset(&in, 0, sizeof(in));
		if (ptwr_decode(buf, n, &regs, &in) == 0) {
			accepted++;
			check_accepted(tmp, n, &in);
		}
		free(buf);
	}
	/* random bytes do hit the set now and then (a bare 89 /r is two bytes) */
	ck_assert_uint_gt(accepted, 0);
}
END_TEST

/* Mutations of accepted rows reach the deep paths that random bytes rarely do. */
START_TEST(test_fuzz_mutate)
{
	static const u8 interesting[] = { 0xf0, 0x66, 0x3e, 0x26, 0x36, 0x64, 0x65, 0x2e, 0xf2,
					  0xf3, 0x67, 0x48, 0x4f, 0x40, 0x0f, 0xba, 0x04, 0x05,
					  0x24, 0x25, 0x44, 0x84, 0xc0, 0x00, 0xff };
	unsigned int accepted = 0, refused = 0;

	rng_state = 0x0123456789abcdefULL;
	for (int iter = 0; iter < 100000; iter++) {
		const struct dec_row *t = &dec_rows[rng() % ARRAY_SIZE(dec_rows)];
		u8 tmp[20];
		size_t n = t->n;
		unsigned int edits = 1 + rng() % 3;
		struct ptwr_insn in;

		memcpy(tmp, t->bytes, sizeof(tmp));
		for (unsigned int e = 0; e < edits; e++) {
			size_t pos = n ? rng() % n : 0;
			u64 kind = rng() % 4;

			if (kind == 0 && n)
				tmp[pos] = (u8)rng();
			else if (kind == 1 && n)
				tmp[pos] = interesting[rng() % sizeof(interesting)];
			else if (kind == 2 && n < PTWR_MAX_INSN_LEN) {
				memmove(tmp + pos + 1, tmp + pos, n - pos);
				tmp[pos] = interesting[rng() % sizeof(interesting)];
				n++;
			} else if (n) {
				n = rng() % (n + 1); /* cut */
			}
		}
		if (decode_exact(tmp, n, &in) == 0) {
			accepted++;
			check_accepted(tmp, n, &in);
		} else {
			refused++;
		}
	}
	ck_assert_uint_gt(accepted, 1000);
	ck_assert_uint_gt(refused, 1000);
}
END_TEST

Suite *ptwr_decode_suite(void)
{
	Suite *s = suite_create("ptwr_decode");
	TCase *tc = tcase_create("decode");
	TCase *ta = tcase_create("apply");
	TCase *tf = tcase_create("fuzz");

	tcase_add_checked_fixture(tc, setup_regs, NULL);
	tcase_add_loop_test(tc, test_decode_table, 0, ARRAY_SIZE(dec_rows));
	tcase_add_loop_test(tc, test_decode_truncated, 0, ARRAY_SIZE(dec_rows));
	tcase_add_loop_test(tc, test_decode_trailing_bytes, 0, ARRAY_SIZE(dec_rows));
	tcase_add_test(tc, test_decode_length_limit);
	tcase_add_test(tc, test_decode_regs_untouched);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(ta, test_apply_table, 0, ARRAY_SIZE(apply_rows));
	tcase_add_test(ta, test_apply_every_offset);
	tcase_add_test(ta, test_write_reg);
	tcase_add_test(ta, test_end_to_end);
	suite_add_tcase(s, ta);

	tcase_add_checked_fixture(tf, setup_regs, NULL);
	tcase_set_timeout(tf, 120);
	tcase_add_test(tf, test_fuzz_random);
	tcase_add_test(tf, test_fuzz_mutate);
	suite_add_tcase(s, tf);
	return s;
}
