/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest ABI as the test kernels see it: the headers in
 * guest-abi/include/public/. Nothing is defined locally.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#include <public/xen.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/features.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/physdev.h>

#endif /* GUEST_ABI_H */
