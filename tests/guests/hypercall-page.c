/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall page (XEN_ELFNOTE_HYPERCALL_PAGE). This kernel and its copy
 * of the framework make every hypercall by calling hypercall_page + 32 * nr
 * (console output included), so the builder must have filled the page
 * before entry. Checked: known and unknown hypercalls through their stubs,
 * RBX/RBP/R12-R15 preserved, the iret stub (jumped to with the frame pushed
 * and RAX/RCX/R11 in registers), and the exact stub bytes (Kestrel writes Xen's encoding)
 * (push %rcx; push %r11; mov $nr, %eax; syscall; pop %r11; pop %rcx; ret,
 * and for iret: push %rcx; push %r11; push %rax; mov $23, %eax; syscall).
 *
 * A broken builder leaves the page empty (the first printk dies), fills
 * stubs that clobber callee-saved registers, or an iret stub that does not
 * take the pushed frame.
 */
#include "test.h"

const char test_title[] = "hypercall page";

#ifndef GUEST_HYPERCALL_PAGE
#error "this kernel must be built with GUEST_HYPERCALL_PAGE"
#endif

static void test_stub_bytes(void)
{
	const unsigned char *p = (const unsigned char *)hypercall_page;
	unsigned int bad = 0;

	for (unsigned int i = 0; i < 128; i++, p += 32) {
		static const unsigned char head[] = { 0x51, 0x41, 0x53 };

		if (memcmp(p, head, 3))
			bad++;
		else if (i == __HYPERVISOR_iret)
			bad += p[3] != 0x50 || p[4] != 0xb8 || p[5] != 23 || p[9] != 0x0f ||
			       p[10] != 0x05;
		else
			bad += p[3] != 0xb8 || p[4] != i || p[5] || p[8] != 0x0f || p[9] != 0x05 ||
			       p[10] != 0x41 || p[11] != 0x5b || p[12] != 0x59 || p[13] != 0xc3;
	}
	check(!bad, "%u of 128 stubs differ from Xen's encoding", bad);
}

static void test_calls(void)
{
	unsigned long r12 = 0x1212, r13 = 0x1313, r14 = 0x1414, r15 = 0x1515, rbx = 0xbbbb;
	long rc;

	check(HYPERVISOR_xen_version(XENVER_version, NULL) == 0x40011, "xen_version via the page");
	check_rc("unknown hypercall 60 via the page", hypercall_page_call(60, 0, 0, 0, 0, 0),
		 -XEN_ENOSYS);
	check_rc("vcpu_op(is_up, 0) via the page", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);

	asm volatile("call *%[stub]"
		     : "=a"(rc), "+b"(rbx), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
		     : [stub] "r"(hypercall_page + 32 * __HYPERVISOR_xen_version),
		       "D"(XENVER_version), "S"(0)
		     : "rcx", "rdx", "r8", "r10", "r11", "memory");
	check(rc == 0x40011, "xen_version stub returned %#lx", rc);
	check(rbx == 0xbbbb && r12 == 0x1212 && r13 == 0x1313 && r14 == 0x1414 && r15 == 0x1515,
	      "callee-saved registers changed by a stub");
}

void hcpage_iret_probe(struct iret_context *ctx, struct probe_regs *out);
asm(".pushsection .text\n"
    ".globl hcpage_iret_probe\n"
    "hcpage_iret_probe:\n\t"
    "push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n\t"
    "mov %rsp, probe_saved_sp\n\t"
    "mov %rsi, probe_out\n\t"
    /* The stub pushes RCX, R11 and RAX below the flags word. */
    "mov 0(%rdi), %rax\n\t"
    "mov 8(%rdi), %r11\n\t"
    "mov 16(%rdi), %rcx\n\t"
    "lea 24(%rdi), %rsp\n\t"
    "jmp hypercall_page + 23 * 32\n"
    ".popsection");

static char landing_stack[4096] __aligned(16);

static void test_iret_stub(void)
{
	static struct iret_context ctx __aligned(16);
	struct probe_regs p;

	memset(&ctx, 0, sizeof(ctx));
	memset(&p, 0, sizeof(p));
	ctx.rax = 0xaaaa;
	ctx.r11 = 0x1111;
	ctx.rcx = 0xcccc;
	ctx.rip = (unsigned long)iret_probe_landing;
	ctx.cs = 0xe030;
	ctx.rflags = X86_EFLAGS_MBS;
	ctx.rsp = (unsigned long)landing_stack + sizeof(landing_stack) - 8;
	ctx.ss = 0xe02b;
	hcpage_iret_probe(&ctx, &p);
	check(p.rax == 0xaaaa && p.rcx == 0xcccc && p.r11 == 0x1111 && p.cs == 0xe033 &&
	      p.rsp == ctx.rsp, "iret stub: rax %#lx rcx %#lx r11 %#lx cs %#lx rsp %#lx", p.rax,
	      p.rcx, p.r11, p.cs, p.rsp);
}

void test_main(void)
{
	test_stub_bytes();
	test_calls();
	test_iret_stub();
}
