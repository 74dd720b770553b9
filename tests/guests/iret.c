/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HYPERVISOR_iret (hypercall 23) back into guest kernel mode: RAX comes from
 * the frame, RCX and R11 too unless VGCF_in_syscall is set, RIP/RSP exactly
 * as given, CS and SS with RPL forced to 3, RFLAGS with IOPL dropped and IF
 * forced on, and the frame's IF becoming the inverse of evtchn_upcall_mask.
 * Also the frame a nested exception sees after such an iret.
 *
 * A broken hypervisor restores the wrong registers, lets the guest choose
 * its RPL or IOPL, ignores the frame's IF, or returns to user mode.
 */
#include "test.h"

const char test_title[] = "iret hypercall";

static char landing_stack[4096] __aligned(16);

#define ARITH_FLAGS	0x8d5UL	/* CF PF AF ZF SF OF */

static void probe(struct iret_context *ctx, struct probe_regs *out)
{
	memset(out, 0, sizeof(*out));
	ctx->rip = (unsigned long)iret_probe_landing;
	ctx->rsp = (unsigned long)landing_stack + sizeof(landing_stack) - 8;
	iret_probe(ctx, out);
}

static struct iret_context *frame(void)
{
	/* The hypercall reads the 72-byte frame at RSP: keep it in its own buffer. */
	static struct iret_context ctx __aligned(16);

	memset(&ctx, 0, sizeof(ctx));
	return &ctx;
}

static void test_basic(void)
{
	struct iret_context *ctx = frame();
	struct probe_regs p;

	ctx->rax = 0x1122334455667788UL;
	ctx->rcx = 0xcccccccccccccccc;
	ctx->r11 = 0xbbbbbbbbbbbbbbbb;
	ctx->cs = 0xe030;	/* RPL 0: stay in kernel mode */
	ctx->ss = 0xe028;
	ctx->rflags = X86_EFLAGS_MBS;
	vcpu0->evtchn_upcall_mask = 1;
	probe(ctx, &p);
	printk("iret: rax %#lx rcx %#lx r11 %#lx rflags %#lx rsp %#lx cs %#lx ss %#lx\n", p.rax,
	       p.rcx, p.r11, p.rflags, p.rsp, p.cs, p.ss);
	check(p.rax == 0x1122334455667788UL, "RAX %#lx not taken from the frame", p.rax);
	check(p.rcx == 0xcccccccccccccccc && p.r11 == 0xbbbbbbbbbbbbbbbb,
	      "RCX/R11 %#lx/%#lx not restored without VGCF_in_syscall", p.rcx, p.r11);
	check(p.rsp == ctx->rsp, "RSP %#lx, expected %#lx", p.rsp, ctx->rsp);
	check(p.cs == 0xe033 && p.ss == 0xe02b, "CS/SS %#lx/%#lx, expected RPL 3 (0xe033/0xe02b)",
	      p.cs, p.ss);
	check(p.rflags & X86_EFLAGS_IF, "real RFLAGS %#lx without IF", p.rflags);
	check(vcpu0->evtchn_upcall_mask == 1, "IF clear in the frame but upcall mask %u",
	      vcpu0->evtchn_upcall_mask);
}

#define EFLAGS_NT X86_EFLAGS_NT
#define EFLAGS_VM (1UL << 17)

/* Frame IF -> evtchn_upcall_mask = !IF; IOPL and VM dropped; arithmetic flags, DF, NT kept. */
static const struct {
	unsigned long rflags;
	unsigned int mask;
} flag_cases[] = {
	{ X86_EFLAGS_MBS, 1 },
	{ X86_EFLAGS_MBS | X86_EFLAGS_IF, 0 },
	{ X86_EFLAGS_MBS | X86_EFLAGS_IOPL, 1 },
	{ X86_EFLAGS_MBS | X86_EFLAGS_IOPL | X86_EFLAGS_IF, 0 },
	{ X86_EFLAGS_MBS | ARITH_FLAGS, 1 },
	{ X86_EFLAGS_MBS | ARITH_FLAGS | X86_EFLAGS_DF | X86_EFLAGS_IF, 0 },
	{ 0, 1 },
	/* Hostile flags: VM is dropped with IOPL; NT is kept (IRETQ checks only the current NT). */
	{ X86_EFLAGS_MBS | EFLAGS_NT | X86_EFLAGS_IF, 0 },
	{ X86_EFLAGS_MBS | EFLAGS_VM | EFLAGS_NT | X86_EFLAGS_IOPL, 1 },
};

