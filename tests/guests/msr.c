/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RDMSR/WRMSR from a PV guest kernel, emulated by the hypervisor: EFER
 * reads (LME|LMA|NX) and same-value writes, PAT (Xen's fixed value
 * 0x0000050100070406), APIC_BASE (0xfee00000 | enabled | BSP), the TSC,
 * PERF_CAPABILITIES (0), TSC_AUX when RDTSCP exists, and #GP(0) for MSRs Xen
 * does not emulate (an invented index, LSTAR, SYSENTER_CS) and for EFER
 * writes that change the value.
 *
 * A broken hypervisor returns hardware values where Xen virtualises them,
 * accepts writes it must refuse, or lets a #GP kill the guest instead of
 * delivering it.
 */
#include "test.h"

const char test_title[] = "MSR emulation";

#define MSR_TSC			0x00000010
#define MSR_APIC_BASE		0x0000001b
#define MSR_SYSENTER_CS		0x00000174
#define MSR_PAT			0x00000277
#define MSR_PERF_CAPABILITIES	0x00000345
#define MSR_EFER		0xc0000080
#define MSR_LSTAR		0xc0000082
#define MSR_TSC_AUX		0xc0000103

static bool rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	exc_reset();
	asm volatile("1: rdmsr; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(lo), "+d"(hi) : "c"(msr));
	*val = ((uint64_t)hi << 32) | lo;
	return last_exc.vector == ~0u;
}

static bool wrmsr_safe(uint32_t msr, uint64_t val)
{
	exc_reset();
	asm volatile("1: wrmsr; 2:" _ASM_EXTABLE(1b, 2b)
		     : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	return last_exc.vector == ~0u;
}

static void expect_gp(const char *what, bool ok)
{
	if (ok || last_exc.vector != X86_EXC_GP || last_exc.ec != 0)
		xtf_failure("%s: %s (vector %u ec %#lx), expected #GP(0)", what,
			    ok ? "succeeded" : "faulted", last_exc.vector, last_exc.ec);
}

static void test_reads(void)
{
	uint64_t v, t0, t1;

	check(rdmsr_safe(MSR_EFER, &v), "rdmsr EFER faulted");
	printk("EFER %#lx\n", v);
	check((v & 0xd00) == 0xd00, "EFER %#lx lacks LME, LMA or NX", v);
	check(!(v & (1UL << 12)), "EFER %#lx shows SVME", v);

	check(rdmsr_safe(MSR_PAT, &v), "rdmsr PAT faulted");
	check(v == 0x0000050100070406UL, "PAT %#lx, expected Xen's 0x50100070406", v);

	check(rdmsr_safe(MSR_APIC_BASE, &v), "rdmsr APIC_BASE faulted");
	check(v == 0xfee00900UL, "APIC_BASE %#lx, expected 0xfee00900", v);

	check(rdmsr_safe(MSR_PERF_CAPABILITIES, &v), "rdmsr PERF_CAPABILITIES faulted");
	check(v == 0, "PERF_CAPABILITIES %#lx, expected 0", v);

	t0 = rdtsc();
	check(rdmsr_safe(MSR_TSC, &v), "rdmsr TSC faulted");
	t1 = rdtsc();
	check(v >= t0 && v <= t1, "rdmsr TSC %#lx outside [%#lx, %#lx]", v, t0, t1);
}

static void test_writes(void)
{
	uint64_t efer, v;
	uint32_t a, b, c, d;

	rdmsr_safe(MSR_EFER, &efer);
	check(wrmsr_safe(MSR_EFER, efer), "writing EFER's own value faulted (vector %u)",
	      last_exc.vector);
	expect_gp("wrmsr EFER ^ SCE", wrmsr_safe(MSR_EFER, efer ^ 1));
	expect_gp("wrmsr EFER ^ NX", wrmsr_safe(MSR_EFER, efer ^ (1UL << 11)));
	rdmsr_safe(MSR_EFER, &v);
	check(v == efer, "EFER changed to %#lx", v);

	pv_cpuid_count(0x80000001, 0, &a, &b, &c, &d);
	if (d & (1u << 27)) {
		check(wrmsr_safe(MSR_TSC_AUX, 0x42), "wrmsr TSC_AUX faulted");
		check(rdmsr_safe(MSR_TSC_AUX, &v) && v == 0x42, "TSC_AUX reads %#lx", v);
		asm volatile("rdtscp" : "=a"(a), "=d"(d), "=c"(c));
		check(c == 0x42, "rdtscp ECX %#x, expected TSC_AUX 0x42", c);
	} else {
		printk("no RDTSCP: TSC_AUX not tested\n");
	}
}

static const struct {
	uint32_t msr;
	const char *name;
	bool read, write;
} refused[] = {
	{ 0x12345678, "invented MSR", true, true },
	{ 0xc0011234, "invented AMD-range MSR", true, true },
	{ MSR_LSTAR, "LSTAR", true, true },
	{ MSR_SYSENTER_CS, "SYSENTER_CS", true, true },
	{ MSR_PAT, "PAT (write)", false, true },
	{ MSR_APIC_BASE, "APIC_BASE (write)", false, true },
};

static void test_refused(void)
{
	char what[64];
	uint64_t v;

	for (unsigned int i = 0; i < ARRAY_SIZE(refused); i++) {
		if (refused[i].read) {
			snprintf(what, sizeof(what), "rdmsr %s %#x", refused[i].name,
				 refused[i].msr);
			expect_gp(what, rdmsr_safe(refused[i].msr, &v));
		}
		if (refused[i].write) {
			snprintf(what, sizeof(what), "wrmsr %s %#x", refused[i].name,
				 refused[i].msr);
			expect_gp(what, wrmsr_safe(refused[i].msr, 0));
		}
	}
}

void test_main(void)
{
	test_reads();
	test_writes();
	test_refused();
}
