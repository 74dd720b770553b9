/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: xen_version (hypercall 17), hypervisor identification
 * and feature discovery.
 *
 *   long xen_version(int cmd, void *arg)
 *
 * Any command not listed returns -XEN_ENOSYS. Every command that writes to
 * @arg returns -XEN_EFAULT when @arg is not writable. Kestrel reports itself
 * with a Xen-compatible version number (see docs/abi/xen_version.md); the
 * strings it returns name Kestrel.
 *
 * XENVER_version (0) is also the cheapest hypercall there is: guests call it
 * to give the hypervisor a chance to deliver pending events.
 */
#ifndef KESTREL_PUBLIC_VERSION_H
#define KESTREL_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

/*
 * XENVER_version (arg unused)
 *   Returns (major << 16) | minor of the ABI version implemented.
 */
#define XENVER_version			0

/*
 * XENVER_extraversion (arg: xen_extraversion_t, OUT)
 *   The version suffix (e.g. ".7"), NUL padded. Returns 0.
 */
#define XENVER_extraversion		1

/*
 * XENVER_compile_info (arg: struct xen_compile_info *, OUT)
 *   Build information strings. Returns 0.
 */
#define XENVER_compile_info		2

/*
 * XENVER_capabilities (arg: xen_capabilities_info_t, OUT)
 *   Space-separated list of guest types the hypervisor can run, e.g.
 *   "xen-3.0-x86_64". Returns 0.
 */
#define XENVER_capabilities		3

/*
 * XENVER_changeset (arg: xen_changeset_info_t, OUT)
 *   Source revision the hypervisor was built from. Returns 0.
 */
#define XENVER_changeset		4

/*
 * XENVER_platform_parameters (arg: struct xen_platform_parameters *, OUT)
 *   virt_start = start of the hypervisor hole (HYPERVISOR_VIRT_START) for a
 *   64-bit PV guest. Returns 0.
 */
#define XENVER_platform_parameters	5

/*
 * XENVER_get_features (arg: struct xen_feature_info *, IN/OUT)
 *   Returns in submap the 32 feature bits of group submap_idx (XENFEAT_*).
 *   Returns 0.
 *   Errors: -XEN_EFAULT, -XEN_EINVAL (submap_idx >= XENFEAT_NR_SUBMAPS).
 */
#define XENVER_get_features		6

/*
 * XENVER_pagesize (arg must be NULL)
 *   Returns the page size, 4096.
 *   Errors: -XEN_EINVAL (arg not NULL).
 */
#define XENVER_pagesize			7

/*
 * XENVER_guest_handle (arg: xen_domain_handle_t, OUT)
 *   The 16-byte handle (UUID) the toolstack gave this domain. Returns 0.
 */
#define XENVER_guest_handle		8

/*
 * XENVER_commandline (arg: xen_commandline_t, OUT)
 *   The hypervisor's own command line, NUL terminated. Returns 0. Domains
 *   other than the control domain get the string "<denied>" instead.
 */
#define XENVER_commandline		9

/*
 * XENVER_build_id (arg: struct xen_build_id *, IN/OUT, or NULL)
 *   Copies the hypervisor's build id (raw bytes) into buf and returns its
 *   length. With arg == NULL only the length is returned.
 *   Errors: -XEN_EPERM (caller is not the control domain), -XEN_EINVAL
 *   (len == 0), -XEN_ENOBUFS (len smaller than the build id), -XEN_ENODATA
 *   (the hypervisor has no build id), -XEN_EFAULT.
 */
#define XENVER_build_id			10

/* String sizes, including the terminating NUL padding. */
#define XEN_EXTRAVERSION_LEN		16
#define XEN_CAPABILITIES_INFO_LEN	1024
#define XEN_CHANGESET_INFO_LEN		64
#define XEN_COMMANDLINE_LEN		1024

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];
typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

/* XENVER_compile_info. 144 bytes, all OUT, NUL-padded strings. */
struct xen_compile_info {
	char compiler[64];		/* OUT: compiler identification */
	char compile_by[16];		/* OUT: user who built the hypervisor */
	char compile_domain[32];	/* OUT: DNS domain of the build host */
	char compile_date[32];		/* OUT: build date */
};
typedef struct xen_compile_info xen_compile_info_t;

/* XENVER_platform_parameters. 8 bytes. */
struct xen_platform_parameters {
	xen_ulong_t virt_start;		/* OUT: lowest hypervisor-reserved VA */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* XENVER_get_features. 8 bytes. */
struct xen_feature_info {
	unsigned int submap_idx;	/* IN: which group of 32 feature bits */
	uint32_t submap;		/* OUT: the bits (1 << XENFEAT_*) */
};
typedef struct xen_feature_info xen_feature_info_t;

/* XENVER_build_id. 4-byte header followed by the data. */
struct xen_build_id {
	uint32_t len;			/* IN: size of buf in bytes */
	unsigned char buf[];		/* OUT: the build id */
};
typedef struct xen_build_id xen_build_id_t;

#endif /* !__ASSEMBLY__ */

#endif /* KESTREL_PUBLIC_VERSION_H */
