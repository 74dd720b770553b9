/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O from a PV guest kernel and the virtual IOPL (PHYSDEVOP_set_iopl). With IOPL 0,
 * IN and OUT fault with #GP(0) delivered to the guest; after set_iopl(1) dom0's kernel
 * may use ports it is allowed (the CMOS index/data pair 0x70/0x71 here: the register
 * written is read back). set_iopl(4) is -EINVAL, a bad argument -EFAULT, an unknown
 * physdev_op -ENOSYS.
 *
 * A broken hypervisor lets IN/OUT through without the privilege, kills the guest on the
 * #GP, or keeps refusing I/O after set_iopl. CLI/STI: #GP(0) at IOPL 0; at IOPL 1 they are
 * allowed and, as on Xen 4.17, change nothing (Linux's unpatched early code runs them).
 */
#include "test.h"
#include <public/physdev.h>

const char test_title[] = "port I/O and PHYSDEVOP_set_iopl";

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_SECONDS_ALARM 0x01 /* a plain RAM-like register of the RTC */

static bool inb_safe(uint16_t port, uint8_t *val)
{
	uint8_t v = 0xa5;

	exc_reset();
	asm volatile("1: inb %w1, %0; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(v) : "Nd"(port));
	*val = v;
	return last_exc.vector == ~0u;
}

static bool outb_safe(uint16_t port, uint8_t val)
{
	exc_reset();
	asm volatile("1: outb %0, %w1; 2:" _ASM_EXTABLE(1b, 2b) : : "a"(val), "Nd"(port));
	return last_exc.vector == ~0u;
}

/* CLI (cli true) or STI from guest kernel mode; false if it faulted. */
static bool cli_sti_safe(bool cli)
{
	exc_reset();
	if (cli)
		asm volatile("1: cli; 2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
	else
		asm volatile("1: sti; 2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
	return last_exc.vector == ~0u;
}

static long set_iopl(uint32_t iopl)
{
	struct physdev_set_iopl s = { .iopl = iopl };

	return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
}

void test_main(void)
{
	uint8_t v;

	check(!inb_safe(CMOS_DATA, &v) && last_exc.vector == X86_EXC_GP && last_exc.ec == 0,
	      "IN with IOPL 0: vector %u ec %#lx, expected #GP(0)", last_exc.vector, last_exc.ec);
	check(!outb_safe(CMOS_INDEX, CMOS_SECONDS_ALARM) && last_exc.vector == X86_EXC_GP,
	      "OUT with IOPL 0: vector %u, expected #GP(0)", last_exc.vector);

	check(!cli_sti_safe(true) && last_exc.vector == X86_EXC_GP && last_exc.ec == 0,
	      "CLI with IOPL 0: vector %u, expected #GP(0)", last_exc.vector);

	check_rc("set_iopl(4)", set_iopl(4), -XEN_EINVAL);
	check_rc("physdev_op(set_iopl, bad arg)",
		 HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, (void *)0x1000), -XEN_EFAULT);
	check_rc("physdev_op(unknown 0x7777)", HYPERVISOR_physdev_op(0x7777, NULL), -XEN_ENOSYS);

	check_rc("set_iopl(1)", set_iopl(1), 0);
	check(outb_safe(CMOS_INDEX, CMOS_SECONDS_ALARM), "OUT 0x70 with IOPL 1 faulted (vector %u)",
	      last_exc.vector);
	check(outb_safe(CMOS_DATA, 0x2a), "OUT 0x71 with IOPL 1 faulted (vector %u)",
	      last_exc.vector);
	check(outb_safe(CMOS_INDEX, CMOS_SECONDS_ALARM) && inb_safe(CMOS_DATA, &v),
	      "IN 0x71 with IOPL 1 faulted (vector %u)", last_exc.vector);
	check(v == 0x2a, "CMOS register 1 reads %#x after writing 0x2a", v);
	/* With IOPL 1 the kernel's CLI/STI are allowed and change nothing (Xen 4.17) */
	for (unsigned int k = 0; k < 2; k++) {
		uint8_t mask = vcpu0->evtchn_upcall_mask;

		check(cli_sti_safe(k == 0) && vcpu0->evtchn_upcall_mask == mask,
		      "%s with IOPL 1: vector %u, mask %u -> %u", k ? "STI" : "CLI",
		      last_exc.vector, mask, vcpu0->evtchn_upcall_mask);
	}
	check_rc("set_iopl(0)", set_iopl(0), 0);
	check(!inb_safe(CMOS_DATA, &v) && last_exc.vector == X86_EXC_GP,
	      "IN after set_iopl(0): vector %u, expected #GP", last_exc.vector);
}
