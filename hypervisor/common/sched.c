/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's mechanism (policy in sched_credit.c, model in sched.h): run queues,
 * vCPU state changes (start, wake, block, poll, yield, stop), the schedule() decision on
 * the way back to a guest, load balancing by idle CPUs, and run-state accounting.
 */
#include <kestrel/arch.h>
#include <kestrel/domain.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/lib.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <kestrel/vtimer.h>
#include <public/vcpu.h>

static DEFINE_SPINLOCK(sched_lock);
static struct sched_cpu cpus[SCHED_MAX_CPUS]; /* set up by sched_init, then fixed */

/* CPUs that run vCPUs: the online ones, numbered densely from 0. */
static unsigned int nr_sched_cpus(void)
{
	return MIN(arch_nr_cpus(), (unsigned int)SCHED_MAX_CPUS);
}
static const struct sched_ops *ops = &sched_credit_ops;

static unsigned long lock(void)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&sched_lock);
	return flags;
}

static void unlock(unsigned long flags)
{
	spin_unlock(&sched_lock);
	arch_irq_restore(flags);
}

/* ------------------------------------------------------------------ run states */

static unsigned int runstate_of(unsigned int state)
{
	switch (state) {
	case VCPU_RUNNING:
		return RUNSTATE_running;
	case VCPU_RUNNABLE:
		return RUNSTATE_runnable;
	case VCPU_BLOCKED:
		return RUNSTATE_blocked;
	default:
		return RUNSTATE_offline;
	}
}

/* Every state change goes through here: it keeps the run-state times. */
static void set_state(struct vcpu *v, unsigned int state, u64 now)
{
	struct sched_vcpu *s = &v->sched;

	s->rs_time[s->rs_state] += now - s->rs_entry_ns;
	s->rs_entry_ns = now;
	s->rs_state = runstate_of(state);
	v->state = state;
}

void sched_runstate(const struct vcpu *v, u64 now, unsigned int *state, u64 *entry,
		    u64 time[4])
{
	unsigned long flags = lock();

	*state = v->sched.rs_state;
	*entry = v->sched.rs_entry_ns;
	for (unsigned int i = 0; i < 4; i++)
		time[i] = v->sched.rs_time[i];
	time[*state] += now - *entry;
	unlock(flags);
}

/* ------------------------------------------------------------------ queues */

static void dequeue(struct vcpu *v)
{
	if (!v->sched.queued)
		return;
	list_del(&v->sched.q);
	v->sched.queued = false;
	cpus[v->sched.processor].nr_queued--;
}

static void resched(struct sched_cpu *sc)
{
	sc->need_resched = true;
	arch_kick_cpu(sc->cpu);
}

/* An idle CPU if there is one (preferring v's own), else v's own CPU. */
static struct sched_cpu *place(const struct vcpu *v)
{
	struct sched_cpu *own = &cpus[v->sched.processor];

	if (!own->curr && !own->nr_queued)
		return own;
	for (unsigned int i = 0; i < nr_sched_cpus(); i++)
		if (!cpus[i].curr && !cpus[i].nr_queued && !cpus[i].need_resched)
			return &cpus[i];
	return own;
}

/* v becomes RUNNABLE on a queue, preempting what runs there if the policy says so. */
static void make_runnable(struct vcpu *v, u64 now)
{
	struct sched_cpu *sc;

	if (cpus[v->sched.processor].curr == v) {
		/* It has not left its CPU yet (it blocked or stopped a moment ago): it just
		 * goes on there. */
		set_state(v, VCPU_RUNNING, now);
		return;
	}
	sc = place(v);
	set_state(v, VCPU_RUNNABLE, now);
	v->sched.processor = sc->cpu;
	ops->enqueue(sc, v, now, true);
	v->sched.queued = true;
	sc->nr_queued++;
	if (ops->preempts(v, sc->curr))
		resched(sc);
}

/* ------------------------------------------------------------------ state changes */

void vcpu_start(struct vcpu *v)
{
	unsigned long flags = lock();

	if (v->state == VCPU_DOWN || v->state == VCPU_PAUSED)
		make_runnable(v, now_ns());
	unlock(flags);
}

static void end_poll(struct vcpu *v)
{
	if (!v->sched.polling)
		return;
	v->sched.polling = false;
	v->sched.poll_nr = 0;
	stop_timer(&v->sched.poll_timer);
}

