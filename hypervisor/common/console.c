/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console_io: guests' text on Kestrel's console, and dom0's keyboard input.
 * Output is rate-limited per domain with a token bucket so a guest cannot flood the
 * serial line; what is over the limit is dropped, with one notice.
 * dom0's lines appear as they are; other domains' lines carry a "(dN) " prefix.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <public/xen.h>

#define CONSOLE_BURST (64 * 1024)  /* bytes a domain may write at once */
#define CONSOLE_RATE (32 * 1024)   /* bytes per second refilled */
#define CHUNK 256

static void refill(struct domain *d)
{
	u64 now = now_ns(), add;

	if (!d->console_last_ns) {
		d->console_tokens = CONSOLE_BURST;
		d->console_last_ns = now;
		return;
	}
	add = (now - d->console_last_ns) * CONSOLE_RATE / NSEC_PER_SEC;
	if (add) {
		d->console_tokens = MIN(d->console_tokens + add, (u64)CONSOLE_BURST);
		d->console_last_ns = now;
	}
}

void console_guest_write(struct domain *d, const char *s, size_t len)
{
	refill(d);
	if (len > d->console_tokens) {
		if (!d->console_suppressed)
			printk(KERN_WARNING "d%u: console output over the rate limit, dropped\n",
			       d->domid);
		d->console_suppressed = true;
		return;
	}
	d->console_tokens -= len;
	d->console_suppressed = false;
	if (d->domid == 0)
		printk_raw(s, len);
	else
		printk("(d%u) %.*s", d->domid, (int)len, s);
}

static long console_write(struct domain *d, u64 count, u64 buf)
{
	char chunk[CHUNK];

	while (count) {
		size_t n = MIN(count, (u64)CHUNK);

		if (copy_from_guest(chunk, buf, n))
			return -EFAULT;
		console_guest_write(d, chunk, n);
		buf += n;
		count -= n;
	}
	return 0;
}

long do_console_io(u64 cmd, u64 count, u64 buf)
{
	struct domain *d = arch_current_vcpu()->domain;

	if (!d->is_privileged)
		return -EPERM;
	count = (u32)count; /* the command and the count are 32 bits wide */
	switch ((u32)cmd) {
	case CONSOLEIO_write:
		return console_write(d, count, buf);
	case CONSOLEIO_read:
		if (count > 0x7fffffff)
			return -E2BIG;
		return 0; /* no input queued: nothing is copied, the buffer is not touched */
	default:
		return -ENOSYS;
	}
}
