/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instructions a PV kernel still executes natively and which fault at CPL 3: the
 * forced-emulation CPUID (ud2; "xen"; cpuid) with the PV CPUID policy, RDMSR/WRMSR for a
 * small allow-list, reads of CR0/CR2/CR3/CR4, harmless CR4 writes, CLTS, WBINVD, and
 * port I/O where the domain holds I/O privilege. The instruction bytes are guest memory,
 * read with copy_from_guest; anything not recognised is left for the caller to reflect
 * as #GP or #UD.
 */
#include <kestrel/guest_access.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "../arch-x86.h"
#include "pv.h"

#define MAX_INSN 15
#define MSR_MISC_ENABLE 0x1a0
#define MSR_TSC 0x10
#define MSR_PERF_CAPABILITIES 0x345
#define XEN_PAT 0x0000050100070406ULL /* the PAT PV guests see, as Xen defines it */
#define GUEST_EFER (EFER_SCE | EFER_LME | (1UL << 10) /* LMA */ | EFER_NXE)
#define MSR_TSC_AUX 0xc0000103
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_PCE (1UL << 8)

/* Xen's leaves for a PV guest: signature, version, hypercall page. */
#define XEN_CPUID_BASE 0x40000000
#define XEN_CPUID_LAST 0x40000005
#define KESTREL_XEN_MAJOR 4
#define KESTREL_XEN_MINOR 17

struct cpuid_mask {
	u32 leaf, subleaf;
	u32 clear[4]; /* eax, ebx, ecx, edx bits to hide */
};

/*
 * What a PV guest must not see: features it cannot use at CPL 3 or under PV paging
 * (PSE, PGE, 1 GiB pages, PCID, SMEP/SMAP...), virtualization, the local APIC's x2APIC and
 * TSC-deadline modes, monitoring and machine check, and XSAVE (not virtualized yet).
 */
static const struct cpuid_mask pv_masks[] = {
	{ 1, 0, { 0, 0,
		  (1U << 3) | (1U << 5) | (1U << 6) | (1U << 7) | (1U << 8) | (1U << 15) |
			  (1U << 17) | (1U << 18) | (1U << 21) | (1U << 24) | (1U << 26) |
			  (1U << 27) | (1U << 28) | (1U << 12) | (1U << 29),
		  (1U << 3) | (1U << 7) | (1U << 12) | (1U << 13) | (1U << 14) | (1U << 17) |
			  (1U << 21) | (1U << 22) | (1U << 29) | (1U << 31) } },
	{ 7, 0, { 0,
		  (1U << 0) | (1U << 1) | (1U << 5) | (1U << 7) | (1U << 10) | (1U << 20) |
			  (1U << 16) | (1U << 17) | (1U << 30) | (1U << 31) | (1U << 28),
		  (1U << 2) | (1U << 3) | (1U << 4) | (1U << 16),
		  0xfc000000U } },
	{ 0x80000001, 0, { 0, 0, (1U << 2), (1U << 26) } },
};

static bool leaf_hidden(u32 leaf)
{
	return leaf == 5 || leaf == 6 || leaf == 0xa || leaf == 0xd || leaf == 0xf ||
	       leaf == 0x10 || leaf == 0x12 || leaf == 0x14 || leaf == 0x1b || leaf == 0x1f ||
	       leaf == 0xb;
}

static void xen_leaves(u32 leaf, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	switch (leaf - XEN_CPUID_BASE) {
	case 0:
		out[0] = XEN_CPUID_LAST;
		memcpy(&out[1], "XenV", 4);
		memcpy(&out[2], "MMXe", 4);
		memcpy(&out[3], "nVMM", 4);
		break;
	case 1:
		out[0] = (KESTREL_XEN_MAJOR << 16) | KESTREL_XEN_MINOR;
		break;
	case 2:
		out[0] = 1;          /* hypercall pages */
		out[1] = 0x40000000; /* MSR base (unused by PV guests) */
		break;
	}
}

/* The PV CPUID policy: the host's answer with the masks above, plus Xen's leaves. */
void pv_cpuid(u32 leaf, u32 subleaf, u32 out[4])
{
	struct cpuid_regs r;

	if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + 0xff) {
		xen_leaves(leaf, out);
		return;
	}
	if (leaf_hidden(leaf)) {
		out[0] = out[1] = out[2] = out[3] = 0;
		return;
	}
	cpuid_count(leaf, subleaf, &r);
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
	for (unsigned int i = 0; i < ARRAY_SIZE(pv_masks); i++) {
		if (pv_masks[i].leaf != leaf || pv_masks[i].subleaf != (leaf == 7 ? subleaf : 0))
			continue;
		for (unsigned int k = 0; k < 4; k++)
			out[k] &= ~pv_masks[i].clear[k];
	}
	if (leaf == 1)
		out[2] |= CPUID1_ECX_HYPERVISOR;
}

bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs)
{
	static const u8 sig[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
	u8 insn[7];
	u32 out[4];
	unsigned int n;

	for (n = 0; n < sizeof(insn); n++)
		if (copy_from_guest(&insn[n], regs->rip + n, 1))
			break;
	if (n < sizeof(insn)) {
		/* The signature runs off the mapping: the fetch faults at the first missing
		 * byte, as an emulator reading the instruction would. */
		if (n < 2 || memcmp(insn, sig, MIN(n, 5U)))
			return false;
		v->arch.vcpu_info->arch.cr2 = regs->rip + n;
		pv_inject_trap(v, regs, 14, true, 0);
		return true;
	}
	if (memcmp(insn, sig, sizeof(sig)))
		return false;
	pv_cpuid((u32)regs->rax, (u32)regs->rcx, out);
	regs->rax = out[0];
	regs->rbx = out[1];
	regs->rcx = out[2];
	regs->rdx = out[3];
	regs->rip += sizeof(sig);
	return true;
}

static u64 *gpr(struct cpu_regs *regs, unsigned int n)
{
	u64 *const table[16] = { &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx,
				 &regs->rsp, &regs->rbp, &regs->rsi, &regs->rdi,
				 &regs->r8,  &regs->r9,  &regs->r10, &regs->r11,
				 &regs->r12, &regs->r13, &regs->r14, &regs->r15 };

	return table[n & 15];
}

static bool read_msr(struct vcpu *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_FS_BASE:
		*val = rdmsr(MSR_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*val = rdmsr(MSR_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:
		*val = v->arch.gs_base_user;
		return true;
	case MSR_EFER:
		*val = GUEST_EFER;
		return true;
	case MSR_PAT:
		*val = XEN_PAT;
		return true;
	case MSR_APIC_BASE:
		*val = 0xfee00000UL | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
		return true;
	case MSR_PERF_CAPABILITIES:
		*val = 0;
		return true;
	case MSR_TSC:
		*val = rdtsc();
		return true;
	case MSR_TSC_AUX:
		*val = v->arch.tsc_aux;
		return true;
	case MSR_MISC_ENABLE:
		*val = (1UL << 0) | (1UL << 11) | (1UL << 12); /* fast strings, no BTS/PEBS */
		return true;
	default:
		return false;
	}
}

static bool write_msr(struct vcpu *v, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_FS_BASE:
		if (!is_canonical(val))
			return false;
		wrmsr(MSR_FS_BASE, val);
		return true;
	case MSR_GS_BASE:
		if (!is_canonical(val))
			return false;
		wrmsr(MSR_GS_BASE, val);
		v->arch.gs_base_kernel = val;
		return true;
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(val))
			return false;
		v->arch.gs_base_user = val;
		return true;
	case MSR_EFER:
		return val == GUEST_EFER; /* only its own value */
	case MSR_TSC_AUX:
		if (val >> 32)
			return false;
		v->arch.tsc_aux = val;
		wrmsr(MSR_TSC_AUX, val);
		return true;
	default:
		return false;
	}
}

static bool emulate_cr(struct vcpu *v, struct cpu_regs *regs, u8 op, u8 modrm, bool rex_r,
		       bool rex_b)
{
	unsigned int cr = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
	u64 *reg = gpr(regs, (modrm & 7) | (rex_b ? 8 : 0));

	if ((modrm >> 6) != 3)
		return false;
	if (op == 0x20) { /* mov from CR */
		switch (cr) {
		case 0:
			*reg = (read_cr0() & ~X86_CR0_TS) | (v->arch.fpu_ts ? X86_CR0_TS : 0);
			return true;
		case 2:
			*reg = v->arch.vcpu_info->arch.cr2;
			return true;
		case 3:
			*reg = v->arch.guest_table << PAGE_SHIFT;
			return true;
		case 4:
			*reg = v->arch.cr4_shadow;
			return true;
		}
		return false;
	}
	if (cr == 4) { /* mov to CR4: only bits that change nothing for a PV guest */
		u64 harmless = X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_PGE | X86_CR4_PCE |
			       (1UL << 7);

		if ((*reg ^ v->arch.cr4_shadow) & ~harmless)
			return false;
		v->arch.cr4_shadow = *reg;
		return true;
	}
	if (cr == 0) { /* mov to CR0: only TS may change */
		if ((*reg ^ read_cr0()) & ~X86_CR0_TS)
			return false;
		do_fpu_taskswitch(!!(*reg & X86_CR0_TS));
		return true;
	}
	return false;
}

