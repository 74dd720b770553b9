/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test doubles for the architecture hooks common code calls (shim.c), for the host unit
 * tests: the current vCPU, guest memory access and vCPU kicks.
 *
 * Guest memory is host memory: a "guest virtual address" is a host pointer. The first
 * page always faults, and ranges can be made to fault on read and/or write; a copy then
 * moves the bytes before the first faulting one (as a real copy that stops at a bad page
 * would) and returns -EFAULT.
 */
#ifndef KESTREL_TEST_SHIM_H
#define KESTREL_TEST_SHIM_H

#include <kestrel/domain.h>

#define SHIM_FAULT_READ	 1U
#define SHIM_FAULT_WRITE 2U
#define SHIM_MAX_FAULTS	 8

/* Forget faults, kicks and the current vCPU. */
void shim_reset(void);

/* Start counting kicks from zero again. */
void shim_clear_kicks(void);

/* What arch_current_vcpu() returns. */
void shim_set_current(struct vcpu *v);

/* Make [p, p+len) fault for the accesses in how (SHIM_FAULT_*). */
void shim_fault_range(const void *p, size_t len, unsigned int how);

/* Guest address of a host object. */
static inline u64 shim_gva(const void *p)
{
	return (u64)(uintptr_t)p;
}

/* arch_vcpu_kick() calls per vcpu_id since shim_reset() or shim_clear_kicks(). */
unsigned int shim_kicks(unsigned int vcpu_id);
unsigned int shim_kicks_total(void);

/*
 * page_type.c doubles: frame_table/nr_machine_frames point at the test's own frames,
 * arch_frame_virt(mfn) is mem + mfn pages, hypervisor L4 slots get SHIM_HYP_L4E(slot),
 * domain_by_id() knows domains 0-3 added here, and freed frames and type changes are
 * counted (a freed frame is unlinked from its list and loses its owner).
 */
struct page_info;
#define SHIM_BAD_DESC 0xbadbadbadbadbadULL
#define SHIM_HYP_L4E(slot) (0x4000000000000ULL | ((u64)(slot) << 12) | 0x63)
void shim_pt_machine(struct page_info *frames, void *mem, u64 nr);
void shim_pt_add_domain(struct domain *d);
unsigned int shim_frames_freed(void);
/* arch_preempt_check() says yes on every n-th call (0: never). */
void shim_preempt_every(unsigned int n);
unsigned int shim_type_changes(void);

#endif
