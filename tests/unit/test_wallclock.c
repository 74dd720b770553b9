/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common/wallclock.c: BCD decoding, RTC register decoding (BCD and binary, 12- and
 * 24-hour, with and without a century register, and the invalid dates refused), the
 * epoch conversion against known timestamps, "wall time at system time 0", and the
 * shared_info publication with its version protocol. arch_rtc_read() is a double here
 * that returns the registers the test set.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/time.h>
#include <kestrel/wallclock.h>
#include <public/xen.h>
#include <check.h>
#include <string.h>

#define NOC 0xff /* no century register */
#define B24 (RTC_B_24H)
#define BIN (RTC_B_BINARY | RTC_B_24H)
#define BIN12 (RTC_B_BINARY)
#define BCD12 0

/* ---- the arch hook double ---- */
static struct rtc_raw fake_raw;
static int fake_rc;
static u64 fake_sys_ns;

int arch_rtc_read(struct rtc_raw *raw, u64 *sys_ns)
{
	*raw = fake_raw;
	*sys_ns = fake_sys_ns;
	return fake_rc;
}

START_TEST(test_bcd)
{
	static const struct {
		u8 in;
		unsigned int out;
	} cases[] = {
		{ 0x00, 0 }, { 0x09, 9 }, { 0x10, 10 }, { 0x59, 59 }, { 0x99, 99 },
		{ 0x0a, 0xff }, { 0xa0, 0xff }, { 0xff, 0xff }, { 0x1f, 0xff },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(bcd_to_bin(cases[i].in) == cases[i].out, "bcd %#x -> %u, want %u",
			      cases[i].in, bcd_to_bin(cases[i].in), cases[i].out);
}
END_TEST

struct decode_case {
	const char *name;
	struct rtc_raw raw;
	int rc;
	struct rtc_date want;
	u64 epoch; /* checked when rc == 0 */
};

static const struct decode_case decode_cases[] = {
	{ "epoch, BCD 24h, no century", { 0x00, 0x00, 0x00, 0x01, 0x01, 0x70, NOC, B24 }, 0,
	  { 1970, 1, 1, 0, 0, 0 }, 0 },
	{ "2000-01-01 BCD", { 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, NOC, B24 }, 0,
	  { 2000, 1, 1, 0, 0, 0 }, 946684800 },
	{ "leap day 2024 BCD", { 0x56, 0x34, 0x12, 0x29, 0x02, 0x24, NOC, B24 }, 0,
	  { 2024, 2, 29, 12, 34, 56 }, 1709210096 },
	{ "2024 leap day, binary", { 56, 34, 12, 29, 2, 24, NOC, BIN }, 0,
	  { 2024, 2, 29, 12, 34, 56 }, 1709210096 },
	{ "century register BCD 20", { 0x07, 0x06, 0x05, 0x04, 0x03, 0x25, 0x20, B24 }, 0,
	  { 2025, 3, 4, 5, 6, 7 }, 1741064767 },
	{ "century register binary 21", { 0, 0, 0, 1, 1, 0, 21, BIN }, 0,
	  { 2100, 1, 1, 0, 0, 0 }, 4102444800ULL },
	{ "2038 rollover second", { 0x08, 0x14, 0x03, 0x19, 0x01, 0x38, 0x20, B24 }, 0,
	  { 2038, 1, 19, 3, 14, 8 }, 2147483648ULL },
	{ "1999-12-31 23:59:59 (no century: 19xx)",
	  { 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, NOC, B24 }, 0,
	  { 1999, 12, 31, 23, 59, 59 }, 946684799 },
	{ "2069 without century", { 0, 0, 0, 1, 1, 69, NOC, BIN }, 0,
	  { 2069, 1, 1, 0, 0, 0 }, 3124224000ULL },
	{ "12h BCD: 12 AM is 0", { 0x00, 0x00, 0x12, 0x01, 0x01, 0x20, NOC, BCD12 }, 0,
	  { 2020, 1, 1, 0, 0, 0 }, 1577836800 },
	{ "12h BCD: 12 PM is 12", { 0x00, 0x00, 0x92, 0x01, 0x01, 0x20, NOC, BCD12 }, 0,
	  { 2020, 1, 1, 12, 0, 0 }, 1577880000 },
	{ "12h BCD: 11 PM is 23", { 0x00, 0x00, 0x91, 0x01, 0x01, 0x20, NOC, BCD12 }, 0,
	  { 2020, 1, 1, 23, 0, 0 }, 1577919600 },
	{ "12h binary: 1 AM", { 0, 0, 1, 1, 1, 20, NOC, BIN12 }, 0,
	  { 2020, 1, 1, 1, 0, 0 }, 1577840400 },
	{ "12h binary: 7 PM", { 0, 0, 0x87, 1, 1, 20, NOC, BIN12 }, 0,
	  { 2020, 1, 1, 19, 0, 0 }, 1577905200 },
	{ "2000 is a leap year", { 0, 0, 0, 29, 2, 0, 20, BIN }, 0,
	  { 2000, 2, 29, 0, 0, 0 }, 951782400 },
	{ "2100 is not a leap year", { 0, 0, 0, 29, 2, 0, 21, BIN }, -EINVAL, { 0 }, 0 },
	{ "Feb 29 in 2023", { 0, 0, 0, 29, 2, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "April 31", { 0, 0, 0, 31, 4, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "month 13", { 0, 0, 0, 1, 13, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "month 0", { 0, 0, 0, 1, 0, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "day 0", { 0, 0, 0, 0, 1, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "hour 24", { 0, 0, 24, 1, 1, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "minute 60", { 0, 60, 0, 1, 1, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "second 60", { 60, 0, 0, 1, 1, 23, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "12h hour 0", { 0, 0, 0, 1, 1, 23, NOC, BIN12 }, -EINVAL, { 0 }, 0 },
	{ "12h hour 13", { 0, 0, 13, 1, 1, 23, NOC, BIN12 }, -EINVAL, { 0 }, 0 },
	{ "bad BCD digit", { 0x5a, 0, 0, 1, 1, 0x23, NOC, B24 }, -EINVAL, { 0 }, 0 },
	{ "year 100 binary", { 0, 0, 0, 1, 1, 100, NOC, BIN }, -EINVAL, { 0 }, 0 },
	{ "century 18", { 0, 0, 0, 1, 1, 99, 18, BIN }, -EINVAL, { 0 }, 0 },
	{ "all ones (no RTC)", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, -EINVAL,
	  { 0 }, 0 },
};

START_TEST(test_decode)
{
	const struct decode_case *c = &decode_cases[_i];
	struct rtc_date got;
	int rc;

	memset(&got, 0x5a, sizeof(got));
	rc = rtc_decode(&c->raw, &got);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
	if (rc)
		return;
	ck_assert_msg(!memcmp(&got, &c->want, sizeof(got)),
		      "%s: %u-%u-%u %u:%u:%u, want %u-%u-%u %u:%u:%u", c->name, got.year, got.mon,
		      got.day, got.hour, got.min, got.sec, c->want.year, c->want.mon, c->want.day,
		      c->want.hour, c->want.min, c->want.sec);
	ck_assert_msg(rtc_date_to_epoch(&got) == c->epoch, "%s: epoch %llu, want %llu", c->name,
		      (unsigned long long)rtc_date_to_epoch(&got), (unsigned long long)c->epoch);
}
END_TEST

/* Every day from 1970 to 2199: consecutive days are exactly 86400 s apart. */
START_TEST(test_epoch_continuous)
{
	struct rtc_date d = { 1970, 1, 1, 0, 0, 0 };
	static const unsigned int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	u64 expect = 0;

	while (d.year < 2200) {
		bool leap = (d.year % 4 == 0 && d.year % 100) || d.year % 400 == 0;
		unsigned int dim = mdays[d.mon - 1] + (d.mon == 2 && leap);

		ck_assert_msg(rtc_date_to_epoch(&d) == expect, "%u-%u-%u: %llu, want %llu", d.year,
			      d.mon, d.day, (unsigned long long)rtc_date_to_epoch(&d),
			      (unsigned long long)expect);
		expect += 86400;
		if (++d.day > dim) {
			d.day = 1;
			if (++d.mon > 12) {
				d.mon = 1;
				d.year++;
			}
		}
	}
}
END_TEST

struct set_case {
	u64 sec;
	u32 nsec;
	u64 sys_ns;
	u64 want_sec;
	u32 want_nsec;
};

static const struct set_case set_cases[] = {
	{ 1700000000, 0, 0, 1700000000, 0 },
	{ 1700000000, 0, 1500000000ULL, 1699999998, 500000000 },
	{ 1700000000, 700000000, 1500000000ULL, 1699999999, 200000000 },
	{ 1700000000, 500000000, 1500000000ULL, 1699999999, 0 },
	{ 1700000000, 0, 3600ULL * NSEC_PER_SEC, 1700000000 - 3600, 0 },
	{ 5000000000ULL, 1, 999999999ULL, 4999999999ULL, 2 },
};

START_TEST(test_set_and_fill)
{
	const struct set_case *c = &set_cases[_i];
	struct shared_info si;
	u64 sec;
	u32 nsec;

	wallclock_set(c->sec, c->nsec, c->sys_ns);
	wallclock_get(&sec, &nsec);
	ck_assert_msg(sec == c->want_sec && nsec == c->want_nsec, "case %d: %llu.%09u", _i,
		      (unsigned long long)sec, nsec);
	memset(&si, 0, sizeof(si));
	si.wc_version = 6;
	wallclock_fill(&si);
	ck_assert_uint_eq(si.wc_version, 8); /* odd in between, even after */
	ck_assert_uint_eq(si.wc_sec, (u32)c->want_sec);
	ck_assert_uint_eq(si.wc_sec_hi, (u32)(c->want_sec >> 32));
	ck_assert_uint_eq(si.wc_nsec, c->want_nsec);
}
END_TEST

START_TEST(test_init)
{
	u64 sec;
	u32 nsec;

	/* 2024-02-29 12:34:56 read 2.25 s after boot */
	fake_raw = (struct rtc_raw){ 0x56, 0x34, 0x12, 0x29, 0x02, 0x24, 0x20, B24 };
	fake_rc = 0;
	fake_sys_ns = 2250000000ULL;
	wallclock_init();
	wallclock_get(&sec, &nsec);
	ck_assert_uint_eq(sec, 1709210096ULL - 3);
	ck_assert_uint_eq(nsec, 750000000);

	/* no RTC, or garbage: the previous value is left alone */
	wallclock_set(0, 0, 0);
	fake_rc = -ENODEV;
	wallclock_init();
	wallclock_get(&sec, &nsec);
	ck_assert_uint_eq(sec, 0);
	fake_rc = 0;
	fake_raw.mon = 0x13;
	wallclock_init();
	wallclock_get(&sec, &nsec);
	ck_assert_uint_eq(sec, 0);
}
END_TEST

Suite *wallclock_suite(void)
{
	Suite *s = suite_create("wallclock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bcd);
	tcase_add_loop_test(tc, test_decode, 0, sizeof(decode_cases) / sizeof(decode_cases[0]));
	tcase_add_test(tc, test_epoch_continuous);
	tcase_add_loop_test(tc, test_set_and_fill, 0, sizeof(set_cases) / sizeof(set_cases[0]));
	tcase_add_test(tc, test_init);
	suite_add_tcase(s, tc);
	return s;
}
