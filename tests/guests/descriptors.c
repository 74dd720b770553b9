/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptor-table hypercalls without page-table changes: set_gdt (2)
 * argument checks (too many entries, unreadable frame list, frames the guest
 * does not own or maps writable), update_descriptor (10) on an ordinary
 * writable page (code/data DPL raised to 3, system descriptors other than
 * call gates refused, unaligned or foreign machine addresses refused, page
 * tables refused), stack_switch (3), and vm_assist (21) for the assists a
 * 64-bit PV guest may toggle and the ones it may not.
 *
 * A broken hypervisor installs a GDT from writable frames, stores a DPL-0
 * descriptor or a TSS descriptor, or accepts unknown assists.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "descriptors and vm_assist";

static uint64_t desc_page[512] __aligned(PAGE_SIZE);

static void test_set_gdt(void)
{
	unsigned long frames[16];

	frames[0] = virt_to_mfn(desc_page);
	check_rc("set_gdt(7169 entries)", HYPERVISOR_set_gdt(frames, 7169), -XEN_EINVAL);
	check_rc("set_gdt(0xffffffff entries)", HYPERVISOR_set_gdt(frames, 0xffffffffUL),
		 -XEN_EINVAL);
	check_rc("set_gdt(bad list)", HYPERVISOR_set_gdt(0xffff830000000000UL, 16), -XEN_EFAULT);
	check_rc("set_gdt(unmapped list)", HYPERVISOR_set_gdt(0x1000, 16), -XEN_EFAULT);
	/* A frame that is mapped writable cannot become a descriptor page. */
	check_rc("set_gdt(writable frame)", HYPERVISOR_set_gdt(frames, 16), -XEN_EINVAL);
	frames[0] = ~0UL >> 20;
	check_rc("set_gdt(invalid frame)", HYPERVISOR_set_gdt(frames, 16), -XEN_EINVAL);
	frames[0] = virt_to_mfn((void *)start_info->pt_base);
	check_rc("set_gdt(page-table frame)", HYPERVISOR_set_gdt(frames, 16), -XEN_EINVAL);
	/* The flat selectors keep working. */
	check_rc("xen_version after failed set_gdt",
		 HYPERVISOR_xen_version(XENVER_version, NULL), 0x40011);
}

/*
 * A GDT of the guest's own: a read-only page with a ring-0 flat data descriptor at index 1
 * becomes the GDT (the hypervisor makes the DPL 3, as Xen does); its selector then loads
 * into %fs and the descriptor reads back fixed. Linux's boot GDT is like this.
 */
/* In user mode: the code selector it runs with. */
static unsigned long user_cs(unsigned long arg)
{
	uint16_t cs;

	asm volatile("movw %%cs, %0" : "=r"(cs));
	return cs;
}

static void test_own_gdt(void)
{
	uint64_t *gdt = pt_alloc();
	unsigned long frames[1];
	uint16_t sel = (1 << 3) | 3, got = 0;

	if (!gdt) {
		xtf_error("no free page for a GDT");
		return;
	}
	gdt[1] = 0x00cf92000000ffffULL; /* flat data, DPL 0 */
	gdt[2] = 0x00af9a000000ffffULL; /* 64-bit code, DPL 0 */
	check_rc("make the GDT page read-only", pt_set_ro(gdt), 0);
	frames[0] = virt_to_mfn(gdt);
	check_rc("set_gdt(own page, 16 entries)", HYPERVISOR_set_gdt(frames, 16), 0);
	check((gdt[1] >> 45 & 3) == 3, "descriptor stored as %#lx, expected DPL 3", gdt[1]);
	exc_reset();
	asm volatile("1: movw %1, %%fs\n2:\n\t" _ASM_EXTABLE(1b, 2b) "movw %%fs, %0"
		     : "=r"(got)
		     : "r"(sel));
	check(last_exc.vector == ~0u && got == sel, "loading selector %#x: vector %u, fs %#x", sel,
	      last_exc.vector, got);
	asm volatile("movw %0, %%fs" ::"r"((uint16_t)0));
	/* user mode entered with the GDT's own selectors, as Linux returns to user space */
	got = run_user_sel(user_cs, 0, (2 << 3) | 3, (1 << 3) | 3);
	check(got == ((2 << 3) | 3), "user mode through the GDT's selectors ran with CS %#x", got);
	check_rc("set_gdt(0 entries)", HYPERVISOR_set_gdt(frames, 0), 0);
	check_rc("make the page writable again", pt_set_rw(gdt), 0);
	pt_free(gdt);
}

