/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exceptions and interrupts. Interrupt vectors dispatch through irq_handlers[]; every
 * exception is fatal for now (there are no guests yet whose faults could be bounced), and
 * produces a crash report: the vector and its name, the decoded error code, all
 * registers, the control registers, a frame-pointer backtrace and a stack dump, with
 * symbol names. Then the machine panics.
 */
#include <kestrel/arch.h>
#include <kestrel/errno.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "arch-x86.h"
#include "pv/pv.h"

struct idt_gate {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type_attr;
	u16 off_mid;
	u32 off_hi;
	u32 reserved;
} __packed;

/* Built by idt_init() on the boot CPU; read-only afterwards and shared by every CPU. */
static struct idt_gate idt[256] __aligned(16);

/* Written during boot (set_irq_handler), read on every interrupt. */
static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "NMI",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection",
	[14] = "page fault",
	[16] = "x87 floating point",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating point",
	[20] = "virtualization",
	[21] = "control protection",
	[29] = "VMM communication",
	[30] = "security",
};

static const u8 vector_ist[32] = { [2] = IST_NMI, [8] = IST_DF, [18] = IST_MC };

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		u64 addr = (u64)interrupt_stubs + 16 * v;

		idt[v] = (struct idt_gate){
			.off_lo = addr & 0xffff,
			.sel = __HYPERVISOR_CS,
			.ist = v < 32 ? vector_ist[v] : 0,
			/* present, 64-bit interrupt gate; DPL 3 where guests may use INT n */
			.type_attr = (v == 3 || v == 4 || v == 0x80) ? 0xee : 0x8e,
			.off_mid = (addr >> 16) & 0xffff,
			.off_hi = addr >> 32,
		};
	}
}

void cpu_load_idt(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, (u64)idt };

	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void set_irq_handler(unsigned int vector, irq_handler_fn fn)
{
	if (vector >= 32 && vector < 256)
		irq_handlers[vector] = fn;
}

/* Is [addr, addr+8) on one of this CPU's stacks, so a crash report may read it? */
static bool stack_readable(unsigned long addr)
{
	unsigned long boot_lo = (unsigned long)boot_stack, boot_hi = (unsigned long)boot_stack_top;
	struct percpu *pc = this_cpu();
	unsigned long slot;

	if (addr & 7)
		return false;
	if (addr >= boot_lo && addr + 8 <= boot_hi)
		return true;
	if (!pc || !pc->stack_top)
		return false;
	if (addr >= pc->stack_top - STACK_SIZE && addr + 8 <= pc->stack_top)
		return true;
	/* IST stacks: the 1st, 3rd and 5th pages after the slot's first guard page */
	slot = STACKS_VIRT_START + pc->id * STACK_STRIDE;
	for (unsigned int i = 0; i < 3; i++) {
		unsigned long lo = slot + PAGE_SIZE + 2 * i * PAGE_SIZE;

		if (addr >= lo && addr + 8 <= lo + PAGE_SIZE)
			return true;
	}
	return false;
}

