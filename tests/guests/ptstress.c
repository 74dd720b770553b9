/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address-space stress: 10,000 times, build a four-level address space out of pool pages
 * (an L4 that shares the kernel's slot 511 with the boot L4 and leaves slots 256-271 to
 * the hypervisor, one L3, one L2 and one L1 mapping one to four data pages at a VA in
 * the otherwise unused L4 slot 400), make its tables read-only, PIN_L4 it, switch to it
 * with MMUEXT_NEW_BASEPTR, read (and through the RW mappings write) the data pages at
 * their new VA, switch back to the boot L4, UNPIN it and make its pages writable again,
 * then reuse the pages for the next one. Two sets of table pages alternate.
 *
 * At the end the pool holds as many pages as at the start and XENMEM_current_reservation
 * is unchanged.
 *
 * A broken hypervisor refuses a valid tree, maps the wrong frames at the new VA, loses
 * the kernel on the switch (slot 511 not honoured), keeps a type reference after the
 * unpin (the pages cannot be made writable again: a leak that shows after one round or
 * after thousands), leaks or consumes domain memory, or gets too slow to finish.
 */
#include "pt.h"

const char test_title[] = "address-space stress";

#define ROUNDS		10000
#define NSETS		2
#define NDATA		4
#define AS_SLOT		400UL
#define AS_VA		(0xffff000000000000UL | (AS_SLOT << 39))
#define IDX3		5
#define IDX2		7
#define TIME_CAP_NS	50000000000ULL	/* give up (ERROR) after 50 s */

/* One address space's tables: [0] = L4 ... [3] = L1. */
static uint64_t *set[NSETS][4];
static uint64_t *data[NDATA];

static unsigned long va_of(unsigned int slot)
{
	return AS_VA + ((unsigned long)IDX3 << 30) + ((unsigned long)IDX2 << 21) +
	       slot * PAGE_SIZE;
}

/* Which data page L1 slot j maps in round r, and whether writable. */
static unsigned int data_of(unsigned long r, unsigned int j)
{
	return (r + j) % NDATA;
}

static bool slot_rw(unsigned long r, unsigned int j)
{
	return (r + j) & 1;
}

/* Fills the (writable) tables of set s for round r. */
static void populate(unsigned int s, unsigned long r, unsigned int nmap)
{
	const uint64_t *boot_l4 = (const uint64_t *)start_info->pt_base;
	uint64_t **t = set[s];
	unsigned int j;

	t[0][511] = boot_l4[511];
	t[0][AS_SLOT] = virt_to_maddr(t[1]) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
			_PAGE_ACCESSED;
	t[1][IDX3] = virt_to_maddr(t[2]) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
		     _PAGE_ACCESSED;
	t[2][IDX2] = virt_to_maddr(t[3]) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
		     _PAGE_ACCESSED;
	for (j = 0; j < NDATA; j++) {
		uint64_t *d = data[data_of(r, j)];

		if (j >= nmap) {
			t[3][j] = 0;
			continue;
		}
		t[3][j] = pt_pte(d, slot_rw(r, j));
		d[1] = r * 8 + j;
		d[2] = 0;
	}
}

/* Reads (and writes) the data pages through the new address space. */
static bool touch(unsigned long r, unsigned int nmap)
{
	for (unsigned int j = 0; j < nmap; j++) {
		volatile uint64_t *p = (volatile uint64_t *)va_of(j);
		unsigned int d = data_of(r, j);

		if (p[0] != 0x5a5a0000UL + d || p[1] != r * 8 + j) {
			xtf_failure("round %lu: VA %#lx reads %#lx/%#lx, expected %#lx/%#lx",
				    r, va_of(j), p[0], p[1], 0x5a5a0000UL + d, r * 8 + j);
			return false;
		}
		if (slot_rw(r, j))
			p[2] = ~r;
	}
	return true;
}

static bool check_writes(unsigned long r, unsigned int nmap)
{
	for (unsigned int j = 0; j < nmap; j++) {
		uint64_t want = slot_rw(r, j) ? ~r : 0;
		uint64_t got = READ_ONCE(data[data_of(r, j)][2]);

		if (got != want) {
			xtf_failure("round %lu: write through VA %#lx: data page word %#lx, "
				    "expected %#lx", r, va_of(j), got, want);
			return false;
		}
	}
	return true;
}

static bool mc_ok(const char *what, unsigned long r, multicall_entry_t *mc, unsigned int n)
{
	bool ok = true;

	for (unsigned int i = 0; i < n; i++)
		if (mc[i].result) {
			xtf_failure("round %lu: %s entry %u (op %lu) returned %ld", r, what, i,
				    (unsigned long)mc[i].op, (long)mc[i].result);
			ok = false;
		}
	return ok;
}

