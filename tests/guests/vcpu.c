/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu_op (hypercall 24) for the one vCPU of the test domain: is_up,
 * get_runstate_info, register_runstate_memory_area (the area is filled at
 * once), register_vcpu_info (vcpu_info moves into a guest page, contents
 * copied; a second registration is refused with -EINVAL, bad offsets with
 * -ENXIO, unusable frames with -EINVAL), the timer ops' argument checks,
 * send_nmi (an NMI bounced through trap 2), and -ENOENT for every vCPU id
 * that does not exist.
 *
 * A broken hypervisor reports nonexistent vCPUs as down (Linux then loops
 * over 8192 ids expecting -ENOENT), never fills the runstate area, accepts
 * a second vcpu_info registration or loses the upcall mask when moving it.
 */
#include "test.h"

const char test_title[] = "vcpu_op";

static char vi_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct vcpu_runstate_info runstate __aligned(64);

static void test_ids(void)
{
	static const unsigned long bad_ids[] = { 1, 2, 31, 32, 127, 8191, 0x7fffffff, 0xffffffff };

	check_rc("VCPUOP_is_up(0)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	/* The id is 32 bits wide. */
	check_rc("VCPUOP_is_up(1 << 32)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0x100000000UL, NULL),
		 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		long rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, bad_ids[i], NULL);

		if (rc != -XEN_ENOENT)
			xtf_failure("VCPUOP_is_up(%#lx) = %ld, expected -ENOENT", bad_ids[i], rc);
		rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, bad_ids[i], &runstate);
		if (rc != -XEN_ENOENT)
			xtf_failure("VCPUOP_get_runstate_info(%#lx) = %ld, expected -ENOENT",
				    bad_ids[i], rc);
	}
	/* Unknown commands (checked after the vCPU id). */
	check_rc("vcpu_op(14, 0)", HYPERVISOR_vcpu_op(14, 0, NULL), -XEN_ENOSYS);
	check_rc("vcpu_op(100, 0)", HYPERVISOR_vcpu_op(100, 0, NULL), -XEN_ENOSYS);
	check_rc("vcpu_op(100, 1)", HYPERVISOR_vcpu_op(100, 1, NULL), -XEN_ENOENT);
	/* vCPU 0 is already up. */
	check_rc("VCPUOP_up(0)", HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL), 0);
}

