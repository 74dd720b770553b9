/* SPDX-License-Identifier: GPL-2.0 */
/*
 * multicall (hypercall 13): entries run in order, each result lands in its
 * own entry, a failing entry does not stop the others, the call itself
 * returns 0. A nested multicall entry fails with -EINVAL, an unknown op with
 * -ENOSYS; an iret entry ends the batch (later entries do not run) and
 * returns to the frame at the caller's RSP. An unreadable list gives -EFAULT,
 * after the readable entries before it have run.
 *
 * A broken hypervisor stops at the first error, returns per-entry errors
 * from the hypercall, allows re-entry, keeps running after an iret entry, or
 * crashes on bad lists.
 *
 * log-expect: ^multicall: entry 1 ran$
 * log-expect: ^multicall: before the iret entry$
 * log-reject: MUST-NOT-RUN
 */
#include "test.h"

const char test_title[] = "multicall";

static multicall_entry_t mc[8] __aligned(64);

static void set(multicall_entry_t *e, unsigned long op, unsigned long a0, unsigned long a1,
		unsigned long a2)
{
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->result = 0xdeadbeefUL;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
}

static void test_basic(void)
{
	static const char msg[] = "multicall: entry 1 ran\n";
	static char extra[16];
	int up = 0;
	long rc;

	set(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	set(&mc[1], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg);
	set(&mc[2], 99, 0, 0, 0);
	set(&mc[3], __HYPERVISOR_xen_version, XENVER_extraversion, 0xffff830000000000UL, 0);
	set(&mc[4], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0);
	set(&mc[5], __HYPERVISOR_multicall, (unsigned long)&mc[0], 1, 0);
	set(&mc[6], __HYPERVISOR_xen_version, XENVER_extraversion, (unsigned long)extra, 0);
	set(&mc[7], 0x100000000UL | __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	(void)up;

	rc = HYPERVISOR_multicall(mc, 8);
	check_rc("multicall(8 entries)", rc, 0);
	check_rc("entry 0 xen_version", mc[0].result, 0x40011);
	check_rc("entry 1 console_io", mc[1].result, 0);
	check_rc("entry 2 unknown op 99", mc[2].result, -XEN_ENOSYS);
	check_rc("entry 3 bad buffer", mc[3].result, -XEN_EFAULT);
	check_rc("entry 4 VCPUOP_is_up(0)", mc[4].result, 1);
	check_rc("entry 5 nested multicall", mc[5].result, -XEN_EINVAL);
	check_rc("entry 6 after failures", mc[6].result, 0);
	check(!strcmp(extra, xen_extra), "entry 6 wrote \"%s\"", extra);
	check_rc("entry 7 op 1 << 32 | 17", mc[7].result, -XEN_ENOSYS);
	/* Arguments are left as they were (release build). */
	check(mc[0].op == __HYPERVISOR_xen_version && mc[1].args[1] == sizeof(msg) - 1,
	      "entries were modified beyond their result");
}

static void test_counts(void)
{
	long rc;

	set(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	check_rc("multicall(0 entries)", HYPERVISOR_multicall(mc, 0), 0);
	check(mc[0].result == 0xdeadbeefUL, "an entry ran for nr_calls 0");
	/* nr_calls is 32 bits wide. */
	rc = HYPERVISOR_multicall(mc, 0x100000001UL);
	check_rc("multicall(1 << 32 | 1)", rc, 0);
	check_rc("entry 0 of multicall(1 << 32 | 1)", mc[0].result, 0x40011);
}

static void test_efault(void)
{
	multicall_entry_t *edge = (multicall_entry_t *)(bootstrap_end() - sizeof(*edge));
	static const unsigned long bad[] = {
		0xffff830000000000UL, 0x0000800000000000UL, 0x1000, 0,
	};
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		rc = HYPERVISOR_multicall(bad[i], 1);
		if (rc != -XEN_EFAULT)
			xtf_failure("multicall(%#lx, 1) = %ld, expected -EFAULT", bad[i], rc);
	}

	/*
	 * Not tested: a huge nr_calls from a valid list. Xen 4.17 does not refuse
	 * it up front; it runs whatever follows the list until it reaches an
	 * unreadable entry (zeroed memory is set_trap_table(NULL)).
	 */

	/* Entry 0 readable, entry 1 beyond the mapping: 0 runs, then -EFAULT. */
	set(edge, __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	rc = HYPERVISOR_multicall(edge, 2);
	check_rc("multicall(straddling the end of the mapping)", rc, -XEN_EFAULT);
	check_rc("readable entry before the unmapped one", edge->result, 0x40011);
}

static char landing_stack[4096] __aligned(16);

static void test_iret_entry(void)
{
	static const char msg[] = "multicall: before the iret entry\n";
	static const char bad[] = "multicall: MUST-NOT-RUN\n";
	static struct iret_context ctx __aligned(16);
	struct probe_regs p;

	set(&mc[0], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg);
	set(&mc[1], __HYPERVISOR_iret, 0, 0, 0);
	set(&mc[2], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(bad) - 1, (unsigned long)bad);
	memset(&ctx, 0, sizeof(ctx));
	ctx.rax = 0x1234;
	ctx.rcx = 0x5678;
	ctx.r11 = 0x9abc;
	ctx.rip = (unsigned long)iret_probe_landing;
	ctx.cs = 0xe030;
	ctx.rflags = X86_EFLAGS_MBS;
	ctx.rsp = (unsigned long)landing_stack + sizeof(landing_stack) - 8;
	ctx.ss = 0xe02b;
	memset(&p, 0, sizeof(p));
	multicall_probe(mc, 3, &ctx, &p);
	check(p.cs == 0xe033, "the iret entry did not return through the frame (cs %#lx)", p.cs);
	check(p.rax == 0x1234 && p.rcx == 0x5678 && p.r11 == 0x9abc,
	      "after the iret entry: rax %#lx rcx %#lx r11 %#lx", p.rax, p.rcx, p.r11);
	check_rc("entry 0 before the iret", mc[0].result, 0);
	check(mc[2].result == 0xdeadbeefUL, "the entry after the iret ran (result %#lx)",
	      mc[2].result);
	check(mc[1].result == 0x1234, "iret entry result %#lx, expected its RAX", mc[1].result);
	check(vcpu0->evtchn_upcall_mask == 1, "upcall mask %u after the iret entry",
	      vcpu0->evtchn_upcall_mask);
}

void test_main(void)
{
	test_basic();
	test_counts();
	test_efault();
	test_iret_entry();
}
