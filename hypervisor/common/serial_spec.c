/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for the com1= / com2= UART specification (format in kestrel/serial.h). The result
 * is assembled in a copy and stored only when every field and the combination are valid,
 * so a typo never leaves the console half-configured.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/cmdline.h>
#include <kestrel/serial.h>

#define BAUD_MIN 50
#define BAUD_MAX 4000000
#define IRQ_MAX	 15
/* The UART decodes eight consecutive ports from its base. */
#define IO_BASE_MAX 0xfff8
#define DIVISOR_MAX 0xffff
/* Longest field we accept, e.g. "4000000/4294967295". */
#define FIELD_MAX 32

/* Parses a whole string as a number in [lo, hi]; returns 0 or -EINVAL. */
static int parse_range(const char *s, u64 lo, u64 hi, u64 *out)
{
	u64 v;

	if (parse_uint(s, &v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_baud(const char *s, struct serial_cfg *c)
{
	u64 v;

	if (!strcmp(s, "auto")) {
		c->baud = 0;
		return 0;
	}
	if (parse_range(s, BAUD_MIN, BAUD_MAX, &v))
		return -EINVAL;
	c->baud = v;
	return 0;
}

/* "<baud>[/<clock>]"; an empty baud keeps the default, an empty clock is an error. */
static int parse_baud_clock(char *f, struct serial_cfg *c)
{
	char *slash = strchr(f, '/');
	u64 clk;

	if (slash) {
		*slash = '\0';
		if (parse_range(slash + 1, 1, 0xffffffffULL, &clk))
			return -EINVAL;
		c->clock_hz = clk;
	}
	if (*f && parse_baud(f, c))
		return -EINVAL;
	return 0;
}

/* "<data><parity><stop>", e.g. 8n1. Upper-case parity letters are accepted too. */
static int parse_dps(char *f, struct serial_cfg *c)
{
	char parity;

	if (strlen(f) != 3)
		return -EINVAL;
	parity = f[1] >= 'A' && f[1] <= 'Z' ? f[1] - 'A' + 'a' : f[1];
	if (f[0] < '5' || f[0] > '8' || !strchr("noems", parity) || (f[2] != '1' && f[2] != '2'))
		return -EINVAL;
	c->data_bits = f[0] - '0';
	c->parity = parity;
	c->stop_bits = f[2] - '0';
	return 0;
}

static int parse_io_base(char *f, struct serial_cfg *c)
{
	u64 v;

	if (parse_range(f, 1, IO_BASE_MAX, &v))
		return -EINVAL;
	c->io_base = v;
	return 0;
}

static int parse_irq(char *f, struct serial_cfg *c)
{
	u64 v;

	if (parse_range(f, 0, IRQ_MAX, &v))
		return -EINVAL;
	c->irq = v;
	return 0;
}

/* A fixed baud rate must be reachable: divisor clock / (16 * baud) in 1..0xffff. */
static bool baud_reachable(const struct serial_cfg *c)
{
	u64 divisor;

	if (!c->baud)
		return true;
	divisor = c->clock_hz / (16ULL * c->baud);
	return divisor >= 1 && divisor <= DIVISOR_MAX;
}

/*
 * serial_parse_spec - parse "<baud>[/<clock>][,<dps>[,<io-base>[,<irq>]]]" into *cfg.
 * Empty or omitted fields keep the values already in *cfg.
 * Returns 0, or -EINVAL with *cfg unchanged.
 */
int serial_parse_spec(const char *s, struct serial_cfg *cfg)
{
	static int (*const field_parsers[])(char *f, struct serial_cfg *c) = {
		parse_baud_clock,
		parse_dps,
		parse_io_base,
		parse_irq,
	};
	struct serial_cfg c;
	char field[FIELD_MAX];
	size_t i, len;

	if (!s || !cfg || !*s)
		return -EINVAL;
	c = *cfg;
	for (i = 0;; i++) {
		const char *comma = strchr(s, ',');

		len = comma ? (size_t)(comma - s) : strlen(s);
		if (i >= ARRAY_SIZE(field_parsers) || len >= sizeof(field))
			return -EINVAL;
		memcpy(field, s, len);
		field[len] = '\0';
		if (len && field_parsers[i](field, &c))
			return -EINVAL;
		if (!comma)
			break;
		s = comma + 1;
	}
	if (!baud_reachable(&c))
		return -EINVAL;
	*cfg = c;
	return 0;
}
