/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-time domUs: the start of day an unprivileged PV domain sees, and a dom0 that waits
 * for domUs started beside it. What the kernel checks depends on the role start_info
 * gives it:
 *
 * - a domU (no SIF_INITDOMAIN; Kestrel's `domU` boot modules): no SIF_PRIVILEGED either,
 *   XENFEAT_dom0 clear, a xenstore ring and a console ring (store_mfn, console.domU.mfn)
 *   that are two distinct zeroed frames of its own memory, mapped in the bootstrap region
 *   right after start_info; CONSOLEIO_write works (the verdict line proves it) and
 *   CONSOLEIO_read is refused with -EPERM.
 * - dom0 (also the role under `make test-xen`): SIF_PRIVILEGED and XENFEAT_dom0 set, no
 *   xenstore ring; then, with "wait=MS" on its command line, it sleeps that long
 *   (SCHEDOP_poll with no ports and a timeout) before powering off, so that domUs have
 *   the time to run and die while the machine still runs (in Kestrel's testmode the
 *   machine ends when dom0 powers off). The sleep must last at least MS by pvclock.
 *
 * A broken hypervisor gives a domU dom0's privileges, no rings or rings that are not its
 * own or not zeroed, loses a domU's console output, or wakes a polling dom0 early.
 */
#include "test.h"

const char test_title[] = "domU start of day";

/* "wait=MS" on the command line, or 0. */
static unsigned long wait_ms(void)
{
	const char *p = strstr((const char *)start_info->cmd_line, "wait=");
	unsigned long ms = 0;

	if (!p)
		return 0;
	for (p += 5; *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + (*p - '0');
	return ms;
}

static bool has_dom0_feature(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	long rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);

	check_rc("XENVER_get_features(0)", rc, 0);
	return fi.submap & (1u << XENFEAT_dom0);
}

static bool page_is_zero(const void *va)
{
	const unsigned long *w = va;

	for (unsigned long i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/* A ring page: a frame of ours (by the M2P) at pfn 'want', mapped, zeroed. */
static void check_ring(const char *what, unsigned long mfn, unsigned long want)
{
	unsigned long pfn;

	if (!mfn) {
		xtf_failure("%s: no ring (mfn 0)", what);
		return;
	}
	pfn = mfn_to_pfn(mfn);
	printk("%s ring: mfn %#lx pfn %#lx\n", what, mfn, pfn);
	if (pfn >= start_info->nr_pages) {
		xtf_failure("%s: mfn %#lx is not one of ours (pfn %#lx)", what, mfn, pfn);
		return;
	}
	check(pfn == want, "%s: pfn %#lx, expected %#lx (after start_info)", what, pfn, want);
	check(page_is_zero(pfn_to_virt(pfn)), "%s ring page is not zeroed", what);
}

static void test_domu(void)
{
	unsigned long si_pfn = ((unsigned long)start_info - GUEST_VIRT_BASE) >> PAGE_SHIFT;
	char buf[16];

	printk("running as a domU: flags %#x, %lu pages, command line \"%s\"\n",
	       start_info->flags, start_info->nr_pages, (const char *)start_info->cmd_line);
	check(!(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)),
	      "a domU has flags %#x (SIF_PRIVILEGED|SIF_INITDOMAIN)", start_info->flags);
	check(!has_dom0_feature(), "a domU sees XENFEAT_dom0");
	check_ring("xenstore", start_info->store_mfn, si_pfn + 1);
	check_ring("console", start_info->console.domU.mfn, si_pfn + 2);
	check(start_info->store_mfn != start_info->console.domU.mfn,
	      "xenstore and console share mfn %#lx", (unsigned long)start_info->store_mfn);
	check_rc("CONSOLEIO_read from a domU", HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
		 -XEN_EPERM);
}

static void test_dom0(void)
{
	struct sched_poll p = { .nr_ports = 0 };
	unsigned long ms = wait_ms();
	uint64_t t0, t1;

	check((start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) ==
		      (SIF_PRIVILEGED | SIF_INITDOMAIN),
	      "dom0 flags %#x lack SIF_PRIVILEGED|SIF_INITDOMAIN", start_info->flags);
	check(has_dom0_feature(), "dom0 lacks XENFEAT_dom0");
	check(start_info->store_mfn == 0, "dom0 has a xenstore ring");
	if (!ms)
		ms = 10;
	printk("dom0: waiting %lu ms\n", ms);
	t0 = guest_now_ns();
	p.timeout = t0 + ms * 1000000UL;
	while ((t1 = guest_now_ns()) < p.timeout)
		check_rc("SCHEDOP_poll(0 ports, timeout)", HYPERVISOR_sched_op(SCHEDOP_poll, &p), 0);
	printk("dom0: waited %lu ms\n", (unsigned long)((t1 - t0) / 1000000));
}

void test_main(void)
{
	if (start_info->flags & SIF_INITDOMAIN)
		test_dom0();
	else
		test_domu();
}
