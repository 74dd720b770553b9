/* SPDX-License-Identifier: GPL-2.0 */
/*
 * callback_op (hypercall 30) and set_callbacks (hypercall 4): registering the
 * event, failsafe, syscall, syscall32, sysenter and NMI callbacks, refusing
 * non-canonical addresses (-EINVAL, checked before the type) and unknown
 * types (-ENOSYS), unregistering (only the NMI callback can be: -EINVAL for
 * the others), unknown commands, unreadable arguments, and set_callbacks,
 * which always returns 0 and silently ignores addresses it cannot use.
 * Finally an event is really delivered: VIRQ_TIMER bound to a port, a
 * single-shot timer in the past, events unmasked -> the event callback runs
 * with the interrupted context's frame (saved mask 0, IF set).
 *
 * A broken hypervisor accepts non-canonical callbacks, loses a registration,
 * never delivers the upcall or delivers it while events are masked.
 */
#include "test.h"

const char test_title[] = "callbacks";

extern char event_callback_entry[], failsafe_callback_entry[], syscall_callback_entry[];

static long reg(unsigned int type, unsigned int flags, unsigned long addr)
{
	struct callback_register r = { .type = type, .flags = flags, .address = addr };

	return HYPERVISOR_callback_op(CALLBACKOP_register, &r);
}

static long unreg(unsigned int type)
{
	struct callback_unregister u = { .type = type };

	return HYPERVISOR_callback_op(CALLBACKOP_unregister, &u);
}

static const struct {
	unsigned int type;
	const char *name;
	long unreg_rc;
} types[] = {
	{ CALLBACKTYPE_event, "event", -XEN_EINVAL },
	{ CALLBACKTYPE_failsafe, "failsafe", -XEN_EINVAL },
	{ CALLBACKTYPE_syscall, "syscall", -XEN_EINVAL },
	{ CALLBACKTYPE_syscall32, "syscall32", -XEN_EINVAL },
	{ CALLBACKTYPE_sysenter, "sysenter", -XEN_EINVAL },
	{ CALLBACKTYPE_nmi, "nmi", 0 },
};

static void restore(void)
{
	reg(CALLBACKTYPE_event, CALLBACKF_mask_events, (unsigned long)event_callback_entry);
	reg(CALLBACKTYPE_failsafe, CALLBACKF_mask_events, (unsigned long)failsafe_callback_entry);
	reg(CALLBACKTYPE_syscall, CALLBACKF_mask_events, (unsigned long)syscall_callback_entry);
	install_traps();
}

static void test_register(void)
{
	static const unsigned long noncanon[] = { 0x0000800000000000UL, 0x8000000000000000UL,
						  0xffff7fffffffffffUL };
	char what[80];

	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
		unsigned long addr = types[i].type == CALLBACKTYPE_event ?
			(unsigned long)event_callback_entry :
			types[i].type == CALLBACKTYPE_failsafe ?
			(unsigned long)failsafe_callback_entry :
			types[i].type == CALLBACKTYPE_nmi ? exc_stub(2) :
			(unsigned long)syscall_callback_entry;

		snprintf(what, sizeof(what), "register %s", types[i].name);
		check_rc(what, reg(types[i].type, CALLBACKF_mask_events, addr), 0);
		snprintf(what, sizeof(what), "register %s without mask flag", types[i].name);
		check_rc(what, reg(types[i].type, 0, addr), 0);
		for (unsigned int j = 0; j < ARRAY_SIZE(noncanon); j++) {
			snprintf(what, sizeof(what), "register %s at %#lx", types[i].name,
				 noncanon[j]);
			check_rc(what, reg(types[i].type, 0, noncanon[j]), -XEN_EINVAL);
		}
		snprintf(what, sizeof(what), "unregister %s", types[i].name);
		check_rc(what, unreg(types[i].type), types[i].unreg_rc);
	}
	restore();

	/* Unknown types: -ENOSYS, but the address check comes first. */
	static const unsigned int bad_types[] = { 3, 6, 8, 100, 0xffff };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_types); i++) {
		snprintf(what, sizeof(what), "register type %u", bad_types[i]);
		check_rc(what, reg(bad_types[i], 0, (unsigned long)event_callback_entry),
			 -XEN_ENOSYS);
		snprintf(what, sizeof(what), "register type %u non-canonical", bad_types[i]);
		check_rc(what, reg(bad_types[i], 0, 0x0000800000000000UL), -XEN_EINVAL);
		snprintf(what, sizeof(what), "unregister type %u", bad_types[i]);
		check_rc(what, unreg(bad_types[i]), -XEN_ENOSYS);
	}

	check_rc("callback_op(2)", HYPERVISOR_callback_op(2, NULL), -XEN_ENOSYS);
	check_rc("callback_op(-1)", HYPERVISOR_callback_op(0xffffffffUL, NULL), -XEN_ENOSYS);
	check_rc("register(bad arg)", HYPERVISOR_callback_op(CALLBACKOP_register, 0x1000),
		 -XEN_EFAULT);
	check_rc("unregister(bad arg)",
		 HYPERVISOR_callback_op(CALLBACKOP_unregister, 0xffff830000000000UL), -XEN_EFAULT);
}

