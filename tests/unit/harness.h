/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the host unit tests: capture of printk output so tests can assert on
 * the warnings hypervisor code prints. Implemented in harness.c.
 */
#ifndef KESTREL_TEST_HARNESS_H
#define KESTREL_TEST_HARNESS_H

#include <stddef.h>

/* Reset printk and start capturing console output into an internal buffer. */
void capture_start(void);
/* Everything printed since capture_start(), NUL-terminated. */
const char *capture_text(void);
/* Non-zero when the captured text contains needle. */
int capture_has(const char *needle);

/*
 * A fake machine for tests that need the hypervisor heap: npages page-aligned frames
 * (filled with 0x5A), a frame table, a buddy allocator holding all of them, and the heap
 * on top with mfn = (address - base) / PAGE_SIZE. Returns the buddy allocator.
 */
struct buddy;
struct buddy *fake_machine_start(unsigned long npages);
void fake_machine_stop(void);
/* The address of frame mfn of the fake machine. */
void *fake_machine_page(unsigned long mfn);

#endif
