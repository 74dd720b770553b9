/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk: levels and the console threshold, continuation lines, console prefixes and
 * timestamps, the ring buffer and its read positions, sinks, and the re-entrancy rules.
 * Check forks per test, so each test starts from fresh static state.
 */
/* Kestrel headers first: types.h defines offsetof unguarded, <stddef.h> replaces it. */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"

/* The whole ring as currently readable from offset 0. */
static const char *ring_text(void)
{
	static char buf[PRINTK_RING_SIZE + 1];
	u64 pos = 0;
	size_t n = printk_ring_read(&pos, buf, PRINTK_RING_SIZE);

	buf[n] = '\0';
	return buf;
}

static u64 fake_ns;

static u64 fake_clock(void)
{
	return fake_ns;
}

/* A second sink, for tests that manage registration themselves. */
static char own_buf[64 * 1024];
static size_t own_len;

static void own_sink(const char *s, size_t len)
{
	ck_assert_uint_le(own_len + len, sizeof(own_buf) - 1);
	memcpy(own_buf + own_len, s, len);
	own_len += len;
	own_buf[own_len] = '\0';
}

START_TEST(test_default_level_is_info)
{
	capture_start();
	ck_assert_int_eq(printk("hello %d\n", 42), 9);
	ck_assert_str_eq(ring_text(), "<6>hello 42\n");
	ck_assert_str_eq(capture_text(), "(K) hello 42\n");
}
END_TEST

static const char *const level_msgs[] = {
	KERN_EMERG "m\n",   KERN_ALERT "m\n",  KERN_CRIT "m\n", KERN_ERR "m\n",
	KERN_WARNING "m\n", KERN_NOTICE "m\n", KERN_INFO "m\n", KERN_DEBUG "m\n",
};

START_TEST(test_level_prefixes)
{
	char want[8];

	capture_start();
	ck_assert_int_eq(printk("%s", level_msgs[_i]), 2); /* level prefix not counted */
	snprintf(want, sizeof(want), "<%d>m\n", _i);
	ck_assert_str_eq(ring_text(), want);
	ck_assert_str_eq(capture_text(), "(K) m\n");
}
END_TEST

START_TEST(test_threshold_filters_console_not_ring)
{
	capture_start();
	printk_set_console_level(LOGLEVEL_WARNING);
	printk(KERN_INFO "info\n");
	printk(KERN_WARNING "warn\n");
	printk(KERN_ERR "err\n");
	printk(KERN_DEBUG "dbg\n");
	printk("default\n");
	ck_assert_str_eq(capture_text(), "(K) warn\n(K) err\n");
	ck_assert_str_eq(ring_text(), "<6>info\n<4>warn\n<3>err\n<7>dbg\n<6>default\n");
}
END_TEST

START_TEST(test_threshold_zero_shows_emergencies)
{
	capture_start();
	printk_set_console_level(0);
	printk(KERN_ALERT "alert\n");
	printk(KERN_EMERG "emerg\n");
	ck_assert_str_eq(capture_text(), "(K) emerg\n");
}
END_TEST

START_TEST(test_console_level_clamped)
{
	capture_start();
	printk_set_console_level(-5);
	ck_assert_int_eq(printk_console_level(), 0);
	printk_set_console_level(99);
	ck_assert_int_eq(printk_console_level(), 7);
	printk_set_console_level(3);
	ck_assert_int_eq(printk_console_level(), 3);
}
END_TEST

START_TEST(test_continuation_keeps_level)
{
	capture_start();
	printk(KERN_WARNING "a");
	printk("b");
	printk("c\n");
	printk("next\n"); /* line was closed: back to the default level */
	ck_assert_str_eq(ring_text(), "<4>abc\n<6>next\n");
	ck_assert_str_eq(capture_text(), "(K) abc\n(K) next\n");
}
END_TEST

START_TEST(test_continuation_of_filtered_line_stays_filtered)
{
	capture_start();
	printk_set_console_level(LOGLEVEL_INFO);
	printk(KERN_DEBUG "x");
	printk("y\n");
	printk(KERN_ERR "shown\n");
	ck_assert_str_eq(ring_text(), "<7>xy\n<3>shown\n");
	ck_assert_str_eq(capture_text(), "(K) shown\n");
}
END_TEST

