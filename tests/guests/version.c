/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen_version (hypercall 17): every sub-op a PV guest uses, with Xen 4.17's
 * exact results and errors.
 *
 * A broken hypervisor reports a version other than 4.17, lacks the
 * "xen-3.0-x86_64" capability, misses feature bits Linux panics without
 * (preserve_ad, gnttab_map_avail_bits) or the dom0 bit, reports
 * auto_translated or supervisor_mode_kernel, returns something other than
 * -EINVAL for submap 1 or a non-NULL pagesize argument, -ENOSYS for unknown
 * sub-ops, or anything but -EFAULT for unusable buffers.
 */
#include "test.h"

const char test_title[] = "xen_version";

#define BAD_HOLE	((void *)0xffff830000000000UL)	/* hypervisor-private */
#define BAD_NONCANON	((void *)0x0000800000000000UL)
#define BAD_UNMAPPED	((void *)0x0000000000001000UL)

static void test_version(void)
{
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);

	check(v == ((4 << 16) | 17), "XENVER_version = %#lx, expected 0x40011 (4.17)", v);
	/* The argument is ignored. */
	v = HYPERVISOR_xen_version(XENVER_version, BAD_HOLE);
	check(v == ((4 << 16) | 17), "XENVER_version with a junk argument = %#lx", v);
}

static void test_extraversion(void)
{
	char buf[32];
	long rc;

	memset(buf, 0x5a, sizeof(buf));
	rc = HYPERVISOR_xen_version(XENVER_extraversion, buf);
	check_rc("XENVER_extraversion", rc, 0);
	/* Exactly 16 bytes are written, NUL padded. */
	check(memchr_nul(buf, 16), "extraversion is not NUL terminated within 16 bytes");
	check((unsigned char)buf[16] == 0x5a, "XENVER_extraversion wrote past 16 bytes");
	printk("extraversion \"%s\"\n", buf);
	if (on_kestrel)
		check(!strcmp(buf, ".0-kestrel"),
		      "Kestrel extraversion \"%s\", expected \".0-kestrel\"", buf);
	else
		check(buf[0] == '.' || buf[0] == '-' || buf[0] == '\0',
		      "extraversion \"%s\" does not look like a suffix", buf);
}

static void test_capabilities(void)
{
	static char caps[1024 + 16];
	long rc;

	memset(caps, 0x5a, sizeof(caps));
	rc = HYPERVISOR_xen_version(XENVER_capabilities, caps);
	check_rc("XENVER_capabilities", rc, 0);
	check(memchr_nul(caps, 1024), "capabilities not NUL terminated within 1024 bytes");
	check((unsigned char)caps[1024] == 0x5a, "XENVER_capabilities wrote past 1024 bytes");
	printk("capabilities \"%s\"\n", caps);
	check(!strncmp(caps, "xen-3.0-x86_64", 14) && (caps[14] == ' ' || caps[14] == '\0'),
	      "capabilities \"%s\" do not start with \"xen-3.0-x86_64\"", caps);
}

static void test_features(void)
{
	struct xen_feature_info fi;
	uint32_t want = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
			(1u << XENFEAT_gnttab_map_avail_bits) | (1u << XENFEAT_dom0);
	uint32_t never = (1u << XENFEAT_auto_translated_physmap) |
			 (1u << XENFEAT_supervisor_mode_kernel) |
			 (1u << XENFEAT_writable_page_tables);
	long rc;

	fi.submap_idx = 0;
	fi.submap = 0xdeadbeef;
	rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
	check_rc("XENVER_get_features(0)", rc, 0);
	printk("features submap 0 = %#x\n", fi.submap);
	check((fi.submap & want) == want, "submap 0 = %#x lacks bits 5, 7 or 11 (%#x)", fi.submap,
	      want);
	check(!(fi.submap & never), "submap 0 = %#x has bits a PV dom0 must not see", fi.submap);
	check(fi.submap_idx == 0, "submap_idx changed to %u", fi.submap_idx);
	if (!on_kestrel) {
		/* Xen 4.17 for a PV dom0: 5, 6, 7, 11, 13 (vnode) and 17 (direct_mapped). */
		uint32_t xen = want | (1u << 6) | (1u << 13) | (1u << 17);

		check((fi.submap & ~(1u << XENFEAT_pae_pgdir_above_4gb)) == xen,
		      "submap 0 = %#x, Xen 4.17 gives %#x", fi.submap, xen);
	}

	/* Only submap 0 exists. */
	for (unsigned int idx = 1; idx < 4; idx++) {
		fi.submap_idx = idx;
		fi.submap = 0x12345678;
		rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
		check_rc("XENVER_get_features(submap >= 1)", rc, -XEN_EINVAL);
		check(fi.submap == 0x12345678, "failed get_features wrote submap %#x", fi.submap);
	}
	fi.submap_idx = 0xffffffffu;
	rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
	check_rc("XENVER_get_features(submap ~0)", rc, -XEN_EINVAL);
}

static void test_platform_parameters(void)
{
	struct xen_platform_parameters pp = { .virt_start = 0x1234 };
	long rc;

	rc = HYPERVISOR_xen_version(XENVER_platform_parameters, &pp);
	check_rc("XENVER_platform_parameters", rc, 0);
	check(pp.virt_start == 0xffff800000000000UL,
	      "virt_start = %#lx, expected 0xffff800000000000",
	      pp.virt_start);
}

