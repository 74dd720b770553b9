/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder and merge step for writable-page-table emulation (API and accepted set in
 * ptwr_decode.h).
 *
 * Decoding runs in fixed stages over a cursor that refuses any read at or beyond
 * MIN(avail, PTWR_MAX_INSN_LEN): prefixes, opcode (one byte or 0F plus one), ModRM with
 * its SIB and displacement, then the immediate the form calls for. Which opcodes are
 * accepted and what they mean lives only in forms[] below.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/ptwr_decode.h>

/* How the access size is chosen. */
enum form_width {
	W_BYTE, /* always 1; 66 and REX.W are ignored, as by the CPU */
	W_FULL, /* 8 with REX.W, else 2 with 66, else 4 */
};

/* Where the source operand comes from. */
enum form_src {
	S_REG,   /* ModRM.reg register */
	S_IMM8,  /* ib, taken as is (byte forms) */
	S_SIMM8, /* ib, sign-extended to the access size */
	S_IMMZ,  /* iw with size 2, else id sign-extended to the access size */
	S_BIT8,  /* ib, a bit number reduced modulo the access size in bits */
};

/* What a LOCK prefix means for the form. */
enum form_lock {
	L_NEVER,   /* LOCK raises #UD: refuse it */
	L_ALLOWED, /* locked only when the prefix is present */
	L_IMPLIED, /* always locked (xchg with memory) */
};

#define EXT_R (-1) /* the form uses ModRM.reg as a register, not an opcode extension */

struct form {
	u8 two_byte; /* opcode is 0F opcode */
	u8 opcode;
	s8 ext; /* required ModRM.reg value, or EXT_R */
	u8 op;  /* enum ptwr_op */
	u8 width;
	u8 src;
	u8 lock;
};

static const struct form forms[] = {
	{ 0, 0x88, EXT_R, PTWR_STORE, W_BYTE, S_REG, L_NEVER },
	{ 0, 0x89, EXT_R, PTWR_STORE, W_FULL, S_REG, L_NEVER },
	{ 0, 0xc6, 0, PTWR_STORE, W_BYTE, S_IMM8, L_NEVER },
	{ 0, 0xc7, 0, PTWR_STORE, W_FULL, S_IMMZ, L_NEVER },
	{ 0, 0x87, EXT_R, PTWR_XCHG, W_FULL, S_REG, L_IMPLIED },
	{ 1, 0xb1, EXT_R, PTWR_CMPXCHG, W_FULL, S_REG, L_ALLOWED },
	{ 0, 0x08, EXT_R, PTWR_OR, W_BYTE, S_REG, L_ALLOWED },
	{ 0, 0x09, EXT_R, PTWR_OR, W_FULL, S_REG, L_ALLOWED },
	{ 0, 0x20, EXT_R, PTWR_AND, W_BYTE, S_REG, L_ALLOWED },
	{ 0, 0x21, EXT_R, PTWR_AND, W_FULL, S_REG, L_ALLOWED },
	{ 0, 0x80, 1, PTWR_OR, W_BYTE, S_IMM8, L_ALLOWED },
	{ 0, 0x80, 4, PTWR_AND, W_BYTE, S_IMM8, L_ALLOWED },
	{ 0, 0x81, 1, PTWR_OR, W_FULL, S_IMMZ, L_ALLOWED },
	{ 0, 0x81, 4, PTWR_AND, W_FULL, S_IMMZ, L_ALLOWED },
	{ 0, 0x83, 1, PTWR_OR, W_FULL, S_SIMM8, L_ALLOWED },
	{ 0, 0x83, 4, PTWR_AND, W_FULL, S_SIMM8, L_ALLOWED },
	{ 1, 0xab, EXT_R, PTWR_BTS, W_FULL, S_REG, L_ALLOWED },
	{ 1, 0xb3, EXT_R, PTWR_BTR, W_FULL, S_REG, L_ALLOWED },
	{ 1, 0xba, 5, PTWR_BTS, W_FULL, S_BIT8, L_ALLOWED },
	{ 1, 0xba, 6, PTWR_BTR, W_FULL, S_BIT8, L_ALLOWED },
};

