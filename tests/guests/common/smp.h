/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-vCPU support for the guest test kernels, brought up the way Linux's
 * arch/x86/xen/smp_pv.c does it:
 *
 *   smp_init()        enumerates the vCPUs with VCPUOP_is_up (stop at -ENOENT) and
 *                     registers a vcpu_info for every one of them
 *                     (VCPUOP_register_vcpu_info, all in one page, vCPU n at 64 * n).
 *   smp_initialise(n) VCPUOP_initialise(n) with a vcpu_guest_context built from the
 *                     current state (smp_build_context()).
 *   smp_up(n)         VCPUOP_up(n), then waits until vCPU n says it is online.
 *
 * A secondary vCPU starts at smp_ap_entry (entry.S) on its own stack with RDI = its
 * id and RSI = its struct percpu, whose address is also its kernel GS base (%gs:0
 * reads the struct's self pointer). It records what it found, then idles in
 * SCHEDOP_block waiting for work posted with smp_call(); a per-vCPU IPI port
 * (the "wake" port) wakes it up.
 *
 * The current vCPU's id comes from the stack pointer: vCPU n > 0 always runs on
 * smp_stacks[n - 1], vCPU 0 on the boot stack. Kernels that never call smp_init()
 * see no difference at all: smp_id() is 0 and this_vcpu_info() is vcpu0.
 *
 * Events: smp_init() installs an upcall handler that scans the calling vCPU's
 * selector and runs the handlers of the ports bound to that vCPU
 * (evtchn_set_handler()); ports bound elsewhere are left alone, as Linux does.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "test.h"

#define SMP_MAX_VCPUS	8
#define SMP_STACK_SIZE	(4 * 4096)

/* One per vCPU; smp_init() fills id/self/vi, the vCPU itself the entry_* fields. */
struct percpu {
	struct percpu *self;		/* @0: what %gs:0 reads on a secondary vCPU */
	unsigned int id;
	vcpu_info_t *vi;		/* its registered vcpu_info */
	unsigned int depth;		/* exception nesting, for traps.c */
	evtchn_port_t wake_port;	/* IPI port that wakes it for smp_call() (0: none) */
	volatile bool online;		/* set by the vCPU once it runs */
	/* What a secondary vCPU found at smp_ap_entry. */
	unsigned long entry_rdi, entry_rsi, entry_rsp, entry_gs0, entry_cs, entry_ss;
	unsigned long entry_ds, entry_mask;
	/* smp_call(): the BSP fills fn/arg, then bumps req; the vCPU bumps done. */
	void (*volatile fn)(void *arg);
	void *volatile arg;
	volatile unsigned long req, done;
};

extern struct percpu percpu[SMP_MAX_VCPUS];
extern char smp_stacks[SMP_MAX_VCPUS - 1][SMP_STACK_SIZE];
/* Number of vCPUs the domain has (after smp_init(); 1 before). */
extern unsigned int smp_nr_vcpus;

/* The id of the vCPU running this code. */
static inline unsigned int smp_id(void)
{
	unsigned long sp, off;

	asm volatile("mov %%rsp, %0" : "=r"(sp));
	off = sp - (unsigned long)smp_stacks;
	if (off < sizeof(smp_stacks))
		return off / SMP_STACK_SIZE + 1;
	return 0;
}

/* The vcpu_info of the vCPU running this code. */
static inline vcpu_info_t *this_vcpu_info(void)
{
	vcpu_info_t *vi = percpu[smp_id()].vi;

	return vi ? vi : vcpu0;
}

/*
 * Enumerates the vCPUs, registers a vcpu_info for each (vcpu0 moves too), installs
 * the event upcall handler. Returns the number of vCPUs, or a negative error from
 * VCPUOP_register_vcpu_info. Call once, from vCPU 0.
 */
long smp_init(void);
/* Fills ctx for vCPU cpu: entry smp_ap_entry, own stack, current CR3, traps, callbacks. */
void smp_build_context(unsigned int cpu, struct vcpu_guest_context *ctx);
/* VCPUOP_initialise(cpu) with smp_build_context(); returns the hypercall's result. */
long smp_initialise(unsigned int cpu);
/* VCPUOP_up(cpu) and waits (up to 5 s) for it to come online; the hypercall's result. */
long smp_up(unsigned int cpu);
/* smp_initialise() + smp_up(); 0, or the first error (the test gets an ERROR line). */
long smp_start(unsigned int cpu);
/*
 * Binds an IPI port to each secondary vCPU so that smp_call() can wake it from
 * SCHEDOP_block; without one the vCPU yields in a loop instead.
 */
void smp_bind_wake_ports(void);

/* Runs fn(arg) on vCPU cpu (not the caller) without waiting. */
void smp_call(unsigned int cpu, void (*fn)(void *), void *arg);
/* Waits up to timeout_ns for the last smp_call() on cpu to finish; false on timeout. */
bool smp_wait(unsigned int cpu, uint64_t timeout_ns);
/* smp_call() + smp_wait(cpu, 5 s); false (with an ERROR line) on timeout. */
bool smp_call_sync(unsigned int cpu, void (*fn)(void *), void *arg);

/*
 * Hypervisor system time in ns from the calling vCPU's own pvclock. Timeouts use
 * vCPU 0's (pt_now_ns()), so that they work even if a vCPU's clock does not.
 */
uint64_t smp_now_ns(void);
/* SCHEDOP_yield. */
void smp_relax(void);

/* Events on and off for the calling vCPU (the upcall runs if one is pending). */
void local_events_enable(void);
void local_events_disable(void);

/* ------------------------------------------------------------------ spinlock */
typedef struct {
	volatile uint32_t locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			asm volatile("pause");
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ events */
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);
/* Route port (bound to vCPU cpu) to handler; clears its mask bit. */
void evtchn_set_handler(evtchn_port_t port, unsigned int cpu, evtchn_handler_t handler,
			void *data);
/* Forget port's handler and mask it again. */
void evtchn_clear_handler(evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
/* EVTCHNOP_bind_ipi for vCPU cpu; the port, or a negative error. */
long evtchn_bind_ipi(unsigned int cpu);
long evtchn_close(evtchn_port_t port);

#endif /* GUEST_SMP_H */