static void test_pagesize(void)
{
	char dummy[8];

	check_rc("XENVER_pagesize(NULL)", HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
	/* A non-NULL argument is refused. */
	check_rc("XENVER_pagesize(non-NULL)", HYPERVISOR_xen_version(XENVER_pagesize, dummy),
		 -XEN_EINVAL);
}

static void test_strings(void)
{
	static char buf[1100];
	struct xen_compile_info ci;
	long rc;

	memset(buf, 0x5a, sizeof(buf));
	rc = HYPERVISOR_xen_version(XENVER_changeset, buf);
	check_rc("XENVER_changeset", rc, 0);
	check(memchr_nul(buf, 64), "changeset not NUL terminated within 64 bytes");
	check((unsigned char)buf[64] == 0x5a, "XENVER_changeset wrote past 64 bytes");
	printk("changeset \"%s\"\n", buf);

	memset(&ci, 0x5a, sizeof(ci));
	rc = HYPERVISOR_xen_version(XENVER_compile_info, &ci);
	check_rc("XENVER_compile_info", rc, 0);
	check(memchr_nul(ci.compiler, sizeof(ci.compiler)) &&
	      memchr_nul(ci.compile_by, sizeof(ci.compile_by)) &&
	      memchr_nul(ci.compile_domain, sizeof(ci.compile_domain)) &&
	      memchr_nul(ci.compile_date, sizeof(ci.compile_date)),
	      "compile_info strings are not NUL terminated");
	printk("compiled by %s with %s on %s\n", ci.compile_by, ci.compiler, ci.compile_date);

	memset(buf, 0x5a, sizeof(buf));
	rc = HYPERVISOR_xen_version(XENVER_guest_handle, buf);
	check_rc("XENVER_guest_handle", rc, 0);
	check((unsigned char)buf[16] == 0x5a, "XENVER_guest_handle wrote past 16 bytes");
	/* dom0 is created with an all-zero handle. */
	for (int i = 0; i < 16; i++)
		check(buf[i] == 0, "dom0 handle byte %d = %#x, expected 0", i, buf[i] & 0xff);

	memset(buf, 0x5a, sizeof(buf));
	rc = HYPERVISOR_xen_version(XENVER_commandline, buf);
	check_rc("XENVER_commandline", rc, 0);
	check(memchr_nul(buf, 1024), "commandline not NUL terminated within 1024 bytes");
	check((unsigned char)buf[1024] == 0x5a, "XENVER_commandline wrote past 1024 bytes");
	printk("hypervisor command line \"%s\"\n", buf);
	check(strstr(buf, "console=com1") != NULL, "command line lacks console=com1");
}

/* Sub-ops that do not exist: -ENOSYS, whatever the argument. */
static const int unknown_cmds[] = { 11, 12, 13, 64, 255, 0x7fffffff, -1, (int)0x80000000 };

static void test_unknown(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_cmds); i++) {
		unsigned long cmd = (unsigned int)unknown_cmds[i];
		long rc = HYPERVISOR_xen_version(cmd, NULL);

		if (rc != -XEN_ENOSYS)
			xtf_failure("xen_version(%d) returned %ld, expected -ENOSYS (-38)",
				    unknown_cmds[i], rc);
	}
}

/* The command is an int: bits 32..63 of RDI are ignored. */
static void test_truncation(void)
{
	long rc = HYPERVISOR_xen_version(0x100000000UL | XENVER_version, NULL);

	check(rc == ((4 << 16) | 17), "xen_version(1 << 32 | XENVER_version) = %ld, expected the "
	      "version (the command is 32 bits wide)", rc);
}

/* Sub-ops that write to the guest: -EFAULT for every unusable buffer. */
static const struct {
	int cmd;
	const char *name;
} writers[] = {
	{ XENVER_extraversion, "extraversion" },
	{ XENVER_compile_info, "compile_info" },
	{ XENVER_capabilities, "capabilities" },
	{ XENVER_changeset, "changeset" },
	{ XENVER_platform_parameters, "platform_parameters" },
	{ XENVER_get_features, "get_features" },
	{ XENVER_guest_handle, "guest_handle" },
	{ XENVER_commandline, "commandline" },
};

static void test_efault(void)
{
	void *const bad[] = { BAD_HOLE, BAD_NONCANON, BAD_UNMAPPED, NULL };

	for (unsigned int i = 0; i < ARRAY_SIZE(writers); i++) {
		for (unsigned int j = 0; j < ARRAY_SIZE(bad); j++) {
			long rc = HYPERVISOR_xen_version(writers[i].cmd, bad[j]);

			if (rc != -XEN_EFAULT)
				xtf_failure("xen_version(%s, %p) returned %ld, expected -EFAULT",
					    writers[i].name, bad[j], rc);
		}
	}
}

void test_main(void)
{
	test_version();
	test_extraversion();
	test_capabilities();
	test_features();
	test_platform_parameters();
	test_pagesize();
	test_strings();
	test_unknown();
	test_truncation();
	test_efault();
}