static const struct {
	const char *name;
	uint64_t in, stored;
	long rc;
} descs[] = {
	{ "64-bit code DPL 0", 0x00af9a000000ffffUL, 0x00affa000000ffffUL, 0 },
	{ "64-bit code DPL 3", 0x00affa000000ffffUL, 0x00affa000000ffffUL, 0 },
	{ "data DPL 0", 0x00cf92000000ffffUL, 0x00cff2000000ffffUL, 0 },
	{ "not present (anything)", 0x1234567012345678UL & ~(1UL << 47),
	  0x1234567012345678UL & ~(1UL << 47), 0 },
	{ "type 0 system descriptor", 0x0000800000000000UL, 0x0000800000000000UL, 0 },
	{ "available TSS", 0x0000890000000067UL, 0, -XEN_EINVAL },
	{ "LDT", 0x0000820000000fffUL, 0, -XEN_EINVAL },
	{ "interrupt gate", 0x00008e0000100000UL, 0, -XEN_EINVAL },
};

static void test_update_descriptor(void)
{
	uint64_t ma = virt_to_maddr(&desc_page[8]);

	for (unsigned int i = 0; i < ARRAY_SIZE(descs); i++) {
		long rc;

		desc_page[8] = 0x5a5a5a5a5a5a5a5aUL;
		rc = HYPERVISOR_update_descriptor(ma, descs[i].in);
		if (rc != descs[i].rc) {
			xtf_failure("update_descriptor(%s) = %ld, expected %ld", descs[i].name, rc,
				    descs[i].rc);
			continue;
		}
		if (!rc && desc_page[8] != descs[i].stored)
			xtf_failure("update_descriptor(%s) stored %#lx, expected %#lx",
				    descs[i].name, desc_page[8], descs[i].stored);
		if (rc && desc_page[8] != 0x5a5a5a5a5a5a5a5aUL)
			xtf_failure("refused update_descriptor(%s) wrote %#lx", descs[i].name,
				    desc_page[8]);
	}
	check_rc("update_descriptor(unaligned)", HYPERVISOR_update_descriptor(ma + 4, 0),
		 -XEN_EINVAL);
	check_rc("update_descriptor(foreign frame)",
		 HYPERVISOR_update_descriptor((~0UL >> 20) << PAGE_SHIFT, 0), -XEN_EINVAL);
	check_rc("update_descriptor(page table)",
		 HYPERVISOR_update_descriptor(virt_to_maddr((void *)start_info->pt_base), 0),
		 -XEN_EINVAL);
}

static void test_stack_switch(void)
{
	/* No checks at all: any values are recorded (and used at the next user->kernel). */
	check_rc("stack_switch(kernel ss, sp)",
		 HYPERVISOR_stack_switch(FLAT_KERNEL_SS, user_kstack + USER_KSTACK_SIZE), 0);
	check_rc("stack_switch(0, 0)", HYPERVISOR_stack_switch(0, 0), 0);
	check_rc("stack_switch(junk)", HYPERVISOR_stack_switch(0x1234, 0x0000800000000000UL), 0);
	HYPERVISOR_stack_switch(FLAT_KERNEL_SS, user_kstack + USER_KSTACK_SIZE);
}

static const struct {
	unsigned int type;
	long rc;
} assists[] = {
	{ VMASST_TYPE_4gb_segments, 0 },
	{ VMASST_TYPE_4gb_segments_notify, 0 },
	{ VMASST_TYPE_writable_pagetables, 0 },
	{ VMASST_TYPE_pae_extended_cr3, 0 },
	{ VMASST_TYPE_architectural_iopl, 0 },
	{ VMASST_TYPE_runstate_update_flag, 0 },
	{ VMASST_TYPE_m2p_strict, 0 },
	{ 6, -XEN_EINVAL },
	{ 31, -XEN_EINVAL },
	{ 33, -XEN_EINVAL },
	{ 63, -XEN_EINVAL },
	{ 64, -XEN_EINVAL },
	{ 0xffffffff, -XEN_EINVAL },
};

static void test_vm_assist(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(assists); i++) {
		long on = HYPERVISOR_vm_assist(VMASST_CMD_enable, assists[i].type);
		long off = HYPERVISOR_vm_assist(VMASST_CMD_disable, assists[i].type);

		if (on != assists[i].rc || off != assists[i].rc)
			xtf_failure("vm_assist(enable/disable, %u) = %ld/%ld, expected %ld",
				    assists[i].type, on, off, assists[i].rc);
	}
	/* Unknown commands: -ENOSYS for a valid type, -EINVAL (type first) otherwise. */
	check_rc("vm_assist(2, writable_pagetables)",
		 HYPERVISOR_vm_assist(2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
	check_rc("vm_assist(2, 6)", HYPERVISOR_vm_assist(2, 6), -XEN_EINVAL);
	/* Linux enables writable_pagetables at boot; leave it on. */
	check_rc("vm_assist(enable, writable_pagetables)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
}

void test_main(void)
{
	test_set_gdt();
	test_own_gdt();
	test_update_descriptor();
	test_stack_switch();
	test_vm_assist();
}
