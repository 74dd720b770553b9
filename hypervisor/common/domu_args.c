/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of a boot-time domU module (syntax in domu.h): words separated by
 * spaces, options as name=value, "--" ending the options; everything after it is the
 * guest's own command line. Every value is checked here, so a domU with a bad line is
 * refused before anything is allocated for it.
 */
#include <kestrel/types.h>
#include <kestrel/cmdline.h>
#include <kestrel/domain.h>
#include <kestrel/domu.h>
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/sched.h>

#define WORD_MAX 128

enum domu_opt { OPT_NAME, OPT_MEM, OPT_VCPUS, OPT_WEIGHT, OPT_CAP };

static const struct {
	const char *name;
	enum domu_opt opt;
	u64 min, max; /* numbers: the accepted range */
} options[] = {
	{ "name", OPT_NAME, 0, 0 },
	{ "mem", OPT_MEM, 1, 0 },
	{ "vcpus", OPT_VCPUS, 1, MAX_VCPUS },
	{ "weight", OPT_WEIGHT, 1, SCHED_MAX_WEIGHT },
	{ "cap", OPT_CAP, 0, 100 * SCHED_MAX_CPUS },
};

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* Copy the word at s into w (up to len - 1 characters); returns the end of the word. */
static const char *take_word(const char *s, char *w, size_t len, bool *too_long)
{
	size_t n = 0;

	*too_long = false;
	for (; *s && *s != ' '; s++) {
		if (n + 1 < len)
			w[n++] = *s;
		else
			*too_long = true;
	}
	w[n] = '\0';
	return s;
}

bool domu_module(const char *cmdline)
{
	const char *s = skip_spaces(cmdline);

	return !strncmp(s, "domU", 4) && (s[4] == '\0' || s[4] == ' ');
}

static int set_name(struct domu_config *c, const char *val, char *why, size_t len)
{
	size_t n = strlen(val);

	if (!n || n >= sizeof(c->name)) {
		ksnprintf(why, len, "name=\"%s\" must have 1 to %u characters", val,
			  (unsigned int)sizeof(c->name) - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (val[i] < '!' || val[i] > '~' || val[i] == '"') {
			ksnprintf(why, len, "name=\"%s\" may hold only printable characters", val);
			return -EINVAL;
		}
	memcpy(c->name, val, n + 1);
	return 0;
}

/* One name=value option; unknown names and bad values are described in why. */
static int set_option(struct domu_config *c, const char *word, char *why, size_t len)
{
	const char *eq = strchr(word, '=');
	size_t nlen = eq ? (size_t)(eq - word) : strlen(word);
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		if (strlen(options[i].name) != nlen || strncmp(word, options[i].name, nlen))
			continue;
		if (!eq || !eq[1]) {
			ksnprintf(why, len, "%s needs a value (%s=...)", options[i].name,
				  options[i].name);
			return -EINVAL;
		}
		if (options[i].opt == OPT_NAME)
			return set_name(c, eq + 1, why, len);
		if ((options[i].opt == OPT_MEM ? parse_size(eq + 1, &v) : parse_uint(eq + 1, &v))) {
			ksnprintf(why, len, "%s=%s is not a %s", options[i].name, eq + 1,
				  options[i].opt == OPT_MEM ? "size (a number with K, M or G)"
							    : "number");
			return -EINVAL;
		}
		if (v < options[i].min || (options[i].max && v > options[i].max)) {
			if (options[i].max)
				ksnprintf(why, len, "%s=%s is out of range (%llu-%llu)",
					  options[i].name, eq + 1, (unsigned long long)options[i].min,
					  (unsigned long long)options[i].max);
			else
				ksnprintf(why, len, "%s=%s is too small", options[i].name, eq + 1);
			return -EINVAL;
		}
		switch (options[i].opt) {
		case OPT_MEM:
			c->mem = v;
			break;
		case OPT_VCPUS:
			c->vcpus = v;
			break;
		case OPT_WEIGHT:
			c->weight = v;
			break;
		default:
			c->cap = v;
			break;
		}
		return 0;
	}
	ksnprintf(why, len, "unknown option \"%s\" (known: name= mem= vcpus= weight= cap= --)",
		  word);
	return -EINVAL;
}

int domu_parse(const char *cmdline, struct domu_config *c, char *why, size_t why_len)
{
	const char *s = skip_spaces(cmdline);
	char word[WORD_MAX];
	bool too_long;

	memset(c, 0, sizeof(*c));
	c->mem = DOMU_MEM_DEFAULT;
	c->vcpus = 1;
	c->weight = SCHED_DEFAULT_WEIGHT;
	if (!domu_module(s)) {
		ksnprintf(why, why_len, "the command line does not start with \"domU\"");
		return -EINVAL;
	}
	for (s = skip_spaces(s + 4); *s; s = skip_spaces(s)) {
		s = take_word(s, word, sizeof(word), &too_long);
		if (too_long) {
			ksnprintf(why, why_len, "option \"%.40s...\" is too long", word);
			return -EINVAL;
		}
		if (!strcmp(word, "--")) {
			s = skip_spaces(s);
			if (strlen(s) >= sizeof(c->cmdline)) {
				ksnprintf(why, why_len, "the guest command line is longer than %u bytes",
					  (unsigned int)sizeof(c->cmdline) - 1);
				return -EINVAL;
			}
			memcpy(c->cmdline, s, strlen(s) + 1);
			return 0;
		}
		if (set_option(c, word, why, why_len))
			return -EINVAL;
	}
	return 0;
}
