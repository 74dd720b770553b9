/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included first in every hypervisor translation unit (-include). Every symbol is local
 * to the image, so position-independent code reaches them RIP-relative instead of through
 * a GOT the static link could not resolve above 4 GiB.
 */
#pragma GCC visibility push(hidden)
