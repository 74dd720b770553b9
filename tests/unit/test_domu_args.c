/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of a boot-time domU module (common/domu_args.c): defaults, every
 * option, the guest command line after "--", and every kind of bad value refused with a
 * message that names the option.
 */
/* Kestrel headers first: types.h defines offsetof unguarded, <stddef.h> replaces it. */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/domu.h>
#include <check.h>
#include <string.h>

struct good_case {
	const char *line;
	const char *name;
	u64 mem;
	unsigned int vcpus, weight, cap;
	const char *cmdline;
};

static const struct good_case good_cases[] = {
	{ "domU", "", MB(64), 1, 256, 0, "" },
	{ "  domU  ", "", MB(64), 1, 256, 0, "" },
	{ "domU name=web mem=128M vcpus=4 weight=512 cap=50", "web", MB(128), 4, 512, 50, "" },
	{ "domU mem=1G", "", GB(1), 1, 256, 0, "" },
	{ "domU mem=65536K vcpus=32", "", MB(64), 32, 256, 0, "" },
	{ "domU weight=1 cap=0", "", MB(64), 1, 1, 0, "" },
	{ "domU weight=65535", "", MB(64), 1, 65535, 0, "" },
	{ "domU mem=32M mem=16M", "", MB(16), 1, 256, 0, "" }, /* the last one wins */
	{ "domU -- console=hvc0 root=/dev/xvda1", "", MB(64), 1, 256, 0,
	  "console=hvc0 root=/dev/xvda1" },
	{ "domU vcpus=2 --   quiet mem=1 -- x", "", MB(64), 2, 256, 0, "quiet mem=1 -- x" },
	{ "domU --", "", MB(64), 1, 256, 0, "" },
};

START_TEST(test_good)
{
	const struct good_case *g = &good_cases[_i];
	struct domu_config c;
	char why[160] = "";

	ck_assert_msg(domu_parse(g->line, &c, why, sizeof(why)) == 0, "\"%s\": %s", g->line, why);
	ck_assert_str_eq(c.name, g->name);
	ck_assert_uint_eq(c.mem, g->mem);
	ck_assert_uint_eq(c.vcpus, g->vcpus);
	ck_assert_uint_eq(c.weight, g->weight);
	ck_assert_uint_eq(c.cap, g->cap);
	ck_assert_str_eq(c.cmdline, g->cmdline);
}
END_TEST

struct bad_case {
	const char *line;
	const char *why; /* a part of the message */
};

static const struct bad_case bad_cases[] = {
	{ "domu", "does not start with \"domU\"" },
	{ "domUx mem=1M", "does not start with \"domU\"" },
	{ "", "does not start with \"domU\"" },
	{ "domU mem=lots", "mem=lots is not a size" },
	{ "domU mem=0", "mem=0 is too small" },
	{ "domU mem=", "mem needs a value" },
	{ "domU mem", "mem needs a value" },
	{ "domU mem=99999999999999999999", "is not a size" },
	{ "domU vcpus=0", "vcpus=0 is out of range (1-32)" },
	{ "domU vcpus=33", "vcpus=33 is out of range (1-32)" },
	{ "domU vcpus=two", "vcpus=two is not a number" },
	{ "domU weight=0", "weight=0 is out of range (1-65535)" },
	{ "domU weight=65536", "out of range" },
	{ "domU cap=6401", "cap=6401 is out of range" },
	{ "domU colour=blue", "unknown option \"colour=blue\"" },
	{ "domU memory=64M", "unknown option \"memory=64M\"" },
	{ "domU name=", "name needs a value" },
	{ "domU name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1 to 31 characters" },
	{ "domU name=a\"b", "printable" },
	{ "domU -", "unknown option \"-\"" },
};

START_TEST(test_bad)
{
	const struct bad_case *b = &bad_cases[_i];
	struct domu_config c;
	char why[160] = "";

	ck_assert_int_eq(domu_parse(b->line, &c, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, b->why), "\"%s\": \"%s\" lacks \"%s\"", b->line, why, b->why);
}
END_TEST

START_TEST(test_overlong_word)
{
	char line[400] = "domU ";
	struct domu_config c;
	char why[160];

	memset(line + 5, 'x', 300);
	ck_assert_int_eq(domu_parse(line, &c, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too long"));
}
END_TEST

START_TEST(test_module_detection)
{
	ck_assert(domu_module("domU"));
	ck_assert(domu_module(" domU mem=1G"));
	ck_assert(!domu_module("domUs"));
	ck_assert(!domu_module("root=/dev/xvda domU"));
	ck_assert(!domu_module(""));
}
END_TEST

Suite *domu_args_suite(void);
Suite *domu_args_suite(void)
{
	Suite *s = suite_create("domu_args");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_good, 0, ARRAY_SIZE(good_cases));
	tcase_add_loop_test(tc, test_bad, 0, ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_overlong_word);
	tcase_add_test(tc, test_module_detection);
	suite_add_tcase(s, tc);
	return s;
}
