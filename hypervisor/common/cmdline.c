/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing (syntax in kestrel/cmdline.h). The command line comes from the boot
 * loader, so it is treated as untrusted text: every token is bounds-checked while it is
 * copied out, a bad token produces exactly one warning and is skipped, and a variable is
 * only written once its new value is known to be valid.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/cmdline.h>

#define CMDLINE_NAME_MAX  64
#define CMDLINE_VALUE_MAX 1024
/* Values quoted back in warnings are cut here to keep each warning on one short line. */
#define VAL_FMT "%.80s"

struct token {
	char name[CMDLINE_NAME_MAX];
	char value[CMDLINE_VALUE_MAX];
	bool has_value; /* an '=' was present */
	bool name_too_long;
	bool value_too_long;
	bool open_quote; /* the command line ended inside quotes */
};

/* Parsing runs once, early and single-threaded; keep the big token off the stack. */
static struct token tok;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends c to buf (size bytes, kept NUL-terminated); returns false when it does not fit. */
static bool append(char *buf, size_t size, size_t *len, char c)
{
	if (*len + 1 >= size)
		return false;
	buf[(*len)++] = c;
	buf[*len] = '\0';
	return true;
}

/*
 * Copies the token starting at p into t, splitting it at the first '=' and dropping the
 * double quotes (they only group text containing spaces). Overlong parts are noted, not
 * stored. Returns the position after the token.
 */
static const char *read_token(const char *p, struct token *t)
{
	size_t nlen = 0, vlen = 0;
	bool quoted = false;

	*t = (struct token){ 0 };
	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!t->has_value && *p == '=')
			t->has_value = true;
		else if (!t->has_value && !append(t->name, sizeof(t->name), &nlen, *p))
			t->name_too_long = true;
		else if (t->has_value && !append(t->value, sizeof(t->value), &vlen, *p))
			t->value_too_long = true;
	}
	t->open_quote = quoted;
	return p;
}

/* Option names match with '-' and '_' treated as the same character. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	}
	return *a == *b;
}

static const struct kernel_param *find_param(const char *name, const struct kernel_param *params,
					     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (params[i].name && name_eq(name, params[i].name))
			return &params[i];
	}
	return NULL;
}

static int bad_value(const char *name, const char *val)
{
	printk(KERN_WARNING "cmdline: bad value \"" VAL_FMT "\" for option \"%s\"\n", val, name);
	return 1;
}

static int needs_value(const char *name)
{
	printk(KERN_WARNING "cmdline: option \"%s\" needs a value\n", name);
	return 1;
}

static int set_bool(const struct kernel_param *p, const char *val)
{
	bool b = true;

	if (val && parse_bool(val, &b))
		return bad_value(p->name, val);
	*(bool *)p->var = b;
	return 0;
}

/* PARAM_UINT and PARAM_SIZE: parse, check the optional [min, max] range, then store. */
static int set_number(const struct kernel_param *p, const char *val)
{
	u64 v;
	int err;

	if (!val || !*val)
		return needs_value(p->name);
	err = p->type == PARAM_SIZE ? parse_size(val, &v) : parse_uint(val, &v);
	if (err)
		return bad_value(p->name, val);
	if (p->max && (v < p->min || v > p->max)) {
		printk(KERN_WARNING "cmdline: value \"" VAL_FMT "\" for option \"%s\" out of range "
				    "[%llu, %llu]\n",
		       val, p->name, (unsigned long long)p->min, (unsigned long long)p->max);
		return 1;
	}
	*(u64 *)p->var = v;
	return 0;
}

static int set_string(const struct kernel_param *p, const char *val)
{
	size_t len;

	if (!val)
		return needs_value(p->name);
	len = strlen(val);
	if (len >= p->len) {
		printk(KERN_WARNING "cmdline: value \"" VAL_FMT "\" for option \"%s\" too long "
				    "(max %zu chars)\n",
		       val, p->name, p->len ? p->len - 1 : 0);
		return 1;
	}
	memcpy(p->var, val, len + 1);
	return 0;
}

static int set_custom(const struct kernel_param *p, const char *val)
{
	if (!p->custom) {
		printk(KERN_WARNING "cmdline: option \"%s\" has no handler\n", p->name);
		return 1;
	}
	if (!p->custom(val))
		return 0;
	return val ? bad_value(p->name, val) : needs_value(p->name);
}

/* Stores val (NULL when there was no '=') into p's variable; returns the problem count. */
static int apply(const struct kernel_param *p, const char *val)
{
	switch (p->type) {
	case PARAM_BOOL:
		return set_bool(p, val);
	case PARAM_UINT:
	case PARAM_SIZE:
		return set_number(p, val);
	case PARAM_STRING:
		return set_string(p, val);
	case PARAM_CUSTOM:
		return set_custom(p, val);
	}
	printk(KERN_WARNING "cmdline: option \"%s\" has unknown type %d\n", p->name, p->type);
	return 1;
}

