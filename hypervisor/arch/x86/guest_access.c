/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory access for hypercalls (see kestrel/guest_access.h). All guest pages are
 * user pages (PV kernels run at CPL 3), so with SMAP on every access is bracketed by
 * stac/clac.
 */
#include <kestrel/errno.h>
#include <kestrel/guest_access.h>
#include <asm/config.h>
#include "arch-x86.h"

#define CANONICAL_LOW_END 0x0000800000000000ULL

size_t raw_copy(void *dst, const void *src, size_t len);

bool guest_range_ok(u64 va, u64 len)
{
	u64 end = va + len;

	if (end < va)
		return false; /* wraps */
	if (va < CANONICAL_LOW_END)
		return end <= CANONICAL_LOW_END;
	return va >= HOLE_VIRT_END;
}

static inline void stac(void)
{
	if (cpu_has_smap)
		__asm__ volatile("stac" ::: "memory");
}

static inline void clac(void)
{
	if (cpu_has_smap)
		__asm__ volatile("clac" ::: "memory");
}

int copy_from_guest(void *dst, u64 guest_src, size_t len)
{
	size_t left;

	if (!guest_range_ok(guest_src, len))
		return -EFAULT;
	stac();
	left = raw_copy(dst, (const void *)guest_src, len);
	clac();
	return left ? -EFAULT : 0;
}

int copy_to_guest(u64 guest_dst, const void *src, size_t len)
{
	size_t left;

	if (!guest_range_ok(guest_dst, len))
		return -EFAULT;
	stac();
	left = raw_copy((void *)guest_dst, src, len);
	clac();
	return left ? -EFAULT : 0;
}
