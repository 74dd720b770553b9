/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile guest kernel: jumps into the hypervisor's range and the M2P,
 * privileged instructions (cli, sti, lgdt, lidt, ltr, mov to %cr3 with a
 * frame the guest does not own, swapgs, invlpg, rdpmc, sysret, int $0x82,
 * hlt: all #GP, with the IDT error code for int $0x82),
 * set_trap_table with a non-canonical handler in the middle of the table,
 * the forced-emulation signature cut off by the end of the mapping, and
 * iret frames with a non-canonical RIP or a hypervisor code selector.
 * Each must come back as an exception delivered to the guest (a bad iret
 * frame: #GP with that frame's RIP and CS), and the guest must still run and report afterwards.
 *
 * A broken hypervisor executes or ignores the instruction, crashes the
 * domain or itself, or installs half a trap table without saying so.
 */
#include "test.h"

const char test_title[] = "hostile guest";

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

unsigned long h_rip, h_next, h_target;

#define RUN(pre, insn)								\
	asm volatile("lea 1f(%%rip), %%rax\n\t"					\
		     "mov %%rax, h_rip(%%rip)\n\t"				\
		     "lea 2f(%%rip), %%rax\n\t"					\
		     "mov %%rax, h_next(%%rip)\n\t"				\
		     pre "\n\t"							\
		     "1: " insn "\n\t"						\
		     "2:\n\t"							\
		     _ASM_EXTABLE(1b, 2b)					\
		     _ASM_EXTABLE(2b, 2b)					\
		     : : : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory", "cc")

/* Faults at a jump target: resume after the jump. */
static bool redirect_hook(struct exc_info *e, struct iret_context *ret)
{
	if (!h_target || e->rip != h_target)
		return false;
	ret->rip = h_next;
	return true;
}

static void expect(const char *what, unsigned int vector, unsigned long ec, unsigned long rip)
{
	if (last_exc.vector != vector || (last_exc.has_ec && last_exc.ec != ec) ||
	    last_exc.rip != rip)
		xtf_failure("%s: vector %u ec %#lx rip %#lx, expected vector %u ec %#lx rip %#lx",
			    what, last_exc.vector, last_exc.ec, last_exc.rip, vector, ec, rip);
}

static void do_jump(const char *what, unsigned long target, bool xen_layout)
{
	h_target = target;
	exc_reset();
	asm volatile("lea 2f(%%rip), %%rax\n\t"
		     "mov %%rax, h_next(%%rip)\n\t"
		     "jmp *%0\n\t"
		     "2:"
		     : : "r"(target) : "rax", "memory");
	h_target = 0;
	/*
	 * An instruction fetch from kernel mode (U/S clear). On Xen both targets
	 * are mapped (supervisor-only text, NX M2P), so P is set too; another
	 * hypervisor may leave them unmapped.
	 */
	if (last_exc.vector != X86_EXC_PF || last_exc.rip != target || last_exc.cr2 != target ||
	    (last_exc.ec & (PFEC_INSN | PFEC_USER)) != PFEC_INSN ||
	    (xen_layout && !(last_exc.ec & PFEC_PRESENT)))
		xtf_failure("%s: vector %u ec %#lx rip %#lx cr2 %#lx, expected #PF(%sinsn) at %#lx",
			    what, last_exc.vector, last_exc.ec, last_exc.rip, last_exc.cr2,
			    xen_layout ? "present|" : "", target);
}

static void test_jumps(void)
{
	/* Xen 4.17's text starts at 0xffff82d040200000; Kestrel lives elsewhere in the hole. */
	do_jump("jump into hypervisor text", 0xffff82d040200000UL, !on_kestrel);
	do_jump("jump into the M2P", MACH2PHYS_START + virt_to_mfn(_text) * 8, true);
}

uint8_t desc_buf[16] __aligned(16);

static const struct {
	const char *name;
	unsigned long ec;
} priv_cases[] = {
	{ "cli", 0 },
	{ "sti", 0 },
	{ "lgdt", 0 },
	{ "lidt", 0 },
	{ "ltr", 0 },
	{ "mov to cr3 (foreign frame)", 0 },
	{ "swapgs", 0 },
	{ "invlpg", 0 },
	{ "rdpmc", 0 },
	{ "sysretq", 0 },
	{ "int $0x82", (0x82 << 3) | 2 },
	{ "hlt", 0 },
};

static void run_priv(unsigned int i)
{
	switch (i) {
	case 0: RUN("", "cli"); break;
	case 1: RUN("", "sti"); break;
	case 2: RUN("lea desc_buf(%%rip), %%rsi", "lgdt (%%rsi)"); break;
	case 3: RUN("lea desc_buf(%%rip), %%rsi", "lidt (%%rsi)"); break;
	case 4: RUN("mov $0x28, %%eax", "ltr %%ax"); break;
	case 5: RUN("movabs $0xffffffffff000, %%rsi", "mov %%rsi, %%cr3"); break;
	case 6: RUN("", "swapgs"); break;
	case 7: RUN("", "invlpg (%%rsp)"); break;
	case 8: RUN("xor %%ecx, %%ecx", "rdpmc"); break;
	case 9: RUN("", "sysretq"); break;
	case 10: RUN("", "int $0x82"); break;
	case 11: RUN("", "hlt"); break;
	}
}

static void test_privileged(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(priv_cases); i++) {
		exc_reset();
		run_priv(i);
		expect(priv_cases[i].name, X86_EXC_GP, priv_cases[i].ec, h_rip);
	}
}

static void test_trap_table(void)
{
	struct trap_info ti[4] = {
		{ .vector = 0x50, .flags = TI_MASK_EVENTS | 1, .cs = FLAT_KERNEL_CS,
		  .address = exc_stub(0x50) },
		{ .vector = 0x51, .flags = TI_MASK_EVENTS | 1, .cs = FLAT_KERNEL_CS,
		  .address = 0x0000800000000000UL },
		{ .vector = 0x52, .flags = TI_MASK_EVENTS | 1, .cs = FLAT_KERNEL_CS,
		  .address = exc_stub(0x52) },
		{ 0 },
	};

	check_rc("set_trap_table(non-canonical entry)", HYPERVISOR_set_trap_table(ti),
		 -XEN_EINVAL);
	/* Entries before the bad one are in, the ones after are not. */
	exc_reset();
	RUN("", "int $0x50");
	expect("int $0x50 (installed before the bad entry)", 0x50, 0, h_next);
	exc_reset();
	RUN("", "int $0x52");
	expect("int $0x52 (after the bad entry)", X86_EXC_GP, (0x52 << 3) | 2, h_rip);
	exc_reset();
	RUN("", "int $0x51");
	expect("int $0x51 (the bad entry)", X86_EXC_GP, (0x51 << 3) | 2, h_rip);
}

/* ud2 + "xen" where the signature runs off the mapping: #PF at the first missing byte. */
static void test_cut_signature(void)
{
	unsigned long end = bootstrap_end();
	uint8_t *code = (uint8_t *)end - 2;

	code[0] = 0x0f;
	code[1] = 0x0b;
	exc_reset();
	h_target = (unsigned long)code;
	asm volatile("lea 2f(%%rip), %%rax\n\t"
		     "mov %%rax, h_next(%%rip)\n\t"
		     "jmp *%0\n\t"
		     "2:"
		     : : "r"(code) : "rax", "memory");
	h_target = 0;
	check(last_exc.vector == X86_EXC_PF && last_exc.rip == (unsigned long)code &&
	      last_exc.cr2 == end && last_exc.ec == 0,
	      "ud2 at the end of the mapping: vector %u ec %#lx rip %#lx cr2 %#lx, expected "
	      "#PF(0) at %#lx with cr2 %#lx", last_exc.vector, last_exc.ec, last_exc.rip,
	      last_exc.cr2, (unsigned long)code, end);
}

static char landing_stack[4096] __aligned(16);
static struct exc_info bad_iret_exc;

/* Whatever a bad iret produces, record it and land in iret_probe_landing. */
static bool iret_recover(struct exc_info *e, struct iret_context *ret)
{
	if (!h_target)
		return false;
	bad_iret_exc = *e;
	ret->rip = (unsigned long)iret_probe_landing;
	ret->cs = 0xe030;
	ret->ss = 0xe02b;
	ret->rsp = (unsigned long)landing_stack + sizeof(landing_stack) - 8;
	ret->rflags = X86_EFLAGS_MBS;
	return true;
}

static void bad_iret(const char *what, unsigned long rip, unsigned long cs, unsigned long ec)
{
	static struct iret_context ctx __aligned(16);
	struct probe_regs p;

	memset(&ctx, 0, sizeof(ctx));
	memset(&bad_iret_exc, 0, sizeof(bad_iret_exc));
	bad_iret_exc.vector = ~0u;
	ctx.rip = rip;
	ctx.cs = cs;
	ctx.ss = 0xe02b;
	ctx.rflags = X86_EFLAGS_MBS;
	ctx.rsp = (unsigned long)landing_stack + sizeof(landing_stack) - 8;
	h_target = 1;
	iret_probe(&ctx, &p);
	h_target = 0;
	printk("%s: delivered vector %#x ec %#lx rip %#lx cs %#lx\n", what, bad_iret_exc.vector,
	       bad_iret_exc.ec, bad_iret_exc.rip, bad_iret_exc.cs);
	/* Xen 4.17: #GP, with the frame as given (RIP, CS with RPL 0). */
	check(bad_iret_exc.vector == X86_EXC_GP && bad_iret_exc.ec == ec &&
	      bad_iret_exc.rip == rip && (bad_iret_exc.cs & 0xffff) == (cs & ~3UL),
	      "%s: vector %#x ec %#lx rip %#lx cs %#lx, expected #GP(%#lx) at %#lx", what,
	      bad_iret_exc.vector, bad_iret_exc.ec, bad_iret_exc.rip, bad_iret_exc.cs, ec, rip);
}

static void test_bad_iret(void)
{
	set_exc_hook(VEC_FAILSAFE, iret_recover);
	set_exc_hook(X86_EXC_GP, iret_recover);
	bad_iret("iret to a non-canonical RIP", 0x0000800000000000UL, 0xe030, 0);
	bad_iret("iret with the hypervisor's code selector", (unsigned long)iret_probe_landing,
		 0xe008, 0xe008);
	set_exc_hook(X86_EXC_GP, NULL);
	set_exc_hook(VEC_FAILSAFE, NULL);
	vcpu0->evtchn_upcall_mask = 1;
}

void test_main(void)
{
	set_exc_hook(X86_EXC_PF, redirect_hook);
	test_jumps();
	test_privileged();
	test_trap_table();
	test_cut_signature();
	test_bad_iret();
	/* Still here, still working. */
	check_rc("xen_version at the end", HYPERVISOR_xen_version(XENVER_version, NULL), 0x40011);
	check(install_traps() == 0, "reinstalling the trap table failed");
}
