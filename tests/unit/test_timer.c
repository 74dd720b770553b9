/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timer queue: ordering, FIFO among equal expiries, re-arming, deletion, next(), and the
 * run pass (only expired timers, callbacks that re-arm or delete timers).
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/timer.h>
#include <check.h>

#define NT 8

static struct timer_queue q;
static struct timer timers[NT];
static int fired[64];
static int nfired;

static void record(struct timer *t, void *data)
{
	ck_assert_int_lt(nfired, (int)ARRAY_SIZE(fired));
	ck_assert(!t->active);
	fired[nfired++] = (int)(long)data;
}

static void setup(void)
{
	timer_queue_init(&q);
	for (long i = 0; i < NT; i++)
		timer_init(&timers[i], record, (void *)i);
	nfired = 0;
}

static void assert_fired(const int *want, int n)
{
	ck_assert_int_eq(nfired, n);
	for (int i = 0; i < n; i++)
		ck_assert_msg(fired[i] == want[i], "fired[%d] = %d, want %d", i, fired[i], want[i]);
}

/* Insert timers 0..n-1 at the given expiries; expect them to fire in 'order'. */
struct order_case {
	int n;
	u64 expires[NT];
	int order[NT];
};

static const struct order_case order_cases[] = {
	{ 1, { 5 }, { 0 } },
	{ 5, { 50, 10, 30, 20, 40 }, { 1, 3, 2, 4, 0 } },
	{ 4, { 1, 2, 3, 4 }, { 0, 1, 2, 3 } },
	{ 4, { 4, 3, 2, 1 }, { 3, 2, 1, 0 } },
	{ 5, { 7, 7, 7, 7, 7 }, { 0, 1, 2, 3, 4 } },
	{ 6, { 10, 5, 10, 5, 0, 10 }, { 4, 1, 3, 0, 2, 5 } },
	{ 3, { ~0ULL - 1, 0, 1ULL << 63 }, { 1, 2, 0 } },
};

START_TEST(test_order_table)
{
	const struct order_case *c = &order_cases[_i];

	for (int i = 0; i < c->n; i++)
		timer_queue_add(&q, &timers[i], c->expires[i]);
	ck_assert_uint_eq(q.nr_active, c->n);
	ck_assert_uint_eq(timer_queue_next(&q), c->expires[c->order[0]]);
	ck_assert_uint_eq(timer_queue_run(&q, ~0ULL - 1), c->n);
	assert_fired(c->order, c->n);
	ck_assert_uint_eq(q.nr_active, 0);
	ck_assert_uint_eq(timer_queue_next(&q), TIMER_NONE);
}
END_TEST

