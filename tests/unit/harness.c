/* SPDX-License-Identifier: GPL-2.0 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kestrel/buddy.h>
#include <kestrel/heap.h>
#include <kestrel/printk.h>
#include "harness.h"

static char cap_buf[64 * 1024];
static size_t cap_len;

static void capture_sink(const char *s, size_t len)
{
	if (len > sizeof(cap_buf) - 1 - cap_len)
		len = sizeof(cap_buf) - 1 - cap_len;
	memcpy(cap_buf + cap_len, s, len);
	cap_len += len;
	cap_buf[cap_len] = '\0';
}

void capture_start(void)
{
	printk_reset();
	console_unregister_all_sinks();
	cap_len = 0;
	cap_buf[0] = '\0';
	console_register_sink(capture_sink);
	printk_set_console_level(7);
}

const char *capture_text(void)
{
	return cap_buf;
}

int capture_has(const char *needle)
{
	return strstr(cap_buf, needle) != NULL;
}

static u8 *fm_mem;
static struct page_info *fm_frames;
static unsigned long fm_npages;
static struct buddy fm_buddy;

static void *fm_to_virt(u64 mfn)
{
	ck_assert_uint_lt(mfn, fm_npages);
	return fm_mem + mfn * PAGE_SIZE;
}

static u64 fm_to_mfn(const void *va)
{
	const u8 *p = va;

	if (p < fm_mem || p >= fm_mem + fm_npages * PAGE_SIZE)
		return MFN_INVALID;
	return (u64)(p - fm_mem) / PAGE_SIZE;
}

struct buddy *fake_machine_start(unsigned long npages)
{
	fm_npages = npages;
	fm_mem = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	fm_frames = calloc(npages, sizeof(*fm_frames));
	ck_assert_ptr_nonnull(fm_mem);
	ck_assert_ptr_nonnull(fm_frames);
	memset(fm_mem, 0x5A, npages * PAGE_SIZE);
	buddy_init(&fm_buddy, fm_frames, npages);
	ck_assert_uint_eq(buddy_add_range(&fm_buddy, 0, npages), npages);
	heap_init(&fm_buddy, fm_to_virt, fm_to_mfn);
	return &fm_buddy;
}

void *fake_machine_page(unsigned long mfn)
{
	return fm_to_virt(mfn);
}

void fake_machine_stop(void)
{
	free(fm_mem);
	free(fm_frames);
	fm_mem = NULL;
	fm_frames = NULL;
}
