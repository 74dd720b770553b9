/* SPDX-License-Identifier: GPL-2.0 */
/* Single x86 instructions and architectural constants. */
#ifndef ASM_X86_H
#define ASM_X86_H

#include <kestrel/types.h>

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_PG (1UL << 31)

#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)

#define X86_EFLAGS_CF (1UL << 0)
#define X86_EFLAGS_PF (1UL << 2)
#define X86_EFLAGS_ZF (1UL << 6)
#define X86_EFLAGS_SF (1UL << 7)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_OF (1UL << 11)
#define X86_EFLAGS_AC (1UL << 18)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1UL << 8)
#define APIC_BASE_EXTD (1UL << 10)
#define APIC_BASE_ENABLE (1UL << 11)
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_PAT 0x277

/* CPUID feature bits: leaf 1 ECX/EDX, leaf 7 EBX, leaf 0x80000001 EDX */
#define CPUID1_ECX_X2APIC (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID1_EDX_APIC (1U << 9)
#define CPUID7_EBX_FSGSBASE (1U << 0)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_SMAP (1U << 20)
#define CPUID81_EDX_NX (1U << 20)
#define CPUID81_EDX_PAGE1GB (1U << 26)
#define CPUID87_EDX_INVARIANT_TSC (1U << 8)

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline void cpuid_count(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(sub));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* rdtsc that is not executed ahead of earlier loads (for measurements). */
static inline u64 rdtsc_ordered(void)
{
	__asm__ volatile("lfence" ::: "memory");
	return rdtsc();
}

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR(n)                                                                           \
	static inline unsigned long read_cr##n(void)                                           \
	{                                                                                      \
		unsigned long v;                                                               \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                              \
		return v;                                                                      \
	}                                                                                      \
	static inline void write_cr##n(unsigned long v)                                        \
	{                                                                                      \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                       \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline unsigned long read_rflags(void)
{
	unsigned long f;

	__asm__ volatile("pushf; pop %0" : "=r"(f));
	return f;
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline unsigned long irq_save(void)
{
	unsigned long f = read_rflags();

	irq_disable();
	return f;
}

static inline void irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		irq_enable();
}

/* Enable interrupts and halt until one arrives, without a window between the two. */
static inline void safe_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void wbinvd(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
}

static inline void invlpg(unsigned long va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static inline void flush_tlb_all_local(void)
{
	unsigned long cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static inline void io_delay(void)
{
	outb(0x80, 0);
}

#endif
