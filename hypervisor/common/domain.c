/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domains and vCPUs: creation, the guest's own shutdown, the hypervisor's crash of a
 * misbehaving guest, the post-mortem (state, registers, last hypercalls), and the
 * teardown. A guest's death never takes the hypervisor with it; in testmode the death of
 * dom0 ends the machine with an exit code that says how it died. Any other domain that
 * dies is destroyed - its memory back to the allocator - by the next CPU that goes idle:
 * not on the CPU of its own hypercall or fault, which still runs on its vCPU.
 */
#include <kestrel/arch.h>
#include <kestrel/domain.h>
#include <kestrel/event.h>
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/hypercall.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <kestrel/vtimer.h>
#include <kestrel/spinlock.h>
#include <public/sched.h>

struct domain *dom0;

/* Every live domain by id; written only when a domain is created or destroyed. */
static struct domain *domains[DOMID_FIRST_RESERVED];

/* Dead domains waiting for domain_reap_dead(), and whether a CPU is reaping (reap_lock,
 * taken with interrupts off: a watchdog timer may kill a domain). */
static DEFINE_SPINLOCK(reap_lock);
static struct domain *reap_head;
static bool reaping;

struct domain *domain_by_id(u16 domid)
{
	return domid < DOMID_FIRST_RESERVED ? domains[domid] : NULL;
}

static const char *const state_names[] = {
	[DOMAIN_CREATED] = "created", [DOMAIN_RUNNING] = "running",
	[DOMAIN_PAUSED] = "paused",   [DOMAIN_SHUTDOWN] = "shut down",
	[DOMAIN_CRASHED] = "crashed", [DOMAIN_DYING] = "dying",
};

static const char *const reason_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

const char *domain_state_name(enum domain_state s)
{
	return (unsigned int)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

const char *shutdown_reason_name(unsigned int reason)
{
	return reason < ARRAY_SIZE(reason_names) && reason_names[reason] ? reason_names[reason]
									: "unknown";
}

/**
 * domain_create - allocate a domain and its vCPUs (all DOWN).
 * Returns NULL when nr_vcpus is 0 or above MAX_VCPUS, or memory is short.
 */
struct domain *domain_create(u16 domid, unsigned int nr_vcpus, bool privileged)
{
	struct domain *d;

	if (!nr_vcpus || nr_vcpus > MAX_VCPUS)
		return NULL;
	d = xzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->is_privileged = privileged;
	d->state = DOMAIN_CREATED;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->mm_lock);
	spin_lock_init(&d->console_lock);
	list_init(&d->page_list);
	sched_init_domain(d);
	if (evtchn_init(d)) {
		xfree(d);
		return NULL;
	}
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = xzalloc(sizeof(*v));

		if (!v)
			goto fail;
		v->vcpu_id = i;
		v->domain = d;
		v->state = VCPU_DOWN;
		vtimer_init_vcpu(v);
		sched_init_vcpu(v);
		d->vcpus[i] = v;
		d->nr_vcpus = i + 1;
	}
	if (domid < DOMID_FIRST_RESERVED)
		domains[domid] = d;
	return d;
fail:
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		xfree(d->vcpus[i]);
	xfree(d->evtchn);
	xfree(d);
	return NULL;
}

/* The post-mortem: registers of the vCPUs that were running, and the last hypercalls. */
static void dump_state(const struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->state == VCPU_RUNNING)
			arch_vcpu_dump(d->vcpus[i]);
	domain_dump_trace(d);
}

static void stop_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vcpu_stop(d->vcpus[i], VCPU_DOWN);
	arch_domain_stopped(d);
}

/* A dead domain other than dom0: queue it for an idle CPU to destroy, and wake them. */
static void reap_later(struct domain *d)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&reap_lock);
	d->reap_next = reap_head;
	reap_head = d;
	spin_unlock(&reap_lock);
	arch_irq_restore(flags);
	for (unsigned int cpu = 0; cpu < arch_nr_cpus(); cpu++)
		arch_kick_cpu(cpu); /* an idle CPU wakes and reaps; this one does when it idles */
}

/* The next dead domain to destroy, or NULL (and this CPU stops reaping). */
static struct domain *next_dead(void)
{
	unsigned long flags = arch_irq_save();
	struct domain *d;

	spin_lock(&reap_lock);
	d = reap_head;
	if (d)
		reap_head = d->reap_next;
	else
		reaping = false;
	spin_unlock(&reap_lock);
	arch_irq_restore(flags);
	return d;
}

void domain_reap_dead(void)
{
	unsigned long flags;
	bool mine;
	struct domain *d;

	if (!__atomic_load_n(&reap_head, __ATOMIC_RELAXED))
		return;
	flags = arch_irq_save();
	spin_lock(&reap_lock);
	mine = !reaping; /* one CPU at a time: teardown and its audit are serial */
	reaping = true;
	spin_unlock(&reap_lock);
	if (mine) {
		/* With interrupts on: waiting for other CPUs to leave the domain may need
		 * this one to answer their IPIs (TLB flushes). */
		arch_irq_enable();
		while ((d = next_dead()))
			domain_destroy(d);
	}
	arch_irq_restore(flags);
}