static void test_flags(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		struct iret_context *ctx = frame();
		unsigned long in = flag_cases[i].rflags, keep = ARITH_FLAGS | X86_EFLAGS_DF | EFLAGS_NT;
		struct probe_regs p;
		unsigned int mask;

		ctx->cs = 0xe030;
		ctx->ss = 0xe02b;
		ctx->rflags = in;
		vcpu0->evtchn_upcall_mask = !flag_cases[i].mask;
		probe(ctx, &p);
		mask = vcpu0->evtchn_upcall_mask;
		vcpu0->evtchn_upcall_mask = 1;
		if (mask != flag_cases[i].mask)
			xtf_failure("frame RFLAGS %#lx: upcall mask %u, expected %u", in, mask,
				    flag_cases[i].mask);
		if ((p.rflags & (X86_EFLAGS_IOPL | EFLAGS_VM)) ||
		    !(p.rflags & X86_EFLAGS_IF) || (p.rflags & keep) != (in & keep))
			xtf_failure("frame RFLAGS %#lx: real RFLAGS %#lx", in, p.rflags);
	}
}

static void test_in_syscall(void)
{
	struct iret_context *ctx = frame();
	struct probe_regs p;

	ctx->rax = 7;
	ctx->rcx = 0x1234;
	ctx->r11 = 0x5678;
	ctx->flags = VGCF_in_syscall;
	ctx->cs = 0xe030;
	ctx->ss = 0xe02b;
	ctx->rflags = X86_EFLAGS_MBS;
	probe(ctx, &p);
	/* RCX and R11 are not restored; everything else is. */
	check(p.rax == 7 && p.rsp == ctx->rsp && p.cs == 0xe033,
	      "VGCF_in_syscall: rax %#lx rsp %#lx cs %#lx", p.rax, p.rsp, p.cs);
	printk("VGCF_in_syscall: rcx %#lx r11 %#lx (not restored from the frame)\n", p.rcx,
	       p.r11);
}

/* After an iret to RPL 0 CS the vCPU is still in kernel mode: a fault shows RPL 0. */
static void test_still_kernel(void)
{
	exc_reset();
	asm volatile("1: ud2; 2:" _ASM_EXTABLE(1b, 2b));
	check(last_exc.vector == X86_EXC_UD && (last_exc.cs & 0xffff) == 0xe030,
	      "fault after iret: vector %u cs %#lx, expected a kernel frame", last_exc.vector,
	      last_exc.cs);
	/* No user page table was ever set: kernel mode must still run hypercalls. */
	check(HYPERVISOR_xen_version(XENVER_version, NULL) == 0x40011,
	      "hypercalls broken after iret");
}

/* RAX is the whole frame value; flags bits other than VGCF_in_syscall are ignored. */
static void test_flags_word(void)
{
	struct iret_context *ctx = frame();
	struct probe_regs p;

	ctx->rax = ~0UL;
	ctx->flags = ~(unsigned long)VGCF_in_syscall;
	ctx->rcx = 1;
	ctx->r11 = 2;
	ctx->cs = 0xe030;
	ctx->ss = 0xe02b;
	ctx->rflags = X86_EFLAGS_MBS;
	probe(ctx, &p);
	check(p.rax == ~0UL && p.rcx == 1 && p.r11 == 2,
	      "junk flags: rax %#lx rcx %#lx r11 %#lx", p.rax, p.rcx, p.r11);
}

void test_main(void)
{
	test_basic();
	test_flags();
	test_in_syscall();
	test_still_kernel();
	test_flags_word();
}
