/* SPDX-License-Identifier: GPL-2.0 */
/*
 * set_segment_base (hypercall 25) and the FS/GS base MSR emulation.
 *
 * SEGBASE_FS sets the FS base for both modes; SEGBASE_GS_KERNEL the GS base
 * of guest kernel mode; SEGBASE_GS_USER the GS base guest user mode sees
 * (swapgs semantics: it is the inactive base while in kernel mode);
 * SEGBASE_GS_USER_SEL loads a GS selector for user mode, and an unusable
 * selector is silently replaced by the null selector (Xen returns 0, as Linux
 * BUG()s otherwise). Non-canonical bases and unknown selectors of the base
 * register give -EINVAL. wrmsr/rdmsr of FS_BASE, GS_BASE and
 * KERNEL_GS_BASE (the user GS base) are emulated the same way; a
 * non-canonical base written through wrmsr raises #GP(0).
 *
 * A broken hypervisor mixes up the kernel and user GS bases, lets user mode
 * see the kernel GS base, accepts non-canonical bases, or fails
 * GS_USER_SEL.
 */
#include "test.h"

const char test_title[] = "segment bases";

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

static unsigned long fs_word = 0xf5f5f5f5f5f5f5f5UL;
static unsigned long gsk_word = 0x6b6b6b6b6b6b6b6bUL;
static unsigned long gsu_word = 0x7575757575757575UL;

static unsigned long read_fs0(void)
{
	unsigned long v;

	asm volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static unsigned long read_gs0(void)
{
	unsigned long v;

	asm volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

static unsigned long rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((unsigned long)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, unsigned long v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static unsigned long user_fs0(unsigned long arg)
{
	return read_fs0();
}

static unsigned long user_gs0(unsigned long arg)
{
	return read_gs0();
}

static unsigned long user_gs_sel(unsigned long arg)
{
	unsigned long sel = 0;

	asm volatile("mov %%gs, %0" : "=r"(sel));
	return sel & 0xffff;
}

static void test_hypercall(void)
{
	unsigned long v;

	check_rc("SEGBASE_FS", HYPERVISOR_set_segment_base(SEGBASE_FS, &fs_word), 0);
	check_rc("SEGBASE_GS_KERNEL", HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, &gsk_word),
		 0);
	check_rc("SEGBASE_GS_USER", HYPERVISOR_set_segment_base(SEGBASE_GS_USER, &gsu_word), 0);

	check(read_fs0() == fs_word, "%%fs:0 in kernel mode = %#lx", read_fs0());
	check(read_gs0() == gsk_word, "%%gs:0 in kernel mode = %#lx, expected the kernel base",
	      read_gs0());
	v = run_user(user_fs0, 0);
	check(v == fs_word, "%%fs:0 in user mode = %#lx (FS base is shared)", v);
	v = run_user(user_gs0, 0);
	check(v == gsu_word, "%%gs:0 in user mode = %#lx, expected the user base", v);
	check(read_gs0() == gsk_word, "kernel GS base lost after a user round trip");

	/* The MSRs show the same state: GS_BASE = active (kernel), KERNEL_GS_BASE = user. */
	check(rdmsr(MSR_FS_BASE) == (unsigned long)&fs_word, "rdmsr FS_BASE %#lx",
	      rdmsr(MSR_FS_BASE));
	check(rdmsr(MSR_GS_BASE) == (unsigned long)&gsk_word, "rdmsr GS_BASE %#lx",
	      rdmsr(MSR_GS_BASE));
	check(rdmsr(MSR_KERNEL_GS_BASE) == (unsigned long)&gsu_word,
	      "rdmsr KERNEL_GS_BASE %#lx", rdmsr(MSR_KERNEL_GS_BASE));
}

static void test_msr_writes(void)
{
	unsigned long v;

	wrmsr(MSR_FS_BASE, (unsigned long)&gsu_word);
	check(read_fs0() == gsu_word, "wrmsr FS_BASE had no effect");
	wrmsr(MSR_GS_BASE, (unsigned long)&fs_word);
	check(read_gs0() == fs_word, "wrmsr GS_BASE had no effect on kernel GS");
	wrmsr(MSR_KERNEL_GS_BASE, (unsigned long)&gsk_word);
	v = run_user(user_gs0, 0);
	check(v == gsk_word, "wrmsr KERNEL_GS_BASE: user %%gs:0 = %#lx", v);
	check(read_gs0() == fs_word, "wrmsr KERNEL_GS_BASE changed the kernel GS base");

	/* Non-canonical values: #GP(0), nothing changes. */
	static const uint32_t msrs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE };

	for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
		exc_reset();
		asm volatile("1: wrmsr; 2:" _ASM_EXTABLE(1b, 2b)
			     : : "c"(msrs[i]), "a"(0), "d"(0x8000));
		check(last_exc.vector == X86_EXC_GP && last_exc.ec == 0,
		      "wrmsr %#x non-canonical: vector %u ec %#lx", msrs[i], last_exc.vector,
		      last_exc.ec);
	}
	check(read_fs0() == gsu_word, "FS base changed by a refused wrmsr");
}

