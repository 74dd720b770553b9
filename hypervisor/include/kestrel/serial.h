/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550 UART configuration (common/serial_spec.c parses it, host-tested; the driver is
 * arch/x86/ns16550.c). Xen-style option value for com1= / com2=:
 *   <baud>[/<clock>][,<data><parity><stop>[,<io-base>[,<irq>]]]
 * baud is a number (50..4000000) or "auto" (keep the firmware's setting, baud = 0);
 * data 5-8, parity one of n o e m s, stop 1 or 2; io-base hex (0x...) or decimal;
 * irq 0..15. Omitted fields keep the defaults the caller put in *cfg.
 * Examples: "115200,8n1", "auto", "9600,7e2,0x2f8,3".
 */
#ifndef KESTREL_SERIAL_H
#define KESTREL_SERIAL_H

#include <kestrel/types.h>

struct serial_cfg {
	u32 baud;       /* 0 = auto */
	u32 clock_hz;   /* UART input clock, default 1843200 */
	u8 data_bits;
	char parity;    /* 'n','o','e','m','s' */
	u8 stop_bits;
	u16 io_base;
	u8 irq;
};

/* Returns 0, or -EINVAL with *cfg unchanged. */
int serial_parse_spec(const char *s, struct serial_cfg *cfg);

#endif
