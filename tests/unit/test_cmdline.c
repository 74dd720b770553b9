/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing: every parameter type, value syntax, and hostile input. Every bad
 * token must give exactly one clear warning and leave all variables at their defaults.
 */
/* Kestrel headers first: types.h defines offsetof unguarded, <stddef.h> replaces it. */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/cmdline.h>
#include <kestrel/printk.h>
#include <check.h>
#include <string.h>
#include "harness.h"

static bool flag, on_flag;
static u64 num, ranged, dashed, mem, mem_ranged;
static char name[8];
static int com1_calls, loglvl;
static char com1_val[32];
static bool com1_null;

#define NUM_DEFAULT 77
#define MEM_DEFAULT 4096

/* Custom handler that records its argument and rejects "bad" and a missing value. */
static int com1_handler(const char *val)
{
	com1_calls++;
	com1_null = !val;
	if (!val || !strcmp(val, "bad"))
		return -EINVAL;
	strncpy(com1_val, val, sizeof(com1_val) - 1);
	return 0;
}

static int loglvl_handler(const char *val)
{
	int lvl = printk_parse_level(val);

	if (lvl == -EINVAL)
		return -EINVAL;
	loglvl = lvl;
	return 0;
}

static const struct kernel_param params[] = {
	{ .name = "flag", .type = PARAM_BOOL, .var = &flag },
	{ .name = "on_flag", .type = PARAM_BOOL, .var = &on_flag },
	{ .name = "num", .type = PARAM_UINT, .var = &num },
	{ .name = "ranged", .type = PARAM_UINT, .var = &ranged, .min = 1, .max = 100 },
	{ .name = "dash-opt", .type = PARAM_UINT, .var = &dashed },
	{ .name = "mem", .type = PARAM_SIZE, .var = &mem },
	{ .name = "memr", .type = PARAM_SIZE, .var = &mem_ranged, .min = MB(1), .max = GB(1) },
	{ .name = "name", .type = PARAM_STRING, .var = name, .len = sizeof(name) },
	{ .name = "com1", .type = PARAM_CUSTOM, .custom = com1_handler },
	{ .name = "loglvl", .type = PARAM_CUSTOM, .custom = loglvl_handler },
};

static void set_defaults(void)
{
	flag = false;
	on_flag = true;
	num = NUM_DEFAULT;
	ranged = 50;
	dashed = 0;
	mem = MEM_DEFAULT;
	mem_ranged = MB(16);
	strcpy(name, "dflt");
	com1_calls = 0;
	com1_val[0] = '\0';
	com1_null = false;
	loglvl = -100;
}

static void setup(void)
{
	set_defaults();
	capture_start();
}

static void assert_defaults(const char *line)
{
	ck_assert_msg(!flag && on_flag && num == NUM_DEFAULT && ranged == 50 && !dashed &&
			      mem == MEM_DEFAULT && mem_ranged == MB(16) && !strcmp(name, "dflt") &&
			      !com1_val[0] && loglvl == -100,
		      "\"%s\" changed a variable", line);
}