static const struct {
	unsigned int which;
	unsigned long base;
	long rc;
} bad_cases[] = {
	{ SEGBASE_FS, 0x0000800000000000UL, -XEN_EINVAL },
	{ SEGBASE_FS, 0x8000000000000000UL, -XEN_EINVAL },
	{ SEGBASE_GS_USER, 0x0000800000000000UL, -XEN_EINVAL },
	{ SEGBASE_GS_KERNEL, 0xfff0000000000000UL, -XEN_EINVAL },
	{ 4, 0, -XEN_EINVAL },
	{ 5, 0, -XEN_EINVAL },
	{ 0xffffffff, 0, -XEN_EINVAL },
	/* The selector is 32 bits wide: 1 << 32 | SEGBASE_FS is SEGBASE_FS. */
	{ 0, 0, 0 },
};

static void test_errors(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		long rc = HYPERVISOR_set_segment_base(bad_cases[i].which, bad_cases[i].base);

		if (rc != bad_cases[i].rc)
			xtf_failure("set_segment_base(%u, %#lx) = %ld, expected %ld",
				    bad_cases[i].which, bad_cases[i].base, rc, bad_cases[i].rc);
	}
	check_rc("set_segment_base(1 << 32 | FS)",
		 HYPERVISOR_set_segment_base(0x100000000UL | SEGBASE_FS, &fs_word), 0);
	check(read_fs0() == fs_word, "set_segment_base(1 << 32 | FS) did not set FS");
}

static void test_user_sel(void)
{
	unsigned long gs, v;

	HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, &gsk_word);
	/* A valid selector: the flat 32-bit data segment (RPL 3). */
	check_rc("GS_USER_SEL(0xe02b)", HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xe02b),
		 0);
	asm volatile("mov %%gs, %0" : "=r"(gs));
	check((gs & 0xffff) == 0xe02b, "%%gs after GS_USER_SEL(0xe02b) = %#lx", gs & 0xffff);
	check(read_gs0() == gsk_word, "GS_USER_SEL changed the kernel GS base");
	v = run_user(user_gs_sel, 0);
	check(v == 0xe02b, "user %%gs = %#lx after GS_USER_SEL(0xe02b)", v);
	/* RPL is forced to 3. */
	check_rc("GS_USER_SEL(0xe028)", HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xe028),
		 0);
	asm volatile("mov %%gs, %0" : "=r"(gs));
	check((gs & 0xffff) == 0xe02b, "%%gs after GS_USER_SEL(0xe028) = %#lx", gs & 0xffff);
	/* An unusable selector (the guest GDT is empty): still 0, GS becomes null. */
	check_rc("GS_USER_SEL(0x0b)", HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0x0b), 0);
	asm volatile("mov %%gs, %0" : "=r"(gs));
	check((gs & 0xffff) == 0, "%%gs after GS_USER_SEL(bad) = %#lx, expected 0", gs & 0xffff);
	/* Only bits 0..15 are used. */
	check_rc("GS_USER_SEL(1 << 16 | 0)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0x10000), 0);
	check(read_gs0() == gsk_word, "GS_USER_SEL changed the kernel GS base");
}

void test_main(void)
{
	test_hypercall();
	test_msr_writes();
	test_errors();
	test_user_sel();
}
