/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding single-call .xz decoder (common/xz.c), for kernels whose bzImage payload is
 * xz-compressed. Written from the .xz file format specification and the LZMA/LZMA2
 * algorithm description; it shares no code with xz-embedded or liblzma.
 *
 * Supported: one or more concatenated streams with stream padding; any number of blocks;
 * filter chains LZMA2 alone or x86 BCJ followed by LZMA2 (what Linux's xz_wrap.sh makes);
 * checks none, CRC32 and CRC64. The index is verified against the blocks decoded.
 */
#ifndef KESTREL_XZ_H
#define KESTREL_XZ_H

#include <kestrel/types.h>

/*
 * xz_decompress() - decode the whole .xz file @in[0, @in_len) into @out[0, @out_cap).
 * The output buffer doubles as the LZMA dictionary, so no window is allocated; the
 * probability tables (about 28 KiB) live in a static area taken under a lock, so calls
 * from different CPUs serialise rather than fail.
 *
 * On success returns 0 and sets *@out_len to the number of bytes written. On failure
 * returns a negative errno and, when @why_len > 0, writes a NUL-terminated reason to @why:
 *   -EINVAL      the input is not valid .xz data (corrupt, truncated, bad check value)
 *   -E2BIG       the decoded data does not fit in @out_cap bytes
 *   -EOPNOTSUPP  a valid file using a filter or check type this decoder lacks
 * Never reads outside @in[0, @in_len) nor writes outside @out[0, @out_cap), whatever the
 * input; on failure the contents of @out are unspecified.
 */
int xz_decompress(const u8 *in, size_t in_len, u8 *out, size_t out_cap, size_t *out_len,
		  char *why, size_t why_len);

#endif
