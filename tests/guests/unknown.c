/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall numbers a 64-bit PV guest cannot use, and unknown sub-ops of the
 * multiplexed hypercalls: all -ENOSYS, and the guest keeps running.
 *
 * Xen 4.17 (Debian's build) has handlers for 0-37, 40 (xenpmu), 41 (dm_op),
 * 42 (hypfs), 48 (mca) and 49 (paging_domctl_cont); 11 is a hole, 38 (tmem)
 * is gone and 39 (argo) is not built. The hypercall number is the whole RAX:
 * 1 << 32 | 17 is not xen_version.
 *
 * A broken hypervisor crashes, returns 0 or another error, or truncates the
 * number.
 */
#include "test.h"

const char test_title[] = "unknown hypercalls";

static const unsigned long unknown_nrs[] = {
	11, 38, 39, 43, 44, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
	64, 100, 127, 128, 255, 256, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000UL | __HYPERVISOR_xen_version, 0x8000000000000000UL, ~0UL,
};

static void test_numbers(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_nrs); i++) {
		long rc = hypercall_raw(unknown_nrs[i], 1, 2, 3, 4, 5);

		if (rc != -XEN_ENOSYS)
			xtf_failure("hypercall %#lx returned %ld, expected -ENOSYS (-38)",
				    unknown_nrs[i], rc);
	}
}

/* Preserved registers across a hypercall: RBX, RBP, R9, R12-R15. */
static void test_preserved(void)
{
	register unsigned long r9 asm("r9") = 0x0909;
	register unsigned long r12 asm("r12") = 0x1212;
	register unsigned long r13 asm("r13") = 0x1313;
	register unsigned long r14 asm("r14") = 0x1414;
	register unsigned long r15 asm("r15") = 0x1515;
	unsigned long rbx = 0xbbbb, rbp_ok = 0;

	asm volatile("push %%rbp\n\t"
		     "mov $0xb0b0, %%rbp\n\t"
		     "mov $1000, %%eax\n\t"
		     "syscall\n\t"
		     "mov $17, %%eax\n\t"
		     "xor %%edi, %%edi\n\t"
		     "syscall\n\t"
		     "cmp $0xb0b0, %%rbp\n\t"
		     "sete %b[ok]\n\t"
		     "pop %%rbp\n\t"
		     : "+b"(rbx), [ok] "+a"(rbp_ok), "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14),
		       "+r"(r15)
		     :
		     : "rcx", "rdx", "rsi", "rdi", "r8", "r10", "r11", "memory");
	check(rbx == 0xbbbb && r12 == 0x1212 && r13 == 0x1313 && r14 == 0x1414 &&
	      r15 == 0x1515 && r9 == 0x0909 && (rbp_ok & 0xff),
	      "callee-saved registers changed by a hypercall: rbx %#lx r9 %#lx r12 %#lx "
	      "r13 %#lx r14 %#lx r15 %#lx rbp ok %lu", rbx, r9, r12, r13, r14, r15, rbp_ok & 0xff);
}

static const struct {
	const char *name;
	unsigned long nr, cmd;
} subops[] = {
	{ "memory_op", __HYPERVISOR_memory_op, 999 },
	{ "event_channel_op", __HYPERVISOR_event_channel_op, 999 },
	{ "physdev_op", __HYPERVISOR_physdev_op, 999 },
	{ "grant_table_op", __HYPERVISOR_grant_table_op, 999 },
	{ "sched_op", __HYPERVISOR_sched_op, 999 },
	{ "vcpu_op", __HYPERVISOR_vcpu_op, 999 },
	{ "callback_op", __HYPERVISOR_callback_op, 999 },
	{ "xen_version", __HYPERVISOR_xen_version, 999 },
	{ "console_io", __HYPERVISOR_console_io, 999 },
	{ "vm_assist", __HYPERVISOR_vm_assist, 999 },
};

static void test_subops(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(subops); i++) {
		long rc = hypercall_raw(subops[i].nr, subops[i].cmd, 0, 0, 0, 0);

		if (rc != -XEN_ENOSYS)
			xtf_failure("%s(%lu) returned %ld, expected -ENOSYS", subops[i].name,
				    subops[i].cmd, rc);
	}
}

void test_main(void)
{
	test_numbers();
	test_preserved();
	test_subops();
	check(HYPERVISOR_xen_version(XENVER_version, NULL) == 0x40011,
	      "hypercalls broken after the unknown ones");
}
