/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domains and vCPUs (common/domain.c).
 *
 * Life cycle of a domain: CREATED (being built) -> RUNNING -> SHUTDOWN (the guest asked,
 * with a reason) or CRASHED (the hypervisor killed it, with a recorded reason) -> DYING
 * (being torn down). PAUSED is a RUNNING domain whose vCPUs do not run.
 * A vCPU is DOWN (not initialised or brought down), RUNNABLE, RUNNING, BLOCKED or PAUSED.
 *
 * Locking: d->lock protects the state fields of the domain and its vCPUs; the hypercall
 * trace ring is written only by the CPU running the domain's vCPU.
 * Lifetime: domains are allocated from the heap by domain_create() and live until
 * domain_destroy(); dom0 lives for the life of the machine. Any other domain that shuts
 * down or is crashed is queued when its vCPUs are stopped and destroyed by the next CPU
 * that goes idle (domain_reap_dead()), once none of its vCPUs is on a CPU.
 */
#ifndef KESTREL_DOMAIN_H
#define KESTREL_DOMAIN_H

#include <kestrel/types.h>
#include <kestrel/list.h>
#include <kestrel/spinlock.h>
#include <kestrel/sched.h>
#include <kestrel/timer.h>
#include <asm/domain.h>

#define MAX_VCPUS 32
#define HYPERCALL_TRACE_LEN 16
#define PT_MAX_DYING 16 /* see page_type.c: the drain is depth-first, 4 levels deep */

enum domain_state {
	DOMAIN_CREATED,
	DOMAIN_RUNNING,
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN,
	DOMAIN_CRASHED,
	DOMAIN_DYING,
};

enum vcpu_state {
	VCPU_DOWN,
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_BLOCKED,
	VCPU_PAUSED,
};

struct hypercall_record {
	bool valid;
	u64 nr;
	u64 args[5];
	s64 result;
};

struct domain;
struct evtchn;

struct vcpu {
	unsigned int vcpu_id;
	struct domain *domain;
	enum vcpu_state state;
	bool initialised; /* has a context (dom0's vCPU 0, or VCPUOP_initialise) */
	struct timer singleshot_timer; /* VCPUOP_set_singleshot_timer, raises VIRQ_TIMER */
	/* Guest time (common/vtimer.c): periodic VIRQ_TIMER, under timer_lock (irqs off) */
	spinlock_t timer_lock;
	struct timer periodic_timer; /* armed only while the vCPU is on a CPU, as in Xen */
	u64 periodic_period;         /* ns, 0 = off */
	u64 periodic_last;           /* system time of the last periodic event */
	u64 time_area;               /* VCPUOP_register_vcpu_time_memory_area VA, 0 = none */
	struct sched_vcpu sched;       /* common/sched.c; state changes go through it */
	struct arch_vcpu arch; /* registers, mode, trap table, callbacks... (asm/domain.h) */
};

struct domain {
	u16 domid;
	char name[32];             /* a boot-time domU's name= ("" if none); set at build */
	bool is_privileged;        /* dom0: I/O, console read, privileged hypercalls */
	enum domain_state state;
	unsigned int shutdown_reason; /* SHUTDOWN_* when state is SHUTDOWN */
	unsigned int shutdown_code;   /* SCHEDOP_shutdown_code, reported on shutdown */
	char crash_reason[160];       /* why the hypervisor crashed it */
	spinlock_t lock;

	unsigned int nr_vcpus;
	struct vcpu *vcpus[MAX_VCPUS];

	/* memory: mm_lock covers page_list, the counts and every type/reference change of
	 * the domain's frames (common/page_type.c) */
	spinlock_t mm_lock;
	struct list_head page_list; /* frames the domain owns, through page_info.list */
	u64 tot_pages, max_pages;
	/* page tables whose references are being released, innermost last (pt_drain()) */
	struct page_info *dying[PT_MAX_DYING];
	unsigned int nr_dying;

	/* console_io (common/console.c), under console_lock: the write rate limit (a token
	 * bucket in bytes), and a domU's unfinished line (printed with its "(dN) " prefix
	 * once complete) */
	spinlock_t console_lock;
	u64 console_tokens, console_last_ns;
	bool console_suppressed;
	unsigned int console_line_len;
	char console_line[160];

	bool trace_hypercalls;
	unsigned int trace_next; /* next slot of the ring below */
	struct hypercall_record trace[HYPERCALL_TRACE_LEN];

	struct sched_domain sched; /* weight, cap, CPU time (under sched_lock) */

	/* event channels (common/event_channel.c) */
	struct evtchn *evtchn; /* EVTCHN_NR_PORTS entries */
	u32 evtchn_valid;      /* ports below this exist: grows by EVTCHN_BUCKET, as in Xen */
	u32 virq_to_port[MAX_VCPUS][NR_VIRQS];

	struct domain *reap_next; /* on the list of dead domains to destroy (reap_lock) */

	struct arch_domain arch;
};

extern struct domain *dom0;

/* The domain with this id, or NULL. */
struct domain *domain_by_id(u16 domid);

/* Allocate a domain with nr_vcpus vCPUs (all DOWN); NULL on exhaustion or bad input. */
struct domain *domain_create(u16 domid, unsigned int nr_vcpus, bool privileged);

/* The guest asked to stop (SCHEDOP_shutdown): record the reason and stop its vCPUs. */
void domain_shutdown(struct domain *d, unsigned int reason);

/*
 * The hypervisor kills the domain: record the reason, print its state (reason, registers
 * of the current vCPU, last hypercalls) and stop its vCPUs.
 */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

const char *domain_state_name(enum domain_state s);
const char *shutdown_reason_name(unsigned int reason);

/*
 * Tear a stopped domain down: every frame goes back to the allocator with its type and
 * counts cleared, then the domain itself is freed. In testmode the frame table is then
 * checked for leftovers of the domain (printed as "frame table consistent" or the
 * problems found).
 */
void domain_destroy(struct domain *d);

/*
 * Destroy the domains that died (domUs shut down or crashed) and wait in a queue. Called
 * by the scheduler's idle loop; each is destroyed once none of its vCPUs is on a CPU.
 */
void domain_reap_dead(void);

/* Remember one hypercall for the post-mortem (and print it when tracing). */
void hypercall_trace(struct domain *d, const struct hypercall_record *r);
void domain_dump_trace(const struct domain *d);

/* Architecture hooks for domain.c */
void arch_vcpu_dump(const struct vcpu *v);
void arch_domain_stopped(struct domain *d); /* the domain has no more runnable vCPUs */
/* Release the domain's memory (roots, pins, mappings, frames); returns frames freed. */
u64 arch_domain_relinquish(struct domain *d);
/* Frames still owned by domid or free with a type left: each printed, the count returned. */
unsigned int arch_frame_table_check(u16 domid);

#endif
