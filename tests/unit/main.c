/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host unit tests: hypervisor/common/ files compiled unchanged for the host and driven by
 * Check. Each test_*.c file exports one suite constructor listed in suites[] below.
 * Prints "unit: N passed, M failed" and exits non-zero on any failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

Suite *fmt_suite(void);
Suite *printk_suite(void);
Suite *cmdline_suite(void);
Suite *serial_spec_suite(void);
Suite *multiboot_suite(void);
Suite *buddy_suite(void);
Suite *heap_suite(void);
Suite *timer_suite(void);
Suite *time_suite(void);
Suite *pvimage_suite(void);
Suite *pvlayout_suite(void);
Suite *ptwr_decode_suite(void);
Suite *event_channel_suite(void);
Suite *page_type_suite(void);
Suite *sched_credit_suite(void);
Suite *wallclock_suite(void);
Suite *domu_args_suite(void);
Suite *xz_suite(void);

static Suite *(*const suites[])(void) = {
	fmt_suite,     printk_suite, cmdline_suite, serial_spec_suite, multiboot_suite,
	buddy_suite,   heap_suite,   timer_suite,   time_suite,       pvimage_suite,
	pvlayout_suite, ptwr_decode_suite, event_channel_suite, page_type_suite, sched_credit_suite,
	wallclock_suite,
	domu_args_suite,
	xz_suite,
};

/*
 * Every test runs in a forked child; LeakSanitizer would scan the parent's whole heap at
 * each child's exit, which turns seconds into minutes. ASan's memory errors stay on.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int run, failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
