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

#endif
