/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Not a test: measures with RDTSC (1) the null-hypercall round trip,
 * xen_version(XENVER_version) from guest kernel mode, and (2) the
 * user -> kernel -> user syscall bounce: a user-mode SYSCALL delivered to a
 * minimal syscall callback that returns at once with HYPERVISOR_iret.
 * Each is the median of 7 runs of 2000 iterations, in TSC cycles per
 * operation, printed as "bench: <metric> <cycles>".
 *
 * Then three page-table costs, each the median of 7 runs:
 *   mmu_update_512  one mmu_update of 512 MMU_NORMAL_PT_UPDATE requests that
 *                   rewrite every entry of a pinned L1 (per whole batch)
 *   pin_unpin_tree  PIN_L4 + UNPIN of an L4 -> L3 -> L2 -> 8 L1s tree whose
 *                   4096 L1 entries map pool pages, read-only and RW
 *                   alternately (per pin + unpin pair)
 *   ptwr_write      one emulated PTE write: a mov into a pinned L1 through
 *                   its read-only mapping (per write)
 *
 * The verdict is SUCCESS unless a measurement could not be taken. A
 * page-table metric that cannot be taken (the hypervisor refuses an
 * operation) is printed as "bench: <metric> missing (...)" and the others
 * go on: ERROR on Xen, where all must work; SKIP on Kestrel, which does not
 * have every one yet.
 */
#include "pt.h"

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

/* ------------------------------------------------------------------ page tables */
#define PT_RUNS		RUNS
#define BATCHES		16	/* mmu_update_512: batches per run */
#define TREES		4	/* pin_unpin_tree: pairs per run */
#define PTWR_WRITES	500	/* ptwr_write: writes per run */
#define TREE_L1S	8
#define NDATA		8

static void metric_missing(const char *metric, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printk("bench: %s missing (%s)\n", metric, why);
	if (on_kestrel)
		xtf_skip("%s: %s", metric, why);
	else
		xtf_error("%s: %s", metric, why);
}

static void metric_print(const char *metric, uint64_t *v)
{
	sort(v, PT_RUNS);
	printk("bench: %s %lu\n", metric, v[PT_RUNS / 2]);
	if (!v[PT_RUNS / 2])
		xtf_error("%s: the measurement is zero", metric);
}

static uint64_t *data[NDATA];

/* Makes the n pages read-only (false if the hypervisor refuses). */
static bool make_ro(uint64_t **pages, unsigned int n, const char *metric)
{
	for (unsigned int i = 0; i < n; i++) {
		long rc = pt_set_ro(pages[i]);

		if (rc) {
			metric_missing(metric, "update_va_mapping(RO) returned %ld", rc);
			while (i--)
				pt_set_rw(pages[i]);
			return false;
		}
	}
	return true;
}

/* Makes the n pages writable again and frees them. */
static void release(uint64_t **pages, unsigned int n, const char *metric)
{
	for (unsigned int i = 0; i < n; i++) {
		long rc = pt_set_rw(pages[i]);

		if (rc)
			xtf_error("%s: cannot make a page writable again: %ld", metric, rc);
		else
			pt_free(pages[i]);
	}
}

/* A fresh pool page made read-only and pinned as an L1, or NULL (metric reported missing). */
static uint64_t *pinned_l1(const char *metric)
{
	uint64_t *l1 = pt_alloc();
	long rc;

	if (!l1 || !make_ro(&l1, 1, metric))
		return NULL;
	rc = pt_pin(1, l1);
	if (rc) {
		metric_missing(metric, "PIN_L1 returned %ld", rc);
		release(&l1, 1, metric);
		return NULL;
	}
	return l1;
}

/* Undo pinned_l1(). */
static void unpin_l1(uint64_t *l1, const char *metric)
{
	long rc = pt_unpin(l1);

	if (rc)
		xtf_error("%s: UNPIN returned %ld", metric, rc);
	release(&l1, 1, metric);
}

static mmu_update_t batch[2][512];

