/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console_io: guests' text on Kestrel's console, and dom0's keyboard input.
 * Output is rate-limited per domain with a token bucket so a guest cannot flood the
 * serial line; what is over the limit is dropped, with one notice.
 * dom0's text appears as it is, as on Xen. Other domains may write but not read; their
 * text is collected per domain into whole lines, each printed at once with a "(dN) "
 * prefix, so that lines of guests on different CPUs never mix.
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

/* One whole line of a domU (or as much of one as the buffer holds), with its prefix. */
static void put_domu_line(struct domain *d)
{
	char line[sizeof(d->console_line) + 16];
	int n = kscnprintf(line, sizeof(line), "(d%u) %.*s\n", d->domid,
			   (int)d->console_line_len, d->console_line);

	d->console_line_len = 0;
	printk_raw(line, n);
}

/* A domU's text: into its line buffer, out one line at a time. */
static void domu_write(struct domain *d, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			put_domu_line(d);
			continue;
		}
		if (s[i] == '\r' || s[i] == '\0')
			continue;
		d->console_line[d->console_line_len++] = s[i];
		if (d->console_line_len == sizeof(d->console_line))
			put_domu_line(d); /* a very long line goes out in pieces */
	}
}

void console_domain_flush(struct domain *d)
{
	spin_lock(&d->console_lock);
	if (d->console_line_len)
		put_domu_line(d);
	spin_unlock(&d->console_lock);
}

/* Caller holds d->console_lock. */
static void guest_write_locked(struct domain *d, const char *s, size_t len)
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
		domu_write(d, s, len);
}

void console_guest_write(struct domain *d, const char *s, size_t len)
{
	spin_lock(&d->console_lock);
	guest_write_locked(d, s, len);
	spin_unlock(&d->console_lock);
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

	count = (u32)count; /* the command and the count are 32 bits wide */
	switch ((u32)cmd) {
	case CONSOLEIO_write:
		return console_write(d, count, buf);
	case CONSOLEIO_read:
		if (!d->is_privileged)
			return -EPERM; /* the hypervisor's console input is dom0's */
		if (count > 0x7fffffff)
			return -E2BIG;
		return 0; /* no input queued: nothing is copied, the buffer is not touched */
	default:
		return -ENOSYS;
	}
}
