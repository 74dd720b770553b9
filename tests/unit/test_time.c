/* SPDX-License-Identifier: GPL-2.0 */
/*
 * time_scale_set()/scale_delta(): for a table of clock pairs, every delta from 0 to about
 * ten minutes' worth of ticks must land within 1 ppm plus one unit of the exact value
 * (computed here with 128-bit arithmetic).
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/time.h>
#include <check.h>

struct rate_case {
	const char *name;
	u64 from_hz, to_hz;
};

static const struct rate_case rates[] = {
	{ "tsc 1 GHz -> ns", 1000000000ULL, NSEC_PER_SEC },
	{ "tsc 1.5 GHz -> ns", 1500000000ULL, NSEC_PER_SEC },
	{ "tsc 2 GHz -> ns", 2000000000ULL, NSEC_PER_SEC },
	{ "tsc 2.399999 GHz -> ns", 2399999000ULL, NSEC_PER_SEC },
	{ "tsc 3 GHz -> ns", 3000000000ULL, NSEC_PER_SEC },
	{ "tsc 3.7 GHz -> ns", 3700000000ULL, NSEC_PER_SEC },
	{ "tsc 4.2 GHz -> ns", 4200000000ULL, NSEC_PER_SEC },
	{ "tsc 5 GHz -> ns", 5000000000ULL, NSEC_PER_SEC },
	{ "pm timer -> ns", 3579545ULL, NSEC_PER_SEC },
	{ "hpet 14.318 MHz -> ns", 14318180ULL, NSEC_PER_SEC },
	{ "pit -> ns", 1193182ULL, NSEC_PER_SEC },
	{ "ns -> tsc 1 GHz", NSEC_PER_SEC, 1000000000ULL },
	{ "ns -> tsc 2.9 GHz", NSEC_PER_SEC, 2900000000ULL },
	{ "ns -> tsc 5 GHz", NSEC_PER_SEC, 5000000000ULL },
	{ "ns -> pm timer", NSEC_PER_SEC, 3579545ULL },
	{ "ns -> us", NSEC_PER_SEC, 1000000ULL },
	{ "identity 1 Hz", 1, 1 },
	{ "ratio 2^31", 1, 1ULL << 31 },
	{ "ratio 2^-31", 1ULL << 31, 1 },
	{ "huge rates", 1ULL << 63, 3ULL << 61 },
};

static u64 exact(u64 delta, u64 from, u64 to)
{
	return (u64)((unsigned __int128)delta * to / from);
}

static void check_delta(const struct rate_case *rc, const struct time_scale *s, u64 delta)
{
	u64 want = exact(delta, rc->from_hz, rc->to_hz);
	u64 got = scale_delta(delta, s);
	u64 diff = got > want ? got - want : want - got;

	ck_assert_msg(diff <= want / 1000000 + 1, "%s: delta %llu -> %llu, want %llu", rc->name,
		      (unsigned long long)delta, (unsigned long long)got, (unsigned long long)want);
}

/*
 * mul should be the nearest integer to (to / from) * 2^(32 - shift): |mul * from - to *
 * 2^(32 - shift)| <= from / 2, plus a sliver for rates so large they lose low bits.
 */
static void assert_nearest_mul(const struct rate_case *rc, const struct time_scale *s)
{
	unsigned __int128 want = (unsigned __int128)rc->to_hz << (32 - s->shift);
	unsigned __int128 got = (unsigned __int128)s->mul * rc->from_hz;
	unsigned __int128 diff = got > want ? got - want : want - got;

	ck_assert_msg(diff <= rc->from_hz / 2 + (rc->from_hz >> 24), "%s: mul %#x not nearest",
		      rc->name, s->mul);
}