static int parse(const char *line)
{
	return cmdline_parse(line, params, ARRAY_SIZE(params));
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

struct u64_case {
	const char *line;
	u64 *var;
	u64 want;
};

static const struct u64_case u64_cases[] = {
	{ "num=0", &num, 0 },
	{ "num=42", &num, 42 },
	{ "num=007", &num, 7 },
	{ "num=0x2A", &num, 42 },
	{ "num=0XfF", &num, 255 },
	{ "num=18446744073709551615", &num, ~0ULL },
	{ "num=0xffffffffffffffff", &num, ~0ULL },
	{ "num=0x0000000000000000000001", &num, 1 },
	{ "num=1 num=2", &num, 2 },
	{ "  num=5  ", &num, 5 },
	{ "\tnum=6\r\n", &num, 6 },
	{ "num=\"7\"", &num, 7 },
	{ "\"num=8\"", &num, 8 },
	{ "ranged=1", &ranged, 1 },
	{ "ranged=100", &ranged, 100 },
	{ "dash-opt=3", &dashed, 3 },
	{ "dash_opt=4", &dashed, 4 },
	{ "mem=0", &mem, 0 },
	{ "mem=512", &mem, 512 },
	{ "mem=512B", &mem, 512 },
	{ "mem=512b", &mem, 512 },
	{ "mem=4k", &mem, KB(4) },
	{ "mem=4K", &mem, KB(4) },
	{ "mem=2M", &mem, MB(2) },
	{ "mem=2m", &mem, MB(2) },
	{ "mem=3G", &mem, GB(3) },
	{ "mem=1T", &mem, 1ULL << 40 },
	{ "mem=0x10M", &mem, MB(16) },
	{ "mem=0x1b", &mem, 0x1b },
	{ "mem=16777215T", &mem, 16777215ULL << 40 },
	{ "mem=18446744073709551615B", &mem, ~0ULL },
	{ "memr=1M", &mem_ranged, MB(1) },
	{ "memr=1G", &mem_ranged, GB(1) },
	{ "memr=1048576", &mem_ranged, MB(1) },
};

START_TEST(test_number_values)
{
	const struct u64_case *c = &u64_cases[_i];

	ck_assert_int_eq(parse(c->line), 0);
	ck_assert_msg(*c->var == c->want, "\"%s\": got %llu, want %llu", c->line,
		      (unsigned long long)*c->var, (unsigned long long)c->want);
	ck_assert_str_eq(capture_text(), "");
}
END_TEST

struct bool_case {
	const char *line;
	bool *var;
	bool want;
};

static const struct bool_case bool_cases[] = {
	{ "flag", &flag, true },
	{ "flag=1", &flag, true },
	{ "flag=yes", &flag, true },
	{ "flag=on", &flag, true },
	{ "flag=true", &flag, true },
	{ "flag=enable", &flag, true },
	{ "on_flag=0", &on_flag, false },
	{ "on_flag=no", &on_flag, false },
	{ "on_flag=off", &on_flag, false },
	{ "on_flag=false", &on_flag, false },
	{ "on_flag=disable", &on_flag, false },
	{ "no-on_flag", &on_flag, false },
	{ "no_on_flag", &on_flag, false },
	{ "no-on-flag", &on_flag, false },
	{ "on-flag=off", &on_flag, false },
	{ "no-flag flag", &flag, true },
	{ "flag no-flag", &flag, false },
	{ "flag=\"yes\"", &flag, true },
};

START_TEST(test_bool_values)
{
	const struct bool_case *c = &bool_cases[_i];

	ck_assert_int_eq(parse(c->line), 0);
	ck_assert_msg(*c->var == c->want, "\"%s\": got %d", c->line, *c->var);
	ck_assert_str_eq(capture_text(), "");
}
END_TEST

struct str_case {
	const char *line;
	const char *want;
};

static const struct str_case str_cases[] = {
	{ "name=abc", "abc" },
	{ "name=1234567", "1234567" }, /* exactly fills char[8] */
	{ "name=", "" },
	{ "name=\"\"", "" },
	{ "name=\"a b\"", "a b" },
	{ "\"name=x y\"", "x y" },
	{ "name=a\"b c\"d", "ab cd" },
	{ "name=a=b", "a=b" },
	{ "name=first name=second", "second" },
};

START_TEST(test_string_values)
{
	const struct str_case *c = &str_cases[_i];

	ck_assert_int_eq(parse(c->line), 0);
	ck_assert_str_eq(name, c->want);
	ck_assert_str_eq(capture_text(), "");
}
END_TEST

/* Each of these is one problem: one warning containing want, and no variable changed. */
struct bad_case {
	const char *line;
	const char *want;
};

static const struct bad_case bad_cases[] = {
	{ "foo", "cmdline: unknown option \"foo\"" },
	{ "foo=1", "cmdline: unknown option \"foo\"" },
	{ "no-foo", "cmdline: unknown option \"no-foo\"" },
	{ "flags", "cmdline: unknown option \"flags\"" },
	{ "=5", "cmdline: missing option name before \"=5\"" },
	{ "num", "cmdline: option \"num\" needs a value" },
	{ "num=", "cmdline: option \"num\" needs a value" },
	{ "num=\"\"", "cmdline: option \"num\" needs a value" },
	{ "num=abc", "cmdline: bad value \"abc\" for option \"num\"" },
	{ "num=12x", "cmdline: bad value \"12x\" for option \"num\"" },
	{ "num=-1", "cmdline: bad value \"-1\" for option \"num\"" },
	{ "num=+1", "cmdline: bad value \"+1\" for option \"num\"" },
	{ "num=0x", "cmdline: bad value \"0x\" for option \"num\"" },
	{ "num=0xg", "cmdline: bad value \"0xg\" for option \"num\"" },
	{ "num=1.5", "cmdline: bad value \"1.5\" for option \"num\"" },
	{ "num=4K", "cmdline: bad value \"4K\" for option \"num\"" },
	{ "num=\"1 2\"", "cmdline: bad value \"1 2\" for option \"num\"" },
	{ "num=18446744073709551616", "bad value \"18446744073709551616\" for option \"num\"" },
	{ "num=99999999999999999999999", "bad value \"99999999999999999999999\"" },
	{ "num=0x10000000000000000", "bad value \"0x10000000000000000\" for option \"num\"" },
	{ "ranged=0", "cmdline: value \"0\" for option \"ranged\" out of range [1, 100]" },
	{ "ranged=101", "cmdline: value \"101\" for option \"ranged\" out of range [1, 100]" },
	{ "ranged=0xffffffffffffffff", "out of range [1, 100]" },
	{ "mem=", "cmdline: option \"mem\" needs a value" },
	{ "mem=99999999999T", "cmdline: bad value \"99999999999T\" for option \"mem\"" },
	{ "mem=16777216T", "cmdline: bad value \"16777216T\" for option \"mem\"" },
	{ "mem=18446744073709551615K", "bad value \"18446744073709551615K\"" },
	{ "mem=4KB", "cmdline: bad value \"4KB\" for option \"mem\"" },
	{ "mem=4X", "cmdline: bad value \"4X\" for option \"mem\"" },
	{ "mem=K", "cmdline: bad value \"K\" for option \"mem\"" },
	{ "mem=-4K", "cmdline: bad value \"-4K\" for option \"mem\"" },
	{ "memr=1K", "value \"1K\" for option \"memr\" out of range [1048576, 1073741824]" },
	{ "memr=2G", "value \"2G\" for option \"memr\" out of range [1048576, 1073741824]" },
	{ "flag=maybe", "cmdline: bad value \"maybe\" for option \"flag\"" },
	{ "flag=", "cmdline: bad value \"\" for option \"flag\"" },
	{ "flag=YES", "cmdline: bad value \"YES\" for option \"flag\"" },
	{ "flag=2", "cmdline: bad value \"2\" for option \"flag\"" },
	{ "no-flag=1", "cmdline: bad value \"1\" for option \"no-flag\"" },
	{ "no-num", "cmdline: option \"num\" is not boolean, \"no-num\" is invalid" },
	{ "no-com1", "cmdline: option \"com1\" is not boolean" },
	{ "name", "cmdline: option \"name\" needs a value" },
	{ "name=12345678", "value \"12345678\" for option \"name\" too long (max 7 chars)" },
	{ "name=\"unterminated", "cmdline: unterminated quote in value for option \"name\"" },
	{ "name=\"a b", "cmdline: unterminated quote in value for option \"name\"" },
	{ "com1", "cmdline: option \"com1\" needs a value" },
	{ "com1=bad", "cmdline: bad value \"bad\" for option \"com1\"" },
	{ "loglvl=abc", "cmdline: bad value \"abc\" for option \"loglvl\"" },
	{ "loglvl", "cmdline: option \"loglvl\" needs a value" },
};

START_TEST(test_bad_tokens)
{
	const struct bad_case *c = &bad_cases[_i];
	const char *text;

	ck_assert_msg(parse(c->line) == 1, "\"%s\": want exactly one problem", c->line);
	text = capture_text();
	ck_assert_msg(strstr(text, c->want), "\"%s\": warning \"%s\" lacks \"%s\"", c->line, text,
		      c->want);
	ck_assert_msg(count_of(text, "\n") == 1, "\"%s\": not one line: \"%s\"", c->line, text);
	assert_defaults(c->line);
}
END_TEST

START_TEST(test_warnings_are_warning_level)
{
	u64 pos = 0;
	char buf[128];
	size_t n;

	parse("bogus");
	n = printk_ring_read(&pos, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "<4>cmdline: unknown option \"bogus\"\n");
}
END_TEST

START_TEST(test_parsing_continues_after_errors)
{
	ck_assert_int_eq(parse("foo num=x flag ranged=500 num=9 bar=\"q r\" mem=1M"), 4);
	ck_assert(flag);
	ck_assert_uint_eq(num, 9);
	ck_assert_uint_eq(ranged, 50);
	ck_assert_uint_eq(mem, MB(1));
	ck_assert_int_eq(count_of(capture_text(), "cmdline: "), 4);
	ck_assert(capture_has("unknown option \"bar\""));
}
END_TEST

START_TEST(test_bad_value_keeps_earlier_good_one)
{
	ck_assert_int_eq(parse("num=5 num=bad"), 1);
	ck_assert_uint_eq(num, 5);
	ck_assert_int_eq(parse("name=ok name=waytoolong"), 1);
	ck_assert_str_eq(name, "ok");
}
END_TEST

START_TEST(test_unterminated_quote_swallows_rest)
{
	/* The open quote makes the rest of the line one value; nothing after it applies. */
	ck_assert_int_eq(parse("num=3 name=\"abc num=4"), 1);
	ck_assert_uint_eq(num, 3);
	ck_assert_str_eq(name, "dflt");
}
END_TEST

START_TEST(test_overlong_name)
{
	char line[200];

	memset(line, 'a', 150);
	strcpy(line + 150, "=1 num=2");
	ck_assert_int_eq(parse(line), 1);
	ck_assert(capture_has("cmdline: option name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" "
			      "too long"));
	ck_assert_uint_eq(num, 2);
}
END_TEST

START_TEST(test_overlong_value)
{
	static char line[4096];

	strcpy(line, "name=");
	memset(line + 5, 'v', 3000);
	strcpy(line + 3005, " num=2");
	ck_assert_int_eq(parse(line), 1);
	ck_assert(capture_has("cmdline: value for option \"name\" too long (max 1023 chars)"));
	ck_assert_str_eq(name, "dflt");
	ck_assert_uint_eq(num, 2);
	ck_assert_int_eq(count_of(capture_text(), "\n"), 1);
}
END_TEST

START_TEST(test_long_bad_value_is_shown_shortened)
{
	static char line[1100];

	strcpy(line, "num=");
	memset(line + 4, '9', 1000);
	ck_assert_int_eq(parse(line), 1);
	ck_assert(capture_has("cmdline: bad value \"99999999"));
	ck_assert(strlen(capture_text()) < 200);
}
END_TEST

START_TEST(test_empty_and_null_lines)
{
	ck_assert_int_eq(cmdline_parse(NULL, params, ARRAY_SIZE(params)), 0);
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(parse("   \t\n "), 0);
	ck_assert_int_eq(cmdline_parse("flag", NULL, 0), 1);
	ck_assert(capture_has("unknown option \"flag\""));
	assert_defaults("empty");
}
END_TEST

START_TEST(test_custom_param)
{
	ck_assert_int_eq(parse("com1=115200,8n1"), 0);
	ck_assert_int_eq(com1_calls, 1);
	ck_assert_str_eq(com1_val, "115200,8n1");
	ck_assert_int_eq(parse("com1"), 1);
	ck_assert_int_eq(com1_calls, 2);
	ck_assert(com1_null); /* no '=' means NULL, not "" */
	ck_assert_int_eq(parse("com1="), 0);
	ck_assert(!com1_null);
	ck_assert_int_eq(parse("loglvl=debug"), 0);
	ck_assert_int_eq(loglvl, 7);
	ck_assert_int_eq(parse("loglvl=none"), 0);
	ck_assert_int_eq(loglvl, -1);
}
END_TEST

START_TEST(test_custom_without_handler)
{
	static const struct kernel_param broken[] = {
		{ .name = "broken", .type = PARAM_CUSTOM },
	};

	ck_assert_int_eq(cmdline_parse("broken=1", broken, 1), 1);
	ck_assert(capture_has("cmdline: option \"broken\" has no handler"));
}
END_TEST

START_TEST(test_first_matching_param_wins)
{
	static u64 a = 1, b = 2;
	static const struct kernel_param dup[] = {
		{ .name = "x", .type = PARAM_UINT, .var = &a },
		{ .name = "x", .type = PARAM_UINT, .var = &b },
	};

	ck_assert_int_eq(cmdline_parse("x=9", dup, 2), 0);
	ck_assert_uint_eq(a, 9);
	ck_assert_uint_eq(b, 2);
}
END_TEST

struct parse_case {
	const char *s;
	int ret;
	u64 want;
};

static const struct parse_case uint_cases[] = {
	{ "0", 0, 0 },
	{ "123", 0, 123 },
	{ "0x7f", 0, 0x7f },
	{ "18446744073709551615", 0, ~0ULL },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "x1", -EINVAL, 0 },
	{ "1K", -EINVAL, 0 },
	{ NULL, -EINVAL, 0 },
};

