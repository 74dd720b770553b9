/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks common code calls into the architecture (arch/x86/ implements them).
 * Common code never includes arch headers; it goes through these.
 */
#ifndef KESTREL_ARCH_H
#define KESTREL_ARCH_H

#include <kestrel/types.h>

/* Logical number of the running CPU (0 = boot CPU). */
unsigned int arch_cpu_id(void);
unsigned int arch_nr_cpus(void);

unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);

/*
 * Stop every other CPU (interrupts off, halted) and wait briefly for them.
 * Returns how many confirmed they stopped.
 */
unsigned int arch_halt_others(void);
/* Stop this CPU for good. */
void __noreturn arch_halt(void);
/* Sleep until an interrupt arrives. */
void arch_idle(void);

/*
 * In testmode, end the machine (QEMU's isa-debug-exit) with one of the TEST_EXIT_*
 * values. Does not return: QEMU exits asynchronously, and without the device the CPU
 * stays halted.
 */
void __noreturn arch_test_exit(int code);

/* Print a backtrace of the calling context. */
void arch_dump_stack(void);

/*
 * Trigger the deliberate fault named by testfault= (see docs/commands.md).
 * Returns -EINVAL for an unknown name; does not return for a known one.
 */
int arch_trigger_fault(const char *kind);

/*
 * Build dom0 from boot module 0 (module 1 is its initrd unless it is a domU kernel).
 * Returns 0 with *out set (RUNNING, no vCPU started yet), -EAGAIN for a dry run, or a
 * negative errno after printing why.
 */
struct domain;
struct domu_config;
int arch_build_dom0(struct domain **out);
/*
 * Build an unprivileged domain with id domid from boot module 'module' as c says.
 * Returns as arch_build_dom0(); on failure nothing of the domain is left allocated.
 */
int arch_build_domu(const struct domu_config *c, u16 domid, unsigned int module,
		    struct domain **out);
/* Run the started guests: this CPU enters the scheduler's idle loop. */
void __noreturn arch_run_guests(void);

/* Per-CPU timers: arm t on this CPU's queue at absolute system time 'expires' (ns). */
struct timer;
void set_timer(struct timer *t, u64 expires);
void stop_timer(struct timer *t);

#endif
