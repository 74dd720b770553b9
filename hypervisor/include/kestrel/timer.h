/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timer queue (common/timer.c, host-tested): an ordered set of timers, keyed by their
 * expiry in system time (nanoseconds since boot). Each physical CPU owns one queue; the
 * per-CPU glue (arch/x86/time.c) programs the one-shot hardware timer for the earliest.
 *
 * Order: by expiry; timers with equal expiry run in the order they were added.
 * Locking: q->lock protects the queue and every timer on it. Callbacks run with the lock
 * released, so they may add (re-arm) timers, including themselves.
 */
#ifndef KESTREL_TIMER_H
#define KESTREL_TIMER_H

#include <kestrel/types.h>
#include <kestrel/list.h>
#include <kestrel/spinlock.h>

#define TIMER_NONE (~0ULL)

struct timer;
typedef void (*timer_fn)(struct timer *t, void *data);

struct timer {
	struct list_head node; /* in q->head when active */
	u64 expires;
	timer_fn fn;
	void *data;
	bool active;
	struct timer_queue *queue; /* the queue it is armed on (a timer may move between CPUs) */
};

struct timer_queue {
	spinlock_t lock;
	struct list_head head; /* sorted by expires */
	u64 nr_active;
};

void timer_queue_init(struct timer_queue *q);
void timer_init(struct timer *t, timer_fn fn, void *data);

/*
 * Arm t to expire at 'expires' (re-arming moves it). Returns true if t is now the
 * earliest timer of the queue (the caller then reprograms the hardware).
 */
bool timer_queue_add(struct timer_queue *q, struct timer *t, u64 expires);

/* Disarm t; harmless when t is not active. */
void timer_queue_del(struct timer_queue *q, struct timer *t);
/* Disarm t wherever it is armed (any CPU's queue). */
void timer_stop_any(struct timer *t);

/* Earliest expiry, or TIMER_NONE when the queue is empty. */
u64 timer_queue_next(struct timer_queue *q);

/*
 * Run, in order, every timer with expires <= now; each is disarmed before its callback.
 * Timers a callback arms for a time <= now are not run in this pass (they run on the
 * next call), so a periodic timer cannot loop forever. Returns the number run.
 */
unsigned int timer_queue_run(struct timer_queue *q, u64 now);

#endif
