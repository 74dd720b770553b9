/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The credit policy (common/sched_credit.c) driven on a simulated CPU: CPU-bound vCPUs of
 * domains with given weights and caps are picked, run for their slice and charged, for
 * ten simulated seconds; each domain's share of the CPU must match its weight (within
 * 1 %) and never exceed its cap. Also: equal vtimes take turns, a waking vCPU lines up at
 * most one slice behind and preempts only when it is well behind, and a capped domain is
 * passed over until its period ends. A broken policy shows up as shares off their
 * weights, a starved vCPU, or a cap overrun.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/domain.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>
#include <check.h>
#include <string.h>

#define MAXV 4
#define SIM_NS (10ULL * NSEC_PER_SEC)

struct share_row {
	const char *name;
	unsigned int n;
	unsigned int weight[MAXV], cap[MAXV];
	unsigned int want_permille[MAXV]; /* expected share of the CPU */
};

static const struct share_row share_rows[] = {
	{ "equal weights", 2, { 256, 256 }, { 0 }, { 500, 500 } },
	{ "weights 2:1", 2, { 512, 256 }, { 0 }, { 667, 333 } },
	{ "weights 1:3", 2, { 100, 300 }, { 0 }, { 250, 750 } },
	{ "weights 4:2:1:1", 4, { 400, 200, 100, 100 }, { 0 }, { 500, 250, 125, 125 } },
	{ "cap 25 % against an uncapped one", 2, { 256, 256 }, { 25, 0 }, { 250, 750 } },
	{ "cap 10 % alone on the CPU", 1, { 256 }, { 10 }, { 100 } },
	{ "caps 30 % and 20 %", 2, { 256, 256 }, { 30, 20 }, { 300, 200 } },
};

static struct domain doms[MAXV];
static struct vcpu vcpus[MAXV];
static struct sched_cpu sc;

static void setup(const struct share_row *r)
{
	memset(doms, 0, sizeof(doms));
	memset(vcpus, 0, sizeof(vcpus));
	memset(&sc, 0, sizeof(sc));
	list_init(&sc.runq);
	for (unsigned int i = 0; i < r->n; i++) {
		doms[i].domid = i;
		doms[i].sched.weight = r->weight[i];
		doms[i].sched.cap = r->cap[i];
		vcpus[i].domain = &doms[i];
		list_init(&vcpus[i].sched.q);
		sched_credit_ops.enqueue(&sc, &vcpus[i], 0, true);
	}
}

START_TEST(test_shares)
{
	const struct share_row *r = &share_rows[_i];
	u64 ran[MAXV] = { 0 }, now = 0, idle = 0;

	setup(r);
	while (now < SIM_NS) {
		u64 slice;
		struct vcpu *v = sched_credit_ops.pick(&sc, now, &slice);

		ck_assert_uint_gt(slice, 0);
		if (!v) { /* every one capped: idle until a period ends */
			idle += slice;
			now += slice;
			continue;
		}
		sc.curr = v;
		now += slice;
		ran[v - vcpus] += slice;
		sched_credit_ops.charge(v, slice, now);
		sc.curr = NULL;
		sched_credit_ops.enqueue(&sc, v, now, false);
	}
	for (unsigned int i = 0; i < r->n; i++) {
		u64 permille = ran[i] * 1000 / now;

		ck_assert_msg(permille + 10 >= r->want_permille[i] &&
				      permille <= r->want_permille[i] + 10,
			      "%s: vCPU %u got %llu permille, expected %u", r->name, i,
			      (unsigned long long)permille, r->want_permille[i]);
		if (r->cap[i])
			ck_assert_uint_le(permille, r->cap[i] * 10 + 2);
	}
}
END_TEST

/* Equal vtimes take turns in FIFO order; a waking sleeper lines up one slice behind. */
START_TEST(test_order_and_wakeup)
{
	static const struct share_row r = { "three", 3, { 256, 256, 256 }, { 0 }, { 0 } };
	u64 slice;

	setup(&r);
	for (unsigned int round = 0; round < 2; round++)
		for (unsigned int i = 0; i < 3; i++) {
			struct vcpu *v = sched_credit_ops.pick(&sc, 0, &slice);

			ck_assert_ptr_eq(v, &vcpus[i]);
			sched_credit_ops.charge(v, slice, 0);
			sched_credit_ops.enqueue(&sc, v, 0, false);
		}
	/* vCPU 0 sleeps while the others run a long time */
	ck_assert_ptr_eq(sched_credit_ops.pick(&sc, 0, &slice), &vcpus[0]);
	vcpus[1].sched.vtime = vcpus[2].sched.vtime = 100 * NSEC_PER_MSEC;
	sched_credit_ops.enqueue(&sc, &vcpus[0], 0, true);
	ck_assert_uint_eq(vcpus[0].sched.vtime, 90 * NSEC_PER_MSEC); /* one slice behind */
	ck_assert(sched_credit_ops.preempts(&vcpus[0], &vcpus[1]));
	vcpus[0].sched.vtime = 100 * NSEC_PER_MSEC - NSEC_PER_MSEC / 2;
	ck_assert(!sched_credit_ops.preempts(&vcpus[0], &vcpus[1])); /* not 1 ms behind */
	ck_assert(sched_credit_ops.preempts(&vcpus[0], NULL));        /* an idle CPU */
}
END_TEST

Suite *sched_credit_suite(void)
{
	Suite *s = suite_create("sched_credit");
	TCase *tc = tcase_create("policy");

	tcase_add_loop_test(tc, test_shares, 0, sizeof(share_rows) / sizeof(share_rows[0]));
	tcase_add_test(tc, test_order_and_wakeup);
	suite_add_tcase(s, tc);
	return s;
}
