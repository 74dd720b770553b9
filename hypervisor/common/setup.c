/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture-independent part of boot: options every part reads, the boot module
 * report, the deliberate faults tests ask for, and the idle loop.
 */
#include <kestrel/arch.h>
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/kernel.h>
#include <kestrel/printk.h>

/* Options: set while the command line is parsed on the boot CPU, read-only afterwards. */
bool opt_testmode;
boolean_param("testmode", opt_testmode);
char opt_testfault[32];
string_param("testfault", opt_testfault);

static int parse_loglvl(const char *val)
{
	int lvl = val ? printk_parse_level(val) : -1;

	if (lvl < -1)
		return lvl;
	printk_set_console_level(lvl);
	return 0;
}
custom_param("loglvl", parse_loglvl);

/* Filled from the loader's tables by the architecture's boot code. */
struct boot_info boot_info;

static void report_modules(void)
{
	if (!boot_info.nr_modules) {
		printk(KERN_WARNING "boot: no boot modules given: there is no dom0 kernel to start "
				    "(add one with GRUB's module2 or QEMU's -initrd)\n");
		return;
	}
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		printk("boot: module %u at %#llx, %llu KiB, \"%s\"\n", i,
		       (unsigned long long)m->start, (unsigned long long)((m->end - m->start) >> 10),
		       m->cmdline);
	}
}

/**
 * kestrel_main - runs on the boot CPU once the architecture has every CPU up and timers
 * ticking. Never returns: in testmode it ends the machine, otherwise the CPU idles.
 */
void __noreturn kestrel_main(void)
{
	int rc;

	report_modules();
	if (opt_testfault[0] && arch_trigger_fault(opt_testfault))
		printk(KERN_ERR "testfault: unknown kind \"%s\" (known: pagefault gp ud divide "
				"breakpoint stack panic)\n",
		       opt_testfault);
	if (boot_info.nr_modules) {
		rc = arch_start_dom0();
		if (rc != -EAGAIN) {
			printk(KERN_ERR "dom0: not started (error %d); Kestrel keeps running\n", rc);
			if (opt_testmode) {
				printk("testmode: no dom0, exiting with the guest-crash code\n");
				arch_test_exit(TEST_EXIT_GUEST);
			}
		}
	}
	printk("Kestrel is up on %u CPU%s; idle\n", arch_nr_cpus(), arch_nr_cpus() == 1 ? "" : "s");
	if (opt_testmode) {
		printk("testmode: boot complete, exiting with the success code\n");
		arch_test_exit(TEST_EXIT_SUCCESS);
	}
	for (;;)
		arch_idle();
}
