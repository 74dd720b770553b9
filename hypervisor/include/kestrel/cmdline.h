/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor command line (common/cmdline.c, host-tested), Xen-style:
 *   tokens separated by spaces; "name", "name=value", "no-name" for booleans;
 *   a value may be double-quoted to hold spaces; '-' and '_' are equivalent in names.
 * Every problem (unknown name, malformed or missing value, out-of-range number) is
 * reported with printk(KERN_WARNING "cmdline: ...") naming the option and the value, the
 * variable keeps its default, and parsing goes on with the next token.
 */
#ifndef KESTREL_CMDLINE_H
#define KESTREL_CMDLINE_H

#include <kestrel/types.h>

enum param_type {
	PARAM_BOOL,   /* bool *: name | no-name | name=1/0/yes/no/on/off/true/false/enable/disable */
	PARAM_UINT,   /* u64 *: decimal, or hex with 0x; must fit in u64 */
	PARAM_SIZE,   /* u64 *: bytes, with optional suffix B K M G T (powers of 1024) */
	PARAM_STRING, /* char[len]: copied, truncated values are an error */
	PARAM_CUSTOM, /* int custom(const char *val): val is NULL when no '=value' was given */
};

struct kernel_param {
	const char *name;
	enum param_type type;
	void *var;
	size_t len;                     /* PARAM_STRING: buffer size */
	int (*custom)(const char *val); /* PARAM_CUSTOM: 0, or -EINVAL to report a bad value */
	u64 min, max;                   /* PARAM_UINT/PARAM_SIZE bounds when max != 0 */
};

/*
 * Parses cmdline against params[0..n). Returns the number of problems reported
 * (0 = clean). Never writes outside the given variables.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *params, size_t n);

/* Value parsers, shared with option-specific code. Return 0 or -EINVAL. */
int parse_bool(const char *s, bool *out);
int parse_uint(const char *s, u64 *out);
int parse_size(const char *s, u64 *out);

/*
 * Hypervisor build: options declare themselves with these macros, collected in the
 * .init.param section between __param_start and __param_end.
 */
#define __kparam(nm, ty, v, l, fn, lo, hi)                                                     \
	static const struct kernel_param __used __section(".init.param") __aligned(8)                     \
		__param_##v = { .name = nm, .type = ty, .var = &(v), .len = l, .custom = fn,   \
				.min = lo, .max = hi }
#define boolean_param(nm, v) __kparam(nm, PARAM_BOOL, v, 0, NULL, 0, 0)
#define integer_param(nm, v) __kparam(nm, PARAM_UINT, v, 0, NULL, 0, 0)
#define integer_param_range(nm, v, lo, hi) __kparam(nm, PARAM_UINT, v, 0, NULL, lo, hi)
#define size_param(nm, v) __kparam(nm, PARAM_SIZE, v, 0, NULL, 0, 0)
#define string_param(nm, v) __kparam(nm, PARAM_STRING, v, sizeof(v), NULL, 0, 0)
#define custom_param(nm, fn)                                                                   \
	static const struct kernel_param __used __section(".init.param") __aligned(8)          \
		__param_##fn = {                                                               \
		.name = nm, .type = PARAM_CUSTOM, .custom = fn }

#endif
