/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API of the guest test framework. A test kernel defines test_title and
 * test_main(); the framework boots, installs a trap table and the callbacks,
 * maps shared_info, runs test_main() and reports one verdict.
 *
 * Verdicts, XTF style: xtf_success/skip/error/failure; the worst one wins
 * (SUCCESS < SKIP < ERROR < FAILURE). FAILURE means the hypervisor did the
 * wrong thing, ERROR means the test could not run as intended (for example an
 * unexpected exception), SKIP means the check does not apply here.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "asm.h"
#include "hypercall.h"

#define PAGE_SIZE	4096UL
#define PAGE_SHIFT	12
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __aligned(x)	__attribute__((aligned(x)))
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __used		__attribute__((used))

/* ------------------------------------------------------------------ test hooks */
extern const char test_title[];
void test_main(void);

/* ------------------------------------------------------------------ output */
__printf(1, 2) void printk(const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);

void xtf_success(const char *fmt, ...);
__printf(1, 2) void xtf_skip(const char *fmt, ...);
__printf(1, 2) void xtf_error(const char *fmt, ...);
__printf(1, 2) void xtf_failure(const char *fmt, ...);
/* Prints "Test result: <verdict>" and powers off. */
__noreturn void test_finish(void);
/* Powers the domain off with the given reason (SHUTDOWN_*). */
__noreturn void shutdown(unsigned int reason);

/* ------------------------------------------------------------------ strings */
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* True if one of the first n bytes at p is NUL. */
static inline bool memchr_nul(const void *p, size_t n)
{
	const char *s = p;

	for (size_t i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

/* ------------------------------------------------------------------ environment */
extern start_info_t *start_info;
extern shared_info_t *shared;		/* mapped by the framework at boot */
extern vcpu_info_t *vcpu0;		/* &shared->vcpu_info[0] */
extern bool on_kestrel;			/* XENVER_extraversion contains "kestrel" */
extern unsigned int xen_major, xen_minor;
extern char xen_extra[16];

struct boot_regs {
	unsigned long rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long rflags, cs, ss, ds, es, fs, gs;
};
extern struct boot_regs boot_regs;
/* vcpu_info[0] as it was before the framework touched anything. */
extern uint8_t boot_upcall_mask, boot_upcall_pending;

extern char _text[], _etext[], _end[], stack_bottom[], stack_top[];
extern char shared_info_page[];

static inline unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - GUEST_VIRT_BASE) >> PAGE_SHIFT;
}

static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
	return ((unsigned long *)start_info->mfn_list)[pfn];
}

static inline unsigned long virt_to_mfn(const void *va)
{
	return pfn_to_mfn(virt_to_pfn(va));
}

static inline uint64_t virt_to_maddr(const void *va)
{
	return (virt_to_mfn(va) << PAGE_SHIFT) | ((unsigned long)va & (PAGE_SIZE - 1));
}

/* ------------------------------------------------------------------ exceptions */
#define X86_EXC_DE	0
#define X86_EXC_DB	1
#define X86_EXC_NMI	2
#define X86_EXC_BP	3
#define X86_EXC_OF	4
#define X86_EXC_BR	5
#define X86_EXC_UD	6
#define X86_EXC_NM	7
#define X86_EXC_DF	8
#define X86_EXC_TS	10
#define X86_EXC_NP	11
#define X86_EXC_SS	12
#define X86_EXC_GP	13
#define X86_EXC_PF	14
#define X86_EXC_MF	16
#define X86_EXC_AC	17
#define X86_EXC_MC	18
#define X86_EXC_XM	19

#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_INSN	(1u << 4)

#define X86_EFLAGS_CF	0x00000001UL
#define X86_EFLAGS_MBS	0x00000002UL
#define X86_EFLAGS_TF	0x00000100UL
#define X86_EFLAGS_IF	0x00000200UL
#define X86_EFLAGS_DF	0x00000400UL
#define X86_EFLAGS_IOPL	0x00003000UL
#define X86_EFLAGS_NT	0x00004000UL
#define X86_EFLAGS_RF	0x00010000UL
#define X86_EFLAGS_AC	0x00040000UL
#define X86_EFLAGS_ID	0x00200000UL

/* What the hypervisor delivered for the most recent exception or callback. */
struct exc_info {
	unsigned int vector;	/* 0..255, or VEC_EVENT/VEC_FAILSAFE/VEC_SYSCALL */
	bool has_ec;
	unsigned long ec;
	unsigned long rcx, r11;	/* the first two frame words */
	unsigned long rip, cs, rflags, rsp, ss;	/* cs: the whole 64-bit word */
	unsigned long seg[4];	/* failsafe only: ds, es, fs, gs */
	unsigned long cr2;	/* vcpu_info.arch.cr2 when the handler ran */
	unsigned long frame;	/* handler RSP: address of the frame */
	unsigned int mask;	/* evtchn_upcall_mask when the handler ran */
	unsigned long rax, rdi, rsi, rdx;	/* GPRs when the handler ran */
};

