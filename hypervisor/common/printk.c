/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk: levelled logging into a ring buffer plus console sinks.
 *
 * One spinlock protects all state. It is held only for short, bounded work (formatting into
 * the static line buffer, copying into the rings) and never while a sink runs:
 *
 *  - Console text is rendered at printk time (threshold decision, "(K) " prefix, timestamp)
 *    into a console FIFO. Whichever caller finds the console idle drains the FIFO to the
 *    sinks with the lock dropped. A slow sink therefore stalls only the draining CPU, and a
 *    printk issued from inside a sink (or from an interrupt taken during one) merely queues
 *    its text for the drain loop already running: no recursion, no self-deadlock.
 *  - printk takes the lock with a bounded trylock. If it cannot get it (a fault or NMI taken
 *    while this very CPU holds it), the message is counted as lost instead of hanging, and
 *    the loss is reported by the next message that gets through.
 *  - Text queued while no sink is registered stays in the FIFO (as far as it fits) and is
 *    replayed when the first sink registers, so early boot messages reach the serial port.
 */
#include <kestrel/types.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>

#define RING_MASK     ((u64)PRINTK_RING_SIZE - 1)
#define CON_FIFO_SIZE (16 * 1024)
#define CON_MASK      ((u64)CON_FIFO_SIZE - 1)
/* "\n" + "(K) " + "[" + 11 digits of seconds + "." + 6 digits + "] " fits comfortably. */
#define CON_PREFIX_MAX 32
/* Far longer than any legitimate hold (tens of ms): past this the holder is presumably us. */
#define LOCK_SPINS (1u << 22)

BUILD_BUG_ON((PRINTK_RING_SIZE & (PRINTK_RING_SIZE - 1)) != 0);
BUILD_BUG_ON((CON_FIFO_SIZE & (CON_FIFO_SIZE - 1)) != 0);

static DEFINE_SPINLOCK(printk_lock);
static char line_buf[PRINTK_MSG_MAX]; /* vprintk's formatting buffer */

static char ring[PRINTK_RING_SIZE];
static u64 ring_head;  /* absolute offset one past the newest byte */
static bool line_open; /* the newest ring line has no '\n' yet */
static int line_level; /* level of that line, inherited by continuations */
static u64 line_seq;   /* number of ring lines started, identifies the current one */

static char con_fifo[CON_FIFO_SIZE];
static u64 con_head, con_tail;	 /* queued up to con_head, handed to sinks up to con_tail */
static bool con_open;		 /* the console's last text was a partial line... */
static u64 con_seq;		 /* ...belonging to this ring line */
static bool con_busy;		 /* someone is draining con_fifo to the sinks */
static unsigned int con_dropped; /* lines that did not fit in con_fifo */
static bool con_raw;             /* printk_raw() in progress: no console prefix */

static console_sink_fn sinks[PRINTK_MAX_SINKS];
static unsigned int nr_sinks;
static int console_level = LOGLEVEL_DEFAULT;
static u64 (*clock_fn)(void);
static unsigned long (*irq_save_fn)(void);
static void (*irq_restore_fn)(unsigned long);
static unsigned long lost_msgs; /* atomic: messages dropped for want of the lock */

static unsigned long irq_save(void)
{
	return irq_save_fn ? irq_save_fn() : 0;
}

static void irq_restore(unsigned long flags)
{
	if (irq_restore_fn)
		irq_restore_fn(flags);
}

static unsigned long lock_irqsave(void)
{
	unsigned long flags = irq_save();

	spin_lock(&printk_lock);
	return flags;
}

/* Bounded variant for vprintk, which may be re-entered on a CPU that holds the lock. */
static bool trylock_irqsave(unsigned long *flags)
{
	unsigned int spins;

	*flags = irq_save();
	for (spins = 0; spins < LOCK_SPINS; spins++) {
		if (spin_trylock(&printk_lock))
			return true;
		cpu_relax();
	}
	irq_restore(*flags);
	return false;
}

static void unlock_irqrestore(unsigned long flags)
{
	spin_unlock(&printk_lock);
	irq_restore(flags);
}

static void ring_put(const char *s, size_t n)
{
	while (n--)
		ring[ring_head++ & RING_MASK] = *s++;
}

static size_t con_free(void)
{
	return CON_FIFO_SIZE - (size_t)(con_head - con_tail);
}

static void con_put(const char *s, size_t n)
{
	while (n--)
		con_fifo[con_head++ & CON_MASK] = *s++;
}

