/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Clock scaling (API in time.h): conversion factors as a 32-bit fraction mul/2^32 times a
 * power of two, computed and applied with 64-bit integer arithmetic only, so it works
 * without floating point or compiler runtime helpers.
 */
#include <kestrel/types.h>
#include <kestrel/time.h>

#define HEADROOM (1ULL << 62)

/*
 * floor(num * 2^32 / den) for num < den < 2^62, by binary long division: rem stays below
 * den, so doubling it never overflows.
 */
static u64 frac32(u64 num, u64 den, u64 *rem_out)
{
	u64 q = 0, rem = num;
	int i;

	for (i = 0; i < 32; i++) {
		rem <<= 1;
		q <<= 1;
		if (rem >= den) {
			rem -= den;
			q |= 1;
		}
	}
	*rem_out = rem;
	return q;
}

/* Choose mul/shift so that scale_delta(d) ~= d * to_hz / from_hz (see time.h). */
void time_scale_set(struct time_scale *s, u64 from_hz, u64 to_hz)
{
	u64 num = to_hz, den = from_hz, mul, rem;
	int shift = 0;

	/* Keep both below 2^62 for frac32(); the ratio limits leave ample bits in each. */
	while ((num | den) >= HEADROOM) {
		num >>= 1;
		den >>= 1;
	}
	/* Out of contract (a zero rate, or a ratio beyond 2^62): scale everything to 0. */
	if (!num || !den) {
		s->mul = 0;
		s->shift = 0;
		return;
	}
	/* Bring num/den into [1/2, 1); each halving or doubling of the ratio moves shift. */
	for (; num >= den; shift++) {
		if (den < HEADROOM / 2)
			den <<= 1;
		else
			num >>= 1;
	}
	for (; 2 * num < den; shift--) {
		if (num < HEADROOM / 2)
			num <<= 1;
		else
			den >>= 1;
	}
	mul = frac32(num, den, &rem);
	/* Round to nearest; rounding up from just below 1 means the fraction becomes 1/2. */
	if (rem >= den - rem && ++mul == (1ULL << 32)) {
		mul >>= 1;
		shift++;
	}
	s->mul = (u32)mul;
	s->shift = (s8)shift;
}

/*
 * ((delta shifted) * mul) >> 32 with the 96-bit product formed from two 64-bit halves:
 * (hi * 2^32 + lo) * mul >> 32 = hi * mul + (lo * mul >> 32), and neither term overflows
 * unless the result itself does not fit in 64 bits.
 */
u64 scale_delta(u64 delta, const struct time_scale *s)
{
	u64 lo, hi;

	if (s->shift >= 0)
		delta <<= s->shift;
	else
		delta >>= -s->shift;
	lo = delta & 0xFFFFFFFFULL;
	hi = delta >> 32;
	return hi * s->mul + ((lo * s->mul) >> 32);
}
