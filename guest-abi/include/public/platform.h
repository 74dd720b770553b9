/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: platform_op (hypercall 7), hardware-domain platform
 * management. Numbers only in this stage.
 *
 *   long platform_op(struct xen_platform_op *op)
 *
 * The argument is a 136-byte structure: uint32_t cmd, uint32_t
 * interface_version (must be XENPF_INTERFACE_VERSION, otherwise
 * -XEN_EACCES), then a command-specific union padded to 128 bytes. Only the
 * hardware domain may call it (-XEN_EPERM otherwise). Kestrel does not
 * implement any command yet and returns -XEN_ENOSYS; Linux treats every
 * failure here as non-fatal.
 */
#ifndef KESTREL_PUBLIC_PLATFORM_H
#define KESTREL_PUBLIC_PLATFORM_H

#include "xen.h"

#define XENPF_INTERFACE_VERSION		0x03000001

#define XENPF_settime32			17
#define XENPF_add_memtype		31
#define XENPF_del_memtype		32
#define XENPF_read_memtype		33
#define XENPF_microcode_update		35
#define XENPF_platform_quirk		39
#define XENPF_get_cpu_version		48
#define XENPF_efi_runtime_call		49
#define XENPF_firmware_info		50
#define XENPF_enter_acpi_sleep		51
#define XENPF_change_freq		52
#define XENPF_getidletime		53
#define XENPF_set_processor_pminfo	54
#define XENPF_get_cpuinfo		55
#define XENPF_cpu_online		56
#define XENPF_cpu_offline		57
#define XENPF_cpu_hotadd		58
#define XENPF_mem_hotadd		59
#define XENPF_core_parking		60
#define XENPF_resource_op		61
#define XENPF_settime64			62
#define XENPF_get_symbol		63
#define XENPF_settime			XENPF_settime64

/* Size of the whole xen_platform_op argument. */
#define XENPF_OP_SIZE			136

#endif /* KESTREL_PUBLIC_PLATFORM_H */