/* Writes "(K) " and, with a clock, "[seconds.micros] " into buf; returns the length. */
static size_t con_prefix(char *buf, size_t size)
{
	u64 ns;

	if (!clock_fn)
		return kscnprintf(buf, size, "(K) ");
	ns = clock_fn();
	return kscnprintf(buf, size, "(K) [%5llu.%06llu] ", (unsigned long long)(ns / NSEC_PER_SEC),
			  (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
}

/* Tells the console reader that lines are missing, once there is room to say so. */
static void con_put_drop_notice(void)
{
	char msg[CON_PREFIX_MAX + 48];
	size_t len;

	if (!con_dropped)
		return;
	len = con_prefix(msg, sizeof(msg));
	len += kscnprintf(msg + len, sizeof(msg) - len, "printk: %u console lines dropped\n",
			  con_dropped);
	if (len <= con_free()) {
		con_put(msg, len);
		con_dropped = 0;
	}
}

/* Queues one ring-line segment for the console, prefixed if it starts a console line. */
static void con_queue(const char *s, size_t n, bool ends_line)
{
	char pre[CON_PREFIX_MAX];
	size_t plen = 0;

	if (con_open && con_seq != line_seq) {
		/* The console's partial line is not the one being continued: finish it. */
		if (con_free())
			con_put("\n", 1);
		con_open = false;
	}
	if (!con_open) {
		con_put_drop_notice();
		if (!con_raw)
			plen = con_prefix(pre, sizeof(pre));
	}
	if (plen + n > con_free()) {
		con_dropped++;
		return;
	}
	con_put(pre, plen);
	con_put(s, n);
	con_open = !ends_line;
	con_seq = line_seq;
}

/* Appends one segment (a line, or the unterminated tail of one) to ring and console. */
static void log_segment(const char *s, size_t n, int level)
{
	bool ends_line = s[n - 1] == '\n';

	if (!line_open) {
		char tag[3] = { '<', (char)('0' + level), '>' };

		line_seq++;
		line_level = level;
		ring_put(tag, sizeof(tag));
	}
	ring_put(s, n);
	line_open = !ends_line;
	if (line_level <= console_level)
		con_queue(s, n, ends_line);
}

/*
 * Logs text of length len. level is the explicit level from a KERN_ prefix, or -1: then the
 * text continues the open line (keeping its level) or starts a line at the default level.
 */
static void log_text(const char *text, size_t len, int level)
{
	size_t n;

	if (!len)
		return;
	if (level >= 0 && line_open) {
		/* A levelled message always starts a new line. */
		ring_put("\n", 1);
		line_open = false;
	}
	if (level < 0)
		level = line_open ? line_level : LOGLEVEL_DEFAULT;
	for (; len; text += n, len -= n) {
		for (n = 0; n < len && text[n] != '\n'; n++)
			;
		if (n < len)
			n++; /* include the '\n' */
		log_segment(text, n, level);
	}
}

/* Reports messages lost to lock failure; lock held. */
static void log_lost(void)
{
	unsigned long lost = __atomic_exchange_n(&lost_msgs, 0, __ATOMIC_RELAXED);
	char msg[48];
	size_t len;

	if (!lost)
		return;
	len = kscnprintf(msg, sizeof(msg), "printk: %lu messages lost\n", lost);
	log_text(msg, len, LOGLEVEL_WARNING);
}

/* Splits off a KERN_<level> prefix; returns the level or -1 when there is none. */
static int strip_level(const char **text)
{
	const char *t = *text;

	if (t[0] != KERN_SOH[0] || t[1] < '0' || t[1] > '7')
		return -1;
	*text = t + 2;
	return t[1] - '0';
}

/*
 * Called with the lock held; returns with it released. Unless another caller is already
 * draining, hands queued console text to the sinks, dropping the lock around the calls.
 */
static void con_drain_unlock(unsigned long flags)
{
	console_sink_fn snap[PRINTK_MAX_SINKS];
	unsigned int i, cnt;
	size_t off, n;

	if (con_busy) {
		unlock_irqrestore(flags);
		return;
	}
	con_busy = true;
	while (con_tail != con_head && nr_sinks) {
		off = con_tail & CON_MASK;
		n = MIN((size_t)(con_head - con_tail), CON_FIFO_SIZE - off);
		cnt = nr_sinks;
		memcpy(snap, sinks, sizeof(snap));
		unlock_irqrestore(flags);
		/* Writers only fill free space, so [con_tail, con_head) is stable meanwhile. */
		for (i = 0; i < cnt; i++)
			snap[i](con_fifo + off, n);
		flags = lock_irqsave();
		con_tail += n;
	}
	con_busy = false;
	unlock_irqrestore(flags);
}

/*
 * vprintk - format a message and log it (see printk.h for levels and continuations).
 * Returns the number of characters logged, excluding any level prefix.
 */
int vprintk(const char *fmt, va_list ap)
{
	unsigned long flags;
	const char *text = line_buf;
	int level, len;

	if (!trylock_irqsave(&flags)) {
		__atomic_fetch_add(&lost_msgs, 1, __ATOMIC_RELAXED);
		return 0;
	}
	log_lost();
	len = kvsnprintf(line_buf, sizeof(line_buf), fmt, ap);
	if (len >= (int)sizeof(line_buf)) {
		/* Truncated: end the line, or the next message would be glued onto it. */
		len = sizeof(line_buf) - 1;
		line_buf[len - 1] = '\n';
	}
	level = strip_level(&text);
	len -= text - line_buf;
	log_text(text, len, level);
	con_drain_unlock(flags);
	return len;
}

/*
 * printk_raw - log len bytes of text at the default level, on the console without the
 * "(K) [time] " prefix (a guest's own console output). Text without a final '\n' stays an
 * open line that later raw text continues.
 */
void printk_raw(const char *s, size_t len)
{
	unsigned long flags;

	if (!trylock_irqsave(&flags)) {
		__atomic_fetch_add(&lost_msgs, 1, __ATOMIC_RELAXED);
		return;
	}
	log_lost();
	con_raw = true;
	log_text(s, len, -1);
	con_raw = false;
	con_drain_unlock(flags);
}

/* printk - vprintk() with variable arguments. */
int printk(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vprintk(fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * console_register_sink - add fn to the console outputs; text queued while there was no
 * sink is replayed to it. Returns 0, -EINVAL for NULL, or -ENOSPC when the table is full.
 */
int console_register_sink(console_sink_fn fn)
{
	unsigned long flags;

	if (!fn)
		return -EINVAL;
	flags = lock_irqsave();
	if (nr_sinks == PRINTK_MAX_SINKS) {
		unlock_irqrestore(flags);
		return -ENOSPC;
	}
	sinks[nr_sinks++] = fn;
	con_drain_unlock(flags);
	return 0;
}

/* console_unregister_all_sinks - remove every sink; later console text is held back. */
void console_unregister_all_sinks(void)
{
	unsigned long flags = lock_irqsave();

	nr_sinks = 0;
	unlock_irqrestore(flags);
}

/* printk_set_console_level - messages with level <= lvl (clamped to 0..7) reach sinks. */
void printk_set_console_level(int lvl)
{
	console_level = lvl < 0 ? 0 : lvl > LOGLEVEL_DEBUG ? LOGLEVEL_DEBUG : lvl;
}

/* printk_console_level - the current console threshold. */
int printk_console_level(void)
{
	return console_level;
}

/*
 * printk_parse_level - parse a loglvl= value (digit or level name).
 * Returns 0..7, -1 for "none", or -EINVAL.
 */
int printk_parse_level(const char *s)
{
	static const char *const names[] = { "emerg",	"alert",  "crit", "err",
					     "warning", "notice", "info", "debug" };
	unsigned int i;

	if (!s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i]))
			return i;
	}
	if (!strcmp(s, "all"))
		return LOGLEVEL_DEBUG;
	if (!strcmp(s, "none"))
		return -1;
	return -EINVAL;
}

/*
 * printk_set_clock - timestamp console lines with now_ns() (NULL: no timestamps).
 * now_ns is called with the printk lock held and must not printk.
 */
void printk_set_clock(u64 (*now_ns)(void))
{
	unsigned long flags = lock_irqsave();

	clock_fn = now_ns;
	unlock_irqrestore(flags);
}

/*
 * printk_ring_read - copy up to len ring bytes from absolute offset *pos into buf.
 * A *pos older than the ring's contents moves to the oldest byte held; one beyond the
 * newest moves back to it. Advances *pos; returns the number of bytes copied.
 */
size_t printk_ring_read(u64 *pos, char *buf, size_t len)
{
	unsigned long flags = lock_irqsave();
	u64 oldest = ring_head > PRINTK_RING_SIZE ? ring_head - PRINTK_RING_SIZE : 0;
	size_t i, n;

	if (*pos < oldest)
		*pos = oldest;
	if (*pos > ring_head)
		*pos = ring_head;
	n = MIN(len, (size_t)(ring_head - *pos));
	for (i = 0; i < n; i++)
		buf[i] = ring[(*pos + i) & RING_MASK];
	*pos += n;
	unlock_irqrestore(flags);
	return n;
}

/* printk_ring_written - absolute offset one past the newest ring byte. */
u64 printk_ring_written(void)
{
	unsigned long flags = lock_irqsave();
	u64 head = ring_head;

	unlock_irqrestore(flags);
	return head;
}

/*
 * printk_reset - empty the ring and console FIFO and restore the default console level and
 * no clock. Registered sinks and irq hooks are kept.
 */
void printk_reset(void)
{
	unsigned long flags = lock_irqsave();

	memset(ring, 0, sizeof(ring));
	ring_head = 0;
	line_open = false;
	line_level = LOGLEVEL_DEFAULT;
	line_seq = 0;
	con_head = con_tail = 0;
	con_open = false;
	con_seq = 0;
	con_dropped = 0;
	console_level = LOGLEVEL_DEFAULT;
	clock_fn = NULL;
	__atomic_store_n(&lost_msgs, 0, __ATOMIC_RELAXED);
	unlock_irqrestore(flags);
}

/*
 * printk_set_irq_hooks - how to mask and restore interrupts around the printk lock.
 * Both or neither: if either is NULL, no masking is done.
 */
void printk_set_irq_hooks(unsigned long (*save)(void), void (*restore)(unsigned long))
{
	if (save && restore) {
		irq_save_fn = save;
		irq_restore_fn = restore;
	} else {
		irq_save_fn = NULL;
		irq_restore_fn = NULL;
	}
}
