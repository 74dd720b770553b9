/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The credit policy: proportional sharing of CPUs by per-domain weight, with an optional
 * per-domain cap, the two parameters Xen's credit scheduler gives users.
 *
 * Accounting is by weighted virtual time: a vCPU that runs for t ns advances its vtime by
 * t * 256 / weight, and each CPU runs the queued vCPU with the smallest vtime for a slice
 * of up to 10 ms. Two CPU-bound vCPUs of weights 2:1 sharing a CPU therefore get CPU in
 * the ratio 2:1. A vCPU that slept does not bank credit: it wakes no more than one slice
 * behind the queue, and preempts the running vCPU only when it is at least 1 ms behind
 * it (the boost Xen gives waking vCPUs, which keeps event latency low).
 *
 * A cap of c limits the domain to c% of one CPU per 100 ms period: when its vCPUs have
 * used that much, they are passed over until the period ends.
 */
#include <kestrel/domain.h>
#include <kestrel/lib.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>

#define SLICE_NS (10 * NSEC_PER_MSEC)
#define WAKE_GRANULARITY_NS NSEC_PER_MSEC
#define CAP_PERIOD_NS (100 * NSEC_PER_MSEC)

static u64 weighted(u64 ns, unsigned int weight)
{
	return ns * SCHED_DEFAULT_WEIGHT / (weight ? weight : 1);
}

/* The smallest vtime on the CPU: where a waking vCPU lines up. */
static bool min_vtime(const struct sched_cpu *sc, u64 *min)
{
	bool any = false;

	if (!list_empty(&sc->runq)) {
		*min = list_first_entry(&sc->runq, struct vcpu, sched.q)->sched.vtime;
		any = true;
	}
	if (sc->curr && (!any || sc->curr->sched.vtime < *min)) {
		*min = sc->curr->sched.vtime;
		any = true;
	}
	return any;
}

static void enqueue(struct sched_cpu *sc, struct vcpu *v, u64 now, bool woken)
{
	struct list_head *pos = sc->runq.prev;
	u64 min;

	if (woken && min_vtime(sc, &min) && v->sched.vtime + SLICE_NS < min)
		v->sched.vtime = min - SLICE_NS;
	/* after every vCPU with vtime <= v's: equal ones take turns */
	while (pos != &sc->runq && list_entry(pos, struct vcpu, sched.q)->sched.vtime >
					   v->sched.vtime)
		pos = pos->prev;
	list_add(&v->sched.q, pos);
}

/* Has v's domain used its cap in this period? Starts a new period when one is due. */
static bool capped(const struct vcpu *v, u64 now, u64 *left)
{
	struct sched_domain *sd = &v->domain->sched;
	u64 budget;

	if (!sd->cap)
		return false;
	if (now - sd->cap_period_start >= CAP_PERIOD_NS) {
		sd->cap_period_start = now;
		sd->cap_used_ns = 0;
	}
	budget = CAP_PERIOD_NS * sd->cap / 100;
	*left = sd->cap_used_ns < budget ? budget - sd->cap_used_ns
					 : CAP_PERIOD_NS - (now - sd->cap_period_start);
	return sd->cap_used_ns >= budget;
}

static struct vcpu *pick(struct sched_cpu *sc, u64 now, u64 *slice_ns)
{
	struct vcpu *v;
	u64 wait = 0;

	list_for_each_entry(v, &sc->runq, sched.q) {
		u64 left = SLICE_NS;

		if (capped(v, now, &left)) {
			wait = wait ? MIN(wait, left) : left;
			continue;
		}
		list_del(&v->sched.q);
		*slice_ns = MIN(left, (u64)SLICE_NS);
		return v;
	}
	*slice_ns = wait; /* all capped: look again when the first period ends */
	return NULL;
}

static void charge(struct vcpu *v, u64 ns, u64 now)
{
	struct sched_domain *sd = &v->domain->sched;
	u64 left;

	v->sched.vtime += weighted(ns, sd->weight);
	if (sd->cap) {
		capped(v, now, &left); /* rolls the period over if it ended */
		sd->cap_used_ns += ns;
	}
}

static bool preempts(const struct vcpu *v, const struct vcpu *curr)
{
	return !curr || v->sched.vtime + WAKE_GRANULARITY_NS < curr->sched.vtime;
}

const struct sched_ops sched_credit_ops = {
	.name = "credit",
	.enqueue = enqueue,
	.pick = pick,
	.charge = charge,
	.preempts = preempts,
};