extern struct exc_info last_exc;
extern volatile unsigned long exc_count;
/* The event callback: how often it ran and what it was given last. */
extern struct exc_info last_event;
extern volatile unsigned long event_count;
/*
 * The callback acknowledges events as Linux does: it clears evtchn_upcall_pending, takes
 * evtchn_pending_sel, and clears the pending bits of the unmasked ports in the words it
 * names, recording those ports here (one bit per port; the test clears it).
 */
#define EVTCHN_WORDS	64
extern volatile unsigned long event_ports_seen[EVTCHN_WORDS];

/* Forget the last exception (vector becomes ~0). */
void exc_reset(void);

/*
 * A hook runs for its vector before the exception table is consulted. It may
 * edit the return context (RIP, RAX, RSP, flags, ...). It returns true if
 * it handled the event; false falls through to the exception table.
 */
typedef bool (*exc_hook_t)(struct exc_info *e, struct iret_context *ret);
void set_exc_hook(unsigned int vec, exc_hook_t hook);

/*
 * Exception table: a fault at `from` resumes at `to`. For traps (int3, INT n,
 * single step) the reported RIP is the next instruction: list it as both.
 */
#define _ASM_EXTABLE(from, to)					\
	".pushsection .extable, \"a\"\n\t"			\
	".balign 8\n\t"						\
	".quad " #from ", " #to "\n\t"				\
	".popsection\n\t"

/* The trap table the framework installed: every vector has a stub. */
extern struct trap_info boot_traps[];
unsigned long exc_stub(unsigned int vec);
/* Installs boot_traps plus, for vec, the given flags (DPL, mask). */
long install_traps(void);

/* ------------------------------------------------------------------ user mode */
/* Runs fn(arg) in guest user mode (same page tables) and returns its result. */
unsigned long run_user(unsigned long (*fn)(unsigned long), unsigned long arg);
/* The same, entering user mode with these code and stack selectors. */
unsigned long run_user_sel(unsigned long (*fn)(unsigned long), unsigned long arg, uint16_t cs,
			   uint16_t ss);
/* Called by the syscall callback for user syscalls other than the exit one. */
extern exc_hook_t user_syscall_hook;
extern char user_stack[], user_kstack[];
void user_setup(void);

/* Probe what a given iret context produces (see entry.S). */
struct probe_regs {
	unsigned long rax, rcx, r11, rflags, rsp, cs, ss;
};
void iret_probe(struct iret_context *ctx, struct probe_regs *out);
extern char iret_probe_landing[];
void multicall_probe(multicall_entry_t *list, unsigned long n, struct iret_context *ctx,
		     struct probe_regs *out);

/* ------------------------------------------------------------------ helpers */
#define check(cond, fmt, ...)							\
	do {									\
		if (!(cond))							\
			xtf_failure("%s:%d: " fmt, __func__, __LINE__, ##__VA_ARGS__); \
	} while (0)

/* Compare a return value with the value Xen 4.17 gives. */
#define check_rc(what, got, want)						\
	do {									\
		long _g = (long)(got), _w = (long)(want);			\
		if (_g != _w)							\
			xtf_failure("%s: returned %ld, expected %ld", what, _g, _w); \
	} while (0)

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
			       uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

/* CPUID through the forced-emulation prefix (ud2; "xen"; cpuid). */
static inline void pv_cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
				  uint32_t *c, uint32_t *d)
{
	asm volatile(XEN_CPUID : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

#define READ_ONCE(x)	(*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

/*
 * System time (ns) that TSC value tsc stands for, by the pvclock record t (read with the
 * version protocol); guest_now_ns(): now, by vCPU 0's record in shared_info.
 */
uint64_t pvclock_tsc_to_ns(const vcpu_time_info_t *t, uint64_t tsc);
uint64_t guest_now_ns(void);

/* True if a read of one byte at va faults (the fault is consumed). */
bool probe_read(const void *va);
bool probe_write(void *va);
/* Skip with a reason when running on Kestrel; returns true if skipped. */
bool skip_on_kestrel(const char *why);

/* ------------------------------------------------------------------ page tables */
#define MACH2PHYS_START	0xffff800000000000UL
unsigned long mfn_to_pfn(unsigned long mfn);
void *pfn_to_virt(unsigned long pfn);
/* VA of the table an entry points at. */
uint64_t *pt_table_virt(uint64_t entry);
/* The entry mapping va in the boot tables, and its level (1 = L1). */
uint64_t pt_lookup(unsigned long va, int *level);
bool va_mapped(unsigned long va);
/* First unmapped VA after the image: the end of the bootstrap region. */
unsigned long bootstrap_end(void);

#endif /* GUEST_TEST_H */
