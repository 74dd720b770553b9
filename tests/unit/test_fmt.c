/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvsnprintf/ksnprintf/kscnprintf. Most cases are table-driven and also checked against the
 * host C library's vsnprintf, which is the specification we mimic; the few places where
 * we deliberately differ (%p, NULL %s with a precision, field clamping) are checked alone.
 */
/* Kestrel headers first: types.h defines offsetof unguarded, <stddef.h> replaces it. */
#include <kestrel/types.h>
#include <kestrel/lib.h>
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Formats with ours (and, if oracle, with libc) and compares with want. */
static void expect_fmt(bool oracle, const char *want, const char *fmt, ...)
{
	char got[512], ref[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	ck_assert_msg(!strcmp(got, want), "fmt \"%s\": got \"%s\", want \"%s\"", fmt, got, want);
	ck_assert_msg(ret == (int)strlen(want), "fmt \"%s\": returned %d, want %zu", fmt, ret,
		      strlen(want));
	if (!oracle)
		return;
	va_start(ap, fmt);
	vsnprintf(ref, sizeof(ref), fmt, ap);
	va_end(ap);
	ck_assert_msg(!strcmp(ref, want), "fmt \"%s\": libc says \"%s\", table says \"%s\"", fmt,
		      ref, want);
}

/* ksnprintf without the format attribute, for formats the compiler would reject. */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

struct int_case {
	const char *fmt;
	int arg;
	const char *want;
};

/* Conversions whose argument is an int (or promoted to one). */
static const struct int_case int_cases[] = {
	{ "%d", 0, "0" },
	{ "%d", 42, "42" },
	{ "%d", -42, "-42" },
	{ "%i", -7, "-7" },
	{ "%d", INT_MAX, "2147483647" },
	{ "%d", INT_MIN, "-2147483648" },
	{ "%5d", 42, "   42" },
	{ "%-5d|", 42, "42   |" },
	{ "%05d", 42, "00042" },
	{ "%05d", -42, "-0042" },
	{ "%-05d|", 42, "42   |" },
	{ "%+d", 42, "+42" },
	{ "%+d", -42, "-42" },
	{ "%+d", 0, "+0" },
	{ "% d", 42, " 42" },
	{ "% d", -42, "-42" },
	{ "%+ d", 42, "+42" },
	{ "% 05d", 42, " 0042" },
	{ "%+05d", 42, "+0042" },
	{ "%.3d", 7, "007" },
	{ "%.3d", -7, "-007" },
	{ "%8.3d", 7, "     007" },
	{ "%-8.3d|", 7, "007     |" },
	{ "%08.3d", 7, "     007" },
	{ "%.0d", 0, "" },
	{ "%5.0d", 0, "     " },
	{ "%+.0d", 0, "+" },
	{ "%.0d", 3, "3" },
	{ "%2d", 12345, "12345" },
	{ "%hhd", 300, "44" },
	{ "%hhd", 200, "-56" },
	{ "%hd", 70000, "4464" },
	{ "%hd", -32768, "-32768" },
	{ "%u", 0, "0" },
	{ "%u", -1, "4294967295" },
	{ "%+u", 42, "42" },
	{ "% u", 42, "42" },
	{ "%hhu", 257, "1" },
	{ "%hhu", -1, "255" },
	{ "%hu", 65537, "1" },
	{ "%x", 255, "ff" },
	{ "%X", 255, "FF" },
	{ "%x", -1, "ffffffff" },
	{ "%#x", 255, "0xff" },
	{ "%#X", 255, "0XFF" },
	{ "%#x", 0, "0" },
	{ "%08x", 0xbeef, "0000beef" },
	{ "%#08x", 0xff, "0x0000ff" },
	{ "%-#8x|", 0xff, "0xff    |" },
	{ "%#8x", 0xff, "    0xff" },
	{ "%.4x", 0xff, "00ff" },
	{ "%#.4x", 0xff, "0x00ff" },
	{ "%#.0x", 0, "" },
	{ "%hhx", 0x1ff, "ff" },
	{ "%hx", 0x12345, "2345" },
	{ "%o", 8, "10" },
	{ "%o", 0, "0" },
	{ "%#o", 8, "010" },
	{ "%#o", 0, "0" },
	{ "%#.0o", 0, "0" },
	{ "%.0o", 0, "" },
	{ "%#5o", 8, "  010" },
	{ "%#.3o", 8, "010" },
	{ "%#.4o", 8, "0010" },
	{ "%#08o", 8, "00000010" },
	{ "%c", 'A', "A" },
	{ "%3c", 'A', "  A" },
	{ "%-3c|", 'A', "A  |" },
	{ "[%c]", 0xe9, "[\xe9]" },
	{ "%%%d%%", 5, "%5%" },
	{ "a%db", 1, "a1b" },
};

START_TEST(test_int_table)
{
	const struct int_case *c = &int_cases[_i];

	expect_fmt(true, c->want, c->fmt, c->arg);
}
END_TEST

struct ll_case {
	const char *fmt;
	long long arg;
	const char *want;
};

/* %ll conversions. */
static const struct ll_case ll_cases[] = {
	{ "%lld", 0, "0" },
	{ "%lld", LLONG_MAX, "9223372036854775807" },
	{ "%lld", LLONG_MIN, "-9223372036854775808" },
	{ "%25lld", LLONG_MIN, "     -9223372036854775808" },
	{ "%025lld", LLONG_MIN, "-000009223372036854775808" },
	{ "%+lld", 1, "+1" },
	{ "%llu", -1, "18446744073709551615" },
	{ "%llx", -1, "ffffffffffffffff" },
	{ "%#llX", 0x123456789abcdefLL, "0X123456789ABCDEF" },
	{ "%llo", -1, "1777777777777777777777" },
	{ "%#llo", -1, "01777777777777777777777" },
	{ "%lli", -5, "-5" },
};

START_TEST(test_ll_table)
{
	const struct ll_case *c = &ll_cases[_i];

	expect_fmt(true, c->want, c->fmt, c->arg);
}
END_TEST

struct long_case {
	const char *fmt;
	long arg;
	const char *want;
};

/* l, z and t conversions; on the LP64 host all three take a long-sized argument. */
static const struct long_case long_cases[] = {
	{ "%ld", LONG_MIN, "-9223372036854775808" },
	{ "%ld", LONG_MAX, "9223372036854775807" },
	{ "%lu", -1L, "18446744073709551615" },
	{ "%lx", 0x1234567890L, "1234567890" },
	{ "%zu", 123456789012L, "123456789012" },
	{ "%zd", -5, "-5" },
	{ "%zx", -1L, "ffffffffffffffff" },
	{ "%td", -7, "-7" },
	{ "%tu", 7, "7" },
	{ "%tx", 255, "ff" },
};

START_TEST(test_long_table)
{
	const struct long_case *c = &long_cases[_i];

	expect_fmt(true, c->want, c->fmt, c->arg);
}
END_TEST

struct str_case {
	const char *fmt;
	const char *arg;
	const char *want;
};

static const struct str_case str_cases[] = {
	{ "%s", "hello", "hello" },
	{ "%s", "", "" },
	{ "%8s", "hello", "   hello" },
	{ "%-8s|", "hello", "hello   |" },
	{ "%.2s", "hello", "he" },
	{ "%.0s", "hello", "" },
	{ "%.10s", "hello", "hello" },
	{ "%5.1s", "hello", "    h" },
	{ "%-5.1s|", "hello", "h    |" },
	{ "%2s", "hello", "hello" },
	{ "<%s>", NULL, "<(null)>" },
	{ "%8s", NULL, "  (null)" },
	{ "no conversions", "x", "no conversions" },
};

START_TEST(test_str_table)
{
	const struct str_case *c = &str_cases[_i];

	expect_fmt(true, c->want, c->fmt, c->arg);
}
END_TEST

START_TEST(test_plain_and_percent)
{
	expect_fmt(true, "", "");
	expect_fmt(true, "abc", "abc");
	expect_fmt(true, "%", "%%");
	expect_fmt(true, "a%b", "a%%b");
	expect_fmt(true, "1 two 3", "%d %s %c", 1, "two", '3');
}
END_TEST

START_TEST(test_star_width_precision)
{
	expect_fmt(true, "   42", "%*d", 5, 42);
	expect_fmt(true, "42   |", "%-*d|", 5, 42);
	expect_fmt(true, "42   |", "%*d|", -5, 42); /* negative width means '-' */
	expect_fmt(true, "007", "%.*d", 3, 7);
	expect_fmt(true, "7", "%.*d", -1, 7); /* negative precision means none */
	expect_fmt(true, "  he", "%*.*s", 4, 2, "hello");
	expect_fmt(true, "0x00ff", "%#0*x", 6, 0xff);
}
END_TEST

START_TEST(test_string_precision_bounds_read)
{
	/* Not NUL-terminated: with a precision we must not look past it (ASan checks). */
	static const char abc[3] = { 'a', 'b', 'c' };

	expect_fmt(true, "abc", "%.3s", abc);
	expect_fmt(true, "ab", "%.2s", abc);
}
END_TEST

START_TEST(test_null_string_precision)
{
	/* We cut "(null)" like any string; glibc prints nothing instead, hence no oracle. */
	expect_fmt(false, "(nu", "%.3s", (char *)NULL);
}
END_TEST

START_TEST(test_pointer)
{
	expect_fmt(false, "0x0000000000000000", "%p", NULL);
	expect_fmt(false, "0x0000000000001234", "%p", (void *)0x1234);
	expect_fmt(false, "0xffffffffffffffff", "%p", (void *)~0UL);
	expect_fmt(false, "0xffff800000abcdef", "%p", (void *)0xffff800000abcdefUL);
	expect_fmt(false, "  0x0000000000000010", "%20p", (void *)0x10);
	expect_fmt(false, "0x0000000000000010  |", "%-20p|", (void *)0x10);
	expect_fmt(false, "0x0000000000000010", "%5p", (void *)0x10);
}
END_TEST

START_TEST(test_unknown_conversion)
{
	/* Through a variable so the compiler does not reject the bad formats. */
	const char *fmts[] = { "%q", "%5q", "%-#5q", "abc%", "%ll", "%5" };
	const char *wants[] = { "%q", "%5q", "%-#5q", "abc%", "%ll", "%5" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fmts); i++)
		expect_fmt(false, wants[i], fmts[i], 0);
}
END_TEST

