/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction decoder and merge step for writable-page-table emulation (ptwr).
 *
 * A PV guest kernel stores page-table entries straight into an L1 page it maps read-only.
 * The store faults; the #PF handler fetches the instruction bytes at the guest's RIP and
 * asks ptwr_decode() whether they form one of the few stores Linux uses on PTEs. If so,
 * ptwr_apply() computes the full 8-byte entry that results, which the caller validates
 * and writes like an mmu_update. Anything else is refused with -EINVAL and the fault is
 * bounced to the guest.
 *
 * Both functions are pure (no memory access beyond their arguments, no globals) and are
 * host-tested. The bytes come from the guest: ptwr_decode() never reads bytes[avail] or
 * beyond, nor more than PTWR_MAX_INSN_LEN bytes, whatever the bytes say.
 *
 * Accepted instructions (64-bit mode, memory destination only; "v" = 2, 4 or 8 bytes by
 * 0x66 / none / REX.W):
 *   88 /r  mov r8, m8           89 /r  mov rv, mv
 *   C6 /0 ib  mov imm8, m8      C7 /0 iw/id  mov imm, mv (REX.W: imm32 sign-extended)
 *   87 /r  xchg rv, mv (always locked)
 *   0F B1 /r  cmpxchg rv, mv
 *   08 /r, 09 /r, 80 /1 ib, 81 /1 iw/id, 83 /1 ib    or
 *   20 /r, 21 /r, 80 /4 ib, 81 /4 iw/id, 83 /4 ib    and
 *   0F AB /r, 0F BA /5 ib    bts        0F B3 /r, 0F BA /6 ib    btr
 *   AA, AB  stos (one element, no REP)  A4, A5  movs (one element, no REP): stores to
 *           (%rdi) of AL/AX/EAX/RAX or of the element at (%rsi); see string below
 * Prefixes: at most 4 prefix bytes in all (REX included), each one of LOCK (F0), operand
 * size (66), segment ES/SS/DS (26/36/3E), then at most one REX (40-4F) immediately before
 * the opcode. LOCK is refused on mov (it raises #UD there). Everything else - FS/GS/CS
 * overrides, REP/REPNE, address size (67), VEX, register destinations, byte xchg and
 * cmpxchg, xor, adc/sbb/add/sub, bt/btc - is refused.
 */
#ifndef KESTREL_PTWR_DECODE_H
#define KESTREL_PTWR_DECODE_H

#include <kestrel/types.h>

/* The architectural limit on x86 instruction length. */
#define PTWR_MAX_INSN_LEN 15
/* Most prefix bytes (legacy prefixes and REX together) the decoder accepts. */
#define PTWR_MAX_PREFIXES 4

/* General-purpose registers in hardware encoding order. */
enum ptwr_gpr {
	PTWR_RAX, PTWR_RCX, PTWR_RDX, PTWR_RBX, PTWR_RSP, PTWR_RBP, PTWR_RSI, PTWR_RDI,
	PTWR_R8, PTWR_R9, PTWR_R10, PTWR_R11, PTWR_R12, PTWR_R13, PTWR_R14, PTWR_R15,
	PTWR_NR_GPRS,
};

struct ptwr_regs {
	u64 gpr[PTWR_NR_GPRS]; /* indexed by enum ptwr_gpr */
};

enum ptwr_op {
	PTWR_STORE,   /* mem = operand */
	PTWR_XCHG,    /* mem = operand; register reg receives the old value */
	PTWR_CMPXCHG, /* if mem == expected: mem = operand, ZF=1; else RAX = mem, ZF=0 */
	PTWR_AND,     /* mem &= operand */
	PTWR_OR,      /* mem |= operand */
	PTWR_BTR,     /* CF = bit operand of mem; clear it */
	PTWR_BTS,     /* CF = bit operand of mem; set it */
};

struct ptwr_insn {
	enum ptwr_op op;
	unsigned int len;  /* instruction length: RIP advances by this on success */
	unsigned int size; /* access size in bytes: 1, 2, 4 or 8 */
	bool locked;       /* LOCK prefix present, or implied (xchg) */
	/*
	 * STORE/XCHG/CMPXCHG/AND/OR: the source value, zero-extended from size bytes
	 * (immediates are first sign-extended to size where the encoding says so).
	 * BTR/BTS: the bit number within the size-byte access. The immediate form is
	 * already reduced modulo size * 8, as the CPU does; the register form is the
	 * register's low size bytes, unreduced (ptwr_apply() refuses it when >= size * 8,
	 * since the CPU would then have addressed a different location).
	 */
	u64 operand;
	u64 expected; /* CMPXCHG only: RAX's low size bytes; 0 otherwise */
	int reg;      /* XCHG/CMPXCHG: index of the source register operand; -1 otherwise */
	/*
	 * PTWR_STR_STOS / PTWR_STR_MOVS: a string store (op is PTWR_STORE). For stos the
	 * operand is RAX's low size bytes; for movs it is 0 and the caller reads the source
	 * element at RSI. Either way the caller then moves RDI (and for movs RSI) by size,
	 * down when RFLAGS.DF is set.
	 */
	enum ptwr_string { PTWR_STR_NONE, PTWR_STR_STOS, PTWR_STR_MOVS } string;
};

/*
 * Decode the instruction at bytes[0..avail) against the guest registers r (read for
 * register source operands and, for cmpxchg, RAX). The destination must be memory; its
 * address is not computed (the fault address is authoritative) but every ModRM, SIB and
 * displacement form is parsed so that len is exact. Returns 0 and fills *out, or -EINVAL
 * when the bytes are not an accepted instruction or are cut short by avail; *out is then
 * left unspecified. Never reads beyond bytes[MIN(avail, PTWR_MAX_INSN_LEN) - 1].
 */
int ptwr_decode(const u8 *bytes, size_t avail, const struct ptwr_regs *r,
		struct ptwr_insn *out);

/*
 * Perform the access described by in at fault_addr on the 8-byte entry at
 * fault_addr & ~7, which holds old_pte. Returns 0 and the entry's new value in *new_pte,
 * or -EINVAL when the access is not naturally aligned (fault_addr % size != 0), size is
 * not 1, 2, 4 or 8, the op is unknown, an AND/OR/STORE/XCHG/CMPXCHG operand or the
 * CMPXCHG expected value has bits above size bytes, or a BTR/BTS bit number is >=
 * size * 8. An aligned access of at most 8 bytes never crosses the entry (nor the page).
 * Sub-word accesses change only their own bytes of the entry.
 *
 * *reg_result and *zf tell the caller what to do with the guest's registers/flags:
 *   STORE    nothing (*reg_result = 0, *zf = false).
 *   XCHG     write *reg_result (the old memory value, zero-extended from size) into
 *            register in->reg with ptwr_write_reg().
 *   CMPXCHG  *zf is the new ZF. *reg_result is the old memory value. Only when *zf is
 *            false, write it into RAX with ptwr_write_reg() (the CPU does not write RAX
 *            on success, which matters for the upper half with size 4). Set the other
 *            arithmetic flags as for cmp RAX, mem if wanted; Linux reads only ZF.
 *   AND/OR   *reg_result is the resulting size-byte value, from which ZF/SF/PF may be
 *            derived (CF = OF = 0); *zf = (result == 0).
 *   BTR/BTS  *reg_result is the bit's old value (0 or 1): set RFLAGS.CF to it. *zf =
 *            false and carries no meaning (the CPU leaves ZF alone).
 * On failure nothing is written.
 */
int ptwr_apply(const struct ptwr_insn *in, u64 fault_addr, u64 old_pte, u64 *new_pte,
	       u64 *reg_result, bool *zf);

/*
 * Write val into register reg as an x86 instruction with operand size size would: size
 * 8 replaces the register, size 4 zero-extends into all 64 bits, sizes 2 and 1 replace
 * only the low bytes. Returns -EINVAL (writing nothing) for a bad reg or size.
 */
int ptwr_write_reg(struct ptwr_regs *r, int reg, unsigned int size, u64 val);

#endif
