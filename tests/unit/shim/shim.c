/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test doubles for the architecture hooks of common code (see shim.h): arch_current_vcpu,
 * copy_from_guest/copy_to_guest on host memory with injectable faults, and a counting
 * arch_vcpu_kick.
 */
/* kestrel headers first: host <stddef.h> then replaces offsetof cleanly */
#include <kestrel/errno.h>
#include <kestrel/event.h>
#include <kestrel/guest_access.h>
#include <kestrel/hypercall.h>
#include <string.h>
#include "shim.h"

static struct vcpu *current_vcpu;
static unsigned int kicks[MAX_VCPUS];
static unsigned int kicks_other; /* vcpu_id out of range: should never happen */

static struct {
	uintptr_t start, end;
	unsigned int how;
} faults[SHIM_MAX_FAULTS];
static unsigned int nr_faults;

#define SHIM_NULL_PAGE 4096

void shim_reset(void)
{
	current_vcpu = NULL;
	shim_clear_kicks();
	nr_faults = 0;
}

void shim_clear_kicks(void)
{
	memset(kicks, 0, sizeof(kicks));
	kicks_other = 0;
}

void shim_set_current(struct vcpu *v)
{
	current_vcpu = v;
}

void shim_fault_range(const void *p, size_t len, unsigned int how)
{
	if (nr_faults == SHIM_MAX_FAULTS)
		__builtin_trap();
	faults[nr_faults].start = (uintptr_t)p;
	faults[nr_faults].end = (uintptr_t)p + len;
	faults[nr_faults].how = how;
	nr_faults++;
}

unsigned int shim_kicks(unsigned int vcpu_id)
{
	return vcpu_id < MAX_VCPUS ? kicks[vcpu_id] : 0;
}

unsigned int shim_kicks_total(void)
{
	unsigned int n = kicks_other;

	for (unsigned int i = 0; i < MAX_VCPUS; i++)
		n += kicks[i];
	return n;
}

/* Bytes of [va, va+len) that can be accessed before the first faulting one. */
static size_t accessible(u64 va, size_t len, unsigned int how)
{
	size_t ok = len;

	if (va < SHIM_NULL_PAGE || va + len < va)
		return 0; /* page 0 is never mapped; ranges that wrap are refused */
	for (unsigned int i = 0; i < nr_faults; i++) {
		if (!(faults[i].how & how) || faults[i].end <= va || faults[i].start >= va + len)
			continue;
		if (faults[i].start <= va)
			return 0;
		ok = MIN(ok, (size_t)(faults[i].start - va));
	}
	return ok;
}

struct vcpu *arch_current_vcpu(void)
{
	return current_vcpu;
}

int copy_from_guest(void *dst, u64 guest_src, size_t len)
{
	size_t ok = accessible(guest_src, len, SHIM_FAULT_READ);

	if (ok)
		memcpy(dst, (const void *)(uintptr_t)guest_src, ok);
	return ok == len ? 0 : -EFAULT;
}

int copy_to_guest(u64 guest_dst, const void *src, size_t len)
{
	size_t ok = accessible(guest_dst, len, SHIM_FAULT_WRITE);

	if (ok)
		memcpy((void *)(uintptr_t)guest_dst, src, ok);
	return ok == len ? 0 : -EFAULT;
}

void arch_vcpu_kick(struct vcpu *v)
{
	if (v->vcpu_id < MAX_VCPUS)
		kicks[v->vcpu_id]++;
	else
		kicks_other++;
}

/* ---- page_type.c: the frame table, frame contents and hypervisor L4 slots ---- */
#include <kestrel/mm.h>
#include <kestrel/page_type.h>

struct page_info *frame_table;
u64 nr_machine_frames;
static void *pt_mem;
static struct domain *pt_domains[4];
static unsigned int frames_freed, type_changes;
static unsigned int preempt_every, preempt_calls;

void shim_pt_machine(struct page_info *frames, void *mem, u64 nr)
{
	frame_table = frames;
	pt_mem = mem;
	nr_machine_frames = nr;
	frames_freed = type_changes = 0;
	preempt_every = preempt_calls = 0;
	memset(pt_domains, 0, sizeof(pt_domains));
}

void shim_pt_add_domain(struct domain *d)
{
	if (d->domid < 4)
		pt_domains[d->domid] = d;
}

struct domain *domain_by_id(u16 domid)
{
	return domid < 4 ? pt_domains[domid] : NULL;
}

void shim_preempt_every(unsigned int n)
{
	preempt_every = n;
	preempt_calls = 0;
}

bool arch_preempt_check(void)
{
	return preempt_every && ++preempt_calls % preempt_every == 0;
}

unsigned int arch_paddr_bits(void)
{
	return 40;
}

void *arch_frame_virt(u64 mfn)
{
	return (char *)pt_mem + mfn * PAGE_SIZE;
}

void arch_fill_hypervisor_l4(pv_pte_t *l4)
{
	for (unsigned int i = PV_HYP_L4_FIRST; i <= PV_HYP_L4_LAST; i++)
		l4[i] = SHIM_HYP_L4E(i);
}

/* Descriptor pages: a page whose first word is SHIM_BAD_DESC fails validation. */
int arch_validate_desc_page(u64 mfn)
{
	return *(u64 *)arch_frame_virt(mfn) == SHIM_BAD_DESC ? -EINVAL : 0;
}

void arch_frame_type_changed(u64 mfn)
{
	type_changes++;
}

void arch_free_frame(struct page_info *pg)
{
	list_del(&pg->list);
	pg->owner = DOMID_NONE;
	pg->type_info = 0;
	frames_freed++;
}

unsigned int shim_frames_freed(void)
{
	return frames_freed;
}

unsigned int shim_type_changes(void)
{
	return type_changes;
}

/* ---- the scheduler, as event_channel.c sees it: polled ports ---- */
#include <kestrel/sched.h>

void sched_port_pending(struct domain *d, unsigned int port)
{
}

/* ---- interrupts: the host tests run on one thread, nothing to mask ---- */
#include <kestrel/arch.h>

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
}
