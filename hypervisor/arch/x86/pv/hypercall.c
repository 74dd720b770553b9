/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall dispatch for 64-bit PV guests. SYSCALL from guest kernel mode is a hypercall:
 * number in RAX, arguments in RDI, RSI, RDX, R10, R8, result in RAX; every other register
 * comes back as it was (RCX and R11 hold what SYSCALL put there). SYSCALL from guest user
 * mode goes to the guest kernel's syscall callback instead.
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/guest_access.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

/* Each handler keeps its own arity; the table records it. */
struct hypercall_entry {
	unsigned int nargs;
	union {
		long (*f0)(void);
		long (*f1)(u64);
		long (*f2)(u64, u64);
		long (*f3)(u64, u64, u64);
		long (*f4)(u64, u64, u64, u64);
	};
};

#define HC(nr, n, fn) [__HYPERVISOR_##nr] = { .nargs = n, .f##n = fn }

/* Read-only after boot. Holes answer -ENOSYS. */
static const struct hypercall_entry hypercall_table[64] = {
	HC(set_trap_table, 1, do_set_trap_table),
	HC(mmu_update, 4, do_mmu_update),
	HC(set_gdt, 2, do_set_gdt),
	HC(stack_switch, 2, do_stack_switch),
	HC(set_callbacks, 3, do_set_callbacks),
	HC(fpu_taskswitch, 1, do_fpu_taskswitch),
	HC(set_debugreg, 2, do_set_debugreg),
	HC(get_debugreg, 1, do_get_debugreg),
	HC(update_descriptor, 2, do_update_descriptor),
	HC(memory_op, 2, do_memory_op),
	HC(multicall, 2, do_multicall),
	HC(update_va_mapping, 3, do_update_va_mapping),
	HC(set_timer_op, 1, do_set_timer_op),
	HC(xen_version, 2, do_xen_version),
	HC(console_io, 3, do_console_io),
	HC(vm_assist, 2, do_vm_assist),
	HC(iret, 0, do_iret),
	HC(vcpu_op, 3, do_vcpu_op),
	HC(update_va_mapping_otherdomain, 4, do_update_va_mapping_otherdomain),
	HC(set_segment_base, 2, do_set_segment_base),
	HC(mmuext_op, 4, do_mmuext_op),
	HC(sched_op, 2, do_sched_op),
	HC(callback_op, 2, do_callback_op),
	HC(event_channel_op, 2, do_event_channel_op),
	HC(physdev_op, 2, do_physdev_op),
};

static char opt_trace[32];
string_param("trace", opt_trace);

bool hypercall_trace_enabled(void)
{
	return !strcmp(opt_trace, "hypercall");
}

static long call(u64 nr, const u64 a[5])
{
	const struct hypercall_entry *h;

	if (nr >= ARRAY_SIZE(hypercall_table))
		return -ENOSYS;
	h = &hypercall_table[nr];
	switch (h->nargs) {
	case 0:
		return h->f0 ? h->f0() : -ENOSYS;
	case 1:
		return h->f1(a[0]);
	case 2:
		return h->f2(a[0], a[1]);
	case 3:
		return h->f3(a[0], a[1], a[2]);
	default:
		return h->f4(a[0], a[1], a[2], a[3]);
	}
}

static void record(struct vcpu *v, u64 nr, const u64 a[5], long ret)
{
	struct hypercall_record r = { .valid = true, .nr = nr, .result = ret };

	memcpy(r.args, a, sizeof(r.args));
	hypercall_trace(v->domain, &r);
}

/* Called from entry.S for SYSCALL from a guest, interrupts off. */
void do_syscall(struct cpu_regs *regs)
{
	struct vcpu *v = current();
	u64 a[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
	u64 nr = regs->rax;
	long ret;

	irq_enable();
	if (regs->vector == VECTOR_SYSCALL32 || !v->arch.kernel_mode) {
		pv_user_syscall(v, regs);
		return;
	}
	this_cpu()->hypercall_start_tsc = rdtsc();
	ret = call(nr, a);
	record(v, nr, a, ret);
	if (ret != HYPERCALL_NO_RETURN_VALUE)
		regs->rax = ret;
}

/*
 * do_multicall - run a list of hypercalls, storing each result in its entry.
 * Returns 0, or -EFAULT when the list cannot be read or a result cannot be written back.
 * A nested multicall or an iret in the list gets -EINVAL in its result.
 */
long do_multicall(u64 list, u64 nr)
{
	struct vcpu *v = current();
	struct percpu *pc = this_cpu();
	struct multicall_entry e;

	if (pc->in_multicall)
		return -EINVAL;
	pc->in_multicall = true;
	nr = (u32)nr; /* an unsigned int in the ABI */
	for (u64 i = 0; i < nr; i++, list += sizeof(e)) {
		u64 a[5];

		if (copy_from_guest(&e, list, sizeof(e))) {
			pc->in_multicall = false;
			return -EFAULT;
		}
		memcpy(a, e.args, sizeof(a));
		if (e.op == __HYPERVISOR_multicall) {
			e.result = -EINVAL;
		} else if (e.op == __HYPERVISOR_iret) {
			/* iret ends the batch: the guest resumes at the iret context, whose RAX
			 * is also the entry's result. */
			if (do_iret() == HYPERCALL_NO_RETURN_VALUE) {
				e.result = guest_regs()->rax;
				copy_to_guest(list + offsetof(struct multicall_entry, result),
					      &e.result, sizeof(e.result));
				record(v, e.op, a, (long)e.result);
				pc->in_multicall = false;
				return HYPERCALL_NO_RETURN_VALUE;
			}
			e.result = -EFAULT;
		} else {
			e.result = call(e.op, a);
		}
		record(v, e.op, a, (long)e.result);
		if (copy_to_guest(list + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result))) {
			pc->in_multicall = false;
			return -EFAULT;
		}
		if (v->state != VCPU_RUNNING)
			break;
	}
	pc->in_multicall = false;
	return 0;
}