START_TEST(test_level_prefix_closes_open_line)
{
	capture_start();
	printk(KERN_ERR "a");
	printk(KERN_ERR "b\n");
	ck_assert_str_eq(ring_text(), "<3>a\n<3>b\n");
	ck_assert_str_eq(capture_text(), "(K) a\n(K) b\n");
}
END_TEST

START_TEST(test_console_partial_line_finished_by_other_line)
{
	capture_start();
	printk_set_console_level(LOGLEVEL_WARNING);
	printk(KERN_ERR "part");
	printk(KERN_DEBUG "hidden"); /* closes "part" in the ring, not shown */
	printk(" more\n");	     /* continues the hidden line */
	printk(KERN_ERR "next\n");
	ck_assert_str_eq(ring_text(), "<3>part\n<7>hidden more\n<3>next\n");
	ck_assert_str_eq(capture_text(), "(K) part\n(K) next\n");
}
END_TEST

START_TEST(test_threshold_change_mid_line)
{
	capture_start();
	printk(KERN_INFO "a");
	printk_set_console_level(LOGLEVEL_WARNING);
	printk("b\n"); /* the line's level is now filtered */
	printk(KERN_ERR "c\n");
	ck_assert_str_eq(ring_text(), "<6>ab\n<3>c\n");
	ck_assert_str_eq(capture_text(), "(K) a\n(K) c\n");
}
END_TEST

START_TEST(test_multiline_message)
{
	capture_start();
	printk(KERN_ERR "l1\nl2\n");
	printk("l3\nl4");
	printk(" end\n");
	ck_assert_str_eq(ring_text(), "<3>l1\n<3>l2\n<6>l3\n<6>l4 end\n");
	ck_assert_str_eq(capture_text(), "(K) l1\n(K) l2\n(K) l3\n(K) l4 end\n");
}
END_TEST

START_TEST(test_empty_lines)
{
	capture_start();
	printk("\n\n");
	ck_assert_str_eq(ring_text(), "<6>\n<6>\n");
	ck_assert_str_eq(capture_text(), "(K) \n(K) \n");
}
END_TEST

START_TEST(test_empty_message_logs_nothing)
{
	capture_start();
	ck_assert_int_eq(printk("%s", ""), 0);
	ck_assert_int_eq(printk(KERN_ERR ""), 0);
	ck_assert_uint_eq(printk_ring_written(), 0);
	ck_assert_str_eq(capture_text(), "");
}
END_TEST

START_TEST(test_bad_level_prefix_is_text)
{
	capture_start();
	printk(KERN_SOH "x\n");
	printk(KERN_SOH "9\n");
	ck_assert_str_eq(ring_text(), "<6>\001x\n<6>\0019\n");
}
END_TEST

START_TEST(test_level_from_argument)
{
	/* The level is taken from the formatted text, so it may come from a %s. */
	capture_start();
	printk("%s%s\n", KERN_ERR, "via arg");
	ck_assert_str_eq(ring_text(), "<3>via arg\n");
}
END_TEST

struct ts_case {
	u64 ns;
	const char *want;
};

static const struct ts_case ts_cases[] = {
	{ 0, "(K) [    0.000000] hi\n" },
	{ 999, "(K) [    0.000000] hi\n" },
	{ 1000, "(K) [    0.000001] hi\n" },
	{ 1234567891234ULL, "(K) [ 1234.567891] hi\n" },
	{ 99999999999999ULL, "(K) [99999.999999] hi\n" },
	{ 123456789000001000ULL, "(K) [123456789.000001] hi\n" },
	{ ~0ULL, "(K) [18446744073.709551] hi\n" },
};

START_TEST(test_timestamp)
{
	capture_start();
	fake_ns = ts_cases[_i].ns;
	printk_set_clock(fake_clock);
	printk("hi\n");
	ck_assert_str_eq(capture_text(), ts_cases[_i].want);
	ck_assert_str_eq(ring_text(), "<6>hi\n"); /* the ring has no timestamps */
}
END_TEST