START_TEST(test_parse_uint)
{
	const struct parse_case *c = &uint_cases[_i];
	u64 v = 12345;

	ck_assert_int_eq(parse_uint(c->s, &v), c->ret);
	ck_assert_uint_eq(v, c->ret ? 12345 : c->want);
}
END_TEST

static const struct parse_case size_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "1k", 0, 1024 },
	{ "0x2G", 0, GB(2) },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "16777216T", -EINVAL, 0 },
	{ "99999999999T", -EINVAL, 0 },
	{ "18014398509481984K", -EINVAL, 0 },
	{ "18014398509481983K", 0, 18014398509481983ULL << 10 },
	{ "1KK", -EINVAL, 0 },
	{ "1P", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ NULL, -EINVAL, 0 },
};

START_TEST(test_parse_size)
{
	const struct parse_case *c = &size_cases[_i];
	u64 v = 12345;

	ck_assert_int_eq(parse_size(c->s, &v), c->ret);
	ck_assert_uint_eq(v, c->ret ? 12345 : c->want);
}
END_TEST

struct pbool_case {
	const char *s;
	int ret;
	bool want;
};

static const struct pbool_case pbool_cases[] = {
	{ "1", 0, true },	    { "yes", 0, true },	      { "on", 0, true },
	{ "true", 0, true },	    { "enable", 0, true },    { "0", 0, false },
	{ "no", 0, false },	    { "off", 0, false },      { "false", 0, false },
	{ "disable", 0, false },    { "", -EINVAL, false },   { "2", -EINVAL, false },
	{ "yess", -EINVAL, false }, { "On", -EINVAL, false }, { NULL, -EINVAL, false },
};

