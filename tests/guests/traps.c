/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exceptions raised by a PV guest kernel and bounced back to it through the
 * trap table: #DE, #DB (icebp, single step), #BP (int3, int $3), #UD (ud2,
 * and ud2 + "xen" without cpuid), #NM, #GP (privileged instructions,
 * non-canonical data access and jump, INT n with a DPL-0 entry), #SS, #PF
 * (read/write/exec of unmapped pages, write to a read-only page), #MF, #XM,
 * and INT n through a DPL-1 entry.
 *
 * For each the test checks exactly what was delivered: the vector, the error
 * code, the RCX/R11 words, RIP (the faulting instruction for faults, the next
 * one for traps), CS (RPL cleared for a kernel frame, the saved upcall mask
 * in bits 32-39), RFLAGS (IF = !saved mask), RSP, SS, the frame position
 * (16-byte aligned below the interrupted RSP), CR2 in vcpu_info and via
 * mov from %cr2, and that the handler runs with events masked. A broken
 * hypervisor delivers the wrong vector or error code, a frame with a ring-3
 * CS, a wrong RIP, a misaligned frame, or crashes the domain.
 */
#include "test.h"

const char test_title[] = "exception delivery";

#define MAGIC_RCX	0xc0c0c0c0c0c0c0c0UL
#define MAGIC_R11	0x1111111111111111UL

unsigned long fault_rsp, fault_rip, fault_next;

/*
 * Runs `insn` at label 1 with RCX/R11 holding magic values; label 2 follows
 * it. Faults at 1 and traps reported at 2 both resume at 2. `pre` runs just
 * before and may use RAX, RDX, RSI, RDI.
 */
