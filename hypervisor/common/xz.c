// SPDX-License-Identifier: GPL-2.0
/*
 * Single-call .xz decoder, written from the .xz file format specification (1.1.0) and the
 * LZMA/LZMA2 algorithm description. The whole input is in memory and the whole output
 * goes to one caller buffer, which also serves as the LZMA dictionary: that removes the
 * window, the streaming state machine and every allocation, at the price of needing to
 * know an upper bound on the output size.
 *
 * Layering, outermost first:
 *   file    = stream (stream padding, stream)*
 *   stream  = header, block*, index, footer
 *   block   = header, LZMA2 data, padding, check; optionally run through the x86 BCJ filter
 *   LZMA2   = chunks: uncompressed copies, or LZMA chunks with state/props/dict resets
 *   LZMA    = range-coded literals, matches and repeated matches
 * Every length read from the input is checked against what is left of the input or the
 * output before it is used; matches are checked against the bytes decoded so far.
 */
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/spinlock.h>
#include <kestrel/xz.h>

/* ---- the .xz container's constants (format spec sections 2 and 3) ---- */
#define STREAM_HDR_SIZE	 12
#define STREAM_FTR_SIZE	 12
#define CHECK_NONE	 0x00
#define CHECK_CRC32	 0x01
#define CHECK_CRC64	 0x04
#define CHECK_SHA256	 0x0a
#define FILTER_X86	 0x04
#define FILTER_LZMA2	 0x21
#define BLOCK_FLAGS_NR	 0x03 /* number of filters - 1 */
#define BLOCK_FLAGS_RSVD 0x3c
#define BLOCK_HAS_CSIZE	 0x40
#define BLOCK_HAS_USIZE	 0x80
#define VLI_MAX_BYTES	 9
#define VLI_MAX		 ((1ULL << 63) - 1)

static const u8 hdr_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const u8 ftr_magic[2] = { 'Y', 'Z' };

/* ---- LZMA model sizes ---- */
#define LZ_NUM_STATES	 12
#define LZ_POS_STATES	 16  /* 1 << pb, pb <= 4 */
#define LZ_LIT_CODERS	 16  /* 1 << (lc + lp), LZMA2 caps lc + lp at 4 */
#define LZ_LIT_SIZE	 0x300
#define LZ_LEN_STATES	 4   /* distance slot trees, chosen by min(len, 3) */
#define LZ_DIST_SLOTS	 64
#define LZ_END_POS_MODEL 14  /* slots below this code their low bits with dist_special */
#define LZ_ALIGN_BITS	 4
#define LZ_MATCH_MIN	 2
#define LZ_LIT_STATES	 7   /* states below this follow a literal */

#define RC_TOP		 (1u << 24)
#define RC_PROB_BITS	 11
#define RC_PROB_INIT	 (1u << (RC_PROB_BITS - 1))
#define RC_MOVE_BITS	 5

struct len_probs {
	u16 choice;
	u16 choice2;
	u16 low[LZ_POS_STATES][8];
	u16 mid[LZ_POS_STATES][8];
	u16 high[256];
};

/* All u16 so that a reset can treat the struct as one array. */
struct lzma_probs {
	u16 is_match[LZ_NUM_STATES][LZ_POS_STATES];
	u16 is_rep[LZ_NUM_STATES];
	u16 is_rep0[LZ_NUM_STATES];
	u16 is_rep1[LZ_NUM_STATES];
	u16 is_rep2[LZ_NUM_STATES];
	u16 is_rep0_long[LZ_NUM_STATES][LZ_POS_STATES];
	u16 dist_slot[LZ_LEN_STATES][LZ_DIST_SLOTS];
	u16 dist_special[115]; /* indexed from 1 by (dist - slot + tree node) */
	u16 dist_align[1 << LZ_ALIGN_BITS];
	struct len_probs match_len;
	struct len_probs rep_len;
	u16 literal[LZ_LIT_CODERS][LZ_LIT_SIZE];
};

struct rc {
	const u8 *in;
	size_t pos;   /* next byte to read */
	size_t end;   /* end of this LZMA chunk's compressed bytes */
	u32 range;
	u32 code;
	bool overrun; /* tried to read at end: the chunk's compressed size was a lie */
};

