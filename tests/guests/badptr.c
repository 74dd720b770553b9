/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bad guest pointers handed to hypercalls: the hypervisor hole (read-only
 * M2P excepted for reads), non-canonical addresses, unmapped low memory, and
 * buffers straddling the end of the bootstrap mapping. Every hypercall that
 * copies from or to such a buffer returns -EFAULT and the guest keeps
 * running; nothing is written through a refused pointer.
 *
 * A broken hypervisor faults itself (a host crash or a killed domain),
 * returns success, or writes guest memory through the bad pointer.
 */
#include "test.h"

const char test_title[] = "bad pointers";

static unsigned long straddle(unsigned long bytes)
{
	return bootstrap_end() - bytes / 2;
}

struct ptr_case {
	const char *name;
	unsigned long va;
};

static struct ptr_case ptrs[] = {
	{ "hypervisor hole", 0xffff830000000000UL },
	{ "hypervisor text", 0xffff82d040200000UL },
	{ "top of the hole", 0xffff87fffffffff8UL },
	{ "non-canonical low", 0x0000800000000000UL },
	{ "non-canonical high", 0xfff0000000000000UL },
	{ "unmapped low", 0x0000000000400000UL },
	{ "NULL", 0 },
	{ "straddling the mapping end", 0 },	/* filled at run time */
};

static long call_console(unsigned long va)
{
	return HYPERVISOR_console_io(CONSOLEIO_write, 64, va);
}

static long call_trap_table(unsigned long va)
{
	return va ? HYPERVISOR_set_trap_table(va) : -XEN_EFAULT; /* NULL clears the table */
}

static long call_multicall(unsigned long va)
{
	return HYPERVISOR_multicall(va, 2);
}

static long call_vcpu_runstate(unsigned long va)
{
	return HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, va);
}

static long call_vcpu_register_runstate(unsigned long va)
{
	return HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, va);
}

static long call_version_caps(unsigned long va)
{
	return HYPERVISOR_xen_version(XENVER_capabilities, va);
}

static long call_version_features(unsigned long va)
{
	return HYPERVISOR_xen_version(XENVER_get_features, va);
}

static long call_callback(unsigned long va)
{
	return HYPERVISOR_callback_op(CALLBACKOP_register, va);
}

static long call_sched_shutdown(unsigned long va)
{
	return HYPERVISOR_sched_op(SCHEDOP_shutdown, va);
}

static long call_mmuext(unsigned long va)
{
	return HYPERVISOR_mmuext_op(va, 2, NULL, DOMID_SELF);
}

static long call_memory_op(unsigned long va)
{
	return HYPERVISOR_memory_op(XENMEM_machphys_mapping, va);
}

static long call_evtchn(unsigned long va)
{
	return HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, va);
}

static const struct {
	const char *name;
	long (*fn)(unsigned long va);
	unsigned long size;	/* bytes of the first object read or written */
} calls[] = {
	{ "console_io(write)", call_console, 64 },
	{ "set_trap_table", call_trap_table, 16 },
	{ "multicall", call_multicall, 64 },
	{ "vcpu_op(get_runstate_info)", call_vcpu_runstate, 48 },
	{ "vcpu_op(register_runstate_memory_area)", call_vcpu_register_runstate, 8 },
	{ "xen_version(capabilities)", call_version_caps, 1024 },
	{ "xen_version(get_features)", call_version_features, 8 },
	{ "callback_op(register)", call_callback, 16 },
	{ "sched_op(shutdown)", call_sched_shutdown, 4 },
	{ "mmuext_op", call_mmuext, 24 },
	{ "memory_op(machphys_mapping)", call_memory_op, 24 },
	{ "event_channel_op(alloc_unbound)", call_evtchn, 8 },
};

void test_main(void)
{
	for (unsigned int c = 0; c < ARRAY_SIZE(calls); c++) {
		for (unsigned int p = 0; p < ARRAY_SIZE(ptrs); p++) {
			unsigned long va = ptrs[p].va;
			long rc;

			if (!strcmp(ptrs[p].name, "straddling the mapping end")) {
				/* The first object itself crosses the end of the mapping. */
				va = straddle(calls[c].size);
				memset((void *)va, 0, bootstrap_end() - va);
			}
			rc = calls[c].fn(va);
			if (rc != -XEN_EFAULT)
				xtf_failure("%s(%s %#lx) = %ld, expected -EFAULT", calls[c].name,
					    ptrs[p].name, va, rc);
		}
	}
	/* Still alive and well. */
	check_rc("xen_version after all that", HYPERVISOR_xen_version(XENVER_version, NULL),
		 0x40011);
	check(!probe_read(start_info), "start_info no longer readable");
}