#define PFX_LOCK 0xf0
#define PFX_OPSIZE 0x66
#define PFX_ES 0x26
#define PFX_SS 0x36
#define PFX_DS 0x3e
#define OPC_TWO_BYTE 0x0f

#define REX_W 0x8
#define REX_R 0x4

#define OPC_STOSB 0xaa
#define OPC_STOS 0xab
#define OPC_MOVSB 0xa4
#define OPC_MOVS 0xa5

/* A bounded read cursor over the guest's instruction bytes. */
struct cursor {
	const u8 *bytes;
	size_t limit; /* MIN(avail, PTWR_MAX_INSN_LEN) */
	size_t pos;
};

/*
 * Look at the next byte without consuming it. Returns false (and leaves *b alone) when
 * it lies at or beyond the limit.
 */
static bool peek(const struct cursor *c, u8 *b)
{
	if (c->pos >= c->limit)
		return false;
	*b = c->bytes[c->pos];
	return true;
}

/* Consume the next byte into *b; false when it lies at or beyond the limit. */
static bool fetch(struct cursor *c, u8 *b)
{
	if (!peek(c, b))
		return false;
	c->pos++;
	return true;
}

/* Consume n (at most 4) bytes as a little-endian value into *v. */
static bool fetch_le(struct cursor *c, unsigned int n, u32 *v)
{
	u32 val = 0;
	unsigned int i;
	u8 b;

	for (i = 0; i < n; i++) {
		if (!fetch(c, &b))
			return false;
		val |= (u32)b << (8 * i);
	}
	*v = val;
	return true;
}

/* All ones in the low size bytes (size 1, 2, 4 or 8). */
static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Sign-extend the low bits bits of v to 64 bits. */
static u64 sign_extend(u64 v, unsigned int bits)
{
	u64 sign = 1ULL << (bits - 1);

	v &= (sign << 1) - 1;
	return (v ^ sign) - sign;
}

/*
 * Value of the byte register encoded as reg. Without REX, encodings 4-7 name AH, CH,
 * DH and BH (bits 15:8 of RAX..RBX); with any REX they name SPL, BPL, SIL and DIL.
 */
static u64 byte_reg(const struct ptwr_regs *r, unsigned int reg, bool rex)
{
	if (!rex && reg >= 4 && reg < 8)
		return (r->gpr[reg - 4] >> 8) & 0xff;
	return r->gpr[reg] & 0xff;
}

/*
 * Consume the SIB byte and displacement that follow a ModRM byte with the given mod and
 * rm (mod != 3). Only their length matters; REX.B and REX.X never change it.
 */
static bool skip_address(struct cursor *c, unsigned int mod, unsigned int rm)
{
	unsigned int disp = 0;
	u32 ignored;
	u8 sib;

	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;

	if (rm == 4) {
		if (!fetch(c, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4; /* no base register: disp32 */
	} else if (mod == 0 && rm == 5) {
		disp = 4; /* RIP-relative disp32 */
	}
	return fetch_le(c, disp, &ignored);
}

/* The form for an opcode and ModRM.reg value, or NULL. */
static const struct form *find_form(bool two_byte, u8 opcode, unsigned int modrm_reg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		const struct form *f = &forms[i];

		if (f->two_byte != two_byte || f->opcode != opcode)
			continue;
		if (f->ext == EXT_R || (unsigned int)f->ext == modrm_reg)
			return f;
	}
	return NULL;
}

/* Whether any form has this opcode: lets unknown opcodes fail before ModRM is read. */
static bool known_opcode(bool two_byte, u8 opcode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(forms); i++)
		if (forms[i].two_byte == two_byte && forms[i].opcode == opcode)
			return true;
	return false;
}

/*
 * Read the immediate (if the form has one) and compute the operand for a size-byte
 * access. Returns false when the immediate is cut short.
 */