/* One decode in progress; lives in xz_ctx under xz_lock. */
struct xz {
	const u8 *in;
	size_t in_len;
	size_t in_pos;
	u8 *out;
	size_t out_cap;
	size_t out_pos;
	size_t dict_start; /* out offset of the last dictionary reset */
	u32 dict_size;	   /* from the LZMA2 filter properties: how far a match may reach */
	char *why;
	size_t why_len;
	struct rc rc;
	u32 state;
	u32 rep[4];
	unsigned int lc;
	u32 lp_mask;
	u32 pb_mask;
	struct lzma_probs probs;
};

/* Running summary of block sizes, compared between the blocks and the index. */
struct idx_sum {
	u64 count;
	u64 unpadded;
	u64 uncompressed;
	u32 crc; /* over every (unpadded, uncompressed) pair, so a reordering shows */
};

static DEFINE_SPINLOCK(xz_lock);
static struct xz xz_ctx; /* protected by xz_lock: ~28 KiB, too big for a hypervisor stack */
static u32 crc32_table[256];
static u64 crc64_table[256];
static bool tables_ready; /* protected by xz_lock */

/* ---- errors ---- */

/* Record why decoding stopped (the first reason wins) and return @err. */
static int fail(struct xz *x, int err, const char *what)
{
	if (x->why_len && !x->why[0])
		ksnprintf(x->why, x->why_len, "xz: %s (input offset %zu)", what, x->in_pos);
	return err;
}

#define corrupt(x, what) fail(x, -EINVAL, what)

/* ---- checks ---- */

static void build_tables(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		u64 d = i;

		for (int k = 0; k < 8; k++) {
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
			d = (d >> 1) ^ (0xc96c5795d7870f42ULL & -(d & 1));
		}
		crc32_table[i] = c;
		crc64_table[i] = d;
	}
	tables_ready = true;
}