/* One address space from start to end; false stops the test. */
static bool one_round(unsigned long r)
{
	unsigned long boot_mfn = virt_to_mfn((void *)start_info->pt_base);
	unsigned int s = r % NSETS, nmap = 1 + r % NDATA;
	unsigned long l4_mfn = virt_to_mfn(set[s][0]);
	struct mmuext_op in[2] = {
		{ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = l4_mfn },
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = l4_mfn },
	};
	struct mmuext_op out[2] = {
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = boot_mfn },
		{ .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = l4_mfn },
	};
	multicall_entry_t mc[5];
	bool ok, touched;
	long rc;

	populate(s, r, nmap);
	for (unsigned int i = 0; i < 4; i++)
		pt_mc_remap(&mc[i], set[s][i], false);
	pt_mc_mmuext(&mc[4], in, 2);
	rc = HYPERVISOR_multicall(mc, 5);
	ok = !rc && mc_ok("make RO + PIN_L4 + NEW_BASEPTR", r, mc, 5);
	if (rc)
		xtf_error("round %lu: multicall returned %ld", r, rc);

	/* Only touch the new VA if the switch happened. */
	touched = ok && touch(r, nmap);

	pt_mc_mmuext(&mc[0], out, 2);
	for (unsigned int i = 0; i < 4; i++)
		pt_mc_remap(&mc[1 + i], set[s][i], true);
	rc = HYPERVISOR_multicall(mc, 5);
	if (rc) {
		xtf_error("round %lu: multicall returned %ld", r, rc);
		return false;
	}
	if (!ok) {
		/* Whatever state the failure left: back to the boot L4, pages RW. */
		mmuext1(MMUEXT_NEW_BASEPTR, boot_mfn, 0);
		return false;
	}
	if (!mc_ok("NEW_BASEPTR(boot) + UNPIN + make RW", r, mc, 5))
		return false;
	return touched && check_writes(r, nmap);
}

static long reservation(void)
{
	domid_t self = DOMID_SELF;

	return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

void test_main(void)
{
	const uint64_t *boot_l4 = (const uint64_t *)start_info->pt_base;
	unsigned long start_free = pt_pool_free(), r, end_free;
	long start_res = reservation(), end_res;
	uint64_t t0, t1;
	unsigned int i, s;

	printk("pool: %lu free pages, reservation %ld pages\n", start_free, start_res);
	if (boot_l4[AS_SLOT] & _PAGE_PRESENT) {
		xtf_error("boot L4 slot %lu is in use (%#lx)", AS_SLOT, boot_l4[AS_SLOT]);
		return;
	}
	if (start_res <= 0) {
		xtf_error("XENMEM_current_reservation returned %ld", start_res);
		return;
	}
	for (s = 0; s < NSETS; s++)
		for (i = 0; i < 4; i++)
			set[s][i] = pt_alloc();
	for (i = 0; i < NDATA; i++) {
		data[i] = pt_alloc();
		if (data[i])
			data[i][0] = 0x5a5a0000UL + i;
	}
	if (!set[NSETS - 1][3] || !data[NDATA - 1]) {
		xtf_error("the page pool is too small");
		return;
	}

	t0 = pt_now_ns();
	for (r = 0; r < ROUNDS; r++) {
		if (!one_round(r))
			break;
		if (!(r & 255) && pt_now_ns() - t0 > TIME_CAP_NS) {
			xtf_error("time cap hit after %lu address spaces", r + 1);
			break;
		}
	}
	t1 = pt_now_ns();
	printk("%lu address spaces in %lu ms (%lu us each)\n", r, (t1 - t0) / 1000000,
	       r ? (t1 - t0) / 1000 / r : 0);

	/* Every page must be plain writable memory again; hand them back. */
	for (s = 0; s < NSETS; s++)
		for (i = 0; i < 4; i++) {
			check(!probe_write(set[s][i]), "table page %u/%u not writable at the end",
			      s, i);
			pt_free(set[s][i]);
		}
	for (i = 0; i < NDATA; i++)
		pt_free(data[i]);

	end_free = pt_pool_free();
	end_res = reservation();
	check(end_free == start_free, "pool: %lu pages free at the end, %lu at the start",
	      end_free, start_free);
	check(end_res == start_res, "XENMEM_current_reservation: %ld pages at the end, %ld "
	      "at the start", end_res, start_res);
	if (r == ROUNDS)
		printk("all %u address spaces built, used and destroyed\n", ROUNDS);
}
