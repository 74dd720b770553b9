/* SPDX-License-Identifier: GPL-2.0 */
/*
 * serial_parse_spec: valid specifications fill in exactly the given fields; invalid ones
 * return -EINVAL and leave the configuration untouched.
 */
/* Kestrel headers first: types.h defines offsetof unguarded, <stddef.h> replaces it. */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/serial.h>
#include <check.h>
#include <string.h>

static const struct serial_cfg defaults = {
	.baud = 9600,
	.clock_hz = 1843200,
	.data_bits = 8,
	.parity = 'n',
	.stop_bits = 1,
	.io_base = 0x3f8,
	.irq = 4,
};

/* Field by field: struct assignment need not copy padding, so memcmp could lie. */
static bool cfg_eq(const struct serial_cfg *a, const struct serial_cfg *b)
{
	return a->baud == b->baud && a->clock_hz == b->clock_hz && a->data_bits == b->data_bits &&
	       a->parity == b->parity && a->stop_bits == b->stop_bits && a->io_base == b->io_base &&
	       a->irq == b->irq;
}

struct good_case {
	const char *spec;
	struct serial_cfg want;
};

#define CFG(b, clk, d, p, s, io, i)                                                                \
	{                                                                                          \
		.baud = b, .clock_hz = clk, .data_bits = d, .parity = p, .stop_bits = s,           \
		.io_base = io, .irq = i                                                            \
	}

static const struct good_case good_cases[] = {
	{ "115200", CFG(115200, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "115200,8n1", CFG(115200, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "auto", CFG(0, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "9600,7e2,0x2f8,3", CFG(9600, 1843200, 7, 'e', 2, 0x2f8, 3) },
	{ "57600/3686400", CFG(57600, 3686400, 8, 'n', 1, 0x3f8, 4) },
	{ "auto/7372800,8N1", CFG(0, 7372800, 8, 'n', 1, 0x3f8, 4) },
	{ "115200,,0x2e8", CFG(115200, 1843200, 8, 'n', 1, 0x2e8, 4) },
	{ ",5o2", CFG(9600, 1843200, 5, 'o', 2, 0x3f8, 4) },
	{ "/3686400", CFG(9600, 3686400, 8, 'n', 1, 0x3f8, 4) },
	{ "50", CFG(50, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "4000000/64000000", CFG(4000000, 64000000, 8, 'n', 1, 0x3f8, 4) },
	{ "9600,8m1,760,15", CFG(9600, 1843200, 8, 'm', 1, 0x2f8, 15) },
	{ "9600,6S1,0x3f8,0", CFG(9600, 1843200, 6, 's', 1, 0x3f8, 0) },
	{ "115200,8n1,", CFG(115200, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "115200,8n1,0x3e8,", CFG(115200, 1843200, 8, 'n', 1, 0x3e8, 4) },
	{ ",,,5", CFG(9600, 1843200, 8, 'n', 1, 0x3f8, 5) },
	{ "0x2580", CFG(9600, 1843200, 8, 'n', 1, 0x3f8, 4) },
	{ "115200,8n1,0xfff8", CFG(115200, 1843200, 8, 'n', 1, 0xfff8, 4) },
	{ "115200,8n1,0x3F8,004", CFG(115200, 1843200, 8, 'n', 1, 0x3f8, 4) },
};

START_TEST(test_valid_specs)
{
	const struct good_case *c = &good_cases[_i];
	struct serial_cfg cfg = defaults;

	ck_assert_msg(serial_parse_spec(c->spec, &cfg) == 0, "\"%s\" rejected", c->spec);
	ck_assert_uint_eq(cfg.baud, c->want.baud);
	ck_assert_uint_eq(cfg.clock_hz, c->want.clock_hz);
	ck_assert_uint_eq(cfg.data_bits, c->want.data_bits);
	ck_assert_int_eq(cfg.parity, c->want.parity);
	ck_assert_uint_eq(cfg.stop_bits, c->want.stop_bits);
	ck_assert_uint_eq(cfg.io_base, c->want.io_base);
	ck_assert_uint_eq(cfg.irq, c->want.irq);
}
END_TEST

static const char *const bad_specs[] = {
	"",
	"49",		 /* below the minimum baud */
	"4000001",	 /* above the maximum */
	"4000000",	 /* unreachable with the 1.8432 MHz clock */
	"50/4000000000", /* divisor above 0xffff */
	"abc",
	"auto2",
	"AUTO",
	"115200x",
	"-9600",
	" 9600",
	"9600 ",
	"99999999999999999999999",
	"115200/",
	"115200/0",
	"115200/4294967296",
	"115200/1843200/2",
	"115200,9n1",
	"115200,4n1",
	"115200,8x1",
	"115200,8n3",
	"115200,8n0",
	"115200,8n",
	"115200,8n11",
	"115200,n81",
	"115200,8n1,0",
	"115200,8n1,0x10000",
	"115200,8n1,0xfff9",
	"115200,8n1,0x",
	"115200,8n1,3f8",
	"115200,8n1,0x3f8,16",
	"115200,8n1,0x3f8,-1",
	"115200,8n1,0x3f8,4,extra",
	"115200,8n1,0x3f8,4,",
	"115200,8n1,0x00000000000000000000000000000003f8",
};

START_TEST(test_invalid_specs)
{
	struct serial_cfg cfg = defaults;

	ck_assert_msg(serial_parse_spec(bad_specs[_i], &cfg) == -EINVAL, "\"%s\" accepted",
		      bad_specs[_i]);
	ck_assert_msg(cfg_eq(&cfg, &defaults), "\"%s\" changed the config", bad_specs[_i]);
}
END_TEST

START_TEST(test_null_arguments)
{
	struct serial_cfg cfg = defaults;

	ck_assert_int_eq(serial_parse_spec(NULL, &cfg), -EINVAL);
	ck_assert(cfg_eq(&cfg, &defaults));
	ck_assert_int_eq(serial_parse_spec("9600", NULL), -EINVAL);
}
END_TEST

START_TEST(test_partial_failure_changes_nothing)
{
	struct serial_cfg cfg = defaults;

	/* The baud field is fine, the irq is not: nothing may be applied. */
	ck_assert_int_eq(serial_parse_spec("115200,7e2,0x2f8,99", &cfg), -EINVAL);
	ck_assert(cfg_eq(&cfg, &defaults));
}
END_TEST

START_TEST(test_overlong_field)
{
	char spec[300];
	struct serial_cfg cfg = defaults;

	memset(spec, '1', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	ck_assert_int_eq(serial_parse_spec(spec, &cfg), -EINVAL);
	ck_assert(cfg_eq(&cfg, &defaults));
}
END_TEST

Suite *serial_spec_suite(void)
{
	Suite *s = suite_create("serial_spec");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_valid_specs, 0, ARRAY_SIZE(good_cases));
	tcase_add_loop_test(tc, test_invalid_specs, 0, ARRAY_SIZE(bad_specs));
	tcase_add_test(tc, test_null_arguments);
	tcase_add_test(tc, test_partial_failure_changes_nothing);
	tcase_add_test(tc, test_overlong_field);
	suite_add_tcase(s, tc);
	return s;
}
