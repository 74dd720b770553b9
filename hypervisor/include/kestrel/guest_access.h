/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copying to and from guest virtual memory, through the current vCPU's page tables.
 * Every guest pointer is hostile: ranges that wrap, are not canonical or touch the
 * hypervisor's hole are refused before any access, and a fault during the copy (an
 * unmapped or read-only page) ends the copy instead of crashing: the functions return
 * -EFAULT. Implemented by the architecture (arch/x86/guest_access.c).
 */
#ifndef KESTREL_GUEST_ACCESS_H
#define KESTREL_GUEST_ACCESS_H

#include <kestrel/types.h>

/* Is [va, va+len) a range a guest may name? (canonical, no wrap, outside the hole) */
bool guest_range_ok(u64 va, u64 len);

/* 0, or -EFAULT when any byte cannot be read/written. */
int copy_from_guest(void *dst, u64 guest_src, size_t len);
int copy_to_guest(u64 guest_dst, const void *src, size_t len);

#endif
