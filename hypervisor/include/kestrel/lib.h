/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding library: string functions (common/string.c, hypervisor build only; the host
 * unit tests use the C library's, whose prototypes these match) and formatted output
 * (common/vsprintf.c, host-tested).
 */
#ifndef KESTREL_LIB_H
#define KESTREL_LIB_H

#include <kestrel/types.h>

/* common/string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * common/vsprintf.c: kvsnprintf() formats like C's vsnprintf for the subset
 *   %% %c %s %d %i %u %x %X %o %p, length modifiers hh h l ll z t,
 *   flags '-' '0' '+' ' ' '#', field width and precision (both may be '*').
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * Always NUL-terminates when size > 0. Returns the length the full output would have had
 * (like C), so truncation is detectable as ret >= size.
 * kscnprintf() returns the number of characters actually written (excluding the NUL).
 */
#include <stdarg.h>
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int kscnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