START_TEST(test_parse_bool)
{
	const struct pbool_case *c = &pbool_cases[_i];
	bool v = !c->want;

	ck_assert_int_eq(parse_bool(c->s, &v), c->ret);
	ck_assert_int_eq(v, c->ret ? !c->want : c->want);
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_number_values, 0, ARRAY_SIZE(u64_cases));
	tcase_add_loop_test(tc, test_bool_values, 0, ARRAY_SIZE(bool_cases));
	tcase_add_loop_test(tc, test_string_values, 0, ARRAY_SIZE(str_cases));
	tcase_add_loop_test(tc, test_bad_tokens, 0, ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_warnings_are_warning_level);
	tcase_add_test(tc, test_parsing_continues_after_errors);
	tcase_add_test(tc, test_bad_value_keeps_earlier_good_one);
	tcase_add_test(tc, test_unterminated_quote_swallows_rest);
	tcase_add_test(tc, test_overlong_name);
	tcase_add_test(tc, test_overlong_value);
	tcase_add_test(tc, test_long_bad_value_is_shown_shortened);
	tcase_add_test(tc, test_empty_and_null_lines);
	tcase_add_test(tc, test_custom_param);
	tcase_add_test(tc, test_custom_without_handler);
	tcase_add_test(tc, test_first_matching_param_wins);
	tcase_add_loop_test(tc, test_parse_uint, 0, ARRAY_SIZE(uint_cases));
	tcase_add_loop_test(tc, test_parse_size, 0, ARRAY_SIZE(size_cases));
	tcase_add_loop_test(tc, test_parse_bool, 0, ARRAY_SIZE(pbool_cases));
	suite_add_tcase(s, tc);
	return s;
}
