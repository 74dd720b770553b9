/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall-clock time (common/wallclock.c, host-tested): the date the platform's real-time
 * clock gave at boot, turned into seconds since 1970 and kept as "the wall time at system
 * time 0", which is what every domain's shared_info.wc_* holds (Xen's ABI: a guest adds
 * its current system time to get the time of day).
 */
#ifndef KESTREL_WALLCLOCK_H
#define KESTREL_WALLCLOCK_H

#include <kestrel/types.h>

struct shared_info;

/* Status register B of an MC146818-style RTC: the bits that change how fields read. */
#define RTC_B_24H    0x02 /* hours run 0-23; otherwise 1-12 with bit 7 = PM */
#define RTC_B_BINARY 0x04 /* fields are binary; otherwise BCD */

/* The RTC's registers as read (BCD or binary, 12 or 24 hours, as status_b says). */
struct rtc_raw {
	u8 sec, min, hour, day, mon, year;
	u8 century;  /* the FADT's century register, 0xff when there is none */
	u8 status_b; /* RTC_B_* */
};

/* A calendar date and time of day, UTC. */
struct rtc_date {
	unsigned int year, mon, day, hour, min, sec; /* year in full; mon and day from 1 */
};

/* Decode a packed BCD byte; 0xff when a nibble is not a decimal digit. */
unsigned int bcd_to_bin(u8 v);

/*
 * rtc_decode - turn raw RTC registers into a date. Without a century register the year
 * is 1970-2069 (as Xen and Linux read it). Returns 0, or -EINVAL when a field is out of
 * range (bad BCD, month 13, February 30th, hour 13 in 12-hour mode...).
 */
int rtc_decode(const struct rtc_raw *raw, struct rtc_date *out);

/* Seconds since 1970-01-01 00:00:00 UTC of a valid date from 1970 on. */
u64 rtc_date_to_epoch(const struct rtc_date *d);

/*
 * wallclock_set - record that the wall time was 'epoch_sec' + 'epoch_nsec' at system time
 * 'sys_ns'; what is kept is the wall time at system time 0.
 */
void wallclock_set(u64 epoch_sec, u32 epoch_nsec, u64 sys_ns);
/* The wall time at system time 0 (0 before wallclock_set). */
void wallclock_get(u64 *sec, u32 *nsec);

/* Write the wall time at system time 0 into s->wc_* (wc_version odd meanwhile). */
void wallclock_fill(struct shared_info *s);

/* Boot: read the RTC through the arch hook and record the time. No RTC: wall time 0. */
void wallclock_init(void);

/* ---- architecture hook (arch/x86/rtc.c) ---- */
/*
 * Read the RTC once its update cycle is over; *sys_ns is the system time of the read.
 * Returns 0, or a negative errno when there is no usable RTC.
 */
int arch_rtc_read(struct rtc_raw *raw, u64 *sys_ns);

#endif
