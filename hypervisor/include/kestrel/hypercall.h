/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercalls implemented in common code, and what they need from the architecture.
 * Handlers take the raw argument registers and return a long: >= 0 or a negative Xen errno.
 */
#ifndef KESTREL_HYPERCALL_H
#define KESTREL_HYPERCALL_H

#include <kestrel/domain.h>

/* common/version.c */
long do_xen_version(u64 cmd, u64 arg);
/* common/console.c */
long do_console_io(u64 cmd, u64 count, u64 buf);
void console_guest_write(struct domain *d, const char *s, size_t len);
/* Print what is left of a dying domain's unfinished console line. */
void console_domain_flush(struct domain *d);
/* common/schedop.c */
long do_sched_op(u64 cmd, u64 arg);
/* Stop and free the domain's SCHEDOP_watchdog timers (domain_destroy). */
void sched_watchdog_release(struct domain *d);
/* common/vcpu_op.c */
long do_vcpu_op(u64 cmd, u64 vcpuid, u64 arg);
long do_set_timer_op(u64 timeout);

/* Architecture hooks */
struct vcpu *arch_current_vcpu(void);
/* Move v's vcpu_info to (mfn, offset) in a frame its domain owns; 0 or -errno. */
int arch_vcpu_register_vcpu_info(struct vcpu *v, u64 mfn, u64 offset);
struct vcpu_runstate_info;
/* v's run-state accounting. */
void arch_vcpu_runstate(struct vcpu *v, struct vcpu_runstate_info *rs);
/* Write v's runstate to its registered area, if any. */
void arch_vcpu_update_runstate(struct vcpu *v);
u64 arch_hypervisor_virt_start(void);
/* VCPUOP_initialise: v (never run) takes the guest's vcpu_guest_context at arg. */
int arch_vcpu_initialise(struct vcpu *v, u64 arg);
/* Make an NMI pending for v; delivered on its next return to the guest. */
void arch_vcpu_send_nmi(struct vcpu *v);

#endif
