/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk: formatted logging with levels, an in-memory ring buffer and console sinks
 * (common/printk.c, host-tested).
 *
 * A message may begin with a level prefix, KERN_ERR "..." etc. (SOH followed by a digit,
 * 0 = emergency ... 7 = debug). Without one it is logged at KERN_INFO level unless it
 * continues a line that did not end in '\n', which keeps the level of that line.
 * Every message goes into the ring buffer with its level; it is written to the console
 * sinks only when its level is <= the console threshold (loglvl=, default 6 = info).
 * Each line on the console starts with "(K) " and, once a clock is registered,
 * a "[seconds.micros] " timestamp.
 */
#ifndef KESTREL_PRINTK_H
#define KESTREL_PRINTK_H

#include <kestrel/types.h>
#include <stdarg.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ERR 3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_INFO 6
#define LOGLEVEL_DEBUG 7
#define LOGLEVEL_DEFAULT LOGLEVEL_INFO

/* Size of the ring buffer in bytes (a power of two). */
#define PRINTK_RING_SIZE (64 * 1024)
/* Longest single formatted message; longer ones are truncated. */
#define PRINTK_MSG_MAX 512
#define PRINTK_MAX_SINKS 4

/* A console sink receives already-prefixed text, one or more complete or partial lines. */
typedef void (*console_sink_fn)(const char *s, size_t len);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap) __printf(1, 0);
/* Guest console text: logged, and shown without the "(K) [time] " prefix. */
void printk_raw(const char *s, size_t len);

/* Returns 0, or -ENOSPC when PRINTK_MAX_SINKS are registered already. */
int console_register_sink(console_sink_fn fn);
void console_unregister_all_sinks(void);

/* Console threshold: messages with level <= lvl reach the console. Clamped to 0..7. */
void printk_set_console_level(int lvl);
int printk_console_level(void);

/*
 * Parses a loglvl= value: a digit 0-7 or one of the names
 * emerg alert crit err warning notice info debug all none (all = 7, none = -1).
 * Returns the level, or -EINVAL for anything else.
 */
int printk_parse_level(const char *s);

/* Clock for console timestamps, nanoseconds since boot; NULL for none. */
void printk_set_clock(u64 (*now_ns)(void));

/*
 * The ring buffer keeps the most recent PRINTK_RING_SIZE bytes of log text, each line
 * stored as "<L>text\n" where L is the level digit. printk_ring_read() copies bytes
 * starting at absolute offset *pos (0 = first byte ever logged) into buf, at most len
 * bytes, advances *pos and returns the count. If *pos points to text that has been
 * overwritten it first moves *pos to the oldest byte still held.
 * printk_ring_written() is the absolute offset one past the newest byte.
 */
size_t printk_ring_read(u64 *pos, char *buf, size_t len);
u64 printk_ring_written(void);

/* Drop all ring contents and reset state (unit tests). */
void printk_reset(void);

/*
 * Locking hooks: printk serialises sinks and the ring with a spinlock; the hypervisor
 * also masks interrupts around it through these (NULL on the host).
 */
void printk_set_irq_hooks(unsigned long (*save)(void), void (*restore)(unsigned long));

#endif
