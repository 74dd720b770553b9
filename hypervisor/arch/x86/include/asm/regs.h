/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register frame entry.S builds on every interrupt and exception, lowest address
 * first. The general registers follow Xen's cpu_user_regs order.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <kestrel/types.h>

struct cpu_regs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi;
	u64 vector;     /* pushed by the entry stub */
	u64 error_code; /* pushed by the CPU, or 0 by the stub */
	u64 rip, cs, rflags, rsp, ss; /* the CPU's interrupt frame */
};

#endif
