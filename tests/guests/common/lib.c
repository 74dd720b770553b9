/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding string functions and a small vsnprintf for the guest test
 * kernels. printk() writes through console_io(CONSOLEIO_write).
 */
#include "test.h"

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, unsigned long long v, unsigned int base, bool neg,
		    int width, bool zero, bool left, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0) + (int)strlen(prefix);
	pad = width > len ? width - len : 0;
	if (!left && !zero)
		while (pad-- > 0)
			out_char(o, ' ');
	if (neg)
		out_char(o, '-');
	while (*prefix)
		out_char(o, *prefix++);
	if (!left && zero)
		while (pad-- > 0)
			out_char(o, '0');
	while (n)
		out_char(o, tmp[--n]);
	if (left)
		while (pad-- > 0)
			out_char(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, alt = false;
		int width = 0, prec = -1, lng = 0;
		unsigned long long v;
		const char *s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long sv = lng ? va_arg(ap, long long) : va_arg(ap, int);

			out_num(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv, 10,
				sv < 0, width, zero, left, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			out_num(&o, v, *fmt == 'u' ? 10 : 16, false, width, zero, left, *fmt == 'X',
				alt && *fmt != 'u' ? "0x" : "");
			break;
		case 'p':
			v = (unsigned long)va_arg(ap, void *);
			out_num(&o, v, 16, false, width, zero, left, false, "0x");
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			int n;

			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
			if (!left)
				while (width-- > n)
					out_char(&o, ' ');
			for (int i = 0; i < n; i++)
				out_char(&o, s[i]);
			if (left)
				while (width-- > n)
					out_char(&o, ' ');
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
}

/* ------------------------------------------------------------------ pvclock */

uint64_t pvclock_tsc_to_ns(const vcpu_time_info_t *t, uint64_t tsc)
{
	uint64_t base, stamp, delta;
	uint32_t ver, mul;
	int8_t shift;

	do {
		ver = READ_ONCE(t->version);
		barrier();
		base = t->system_time;
		stamp = t->tsc_timestamp;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		barrier();
	} while ((ver & 1) || ver != READ_ONCE(t->version));
	delta = tsc > stamp ? tsc - stamp : 0; /* a record newer than tsc: its start */
	delta = shift < 0 ? delta >> -shift : delta << shift;
	return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t guest_now_ns(void)
{
	return pvclock_tsc_to_ns(&vcpu0->time, rdtsc());
}
