/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-time domUs: boot modules started as unprivileged PV domains beside dom0.
 *
 * A module whose own command line (after the file name multiboot1 loaders put first)
 * starts with the word "domU" is a domU kernel:
 *
 *   domU [name=NAME] [mem=SIZE] [vcpus=N] [weight=W] [cap=C] [-- GUEST COMMAND LINE]
 *
 * common/domu_args.c parses that line (host-tested); common/setup.c builds each domU
 * after dom0 (arch_build_domu), gives it id 1, 2, ... by its rank among the domU
 * modules, sets its weight and cap, and starts its vCPU 0.
 */
#ifndef KESTREL_DOMU_H
#define KESTREL_DOMU_H

#include <kestrel/types.h>

#define DOMU_MEM_DEFAULT MB(64)
#define DOMU_NAME_MAX 32
#define DOMU_CMDLINE_MAX 1024 /* = start_info.cmd_line */

struct domu_config {
	char name[DOMU_NAME_MAX];	   /* "" when not given */
	u64 mem;			   /* bytes, > 0 */
	unsigned int vcpus;		   /* 1..MAX_VCPUS */
	unsigned int weight, cap;	   /* scheduler parameters, as sched_set_params takes */
	char cmdline[DOMU_CMDLINE_MAX];	   /* the guest's, after "--"; "" when none */
};

/* Does this module command line name a domU ("domU" as its first word)? */
bool domu_module(const char *cmdline);

/*
 * Parse a domU module command line into *c (defaults: mem 64M, 1 vCPU, weight 256, cap 0,
 * no name, empty guest command line). Returns 0, or -EINVAL with the first problem
 * described in why (e.g. "vcpus=0 is out of range (1-32)"); *c is then unspecified.
 */
int domu_parse(const char *cmdline, struct domu_config *c, char *why, size_t why_len);

#endif
