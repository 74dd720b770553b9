/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatted output into a bounded buffer: the subset of C's vsnprintf documented in
 * kestrel/lib.h. No floating point, no %n (writing through a format argument is an attack
 * surface we do not need).
 */
#include <kestrel/types.h>
#include <kestrel/lib.h>

#define FL_LEFT	 0x01 /* '-': pad on the right */
#define FL_ZERO	 0x02 /* '0': pad numbers with zeros */
#define FL_PLUS	 0x04 /* '+': always print a sign */
#define FL_SPACE 0x08 /* ' ': space where a '+' would go */
#define FL_ALT	 0x10 /* '#': 0x prefix / leading octal zero */

/*
 * Widths and precisions are clamped so a hostile or mistaken "%999999999d" cannot make us
 * spin for seconds producing padding nobody will see.
 */
#define FIELD_MAX 4096

enum len_mod { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF };

struct spec {
	unsigned int flags;
	int width;     /* 0 = none */
	int precision; /* -1 = none */
	enum len_mod len;
	char conv;
};

/* Output cursor: counts every character, stores those that fit (leaving room for NUL). */
struct out {
	char *buf;
	size_t size;
	size_t pos;
};

static void put_char(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put_char(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put_char(o, *s++);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int clamp_field(long v)
{
	return v > FIELD_MAX ? FIELD_MAX : (int)v;
}

/* Reads a run of decimal digits at *fmt, saturating at FIELD_MAX. */
static int parse_decimal(const char **fmt)
{
	long v = 0;

	while (is_digit(**fmt)) {
		if (v <= FIELD_MAX)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return clamp_field(v);
}

static const char *parse_flags(const char *fmt, struct spec *sp)
{
	for (;; fmt++) {
		switch (*fmt) {
		case '-':
			sp->flags |= FL_LEFT;
			break;
		case '0':
			sp->flags |= FL_ZERO;
			break;
		case '+':
			sp->flags |= FL_PLUS;
			break;
		case ' ':
			sp->flags |= FL_SPACE;
			break;
		case '#':
			sp->flags |= FL_ALT;
			break;
		default:
			return fmt;
		}
	}
}

/* Width and precision; '*' takes an int argument, as in C (negative width means '-'). */
static const char *parse_width_prec(const char *fmt, struct spec *sp, va_list *ap)
{
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		fmt++;
		if (w < 0) {
			/* Clamp before negating: -INT_MIN overflows. */
			sp->flags |= FL_LEFT;
			w = w < -FIELD_MAX ? FIELD_MAX : -w;
		}
		sp->width = clamp_field(w);
	} else {
		sp->width = parse_decimal(&fmt);
	}
	if (*fmt != '.')
		return fmt;
	fmt++;
	if (*fmt == '*') {
		int p = va_arg(*ap, int);

		fmt++;
		sp->precision = p < 0 ? -1 : clamp_field(p);
	} else {
		sp->precision = parse_decimal(&fmt);
	}
	return fmt;
}

static const char *parse_length(const char *fmt, struct spec *sp)
{
	switch (*fmt) {
	case 'h':
		if (fmt[1] == 'h') {
			sp->len = LEN_CHAR;
			return fmt + 2;
		}
		sp->len = LEN_SHORT;
		return fmt + 1;
	case 'l':
		if (fmt[1] == 'l') {
			sp->len = LEN_LLONG;
			return fmt + 2;
		}
		sp->len = LEN_LONG;
		return fmt + 1;
	case 'z':
		sp->len = LEN_SIZE;
		return fmt + 1;
	case 't':
		sp->len = LEN_PTRDIFF;
		return fmt + 1;
	default:
		sp->len = LEN_INT;
		return fmt;
	}
}

/* Fetches a signed argument of the size the length modifier names, widened to s64. */
static s64 fetch_signed(enum len_mod len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(enum len_mod len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Writes v in the given base into the end of tmp; returns the number of digits. */
static int to_digits(u64 v, unsigned int base, bool upper, char *tmp, int tmp_len)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[tmp_len - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

/*
 * Emits one number: [padding][sign][0x][zeros][digits][padding]. C's rules: an explicit
 * precision is the minimum digit count and disables '0'; value 0 with precision 0 prints
 * no digits; '#o' forces a leading zero, '#x' prefixes 0x only for non-zero values.
 */
static void emit_number(struct out *o, const struct spec *sp, u64 v, bool neg, unsigned int base)
{
	char tmp[24]; /* 22 octal digits cover 64 bits */
	const char *prefix = "";
	char sign = 0;
	int ndig, zeros, pad, prec = sp->precision;

	ndig = to_digits(v, base, sp->conv == 'X', tmp, sizeof(tmp));
	if (v == 0 && prec == 0)
		ndig = 0;
	if (neg)
		sign = '-';
	else if (sp->conv != 'd' && sp->conv != 'i')
		sign = 0; /* '+' and ' ' only apply to signed conversions */
	else if (sp->flags & FL_PLUS)
		sign = '+';
	else if (sp->flags & FL_SPACE)
		sign = ' ';
	if ((sp->flags & FL_ALT) && base == 16 && v)
		prefix = sp->conv == 'X' ? "0X" : "0x";
	/* Non-zero values never start with a 0 digit; a printed 0 is its own leading zero. */
	if ((sp->flags & FL_ALT) && base == 8 && prec <= ndig)
		prec = v ? ndig + 1 : 1;

	zeros = prec > ndig ? prec - ndig : 0;
	pad = sp->width - (!!sign + (int)strlen(prefix) + zeros + ndig);
	if ((sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO && sp->precision < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & FL_LEFT))
		put_repeat(o, ' ', pad);
	if (sign)
		put_char(o, sign);
	put_str(o, prefix, strlen(prefix));
	put_repeat(o, '0', zeros);
	put_str(o, tmp + sizeof(tmp) - ndig, ndig);
	if (sp->flags & FL_LEFT)
		put_repeat(o, ' ', pad);
}

/* Emits s (at most n chars) padded to the field width. */
static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	int pad = sp->width > (long)n ? sp->width - (int)n : 0;

	if (!(sp->flags & FL_LEFT))
		put_repeat(o, ' ', pad);
	put_str(o, s, n);
	if (sp->flags & FL_LEFT)
		put_repeat(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	/* strnlen: with a precision the argument need not be NUL-terminated. */
	n = sp->precision >= 0 ? strnlen(s, sp->precision) : strlen(s);
	emit_padded(o, sp, s, n);
}

/* "0x" and 16 hex digits whatever the pointer width, padded to the field width. */
static void emit_pointer(struct out *o, const struct spec *sp, const void *p)
{
	const char *digits = "0123456789abcdef";
	u64 v = (uintptr_t)p;
	char tmp[18];
	int i;

	tmp[0] = '0';
	tmp[1] = 'x';
	for (i = sizeof(tmp) - 1; i >= 2; i--, v >>= 4)
		tmp[i] = digits[v & 15];
	emit_padded(o, sp, tmp, sizeof(tmp));
}

/* Handles one conversion; returns false for an unknown conversion character. */
static bool emit_conversion(struct out *o, struct spec *sp, va_list *ap)
{
	s64 sv;
	char c;

	switch (sp->conv) {
	case '%':
		put_char(o, '%');
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, sp, &c, 1);
		return true;
	case 's':
		emit_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		emit_pointer(o, sp, va_arg(*ap, const void *));
		return true;
	case 'd':
	case 'i':
		sv = fetch_signed(sp->len, ap);
		/* Negate in unsigned arithmetic so LLONG_MIN survives. */
		emit_number(o, sp, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10);
		return true;
	case 'u':
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 10);
		return true;
	case 'x':
	case 'X':
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 16);
		return true;
	case 'o':
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 8);
		return true;
	default:
		return false;
	}
}

/*
 * Parses and emits the conversion starting just after a '%'. Returns where the format
 * continues. Unknown conversions are copied to the output literally so mistakes show.
 */
static const char *do_conversion(struct out *o, const char *fmt, va_list *ap)
{
	struct spec sp = { .precision = -1 };
	const char *start = fmt;

	fmt = parse_flags(fmt, &sp);
	fmt = parse_width_prec(fmt, &sp, ap);
	fmt = parse_length(fmt, &sp);
	sp.conv = *fmt;
	if (sp.conv && emit_conversion(o, &sp, ap))
		return fmt + 1;
	put_char(o, '%');
	return start;
}

/*
 * kvsnprintf - format into buf (see lib.h for the supported subset).
 * @buf: destination, may be NULL when size is 0
 * @size: size of buf in bytes
 * Returns the length the complete output would have, excluding the NUL.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };
	va_list aq;

	/* A copy, so helpers can take it by pointer (va_list may be an array type). */
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put_char(&o, *fmt++);
			continue;
		}
		fmt = do_conversion(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > 0x7fffffff ? 0x7fffffff : (int)o.pos;
}

/* ksnprintf - kvsnprintf() with variable arguments; same return value. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * kscnprintf - like ksnprintf() but returns the number of characters actually stored in
 * buf (excluding the NUL), which is what callers appending piecewise want.
 */
int kscnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (!size)
		return 0;
	return (size_t)ret < size ? ret : (int)(size - 1);
}
