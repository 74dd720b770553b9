/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550 UART console. console= chooses the ports that carry the log (com1, com2, none;
 * comma-separated), com1= and com2= their settings (common/serial_spec.c parses them).
 * Output is polled: the hypervisor never waits for an interrupt from the UART.
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/serial.h>
#include <asm/x86.h>
#include "arch-x86.h"

#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define TX_SPIN_LIMIT 100000

struct uart {
	struct serial_cfg cfg;
	bool enabled; /* chosen by console= */
	bool present; /* answered the scratch-register probe */
};

/* Written only during boot, before other CPUs run. */
static struct uart uarts[2] = {
	{ .cfg = { 115200, 1843200, 8, 'n', 1, 0x3f8, 4 }, .enabled = true },
	{ .cfg = { 115200, 1843200, 8, 'n', 1, 0x2f8, 3 } },
};

static int parse_console(const char *val)
{
	bool want[2] = { false, false };
	const char *p = val;

	if (!val || !*val)
		return -EINVAL;
	while (*p) {
		if (!strncmp(p, "com1", 4))
			want[0] = true;
		else if (!strncmp(p, "com2", 4))
			want[1] = true;
		else if (strncmp(p, "none", 4))
			return -EINVAL;
		p += 4;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	uarts[0].enabled = want[0];
	uarts[1].enabled = want[1];
	return 0;
}
custom_param("console", parse_console);

static int parse_com1(const char *val)
{
	return val ? serial_parse_spec(val, &uarts[0].cfg) : -EINVAL;
}
custom_param("com1", parse_com1);

static int parse_com2(const char *val)
{
	return val ? serial_parse_spec(val, &uarts[1].cfg) : -EINVAL;
}
custom_param("com2", parse_com2);

static bool uart_probe(u16 base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_SCR, 0xa5);
	return inb(base + UART_SCR) == 0xa5;
}

static u8 lcr_bits(const struct serial_cfg *c)
{
	static const char parities[] = "noems";
	static const u8 parity_bits[] = { 0x00, 0x08, 0x18, 0x28, 0x38 };
	u8 lcr = (u8)(c->data_bits - 5) & 3;

	if (c->stop_bits == 2)
		lcr |= 0x04;
	for (unsigned int i = 0; i < 5; i++)
		if (parities[i] == c->parity)
			lcr |= parity_bits[i];
	return lcr;
}

static void uart_setup(struct uart *u)
{
	u16 base = u->cfg.io_base;
	u8 lcr = lcr_bits(&u->cfg);

	outb(base + UART_IER, 0);
	if (u->cfg.baud) {
		u32 div = u->cfg.clock_hz / (16 * u->cfg.baud);

		if (!div)
			div = 1;
		outb(base + UART_LCR, LCR_DLAB);
		outb(base + UART_DLL, div & 0xff);
		outb(base + UART_DLM, (div >> 8) & 0xff);
	}
	outb(base + UART_LCR, lcr);
	outb(base + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(base + UART_MCR, 0x03); /* DTR, RTS */
}

static void uart_putc(const struct uart *u, char c)
{
	u16 base = u->cfg.io_base;

	/* Bounded: a missing or wedged UART must not hang the hypervisor. */
	for (unsigned int i = 0; i < TX_SPIN_LIMIT; i++)
		if (inb(base + UART_LSR) & LSR_THRE)
			break;
	outb(base + UART_THR, (u8)c);
}

static void serial_sink(const char *s, size_t len)
{
	for (unsigned int i = 0; i < 2; i++) {
		if (!uarts[i].enabled || !uarts[i].present)
			continue;
		for (size_t k = 0; k < len; k++) {
			if (s[k] == '\n')
				uart_putc(&uarts[i], '\r');
			uart_putc(&uarts[i], s[k]);
		}
	}
}

void serial_init_early(void)
{
	uarts[0].present = uart_probe(uarts[0].cfg.io_base);
	if (uarts[0].present)
		uart_setup(&uarts[0]);
	console_register_sink(serial_sink);
}

void serial_init_final(void)
{
	for (unsigned int i = 0; i < 2; i++) {
		if (!uarts[i].enabled)
			continue;
		uarts[i].present = uart_probe(uarts[i].cfg.io_base);
		if (uarts[i].present)
			uart_setup(&uarts[i]);
	}
}

void serial_describe(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 2; i++) {
		const struct serial_cfg *c = &uarts[i].cfg;

		if (!uarts[i].enabled)
			continue;
		n += kscnprintf(buf + n, len - n, "%scom%u at 0x%x %u,%u%c%u%s", n ? ", " : "",
				i + 1, c->io_base, c->baud, c->data_bits, c->parity, c->stop_bits,
				uarts[i].present ? "" : " (absent)");
	}
	if (!n)
		kscnprintf(buf, len, "none");
}
