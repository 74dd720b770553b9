/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timer queue (API in timer.h): a list kept sorted by expiry. Queues hold a handful of
 * timers per CPU, so a linear insert beats a heap on simplicity and costs nothing.
 *
 * timer_queue_run() first moves every expired timer onto a private 'due' list under the
 * lock, then runs them one by one. Anything a callback arms goes on the queue proper, so
 * it cannot join the current pass; a due timer that is deleted or re-armed by an earlier
 * callback simply leaves the due list (both paths unlink whatever list it is on).
 */
#include <kestrel/types.h>
#include <kestrel/timer.h>

/* Set up an empty queue. */
void timer_queue_init(struct timer_queue *q)
{
	spin_lock_init(&q->lock);
	list_init(&q->head);
	q->nr_active = 0;
}

/* Set up an inactive timer that will call fn(t, data). */
void timer_init(struct timer *t, timer_fn fn, void *data)
{
	list_init(&t->node);
	t->expires = TIMER_NONE;
	t->fn = fn;
	t->data = data;
	t->active = false;
	t->queue = NULL;
}

static void unlink_timer(struct timer_queue *q, struct timer *t)
{
	if (!t->active || t->queue != q)
		return;
	list_del(&t->node);
	t->active = false;
	q->nr_active--;
}

/* Insert after the last timer with expires <= t's, keeping equal expiries FIFO. */
static void insert_sorted(struct timer_queue *q, struct timer *t)
{
	struct list_head *pos = q->head.prev;

	while (pos != &q->head && list_entry(pos, struct timer, node)->expires > t->expires)
		pos = pos->prev;
	list_add(&t->node, pos);
	t->active = true;
	t->queue = q;
	q->nr_active++;
}

/* Arm (or move) t to 'expires'; true if it is now the queue's earliest. */
bool timer_queue_add(struct timer_queue *q, struct timer *t, u64 expires)
{
	bool first;

	if (t->active && t->queue != q)
		timer_stop_any(t); /* armed on another CPU's queue */
	spin_lock(&q->lock);
	unlink_timer(q, t);
	t->expires = expires;
	insert_sorted(q, t);
	first = q->head.next == &t->node;
	spin_unlock(&q->lock);
	return first;
}

/* Disarm t if it is armed. */
void timer_queue_del(struct timer_queue *q, struct timer *t)
{
	spin_lock(&q->lock);
	unlink_timer(q, t);
	spin_unlock(&q->lock);
}

void timer_stop_any(struct timer *t)
{
	struct timer_queue *q = __atomic_load_n(&t->queue, __ATOMIC_ACQUIRE);

	if (q)
		timer_queue_del(q, t); /* no-op if it moved on meanwhile */
}

/* Earliest expiry, TIMER_NONE if the queue is empty. */
u64 timer_queue_next(struct timer_queue *q)
{
	u64 next = TIMER_NONE;

	spin_lock(&q->lock);
	if (!list_empty(&q->head))
		next = list_first_entry(&q->head, struct timer, node)->expires;
	spin_unlock(&q->lock);
	return next;
}

/* Move the expired prefix of the queue onto 'due' (still active, still counted). */
static void take_expired(struct timer_queue *q, struct list_head *due, u64 now)
{
	while (!list_empty(&q->head)) {
		struct timer *t = list_first_entry(&q->head, struct timer, node);

		if (t->expires > now)
			break;
		list_del(&t->node);
		list_add_tail(&t->node, due);
	}
}

/* Run every timer expired at 'now', in order; returns how many ran. */
unsigned int timer_queue_run(struct timer_queue *q, u64 now)
{
	struct list_head due;
	unsigned int ran = 0;

	list_init(&due);
	spin_lock(&q->lock);
	take_expired(q, &due, now);
	while (!list_empty(&due)) {
		struct timer *t = list_first_entry(&due, struct timer, node);
		timer_fn fn = t->fn;
		void *data = t->data;

		unlink_timer(q, t);
		spin_unlock(&q->lock);
		fn(t, data);
		ran++;
		spin_lock(&q->lock);
	}
	spin_unlock(&q->lock);
	return ran;
}
