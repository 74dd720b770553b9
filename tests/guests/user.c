/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest user mode: entering it with the iret hypercall (CS 0xe033, RPL 3),
 * user syscall -> registered syscall callback -> iret back, INT $0x80 via a
 * DPL-3 trap entry, INT n via a DPL-1 entry (refused from user mode), int3,
 * #PF with the U/S bit set in the error code, #GP from hlt, reads of the M2P
 * and of the hypervisor hole from user mode, and a user syscall with no
 * syscall callback (Xen delivers #UD at the syscall instruction).
 *
 * Every event from user mode must arrive on the kernel stack named by
 * stack_switch, with a CS of RPL 3 and the user's RSP/SS. A broken
 * hypervisor leaves the guest in user mode, delivers on the user stack,
 * reports kernel-mode error codes, or kills the domain on any of these.
 */
#include "test.h"

const char test_title[] = "guest user mode";

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

unsigned long u_rip, u_next, u_rsp, u_rflags, u_val, u_arg;

/* Records the user RSP and the address of the instruction at label 1 / after it (2). */
#define USER_RUN(pre, insn)							\
	asm volatile("lea 1f(%%rip), %%rax\n\t"					\
		     "mov %%rax, u_rip(%%rip)\n\t"				\
		     "lea 2f(%%rip), %%rax\n\t"					\
		     "mov %%rax, u_next(%%rip)\n\t"				\
		     "mov %%rsp, u_rsp(%%rip)\n\t"				\
		     pre "\n\t"							\
		     "1: " insn "\n\t"						\
		     "2:\n\t"							\
		     _ASM_EXTABLE(1b, 2b)					\
		     _ASM_EXTABLE(2b, 2b)					\
		     : : : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",	\
		     "memory", "cc")

static unsigned long user_return_42(unsigned long arg)
{
	return arg + 42;
}

static unsigned long user_syscall(unsigned long arg)
{
	unsigned long rax;

	asm volatile("lea 1f(%%rip), %%rcx\n\t"
		     "mov %%rcx, u_next(%%rip)\n\t"
		     "mov %%rsp, u_rsp(%%rip)\n\t"
		     "mov %1, %%rax\n\t"
		     "syscall\n\t"
		     "1:\n\t"
		     "pushfq\n\t"
		     "popq u_rflags(%%rip)\n\t"
		     : "=a"(rax) : "r"(arg) : "rcx", "r11", "memory", "cc");
	return rax;
}

static unsigned long user_int80(unsigned long arg)
{
	USER_RUN("", "int $0x80");
	return 0;
}

static unsigned long user_int41(unsigned long arg)
{
	USER_RUN("", "int $0x41");
	return 0;
}

static unsigned long user_int3(unsigned long arg)
{
	USER_RUN("", "int3");
	return 0;
}

static unsigned long user_read(unsigned long va)
{
	u_arg = va;
	USER_RUN("mov u_arg(%%rip), %%rsi", "movq (%%rsi), %%rax; mov %%rax, u_val(%%rip)");
	return 0;
}

static unsigned long user_write(unsigned long va)
{
	u_arg = va;
	USER_RUN("mov u_arg(%%rip), %%rsi", "movb %%al, (%%rsi)");
	return 0;
}

static unsigned long user_hlt(unsigned long arg)
{
	USER_RUN("", "hlt");
	return 0;
}

static unsigned long user_bare_syscall(unsigned long arg)
{
	USER_RUN("mov $1, %%eax", "syscall");
	return 0;
}

static struct exc_info sc;
static unsigned long sc_calls;

static bool syscall_hook(struct exc_info *e, struct iret_context *ret)
{
	sc = *e;
	sc_calls++;
	ret->rax = e->rax * 2;
	return true;
}

static void check_user_frame(const char *name, const struct exc_info *e, unsigned long rip)
{
	unsigned long kstack_top = (unsigned long)user_kstack + USER_KSTACK_SIZE;
	unsigned long want_frame = (kstack_top & ~15UL) - (e->has_ec ? 64 : 56);

	if (e->rip != rip)
		xtf_failure("%s: RIP %#lx, expected %#lx", name, e->rip, rip);
	if ((e->cs & 0xffff) != 0xe033 || (e->cs >> 32) != 0)
		xtf_failure("%s: CS word %#lx, expected 0xe033 with saved mask 0", name, e->cs);
	if (!(e->rflags & X86_EFLAGS_IF))
		xtf_failure("%s: RFLAGS %#lx lacks IF (user mode had events on)", name, e->rflags);
	if (e->rsp != u_rsp || e->ss != 0xe02b)
		xtf_failure("%s: RSP/SS %#lx/%#lx, expected %#lx/0xe02b", name, e->rsp, e->ss,
			    u_rsp);
	if (e->frame != want_frame)
		xtf_failure("%s: frame at %#lx, expected %#lx (the stack_switch stack)", name,
			    e->frame, want_frame);
	if (e->mask != 1)
		xtf_failure("%s: handler ran with upcall mask %u", name, e->mask);
}

static void test_round_trip(void)
{
	unsigned long v = run_user(user_return_42, 100);

	check(v == 142, "user function returned %lu, expected 142", v);
	check(vcpu0->evtchn_upcall_mask == 1, "events unmasked after returning to the kernel");
	v = run_user(user_return_42, 1);
	check(v == 43, "second round trip returned %lu", v);
}

static void test_syscall(void)
{
	unsigned long v;

	user_syscall_hook = syscall_hook;
	sc_calls = 0;
	v = run_user(user_syscall, 21);
	check(sc_calls == 1, "syscall callback ran %lu times", sc_calls);
	check(v == 42, "user syscall returned %lu, expected 42 (callback doubled RAX)", v);
	check(sc.vector == VEC_SYSCALL, "syscall arrived as vector %#x", sc.vector);
	check_user_frame("syscall", &sc, u_next);
	/* RCX/R11 hold what the SYSCALL instruction put there: next RIP and RFLAGS. */
	check(sc.rcx == u_next, "syscall frame RCX %#lx, expected the next RIP %#lx", sc.rcx,
	      u_next);
	check((sc.r11 & X86_EFLAGS_IF) && (sc.r11 & X86_EFLAGS_MBS),
	      "syscall frame R11 %#lx is not the user RFLAGS", sc.r11);
	check(u_rflags & X86_EFLAGS_IF, "user RFLAGS after the return lacks IF (%#lx)", u_rflags);
	user_syscall_hook = NULL;
}

static void test_int80(void)
{
	struct trap_info ti[3] = {
		{ .vector = 0x80, .flags = TI_MASK_EVENTS | 3, .cs = FLAT_KERNEL_CS,
		  .address = exc_stub(0x80) },
		{ .vector = 0x41, .flags = TI_MASK_EVENTS | 1, .cs = FLAT_KERNEL_CS,
		  .address = exc_stub(0x41) },
		{ 0 },
	};

	check_rc("set_trap_table(0x80, 0x41)", HYPERVISOR_set_trap_table(ti), 0);
	exc_reset();
	run_user(user_int80, 0);
	check(last_exc.vector == 0x80 && !last_exc.has_ec, "int $0x80 from user: vector %u",
	      last_exc.vector);
	check_user_frame("int $0x80", &last_exc, u_next);

	/* DPL 1 is not enough for user mode: #GP with the IDT error code. */
	exc_reset();
	run_user(user_int41, 0);
	check(last_exc.vector == X86_EXC_GP && last_exc.ec == ((0x41 << 3) | 2),
	      "int $0x41 (DPL 1) from user: vector %u ec %#lx, expected #GP(0x20a)",
	      last_exc.vector, last_exc.ec);
	check_user_frame("int $0x41", &last_exc, u_rip);
}

static void test_exceptions(void)
{
	unsigned long mfn = virt_to_mfn(_text);

	exc_reset();
	run_user(user_int3, 0);
	check(last_exc.vector == X86_EXC_BP, "int3 from user: vector %u", last_exc.vector);
	check_user_frame("int3", &last_exc, u_next);

	exc_reset();
	run_user(user_read, 0x1000);
	check(last_exc.vector == X86_EXC_PF && last_exc.ec == PFEC_USER && last_exc.cr2 == 0x1000,
	      "user read of 0x1000: vector %u ec %#lx cr2 %#lx, expected #PF(4)", last_exc.vector,
	      last_exc.ec, last_exc.cr2);
	check_user_frame("user #PF read", &last_exc, u_rip);

	exc_reset();
	run_user(user_write, 0x2000);
	check(last_exc.vector == X86_EXC_PF && last_exc.ec == (PFEC_USER | PFEC_WRITE) &&
	      last_exc.cr2 == 0x2000, "user write of 0x2000: vector %u ec %#lx cr2 %#lx, "
	      "expected #PF(6)", last_exc.vector, last_exc.ec, last_exc.cr2);

	/* Hypervisor-private memory is present but supervisor-only. */
	exc_reset();
	run_user(user_read, 0xffff830000000000UL);
	check(last_exc.vector == X86_EXC_PF && (last_exc.ec & PFEC_USER) &&
	      last_exc.cr2 == 0xffff830000000000UL, "user read of the hypervisor hole: vector %u "
	      "ec %#lx cr2 %#lx", last_exc.vector, last_exc.ec, last_exc.cr2);

	/* The M2P is user-readable. */
	exc_reset();
	u_val = ~0UL;
	run_user(user_read, MACH2PHYS_START + mfn * 8);
	check(last_exc.vector == ~0u, "user read of the M2P faulted (vector %u)", last_exc.vector);
	check(u_val == virt_to_pfn(_text), "M2P read from user mode gave %#lx", u_val);

	/* Kernel mappings are user-accessible in a PV guest (same page tables here). */
	exc_reset();
	u_val = 0;
	run_user(user_read, (unsigned long)start_info);
	check(last_exc.vector == ~0u, "user read of start_info faulted (vector %u)",
	      last_exc.vector);

	exc_reset();
	run_user(user_hlt, 0);
	check(last_exc.vector == X86_EXC_GP && last_exc.ec == 0, "hlt from user: vector %u ec %#lx",
	      last_exc.vector, last_exc.ec);
	check_user_frame("user hlt", &last_exc, u_rip);
}

static bool ud_hook(struct exc_info *e, struct iret_context *ret)
{
	extern char syscall_callback_entry[];
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)syscall_callback_entry,
	};

	/* Put the callback back so that the user function can leave. */
	HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	return false;
}

static void test_no_callback(void)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall, .address = 0 };

	user_setup();
	check_rc("register syscall callback 0", HYPERVISOR_callback_op(CALLBACKOP_register, &cb),
		 0);
	set_exc_hook(X86_EXC_UD, ud_hook);
	exc_reset();
	run_user(user_bare_syscall, 0);
	set_exc_hook(X86_EXC_UD, NULL);
	check(last_exc.vector == X86_EXC_UD, "user syscall without a callback: vector %u, "
	      "expected #UD", last_exc.vector);
	/* RIP points at the syscall instruction itself. */
	check_user_frame("syscall without callback", &last_exc, u_rip);
}

void test_main(void)
{
	test_round_trip();
	test_syscall();
	test_int80();
	test_exceptions();
	test_no_callback();
}