START_TEST(test_scale_table)
{
	const struct rate_case *rc = &rates[_i];
	/* Ten minutes of source ticks, but keep the largest ratios' output inside 64 bits. */
	u64 limit = rc->from_hz * 600;
	u64 lcg = 12345, d;
	struct time_scale s;

	if (rc->to_hz > rc->from_hz && limit > (1ULL << 62) / (rc->to_hz / rc->from_hz))
		limit = (1ULL << 62) / (rc->to_hz / rc->from_hz);
	if (rc->from_hz > (1ULL << 40))
		limit = 1ULL << 62;
	time_scale_set(&s, rc->from_hz, rc->to_hz);
	ck_assert_msg(s.mul & 0x80000000u, "%s: mul %#x lacks bit 31", rc->name, s.mul);
	assert_nearest_mul(rc, &s);
	for (d = 0; d < 4096; d++)
		check_delta(rc, &s, d);
	for (d = 4096; d <= limit && d >= 4096; d += d / 7 + 1)
		check_delta(rc, &s, d);
	for (int i = 0; i < 2000; i++) {
		lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
		check_delta(rc, &s, (lcg >> 11) % (limit + 1));
	}
	check_delta(rc, &s, limit);
}
END_TEST

/* Exact ratios must come out exact, with the documented mul/shift. */
START_TEST(test_exact_values)
{
	struct time_scale s;

	time_scale_set(&s, 1000000000ULL, NSEC_PER_SEC);
	ck_assert_uint_eq(s.mul, 0x80000000u);
	ck_assert_int_eq(s.shift, 1);
	ck_assert_uint_eq(scale_delta(123456789012345ULL, &s), 123456789012345ULL);

	time_scale_set(&s, 2000000000ULL, NSEC_PER_SEC);
	ck_assert_uint_eq(s.mul, 0x80000000u);
	ck_assert_int_eq(s.shift, 0);
	ck_assert_uint_eq(scale_delta(2000000000ULL, &s), NSEC_PER_SEC);

	time_scale_set(&s, 4000000000ULL, NSEC_PER_SEC);
	ck_assert_int_eq(s.shift, -1);
	ck_assert_uint_eq(scale_delta(4000000000ULL * 600, &s), 600 * NSEC_PER_SEC);

	time_scale_set(&s, 3579545ULL, NSEC_PER_SEC);
	ck_assert_int_eq(s.shift, 9); /* 279.37 = 0.5456 * 2^9 */
	ck_assert_uint_eq(scale_delta(0, &s), 0);
}
END_TEST

/* The 64x32 product needs 96 bits: a naive 64-bit multiply would wrap on these. */
START_TEST(test_wide_product)
{
	static const struct rate_case wide[] = {
		{ "3 GHz -> 1 GHz", 3000000000ULL, 1000000000ULL },
		{ "1.000000001 GHz -> 1 GHz", 1000000001ULL, 1000000000ULL },
	};
	static const u64 deltas[] = { 1ULL << 62, (1ULL << 63) + 12345, ~0ULL };
	struct time_scale s;

	for (size_t i = 0; i < ARRAY_SIZE(wide); i++) {
		time_scale_set(&s, wide[i].from_hz, wide[i].to_hz);
		for (size_t j = 0; j < ARRAY_SIZE(deltas); j++)
			check_delta(&wide[i], &s, deltas[j]);
	}
}
END_TEST

START_TEST(test_zero_rates)
{
	struct time_scale s = { 123, 4 };

	time_scale_set(&s, 0, NSEC_PER_SEC);
	ck_assert_uint_eq(scale_delta(1000, &s), 0);
	time_scale_set(&s, NSEC_PER_SEC, 0);
	ck_assert_uint_eq(scale_delta(1000, &s), 0);
}
END_TEST

Suite *time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("scale");

	tcase_add_loop_test(tc, test_scale_table, 0, (int)ARRAY_SIZE(rates));
	tcase_add_test(tc, test_exact_values);
	tcase_add_test(tc, test_wide_product);
	tcase_add_test(tc, test_zero_rates);
	suite_add_tcase(s, tc);
	return s;
}
