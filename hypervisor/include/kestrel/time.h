/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Clock scaling (common/time.c, host-tested), in the form the PV clock ABI uses
 * (vcpu_time_info's tsc_to_system_mul and tsc_shift):
 *   out = ((shift >= 0 ? delta << shift : delta >> -shift) * mul) >> 32
 * with the 64x32 multiply done in 96-bit precision.
 */
#ifndef KESTREL_TIME_H
#define KESTREL_TIME_H

#include <kestrel/types.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

struct time_scale {
	u32 mul;
	s8 shift;
};

/*
 * Choose mul and shift so that scale_delta(d) ~= d * to_hz / from_hz, with mul as large as
 * possible (bit 31 set) for precision. Requires from_hz > 0 and to_hz > 0;
 * from_hz/to_hz within 2^-31 .. 2^31.
 */
void time_scale_set(struct time_scale *s, u64 from_hz, u64 to_hz);
u64 scale_delta(u64 delta, const struct time_scale *s);

/* Systems time conversions for the hypervisor (arch/x86/time.c implements them). */
u64 now_ns(void);

/*
 * Refresh v's pvclock (vcpu_info.time, and the extra copy registered with
 * VCPUOP_register_vcpu_time_memory_area) if v is the vCPU running here; otherwise it is
 * refreshed when v next runs.
 */
struct vcpu;
void arch_update_vcpu_time(struct vcpu *v);

#endif
