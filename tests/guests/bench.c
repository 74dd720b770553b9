/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Not a test: measures with RDTSC (1) the null-hypercall round trip,
 * xen_version(XENVER_version) from guest kernel mode, and (2) the
 * user -> kernel -> user syscall bounce: a user-mode SYSCALL delivered to a
 * minimal syscall callback that returns at once with HYPERVISOR_iret.
 * Each is the median of 7 runs of 2000 iterations, in TSC cycles per
 * operation, printed as "bench: <metric> <cycles>". The verdict is SUCCESS
 * unless a measurement could not be taken.
 */
#include "test.h"

const char test_title[] = "bench";

#define RUNS	7
#define ITERS	2000

/*
 * The bench syscall callback: turns the bounce frame (rcx, r11, rip, cs,
 * rflags, rsp, ss) into an iret_context in place and returns to user mode.
 * The framework's exit syscall (RAX = USER_EXIT_MAGIC) goes to the normal
 * callback.
 */
asm(".pushsection .text\n"
    ".globl bench_syscall_entry\n"
    "bench_syscall_entry:\n\t"
    "cmp bench_magic(%rip), %rax\n\t"
    "je syscall_callback_entry\n\t"
    "sub $16, %rsp\n\t"
    "mov %rax, 0(%rsp)\n\t"
    "mov 24(%rsp), %rax\n\t"
    "mov %rax, 8(%rsp)\n\t"
    "movq $0, 24(%rsp)\n\t"
    "mov $23, %eax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");
extern char bench_syscall_entry[];
const unsigned long bench_magic = USER_EXIT_MAGIC;

static void sort(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static uint64_t null_hypercall_run(void)
{
	uint64_t t0 = rdtsc();

	for (unsigned int i = 0; i < ITERS; i++)
		hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	return (rdtsc() - t0) / ITERS;
}

/* Runs in user mode. */
static unsigned long syscall_run(unsigned long iters)
{
	uint64_t t0 = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		asm volatile("mov $1, %%eax; syscall" : : : "rax", "rcx", "r11", "memory");
	return (rdtsc() - t0) / iters;
}

void test_main(void)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)bench_syscall_entry,
	};
	uint64_t hc[RUNS], sc[RUNS];
	long rc;

	for (unsigned int r = 0; r < RUNS; r++)
		hc[r] = null_hypercall_run();

	user_setup();
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	if (rc) {
		xtf_error("cannot register the bench syscall callback: %ld", rc);
		return;
	}
	for (unsigned int r = 0; r < RUNS; r++)
		sc[r] = run_user(syscall_run, ITERS);

	sort(hc, RUNS);
	sort(sc, RUNS);
	printk("bench: null_hypercall %lu\n", hc[RUNS / 2]);
	printk("bench: syscall_bounce %lu\n", sc[RUNS / 2]);
	if (!hc[RUNS / 2] || !sc[RUNS / 2])
		xtf_error("a measurement is zero");
}
