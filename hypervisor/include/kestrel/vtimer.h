/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's timers (common/vtimer.c), with Xen's semantics. Both raise VIRQ_TIMER on the
 * vCPU; deadlines are absolute system time (ns since boot, the time base of the guest's
 * pvclock).
 *
 * - The single-shot timer (VCPUOP_set_singleshot_timer, set_timer_op) runs whether or
 *   not the vCPU is on a CPU, so it wakes a blocked vCPU.
 * - The periodic timer (VCPUOP_set_periodic_timer; 10 ms from creation, as Xen gives PV
 *   vCPUs) runs only while the vCPU is on a CPU: it is stopped when the vCPU leaves its
 *   CPU, and when the vCPU comes back a period that ended meanwhile raises one event at
 *   once. A blocked vCPU is therefore never woken by it.
 */
#ifndef KESTREL_VTIMER_H
#define KESTREL_VTIMER_H

#include <kestrel/types.h>

struct vcpu;

#define VTIMER_PERIOD_MIN     1000000ULL   /* 1 ms: shorter periods are refused */
#define VTIMER_PERIOD_MAX     (~0ULL >> 2) /* Xen's STIME_DELTA_MAX */
#define VTIMER_PERIOD_DEFAULT 10000000ULL  /* what a new vCPU starts with */

/* Set up v's timers (v is new and not running). */
void vtimer_init_vcpu(struct vcpu *v);
/* Stop both of v's timers for good (v no longer runs). */
void vtimer_kill_vcpu(struct vcpu *v);

/* Arm the single-shot timer of v (the calling vCPU); a deadline before now fires now. */
void vtimer_set_singleshot(struct vcpu *v, u64 deadline);
void vtimer_stop_singleshot(struct vcpu *v);
/*
 * set_timer_op: 0 stops the single-shot timer; a deadline that is negative as an s64 or
 * more than 2^50 ns away becomes "100 ms from now" (Xen's guard against wrapped jiffies).
 */
void vtimer_set_timer_op(struct vcpu *v, u64 deadline);

/*
 * Set v's period: VIRQ_TIMER every period_ns while v is on a CPU. Returns 0, or -EINVAL
 * for a period below VTIMER_PERIOD_MIN or above VTIMER_PERIOD_MAX.
 */
int vtimer_set_periodic(struct vcpu *v, u64 period_ns);
void vtimer_stop_periodic(struct vcpu *v);

/* The scheduler switches this CPU from prev to next (either may be NULL: idle). */
void vtimer_context_switch(struct vcpu *prev, struct vcpu *next);

#endif