static void bench_mmu_update_512(void)
{
	static const char metric[] = "mmu_update_512";
	uint64_t *l1 = pinned_l1(metric), v[PT_RUNS];
	unsigned int r, b, i;
	long rc;

	if (!l1)
		return;
	for (b = 0; b < 2; b++)
		for (i = 0; i < 512; i++) {
			batch[b][i].ptr = virt_to_maddr(l1) + i * 8 + MMU_NORMAL_PT_UPDATE;
			batch[b][i].val = pt_pte(data[(b + i) % NDATA], false);
		}
	for (r = 0; r < PT_RUNS; r++) {
		uint64_t t0 = rdtsc();

		for (b = 0; b < BATCHES; b++) {
			rc = HYPERVISOR_mmu_update(batch[b & 1], 512, NULL, DOMID_SELF);
			if (rc)
				break;
		}
		v[r] = (rdtsc() - t0) / BATCHES;
		if (rc)
			break;
	}
	if (rc)
		metric_missing(metric, "mmu_update returned %ld", rc);
	else
		metric_print(metric, v);
	unpin_l1(l1, metric);
}

static void bench_pin_unpin_tree(void)
{
	static const char metric[] = "pin_unpin_tree";
	uint64_t *t[3 + TREE_L1S], v[PT_RUNS];
	const uint64_t up = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
	unsigned int r, n, i, j;
	long rc = 0;

	for (n = 0; n < ARRAY_SIZE(t); n++) {
		t[n] = pt_alloc();
		if (!t[n]) {
			metric_missing(metric, "the page pool is too small");
			release(t, n, metric);
			return;
		}
	}
	t[0][0] = virt_to_maddr(t[1]) | up;
	t[1][0] = virt_to_maddr(t[2]) | up;
	for (i = 0; i < TREE_L1S; i++) {
		t[2][i] = virt_to_maddr(t[3 + i]) | up;
		for (j = 0; j < 512; j++)
			t[3 + i][j] = pt_pte(data[(i + j) % NDATA], j & 1);
	}
	if (!make_ro(t, n, metric)) {
		release(t, n, metric);
		return;
	}
	for (r = 0; r < PT_RUNS; r++) {
		uint64_t t0 = rdtsc();

		for (i = 0; i < TREES; i++) {
			rc = pt_pin(4, t[0]);
			if (rc) {
				metric_missing(metric, "PIN_L4 returned %ld", rc);
				break;
			}
			rc = pt_unpin(t[0]);
			if (rc) {
				metric_missing(metric, "UNPIN returned %ld", rc);
				break;
			}
		}
		v[r] = (rdtsc() - t0) / TREES;
		if (rc)
			break;
	}
	if (!rc)
		metric_print(metric, v);
	release(t, n, metric);
}

static bool ptwr_fault;

/* One write of val to *p, false if it faulted. */
static inline bool ptwr_store(uint64_t *p, uint64_t val)
{
	unsigned long before = exc_count;

	asm volatile("1: mov %1, (%0); 2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : : "r"(p), "r"(val) : "memory");
	return exc_count == before;
}

static void bench_ptwr_write(void)
{
	static const char metric[] = "ptwr_write";
	uint64_t *l1 = pinned_l1(metric), v[PT_RUNS], val[2];
	unsigned int r, i;
	long rc;

	if (!l1)
		return;
	rc = HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (rc)
		printk("bench: vm_assist(writable_pagetables) returned %ld\n", rc);
	val[0] = pt_pte(data[0], false);
	val[1] = pt_pte(data[1], false);
	for (r = 0; r < PT_RUNS && !ptwr_fault; r++) {
		uint64_t t0 = rdtsc();

		for (i = 0; i < PTWR_WRITES; i++)
			if (!ptwr_store(&l1[i & 63], val[(i >> 6) & 1])) {
				ptwr_fault = true;
				break;
			}
		v[r] = (rdtsc() - t0) / PTWR_WRITES;
	}
	if (ptwr_fault)
		metric_missing(metric, "the write faulted: vector %u, error code %#lx",
			       last_exc.vector, last_exc.ec);
	else if (l1[0] == 0 || (l1[0] & PTE_MFN_MASK) != (val[1] & PTE_MFN_MASK))
		metric_missing(metric, "the L1 holds %#lx after the writes", l1[0]);
	else
		metric_print(metric, v);
	unpin_l1(l1, metric);
}

static void bench_page_tables(void)
{
	unsigned int i;

	for (i = 0; i < NDATA; i++) {
		data[i] = pt_alloc();
		if (!data[i]) {
			metric_missing("page tables", "the page pool is too small");
			return;
		}
	}
	bench_mmu_update_512();
	bench_pin_unpin_tree();
	bench_ptwr_write();
	for (i = 0; i < NDATA; i++)
		pt_free(data[i]);
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

	bench_page_tables();
}
