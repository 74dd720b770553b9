/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU processor state: feature detection, the GDT (hypervisor selectors where Xen
 * keeps them, at FIRST_RESERVED_GDT_ENTRY, so guest descriptor pages can fill the rest
 * later), the TSS with IST stacks, the shared IDT, control-register hardening.
 */
#include <kestrel/heap.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "arch-x86.h"
#include "pv/pv.h"

#define EFLAGS_TF (1UL << 8)
#define EFLAGS_DF (1UL << 10)
#define EFLAGS_NT (1UL << 14)

/* Written by cpu_detect_features() on the boot CPU, read-only afterwards. */
bool cpu_has_smep, cpu_has_smap, cpu_has_page1gb, cpu_has_fsgsbase;
static unsigned int cpu_paddr_bits = 36; /* the architectural minimum, until CPUID says */

unsigned int arch_paddr_bits(void)
{
	return cpu_paddr_bits;
}
bool cpu_has_x2apic, cpu_has_tsc_deadline, cpu_has_invariant_tsc;
static char cpu_vendor[13];
static char cpu_brand[49];

void cpu_detect_features(void)
{
	struct cpuid_regs r, l1;
	u32 max, max_ext;

	cpuid_count(0, 0, &r);
	max = r.eax;
	memcpy(cpu_vendor, &r.ebx, 4);
	memcpy(cpu_vendor + 4, &r.edx, 4);
	memcpy(cpu_vendor + 8, &r.ecx, 4);
	cpuid_count(1, 0, &l1);
	cpu_has_x2apic = l1.ecx & CPUID1_ECX_X2APIC;
	cpu_has_tsc_deadline = l1.ecx & CPUID1_ECX_TSC_DEADLINE;
	if (max >= 7) {
		cpuid_count(7, 0, &r);
		cpu_has_smep = r.ebx & CPUID7_EBX_SMEP;
		cpu_has_smap = r.ebx & CPUID7_EBX_SMAP;
		cpu_has_fsgsbase = r.ebx & CPUID7_EBX_FSGSBASE;
	}
	cpuid_count(0x80000000, 0, &r);
	max_ext = r.eax;
	if (max_ext >= 0x80000001) {
		cpuid_count(0x80000001, 0, &r);
		cpu_has_page1gb = r.edx & CPUID81_EDX_PAGE1GB;
	}
	if (max_ext >= 0x80000008) {
		cpuid_count(0x80000008, 0, &r);
		cpu_paddr_bits = r.eax & 0xff;
	}
	if (max_ext >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			cpuid_count(0x80000002 + i, 0, &r);
			memcpy(cpu_brand + 16 * i, &r, 16);
		}
	}
	if (max_ext >= 0x80000007) {
		cpuid_count(0x80000007, 0, &r);
		cpu_has_invariant_tsc = r.edx & CPUID87_EDX_INVARIANT_TSC;
	}
}

void cpu_report(void)
{
	const char *brand = cpu_brand;

	while (*brand == ' ')
		brand++;
	printk("cpu: %s \"%s\": x2apic %s, tsc-deadline %s, invariant tsc %s, smep %s, "
	       "smap %s, 1G pages %s\n",
	       cpu_vendor, brand, cpu_has_x2apic ? "yes" : "no",
	       cpu_has_tsc_deadline ? "yes" : "no", cpu_has_invariant_tsc ? "yes" : "no",
	       cpu_has_smep ? "yes" : "no", cpu_has_smap ? "yes" : "no",
	       cpu_has_page1gb ? "yes" : "no");
}

#define GDT_IDX(sel) (((sel) >> 3) & 0x1fff)

static void gdt_fill(struct percpu *pc)
{
	u64 *gdt = pc->gdt;
	u64 tss = (u64)&pc->tss;
	u64 limit = sizeof(pc->tss) - 1;

	gdt[GDT_IDX(__HYPERVISOR_CS)] = 0x00af9a000000ffffULL;
	gdt[GDT_IDX(__HYPERVISOR_DS)] = 0x00cf92000000ffffULL;
	gdt[GDT_IDX(FLAT_RING3_CS32)] = 0x00cffa000000ffffULL;
	gdt[GDT_IDX(FLAT_RING3_DS32)] = 0x00cff2000000ffffULL;
	gdt[GDT_IDX(FLAT_RING3_CS64)] = 0x00affa000000ffffULL;
	/* 16-byte available 64-bit TSS descriptor */
	gdt[GDT_IDX(TSS_SELECTOR)] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
				     (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
				     (((tss >> 24) & 0xff) << 56);
	gdt[GDT_IDX(TSS_SELECTOR) + 1] = tss >> 32;
}

static void load_gdt_and_segments(struct percpu *pc)
{
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr = { GDT_ENTRIES * 8 - 1, (u64)pc->gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(__HYPERVISOR_CS), "i"(__HYPERVISOR_DS), "r"(TSS_SELECTOR)
			 : "rax", "memory");
}

/**
 * cpu_init - make the running CPU a Kestrel CPU: GDT, TSS with IST stacks, IDT,
 * GS base at @pc, and the control-register features (WP, NX, SMEP/SMAP, global pages).
 * @pc: this CPU's per-CPU area, with stack_top and tss.ist already filled in.
 */
void cpu_init(struct percpu *pc)
{
	unsigned long cr4;

	pc->self = pc;
	pc->gdt = xzalloc(GDT_ENTRIES * 8);
	if (!pc->gdt)
		panic("cpu%u: no memory for the GDT", pc->id);
	pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap */
	pc->tss.rsp[0] = pc->stack_top;
	gdt_fill(pc);
	load_gdt_and_segments(pc);
	/* The hypervisor never uses GS itself; the syscall entry finds its per-CPU area
	 * through KERNEL_GS_BASE with a swapgs pair. */
	wrmsr(MSR_GS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, (u64)pc);
	cpu_load_idt();

	write_cr0((read_cr0() | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP) & ~X86_CR0_EM);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE | EFER_SCE);
	/* SYSCALL enters on __HYPERVISOR_CS; SYSRET's base makes CS 0xe033, SS 0xe02b. */
	wrmsr(MSR_STAR, ((u64)FLAT_RING3_CS32 << 48) | ((u64)__HYPERVISOR_CS << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_CSTAR, (u64)syscall32_entry);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | EFLAGS_TF | EFLAGS_DF | X86_EFLAGS_AC | EFLAGS_NT);
	cr4 = read_cr4() | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (cpu_has_smep)
		cr4 |= X86_CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= X86_CR4_SMAP;
	write_cr4(cr4);
}
