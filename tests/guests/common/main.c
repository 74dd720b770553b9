/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot and reporting for the guest test kernels: kmain() installs the trap
 * table and callbacks, maps shared_info, identifies the hypervisor, runs
 * test_main() and prints exactly one "Test result: <verdict>" line before
 * SCHEDOP_shutdown(SHUTDOWN_poweroff).
 */
#include "test.h"

start_info_t *start_info;
shared_info_t *shared;
vcpu_info_t *vcpu0;
bool on_kestrel;
unsigned int xen_major, xen_minor;
char xen_extra[16];
struct boot_regs boot_regs;
uint8_t boot_upcall_mask, boot_upcall_pending;

/* The page whose mapping is replaced by shared_info (an ordinary .bss page first). */
char shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE) __attribute__((section(".bss.page")));

enum verdict { V_SUCCESS, V_SKIP, V_ERROR, V_FAILURE };
static const char *const verdict_names[] = { "SUCCESS", "SKIP", "ERROR", "FAILURE" };
static enum verdict verdict = V_SUCCESS;
static bool finishing;

static void report(enum verdict v, const char *fmt, va_list ap)
{
	char buf[400];

	if (v > verdict)
		verdict = v;
	if (!fmt)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	printk("%s: %s\n", verdict_names[v], buf);
}

void xtf_success(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(V_SUCCESS, fmt, ap);
	va_end(ap);
}

void xtf_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(V_SKIP, fmt, ap);
	va_end(ap);
}

void xtf_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(V_ERROR, fmt, ap);
	va_end(ap);
}

void xtf_failure(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(V_FAILURE, fmt, ap);
	va_end(ap);
}

bool skip_on_kestrel(const char *why)
{
	if (!on_kestrel)
		return false;
	xtf_skip("Kestrel differs from Xen here: %s", why);
	return true;
}

void shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	for (;;) {
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
		/* Still here: the hypervisor refused. Try the crash reason, then spin. */
		s.reason = SHUTDOWN_crash;
	}
}

void test_finish(void)
{
	if (finishing)
		shutdown(SHUTDOWN_crash);
	finishing = true;
	printk("Test result: %s\n", verdict_names[verdict]);
	shutdown(SHUTDOWN_poweroff);
}

static void identify(void)
{
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);

	xen_major = (unsigned long)v >> 16;
	xen_minor = v & 0xffff;
	memset(xen_extra, 0, sizeof(xen_extra));
	HYPERVISOR_xen_version(XENVER_extraversion, xen_extra);
	xen_extra[sizeof(xen_extra) - 1] = '\0';
	on_kestrel = strstr(xen_extra, "kestrel") != NULL;
}

static void map_shared_info(void)
{
	unsigned long pte = start_info->shared_info | 0x63; /* P, RW, A, D */
	long rc;

	rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_page, pte, UVMF_INVLPG);
	if (rc) {
		xtf_error("update_va_mapping(shared_info) returned %ld", rc);
		test_finish();
	}
	shared = (shared_info_t *)shared_info_page;
	vcpu0 = &shared->vcpu_info[0];
}

static void register_callbacks(void)
{
	extern char event_callback_entry[], failsafe_callback_entry[];
	struct callback_register ev = {
		.type = CALLBACKTYPE_event,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)event_callback_entry,
	};
	struct callback_register fs = {
		.type = CALLBACKTYPE_failsafe,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)failsafe_callback_entry,
	};
	long rc;

	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &ev);
	if (rc)
		xtf_error("callback_op(register event) returned %ld", rc);
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &fs);
	if (rc)
		xtf_error("callback_op(register failsafe) returned %ld", rc);
}

/*
 * "misbehave" on the command line: a guest that breaks the rules on purpose, for the
 * hypervisor's own tests of how it handles one. With no trap table left, a fault has
 * nowhere to go, and the hypervisor must crash the domain (and survive it).
 */
static void misbehave_if_asked(void)
{
	if (!strstr((const char *)start_info->cmd_line, "misbehave"))
		return;
	printk("misbehaving on request: no trap table, then ud2\n");
	HYPERVISOR_set_trap_table(NULL);
	asm volatile("ud2");
	printk("still alive after ud2 with no trap table\n");
}

void kmain(start_info_t *si);
void kmain(start_info_t *si)
{
	long rc;

	start_info = si;
	misbehave_if_asked();
	rc = install_traps();
	if (rc) {
		printk("set_trap_table returned %ld\n", rc);
		xtf_error("cannot install the trap table");
		test_finish();
	}
	register_callbacks();
	map_shared_info();
	boot_upcall_mask = vcpu0->evtchn_upcall_mask;
	boot_upcall_pending = vcpu0->evtchn_upcall_pending;
	identify();
	printk("--- %s (hypervisor %u.%u%s%s) ---\n", test_title, xen_major, xen_minor, xen_extra,
#ifdef GUEST_HYPERCALL_PAGE
	       ", hypercall page"
#else
	       ""
#endif
	);
	test_main();
	test_finish();
}
