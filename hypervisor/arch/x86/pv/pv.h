/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 64-bit PV CPU model, one block per source file (arch/x86/pv/).
 */
#ifndef ARCH_X86_PV_H
#define ARCH_X86_PV_H

#include <kestrel/domain.h>
#include <kestrel/hypercall.h>
#include <kestrel/mm.h>
#include <asm/percpu.h>
#include <asm/regs.h>

#define VECTOR_SYSCALL 0x100
#define VECTOR_SYSCALL32 0x101
#define VECTOR_INT80 0x80
#define VECTOR_EVENT 0x102 /* bounce of the event callback */

/* Hypercall handlers return this to say "the frame is already what the guest gets". */
#define HYPERCALL_NO_RETURN_VALUE ((long)0x8000000000000001LL)

static inline struct vcpu *current(void)
{
	return this_cpu()->curr;
}

/* The running guest's registers: the frame at the top of this CPU's stack. */
static inline struct cpu_regs *guest_regs(void)
{
	return (struct cpu_regs *)(this_cpu()->stack_top - sizeof(struct cpu_regs));
}

/* Is mfn a machine frame that domain d owns? */
static inline bool frame_owned_by(const struct domain *d, u64 mfn)
{
	return mfn < nr_machine_frames && frame_table[mfn].owner == d->domid;
}

static inline bool is_canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

/* The 16-byte aligned FXSAVE area of v. */
static inline u8 *pv_fpu_area(struct vcpu *v)
{
	return (u8 *)(((unsigned long)v->arch.fpu_buf + 15) & ~15UL);
}

/* entry.S */
void syscall_entry(void);
void syscall32_entry(void);
void __noreturn pv_start_frame(struct cpu_regs *dst, const struct cpu_regs *src);

/* traps.c: exceptions, bounces, modes, iret, trap table, callbacks */
void pv_exception(struct cpu_regs *regs);
int pv_bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
	      u64 error, u64 handler, bool mask_events);
void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
		    u64 error);
void pv_user_syscall(struct vcpu *v, struct cpu_regs *regs);
void pv_toggle_mode(struct vcpu *v);
void pv_load_cr3(struct vcpu *v);
void pv_exit_to_guest(struct cpu_regs *regs);
long do_iret(void);
long do_set_trap_table(u64 traps);
struct pv_trap pv_trap_from(const struct trap_info *t);
long do_set_callbacks(u64 event, u64 failsafe, u64 syscall);
long do_callback_op(u64 cmd, u64 arg);
void pv_traps_init(void);

/* emulate.c: privileged instructions and forced CPUID */
bool pv_emulate_priv_op(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs);
void pv_cpuid(u32 leaf, u32 subleaf, u32 out[4]);

/* hypercall.c: dispatch, multicall, tracing */
void do_syscall(struct cpu_regs *regs);
long do_multicall(u64 list, u64 nr);
bool hypercall_trace_enabled(void);

/* misc.c: segment bases, stacks, FPU, descriptors, assists */
long do_stack_switch(u64 ss, u64 sp);
long do_fpu_taskswitch(u64 set);
long do_set_segment_base(u64 which, u64 base);
long do_vm_assist(u64 cmd, u64 type);
long do_set_gdt(u64 frames, u64 entries);
void pv_load_guest_gdt(struct vcpu *v);
/* The descriptor type of the first nr GDT frames: taken all or none (0 or -EINVAL). */
int pv_get_gdt_frames(struct domain *d, const u64 *frames, unsigned int nr);
void pv_put_gdt_frames(const u64 *frames, unsigned int nr);

/* The frames a GDT of ents entries spans. */
static inline unsigned int gdt_nr_frames(u64 ents)
{
	return (ents + 511) / 512;
}
long do_update_descriptor(u64 maddr, u64 desc);
long do_set_debugreg(u64 reg, u64 value);
long do_get_debugreg(u64 reg);
void pv_record_dr6(struct vcpu *v);
long do_physdev_op(u64 cmd, u64 arg);

/* usercopy.S */
bool load_gs_selector(u16 sel);
bool load_data_selectors(const u16 sel[4]);

/* vcpu.c: VCPUOP_initialise, remote TLB flushes */
#define FLUSH_ALL (~0ULL)
void pv_flush_tlb_vcpus(struct domain *d, u64 vcpu_mask, u64 va);
void pv_vcpu_init(void);

/* context.c: switching this CPU between vCPUs and idle */
void pv_fpu_init(struct vcpu *v);
void __noreturn pv_run_vcpu(struct vcpu *v);
void __noreturn pv_enter_scheduler(void);
void pv_context_init(void);

/* mm.c: the PV MMU hypercalls, frame allocation, continuations */
long do_mmu_update(u64 reqs, u64 count, u64 done, u64 domid);
long do_mmuext_op(u64 ops, u64 count, u64 done, u64 domid);
long do_update_va_mapping(u64 va, u64 val, u64 flags);
long do_update_va_mapping_otherdomain(u64 va, u64 val, u64 flags, u64 domid);
u64 domain_alloc_frames(struct domain *d, unsigned int order);
int pv_find_l1(struct vcpu *v, u64 va, u64 *l1_mfn);
bool hypercall_preempt_check(void);
long hypercall_continuation(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4);

/* memory.c */
long do_memory_op(u64 cmd, u64 arg);

/* ptwr.c: writable page-table emulation on a guest kernel's write fault */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, u64 addr);

/* domain_build.c: dom0 and boot-time domUs from boot modules */
struct pv_build_spec {
	const char *tag, *tag_colon; /* log prefix: "dom0"/"dom0:", "d1"/"d1:" */
	u16 domid;
	bool privileged;      /* dom0: SIF_PRIVILEGED|SIF_INITDOMAIN; a domU gets rings */
	unsigned int kernel;  /* boot module of the kernel */
	int initrd;           /* boot module of the initrd, -1 for none */
	const char *cmdline;  /* the guest's command line */
	u64 mem;              /* bytes; 0: dom0's default */
	const char *mem_opt;  /* the option that sets mem, for messages */
	unsigned int vcpus;
};
int pv_build_domain(const struct pv_build_spec *s, const struct boot_info *bi,
		    struct domain **out);
/* A module's own command line: without the file name multiboot1 loaders put first. */
void pv_module_cmdline(const struct boot_module *m, char *out, size_t len);

#endif
