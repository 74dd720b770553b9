/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/x86 private interfaces, one block per source file: reading this header is a tour of
 * the x86 side. Common code reaches none of this; it uses <kestrel/arch.h>.
 */
#ifndef ARCH_X86_PRIVATE_H
#define ARCH_X86_PRIVATE_H

#include <kestrel/types.h>
#include <kestrel/bootinfo.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/page.h>

/* head.S: */
extern u32 boot_loader_magic, boot_loader_info;
extern pte_t boot_l4[PT_ENTRIES];
extern char boot_stack[], boot_stack_top[];
extern char _start[], _stext[], _etext[], _srodata[], _erodata[], _sdata[], _edata[];
extern char __bss_start[], __bss_end[], _end[];

/* trampoline.S: */
extern char trampoline_start[], trampoline_end[];
extern u32 tr_cr3, tr_efer;
extern u64 tr_entry;

/* entry.S: */
extern char interrupt_stubs[];
void ap_start64(void);

/* setup.c: the boot sequence */
void __noreturn __start_kestrel(u32 magic, u32 info);

/* ns16550.c: serial console */
void serial_init_early(void);
void serial_init_final(void);
void serial_describe(char *buf, size_t len);

/* mm.c: boot allocator, page tables, frame table, direct map, stacks, ioremap */
extern u64 idle_cr3;
extern u64 *const machine_to_phys;
extern u64 max_ram_pfn;
void mm_init(struct boot_info *bi);
void *ioremap(paddr_t pa, size_t len);
bool directmap_mapped(paddr_t pa, size_t len);
u64 m2p_block_mfn(u64 i);
unsigned long alloc_cpu_stacks(unsigned int cpu, u64 ist[4]);
void mm_report(void);

/* cpu.c: descriptor tables and control registers of each CPU */
void cpu_detect_features(void);
void cpu_report(void);
void cpu_init(struct percpu *pc);
extern bool cpu_has_smep, cpu_has_smap, cpu_has_page1gb;
extern bool cpu_has_x2apic, cpu_has_tsc_deadline, cpu_has_invariant_tsc;
void cpu_load_idt(void);

/* traps.c: exceptions, interrupts, crash reports */
void idt_init(void);
void do_interrupt(struct cpu_regs *regs);
typedef void (*irq_handler_fn)(struct cpu_regs *regs);
void set_irq_handler(unsigned int vector, irq_handler_fn fn);
void show_registers(const struct cpu_regs *regs);
void show_backtrace(unsigned long rbp, unsigned long rip);

/* acpi.c: the tables Kestrel reads at boot */
struct acpi_info {
	unsigned int nr_lapics;
	u32 lapic_ids[NR_CPUS];
	paddr_t lapic_base;
	u16 pm_timer_port; /* 0 = none */
	bool pm_timer_32bit;
	u8 century_reg;
};
extern struct acpi_info acpi_info;
int acpi_init(const struct boot_info *bi);

/* apic.c: local APIC in xAPIC or x2APIC mode, IPIs, the one-shot timer */
#define VECTOR_PIC_BASE 0x20 /* legacy PIC, remapped and masked */
#define VECTOR_TIMER 0xf0
#define VECTOR_SPURIOUS 0xff
#define VECTOR_CALL_FUNCTION 0xf1
#define VECTOR_EVENT_CHECK 0xf2 /* "look at your need_resched and events" (pv/context.c) */
extern bool apic_x2apic_mode;
void apic_init_bsp(void);
void apic_init_ap(void);
u32 apic_id(void);
void apic_eoi(void);
void apic_send_init(u32 apic_id);
void apic_send_sipi(u32 apic_id, u8 vector);
void apic_send_nmi_allbutself(void);
void apic_send_ipi(u32 apic_id, u8 vector);
void apic_timer_setup(void);
void apic_timer_program(u64 tsc_deadline);
bool apic_timer_uses_deadline(void);
void apic_calibrate_timer(void);

/* time.c: TSC calibration, system time, per-CPU timers */
extern u64 tsc_hz;
void time_init(void);
void time_init_cpu(void);
void timer_selftest(void);
u64 pm_timer_ns(void);
struct vcpu_time_info;
void time_fill_vcpu_time(struct vcpu_time_info *t);
struct vcpu;
void time_exit_to_guest(struct vcpu *v);
void udelay(u64 us);

/* smp.c: bringing up the other CPUs */
unsigned long smp_init_bsp(void);
void smp_boot_aps(void);
void __noreturn ap_start_c(unsigned int cpu);
extern volatile u64 ap_boot_stack;
extern volatile u32 ap_boot_cpu;

#endif