static bool is_text(unsigned long addr)
{
	return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

static void print_symbol_line(const char *prefix, unsigned long addr)
{
	char buf[128];

	symbol_format(buf, sizeof(buf), addr);
	printk(KERN_EMERG "%s%s\n", prefix, buf);
}

void show_registers(const struct cpu_regs *r)
{
	print_symbol_line("RIP:    ", r->rip);
	printk(KERN_EMERG "CS: %04llx RFLAGS: %016llx RSP: %016llx SS: %04llx\n",
	       (unsigned long long)r->cs, (unsigned long long)r->rflags,
	       (unsigned long long)r->rsp, (unsigned long long)r->ss);
	printk(KERN_EMERG "rax: %016llx rbx: %016llx rcx: %016llx\n", (unsigned long long)r->rax,
	       (unsigned long long)r->rbx, (unsigned long long)r->rcx);
	printk(KERN_EMERG "rdx: %016llx rsi: %016llx rdi: %016llx\n", (unsigned long long)r->rdx,
	       (unsigned long long)r->rsi, (unsigned long long)r->rdi);
	printk(KERN_EMERG "rbp: %016llx r8:  %016llx r9:  %016llx\n", (unsigned long long)r->rbp,
	       (unsigned long long)r->r8, (unsigned long long)r->r9);
	printk(KERN_EMERG "r10: %016llx r11: %016llx r12: %016llx\n", (unsigned long long)r->r10,
	       (unsigned long long)r->r11, (unsigned long long)r->r12);
	printk(KERN_EMERG "r13: %016llx r14: %016llx r15: %016llx\n", (unsigned long long)r->r13,
	       (unsigned long long)r->r14, (unsigned long long)r->r15);
	printk(KERN_EMERG "cr0: %016lx cr2: %016lx cr3: %016lx cr4: %016lx\n", read_cr0(),
	       read_cr2(), read_cr3(), read_cr4());
}

/* Walk the frame-pointer chain, reading only this CPU's stacks. */
void show_backtrace(unsigned long rbp, unsigned long rip)
{
	printk(KERN_EMERG "Call trace:\n");
	print_symbol_line("  ", rip);
	for (unsigned int depth = 0; depth < 32 && stack_readable(rbp) && stack_readable(rbp + 8);
	     depth++) {
		unsigned long next = ((unsigned long *)rbp)[0];
		unsigned long ret = ((unsigned long *)rbp)[1];

		if (!is_text(ret))
			break;
		print_symbol_line("  ", ret);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

static void show_stack(unsigned long rsp)
{
	printk(KERN_EMERG "Stack at %016lx:\n", rsp);
	for (unsigned int i = 0; i < 24; i++) {
		unsigned long addr = rsp + 8 * i;
		unsigned long val;
		char sym[96] = "";

		if (!stack_readable(addr)) {
			if (i == 0)
				printk(KERN_EMERG "  (not on a known stack)\n");
			break;
		}
		val = *(unsigned long *)addr;
		if (is_text(val))
			symbol_format(sym, sizeof(sym), val);
		printk(KERN_EMERG "  %016lx: %016lx %s\n", addr, val, sym);
	}
}

static void describe_error_code(const struct cpu_regs *r, char *buf, size_t len)
{
	u64 e = r->error_code;

	buf[0] = '\0';
	if (r->vector == 14) {
		ksnprintf(buf, len, " (%s, %s, %s%s%s) at address %016lx",
			  e & 1 ? "protection violation" : "not present", e & 2 ? "write" : "read",
			  e & 4 ? "user" : "supervisor", e & 8 ? ", reserved bit" : "",
			  e & 16 ? ", instruction fetch" : "", read_cr2());
	} else if (e && (r->vector == 13 || r->vector == 11 || r->vector == 12 ||
			 r->vector == 10)) {
		ksnprintf(buf, len, " (%s selector/index %#llx%s)",
			  (e & 2) ? "IDT" : (e & 4) ? "LDT" : "GDT",
			  (unsigned long long)(e >> 3), (e & 1) ? ", external" : "");
	}
}

static void __noreturn fatal_exception(struct cpu_regs *r)
{
	struct percpu *pc = this_cpu();
	const char *name = exception_names[r->vector & 31];
	char detail[160];

	if (++pc->crash_depth > 1) {
		printk(KERN_EMERG "*** nested fault (vector %llu) while reporting a crash\n",
		       (unsigned long long)r->vector);
		arch_halt_others();
		if (opt_testmode)
			arch_test_exit(TEST_EXIT_PANIC);
		arch_halt();
	}
	describe_error_code(r, detail, sizeof(detail));
	printk(KERN_EMERG "*** Kestrel " KESTREL_VERSION " crash on CPU %u ***\n", pc->id);
	printk(KERN_EMERG "Fatal exception %llu: %s, error code %#llx%s\n",
	       (unsigned long long)r->vector, name ? name : "reserved",
	       (unsigned long long)r->error_code, detail);
	show_registers(r);
	show_backtrace(r->rbp, r->rip);
	show_stack(r->rsp);
	panic("fatal exception %llu (%s) on CPU %u", (unsigned long long)r->vector,
	      name ? name : "reserved", pc->id);
}

static void handle_nmi(struct cpu_regs *r)
{
	if (panic_in_progress) {
		this_cpu()->in_panic_halt = true;
		arch_halt();
	}
	printk(KERN_WARNING "cpu%u: NMI received at %016llx, ignored\n", this_cpu()->id,
	       (unsigned long long)r->rip);
}

struct ex_entry {
	unsigned long insn, fixup;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

/* A fault at a known guest-access instruction resumes at its fixup. */
static bool search_exception_table(struct cpu_regs *regs)
{
	for (const struct ex_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

/* Called from entry.S with interrupts off for every vector. */
void do_interrupt(struct cpu_regs *regs)
{
	unsigned int v = regs->vector & 0xff;

	/* Interrupt gates keep EFLAGS.AC, which a guest may set: it would turn SMAP off
	 * in the hypervisor. (IRETQ restores the interrupted AC.) */
	if (cpu_has_smap)
		__asm__ volatile("clac" ::: "memory");

	if (v == 2) {
		handle_nmi(regs);
		return;
	}
	if (v < 32 && (regs->cs & 3)) {
		pv_exception(regs);
		return;
	}
	if ((v == 11 || v == 12 || v == 13 || v == 14) && search_exception_table(regs))
		return;
	if (v < 32)
		fatal_exception(regs);
	if (irq_handlers[v]) {
		irq_handlers[v](regs);
		return;
	}
	printk(KERN_WARNING "cpu%u: unexpected interrupt vector %u\n", this_cpu()->id, v);
	apic_eoi();
}

void arch_dump_stack(void)
{
	unsigned long rbp = (unsigned long)__builtin_frame_address(0);

	show_backtrace(rbp, (unsigned long)arch_dump_stack);
}

/* Stays true; volatile so the compiler cannot see the recursion is unbounded. */
static volatile bool keep_recursing = true;

static int __attribute__((noinline)) recurse_deeply(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	if (!keep_recursing)
		return n;
	return recurse_deeply(n + 1) + pad[0];
}

/*
 * testfault= kinds: each provokes one fault class from hypervisor code, for the boot
 * tests that check the crash report.
 */
int arch_trigger_fault(const char *kind)
{
	printk(KERN_WARNING "testfault: triggering \"%s\"\n", kind);
	if (!strcmp(kind, "pagefault")) {
		*(volatile u64 *)0x1000 = 0xdead;
	} else if (!strcmp(kind, "gp")) {
		*(volatile u64 *)0x8000000000000000ULL = 1; /* non-canonical */
	} else if (!strcmp(kind, "ud")) {
		__asm__ volatile("ud2");
	} else if (!strcmp(kind, "divide")) {
		/* An explicit div: the compiler rewrites 1 / x into a comparison. */
		__asm__ volatile("xorl %%edx, %%edx; divl %0" ::"r"(0), "a"(1) : "rdx");
	} else if (!strcmp(kind, "breakpoint")) {
		__asm__ volatile("int3");
	} else if (!strcmp(kind, "stack")) {
		recurse_deeply(0);
	} else if (!strcmp(kind, "panic")) {
		panic("testfault=panic requested on the command line");
	} else {
		return -EINVAL;
	}
	panic("testfault \"%s\" did not fault", kind);
}
