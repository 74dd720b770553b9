/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lazy FPU switching for a PV guest: fpu_taskswitch (hypercall 5) sets and
 * clears the virtual CR0.TS, visible through the emulated `mov %cr0`. With
 * TS set, the first x87 or SSE instruction raises #NM, delivered to the
 * guest at that instruction; Xen clears the virtual TS as it delivers it.
 * CLTS is emulated (it clears the virtual TS), `mov %cr0` writes may change
 * TS only (anything else is #GP(0)), and FPU/SSE register contents survive
 * all of this.
 *
 * A broken hypervisor never raises #NM, raises it twice, shows the wrong
 * CR0.TS, loses register state, or kills the guest on CLTS.
 */
#include "test.h"

const char test_title[] = "lazy FPU";

#define CR0_TS	(1UL << 3)

static unsigned long read_cr0(void)
{
	unsigned long cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	return cr0;
}

unsigned long nm_rip;

/* Returns the number of exceptions an FPU instruction caused. */
static unsigned long try_x87(void)
{
	unsigned long before = exc_count;

	asm volatile("lea 1f(%%rip), %%rax; mov %%rax, nm_rip(%%rip)\n\t"
		     "1: fnop; 2:" _ASM_EXTABLE(1b, 2b) : : : "rax", "memory");
	return exc_count - before;
}

static unsigned long try_sse(void)
{
	unsigned long before = exc_count;

	asm volatile("lea 1f(%%rip), %%rax; mov %%rax, nm_rip(%%rip)\n\t"
		     "1: movaps %%xmm0, %%xmm1; 2:" _ASM_EXTABLE(1b, 2b) : : : "rax", "memory");
	return exc_count - before;
}

static void expect_nm(const char *what, unsigned long n)
{
	if (n != 1 || last_exc.vector != X86_EXC_NM || last_exc.rip != nm_rip ||
	    last_exc.has_ec)
		xtf_failure("%s: %lu exceptions, vector %u rip %#lx (expected #NM at %#lx)",
			    what, n,
			    last_exc.vector, last_exc.rip, nm_rip);
}

static void test_taskswitch(void)
{
	unsigned long cr0 = read_cr0();

	printk("CR0 at start %#lx\n", cr0);
	check(!(cr0 & CR0_TS), "virtual CR0.TS set at boot");
	check((cr0 & 0x80000001) == 0x80000001, "CR0 %#lx lacks PG or PE", cr0);

	check_rc("fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1), 0);
	check(read_cr0() & CR0_TS, "CR0.TS clear after fpu_taskswitch(1)");
	exc_reset();
	expect_nm("x87 with TS", try_x87());
	check(!(read_cr0() & CR0_TS), "CR0.TS still set after #NM was delivered");
	check(try_x87() == 0, "x87 faulted again after #NM");

	check_rc("fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1), 0);
	exc_reset();
	expect_nm("SSE with TS", try_sse());

	/* Clearing TS: no fault. Any non-zero argument sets it. */
	check_rc("fpu_taskswitch(2)", HYPERVISOR_fpu_taskswitch(2), 0);
	check(read_cr0() & CR0_TS, "CR0.TS clear after fpu_taskswitch(2)");
	check_rc("fpu_taskswitch(0)", HYPERVISOR_fpu_taskswitch(0), 0);
	check(!(read_cr0() & CR0_TS), "CR0.TS set after fpu_taskswitch(0)");
	check(try_x87() == 0 && try_sse() == 0, "FPU faulted with TS clear");
	/* The argument is an int: 1 << 32 is 0. */
	check_rc("fpu_taskswitch(1 << 32)", HYPERVISOR_fpu_taskswitch(0x100000000UL), 0);
	check(!(read_cr0() & CR0_TS), "fpu_taskswitch(1 << 32) set TS");
}

static void test_clts_and_cr0(void)
{
	unsigned long cr0;

	HYPERVISOR_fpu_taskswitch(1);
	exc_reset();
	asm volatile("1: clts; 2:" _ASM_EXTABLE(1b, 2b));
	check(last_exc.vector == ~0u, "clts raised vector %u", last_exc.vector);
	check(!(read_cr0() & CR0_TS), "CR0.TS still set after clts");
	check(try_x87() == 0, "x87 faulted after clts");

	/* mov to %cr0 may toggle TS. */
	cr0 = read_cr0();
	asm volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS));
	check(read_cr0() & CR0_TS, "mov to %%cr0 did not set TS");
	exc_reset();
	expect_nm("x87 after mov to cr0", try_x87());
	asm volatile("mov %0, %%cr0" : : "r"(cr0 & ~CR0_TS));
	check(!(read_cr0() & CR0_TS), "mov to %%cr0 did not clear TS");

	/* Changing any other bit is refused with #GP(0). */
	exc_reset();
	asm volatile("1: mov %0, %%cr0; 2:" _ASM_EXTABLE(1b, 2b) : : "r"(cr0 ^ (1UL << 16)));
	check(last_exc.vector == X86_EXC_GP && last_exc.ec == 0,
	      "mov to %%cr0 flipping WP: vector %u ec %#lx", last_exc.vector, last_exc.ec);
	check(read_cr0() == cr0, "CR0 changed to %#lx", read_cr0());
}

static void test_state(void)
{
	static const uint64_t pattern[2] __aligned(16) = { 0x0123456789abcdefUL,
							    0xfedcba9876543210UL };
	static uint64_t out[2] __aligned(16);
	static const uint64_t two = 0x4000000000000000UL; /* 2.0 */
	uint64_t x = 0;

	asm volatile("movaps %0, %%xmm3" : : "m"(pattern));
	asm volatile("fninit; fldl %0" : : "m"(two));
	HYPERVISOR_fpu_taskswitch(1);
	exc_reset();
	expect_nm("SSE with TS (state)", try_sse());
	asm volatile("movaps %%xmm3, %0" : "=m"(out));
	asm volatile("fstpl %0" : "=m"(x));
	check(out[0] == pattern[0] && out[1] == pattern[1], "xmm3 lost across #NM: %#lx %#lx",
	      out[0], out[1]);
	check(x == two, "x87 stack lost across #NM (%#lx)", x);
	/* And across hypercalls and a user-mode round trip. */
	HYPERVISOR_xen_version(XENVER_version, NULL);
	asm volatile("movaps %%xmm3, %0" : "=m"(out));
	check(out[0] == pattern[0], "xmm3 lost across a hypercall");
}

void test_main(void)
{
	test_taskswitch();
	test_clts_and_cr0();
	test_state();
}