/*
 * Make sure no vCPU of d is on any CPU or queue, or being saved, before its memory goes:
 * one of its vCPUs still in a hypercall could bring another up again, hence the loop.
 */
static void quiesce(struct domain *d)
{
	bool again;

	do {
		stop_vcpus(d);
		sched_quiesce(d);
		again = false;
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			sched_wait_context_saved(d->vcpus[i]);
			again |= d->vcpus[i]->state != VCPU_DOWN;
		}
	} while (again);
	sched_watchdog_release(d);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	spin_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED) {
		spin_unlock(&d->lock);
		return;
	}
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	spin_unlock(&d->lock);
	printk("d%u: shut down by the guest: %s (reason %u, code %u)\n", d->domid,
	       shutdown_reason_name(reason), reason, d->shutdown_code);
	dump_state(d);
	if (d == dom0 && opt_testmode) {
		bool clean = reason == SHUTDOWN_poweroff || reason == SHUTDOWN_reboot;

		stop_vcpus(d);
		domain_destroy(d);
		printk("testmode: dom0 %s, exiting with the %s code\n",
		       clean ? "shut down cleanly" : "reported a crash",
		       clean ? "success" : "guest-crash");
		arch_test_exit(clean ? TEST_EXIT_SUCCESS : TEST_EXIT_GUEST);
	}
	stop_vcpus(d);
	if (d != dom0)
		reap_later(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;
	bool queued; /* shut down already, and so waiting to be destroyed */

	spin_lock(&d->lock);
	if (d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING) {
		spin_unlock(&d->lock);
		return;
	}
	queued = d->state == DOMAIN_SHUTDOWN;
	d->state = DOMAIN_CRASHED;
	va_start(ap, fmt);
	kvsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	spin_unlock(&d->lock);

	printk(KERN_ERR "d%u: crashed by Kestrel: %s\n", d->domid, d->crash_reason);
	dump_state(d);
	printk(KERN_ERR "d%u: Kestrel keeps running\n", d->domid);
	if (d == dom0 && opt_testmode) {
		printk("testmode: dom0 crashed, exiting with the guest-crash code\n");
		arch_test_exit(TEST_EXIT_GUEST);
	}
	stop_vcpus(d);
	if (d != dom0 && !queued)
		reap_later(d);
}

void domain_destroy(struct domain *d)
{
	u16 domid = d->domid;
	u64 freed, cpu_ms;
	unsigned int problems;

	d->state = DOMAIN_DYING;
	quiesce(d);
	cpu_ms = d->sched.cpu_time_ns / NSEC_PER_MSEC;
	console_domain_flush(d);
	evtchn_destroy(d);
	freed = arch_domain_relinquish(d);
	if (domid < DOMID_FIRST_RESERVED)
		domains[domid] = NULL;
	if (d == dom0)
		dom0 = NULL;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		vtimer_kill_vcpu(d->vcpus[i]);
		xfree(d->vcpus[i]);
	}
	xfree(d->evtchn);
	xfree(d);
	printk("d%u: destroyed, %llu frames returned to the allocator, %llu ms of CPU used\n",
	       domid, (unsigned long long)freed, (unsigned long long)cpu_ms);
	if (!opt_testmode)
		return;
	problems = arch_frame_table_check(domid);
	if (problems)
		printk(KERN_ERR "d%u: frame table check: %u problems\n", domid, problems);
	else
		printk("d%u: frame table consistent after teardown\n", domid);
}

void hypercall_trace(struct domain *d, const struct hypercall_record *r)
{
	d->trace[d->trace_next] = *r;
	d->trace_next = (d->trace_next + 1) % HYPERCALL_TRACE_LEN;
	if (d->trace_hypercalls)
		printk("d%u: hypercall %llu (%#llx, %#llx, %#llx, %#llx, %#llx) = %lld\n", d->domid,
		       (unsigned long long)r->nr, (unsigned long long)r->args[0],
		       (unsigned long long)r->args[1], (unsigned long long)r->args[2],
		       (unsigned long long)r->args[3], (unsigned long long)r->args[4],
		       (long long)r->result);
}

void domain_dump_trace(const struct domain *d)
{
	printk(KERN_ERR "d%u: last hypercalls, oldest first:\n", d->domid);
	for (unsigned int i = 0; i < HYPERCALL_TRACE_LEN; i++) {
		const struct hypercall_record *r = &d->trace[(d->trace_next + i) %
							     HYPERCALL_TRACE_LEN];

		if (!r->valid)
			continue;
		printk(KERN_ERR "  hypercall %llu (%#llx, %#llx, %#llx, %#llx, %#llx) = %lld\n",
		       (unsigned long long)r->nr, (unsigned long long)r->args[0],
		       (unsigned long long)r->args[1], (unsigned long long)r->args[2],
		       (unsigned long long)r->args[3], (unsigned long long)r->args[4],
		       (long long)r->result);
	}
}
