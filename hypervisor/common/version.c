/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen_version: who the hypervisor says it is. Kestrel presents the ABI of Xen 4.17
 * (kernels check version numbers before using features) and names itself in the
 * extraversion, which is how test kernels tell the two apart.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <kestrel/kernel.h>
#include <kestrel/lib.h>
#include <public/version.h>

#define XEN_MAJOR 4
#define XEN_MINOR 17
#define EXTRAVERSION ".0-kestrel"

static u32 features_submap0(const struct domain *d)
{
	u32 map = (1U << XENFEAT_mmu_pt_update_preserve_ad) | (1U << XENFEAT_highmem_assist) |
		  (1U << XENFEAT_gnttab_map_avail_bits);

	if (d->is_privileged)
		map |= 1U << XENFEAT_dom0;
	return map;
}

static long copy_string(u64 arg, const char *s, size_t size)
{
	char buf[1024];

	memset(buf, 0, size);
	strlcpy(buf, s, size);
	return copy_to_guest(arg, buf, size) ? -EFAULT : 0;
}

long do_xen_version(u64 cmd, u64 arg)
{
	struct domain *d = arch_current_vcpu()->domain;

	switch ((u32)cmd) { /* the command is 32 bits wide */
	case XENVER_version:
		return (XEN_MAJOR << 16) | XEN_MINOR;
	case XENVER_extraversion:
		return copy_string(arg, EXTRAVERSION, sizeof(xen_extraversion_t));
	case XENVER_capabilities:
		return copy_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return copy_string(arg, "kestrel " KESTREL_VERSION, sizeof(xen_changeset_info_t));
	case XENVER_compile_info: {
		struct xen_compile_info ci;

		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
		strlcpy(ci.compile_by, "kestrel", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "kestrel", sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
		return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { .virt_start = arch_hypervisor_virt_start() };

		return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(&fi, arg, sizeof(fi)))
			return -EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi.submap = fi.submap_idx == 0 ? features_submap0(d) : 0;
		return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return arg ? -EINVAL : (long)PAGE_SIZE;
	case XENVER_commandline:
		if (!d->is_privileged)
			return -EPERM;
		return copy_string(arg, boot_info.cmdline, sizeof(xen_commandline_t));
	case XENVER_guest_handle: {
		u8 handle[16] = { 0 };

		return copy_to_guest(arg, handle, sizeof(handle)) ? -EFAULT : 0;
	}
	default:
		return -ENOSYS;
	}
}
