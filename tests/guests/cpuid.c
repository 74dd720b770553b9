/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID as a PV guest sees it through the forced-emulation prefix
 * (ud2; .ascii "xen"; cpuid): the hypervisor leaves at 0x40000000
 * ("XenVMMXenVMM", EAX >= 0x40000002), 0x40000001 (version 4.17),
 * 0x40000002 (one hypercall page, MSR base 0x40000000), the HYPERVISOR bit,
 * and the features Xen 4.17's PV policy hides (everything not marked "A" in
 * its cpufeatureset.h: PSE, PGE, PSE36, VME, DS, MONITOR, VMX, SMX, PCID,
 * X2APIC, TSC_DEADLINE, PDCM, PAGE1GB, SVM, SMEP, SMAP, INVPCID, UMIP, PKU,
 * ...). The prefix works from user mode too, RIP advances past all seven
 * bytes, and a plain CPUID still executes.
 *
 * A broken hypervisor reflects #UD for the prefix, shows no Xen leaves,
 * leaks features a PV kernel must not use (Linux would build large-page
 * mappings Xen refuses), or advances RIP wrongly.
 */
#include "test.h"

const char test_title[] = "cpuid";

struct regs4 {
	uint32_t a, b, c, d;
};

static struct regs4 pv(uint32_t leaf, uint32_t sub)
{
	struct regs4 r;

	pv_cpuid_count(leaf, sub, &r.a, &r.b, &r.c, &r.d);
	return r;
}

enum reg { EAX, EBX, ECX, EDX };

static const struct {
	uint32_t leaf, sub;
	enum reg reg;
	unsigned int bit;
	const char *name;
} hidden[] = {
	{ 1, 0, EDX, 1, "VME" },
	{ 1, 0, EDX, 3, "PSE" },
	{ 1, 0, EDX, 13, "PGE" },
	{ 1, 0, EDX, 17, "PSE36" },
	{ 1, 0, EDX, 21, "DS" },
	{ 1, 0, EDX, 29, "TM1" },
	{ 1, 0, EDX, 31, "PBE" },
	{ 1, 0, ECX, 2, "DTES64" },
	{ 1, 0, ECX, 3, "MONITOR" },
	{ 1, 0, ECX, 4, "DSCPL" },
	{ 1, 0, ECX, 5, "VMX" },
	{ 1, 0, ECX, 6, "SMX" },
	{ 1, 0, ECX, 8, "TM2" },
	{ 1, 0, ECX, 15, "PDCM" },
	{ 1, 0, ECX, 17, "PCID" },
	{ 1, 0, ECX, 21, "X2APIC" },
	{ 1, 0, ECX, 24, "TSC_DEADLINE" },
	{ 7, 0, EBX, 7, "SMEP" },
	{ 7, 0, EBX, 10, "INVPCID" },
	{ 7, 0, EBX, 20, "SMAP" },
	{ 7, 0, ECX, 2, "UMIP" },
	{ 7, 0, ECX, 3, "PKU" },
	{ 0x80000001, 0, EDX, 26, "PAGE1GB" },
	{ 0x80000001, 0, ECX, 2, "SVM" },
};

static const struct {
	uint32_t leaf;
	enum reg reg;
	unsigned int bit;
	const char *name;
} required[] = {
	{ 1, ECX, 31, "HYPERVISOR" },
	{ 1, EDX, 0, "FPU" },
	{ 1, EDX, 4, "TSC" },
	{ 1, EDX, 6, "PAE" },
	{ 1, EDX, 25, "SSE" },
	{ 1, EDX, 26, "SSE2" },
	{ 0x80000001, EDX, 20, "NX" },
	{ 0x80000001, EDX, 29, "LM" },
};

static uint32_t get(const struct regs4 *r, enum reg reg)
{
	return reg == EAX ? r->a : reg == EBX ? r->b : reg == ECX ? r->c : r->d;
}

static void test_xen_leaves(void)
{
	struct regs4 r = pv(0x40000000, 0);
	char sig[13];

	memcpy(sig, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	sig[12] = '\0';
	printk("leaf 0x40000000: eax %#x \"%s\"\n", r.a, sig);
	check(!strcmp(sig, "XenVMMXenVMM"), "signature \"%s\", expected \"XenVMMXenVMM\"", sig);
	check(r.a >= 0x40000002 && r.a < 0x40000100, "max hypervisor leaf %#x", r.a);

	r = pv(0x40000001, 0);
	check(r.a == 0x00040011, "leaf 0x40000001 eax %#x, expected 0x40011 (4.17)", r.a);

	r = pv(0x40000002, 0);
	check(r.a == 1 && r.b == 0x40000000, "leaf 0x40000002: %#x %#x, expected 1 page at MSR "
	      "0x40000000", r.a, r.b);
}

static void test_policy(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(hidden); i++) {
		struct regs4 r = pv(hidden[i].leaf, hidden[i].sub);

		if (get(&r, hidden[i].reg) & (1u << hidden[i].bit))
			xtf_failure("%s (leaf %#x bit %u) visible to a PV guest", hidden[i].name,
				    hidden[i].leaf, hidden[i].bit);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(required); i++) {
		struct regs4 r = pv(required[i].leaf, 0);

		if (!(get(&r, required[i].reg) & (1u << required[i].bit)))
			xtf_failure("%s (leaf %#x bit %u) missing", required[i].name,
				    required[i].leaf, required[i].bit);
	}
}

static void test_plain_and_rip(void)
{
	struct regs4 p, r = pv(0, 0);
	unsigned long before = exc_count, after_rip = 0;
	uint32_t a = 0x40000000, b, c = 0, d;

	cpuid_count(0, 0, &p.a, &p.b, &p.c, &p.d);
	check(exc_count == before, "plain cpuid raised an exception");
	check(p.b == r.b && p.c == r.c && p.d == r.d, "plain and emulated leaf 0 vendors differ");

	/* The emulated instruction is 7 bytes long; execution continues right after. */
	asm volatile(XEN_CPUID "\n\t"
		     "lea 0(%%rip), %%rsi\n\t"
		     "1:"
		     : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=S"(after_rip));
	check(exc_count == before, "forced cpuid raised an exception");
	check(b == 0x566e6558, "forced cpuid gave EBX %#x", b);
}

static unsigned long user_sig(unsigned long arg)
{
	uint32_t a, b, c, d;

	pv_cpuid_count(0x40000000, 0, &a, &b, &c, &d);
	return b;
}

static void test_user(void)
{
	unsigned long before = exc_count;
	unsigned long b = run_user(user_sig, 0);

	check(exc_count == before, "forced cpuid from user mode raised vector %u",
	      last_exc.vector);
	check(b == 0x566e6558, "forced cpuid from user mode gave EBX %#lx", b);
}

void test_main(void)
{
	test_xen_leaves();
	test_policy();
	test_plain_and_rip();
	test_user();
}
