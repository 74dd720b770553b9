/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall-clock time (API in wallclock.h): decoding the RTC's date, converting it to seconds
 * since 1970, and publishing "the wall time at system time 0" in shared_info.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <kestrel/wallclock.h>
#include <public/xen.h>

#define NO_CENTURY 0xff

/* The wall time at system time 0: set once at boot (wallclock_init), read-only after. */
static u64 wc_sec;
static u32 wc_nsec;

unsigned int bcd_to_bin(u8 v)
{
	if ((v & 0xf) > 9 || (v >> 4) > 9)
		return 0xff;
	return (v >> 4) * 10 + (v & 0xf);
}

static bool is_leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(unsigned int y, unsigned int m)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && is_leap(y));
}

static unsigned int field(const struct rtc_raw *raw, u8 v)
{
	return raw->status_b & RTC_B_BINARY ? v : bcd_to_bin(v);
}

/* 12-hour mode: 12 AM is 0, 1-11 PM are 13-23, bit 7 says PM. 0xff when invalid. */
static unsigned int decode_hour(const struct rtc_raw *raw)
{
	unsigned int h;
	bool pm;

	if (raw->status_b & RTC_B_24H)
		return field(raw, raw->hour);
	pm = raw->hour & 0x80;
	h = field(raw, raw->hour & 0x7f);
	if (h < 1 || h > 12)
		return 0xff;
	return h % 12 + (pm ? 12 : 0);
}

static unsigned int decode_year(const struct rtc_raw *raw)
{
	unsigned int yy = field(raw, raw->year), cc;

	if (yy > 99)
		return 0;
	if (raw->century == NO_CENTURY)
		return yy < 70 ? 2000 + yy : 1900 + yy;
	cc = field(raw, raw->century);
	return cc >= 19 && cc <= 99 ? cc * 100 + yy : 0;
}

int rtc_decode(const struct rtc_raw *raw, struct rtc_date *out)
{
	struct rtc_date d = {
		.year = decode_year(raw),
		.mon = field(raw, raw->mon),
		.day = field(raw, raw->day),
		.hour = decode_hour(raw),
		.min = field(raw, raw->min),
		.sec = field(raw, raw->sec),
	};

	if (d.year < 1970 || d.mon < 1 || d.mon > 12 || d.day < 1 ||
	    d.day > days_in_month(d.year, d.mon) || d.hour > 23 || d.min > 59 || d.sec > 59)
		return -EINVAL;
	*out = d;
	return 0;
}

/*
 * Days since 1970-01-01 of a Gregorian date. Counting years from March makes the leap
 * day the last day of its year, so the days before a month follow (153 * m + 2) / 5 with
 * March as month 0.
 */
static u64 days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	u64 yy = m > 2 ? y : y - 1;		 /* the March-based year */
	unsigned int mm = m > 2 ? m - 3 : m + 9; /* 0 = March .. 11 = February */
	u64 days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + (153 * mm + 2) / 5 + d - 1;

	return days - 719468; /* what the same count gives for 1970-01-01 */
}

u64 rtc_date_to_epoch(const struct rtc_date *d)
{
	return days_since_epoch(d->year, d->mon, d->day) * 86400 + d->hour * 3600 + d->min * 60 +
	       d->sec;
}

void wallclock_set(u64 epoch_sec, u32 epoch_nsec, u64 sys_ns)
{
	u64 wall_ns_part = epoch_nsec, sys_sec = sys_ns / NSEC_PER_SEC;
	u64 sys_nsec = sys_ns % NSEC_PER_SEC;

	/* wall at 0 = wall now - system time now, borrowing a second if needed */
	if (wall_ns_part < sys_nsec) {
		wall_ns_part += NSEC_PER_SEC;
		epoch_sec--;
	}
	wc_sec = epoch_sec - sys_sec;
	wc_nsec = (u32)(wall_ns_part - sys_nsec);
}

void wallclock_get(u64 *sec, u32 *nsec)
{
	*sec = wc_sec;
	*nsec = wc_nsec;
}

void wallclock_fill(struct shared_info *s)
{
	volatile u32 *ver = &s->wc_version;

	*ver = *ver + 1; /* odd: a reader retries */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	s->wc_sec = (u32)wc_sec;
	s->wc_nsec = wc_nsec;
	s->wc_sec_hi = (u32)(wc_sec >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ver = *ver + 1;
}

void wallclock_init(void)
{
	struct rtc_raw raw;
	struct rtc_date d;
	u64 sys_ns;
	int rc = arch_rtc_read(&raw, &sys_ns);

	if (!rc)
		rc = rtc_decode(&raw, &d);
	if (rc) {
		printk(KERN_WARNING "time: no usable RTC (%d); wall clock starts at 1970\n", rc);
		return;
	}
	wallclock_set(rtc_date_to_epoch(&d), 0, sys_ns);
	printk("time: RTC says %04u-%02u-%02u %02u:%02u:%02u UTC (%s, %s hours%s)\n", d.year, d.mon,
	       d.day, d.hour, d.min, d.sec, raw.status_b & RTC_B_BINARY ? "binary" : "BCD",
	       raw.status_b & RTC_B_24H ? "24" : "12",
	       raw.century == NO_CENTURY ? "" : ", century register");
}
