/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for hypervisor/arch/x86/include/asm/domain.h, found first through
 * -Itests/unit/shim when common code is built for the host unit tests. It keeps only the
 * x86 fields that common code (event_channel.c, schedop.c) reads: the hypervisor's view
 * of each vCPU's vcpu_info and of the domain's shared_info. Tests point them at ordinary
 * host memory.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <kestrel/types.h>
#include <public/xen.h>

struct arch_vcpu {
	struct vcpu_info *vcpu_info; /* the hypervisor's view of the current vcpu_info */
};

struct arch_domain {
	struct shared_info *shared_info; /* hypervisor view */
};

#endif