void vcpu_wake(struct vcpu *v)
{
	unsigned long flags = lock();

	if (v->state == VCPU_BLOCKED) {
		end_poll(v);
		make_runnable(v, now_ns());
	}
	unlock(flags);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned long flags = lock();

	if (v->state == VCPU_BLOCKED && (!v->sched.polling || evtchn_upcall_due(v))) {
		end_poll(v);
		make_runnable(v, now_ns());
	} else if (v->state == VCPU_RUNNING) {
		arch_kick_cpu(v->sched.processor); /* events are delivered on its exit path */
	}
	unlock(flags);
}

void vcpu_block(struct vcpu *v)
{
	unsigned long flags = lock();

	/* Checked under the lock: an event sent before it is seen, one after it wakes. */
	if (v->state == VCPU_RUNNING && !evtchn_upcall_due(v)) {
		set_state(v, VCPU_BLOCKED, now_ns());
		cpus[v->sched.processor].need_resched = true;
	}
	unlock(flags);
}

static bool polled_pending(const struct vcpu *v)
{
	const struct shared_info *s = v->domain->arch.shared_info;

	for (unsigned int i = 0; i < v->sched.poll_nr; i++) {
		u32 p = v->sched.poll_ports[i];

		if (p < EVTCHN_NR_PORTS && (s->evtchn_pending[p / 64] >> (p % 64)) & 1)
			return true;
	}
	return false;
}

static void poll_timeout(struct timer *t, void *data)
{
	vcpu_wake(data);
}

void vcpu_poll(struct vcpu *v, const u32 *ports, unsigned int nr, u64 timeout)
{
	unsigned long flags = lock();

	v->sched.poll_nr = MIN(nr, (unsigned int)SCHED_POLL_MAX);
	memcpy(v->sched.poll_ports, ports, v->sched.poll_nr * sizeof(u32));
	if (v->state != VCPU_RUNNING || polled_pending(v) || evtchn_upcall_due(v) ||
	    (timeout && timeout <= now_ns())) {
		unlock(flags);
		return;
	}
	v->sched.polling = true;
	set_state(v, VCPU_BLOCKED, now_ns());
	cpus[v->sched.processor].need_resched = true;
	if (timeout)
		set_timer(&v->sched.poll_timer, timeout); /* on this CPU; stopped by end_poll */
	unlock(flags);
}

void sched_port_pending(struct domain *d, unsigned int port)
{
	unsigned long flags = lock();

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v->state != VCPU_BLOCKED || !v->sched.polling)
			continue;
		for (unsigned int k = 0; k < v->sched.poll_nr; k++)
			if (v->sched.poll_ports[k] == port) {
				end_poll(v);
				make_runnable(v, now_ns());
				break;
			}
	}
	unlock(flags);
}

void vcpu_yield(struct vcpu *v)
{
	unsigned long flags = lock();

	cpus[v->sched.processor].need_resched = true;
	unlock(flags);
}

void vcpu_stop(struct vcpu *v, unsigned int state)
{
	unsigned long flags = lock();
	bool running = v->state == VCPU_RUNNING;

	dequeue(v);
	end_poll(v);
	set_state(v, state, now_ns());
	if (running)
		resched(&cpus[v->sched.processor]);
	unlock(flags);
}

void sched_quiesce(struct domain *d)
{
	for (;;) {
		bool busy = false;
		unsigned long flags = lock();

		for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++)
			if (i != arch_cpu_id() && cpus[i].curr && cpus[i].curr->domain == d) {
				resched(&cpus[i]);
				busy = true;
			}
		unlock(flags);
		if (!busy)
			return;
		cpu_relax();
	}
}

/* ------------------------------------------------------------------ parameters */

int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	unsigned long flags;

	if (!weight || weight > SCHED_MAX_WEIGHT || cap > 100 * SCHED_MAX_CPUS)
		return -EINVAL;
	flags = lock();
	d->sched.weight = weight;
	d->sched.cap = cap;
	unlock(flags);
	return 0;
}

void sched_init_domain(struct domain *d)
{
	d->sched.weight = SCHED_DEFAULT_WEIGHT;
	d->sched.cap = 0;
}

void sched_init_vcpu(struct vcpu *v)
{
	list_init(&v->sched.q);
	v->sched.processor = v->vcpu_id % nr_sched_cpus();
	v->sched.rs_state = RUNSTATE_offline;
	v->sched.rs_entry_ns = now_ns();
	timer_init(&v->sched.poll_timer, poll_timeout, v);
}

/* ------------------------------------------------------------------ the decision */

