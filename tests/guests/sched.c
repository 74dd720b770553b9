/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_op (hypercall 29) sub-ops that return: yield, shutdown_code,
 * poll (argument checks and a short timeout), remote_shutdown of a domain
 * that does not exist, watchdog set/clear, pin_override argument checks,
 * unknown sub-ops, and -EFAULT for unreadable arguments. The final
 * SCHEDOP_shutdown(poweroff) of every test covers the shutdown itself.
 *
 * Not tested on purpose: SCHEDOP_block (no event would ever wake the
 * domain), shutdown with an invalid reason (Xen reboots the machine for
 * dom0), remote_shutdown of dom0 itself.
 *
 * A broken hypervisor blocks in yield or poll forever, returns the wrong
 * errors, or shuts the domain down on a malformed request.
 */
#include "test.h"

const char test_title[] = "sched_op";

static void test_simple(void)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
	static const int unknown[] = { 8, 9, 100, -1, 0x7fffffff };

	check_rc("SCHEDOP_yield", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
	check_rc("SCHEDOP_yield(junk arg)",
		 HYPERVISOR_sched_op(SCHEDOP_yield, 0xffff830000000000UL), 0);
	/* Records the reason for a later shutdown; poweroff keeps the final one harmless. */
	check_rc("SCHEDOP_shutdown_code(poweroff)",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &sd), 0);
	check_rc("SCHEDOP_shutdown_code(bad arg)",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown_code, 0x1000), -XEN_EFAULT);
	check_rc("SCHEDOP_shutdown(bad arg)",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown, 0xffff830000000000UL), -XEN_EFAULT);
	check_rc("SCHEDOP_shutdown(NULL)", HYPERVISOR_sched_op(SCHEDOP_shutdown, NULL),
		 -XEN_EFAULT);
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		long rc = HYPERVISOR_sched_op((unsigned long)(unsigned int)unknown[i], NULL);

		if (rc != -XEN_ENOSYS)
			xtf_failure("sched_op(%d) = %ld, expected -ENOSYS", unknown[i], rc);
	}
	/* The command is an int: 1 << 32 | SCHEDOP_yield is a yield. */
	check_rc("sched_op(1 << 32 | yield)", HYPERVISOR_sched_op(0x100000000UL, NULL), 0);
}

static void test_poll(void)
{
	evtchn_port_t ports[1] = { 1 };
	struct sched_poll p = { .nr_ports = 129 };
	uint64_t t0, t1;
	long rc;

	p.ports = ports;
	check_rc("SCHEDOP_poll(129 ports)", HYPERVISOR_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
	p.nr_ports = 1;
	p.ports = (evtchn_port_t *)0xffff830000000000UL;
	check_rc("SCHEDOP_poll(ports in the hole)", HYPERVISOR_sched_op(SCHEDOP_poll, &p),
		 -XEN_EFAULT);
	check_rc("SCHEDOP_poll(bad arg)", HYPERVISOR_sched_op(SCHEDOP_poll, 0x1000), -XEN_EFAULT);

	/* No ports, a 2 ms timeout: returns 0 after the timeout. */
	p.ports = ports;
	p.nr_ports = 0;
	t0 = guest_now_ns();
	p.timeout = t0 + 2000000;
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	t1 = guest_now_ns();
	check_rc("SCHEDOP_poll(0 ports, 2 ms)", rc, 0);
	check(t1 >= t0 + 1000000 && t1 < t0 + 5000000000UL,
	      "poll with a 2 ms timeout took %lu ns", t1 - t0);
	/* A timeout in the past returns at once. */
	p.timeout = 1;
	check_rc("SCHEDOP_poll(past timeout)", HYPERVISOR_sched_op(SCHEDOP_poll, &p), 0);
}

static void test_other(void)
{
	struct sched_remote_shutdown rs = { .domain_id = 0x7ff4, .reason = SHUTDOWN_poweroff };
	struct sched_watchdog wd = { .id = 0, .timeout = 3600 };
	struct sched_pin_override po = { .pcpu = 100000 };
	long id;

	check_rc("remote_shutdown(DOMID_INVALID)",
		 HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs),
		 -XEN_ESRCH);
	rs.domain_id = 77;
	check_rc("remote_shutdown(77)", HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs),
		 -XEN_ESRCH);
	check_rc("remote_shutdown(bad arg)", HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, 0x1000),
		 -XEN_EFAULT);

	/* id 0 allocates a watchdog (returns its id), timeout 0 frees it. */
	id = HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd);
	check(id >= 1, "SCHEDOP_watchdog(new) = %ld, expected an id >= 1", id);
	if (id >= 1) {
		wd.id = id;
		wd.timeout = 0;
		check_rc("SCHEDOP_watchdog(free)", HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), 0);
		check_rc("SCHEDOP_watchdog(free again)",
			 HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL);
	}
	wd.id = 1000;
	wd.timeout = 10;
	check_rc("SCHEDOP_watchdog(id 1000)", HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd),
		 -XEN_EINVAL);

	check_rc("pin_override(pcpu 100000)", HYPERVISOR_sched_op(SCHEDOP_pin_override, &po),
		 -XEN_EINVAL);
	check_rc("pin_override(bad arg)", HYPERVISOR_sched_op(SCHEDOP_pin_override, 0x1000),
		 -XEN_EFAULT);
}

void test_main(void)
{
	test_simple();
	test_poll();
	test_other();
}
