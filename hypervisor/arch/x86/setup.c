/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 boot sequence, from head.S's call to the hand-over to kestrel_main():
 *   serial console -> boot information -> command line -> memory map -> page tables and
 *   allocators -> descriptor tables and guarded stack -> ACPI -> APIC -> TSC and timers ->
 *   other CPUs -> timer self-test -> common code.
 */
#include <kestrel/sched.h>
#include <kestrel/cmdline.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <asm/x86.h>
#include "arch-x86.h"
#include "pv/pv.h"

extern const struct kernel_param __param_start[], __param_end[];

#define BOOT_MAP_LIMIT GB(4) /* head.S's tables map the first 4 GiB */

/* Loader tables sit in the first 4 GiB, which head.S's direct map covers. */
static const void *boot_map(u64 pa, size_t len, void *ctx)
{
	if (pa >= BOOT_MAP_LIMIT || len > BOOT_MAP_LIMIT - pa)
		return NULL;
	return maddr_to_virt(pa);
}

static unsigned long printk_irq_save(void)
{
	return irq_save();
}

static void printk_irq_restore(unsigned long f)
{
	irq_restore(f);
}

static void parse_boot_info(u32 magic, u32 info)
{
	int rc;

	if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
		rc = mb2_parse(info, boot_map, NULL, &boot_info);
	else if (magic == MULTIBOOT1_BOOTLOADER_MAGIC)
		rc = mb1_parse(info, boot_map, NULL, &boot_info);
	else
		panic("boot: not started by a multiboot loader (magic %#x); use GRUB2's "
		      "multiboot2 command or QEMU -kernel",
		      magic);
	if (rc)
		panic("boot: the multiboot%d information at %#x is unusable (error %d)",
		      magic == MULTIBOOT2_BOOTLOADER_MAGIC ? 2 : 1, info, rc);
	if (boot_info.protocol == 1)
		boot_cmdline_drop_image(boot_info.cmdline);
}

static const char *mmap_type_name(u32 type)
{
	static const char *const names[] = { "?", "RAM", "reserved", "ACPI data", "ACPI NVS",
					     "bad" };

	return type < ARRAY_SIZE(names) ? names[type] : "other";
}

static void report_memory_map(void)
{
	printk("memory map (%u entries, from multiboot%d):\n", boot_info.nr_mmap,
	       boot_info.protocol);
	for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];

		printk(" %016llx - %016llx %s\n", (unsigned long long)m->addr,
		       (unsigned long long)(m->addr + m->len), mmap_type_name(m->type));
	}
	printk("memory: %llu MiB of RAM, highest RAM address %#llx\n",
	       (unsigned long long)(boot_mmap_ram_bytes(&boot_info) >> 20),
	       (unsigned long long)boot_mmap_ram_end(&boot_info));
}

static void __noreturn setup_on_cpu_stack(void)
{
	acpi_init(&boot_info);
	apic_init_bsp();
	time_init();
	time_init_cpu();
	irq_enable();
	sched_init(SCHED_MAX_CPUS);
	pv_context_init();
	pv_vcpu_init();
	smp_boot_aps();
	timer_selftest();
	irq_enable();
	kestrel_main();
}

/* Move to a new stack and continue in fn; the boot stack is not used again. */
static void __noreturn switch_stack(unsigned long top, void (*fn)(void))
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call *%1"
			 :
			 : "r"(top), "r"(fn)
			 : "memory");
	__builtin_unreachable();
}

/**
 * __start_kestrel - C entry on the boot CPU, from head.S, interrupts off, on the boot
 * stack and head.S's page tables.
 * @magic: the loader's magic value (multiboot1 or multiboot2).
 * @info: physical address of the loader's information structure.
 */
void __noreturn __start_kestrel(u32 magic, u32 info)
{
	char desc[96];
	unsigned long stack;

	printk_set_irq_hooks(printk_irq_save, printk_irq_restore);
	serial_init_early();
	printk("Kestrel " KESTREL_VERSION
	       ": a Xen-ABI paravirtualization hypervisor for x86_64 (built " __DATE__ " " __TIME__
	       ", gcc " __VERSION__ ")\n");

	parse_boot_info(magic, info);
	if (cmdline_parse(boot_info.cmdline, __param_start, __param_end - __param_start))
		printk(KERN_WARNING "cmdline: problems above were ignored; defaults kept\n");
	serial_init_final();
	serial_describe(desc, sizeof(desc));
	printk("boot: loader \"%s\", command line \"%s\"\n",
	       boot_info.loader[0] ? boot_info.loader : "unnamed", boot_info.cmdline);
	printk("console: %s\n", desc);
	boot_mmap_sanitize(&boot_info);
	report_memory_map();

	cpu_detect_features();
	cpu_report();
	mm_init(&boot_info);
	mm_report();
	idt_init();
	stack = smp_init_bsp();
	switch_stack(stack, setup_on_cpu_stack);
}