/* timer_queue_add() returns true exactly when the timer became the earliest. */
START_TEST(test_add_returns_earliest)
{
	static const struct {
		int timer;
		u64 expires;
		bool first;
	} steps[] = {
		{ 0, 50, true }, { 1, 60, false }, { 2, 40, true },   { 3, 40, false },
		{ 4, 10, true }, { 4, 45, false }, { 2, 100, false }, { 0, 5, true },
		{ 0, 5, true },	 { 5, 5, false },  { 0, 6, false },   { 5, 1, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		ck_assert_msg(timer_queue_add(&q, &timers[steps[i].timer], steps[i].expires) ==
				      steps[i].first,
			      "step %zu", i);
	ck_assert_uint_eq(q.nr_active, 6);
	ck_assert_uint_eq(timer_queue_next(&q), 1);
}
END_TEST

START_TEST(test_rearm_moves)
{
	static const int want[] = { 1, 2, 0 };

	timer_queue_add(&q, &timers[0], 10);
	timer_queue_add(&q, &timers[1], 20);
	timer_queue_add(&q, &timers[2], 30);
	ck_assert(!timer_queue_add(&q, &timers[0], 35));
	ck_assert_uint_eq(q.nr_active, 3);
	ck_assert_uint_eq(timer_queue_next(&q), 20);
	ck_assert_uint_eq(timer_queue_run(&q, 100), 3);
	assert_fired(want, 3);
}
END_TEST

START_TEST(test_delete)
{
	static const int want[] = { 0, 2 };

	timer_queue_del(&q, &timers[3]); /* never armed */
	timer_queue_add(&q, &timers[0], 10);
	timer_queue_add(&q, &timers[1], 20);
	timer_queue_add(&q, &timers[2], 30);
	timer_queue_del(&q, &timers[1]);
	timer_queue_del(&q, &timers[1]); /* twice */
	ck_assert(!timers[1].active);
	ck_assert_uint_eq(q.nr_active, 2);
	timer_queue_del(&q, &timers[0]);
	ck_assert_uint_eq(timer_queue_next(&q), 30);
	ck_assert(timer_queue_add(&q, &timers[0], 10));
	ck_assert_uint_eq(timer_queue_run(&q, 30), 2);
	assert_fired(want, 2);
	timer_queue_del(&q, &timers[2]); /* already ran */
	ck_assert_uint_eq(q.nr_active, 0);
}
END_TEST

/* A timer armed on one CPU's queue and re-armed, or stopped, from another. */
START_TEST(test_move_between_queues)
{
	static const int want[] = { 0 };
	struct timer_queue q2;

	timer_queue_init(&q2);
	timer_queue_add(&q, &timers[0], 10);
	timer_queue_add(&q, &timers[1], 20);
	timer_queue_add(&q2, &timers[0], 15);
	ck_assert_uint_eq(q.nr_active, 1);
	ck_assert_uint_eq(q2.nr_active, 1);
	ck_assert_uint_eq(timer_queue_next(&q), 20);
	timer_queue_del(&q, &timers[0]); /* not on q any more: nothing happens */
	ck_assert_uint_eq(q2.nr_active, 1);
	timer_stop_any(&timers[1]);
	ck_assert_uint_eq(q.nr_active, 0);
	ck_assert_uint_eq(timer_queue_run(&q2, 100), 1);
	assert_fired(want, 1);
	timer_stop_any(&timers[0]); /* ran already */
	ck_assert_uint_eq(q2.nr_active, 0);
}
END_TEST

START_TEST(test_run_only_expired)
{
	static const int want[] = { 0, 1, 2 };

	ck_assert_uint_eq(timer_queue_next(&q), TIMER_NONE);
	ck_assert_uint_eq(timer_queue_run(&q, 1000), 0);
	timer_queue_add(&q, &timers[0], 10);
	timer_queue_add(&q, &timers[1], 20);
	timer_queue_add(&q, &timers[2], 30);
	ck_assert_uint_eq(timer_queue_run(&q, 9), 0);
	ck_assert_uint_eq(timer_queue_run(&q, 20), 2); /* expires == now runs */
	assert_fired(want, 2);
	ck_assert_uint_eq(timer_queue_next(&q), 30);
	ck_assert(timers[2].active && !timers[0].active && !timers[1].active);
	ck_assert_uint_eq(timer_queue_run(&q, 29), 0);
	ck_assert_uint_eq(timer_queue_run(&q, 31), 1);
	assert_fired(want, 3);
}
END_TEST

static int periodic_runs;

static void periodic(struct timer *t, void *data)
{
	periodic_runs++;
	timer_queue_add(&q, t, t->expires + 10);
}

START_TEST(test_periodic_once_per_pass)
{
	timer_init(&timers[0], periodic, NULL);
	periodic_runs = 0;
	timer_queue_add(&q, &timers[0], 50);
	ck_assert_uint_eq(timer_queue_run(&q, 100), 1);
	ck_assert_int_eq(periodic_runs, 1);
	ck_assert_uint_eq(timer_queue_next(&q), 60);
	ck_assert_uint_eq(timer_queue_run(&q, 100), 1);
	ck_assert_uint_eq(timer_queue_next(&q), 70);
	ck_assert_uint_eq(q.nr_active, 1);
}
END_TEST

/* Timer 0's callback re-arms timer 3 into the past and deletes timer 1, which is due. */
static void meddler(struct timer *t, void *data)
{
	record(t, data);
	ck_assert(timer_queue_add(&q, &timers[3], 1));
	timer_queue_del(&q, &timers[1]);
	timer_queue_add(&q, &timers[2], 500); /* due now, moved later */
}

START_TEST(test_callback_changes_queue)
{
	static const int want[] = { 0, 3 };

	timer_init(&timers[0], meddler, (void *)0L);
	timer_queue_add(&q, &timers[0], 10);
	timer_queue_add(&q, &timers[1], 20);
	timer_queue_add(&q, &timers[2], 30);
	ck_assert_uint_eq(timer_queue_run(&q, 100), 1);
	assert_fired(want, 1);
	ck_assert_uint_eq(q.nr_active, 2);
	ck_assert_uint_eq(timer_queue_next(&q), 1);
	ck_assert_uint_eq(timer_queue_run(&q, 100), 1);
	assert_fired(want, 2);
	ck_assert_uint_eq(timer_queue_next(&q), 500);
}
END_TEST

Suite *timer_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("queue");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_order_table, 0, (int)ARRAY_SIZE(order_cases));
	tcase_add_test(tc, test_add_returns_earliest);
	tcase_add_test(tc, test_rearm_moves);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_move_between_queues);
	tcase_add_test(tc, test_run_only_expired);
	tcase_add_test(tc, test_periodic_once_per_pass);
	tcase_add_test(tc, test_callback_changes_queue);
	suite_add_tcase(s, tc);
	return s;
}
