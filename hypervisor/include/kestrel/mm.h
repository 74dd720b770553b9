/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Machine memory as the rest of the hypervisor sees it: the frame table and the buddy
 * allocator over it. Set up once at boot by the architecture (arch/x86/mm.c) before any
 * other CPU runs; afterwards only the buddy's own lock is needed.
 */
#ifndef KESTREL_MM_H
#define KESTREL_MM_H

#include <kestrel/buddy.h>
#include <kestrel/frame.h>

extern struct page_info *frame_table; /* frame_table[mfn], 0 <= mfn < nr_machine_frames */
extern u64 nr_machine_frames;
extern struct buddy machine_frames; /* every frame free for domains and the heap */

#endif
