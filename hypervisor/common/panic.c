/* SPDX-License-Identifier: GPL-2.0 */
/* panic(): report the reason, stop every CPU, and in testmode end the machine. */
#include <kestrel/arch.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>

/* Set once by the first CPU to panic; others that panic after it just halt. */
volatile bool panic_in_progress;

void __noreturn panic(const char *fmt, ...)
{
	static char msg[256]; /* only the first panicking CPU writes it */
	va_list ap;

	arch_irq_save();
	if (__atomic_exchange_n(&panic_in_progress, true, __ATOMIC_SEQ_CST))
		arch_halt();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "****************************************\n");
	printk(KERN_EMERG "Panic on CPU %u:\n", arch_cpu_id());
	printk(KERN_EMERG "%s\n", msg);
	printk(KERN_EMERG "****************************************\n");
	arch_dump_stack();
	if (arch_nr_cpus() > 1)
		printk(KERN_EMERG "panic: %u other CPU%s halted\n", arch_halt_others(),
		       arch_nr_cpus() == 2 ? "" : "s");
	if (opt_testmode) {
		printk(KERN_EMERG "testmode: exiting with the panic code\n");
		arch_test_exit(TEST_EXIT_PANIC);
	}
	printk(KERN_EMERG "Kestrel halted.\n");
	arch_halt();
}
