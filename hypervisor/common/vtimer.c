/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's single-shot and periodic timers (model in vtimer.h), as Xen 4.17 runs them
 * (xen/common/sched/core.c): both raise VIRQ_TIMER; the periodic one follows its vCPU on
 * and off the CPU.
 *
 * Timer callbacks run in the timer interrupt. Raising a VIRQ takes the event-channel lock,
 * which is only ever held with interrupts off, so a callback never finds it held on its
 * own CPU.
 */
#include <kestrel/arch.h>
#include <kestrel/domain.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/vtimer.h>
#include <public/xen.h>

#define HUGE_TIMEOUT_SHIFT    50 /* set_timer_op: 2^50 ns, about 13 days */
#define HUGE_TIMEOUT_FALLBACK (100 * NSEC_PER_MSEC)

static void singleshot_fired(struct timer *t, void *data)
{
	send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/*
 * The periodic work, under v->timer_lock, for a v on a CPU: raise the event if a period
 * ended, then arm the timer for the end of the current one.
 */
static void periodic_work(struct vcpu *v)
{
	u64 now = now_ns(), next = v->periodic_last + v->periodic_period;

	if (now >= next) {
		send_guest_vcpu_virq(v, VIRQ_TIMER);
		v->periodic_last = now;
		next = now + v->periodic_period;
	}
	set_timer(&v->periodic_timer, next);
}

static void periodic_fired(struct timer *t, void *data)
{
	struct vcpu *v = data;

	spin_lock(&v->timer_lock); /* interrupts are off in a callback */
	if (v->periodic_period)
		periodic_work(v);
	spin_unlock(&v->timer_lock);
}

void vtimer_init_vcpu(struct vcpu *v)
{
	spin_lock_init(&v->timer_lock);
	timer_init(&v->singleshot_timer, singleshot_fired, v);
	timer_init(&v->periodic_timer, periodic_fired, v);
	v->periodic_period = VTIMER_PERIOD_DEFAULT;
	v->periodic_last = 0;
}

void vtimer_kill_vcpu(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&v->timer_lock);
	v->periodic_period = 0;
	stop_timer(&v->periodic_timer);
	spin_unlock(&v->timer_lock);
	stop_timer(&v->singleshot_timer);
	arch_irq_restore(flags);
}

void vtimer_set_singleshot(struct vcpu *v, u64 deadline)
{
	if (deadline < now_ns()) {
		stop_timer(&v->singleshot_timer);
		send_guest_vcpu_virq(v, VIRQ_TIMER); /* already due: now */
		return;
	}
	set_timer(&v->singleshot_timer, deadline);
}

void vtimer_stop_singleshot(struct vcpu *v)
{
	stop_timer(&v->singleshot_timer);
}

void vtimer_set_timer_op(struct vcpu *v, u64 deadline)
{
	u64 now = now_ns();

	if (!deadline)
		stop_timer(&v->singleshot_timer);
	else if ((s64)deadline < 0 || (deadline > now && ((deadline - now) >> HUGE_TIMEOUT_SHIFT)))
		set_timer(&v->singleshot_timer, now + HUGE_TIMEOUT_FALLBACK);
	else
		set_timer(&v->singleshot_timer, deadline); /* a past one fires at once */
}

/* Change the period under the lock; the timer runs only if v is on a CPU. */
static void set_period(struct vcpu *v, u64 period_ns)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&v->timer_lock);
	stop_timer(&v->periodic_timer);
	v->periodic_period = period_ns;
	if (period_ns && v->state == VCPU_RUNNING)
		periodic_work(v);
	spin_unlock(&v->timer_lock);
	arch_irq_restore(flags);
}

int vtimer_set_periodic(struct vcpu *v, u64 period_ns)
{
	if (period_ns < VTIMER_PERIOD_MIN || period_ns > VTIMER_PERIOD_MAX)
		return -EINVAL;
	set_period(v, period_ns);
	return 0;
}

void vtimer_stop_periodic(struct vcpu *v)
{
	set_period(v, 0);
}

void vtimer_context_switch(struct vcpu *prev, struct vcpu *next)
{
	unsigned long flags = arch_irq_save();

	if (prev) {
		spin_lock(&prev->timer_lock);
		stop_timer(&prev->periodic_timer);
		spin_unlock(&prev->timer_lock);
	}
	if (next) {
		spin_lock(&next->timer_lock);
		if (next->periodic_period)
			periodic_work(next);
		spin_unlock(&next->timer_lock);
	}
	arch_irq_restore(flags);
}