START_TEST(test_timestamp_once_per_line)
{
	capture_start();
	printk_set_clock(fake_clock);
	fake_ns = 1000000000;
	printk("a");
	fake_ns = 2000000000;
	printk("b\nc\n");
	ck_assert_str_eq(capture_text(), "(K) [    1.000000] ab\n(K) [    2.000000] c\n");
	printk_set_clock(NULL);
	printk("d\n");
	ck_assert(capture_has("\n(K) d\n"));
}
END_TEST

START_TEST(test_reset_restores_defaults)
{
	capture_start();
	printk_set_console_level(2);
	printk_set_clock(fake_clock);
	printk(KERN_ERR "x");
	printk_reset();
	ck_assert_int_eq(printk_console_level(), LOGLEVEL_DEFAULT);
	ck_assert_uint_eq(printk_ring_written(), 0);
	printk("y\n"); /* not a continuation of "x", no timestamp */
	ck_assert_str_eq(ring_text(), "<6>y\n");
	ck_assert(capture_has("(K) y\n"));
}
END_TEST

START_TEST(test_truncated_message_ends_line)
{
	char big[1000];
	int ret;

	capture_start();
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ret = printk(KERN_ERR "%s", big);
	ck_assert_int_eq(ret, PRINTK_MSG_MAX - 3); /* buffer minus NUL minus level prefix */
	printk("next\n");
	ck_assert_uint_eq(printk_ring_written(), 3 + (PRINTK_MSG_MAX - 3) + 8);
	ck_assert(strstr(ring_text(), "aaaa\n<6>next\n") != NULL);
}
END_TEST

/* Writes count lines "<6>line NNNNNN\n" (15 bytes each). */
static void log_lines(int first, int count)
{
	for (int i = first; i < first + count; i++)
		printk("line %06d\n", i);
}

START_TEST(test_ring_read_positions)
{
	char buf[64];
	u64 pos = 0;

	capture_start();
	log_lines(0, 3);
	ck_assert_uint_eq(printk_ring_written(), 45);
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 15), 15);
	ck_assert_uint_eq(pos, 15);
	ck_assert(!memcmp(buf, "<6>line 000000\n", 15));
	ck_assert_uint_eq(printk_ring_read(&pos, buf, sizeof(buf)), 30);
	ck_assert_uint_eq(pos, 45);
	ck_assert(!memcmp(buf, "<6>line 000001\n<6>line 000002\n", 30));
	ck_assert_uint_eq(printk_ring_read(&pos, buf, sizeof(buf)), 0); /* caught up */
	ck_assert_uint_eq(pos, 45);
	pos = 1000; /* beyond the newest byte: moved back, nothing read */
	ck_assert_uint_eq(printk_ring_read(&pos, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(pos, 45);
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 0), 0);
}
END_TEST

START_TEST(test_ring_wraps_and_moves_stale_position)
{
	const int lines = 2 * PRINTK_RING_SIZE / 15 + 7;
	const u64 total = (u64)lines * 15;
	static char buf[PRINTK_RING_SIZE];
	char last[16];
	u64 pos = 100; /* a reader that fell behind */

	capture_start();
	printk_set_console_level(0); /* keep the console out of this */
	log_lines(0, lines);
	ck_assert_uint_eq(printk_ring_written(), total);

	ck_assert_uint_eq(printk_ring_read(&pos, buf, sizeof(buf)), PRINTK_RING_SIZE);
	ck_assert_uint_eq(pos, total);
	snprintf(last, sizeof(last), "<6>line %06d\n", lines - 1);
	ck_assert(!memcmp(buf + PRINTK_RING_SIZE - 15, last, 15));

	/* A stale position first moves to the oldest byte still held. */
	pos = 0;
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 10), 10);
	ck_assert_uint_eq(pos, total - PRINTK_RING_SIZE + 10);
	/* ... and one that is still valid is left alone. */
	pos = total - 15;
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 15), 15);
	ck_assert(!memcmp(buf, last, 15));
}
END_TEST