static unsigned long user_nop(unsigned long arg)
{
	return arg + 1;
}

static void test_set_callbacks(void)
{
	long rc;

	rc = HYPERVISOR_set_callbacks(event_callback_entry, failsafe_callback_entry,
				      syscall_callback_entry);
	check_rc("set_callbacks", rc, 0);
	check(run_user(user_nop, 1) == 2, "user round trip after set_callbacks");
	vcpu0->evtchn_upcall_mask = 1;
	/* Unusable addresses are ignored, the call still succeeds. */
	rc = HYPERVISOR_set_callbacks(0x0000800000000000UL, 0x8000000000000000UL,
				      0x0000800000000000UL);
	check_rc("set_callbacks(non-canonical)", rc, 0);
	check(run_user(user_nop, 2) == 3, "syscall callback lost after a bad set_callbacks");
	restore();
	vcpu0->evtchn_upcall_mask = 1;
}

unsigned long ev_next;

static void test_event_delivery(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = 1 };
	unsigned long before;
	long rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
	check_rc("EVTCHNOP_bind_virq(VIRQ_TIMER)", rc, 0);
	if (rc)
		return;
	printk("VIRQ_TIMER bound to port %u\n", bv.port);
	shared->evtchn_mask[bv.port / 64] &= ~(1UL << (bv.port % 64));

	before = event_count;
	check_rc("set_singleshot_timer(past)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), 0);
	/* Masked: pending, but no upcall. */
	check(event_count == before, "event delivered while masked");
	check(vcpu0->evtchn_upcall_pending, "upcall_pending not set by the timer event");
	check(shared->evtchn_pending[bv.port / 64] & (1UL << (bv.port % 64)),
	      "port %u not pending", bv.port);

	/* Unmask and make a hypercall: the upcall happens on the way back. */
	asm volatile("lea 2f(%%rip), %%rax; mov %%rax, ev_next(%%rip)\n\t"
		     "movb $0, %[mask]\n\t"
		     "mov %[nr], %%eax; xor %%edi, %%edi; xor %%esi, %%esi\n\t"
		     "syscall\n\t"
		     "2:"
		     : [mask] "=m"(vcpu0->evtchn_upcall_mask)
		     : [nr] "i"(__HYPERVISOR_xen_version)
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r10", "r11", "memory");
	vcpu0->evtchn_upcall_mask = 1;
	check(event_count == before + 1, "event callback ran %lu times, expected once",
	      event_count - before);
	check(last_event.rip == ev_next, "event frame RIP %#lx, expected %#lx", last_event.rip,
	      ev_next);
	check(last_event.cs == 0xe030, "event frame CS word %#lx, expected 0xe030 (mask 0)",
	      last_event.cs);
	check(last_event.rflags & X86_EFLAGS_IF, "event frame RFLAGS %#lx lacks IF",
	      last_event.rflags);
	check(last_event.mask == 1, "event callback ran with mask %u", last_event.mask);
	shared->evtchn_pending[bv.port / 64] &= ~(1UL << (bv.port % 64));
}

void test_main(void)
{
	test_register();
	test_set_callbacks();
	test_event_delivery();
}
