/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-hypervisor state and entry points shared by common and arch code. */
#ifndef KESTREL_KERNEL_H
#define KESTREL_KERNEL_H

#include <kestrel/types.h>
#include <kestrel/bootinfo.h>

#define KESTREL_VERSION "0.1.0"

/* Exit codes for arch_test_exit(); QEMU's status is (code << 1) | 1: 33, 65, 97. */
#define TEST_EXIT_SUCCESS 0x10
#define TEST_EXIT_PANIC 0x20
#define TEST_EXIT_GUEST 0x30

/* common/setup.c: options every part of Kestrel reads */
extern bool opt_testmode;     /* testmode: end QEMU with an exit code instead of idling */
extern char opt_testfault[32]; /* testfault=: deliberate fault for tests */
extern struct boot_info boot_info;

/* common/setup.c: everything after the architecture has the machine up. */
void __noreturn kestrel_main(void);

/* common/panic.c */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
extern volatile bool panic_in_progress;

/* common/symbols.c: name of the function containing addr, "name+0xoff/0xsize". */
bool symbol_lookup(unsigned long addr, const char **name, unsigned long *off,
		   unsigned long *size);
/* Formats addr as [<addr>] name+off/size into buf. */
void symbol_format(char *buf, size_t len, unsigned long addr);

#endif