START_TEST(test_ring_overwritten_while_reading)
{
	char buf[16];
	u64 pos = 0;

	capture_start();
	printk_set_console_level(0);
	log_lines(0, 1);
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 5), 5);
	log_lines(1, PRINTK_RING_SIZE / 15 + 1); /* overwrites where pos points */
	ck_assert_uint_eq(printk_ring_read(&pos, buf, 1), 1);
	ck_assert_uint_eq(pos, printk_ring_written() - PRINTK_RING_SIZE + 1);
}
END_TEST

START_TEST(test_sink_registration_limits)
{
	capture_start(); /* one sink */
	ck_assert_int_eq(console_register_sink(NULL), -EINVAL);
	ck_assert_int_eq(console_register_sink(own_sink), 0);
	ck_assert_int_eq(console_register_sink(own_sink), 0);
	ck_assert_int_eq(console_register_sink(own_sink), 0);
	ck_assert_int_eq(console_register_sink(own_sink), -ENOSPC);
	printk("x\n");
	ck_assert_str_eq(capture_text(), "(K) x\n");
	ck_assert_str_eq(own_buf, "(K) x\n(K) x\n(K) x\n"); /* every sink gets everything */
	console_unregister_all_sinks();
	printk("y\n");
	ck_assert_str_eq(capture_text(), "(K) x\n");
	ck_assert_int_eq(console_register_sink(own_sink), 0);
}
END_TEST

START_TEST(test_early_text_replayed_to_first_sink)
{
	printk_reset();
	console_unregister_all_sinks();
	printk("early %d\n", 1);
	printk(KERN_DEBUG "filtered\n");
	printk("partial");
	ck_assert_uint_eq(own_len, 0);
	ck_assert_int_eq(console_register_sink(own_sink), 0);
	ck_assert_str_eq(own_buf, "(K) early 1\n(K) partial");
	printk(" done\n");
	ck_assert_str_eq(own_buf, "(K) early 1\n(K) partial done\n");
}
END_TEST

START_TEST(test_backlog_overflow_reports_drops)
{
	int i;

	printk_reset();
	console_unregister_all_sinks();
	/* Console lines are 16 bytes: the 16 KiB FIFO holds the first 1024 of 2000. */
	for (i = 0; i < 2000; i++)
		printk("drop %06d\n", i);
	console_register_sink(own_sink);
	ck_assert_uint_eq(own_len, 1024 * 16);
	ck_assert(strncmp(own_buf, "(K) drop 000000\n", 16) == 0);
	ck_assert(strstr(own_buf, "(K) drop 001023\n") != NULL);
	ck_assert(strstr(own_buf, "drop 001024") == NULL);
	printk("after\n");
	ck_assert_str_eq(own_buf + 1024 * 16, "(K) printk: 976 console lines dropped\n(K) after\n");
	/* The ring kept everything. */
	ck_assert(strstr(ring_text(), "<6>drop 001999\n") != NULL);
}
END_TEST

/* A sink that logs from inside its own output call, once. */
static int nested_calls;

static void nesting_sink(const char *s, size_t len)
{
	own_sink(s, len);
	if (!nested_calls++)
		printk("inner\n");
}

START_TEST(test_printk_from_sink_does_not_recurse)
{
	printk_reset();
	console_unregister_all_sinks();
	console_register_sink(nesting_sink);
	printk("outer\n");
	ck_assert_str_eq(own_buf, "(K) outer\n(K) inner\n");
	ck_assert_int_eq(nested_calls, 2); /* inner went out through the same drain loop */
	ck_assert_str_eq(ring_text(), "<6>outer\n<6>inner\n");
}
END_TEST

static int irq_depth, irq_saves, irq_bad_restores;

static unsigned long fake_irq_save(void)
{
	irq_depth++;
	irq_saves++;
	return 0x55;
}

static void fake_irq_restore(unsigned long flags)
{
	if (flags != 0x55)
		irq_bad_restores++;
	irq_depth--;
}

/* Sinks run with interrupts in the caller's state, not masked by printk. */
static int depth_seen_by_sink = -1;

static void depth_sink(const char *s, size_t len)
{
	depth_seen_by_sink = irq_depth;
}

