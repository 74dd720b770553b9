/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common/xz.c: every vector in xz_vectors.h (made by gen-xz-vectors.sh with the real xz:
 * CRC32, CRC64 and no check; one and many blocks; two streams; BCJ x86 with and without a
 * start offset; uncompressed LZMA2 chunks from random data; unusual lc/lp/pb) must decode
 * to its plain bytes into a buffer of exactly the right size and fail with -E2BIG into one
 * byte less. Then hostile input: every truncation, every single-bit flip and random byte
 * mutations must be refused (or, for a flip that changes nothing that matters, give the
 * right bytes) without reading or writing outside the buffers, which are heap copies of
 * exact size so that ASan sees any overrun. A broken decoder shows as a wrong byte, a
 * wrong errno, an accepted corruption, or an ASan/UBSan report.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/xz.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "xz_vectors.h"

#define VEC(name, plain, plain_len) { #name, xz_##name, sizeof(xz_##name), plain, plain_len }

static const struct vector {
	const char *name;
	const u8 *xz;
	size_t xz_len;
	const u8 *plain;
	size_t plain_len;
} good[] = {
	VEC(text_crc32, plain_text, sizeof(plain_text)),
	VEC(text_crc64, plain_text, sizeof(plain_text)),
	VEC(text_none, plain_text, sizeof(plain_text)),
	VEC(text_lc0lp4pb4, plain_text, sizeof(plain_text)),
	VEC(text_blocks, plain_text, sizeof(plain_text)),
	VEC(empty_crc32, plain_text, 0),
	VEC(empty_crc64, plain_text, 0),
	VEC(rep_crc32, plain_rep, sizeof(plain_rep)),
	VEC(rnd_crc32, plain_rnd, sizeof(plain_rnd)),
	VEC(rnd_blocks, plain_rnd, sizeof(plain_rnd)),
	VEC(x86_crc32, plain_x86, sizeof(plain_x86)),
	VEC(x86_start, plain_x86, sizeof(plain_x86)),
	VEC(x86_blocks, plain_x86, sizeof(plain_x86)),
	VEC(multi_stream, plain_multi_stream, sizeof(plain_multi_stream)),
};

/* Small vectors for the exhaustive hostile-input loops: LZMA, copy chunks, BCJ, blocks. */
static const struct vector *const hostile[] = { &good[0], &good[4], &good[5], &good[8], &good[10] };

static char why[128];

/* Decode a heap copy of in[0, len) into a heap buffer of exactly cap bytes. */
static int run(const u8 *in, size_t len, size_t cap, u8 **out, size_t *out_len)
{
	u8 *src = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(src);
	memcpy(src, in, len);
	*out = malloc(cap ? cap : 1);
	ck_assert_ptr_nonnull(*out);
	*out_len = 12345;
	rc = xz_decompress(src, len, *out, cap, out_len, why, sizeof(why));
	free(src);
	ck_assert(memchr(why, 0, sizeof(why)) != NULL);
	if (rc) {
		ck_assert_uint_eq(*out_len, 0);
		ck_assert_msg(why[0] != '\0', "error %d without a reason", rc);
	}
	return rc;
}

START_TEST(test_good)
{
	const struct vector *v = &good[_i];
	size_t out_len;
	u8 *out;
	int rc = run(v->xz, v->xz_len, v->plain_len, &out, &out_len);

	ck_assert_msg(rc == 0, "%s: %d %s", v->name, rc, why);
	ck_assert_uint_eq(out_len, v->plain_len);
	ck_assert_msg(!memcmp(out, v->plain, out_len), "%s: wrong bytes", v->name);
	free(out);
}
END_TEST

START_TEST(test_too_small)
{
	const struct vector *v = &good[_i];
	size_t out_len;
	u8 *out;

	if (!v->plain_len)
		return;
	ck_assert_int_eq(run(v->xz, v->xz_len, v->plain_len - 1, &out, &out_len), -E2BIG);
	free(out);
	ck_assert_int_eq(run(v->xz, v->xz_len, 0, &out, &out_len), -E2BIG);
	free(out);
}
END_TEST

/* A bigger buffer than needed is fine and the extra bytes are not written. */
START_TEST(test_roomy_output)
{
	size_t out_len, cap = sizeof(plain_text) + 100;
	u8 *out = malloc(cap);
	int rc;

	memset(out, 0xa5, cap);
	rc = xz_decompress(xz_text_crc64, sizeof(xz_text_crc64), out, cap, &out_len, why,
			   sizeof(why));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(out_len, sizeof(plain_text));
	ck_assert(!memcmp(out, plain_text, out_len));
	for (size_t i = out_len; i < cap; i++)
		ck_assert_uint_eq(out[i], 0xa5);
	free(out);
}
END_TEST