/* Ports the hypervisor keeps for itself: PIC, PIT, speaker, the serial consoles. */
static bool port_reserved(u16 port, unsigned int size)
{
	static const u16 reserved[][2] = {
		{ 0x20, 0x21 }, { 0xa0, 0xa1 }, { 0x40, 0x43 }, { 0x61, 0x61 },
		{ 0x2f8, 0x2ff }, { 0x3f8, 0x3ff }, { 0xf4, 0xf7 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++)
		if (port + size - 1 >= reserved[i][0] && port <= reserved[i][1])
			return true;
	return false;
}

/* Does the virtual IOPL admit the vCPU's ring (the kernel counts as ring 1, as in Xen)? */
static bool iopl_ok(const struct vcpu *v)
{
	return v->arch.iopl >= (v->arch.kernel_mode ? 1U : 3U);
}

static bool io_allowed(const struct vcpu *v)
{
	return v->domain->is_privileged && iopl_ok(v);
}

static bool emulate_io(struct vcpu *v, struct cpu_regs *regs, u8 op, u8 imm, bool opsize16)
{
	bool in = op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed;
	unsigned int size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
	u16 port = (op >= 0xec) ? (u16)regs->rdx : imm;
	u64 mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

	if (!io_allowed(v))
		return false;
	if (port_reserved(port, size)) {
		if (in)
			regs->rax = (regs->rax & ~mask) | mask; /* reads as all-ones */
		return true;                                   /* writes are dropped */
	}
	if (in) {
		u32 val;

		if (size == 1)
			val = inb(port);
		else if (size == 2)
			__asm__ volatile("inw %w1, %w0" : "=a"(val) : "Nd"(port));
		else
			val = inl(port);
		regs->rax = size == 4 ? val : (regs->rax & ~mask) | (val & mask);
	} else if (size == 1) {
		outb(port, (u8)regs->rax);
	} else if (size == 2) {
		__asm__ volatile("outw %w0, %w1" ::"a"((u16)regs->rax), "Nd"(port));
	} else {
		outl(port, (u32)regs->rax);
	}
	return true;
}

static bool emulate_msr(struct vcpu *v, struct cpu_regs *regs, bool write)
{
	u32 msr = (u32)regs->rcx;
	u64 val;

	if (!v->arch.kernel_mode)
		return false;
	if (write)
		return write_msr(v, msr, (regs->rdx << 32) | (u32)regs->rax);
	if (!read_msr(v, msr, &val))
		return false;
	regs->rax = (u32)val;
	regs->rdx = val >> 32;
	return true;
}

/**
 * pv_emulate_priv_op - emulate the instruction at the guest's RIP after a #GP(0): MSR
 * and CR accesses, CLTS, WBINVD, port I/O and (with virtual IOPL, as no-ops) CLI/STI.
 * Returns true when it was emulated (RIP advanced), false to reflect the #GP.
 */
bool pv_emulate_priv_op(struct vcpu *v, struct cpu_regs *regs)
{
	u8 b[MAX_INSN] = { 0 };
	unsigned int i = 0;
	bool opsize16 = false, rex_r = false, rex_b = false, ok = false;

	if (copy_from_guest(b, regs->rip, sizeof(b)) && copy_from_guest(b, regs->rip, 4))
		return false;
	for (; i < 4 && (b[i] == 0x66 || (b[i] & 0xf0) == 0x40); i++) {
		if (b[i] == 0x66)
			opsize16 = true;
		else {
			rex_r = b[i] & 4;
			rex_b = b[i] & 1;
		}
	}
	if (b[i] == 0x0f) {
		u8 op = b[i + 1];

		if (op == 0x30 || op == 0x32) {
			ok = emulate_msr(v, regs, op == 0x30);
			i += 2;
		} else if ((op == 0x20 || op == 0x22) && v->arch.kernel_mode) {
			ok = emulate_cr(v, regs, op, b[i + 2], rex_r, rex_b);
			i += 3;
		} else if (op == 0x06 && v->arch.kernel_mode) { /* CLTS */
			ok = do_fpu_taskswitch(0) == 0;
			i += 2;
		} else if (op == 0x09 && v->arch.kernel_mode) { /* WBINVD */
			if (v->domain->is_privileged)
				__asm__ volatile("wbinvd" ::: "memory");
			ok = true;
			i += 2;
		}
	} else if ((b[i] == 0xfa || b[i] == 0xfb) && iopl_ok(v)) {
		/* CLI/STI with enough virtual IOPL: allowed and, as on Xen 4.17, without effect
		 * (events are masked through vcpu_info, never through EFLAGS.IF) */
		ok = true;
		i += 1;
	} else if ((b[i] & 0xf4) == 0xe4) { /* IN/OUT imm8 or DX */
		u8 op = b[i];

		ok = emulate_io(v, regs, op, b[i + 1], opsize16);
		i += op < 0xec ? 2 : 1;
	}
	if (ok)
		regs->rip += i;
	return ok;
}