#define RUN(pre, insn)								\
	asm volatile("movabs $" __stringify(MAGIC_RCX) ", %%rcx\n\t"		\
		     "movabs $" __stringify(MAGIC_R11) ", %%r11\n\t"		\
		     "lea 1f(%%rip), %%rax\n\t"					\
		     "mov %%rax, fault_rip(%%rip)\n\t"				\
		     "lea 2f(%%rip), %%rax\n\t"					\
		     "mov %%rax, fault_next(%%rip)\n\t"				\
		     "mov %%rsp, fault_rsp(%%rip)\n\t"				\
		     pre "\n\t"							\
		     "1: " insn "\n\t"						\
		     "2:\n\t"							\
		     _ASM_EXTABLE(1b, 2b)					\
		     _ASM_EXTABLE(2b, 2b)					\
		     : : : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory", "cc")

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

static void do_de(void)
{
	RUN("xor %%esi, %%esi; mov $1, %%eax; xor %%edx, %%edx", "divl %%esi");
}

static void do_icebp(void)
{
	RUN("", ".byte 0xf1");
}

static void do_single_step(void)
{
	RUN("pushfq; orq $0x100, (%%rsp); popfq", "nop");
}

static void do_int3(void)
{
	RUN("", "int3");
}

static void do_int_3(void)
{
	RUN("", ".byte 0xcd, 0x03");
}

static void do_ud2(void)
{
	RUN("", "ud2; nop");
}

static void do_ud2_xen_nop(void)
{
	/* The forced-emulation signature followed by something other than cpuid. */
	RUN("", "ud2; .ascii \"xen\"; nop; nop");
}

static void do_hlt(void)
{
	RUN("", "hlt");
}

static void do_noncanon_read(void)
{
	RUN("movabs $0x0000800000000000, %%rsi", "movb (%%rsi), %%al");
}

static void do_noncanon_jmp(void)
{
	RUN("movabs $0x8000000000000000, %%rsi", "jmp *%%rsi");
}

static void do_int_40_dpl0(void)
{
	RUN("", "int $0x40");
}

static void do_int_41_dpl1(void)
{
	RUN("", "int $0x41");
}

static void do_ss(void)
{
	/* RSP + 2^63 is non-canonical: an SS-relative reference, so #SS(0). */
	RUN("movabs $0x8000000000000000, %%rsi", "movb (%%rsp, %%rsi), %%al");
}

static void do_pf_read(void)
{
	RUN("mov $0x1008, %%esi", "movb (%%rsi), %%al");
}

static void do_pf_write(void)
{
	RUN("mov $0x2010, %%esi", "movb %%al, (%%rsi)");
}

static void do_pf_ro(void)
{
	RUN("mov start_info, %%rsi; mov 88(%%rsi), %%rsi", "orb $0, (%%rsi)");
}

#define EXEC_TARGET 0x3000UL
static void do_pf_exec(void)
{
	RUN("mov $" __stringify(EXEC_TARGET) ", %%esi", "jmp *%%rsi");
}

static void do_mf(void)
{
	static const uint16_t cw = 0x037b; /* only divide-by-zero unmasked */

	asm volatile("fninit; fldcw %0; fldz; fld1; fdivp" : : "m"(cw));
	RUN("", "fwait");
	asm volatile("fninit");
}

static void do_nm(void)
{
	RUN("", "fnop");
}

/*
 * FAULT: RIP is label 1; TRAP: label 2; ELSEWHERE: the case's target;
 * EITHER: label 1 or the target (a jump to a non-canonical address faults on
 * the jump on Intel and on the target on AMD and QEMU's TCG).
 */
enum { FAULT, TRAP, ELSEWHERE, EITHER };

struct trap_case {
	const char *name;
	void (*fn)(void);
	unsigned int vector;
	int kind;
	bool has_ec;
	unsigned long ec;
	unsigned long cr2;	/* #PF only; ~0 = start_info->pt_base */
	unsigned long rflags_set;	/* bits that must be set in the frame RFLAGS */
	unsigned long target;	/* ELSEWHERE/EITHER: the address that faults */
	unsigned int alt_vector;	/* also accepted (a CPU-model difference) */
};

static const struct trap_case cases[] = {
	{ "divide by zero", do_de, X86_EXC_DE, FAULT },
	{ "icebp", do_icebp, X86_EXC_DB, TRAP },
	{ "single step", do_single_step, X86_EXC_DB, TRAP, .rflags_set = X86_EFLAGS_TF },
	{ "int3", do_int3, X86_EXC_BP, TRAP },
	{ "int $3", do_int_3, X86_EXC_BP, TRAP },
	{ "ud2", do_ud2, X86_EXC_UD, FAULT },
	{ "ud2 \"xen\" nop", do_ud2_xen_nop, X86_EXC_UD, FAULT },
	{ "hlt", do_hlt, X86_EXC_GP, FAULT, true, 0 },
	{ "non-canonical read", do_noncanon_read, X86_EXC_GP, FAULT, true, 0 },
	{ "non-canonical jmp", do_noncanon_jmp, X86_EXC_GP, EITHER, true, 0,
	  .target = 0x8000000000000000UL },
	{ "int $0x40 (DPL 0)", do_int_40_dpl0, X86_EXC_GP, FAULT, true, (0x40 << 3) | 2 },
	{ "int $0x41 (DPL 1)", do_int_41_dpl1, 0x41, TRAP },
	/* Real CPUs raise #SS; QEMU's TCG raises #GP for every non-canonical access. */
	{ "non-canonical stack access", do_ss, X86_EXC_SS, FAULT, true, 0,
	  .alt_vector = X86_EXC_GP },
	{ "read unmapped", do_pf_read, X86_EXC_PF, FAULT, true, 0, 0x1008 },
	{ "write unmapped", do_pf_write, X86_EXC_PF, FAULT, true, PFEC_WRITE, 0x2010 },
	{ "write read-only L4", do_pf_ro, X86_EXC_PF, FAULT, true, PFEC_WRITE | PFEC_PRESENT,
	  ~0UL },
	{ "exec unmapped", do_pf_exec, X86_EXC_PF, ELSEWHERE, true, PFEC_INSN, EXEC_TARGET,
	  .target = EXEC_TARGET },
	{ "x87 divide by zero", do_mf, X86_EXC_MF, FAULT },
};

static const struct trap_case *current_case;

/* A jump that faults at its target: resume after the jump. */
static bool target_hook(struct exc_info *e, struct iret_context *ret)
{
	if (!current_case || !current_case->target || e->rip != current_case->target)
		return false;
	ret->rip = fault_next;
	return true;
}

static void check_frame(const char *name, const struct exc_info *e, unsigned int vector,
			bool has_ec, unsigned long ec, unsigned long rip, unsigned int mask,
			unsigned long rflags_set)
{
	unsigned long want_frame = (fault_rsp & ~15UL) - (has_ec ? 64 : 56);
	unsigned long want_cs = 0xe030 | ((unsigned long)mask << 32);

	if (e->vector != vector) {
		xtf_failure("%s: vector %u delivered, expected %u", name, e->vector, vector);
		return;
	}
	if (e->has_ec != has_ec || (has_ec && e->ec != ec))
		xtf_failure("%s: error code %#lx, expected %#lx", name, e->ec, ec);
	if (e->rip != rip)
		xtf_failure("%s: RIP %#lx, expected %#lx", name, e->rip, rip);
	if (e->cs != want_cs)
		xtf_failure("%s: CS word %#lx, expected %#lx", name, e->cs, want_cs);
	/* RF may be set by the CPU for faults; it is passed through. */
	if (!!(e->rflags & X86_EFLAGS_IF) != !mask || !(e->rflags & X86_EFLAGS_MBS) ||
	    (e->rflags & X86_EFLAGS_IOPL) || (e->rflags & rflags_set) != rflags_set)
		xtf_failure("%s: RFLAGS %#lx (saved mask %u)", name, e->rflags, mask);
	if (e->rsp != fault_rsp)
		xtf_failure("%s: RSP %#lx, expected %#lx", name, e->rsp, fault_rsp);
	if (e->ss != 0xe02b)
		xtf_failure("%s: SS %#lx, expected 0xe02b", name, e->ss);
	if (e->rcx != MAGIC_RCX || e->r11 != MAGIC_R11)
		xtf_failure("%s: RCX/R11 words %#lx/%#lx, expected the interrupted values", name,
			    e->rcx, e->r11);
	if (e->frame != want_frame)
		xtf_failure("%s: frame at %#lx, expected %#lx", name, e->frame, want_frame);
	if (e->mask != 1)
		xtf_failure("%s: handler ran with evtchn_upcall_mask %u", name, e->mask);
}

static void run_case(const struct trap_case *c, unsigned int mask)
{
	unsigned long before = exc_count, rip, cr2_reg = 0;

	exc_reset();
	current_case = c;
	vcpu0->evtchn_upcall_mask = mask;
	barrier();
	c->fn();
	barrier();
	vcpu0->evtchn_upcall_mask = 1;
	current_case = NULL;
	if (exc_count - before != 1) {
		xtf_failure("%s: %lu exceptions, expected 1", c->name, exc_count - before);
		return;
	}
	rip = c->kind == FAULT ? fault_rip : c->kind == TRAP ? fault_next : c->target;
	if (c->kind == EITHER && last_exc.rip == fault_rip)
		rip = fault_rip;
	check_frame(c->name, &last_exc,
		    c->alt_vector && last_exc.vector == c->alt_vector ? c->alt_vector : c->vector,
		    c->has_ec, c->ec, rip, mask, c->rflags_set);
	if (mask)
		printk("%-28s vector %2u ec %#5lx rip %#lx rflags %#lx cr2 %#lx\n", c->name,
		       last_exc.vector, last_exc.ec, last_exc.rip, last_exc.rflags, last_exc.cr2);
	if (c->vector == X86_EXC_PF) {
		unsigned long want = c->cr2 == ~0UL ? start_info->pt_base : c->cr2;

		asm volatile("mov %%cr2, %0" : "=r"(cr2_reg));
		if (last_exc.cr2 != want || cr2_reg != want)
			xtf_failure("%s: vcpu_info cr2 %#lx, mov from %%cr2 %#lx, expected %#lx",
				    c->name, last_exc.cr2, cr2_reg, want);
	}
}

static void test_nm(void)
{
	unsigned long cr0, before;

	HYPERVISOR_fpu_taskswitch(1);
	exc_reset();
	before = exc_count;
	do_nm();
	if (exc_count - before != 1) {
		xtf_failure("fnop with TS set: %lu exceptions", exc_count - before);
		HYPERVISOR_fpu_taskswitch(0);
		return;
	}
	check_frame("#NM", &last_exc, X86_EXC_NM, false, 0, fault_rip, 1, 0);
	/* Xen clears the virtual TS when it delivers #NM. */
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	check(!(cr0 & 8), "CR0.TS still set after #NM was delivered (cr0 %#lx)", cr0);
	before = exc_count;
	do_nm();
	check(exc_count == before, "second FPU instruction after #NM faulted again");
	HYPERVISOR_fpu_taskswitch(0);
}

/* Trap entries with flags 0 (no event masking): the handler keeps the mask. */
static void test_unmasked_entry(void)
{
	struct trap_info ti[2] = {
		{ .vector = X86_EXC_UD, .flags = 0, .cs = FLAT_KERNEL_CS, .address = exc_stub(6) },
		{ 0 },
	};

	check_rc("set_trap_table(#UD without mask)", HYPERVISOR_set_trap_table(ti), 0);
	exc_reset();
	vcpu0->evtchn_upcall_mask = 0;
	barrier();
	do_ud2();
	barrier();
	check(last_exc.vector == X86_EXC_UD && last_exc.mask == 0,
	      "#UD through an unmasked entry: vector %u, handler mask %u", last_exc.vector,
	      last_exc.mask);
	check(vcpu0->evtchn_upcall_mask == 0, "mask not restored to 0 by iret");
	vcpu0->evtchn_upcall_mask = 1;
	check_rc("set_trap_table(reinstall)", install_traps(), 0);
}

static void test_debugreg(void)
{
	long dr6;

	exc_reset();
	do_single_step();
	dr6 = HYPERVISOR_get_debugreg(6);
	check(dr6 & (1L << 14), "DR6 after single step = %#lx, BS (bit 14) clear", dr6);
}

void test_main(void)
{
	struct trap_info extra[2] = {
		{ .vector = 0x41, .flags = TI_MASK_EVENTS | 1, .cs = FLAT_KERNEL_CS,
		  .address = exc_stub(0x41) },
		{ 0 },
	};

	/* INT $0x41 may be used from guest kernel mode (DPL 1); $0x40 has no entry. */
	check_rc("set_trap_table(0x41)", HYPERVISOR_set_trap_table(extra), 0);
	set_exc_hook(X86_EXC_PF, target_hook);
	set_exc_hook(X86_EXC_GP, target_hook);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case(&cases[i], 1);
		run_case(&cases[i], 0);
	}
	test_nm();
	test_unmasked_entry();
	test_debugreg();
}