static void test_runstate(void)
{
	struct vcpu_register_runstate_memory_area area;
	struct vcpu_runstate_info info;
	long rc;

	memset(&info, 0xff, sizeof(info));
	rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &info);
	check_rc("VCPUOP_get_runstate_info(0)", rc, 0);
	check(info.state == RUNSTATE_running, "runstate %d, expected running", info.state);
	check(info.time[RUNSTATE_running] > 0, "no running time accounted");
	check_rc("get_runstate_info(bad buffer)",
		 HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, 0xffff830000000000UL),
		 -XEN_EFAULT);

	memset(&runstate, 0xff, sizeof(runstate));
	area.addr.p = (unsigned long)&runstate;
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
	check_rc("register_runstate_memory_area", rc, 0);
	check(runstate.state == RUNSTATE_running, "runstate area state %d after registration",
	      runstate.state);
	/*
	 * The copy is the raw accounting: time spent in the current state is not
	 * added (Xen 4.17 shows running 0 here, and the offline time before boot).
	 */
	check(runstate.state_entry_time > 0 && runstate.state_entry_time < (1UL << 62) &&
	      runstate.time[RUNSTATE_running] < (1UL << 62) &&
	      runstate.time[RUNSTATE_blocked] < (1UL << 62),
	      "runstate area not filled: entry %#lx running %#lx offline %#lx",
	      runstate.state_entry_time, runstate.time[RUNSTATE_running],
	      runstate.time[RUNSTATE_offline]);
	printk("runstate area: entry %lu running %lu runnable %lu blocked %lu offline %lu\n",
	       runstate.state_entry_time, runstate.time[0], runstate.time[1], runstate.time[2],
	       runstate.time[3]);

	/* The area address must be a guest address; the struct pointer readable. */
	area.addr.p = 0xffff830000000000UL;
	check_rc("register_runstate_memory_area(hole)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), -XEN_EFAULT);
	area.addr.p = 0x0000800000000000UL;
	check_rc("register_runstate_memory_area(non-canonical)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), -XEN_EFAULT);
	check_rc("register_runstate_memory_area(bad arg)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, 0x1000), -XEN_EFAULT);
	/* Re-registration is allowed (Linux moves it after per-cpu setup). */
	area.addr.p = (unsigned long)&runstate;
	check_rc("register_runstate_memory_area again",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
	/* An unmapped but canonical area is accepted: the copy is best effort. */
	area.addr.p = 0x1000;
	check_rc("register_runstate_memory_area(unmapped)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
	area.addr.p = 0;
	check_rc("register_runstate_memory_area(NULL)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
}

static void test_timers(void)
{
	struct vcpu_set_periodic_timer per = { .period_ns = 999999 };
	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = 0 };

	check_rc("set_periodic_timer(< 1 ms)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per), -XEN_EINVAL);
	per.period_ns = 10000000;
	check_rc("set_periodic_timer(10 ms)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0);
	check_rc("stop_periodic_timer", HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL),
		 0);
	check_rc("set_periodic_timer(bad arg)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, 0x1000), -XEN_EFAULT);
	/* A deadline in the past fires at once (no port is bound: nothing to see). */
	check_rc("set_singleshot_timer(past)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), 0);
	check_rc("stop_singleshot_timer",
		 HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
	check_rc("set_singleshot_timer(bad arg)",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, 0x1000), -XEN_EFAULT);
}

unsigned long nmi_next;

static void test_nmi(void)
{
	unsigned long before;

	check_rc("send_nmi(non-NULL arg)", HYPERVISOR_vcpu_op(VCPUOP_send_nmi, 0, &runstate),
		 -XEN_EINVAL);
	exc_reset();
	before = exc_count;
	/* The NMI is delivered through trap 2 on the way out of the hypercall. */
	asm volatile("lea 2f(%%rip), %%rax; mov %%rax, nmi_next(%%rip)\n\t"
		     "mov %[op], %%edi; xor %%esi, %%esi; xor %%edx, %%edx\n\t"
		     "mov %[nr], %%eax\n\t"
		     "syscall\n\t"
		     "2:"
		     _ASM_EXTABLE(2b, 2b)
		     : : [op] "i"(VCPUOP_send_nmi), [nr] "i"(__HYPERVISOR_vcpu_op)
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r10", "r11", "memory");
	check(exc_count - before == 1 && last_exc.vector == X86_EXC_NMI,
	      "send_nmi(0): %lu events, vector %u, expected one NMI", exc_count - before,
	      last_exc.vector);
	check(last_exc.rip == nmi_next, "NMI frame RIP %#lx, expected %#lx", last_exc.rip,
	      nmi_next);
	/* Delivered once only; iret re-armed it. */
	before = exc_count;
	HYPERVISOR_xen_version(XENVER_version, NULL);
	check(exc_count == before, "NMI delivered again");
}

static void test_vcpu_info(void)
{
	struct vcpu_register_vcpu_info vi = { .mfn = virt_to_mfn(vi_page), .offset = 64 };
	vcpu_info_t *moved = (vcpu_info_t *)(vi_page + 64);
	long rc;

	/* Refused before anything changes. */
	vi.offset = PAGE_SIZE - sizeof(vcpu_info_t) + 8;
	check_rc("register_vcpu_info(offset past the page)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_ENXIO);
	vi.offset = 68;
	check_rc("register_vcpu_info(misaligned offset)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_ENXIO);
	vi.offset = 64;
	vi.mfn = ~0UL >> 16;
	check_rc("register_vcpu_info(bad frame)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_EINVAL);
	vi.mfn = virt_to_mfn((void *)start_info->pt_base);
	check_rc("register_vcpu_info(page-table frame)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_EINVAL);
	check_rc("register_vcpu_info(bad arg)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, 0xffff830000000000UL),
		 -XEN_EFAULT);
	check_rc("register_vcpu_info(vcpu 1)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &vi), -XEN_ENOENT);

	memset(vi_page, 0xa5, sizeof(vi_page));
	vi.mfn = virt_to_mfn(vi_page);
	vi.offset = 64;
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi);
	check_rc("register_vcpu_info", rc, 0);
	if (rc)
		return;
	check(moved->evtchn_upcall_mask == 1, "moved vcpu_info has upcall mask %u",
	      moved->evtchn_upcall_mask);
	check(moved->time.tsc_to_system_mul != 0 && !(moved->time.version & 1),
	      "moved vcpu_info has no valid time (mul %#x version %u)",
	      moved->time.tsc_to_system_mul, moved->time.version);
	check((unsigned char)vi_page[0] == 0xa5 && (unsigned char)vi_page[128] == 0xa5,
	      "bytes around the moved vcpu_info were written");
	vcpu0 = moved;

	/* Only once. */
	check_rc("register_vcpu_info again", HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi),
		 -XEN_EINVAL);
	vi.offset = 128;
	check_rc("register_vcpu_info again (other offset)",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -XEN_EINVAL);

	/* cr2 now lands in the new location. */
	exc_reset();
	probe_read((void *)0x5000);
	check(last_exc.vector == X86_EXC_PF && moved->arch.cr2 == 0x5000,
	      "cr2 in the moved vcpu_info %#lx", moved->arch.cr2);
}

void test_main(void)
{
	test_ids();
	test_runstate();
	test_timers();
	test_nmi();
	test_vcpu_info();
}