START_TEST(test_truncation)
{
	char buf[16];
	int ret;

	memset(buf, 'X', sizeof(buf));
	ret = ksnprintf(buf, 5, "abcdefgh");
	ck_assert_int_eq(ret, 8);
	ck_assert_str_eq(buf, "abcd");
	ck_assert_int_eq(buf[5], 'X'); /* nothing written beyond size */

	ret = ksnprintf(buf, 9, "abcdefgh"); /* exact fit */
	ck_assert_int_eq(ret, 8);
	ck_assert_str_eq(buf, "abcdefgh");

	ret = ksnprintf(buf, 8, "abcdefgh"); /* one short */
	ck_assert_int_eq(ret, 8);
	ck_assert_str_eq(buf, "abcdefg");

	ret = ksnprintf(buf, 1, "abc");
	ck_assert_int_eq(ret, 3);
	ck_assert_str_eq(buf, "");

	ret = ksnprintf(buf, 4, "%d", 123456);
	ck_assert_int_eq(ret, 6);
	ck_assert_str_eq(buf, "123");

	ret = ksnprintf(buf, 6, "%#010x", 0xab);
	ck_assert_int_eq(ret, 10);
	ck_assert_str_eq(buf, "0x000");
}
END_TEST

START_TEST(test_size_zero)
{
	char buf[4] = "XYZ";

	ck_assert_int_eq(ksnprintf(NULL, 0, "hello %d", 42), 8);
	ck_assert_int_eq(ksnprintf(buf, 0, "hello"), 5);
	ck_assert_str_eq(buf, "XYZ"); /* untouched, not even a NUL */
	ck_assert_int_eq(kscnprintf(buf, 0, "hello"), 0);
	ck_assert_str_eq(buf, "XYZ");
}
END_TEST