static bool fetch_operand(struct cursor *c, const struct form *f, unsigned int size,
			  u64 reg_value, u64 *operand)
{
	u32 imm;

	switch (f->src) {
	case S_REG:
		*operand = reg_value & size_mask(size);
		return true;
	case S_IMM8:
		if (!fetch_le(c, 1, &imm))
			return false;
		*operand = imm;
		return true;
	case S_SIMM8:
		if (!fetch_le(c, 1, &imm))
			return false;
		*operand = sign_extend(imm, 8) & size_mask(size);
		return true;
	case S_IMMZ:
		if (size == 2) {
			if (!fetch_le(c, 2, &imm))
				return false;
			*operand = imm;
		} else {
			if (!fetch_le(c, 4, &imm))
				return false;
			*operand = sign_extend(imm, 32) & size_mask(size);
		}
		return true;
	case S_BIT8:
		if (!fetch_le(c, 1, &imm))
			return false;
		*operand = imm & (8 * size - 1);
		return true;
	}
	return false;
}

/* The access size of a full-width form: REX.W, then the operand-size prefix, decide. */
static unsigned int full_size(u8 rex, bool opsize)
{
	if (rex & REX_W)
		return 8;
	return opsize ? 2 : 4;
}

/* stos and movs: no ModRM, implicit operands (RAX or (%rsi) to (%rdi)). */
static int decode_string(u8 opcode, size_t len, bool lock, u8 rex, bool opsize,
			 const struct ptwr_regs *r, struct ptwr_insn *out)
{
	bool byte = opcode == OPC_STOSB || opcode == OPC_MOVSB;

	if (lock)
		return -EINVAL; /* #UD */
	out->op = PTWR_STORE;
	out->len = (unsigned int)len;
	out->size = byte ? 1 : full_size(rex, opsize);
	out->locked = false;
	out->reg = -1;
	out->expected = 0;
	out->string = opcode == OPC_STOSB || opcode == OPC_STOS ? PTWR_STR_STOS : PTWR_STR_MOVS;
	out->operand = out->string == PTWR_STR_STOS ? r->gpr[PTWR_RAX] & size_mask(out->size) : 0;
	return 0;
}

/*
 * Decode one instruction (see ptwr_decode.h). Every byte is read through the cursor,
 * so no path can look beyond MIN(avail, PTWR_MAX_INSN_LEN).
 */
int ptwr_decode(const u8 *bytes, size_t avail, const struct ptwr_regs *r,
		struct ptwr_insn *out)
{
	struct cursor c = { bytes, MIN(avail, (size_t)PTWR_MAX_INSN_LEN), 0 };
	bool lock = false, opsize = false, two_byte = false;
	unsigned int nr_prefixes = 0, mod, reg, rm, size;
	const struct form *f;
	u8 b, rex = 0, opcode, modrm;
	u64 reg_value;

	/* Legacy prefixes, in any order. */
	for (;;) {
		if (!peek(&c, &b))
			return -EINVAL;
		if (b == PFX_LOCK)
			lock = true;
		else if (b == PFX_OPSIZE)
			opsize = true;
		else if (b != PFX_ES && b != PFX_SS && b != PFX_DS)
			break;
		if (++nr_prefixes > PTWR_MAX_PREFIXES)
			return -EINVAL;
		c.pos++;
	}
	/* One REX, directly before the opcode (a second one is an unknown opcode below). */
	if ((b & 0xf0) == 0x40) {
		if (++nr_prefixes > PTWR_MAX_PREFIXES)
			return -EINVAL;
		rex = b;
		c.pos++;
	}

	if (!fetch(&c, &opcode))
		return -EINVAL;
	if (opcode == OPC_TWO_BYTE) {
		two_byte = true;
		if (!fetch(&c, &opcode))
			return -EINVAL;
	}
	if (!two_byte && (opcode == OPC_STOSB || opcode == OPC_STOS || opcode == OPC_MOVSB ||
			  opcode == OPC_MOVS))
		return decode_string(opcode, c.pos, lock, rex, opsize, r, out);
	if (!known_opcode(two_byte, opcode))
		return -EINVAL;

