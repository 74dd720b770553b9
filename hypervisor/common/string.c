/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding string and memory functions. The compiler may emit calls to memcpy, memmove,
 * memset and memcmp on its own (struct copies, large initialisers), so these must exist even
 * where nothing calls them by name. Host unit tests use the C library's versions instead.
 */
#include <kestrel/types.h>
#include <kestrel/lib.h>

/*
 * GCC may recognise the byte loops below as memcpy/memset idioms and replace them with a
 * call to the very function being defined; forbid that transformation here.
 */
#define NO_LOOP_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Word accesses through this type may alias anything. */
typedef u64 __attribute__((__may_alias__)) word_t;

#define WORD_SIZE sizeof(word_t)

static inline bool both_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD_SIZE - 1)) == 0;
}

/*
 * memcpy - copy n bytes from src to dst; the areas must not overlap.
 * Returns dst.
 */
NO_LOOP_IDIOM void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (both_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/*
 * memmove - copy n bytes from src to dst; the areas may overlap.
 * Returns dst.
 */
NO_LOOP_IDIOM void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	/* Copying forwards is safe unless dst starts inside src. */
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);

	d += n;
	s += n;
	while (n--)
		*--d = *--s;
	return dst;
}

/*
 * memset - fill n bytes at dst with the byte value c.
 * Returns dst.
 */
NO_LOOP_IDIOM void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	word_t pattern = (u8)c * 0x0101010101010101ULL;

	for (; n && ((uintptr_t)d & (WORD_SIZE - 1)); n--)
		*d++ = (u8)c;
	for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE)
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

/*
 * memcmp - compare n bytes as unsigned chars.
 * Returns <0, 0 or >0 as a sorts before, equal to or after b.
 */
int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

/* strlen - length of s, not counting the terminating NUL. */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

/* strnlen - like strlen() but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/*
 * strcmp - compare two strings as unsigned chars.
 * Returns <0, 0 or >0 as a sorts before, equal to or after b.
 */
int strcmp(const char *a, const char *b)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

/* strncmp - like strcmp() but compares at most n characters. */
int strncmp(const char *a, const char *b, size_t n)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

/*
 * strchr - first occurrence of (char)c in s; the terminating NUL counts as part of s.
 * Returns a pointer to it, or NULL.
 */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* strrchr - like strchr() but finds the last occurrence. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/*
 * strlcpy - copy src into dst of the given size, always NUL-terminated when size > 0.
 * Returns strlen(src), so truncation happened when the result is >= size.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