static const struct {
	const char *name;
	const u8 *xz;
	size_t len;
	int err;
} refused[] = {
	{ "sha256 check", xz_text_sha256, sizeof(xz_text_sha256), -EOPNOTSUPP },
	{ "delta filter", xz_text_delta, sizeof(xz_text_delta), -EOPNOTSUPP },
	{ "gzip magic", (const u8 *)"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10, -EINVAL },
	{ "empty input", xz_empty_crc32, 0, -EINVAL },
	{ "header only", xz_empty_crc32, 12, -EINVAL },
};

START_TEST(test_refused)
{
	size_t out_len;
	u8 *out;
	int rc = run(refused[_i].xz, refused[_i].len, 1 << 16, &out, &out_len);

	ck_assert_msg(rc == refused[_i].err, "%s: got %d (%s)", refused[_i].name, rc, why);
	free(out);
}
END_TEST

/* Stream padding must come in fours; anything else after a stream is junk. */
START_TEST(test_trailing)
{
	static const struct {
		const char *tail;
		size_t len;
		int err;
	} cases[] = {
		{ "", 0, 0 },
		{ "\0\0\0\0", 4, 0 },
		{ "\0\0\0\0\0\0\0\0", 8, 0 },
		{ "\0", 1, -EINVAL },
		{ "\0\0\0", 3, -EINVAL },
		{ "\0\0\0\0\0", 5, -EINVAL },
		{ "junk", 4, -EINVAL },
		{ "\0\0\0\0\xfd", 5, -EINVAL },
	};
	size_t base = sizeof(xz_text_crc32);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u8 *in = malloc(base + cases[i].len), *out;
		size_t out_len;
		int rc;

		memcpy(in, xz_text_crc32, base);
		memcpy(in + base, cases[i].tail, cases[i].len);
		rc = run(in, base + cases[i].len, sizeof(plain_text), &out, &out_len);
		ck_assert_msg(rc == cases[i].err, "tail %zu: got %d (%s)", i, rc, why);
		free(out);
		free(in);
	}
}
END_TEST

/* The reason is truncated to the caller's buffer and may be omitted altogether. */
START_TEST(test_why_buffer)
{
	char small[8];
	size_t out_len;
	u8 out[16];

	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(xz_decompress(xz_text_delta, 4, out, sizeof(out), &out_len, small,
				       sizeof(small)), -EINVAL);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(xz_decompress(xz_text_delta, 4, out, sizeof(out), &out_len, NULL, 0),
			 -EINVAL);
}
END_TEST

/* Every proper prefix of a vector is refused. */
START_TEST(test_truncated)
{
	const struct vector *v = hostile[_i];

	for (size_t len = 0; len < v->xz_len; len++) {
		size_t out_len;
		u8 *out;
		int rc = run(v->xz, len, v->plain_len, &out, &out_len);

		ck_assert_msg(rc < 0, "%s cut to %zu bytes accepted", v->name, len);
		free(out);
	}
}
END_TEST

/*
 * A single-bit flip is refused or, if it lands somewhere the format does not protect
 * with a check and that does not change the output, decodes to the right bytes.
 */
START_TEST(test_bit_flips)
{
	const struct vector *v = hostile[_i];
	u8 *in = malloc(v->xz_len);
	unsigned int accepted = 0;

	memcpy(in, v->xz, v->xz_len);
	/* all bits of small vectors; of big ones, all of the header, the tail and a sample */
	for (size_t bit = 0; bit < v->xz_len * 8; bit++) {
		size_t out_len;
		u8 *out;
		int rc;

		if (bit / 8 >= 256 && bit / 8 + 256 < v->xz_len && (bit / 8) % 8)
			continue;
		in[bit / 8] ^= 1u << (bit % 8);
		rc = run(in, v->xz_len, v->plain_len, &out, &out_len);
		in[bit / 8] ^= 1u << (bit % 8);
		ck_assert_msg(rc == 0 || rc == -EINVAL || rc == -EOPNOTSUPP || rc == -E2BIG,
			      "%s bit %zu: errno %d", v->name, bit, rc);
		if (!rc) {
			ck_assert_msg(out_len == v->plain_len && !memcmp(out, v->plain, out_len),
				      "%s bit %zu: corruption accepted", v->name, bit);
			accepted++;
		}
		free(out);
	}
	/* a harmless flip is rare: most bits are covered by a CRC or change the output */
	ck_assert_msg(accepted * 100 < v->xz_len * 8, "%s: %u flips accepted", v->name, accepted);
	free(in);
}
END_TEST

/* Many random multi-byte mutations (fixed seed), each into a too-small and a roomy buffer. */
START_TEST(test_mutations)
{
	const struct vector *v = hostile[_i];
	u8 *in = malloc(v->xz_len);
	u32 seed = 0x6b657374 + _i;

	for (int iter = 0; iter < 500; iter++) {
		size_t out_len;
		u8 *out;

		memcpy(in, v->xz, v->xz_len);
		for (int k = 0; k < 1 + iter % 5; k++) {
			seed = seed * 1103515245 + 12345;
			in[(seed >> 8) % v->xz_len] = (u8)(seed >> 24);
		}
		run(in, v->xz_len, v->plain_len / 2, &out, &out_len);
		free(out);
		run(in, v->xz_len, v->plain_len * 2 + 64, &out, &out_len);
		free(out);
	}
	free(in);
}
END_TEST

Suite *xz_suite(void)
{
	Suite *s = suite_create("xz");
	TCase *tc = tcase_create("decode");
	TCase *th = tcase_create("hostile");
	int nh = sizeof(hostile) / sizeof(hostile[0]);

	tcase_add_loop_test(tc, test_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_too_small, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_test(tc, test_roomy_output);
	tcase_add_loop_test(tc, test_refused, 0, sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, test_trailing);
	tcase_add_test(tc, test_why_buffer);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(th, test_truncated, 0, nh);
	tcase_add_loop_test(th, test_bit_flips, 0, nh);
	tcase_add_loop_test(th, test_mutations, 0, nh);
	tcase_set_timeout(th, 120);
	suite_add_tcase(s, th);
	return s;
}