	if (!fetch(&c, &modrm))
		return -EINVAL;
	mod = modrm >> 6;
	reg = ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL; /* register destination: never a page-table write */
	/* Opcode extensions are ModRM.reg alone; REX.R does not take part. */
	f = find_form(two_byte, opcode, reg & 7);
	if (!f)
		return -EINVAL;
	if (lock && f->lock == L_NEVER)
		return -EINVAL;
	if (!skip_address(&c, mod, rm))
		return -EINVAL;

	size = f->width == W_BYTE ? 1 : full_size(rex, opsize);

	if (f->width == W_BYTE)
		reg_value = byte_reg(r, reg, rex != 0);
	else
		reg_value = r->gpr[reg];
	if (!fetch_operand(&c, f, size, reg_value, &out->operand))
		return -EINVAL;

	out->op = (enum ptwr_op)f->op;
	out->len = (unsigned int)c.pos;
	out->size = size;
	out->locked = lock || f->lock == L_IMPLIED;
	out->reg = -1;
	out->expected = 0;
	out->string = PTWR_STR_NONE;
	if (f->op == PTWR_XCHG || f->op == PTWR_CMPXCHG)
		out->reg = (int)reg;
	if (f->op == PTWR_CMPXCHG)
		out->expected = r->gpr[PTWR_RAX] & size_mask(size);
	return 0;
}

/*
 * Compute the entry after the access (see ptwr_decode.h). Works on the size-byte field
 * at byte offset fault_addr & 7 of the entry and merges it back.
 */
int ptwr_apply(const struct ptwr_insn *in, u64 fault_addr, u64 old_pte, u64 *new_pte,
	       u64 *reg_result, bool *zf)
{
	unsigned int size = in->size, shift;
	u64 mask, cur, val, result = 0;
	bool flag = false;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	if (fault_addr & (size - 1))
		return -EINVAL;
	mask = size_mask(size);
	shift = 8 * (unsigned int)(fault_addr & 7);
	cur = (old_pte >> shift) & mask;

	switch (in->op) {
	case PTWR_STORE:
	case PTWR_XCHG:
	case PTWR_AND:
	case PTWR_OR:
		if (in->operand & ~mask)
			return -EINVAL;
		break;
	case PTWR_CMPXCHG:
		if ((in->operand | in->expected) & ~mask)
			return -EINVAL;
		break;
	case PTWR_BTR:
	case PTWR_BTS:
		if (in->operand >= 8ULL * size)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	switch (in->op) {
	case PTWR_STORE:
		val = in->operand;
		break;
	case PTWR_XCHG:
		val = in->operand;
		result = cur;
		break;
	case PTWR_CMPXCHG:
		flag = cur == in->expected;
		val = flag ? in->operand : cur;
		result = cur;
		break;
	case PTWR_AND:
		val = cur & in->operand;
		result = val;
		flag = val == 0;
		break;
	case PTWR_OR:
		val = cur | in->operand;
		result = val;
		flag = val == 0;
		break;
	case PTWR_BTR:
		result = (cur >> in->operand) & 1;
		val = cur & ~(1ULL << in->operand);
		break;
	default: /* PTWR_BTS */
		result = (cur >> in->operand) & 1;
		val = cur | (1ULL << in->operand);
		break;
	}

	*new_pte = (old_pte & ~(mask << shift)) | (val << shift);
	*reg_result = result;
	*zf = flag;
	return 0;
}

/* Register write with x86 operand-size semantics (see ptwr_decode.h). */
int ptwr_write_reg(struct ptwr_regs *r, int reg, unsigned int size, u64 val)
{
	u64 mask;

	if (reg < 0 || reg >= PTWR_NR_GPRS)
		return -EINVAL;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	mask = size_mask(size);
	if (size >= 4)
		r->gpr[reg] = val & mask;
	else
		r->gpr[reg] = (r->gpr[reg] & ~mask) | (val & mask);
	return 0;
}