START_TEST(test_scnprintf)
{
	char buf[8];
	size_t len = 0;

	ck_assert_int_eq(kscnprintf(buf, sizeof(buf), "abc"), 3);
	ck_assert_int_eq(kscnprintf(buf, sizeof(buf), "abcdefghij"), 7);
	ck_assert_str_eq(buf, "abcdefg");
	ck_assert_int_eq(kscnprintf(buf, 1, "abc"), 0);

	/* The piecewise-append idiom it exists for never runs past the buffer. */
	len += kscnprintf(buf + len, sizeof(buf) - len, "%s", "12345");
	len += kscnprintf(buf + len, sizeof(buf) - len, "%s", "67890");
	len += kscnprintf(buf + len, sizeof(buf) - len, "%s", "xyz");
	ck_assert_uint_eq(len, 7);
	ck_assert_str_eq(buf, "1234567");
}
END_TEST

START_TEST(test_field_clamp)
{
	char buf[8];

	/* Absurd widths are clamped to 4096 rather than honoured. */
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%*d", INT_MIN, 1), 4096);
	ck_assert_str_eq(buf, "1      ");
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%999999999999d", 1), 4096);
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%.999999999999d", 1), 4096);
	ck_assert_str_eq(buf, "0000000");
}
END_TEST

START_TEST(test_many_args)
{
	expect_fmt(true, "1 2 3 4 5 6 7 8 9 10 11 12", "%d %d %d %d %d %d %d %d %d %d %d %d", 1, 2,
		   3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
	expect_fmt(true, "x=-1 y=ff s=ok p=1", "x=%lld y=%hhx s=%s p=%zu", -1LL, 255, "ok",
		   (size_t)1);
}
END_TEST

Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_int_table, 0, ARRAY_SIZE(int_cases));
	tcase_add_loop_test(tc, test_ll_table, 0, ARRAY_SIZE(ll_cases));
	tcase_add_loop_test(tc, test_long_table, 0, ARRAY_SIZE(long_cases));
	tcase_add_loop_test(tc, test_str_table, 0, ARRAY_SIZE(str_cases));
	tcase_add_test(tc, test_plain_and_percent);
	tcase_add_test(tc, test_star_width_precision);
	tcase_add_test(tc, test_string_precision_bounds_read);
	tcase_add_test(tc, test_null_string_precision);
	tcase_add_test(tc, test_pointer);
	tcase_add_test(tc, test_unknown_conversion);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_size_zero);
	tcase_add_test(tc, test_scnprintf);
	tcase_add_test(tc, test_field_clamp);
	tcase_add_test(tc, test_many_args);
	suite_add_tcase(s, tc);
	return s;
}
