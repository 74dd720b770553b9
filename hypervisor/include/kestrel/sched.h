/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler (common/sched.c): which vCPU each physical CPU runs.
 *
 * Every physical CPU has a run queue of runnable vCPUs and runs at most one vCPU; when it
 * has none it idles in the architecture's halt. A vCPU is RUNNING on one CPU, RUNNABLE on
 * one queue, BLOCKED (SCHEDOP_block/poll: woken by an event), or DOWN/PAUSED (on no
 * queue). The policy - which queued vCPU runs next and for how long - sits behind the
 * sched_ops table, so another policy can be added beside the default one (credit, in
 * common/sched_credit.c).
 *
 * Switching happens only on the way back to a guest (or in the idle loop): wakeups and
 * time-slice ends set the CPU's need_resched flag, and an IPI makes another CPU look at it.
 *
 * Locking: one lock (sched_lock, taken with interrupts off) covers every run queue, every
 * vCPU's scheduler fields and state, and each domain's scheduler parameters. Machines
 * Kestrel runs on have few CPUs; per-CPU locks can come when that changes.
 */
#ifndef KESTREL_SCHED_H
#define KESTREL_SCHED_H

#include <kestrel/list.h>
#include <kestrel/timer.h>
#include <kestrel/types.h>

struct vcpu;
struct domain;

#define SCHED_MAX_CPUS 64
#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_MAX_WEIGHT 65535
#define SCHED_POLL_MAX 128 /* ports one SCHEDOP_poll may name */

/* Per-vCPU scheduler state (in struct vcpu). */
struct sched_vcpu {
	unsigned int processor;  /* CPU it runs on, or last ran or is queued on */
	bool ctx_saving;         /* switched out, its state still being saved: not loadable */
	struct list_head q;      /* run queue link, while queued */
	bool queued;
	u64 vtime;               /* credit: weighted virtual time, ns */
	u64 started_ns;          /* when it last started running */
	u64 cpu_time_ns;         /* total time run */
	/* run state accounting (XEN RUNSTATE_*): state since entry_ns, time in each */
	unsigned int rs_state;
	u64 rs_entry_ns;
	u64 rs_time[4];
	/* SCHEDOP_poll: the ports polled while polling, and the timeout */
	bool polling;
	unsigned int poll_nr;
	u32 poll_ports[SCHED_POLL_MAX];
	struct timer poll_timer;
};

/* Per-domain scheduler parameters (in struct domain). */
struct sched_domain {
	unsigned int weight;  /* share against other domains, 1..65535 (256 default) */
	unsigned int cap;     /* at most this % of one CPU; 0 = no cap */
	u64 cap_period_start, cap_used_ns;
	u64 cpu_time_ns;      /* all vCPUs together */
};

/* One physical CPU's queue. */
struct sched_cpu {
	unsigned int cpu;
	struct list_head runq; /* RUNNABLE vCPUs, in the policy's order */
	unsigned int nr_queued;
	struct vcpu *curr;     /* running here, NULL when idle */
	bool need_resched;
	struct timer slice;    /* ends the running vCPU's time slice */
};

/* A scheduling policy. All hooks run under sched_lock. */
struct sched_ops {
	const char *name;
	/* v becomes runnable on sc (new, woken, or preempted when it was running) */
	void (*enqueue)(struct sched_cpu *sc, struct vcpu *v, u64 now, bool woken);
	/* take the vCPU that runs next from sc's queue, or NULL; *slice_ns: how long */
	struct vcpu *(*pick)(struct sched_cpu *sc, u64 now, u64 *slice_ns);
	/* v ran for ns */
	void (*charge)(struct vcpu *v, u64 ns, u64 now);
	/* should a woken v take the CPU from curr (NULL: idle) now? */
	bool (*preempts)(const struct vcpu *v, const struct vcpu *curr);
};

extern const struct sched_ops sched_credit_ops;

/* Set up the queues of nr_cpus CPUs (the boot CPU calls it once). */
void sched_init(unsigned int nr_cpus);

/* A new vCPU of d becomes RUNNABLE (VCPUOP_up, domain start). */
void vcpu_start(struct vcpu *v);
/* v (DOWN, BLOCKED) becomes runnable: events arrived, poll ended, or it was unpaused. */
void vcpu_wake(struct vcpu *v);
/*
 * Events are pending for v: wake it if it blocks or polls, and make the CPU it runs on
 * look at them.
 */
void vcpu_kick(struct vcpu *v);
/* The running vCPU blocks until an event is pending for it (SCHEDOP_block). */
void vcpu_block(struct vcpu *v);
/*
 * The running vCPU polls: it blocks until one of ports[0..nr) (nr <= SCHED_POLL_MAX, copied)
 * is pending, an event is due, or the timeout (absolute system time, 0 = none) passes.
 */
void vcpu_poll(struct vcpu *v, const u32 *ports, unsigned int nr, u64 timeout);
/* A port of d became pending: wake the vCPUs polling it. */
void sched_port_pending(struct domain *d, unsigned int port);
/* The running vCPU gives up the rest of its slice. */
void vcpu_yield(struct vcpu *v);
/* v stops (DOWN or PAUSED): off its queue, or off its CPU at the next exit. */
void vcpu_stop(struct vcpu *v, unsigned int state);

/* Wait until no other CPU runs a vCPU of d (they were stopped and kicked). */
void sched_quiesce(struct domain *d);

/* Weight and cap of a domain; -EINVAL out of range. */
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap);
void sched_init_domain(struct domain *d);
void sched_init_vcpu(struct vcpu *v);

/* Does this CPU have to reschedule? (read on the way back to a guest) */
bool sched_need_resched(void);
/*
 * Pick what this CPU runs next and switch to it. Called with interrupts off, from the
 * way back to a guest or the idle loop; returns only when the current vCPU (or idle)
 * keeps the CPU.
 */
void schedule(void);
/* The idle loop of every CPU: sleep until there is something to run. */
void __noreturn sched_idle_loop(void);

/* Run-state snapshot of v at now (RUNSTATE_* times). */
void sched_runstate(const struct vcpu *v, u64 now, unsigned int *state, u64 *entry,
		    u64 time[4]);

/* ---- architecture hooks ---- */
/*
 * Leave prev (NULL: idle) for next (NULL: idle): save prev's state from this CPU, load
 * next's, and enter it. Does not return.
 */
void __noreturn arch_context_switch(struct vcpu *prev, struct vcpu *next);
/* Make CPU cpu run its exit path soon (an IPI; nothing if it is this CPU). */
void arch_kick_cpu(unsigned int cpu);
/* For arch_context_switch: prev's state is saved / wait until next's is. */
void sched_context_saved(struct vcpu *prev);
void sched_wait_context_saved(struct vcpu *next);
/* The vCPU running on CPU cpu (NULL: idle or none). */
struct vcpu *sched_cpu_curr(unsigned int cpu);

#endif
