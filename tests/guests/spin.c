/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Not a test of the ABI: the CPU-bound guest of the fairness bench (scripts/bench.sh).
 * With "spin=MS" on its command line (default 200) it counts loop iterations for MS
 * milliseconds of system time and prints "spin: N iterations in M ms"; how many it gets
 * against a competing guest on the same physical CPU is its share of that CPU. "at=MS"
 * makes it sleep until that system time first, so that competing guests started one
 * after the other count over the same interval. With
 * "idle=MS" instead it sleeps that long in SCHEDOP_block (an idle guest, whose CPU time
 * Kestrel reports when it is destroyed). The verdict is SUCCESS unless the clock does not
 * advance. As dom0 (make test-xen, make test) it just spins for the default time.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "spin (fairness bench guest)";

static unsigned long arg_ms(const char *key, unsigned long dflt)
{
	const char *p = strstr((const char *)start_info->cmd_line, key);
	unsigned long ms = 0;

	if (!p)
		return dflt;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + (unsigned long)(*p - '0');
	return ms;
}

/* Sleep until system time `until` (ns). */
static void sleep_until(uint64_t until)
{
	struct sched_poll p = { .nr_ports = 0, .timeout = until };

	while (pt_now_ns() < until)
		HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

static void spin(unsigned long ms)
{
	uint64_t t0 = pt_now_ns(), end = t0 + ms * 1000000UL, iters = 0, now;

	do {
		for (unsigned int i = 0; i < 1000; i++)
			barrier();
		iters++;
		now = pt_now_ns();
	} while (now < end && now >= t0);
	if (now < t0) {
		xtf_error("system time went backwards");
		return;
	}
	printk("spin: %lu iterations in %lu ms\n", (unsigned long)iters,
	       (unsigned long)((now - t0) / 1000000));
}

static void idle(unsigned long ms)
{
	sleep_until(pt_now_ns() + ms * 1000000UL);
	printk("idle: slept %lu ms\n", ms);
}

void test_main(void)
{
	unsigned long idle_ms = arg_ms("idle=", 0);

	if (idle_ms) {
		idle(idle_ms);
	} else {
		sleep_until(arg_ms("at=", 0) * 1000000UL);
		spin(arg_ms("spin=", 200));
	}
	xtf_success(NULL);
}
