/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console_io (hypercall 18): CONSOLEIO_write and CONSOLEIO_read from dom0.
 *
 * Xen 4.17 returns 0 (not a byte count) from a successful write, writes
 * exactly `count` bytes (the text below must appear in the serial log, cut
 * where the count says), accepts a zero count, returns -EFAULT for buffers
 * it cannot read (after writing the readable part), -ENOSYS for unknown
 * commands and 0 from a read when no input is pending. A broken hypervisor
 * returns counts, prints too much or too little, or crashes on bad pointers.
 *
 * log-expect: ^console: exactly-23-bytes-shown\|$
 * log-expect: ^console: long line 0123456789 .*9876543210 end$
 * log-expect: ^console: straddle-marker$
 * log-expect: ^console: high bits of count ignored$
 * log-reject: NOT-SHOWN
 */
#include "test.h"

const char test_title[] = "console_io";

static long cwrite(unsigned long count, const void *buf)
{
	return HYPERVISOR_console_io(CONSOLEIO_write, count, buf);
}

static void test_write(void)
{
	static const char partial[] = "console: exactly-23-bytes-shown|NOT-SHOWN";
	static char longbuf[1000];
	long rc;
	int n;

	/* "console: " is 9 bytes, "exactly-23-bytes-shown|" 23 more. */
	rc = cwrite(9 + 23, partial);
	check_rc("CONSOLEIO_write(partial)", rc, 0);
	check_rc("CONSOLEIO_write(newline)", cwrite(1, "\n"), 0);

	/* Zero bytes: nothing happens, even with a junk pointer. */
	check_rc("CONSOLEIO_write(0, valid)", cwrite(0, partial), 0);
	check_rc("CONSOLEIO_write(0, NULL)", cwrite(0, NULL), 0);
	check_rc("CONSOLEIO_write(0, hole)", cwrite(0, (void *)0xffff830000000000UL), 0);

	/* Longer than Xen's 128-byte chunks: one line of 999 characters. */
	n = snprintf(longbuf, sizeof(longbuf), "console: long line ");
	for (int i = 0; n < 960; i++)
		n += snprintf(longbuf + n, sizeof(longbuf) - n, "0123456789 ");
	n += snprintf(longbuf + n, sizeof(longbuf) - n, "9876543210 end\n");
	rc = cwrite(n, longbuf);
	check_rc("CONSOLEIO_write(long line)", rc, 0);

	/* The count is an unsigned int: bits 32..63 are dropped. */
	static const char hi[] = "console: high bits of count ignored\nNOT-SHOWN";

	rc = cwrite(0x100000000UL | (sizeof(hi) - 1 - 9), hi);
	check_rc("CONSOLEIO_write(count with high bits)", rc, 0);
}

static const struct {
	const char *name;
	unsigned long va;
} bad_bufs[] = {
	{ "NULL", 0 },
	{ "low unmapped", 0x1000 },
	{ "hypervisor hole", 0xffff830000000000UL },
	{ "non-canonical", 0x0000800000000000UL },
	{ "non-canonical high", 0x8000000000000000UL },
	{ "top of the hole", 0xffff87fffffff000UL },
};

static void test_efault(void)
{
	unsigned long end = bootstrap_end();
	char *straddle = (char *)end - 24;
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_bufs); i++) {
		rc = cwrite(16, (void *)bad_bufs[i].va);
		if (rc != -XEN_EFAULT)
			xtf_failure("CONSOLEIO_write(16, %s %#lx) returned %ld, expected -EFAULT",
				    bad_bufs[i].name, bad_bufs[i].va, rc);
	}

	/*
	 * A buffer running off the end of the bootstrap mapping: the first
	 * 128-byte chunk is already unreadable, so nothing is written.
	 */
	memcpy(straddle, "console: straddle-marker", 24);
	rc = cwrite(24, straddle);
	check_rc("CONSOLEIO_write(mapped, 24 bytes up to the end)", rc, 0);
	cwrite(1, "\n");
	rc = cwrite(64, straddle);
	check_rc("CONSOLEIO_write(straddling the end of the mapping)", rc, -XEN_EFAULT);
}

static void test_read(void)
{
	char buf[64];
	long rc;

	/* No input is ever sent to the serial port. */
	memset(buf, 0x5a, sizeof(buf));
	rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf);
	check_rc("CONSOLEIO_read(no input)", rc, 0);
	check((unsigned char)buf[0] == 0x5a, "CONSOLEIO_read with no input wrote to the buffer");
	check_rc("CONSOLEIO_read(0 bytes)", HYPERVISOR_console_io(CONSOLEIO_read, 0, buf), 0);
	/* Nothing to copy, so a bad buffer is not noticed. */
	rc = HYPERVISOR_console_io(CONSOLEIO_read, 16, (void *)0xffff830000000000UL);
	check_rc("CONSOLEIO_read(no input, bad buffer)", rc, 0);
	/* Counts above INT_MAX are refused. */
	rc = HYPERVISOR_console_io(CONSOLEIO_read, 0x80000000UL, buf);
	check_rc("CONSOLEIO_read(count 0x80000000)", rc, -XEN_E2BIG);
	rc = HYPERVISOR_console_io(CONSOLEIO_read, 0xffffffffUL, buf);
	check_rc("CONSOLEIO_read(count 0xffffffff)", rc, -XEN_E2BIG);
	rc = HYPERVISOR_console_io(CONSOLEIO_read, 0x7fffffffUL, buf);
	check_rc("CONSOLEIO_read(count INT_MAX)", rc, 0);
}

static const unsigned long unknown_cmds[] = { 2, 3, 16, 0x7fffffff, 0x80000000, 0xffffffff };

static void test_unknown(void)
{
	char buf[16] = "NOT-SHOWN";

	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_cmds); i++) {
		long rc = HYPERVISOR_console_io(unknown_cmds[i], 8, buf);

		if (rc != -XEN_ENOSYS)
			xtf_failure("console_io(cmd %#lx) returned %ld, expected -ENOSYS",
				    unknown_cmds[i], rc);
	}
	/* The command is 32 bits wide too: 1 << 32 | CONSOLEIO_write is a write. */
	check_rc("console_io(1 << 32 | CONSOLEIO_write, 0)",
		 HYPERVISOR_console_io(0x100000000UL | CONSOLEIO_write, 0, buf), 0);
}

void test_main(void)
{
	test_write();
	test_efault();
	test_read();
	test_unknown();
}
