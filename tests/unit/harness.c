/* SPDX-License-Identifier: GPL-2.0 */
#include <string.h>
#include <kestrel/printk.h>
#include "harness.h"

static char cap_buf[64 * 1024];
static size_t cap_len;

static void capture_sink(const char *s, size_t len)
{
	if (len > sizeof(cap_buf) - 1 - cap_len)
		len = sizeof(cap_buf) - 1 - cap_len;
	memcpy(cap_buf + cap_len, s, len);
	cap_len += len;
	cap_buf[cap_len] = '\0';
}

void capture_start(void)
{
	printk_reset();
	console_unregister_all_sinks();
	cap_len = 0;
	cap_buf[0] = '\0';
	console_register_sink(capture_sink);
	printk_set_console_level(7);
}

const char *capture_text(void)
{
	return cap_buf;
}

int capture_has(const char *needle)
{
	return strstr(cap_buf, needle) != NULL;
}