START_TEST(test_irq_hooks_balanced)
{
	char buf[8];
	u64 pos = 0;

	capture_start();
	console_register_sink(depth_sink);
	printk_set_irq_hooks(fake_irq_save, fake_irq_restore);
	printk("a\n");
	printk_ring_read(&pos, buf, sizeof(buf));
	printk_set_console_level(3);
	ck_assert_int_gt(irq_saves, 0);
	ck_assert_int_eq(irq_depth, 0);
	ck_assert_int_eq(irq_bad_restores, 0);
	ck_assert_int_eq(depth_seen_by_sink, 0);

	/* Only a complete pair is used. */
	printk_set_irq_hooks(fake_irq_save, NULL);
	irq_saves = 0;
	printk("b\n");
	ck_assert_int_eq(irq_saves, 0);
}
END_TEST

struct level_case {
	const char *s;
	int want;
};

static const struct level_case level_cases[] = {
	{ "0", 0 },	      { "3", 3 },
	{ "7", 7 },	      { "emerg", 0 },
	{ "alert", 1 },	      { "crit", 2 },
	{ "err", 3 },	      { "warning", 4 },
	{ "notice", 5 },      { "info", 6 },
	{ "debug", 7 },	      { "all", 7 },
	{ "none", -1 },	      { "", -EINVAL },
	{ "8", -EINVAL },     { "-1", -EINVAL },
	{ "07", -EINVAL },    { "3 ", -EINVAL },
	{ "info ", -EINVAL }, { "INFO", -EINVAL },
	{ "warn", -EINVAL },  { "debugx", -EINVAL },
	{ NULL, -EINVAL },
};

START_TEST(test_parse_level)
{
	const struct level_case *c = &level_cases[_i];

	ck_assert_msg(printk_parse_level(c->s) == c->want, "\"%s\": got %d, want %d",
		      c->s ? c->s : "(NULL)", printk_parse_level(c->s), c->want);
}
END_TEST

Suite *printk_suite(void)
{
	Suite *s = suite_create("printk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_default_level_is_info);
	tcase_add_loop_test(tc, test_level_prefixes, 0, ARRAY_SIZE(level_msgs));
	tcase_add_test(tc, test_threshold_filters_console_not_ring);
	tcase_add_test(tc, test_threshold_zero_shows_emergencies);
	tcase_add_test(tc, test_console_level_clamped);
	tcase_add_test(tc, test_continuation_keeps_level);
	tcase_add_test(tc, test_continuation_of_filtered_line_stays_filtered);
	tcase_add_test(tc, test_level_prefix_closes_open_line);
	tcase_add_test(tc, test_console_partial_line_finished_by_other_line);
	tcase_add_test(tc, test_threshold_change_mid_line);
	tcase_add_test(tc, test_multiline_message);
	tcase_add_test(tc, test_empty_lines);
	tcase_add_test(tc, test_empty_message_logs_nothing);
	tcase_add_test(tc, test_bad_level_prefix_is_text);
	tcase_add_test(tc, test_level_from_argument);
	tcase_add_loop_test(tc, test_timestamp, 0, ARRAY_SIZE(ts_cases));
	tcase_add_test(tc, test_timestamp_once_per_line);
	tcase_add_test(tc, test_reset_restores_defaults);
	tcase_add_test(tc, test_truncated_message_ends_line);
	tcase_add_test(tc, test_ring_read_positions);
	tcase_add_test(tc, test_ring_wraps_and_moves_stale_position);
	tcase_add_test(tc, test_ring_overwritten_while_reading);
	tcase_add_test(tc, test_sink_registration_limits);
	tcase_add_test(tc, test_early_text_replayed_to_first_sink);
	tcase_add_test(tc, test_backlog_overflow_reports_drops);
	tcase_add_test(tc, test_printk_from_sink_does_not_recurse);
	tcase_add_test(tc, test_irq_hooks_balanced);
	tcase_add_loop_test(tc, test_parse_level, 0, ARRAY_SIZE(level_cases));
	suite_add_tcase(s, tc);
	return s;
}
