/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domains and vCPUs: creation, the guest's own shutdown, the hypervisor's crash of a
 * misbehaving guest, and the post-mortem (state, registers, last hypercalls). A guest's
 * death never takes the hypervisor with it; in testmode the death of dom0 ends the
 * machine with an exit code that says how it died.
 */
#include <kestrel/arch.h>
#include <kestrel/domain.h>
#include <kestrel/event.h>
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <public/sched.h>

struct domain *dom0;

/* Every live domain by id; written only when a domain is created or destroyed. */
static struct domain *domains[DOMID_FIRST_RESERVED];

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

static void vcpu_timer_fired(struct timer *t, void *data)
{
	send_guest_vcpu_virq(data, VIRQ_TIMER);
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
		timer_init(&v->singleshot_timer, vcpu_timer_fired, v);
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
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	spin_lock(&d->lock);
	if (d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING) {
		spin_unlock(&d->lock);
		return;
	}
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
}

void domain_destroy(struct domain *d)
{
	u16 domid = d->domid;
	u64 freed;
	unsigned int problems;

	d->state = DOMAIN_DYING;
	sched_quiesce(d);
	freed = arch_domain_relinquish(d);
	if (domid < DOMID_FIRST_RESERVED)
		domains[domid] = NULL;
	if (d == dom0)
		dom0 = NULL;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		stop_timer(&d->vcpus[i]->singleshot_timer);
		xfree(d->vcpus[i]);
	}
	xfree(d->evtchn);
	xfree(d);
	printk("d%u: destroyed, %llu frames returned to the allocator\n", domid,
	       (unsigned long long)freed);
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
