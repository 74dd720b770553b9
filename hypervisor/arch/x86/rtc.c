/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CMOS real-time clock (MC146818 and compatibles), read once at boot for the wall
 * clock (common/wallclock.c decodes what is read here). The RTC updates its registers
 * once a second; while status A's update-in-progress bit is set they may be
 * inconsistent, and an update can start between two reads, so the date is read until two
 * reads in a row agree.
 */
#include <kestrel/errno.h>
#include <kestrel/lib.h>
#include <kestrel/time.h>
#include <kestrel/wallclock.h>
#include <asm/x86.h>
#include "arch-x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY	     0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UIP	     0x80 /* status A: an update is in progress (lasts under 2 ms) */

#define UIP_WAIT_NS (10 * NSEC_PER_MSEC)
#define MAX_TRIES   10

/* Only the boot CPU reads the RTC, before any guest runs: no lock. */
static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

/* Wait until no update is in progress; false if it never ends (no RTC there). */
static bool wait_update_done(void)
{
	u64 start = now_ns();

	while (cmos_read(RTC_STATUS_A) & RTC_UIP) {
		if (now_ns() - start > UIP_WAIT_NS)
			return false;
		cpu_relax();
	}
	return true;
}

static void read_fields(struct rtc_raw *r)
{
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = acpi_info.century_reg ? cmos_read(acpi_info.century_reg) : 0xff;
	r->status_b = cmos_read(RTC_STATUS_B);
}

/*
 * arch_rtc_read - read the RTC's date (see wallclock.h). Returns 0, or -ENODEV when the
 * update flag never clears or the registers read as all ones (no RTC decodes the bus).
 */
int arch_rtc_read(struct rtc_raw *raw, u64 *sys_ns)
{
	struct rtc_raw a, b;

	for (unsigned int i = 0; i < MAX_TRIES; i++) {
		if (!wait_update_done())
			return -ENODEV;
		read_fields(&a);
		*sys_ns = now_ns();
		if (!wait_update_done())
			return -ENODEV;
		read_fields(&b);
		if (memcmp(&a, &b, sizeof(a)))
			continue; /* an update slipped in between: read again */
		if (a.sec == 0xff && a.min == 0xff && a.status_b == 0xff)
			return -ENODEV;
		*raw = a;
		return 0;
	}
	return -ENODEV;
}