/* CRC32 (IEEE, reflected) continuing from @crc; start with 0. */
static u32 crc32(u32 crc, const u8 *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* CRC64 (ECMA-182, reflected) as xz uses it. */
static u64 crc64(const u8 *p, size_t n)
{
	u64 crc = ~0ULL;

	while (n--)
		crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static u32 get_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get_le64(const u8 *p)
{
	return get_le32(p) | (u64)get_le32(p + 4) << 32;
}

static void put_le64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* Size of the check field for a check ID; the spec fixes it even for unknown IDs. */
static size_t check_size(unsigned int type)
{
	static const u8 sizes[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64 };

	return sizes[type & 15];
}

/* ---- range decoder ---- */

static int rc_init(struct xz *x, size_t len)
{
	struct rc *rc = &x->rc;

	if (len < 5)
		return corrupt(x, "LZMA chunk shorter than the range coder's 5 bytes");
	if (x->in[x->in_pos] != 0)
		return corrupt(x, "LZMA range coder does not start with 0");
	rc->in = x->in;
	rc->pos = x->in_pos + 5;
	rc->end = x->in_pos + len;
	rc->range = 0xffffffffu;
	rc->code = (u32)x->in[x->in_pos + 1] << 24 | (u32)x->in[x->in_pos + 2] << 16 |
		   (u32)x->in[x->in_pos + 3] << 8 | x->in[x->in_pos + 4];
	rc->overrun = false;
	return 0;
}

/*
 * Past the chunk's end, feed zeros and remember: the symbols decoded are garbage, but
 * bounded like any others, and the chunk is refused when it finishes.
 */
static inline void rc_normalize(struct rc *rc)
{
	if (rc->range >= RC_TOP)
		return;
	rc->range <<= 8;
	rc->code <<= 8;
	if (rc->pos < rc->end)
		rc->code |= rc->in[rc->pos++];
	else
		rc->overrun = true;
}

/* Decode one bit with adaptive probability *@p (of a 0), then adapt it. */
static inline u32 rc_bit(struct rc *rc, u16 *p)
{
	u32 bound;

	rc_normalize(rc);
	bound = (rc->range >> RC_PROB_BITS) * *p;
	if (rc->code < bound) {
		rc->range = bound;
		*p += ((1u << RC_PROB_BITS) - *p) >> RC_MOVE_BITS;
		return 0;
	}
	rc->range -= bound;
	rc->code -= bound;
	*p -= *p >> RC_MOVE_BITS;
	return 1;
}

/* A @bits-bit symbol, most significant bit first; @probs has 1 << @bits entries. */
static u32 rc_tree(struct rc *rc, u16 *probs, unsigned int bits)
{
	u32 m = 1;

	for (unsigned int i = 0; i < bits; i++)
		m = (m << 1) | rc_bit(rc, &probs[m]);
	return m - (1u << bits);
}

/* The same tree walked least significant bit first (distance low bits). */
static u32 rc_tree_rev(struct rc *rc, u16 *probs, unsigned int bits)
{
	u32 m = 1, sym = 0;

	for (unsigned int i = 0; i < bits; i++) {
		u32 b = rc_bit(rc, &probs[m]);

		m = (m << 1) | b;
		sym |= b << i;
	}
	return sym;
}

/* Bits with fixed probability one half (the middle bits of long distances). */
static u32 rc_direct(struct rc *rc, unsigned int bits)
{
	u32 v = 0;

	while (bits--) {
		rc_normalize(rc);
		rc->range >>= 1;
		v <<= 1;
		if (rc->code >= rc->range) {
			rc->code -= rc->range;
			v |= 1;
		}
	}
	return v;
}

/* ---- LZMA ---- */

static void lzma_reset_state(struct xz *x)
{
	u16 *p = (u16 *)&x->probs;

	for (size_t i = 0; i < sizeof(x->probs) / sizeof(u16); i++)
		p[i] = RC_PROB_INIT;
	x->state = 0;
	x->rep[0] = x->rep[1] = x->rep[2] = x->rep[3] = 0;
}

/* The LZMA2 properties byte: (pb * 5 + lp) * 9 + lc, with lc + lp <= 4. */
static int lzma_props(struct xz *x, u8 props)
{
	unsigned int lc = props % 9, lp = (props / 9) % 5, pb = props / 45;

	if (props >= 9 * 5 * 5 || lc + lp > 4)
		return corrupt(x, "bad LZMA properties byte");
	x->lc = lc;
	x->lp_mask = (1u << lp) - 1;
	x->pb_mask = (1u << pb) - 1;
	return 0;
}

/* Literal after a literal: 8 plain bits. After a match: steered by the byte at rep0. */
static int lzma_literal(struct xz *x, size_t dpos)
{
	u32 prev = dpos ? x->out[x->out_pos - 1] : 0;
	u16 *probs = x->probs.literal[(((u32)dpos & x->lp_mask) << x->lc) + (prev >> (8 - x->lc))];
	u32 sym = 1;

	if (x->state >= LZ_LIT_STATES) {
		u32 match;

		if (x->rep[0] >= dpos)
			return corrupt(x, "LZMA literal refers before the dictionary");
		match = x->out[x->out_pos - x->rep[0] - 1];
		do {
			u32 mb = (match >> 7) & 1;
			u32 b = rc_bit(&x->rc, &probs[((1 + mb) << 8) + sym]);

			match <<= 1;
			sym = (sym << 1) | b;
			if (b != mb)
				break;
		} while (sym < 0x100);
	}
	while (sym < 0x100)
		sym = (sym << 1) | rc_bit(&x->rc, &probs[sym]);
	x->out[x->out_pos++] = (u8)sym;
	x->state = x->state < 4 ? 0 : x->state < 10 ? x->state - 3 : x->state - 6;
	return 0;
}

/* Match length minus LZ_MATCH_MIN: 0-7, 8-15 or 16-271. */
static u32 lzma_len(struct rc *rc, struct len_probs *l, u32 pos_state)
{
	if (!rc_bit(rc, &l->choice))
		return rc_tree(rc, l->low[pos_state], 3);
	if (!rc_bit(rc, &l->choice2))
		return 8 + rc_tree(rc, l->mid[pos_state], 3);
	return 16 + rc_tree(rc, l->high, 8);
}

/* Distance minus one: a 6-bit slot giving the top two bits and how many follow. */
static u32 lzma_distance(struct xz *x, u32 len)
{
	struct rc *rc = &x->rc;
	u32 slot = rc_tree(rc, x->probs.dist_slot[len < 3 ? len : 3], 6);
	unsigned int n;
	u32 dist;

	if (slot < 4)
		return slot;
	n = (slot >> 1) - 1;
	dist = (2 | (slot & 1)) << n;
	if (slot < LZ_END_POS_MODEL)
		return dist + rc_tree_rev(rc, x->probs.dist_special + dist - slot, n);
	dist += rc_direct(rc, n - LZ_ALIGN_BITS) << LZ_ALIGN_BITS;
	return dist + rc_tree_rev(rc, x->probs.dist_align, LZ_ALIGN_BITS);
}

/* Copy @len bytes from rep0 + 1 back; byte by byte, since source and target may overlap. */
static int lzma_copy(struct xz *x, u32 len, size_t limit)
{
	size_t dpos = x->out_pos - x->dict_start;
	u32 dist = x->rep[0];
	u8 *dst, *src;

	if (dist == 0xffffffffu)
		return corrupt(x, "LZMA end marker inside LZMA2 data");
	if (dist >= dpos || dist >= x->dict_size)
		return corrupt(x, "LZMA match distance beyond the dictionary");
	if (len > limit - x->out_pos)
		return corrupt(x, "LZMA match runs past the end of its chunk");
	dst = x->out + x->out_pos;
	src = dst - dist - 1;
	x->out_pos += len;
	while (len--)
		*dst++ = *src++;
	return 0;
}

/* Pick which of the four recent distances a repeated match uses; move it to the front. */
static void lzma_pick_rep(struct xz *x)
{
	u32 dist;

	if (!rc_bit(&x->rc, &x->probs.is_rep1[x->state])) {
		dist = x->rep[1];
	} else {
		if (!rc_bit(&x->rc, &x->probs.is_rep2[x->state])) {
			dist = x->rep[2];
		} else {
			dist = x->rep[3];
			x->rep[3] = x->rep[2];
		}
		x->rep[2] = x->rep[1];
	}
	x->rep[1] = x->rep[0];
	x->rep[0] = dist;
}

/* One literal, match, repeated match or single-byte repeat; never writes past @limit. */
static int lzma_symbol(struct xz *x, size_t limit)
{
	struct rc *rc = &x->rc;
	size_t dpos = x->out_pos - x->dict_start;
	u32 ps = (u32)dpos & x->pb_mask;
	u32 s = x->state, len;

	if (!rc_bit(rc, &x->probs.is_match[s][ps]))
		return lzma_literal(x, dpos);
	if (!rc_bit(rc, &x->probs.is_rep[s])) {
		len = lzma_len(rc, &x->probs.match_len, ps);
		x->state = s < LZ_LIT_STATES ? 7 : 10;
		x->rep[3] = x->rep[2];
		x->rep[2] = x->rep[1];
		x->rep[1] = x->rep[0];
		x->rep[0] = lzma_distance(x, len);
		return lzma_copy(x, len + LZ_MATCH_MIN, limit);
	}
	if (!rc_bit(rc, &x->probs.is_rep0[s])) {
		if (!rc_bit(rc, &x->probs.is_rep0_long[s][ps])) {
			x->state = s < LZ_LIT_STATES ? 9 : 11;
			return lzma_copy(x, 1, limit);
		}
	} else {
		lzma_pick_rep(x);
	}
	len = lzma_len(rc, &x->probs.rep_len, ps);
	x->state = s < LZ_LIT_STATES ? 8 : 11;
	return lzma_copy(x, len + LZ_MATCH_MIN, limit);
}

/*
 * Decode one LZMA chunk of @csize input bytes into exactly @usize output bytes. The range
 * coder must then have consumed exactly @csize bytes and be flushed (code 0).
 */
static int lzma_chunk(struct xz *x, size_t csize, size_t usize)
{
	size_t limit = x->out_pos + usize;
	int err = rc_init(x, csize);

	while (!err && x->out_pos < limit && !x->rc.overrun)
		err = lzma_symbol(x, limit);
	if (err)
		return err;
	/* normalisation is lazy: the encoder's flush may have one byte left to take in */
	rc_normalize(&x->rc);
	if (x->rc.overrun)
		return corrupt(x, "LZMA chunk needs more than its compressed size");
	if (x->rc.pos != x->rc.end || x->rc.code != 0)
		return corrupt(x, "LZMA chunk does not end where its header says");
	x->in_pos += csize;
	return 0;
}

/* ---- LZMA2 ---- */

struct lzma2 {
	bool need_dict;	 /* nothing decoded yet: the first chunk must reset the dictionary */
	bool need_props; /* no LZMA properties yet */
	bool need_state; /* dictionary reset by a copy chunk: the next LZMA chunk resets state */
};

static int lzma2_copy_chunk(struct xz *x, size_t in_end)
{
	size_t n;

	if (in_end - x->in_pos < 2)
		return corrupt(x, "truncated LZMA2 chunk header");
	n = ((size_t)x->in[x->in_pos] << 8 | x->in[x->in_pos + 1]) + 1;
	x->in_pos += 2;
	if (n > in_end - x->in_pos)
		return corrupt(x, "truncated LZMA2 uncompressed chunk");
	if (n > x->out_cap - x->out_pos)
		return fail(x, -E2BIG, "output buffer too small");
	memcpy(x->out + x->out_pos, x->in + x->in_pos, n);
	x->in_pos += n;
	x->out_pos += n;
	return 0;
}

static int lzma2_lzma_chunk(struct xz *x, struct lzma2 *l2, u8 ctrl, size_t in_end)
{
	const u8 *h = x->in + x->in_pos;
	size_t hlen = ctrl >= 0xc0 ? 5 : 4, usize, csize;
	int err;

	if (in_end - x->in_pos < hlen)
		return corrupt(x, "truncated LZMA2 chunk header");
	usize = ((size_t)(ctrl & 0x1f) << 16 | (size_t)h[0] << 8 | h[1]) + 1;
	csize = ((size_t)h[2] << 8 | h[3]) + 1;
	if (ctrl >= 0xc0) {
		err = lzma_props(x, h[4]);
		if (err)
			return err;
		l2->need_props = false;
	} else if (l2->need_props) {
		return corrupt(x, "LZMA2 chunk without properties");
	}
	if (ctrl >= 0xa0)
		lzma_reset_state(x);
	else if (l2->need_state)
		return corrupt(x, "LZMA2 chunk after a dictionary reset keeps stale state");
	l2->need_state = false;
	x->in_pos += hlen;
	if (csize > in_end - x->in_pos)
		return corrupt(x, "truncated LZMA2 chunk");
	if (usize > x->out_cap - x->out_pos)
		return fail(x, -E2BIG, "output buffer too small");
	return lzma_chunk(x, csize, usize);
}

/*
 * Decode LZMA2 chunks from x->in_pos (not beyond @in_end) until the end-of-data chunk.
 * Control byte: 0x00 end; 0x01 copy + dictionary reset; 0x02 copy; 0x80-0xff LZMA, with
 * bits 5-6 saying what to reset (0 nothing, 1 state, 2 state + props, 3 everything) and
 * bits 0-4 the top of the uncompressed size.
 */
static int lzma2_decode(struct xz *x, size_t in_end)
{
	struct lzma2 l2 = { .need_dict = true, .need_props = true, .need_state = false };
	int err = 0;

	while (!err) {
		u8 ctrl;

		if (x->in_pos >= in_end)
			return corrupt(x, "LZMA2 data ends without an end marker");
		ctrl = x->in[x->in_pos++];
		if (ctrl == 0x00)
			return 0;
		if (ctrl >= 0x03 && ctrl < 0x80)
			return corrupt(x, "bad LZMA2 control byte");
		if (ctrl == 0x01 || ctrl >= 0xe0) {
			x->dict_start = x->out_pos;
			l2.need_dict = false;
			l2.need_state = ctrl == 0x01;
		} else if (l2.need_dict) {
			return corrupt(x, "LZMA2 data does not start with a dictionary reset");
		}
		if (ctrl < 0x80)
			err = lzma2_copy_chunk(x, in_end);
		else
			err = lzma2_lzma_chunk(x, &l2, ctrl, in_end);
	}
	return err;
}

/* ---- x86 BCJ filter (decoder direction) ---- */

/* A byte that can top a near call/jump displacement: the target is within +-16 MiB. */
static bool x86_ms_byte(u8 b)
{
	return b == 0x00 || b == 0xff;
}

/*
 * The encoder turned the rel32 of E8 (call) and E9 (jmp) instructions into absolute
 * addresses, so that calls to one function compress alike; undo it. @pos is the stream
 * position of buf[0] (the filter's start offset). The "mask" records which of the last
 * few bytes were E8/E9 candidates that were skipped, because a candidate inside another
 * candidate's operand, or an operand byte that itself looks like a displacement top, is
 * treated specially by the encoder; the decoder has to make the same choices.
 */
static void bcj_x86(u8 *buf, size_t size, u32 pos)
{
	static const bool mask_ok[8] = { true, true, true, false, true, false, false, false };
	static const u8 mask_bit[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
	u32 prev_pos = pos - 5, mask = 0;
	size_t i = 0;

	if (size < 5)
		return;
	while (i <= size - 5) {
		u32 here = pos + (u32)i, gap, src, dest;

		if (buf[i] != 0xe8 && buf[i] != 0xe9) {
			i++;
			continue;
		}
		gap = here - prev_pos;
		prev_pos = here;
		if (gap > 5) {
			mask = 0;
		} else {
			while (gap--)
				mask = (mask & 0x77) << 1;
		}
		if (!x86_ms_byte(buf[i + 4]) || !mask_ok[(mask >> 1) & 7] || (mask >> 1) >= 0x10) {
			mask |= 1;
			if (x86_ms_byte(buf[i + 4]))
				mask |= 0x10;
			i++;
			continue;
		}
		src = get_le32(buf + i + 1);
		for (;;) {
			unsigned int sh;

			dest = src - (here + 5);
			if (!mask)
				break;
			sh = 24 - mask_bit[mask >> 1] * 8;
			if (!x86_ms_byte((u8)(dest >> sh)))
				break;
			src = dest ^ ((1u << sh << 8) - 1);
		}
		/* sign-extend bit 24, so the top byte is 00 or ff again */
		dest &= 0x01ffffff;
		dest |= 0 - (dest & 0x01000000);
		buf[i + 1] = (u8)dest;
		buf[i + 2] = (u8)(dest >> 8);
		buf[i + 3] = (u8)(dest >> 16);
		buf[i + 4] = (u8)(dest >> 24);
		i += 5;
		mask = 0;
	}
}

/* ---- blocks ---- */

/* A variable-length integer: 7 bits a byte, low first, at most 9 bytes, no 0x00 tail. */
static int read_vli(struct xz *x, size_t end, u64 *out)
{
	u64 v = 0;

	for (unsigned int i = 0; i < VLI_MAX_BYTES; i++) {
		u8 b;

		if (x->in_pos >= end)
			return corrupt(x, "truncated integer");
		b = x->in[x->in_pos++];
		v |= (u64)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (i && !b)
				return corrupt(x, "integer with a redundant zero byte");
			*out = v;
			return 0;
		}
	}
	return corrupt(x, "integer longer than 9 bytes");
}

struct block_hdr {
	u64 csize;	 /* VLI_MAX + 1 when absent */
	u64 usize;	 /* VLI_MAX + 1 when absent */
	bool x86;
	u32 x86_start;
};

/* One filter flags record; only "x86 BCJ, then LZMA2 last" chains are supported. */
static int block_filter(struct xz *x, size_t end, bool last, struct block_hdr *bh)
{
	u64 id, psize;
	int err = read_vli(x, end, &id);

	if (!err)
		err = read_vli(x, end, &psize);
	if (err)
		return err;
	if (psize > end - x->in_pos)
		return corrupt(x, "filter properties overrun the block header");
	if (id == FILTER_LZMA2 && last && psize == 1) {
		u8 d = x->in[x->in_pos];

		if (d > 40)
			return corrupt(x, "bad LZMA2 dictionary size");
		x->dict_size = d == 40 ? 0xffffffffu : (2u | (d & 1)) << (d / 2 + 11);
	} else if (id == FILTER_X86 && !last && !bh->x86 && (psize == 0 || psize == 4)) {
		bh->x86 = true;
		bh->x86_start = psize ? get_le32(x->in + x->in_pos) : 0;
	} else if (id == FILTER_LZMA2 || id == FILTER_X86) {
		return corrupt(x, "misplaced filter or bad filter properties");
	} else {
		return fail(x, -EOPNOTSUPP, "unsupported filter (only x86 BCJ and LZMA2)");
	}
	x->in_pos += psize;
	return 0;
}

static int block_header(struct xz *x, struct block_hdr *bh, size_t *hsize)
{
	size_t start = x->in_pos, end;
	unsigned int nr, flags;
	int err = 0;

	*hsize = ((size_t)x->in[start] + 1) * 4;
	if (*hsize > x->in_len - start)
		return corrupt(x, "truncated block header");
	end = start + *hsize - 4;
	if (crc32(0, x->in + start, *hsize - 4) != get_le32(x->in + end))
		return corrupt(x, "block header CRC32 mismatch");
	flags = x->in[start + 1];
	if (flags & BLOCK_FLAGS_RSVD)
		return fail(x, -EOPNOTSUPP, "block header uses reserved flags");
	nr = (flags & BLOCK_FLAGS_NR) + 1;
	x->in_pos = start + 2;
	bh->csize = bh->usize = VLI_MAX + 1;
	bh->x86 = false;
	if (flags & BLOCK_HAS_CSIZE)
		err = read_vli(x, end, &bh->csize);
	if (!err && (flags & BLOCK_HAS_USIZE))
		err = read_vli(x, end, &bh->usize);
	for (unsigned int i = 0; !err && i < nr; i++)
		err = block_filter(x, end, i == nr - 1, bh);
	if (err)
		return err;
	if ((flags & BLOCK_HAS_CSIZE) && bh->csize == 0)
		return corrupt(x, "block with zero compressed size");
	for (; x->in_pos < end; x->in_pos++)
		if (x->in[x->in_pos])
			return fail(x, -EOPNOTSUPP, "block header padding is not zero");
	x->in_pos = end + 4;
	return 0;
}

/* Compare the check field at x->in_pos with the block's decoded bytes. */
static int block_check(struct xz *x, unsigned int type, const u8 *data, size_t len)
{
	size_t n = check_size(type);

	if (n > x->in_len - x->in_pos)
		return corrupt(x, "truncated block check");
	if ((type == CHECK_CRC32 && crc32(0, data, len) != get_le32(x->in + x->in_pos)) ||
	    (type == CHECK_CRC64 && crc64(data, len) != get_le64(x->in + x->in_pos)))
		return corrupt(x, "block check mismatch: decoded data is corrupt");
	x->in_pos += n;
	return 0;
}

static void idx_add(struct idx_sum *s, u64 unpadded, u64 uncompressed)
{
	u8 rec[16];

	put_le64(rec, unpadded);
	put_le64(rec + 8, uncompressed);
	s->count++;
	s->unpadded += unpadded;
	s->uncompressed += uncompressed;
	s->crc = crc32(s->crc, rec, sizeof(rec));
}

static int block(struct xz *x, unsigned int check, struct idx_sum *sum)
{
	size_t start = x->in_pos, out_start = x->out_pos, hsize, data, in_end = x->in_len;
	struct block_hdr bh;
	int err = block_header(x, &bh, &hsize);

	if (err)
		return err;
	data = x->in_pos;
	if (bh.csize <= VLI_MAX) {
		if (bh.csize > x->in_len - data)
			return corrupt(x, "block's compressed size overruns the input");
		in_end = data + bh.csize;
	}
	if (bh.usize <= VLI_MAX && bh.usize > x->out_cap - x->out_pos)
		return fail(x, -E2BIG, "output buffer too small");
	err = lzma2_decode(x, in_end);
	if (err)
		return err;
	if ((bh.csize <= VLI_MAX && x->in_pos - data != bh.csize) ||
	    (bh.usize <= VLI_MAX && x->out_pos - out_start != bh.usize))
		return corrupt(x, "block sizes differ from its header");
	if (bh.x86)
		bcj_x86(x->out + out_start, x->out_pos - out_start, bh.x86_start);
	idx_add(sum, x->in_pos - start + check_size(check), x->out_pos - out_start);
	for (; (x->in_pos - start) & 3; x->in_pos++)
		if (x->in_pos >= x->in_len || x->in[x->in_pos])
			return corrupt(x, "bad block padding");
	return block_check(x, check, x->out + out_start, x->out_pos - out_start);
}

/* ---- streams ---- */

/* The index lists every block's sizes; it must agree with the blocks just decoded. */
static int stream_index(struct xz *x, const struct idx_sum *blocks, size_t *isize)
{
	size_t start = x->in_pos;
	struct idx_sum seen = { 0 };
	u64 count;
	int err;

	x->in_pos++; /* the 0x00 index indicator */
	err = read_vli(x, x->in_len, &count);
	if (err)
		return err;
	if (count != blocks->count)
		return corrupt(x, "index and blocks disagree on the number of blocks");
	for (u64 i = 0; i < count; i++) {
		u64 unpadded, uncompressed;

		err = read_vli(x, x->in_len, &unpadded);
		if (!err)
			err = read_vli(x, x->in_len, &uncompressed);
		if (err)
			return err;
		idx_add(&seen, unpadded, uncompressed);
	}
	for (; (x->in_pos - start) & 3; x->in_pos++)
		if (x->in_pos >= x->in_len || x->in[x->in_pos])
			return corrupt(x, "bad index padding");
	if (x->in_len - x->in_pos < 4)
		return corrupt(x, "truncated index");
	if (crc32(0, x->in + start, x->in_pos - start) != get_le32(x->in + x->in_pos))
		return corrupt(x, "index CRC32 mismatch");
	x->in_pos += 4;
	if (seen.unpadded != blocks->unpadded || seen.uncompressed != blocks->uncompressed ||
	    seen.crc != blocks->crc)
		return corrupt(x, "index and blocks disagree on block sizes");
	*isize = x->in_pos - start;
	return 0;
}

static int stream_header(struct xz *x, unsigned int *check)
{
	const u8 *h = x->in + x->in_pos;

	if (x->in_len - x->in_pos < STREAM_HDR_SIZE)
		return corrupt(x, "truncated stream header");
	if (memcmp(h, hdr_magic, sizeof(hdr_magic)))
		return corrupt(x, "no xz stream header magic");
	if (crc32(0, h + 6, 2) != get_le32(h + 8))
		return corrupt(x, "stream header CRC32 mismatch");
	if (h[6] || (h[7] & 0xf0))
		return fail(x, -EOPNOTSUPP, "stream header uses reserved flags");
	*check = h[7];
	if (*check != CHECK_NONE && *check != CHECK_CRC32 && *check != CHECK_CRC64)
		return fail(x, -EOPNOTSUPP, "unsupported check type (only none, CRC32, CRC64)");
	x->in_pos += STREAM_HDR_SIZE;
	return 0;
}

static int stream_footer(struct xz *x, const u8 *hdr, size_t isize)
{
	const u8 *f = x->in + x->in_pos;

	if (x->in_len - x->in_pos < STREAM_FTR_SIZE)
		return corrupt(x, "truncated stream footer");
	if (memcmp(f + 10, ftr_magic, sizeof(ftr_magic)))
		return corrupt(x, "no xz stream footer magic");
	if (crc32(0, f + 4, 6) != get_le32(f))
		return corrupt(x, "stream footer CRC32 mismatch");
	if (((u64)get_le32(f + 4) + 1) * 4 != isize)
		return corrupt(x, "stream footer's index size is wrong");
	if (f[8] != hdr[6] || f[9] != hdr[7])
		return corrupt(x, "stream header and footer flags differ");
	x->in_pos += STREAM_FTR_SIZE;
	return 0;
}

static int stream(struct xz *x)
{
	const u8 *hdr = x->in + x->in_pos;
	struct idx_sum sum = { 0 };
	unsigned int check;
	size_t isize;
	int err = stream_header(x, &check);

	while (!err) {
		if (x->in_pos >= x->in_len)
			return corrupt(x, "stream ends without an index");
		if (x->in[x->in_pos] == 0x00)
			break;
		err = block(x, check, &sum);
	}
	if (!err)
		err = stream_index(x, &sum, &isize);
	if (!err)
		err = stream_footer(x, hdr, isize);
	return err;
}

/* Streams, separated by zero padding in multiples of four bytes. */
static int decode(struct xz *x)
{
	for (;;) {
		size_t pad;
		int err = stream(x);

		if (err)
			return err;
		pad = x->in_pos;
		while (x->in_pos < x->in_len && !x->in[x->in_pos])
			x->in_pos++;
		if ((x->in_pos - pad) & 3)
			return corrupt(x, "stream padding is not a multiple of 4 bytes");
		if (x->in_pos == x->in_len)
			return 0;
	}
}

int xz_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap, size_t *out_len,
		  char *why, size_t why_len)
{
	struct xz *x = &xz_ctx;
	int err;

	if (why_len)
		why[0] = '\0';
	spin_lock(&xz_lock);
	if (!tables_ready)
		build_tables();
	x->in = in;
	x->in_len = in_len;
	x->in_pos = 0;
	x->out = out;
	x->out_cap = out_cap;
	x->out_pos = 0;
	x->dict_start = 0;
	x->dict_size = 0;
	x->why = why;
	x->why_len = why_len;
	err = decode(x);
	*out_len = err ? 0 : x->out_pos;
	spin_unlock(&xz_lock);
	return err;
}