/* "no-name" / "no_name": switch a boolean off. */
static int apply_negated(const struct kernel_param *p, const struct token *t)
{
	if (p->type != PARAM_BOOL) {
		printk(KERN_WARNING "cmdline: option \"%s\" is not boolean, \"%s\" is invalid\n",
		       p->name, t->name);
		return 1;
	}
	if (t->has_value)
		return bad_value(t->name, t->value);
	*(bool *)p->var = false;
	return 0;
}

/* Reports tokens that could not even be read properly; returns the problem count. */
static int check_token(const struct token *t)
{
	if (t->name_too_long) {
		printk(KERN_WARNING "cmdline: option name \"%.32s...\" too long\n", t->name);
		return 1;
	}
	if (t->open_quote) {
		printk(KERN_WARNING "cmdline: unterminated quote in value for option \"%s\"\n",
		       t->name);
		return 1;
	}
	if (!t->name[0]) {
		printk(KERN_WARNING "cmdline: missing option name before \"=" VAL_FMT "\"\n",
		       t->value);
		return 1;
	}
	if (t->value_too_long) {
		printk(KERN_WARNING "cmdline: value for option \"%s\" too long (max %d chars)\n",
		       t->name, CMDLINE_VALUE_MAX - 1);
		return 1;
	}
	return 0;
}

static int handle_token(const struct token *t, const struct kernel_param *params, size_t n)
{
	const struct kernel_param *p;

	if (check_token(t))
		return 1;
	p = find_param(t->name, params, n);
	if (p)
		return apply(p, t->has_value ? t->value : NULL);
	if (!strncmp(t->name, "no", 2) && (t->name[2] == '-' || t->name[2] == '_')) {
		p = find_param(t->name + 3, params, n);
		if (p)
			return apply_negated(p, t);
	}
	printk(KERN_WARNING "cmdline: unknown option \"%s\"\n", t->name);
	return 1;
}

/*
 * cmdline_parse - apply a command line to a table of parameters.
 * @cmdline: the text, may be NULL (nothing to do)
 * @params, @n: the parameters that may appear
 * Returns the number of problems reported with printk; 0 means the line was clean.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *params, size_t n)
{
	const char *p = cmdline;
	int problems = 0;

	if (!p)
		return 0;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return problems;
		p = read_token(p, &tok);
		problems += handle_token(&tok, params, n);
	}
}

static bool str_eq_any(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, list[i]))
			return true;
	}
	return false;
}

/*
 * parse_bool - 1/yes/on/true/enable or 0/no/off/false/disable (lower case).
 * Returns 0 with *out set, or -EINVAL with *out unchanged.
 */
int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false", "disable" };

	if (!s)
		return -EINVAL;
	if (str_eq_any(s, yes, ARRAY_SIZE(yes)))
		*out = true;
	else if (str_eq_any(s, no, ARRAY_SIZE(no)))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * Reads a decimal or 0x-prefixed hex number at s. Returns the position after its digits,
 * or NULL when there are no digits or the value does not fit in 64 bits.
 */
static const char *scan_uint(const char *s, u64 *out)
{
	const u64 max = ~0ULL;
	unsigned int base = 10;
	const char *start;
	u64 v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s; (d = digit_value(*s)) < (int)base; s++) {
		if (v > (max - d) / base)
			return NULL;
		v = v * base + d;
	}
	if (s == start)
		return NULL;
	*out = v;
	return s;
}

/*
 * parse_uint - decimal, or hex with a 0x prefix; no sign, no trailing characters.
 * Returns 0 with *out set, or -EINVAL (also on overflow) with *out unchanged.
 */
int parse_uint(const char *s, u64 *out)
{
	const char *end;
	u64 v;

	if (!s)
		return -EINVAL;
	end = scan_uint(s, &v);
	if (!end || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Bits to shift for a size suffix, or -1 if c is not one. */
static int size_shift(char c)
{
	switch (c) {
	case 'b':
	case 'B':
		return 0;
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	case 't':
	case 'T':
		return 40;
	default:
		return -1;
	}
}

/*
 * parse_size - a parse_uint() number with an optional suffix B K M G T (either case,
 * powers of 1024). In hex, b is a digit, not the byte suffix.
 * Returns 0 with *out set in bytes, or -EINVAL (also on overflow) with *out unchanged.
 */
int parse_size(const char *s, u64 *out)
{
	const char *end;
	int shift = 0;
	u64 v;

	if (!s)
		return -EINVAL;
	end = scan_uint(s, &v);
	if (!end)
		return -EINVAL;
	if (*end) {
		shift = size_shift(*end);
		if (shift < 0 || end[1])
			return -EINVAL;
	}
	if (v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}
