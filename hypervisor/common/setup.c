/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture-independent part of boot: options every part reads, the boot module
 * report, the deliberate faults tests ask for, starting dom0 and the boot-time domUs
 * (syntax in domu.h), and the idle loop.
 */
#include <kestrel/arch.h>
#include <kestrel/cmdline.h>
#include <kestrel/domain.h>
#include <kestrel/domu.h>
#include <kestrel/errno.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>

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

/* Boot-time domUs built so far, started together after dom0 (boot CPU only). */
static struct domain *domus[BOOT_MAX_MODULES];
static unsigned int nr_domus;

/* A module's own command line, without the file name multiboot1 loaders put first. */
static void module_line(unsigned int i, char *out, size_t len)
{
	strlcpy(out, boot_info.modules[i].cmdline, len);
	if (boot_info.protocol == 1)
		boot_cmdline_drop_image(out);
}

/* Build the domU of module i with id domid; refused ones are reported and skipped. */
static void build_domu(unsigned int i, u16 domid, const char *line)
{
	static struct domu_config c; /* 1 KiB: not on the boot stack */
	struct domain *d;
	char why[160];
	int rc;

	if (domu_parse(line, &c, why, sizeof(why))) {
		printk(KERN_ERR "domU: module %u (\"%s\"): %s; d%u not started\n", i, line, why,
		       domid);
		return;
	}
	rc = arch_build_domu(&c, domid, i, &d);
	if (rc == -EAGAIN)
		return; /* dry run: the plan was printed */
	if (rc) {
		printk(KERN_ERR "domU: module %u: d%u not started (error %d); Kestrel goes on\n", i,
		       domid, rc);
		return;
	}
	strlcpy(d->name, c.name, sizeof(d->name));
	sched_set_params(d, c.weight, c.cap); /* the parser checked both */
	domus[nr_domus++] = d;
}

/*
 * Every module after dom0's kernel whose line starts with "domU", in module order, with
 * ids 1, 2, ... by rank (a refused domU leaves its id unused). Module 1 is otherwise
 * dom0's initrd; other modules are ignored with a warning.
 */
static void build_domus(void)
{
	static char line[BOOT_MODULE_CMDLINE_MAX];
	u16 domid = 0;

	for (unsigned int i = 1; i < boot_info.nr_modules; i++) {
		module_line(i, line, sizeof(line));
		if (domu_module(line))
			build_domu(i, ++domid, line);
		else if (i > 1)
			printk(KERN_WARNING "boot: module %u is neither dom0's initrd nor a domU "
					    "kernel: ignored\n", i);
	}
}

static void start_domu(struct domain *d)
{
	printk("d%u: starting%s%s%s, %u vCPU%s, weight %u, cap %u\n", d->domid,
	       d->name[0] ? " \"" : "", d->name, d->name[0] ? "\"" : "", d->nr_vcpus,
	       d->nr_vcpus == 1 ? "" : "s", d->sched.weight, d->sched.cap);
	vcpu_start(d->vcpus[0]);
}

/*
 * Build dom0, then the domUs, then start them all and join the scheduler. Returns only
 * when dom0 was not started: a dry run (-EAGAIN) or an error.
 */
static int start_guests(void)
{
	struct domain *d0;
	int rc = arch_build_dom0(&d0);

	if (rc && rc != -EAGAIN)
		return rc; /* no domUs without dom0 */
	build_domus();
	if (rc)
		return rc;
	dom0 = d0;
	printk("dom0: starting\n");
	vcpu_start(d0->vcpus[0]);
	for (unsigned int i = 0; i < nr_domus; i++)
		start_domu(domus[i]);
	arch_run_guests();
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
		rc = start_guests();
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