bool sched_need_resched(void)
{
	return cpus[arch_cpu_id()].need_resched;
}

static void slice_end(struct timer *t, void *data)
{
	struct sched_cpu *sc = data;

	sc->need_resched = true; /* this CPU: its exit path or idle loop sees it */
}

/* An idle CPU takes a waiting vCPU from the busiest other queue. */
static struct vcpu *steal(struct sched_cpu *sc, u64 now, u64 *slice)
{
	struct sched_cpu *busiest = NULL;
	struct vcpu *v;

	for (unsigned int i = 0; i < nr_sched_cpus(); i++)
		if (&cpus[i] != sc && cpus[i].nr_queued &&
		    (!busiest || cpus[i].nr_queued > busiest->nr_queued))
			busiest = &cpus[i];
	if (!busiest)
		return NULL;
	v = ops->pick(busiest, now, slice);
	if (v) {
		v->sched.queued = false;
		busiest->nr_queued--;
	}
	return v;
}

static void wake_idle_cpu(const struct sched_cpu *busy)
{
	for (unsigned int i = 0; i < nr_sched_cpus(); i++)
		if (&cpus[i] != busy && !cpus[i].curr && !cpus[i].need_resched) {
			resched(&cpus[i]);
			return;
		}
}

static void charge(struct vcpu *v, u64 now)
{
	u64 ran = now - v->sched.started_ns;

	v->sched.cpu_time_ns += ran;
	v->domain->sched.cpu_time_ns += ran;
	ops->charge(v, ran, now);
	v->sched.started_ns = now;
}

void schedule(void)
{
	struct sched_cpu *sc = &cpus[arch_cpu_id()];
	struct vcpu *prev, *next;
	u64 now, slice = 0;
	unsigned long flags = lock();

	now = now_ns();
	sc->need_resched = false;
	prev = sc->curr;
	if (prev) {
		charge(prev, now);
		if (prev->state == VCPU_RUNNING) { /* preempted or yielded: back in line */
			set_state(prev, VCPU_RUNNABLE, now);
			ops->enqueue(sc, prev, now, false);
			prev->sched.queued = true;
			sc->nr_queued++;
		}
	}
	next = ops->pick(sc, now, &slice);
	if (next) {
		next->sched.queued = false;
		sc->nr_queued--;
	} else {
		next = steal(sc, now, &slice);
	}
	if (next) {
		set_state(next, VCPU_RUNNING, now);
		next->sched.processor = sc->cpu;
		next->sched.started_ns = now;
	}
	if (slice)
		set_timer(&sc->slice, now + slice); /* the slice, or the end of a cap period */
	else
		stop_timer(&sc->slice);
	sc->curr = next;
	if (sc->nr_queued)
		wake_idle_cpu(sc); /* work is waiting here: an idle CPU can take it */
	if (prev && next != prev)
		prev->sched.ctx_saving = true; /* until arch_context_switch has saved it */
	unlock(flags);
	if (next != prev) {
		vtimer_context_switch(prev, next); /* the periodic timer follows the vCPU */
		arch_context_switch(prev, next);
	}
}

void sched_context_saved(struct vcpu *prev)
{
	__atomic_store_n(&prev->sched.ctx_saving, false, __ATOMIC_RELEASE);
}

void sched_wait_context_saved(struct vcpu *next)
{
	while (__atomic_load_n(&next->sched.ctx_saving, __ATOMIC_ACQUIRE))
		cpu_relax();
}

struct vcpu *sched_cpu_curr(unsigned int cpu)
{
	return cpu < SCHED_MAX_CPUS ? __atomic_load_n(&cpus[cpu].curr, __ATOMIC_ACQUIRE) : NULL;
}

void __noreturn sched_idle_loop(void)
{
	for (;;) {
		domain_reap_dead(); /* dead domUs: destroyed here, off every CPU */
		arch_irq_save();
		if (cpus[arch_cpu_id()].need_resched || cpus[arch_cpu_id()].nr_queued)
			schedule(); /* switches away when it finds work */
		arch_idle();    /* enables interrupts and halts */
	}
}

void sched_init(unsigned int nr_cpus)
{
	for (unsigned int i = 0; i < MIN(nr_cpus, (unsigned int)SCHED_MAX_CPUS); i++) {
		cpus[i].cpu = i;
		list_init(&cpus[i].runq);
		timer_init(&cpus[i].slice, slice_end, &cpus[i]);
	}
}
