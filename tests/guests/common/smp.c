/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Secondary vCPUs for the guest test kernels (see smp.h): enumeration, vcpu_info
 * registration, the vcpu_guest_context a secondary vCPU starts from, its idle loop,
 * running functions on it, and a per-vCPU event demultiplexer.
 */
#include "smp.h"
#include "pt.h"

struct percpu percpu[SMP_MAX_VCPUS];
char smp_stacks[SMP_MAX_VCPUS - 1][SMP_STACK_SIZE] __aligned(PAGE_SIZE);
unsigned int smp_nr_vcpus = 1;

/* Every vCPU's vcpu_info, vCPU n at offset n * sizeof(vcpu_info_t). */
static char vcpu_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

/* Port handlers; ports from SMP_MAX_PORTS up are never dispatched. */
#define SMP_MAX_PORTS	256
static struct {
	evtchn_handler_t fn;
	void *data;
	unsigned int cpu;
} handlers[SMP_MAX_PORTS];

extern void (*evtchn_upcall_hook)(void);
extern char smp_ap_entry[], event_callback_entry[], failsafe_callback_entry[],
	syscall_callback_entry[];

/* ------------------------------------------------------------------ time, yielding */
uint64_t smp_now_ns(void)
{
	return pvclock_tsc_to_ns(&this_vcpu_info()->time, rdtsc());
}

void smp_relax(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void local_events_disable(void)
{
	WRITE_ONCE(this_vcpu_info()->evtchn_upcall_mask, 1);
	barrier();
}

void local_events_enable(void)
{
	vcpu_info_t *vi = this_vcpu_info();

	barrier();
	WRITE_ONCE(vi->evtchn_upcall_mask, 0);
	barrier();
	/* Anything already pending is delivered on the way out of a hypercall. */
	if (READ_ONCE(vi->evtchn_upcall_pending))
		HYPERVISOR_xen_version(XENVER_version, NULL);
}

/* ------------------------------------------------------------------ events */
long evtchn_send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_bind_ipi(unsigned int cpu)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);

	return rc ? rc : (long)b.port;
}

long evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

void evtchn_set_handler(evtchn_port_t port, unsigned int cpu, evtchn_handler_t handler,
			void *data)
{
	struct evtchn_unmask u = { .port = port };

	if (port >= SMP_MAX_PORTS) {
		xtf_error("port %u beyond the %u the framework dispatches", port, SMP_MAX_PORTS);
		return;
	}
	handlers[port].cpu = cpu;
	handlers[port].data = data;
	__atomic_store_n(&handlers[port].fn, handler, __ATOMIC_RELEASE);
	/* The hypercall, not a plain store: it re-delivers an event already pending. */
	HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

void evtchn_clear_handler(evtchn_port_t port)
{
	if (port >= SMP_MAX_PORTS)
		return;
	__atomic_fetch_or(&shared->evtchn_mask[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
	__atomic_store_n(&handlers[port].fn, NULL, __ATOMIC_RELEASE);
}

/*
 * The upcall of multi-vCPU kernels: for the calling vCPU, clear upcall_pending, take
 * the selector, and in the words it names acknowledge and handle the pending, unmasked
 * ports bound to this vCPU. Ports bound elsewhere keep their pending bits for their
 * own vCPU (which has its own selector bit for the word).
 */
static void smp_upcall(void)
{
	unsigned int me = smp_id();
	vcpu_info_t *vi = this_vcpu_info();

	while (READ_ONCE(vi->evtchn_upcall_pending)) {
		unsigned long sel;

		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = __builtin_ctzl(sel);
			unsigned long bits;

			sel &= sel - 1;
			bits = READ_ONCE(shared->evtchn_pending[w]) &
			       ~READ_ONCE(shared->evtchn_mask[w]);
			while (bits) {
				unsigned int b = __builtin_ctzl(bits), port = w * 64 + b;
				evtchn_handler_t fn;

				bits &= bits - 1;
				if (port >= SMP_MAX_PORTS)
					continue;
				fn = __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE);
				if (!fn || handlers[port].cpu != me)
					continue;
				__atomic_fetch_and(&shared->evtchn_pending[w], ~(1UL << b),
						   __ATOMIC_SEQ_CST);
				fn(port, handlers[port].data);
			}
		}
	}
}

/* ------------------------------------------------------------------ bring-up */
long smp_init(void)
{
	unsigned int n, i;
	long rc;

	for (n = 1; n < SMP_MAX_VCPUS; n++)
		if (HYPERVISOR_vcpu_op(VCPUOP_is_up, n, NULL) < 0)
			break;
	for (i = 0; i < n; i++) {
		struct vcpu_register_vcpu_info r = {
			.mfn = virt_to_mfn(vcpu_info_page),
			.offset = i * sizeof(vcpu_info_t),
		};

		percpu[i].self = &percpu[i];
		percpu[i].id = i;
		/* As Linux: a secondary vCPU starts with events masked. */
		if (i)
			shared->vcpu_info[i].evtchn_upcall_mask = 1;
		rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, i, &r);
		if (rc)
			return rc;
		percpu[i].vi = (vcpu_info_t *)(vcpu_info_page + r.offset);
		if (i == 0)
			vcpu0 = percpu[0].vi;
	}
	smp_nr_vcpus = n;
	evtchn_upcall_hook = smp_upcall;
	return n;
}

void smp_build_context(unsigned int cpu, struct vcpu_guest_context *c)
{
	unsigned long top = (unsigned long)smp_stacks[cpu - 1] + SMP_STACK_SIZE;

	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel | VGCF_failsafe_disables_events | VGCF_syscall_disables_events;
	c->user_regs.rip = (unsigned long)smp_ap_entry;
	c->user_regs.rsp = top - 16;
	c->user_regs.rdi = cpu;
	c->user_regs.rsi = (unsigned long)&percpu[cpu];
	c->user_regs.rflags = X86_EFLAGS_MBS;
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->user_regs.ds = FLAT_KERNEL_DS;
	c->user_regs.es = FLAT_KERNEL_DS;
	for (unsigned int i = 0; boot_traps[i].address; i++)
		c->trap_ctxt[boot_traps[i].vector] = boot_traps[i];
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = top;
	c->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
	c->event_callback_eip = (unsigned long)event_callback_entry;
	c->failsafe_callback_eip = (unsigned long)failsafe_callback_entry;
	c->syscall_callback_eip = (unsigned long)syscall_callback_entry;
	c->gs_base_kernel = (unsigned long)&percpu[cpu];
}

long smp_initialise(unsigned int cpu)
{
	static struct vcpu_guest_context ctx;

	smp_build_context(cpu, &ctx);
	return HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, &ctx);
}

long smp_up(unsigned int cpu)
{
	uint64_t t0 = pt_now_ns();
	long rc = HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);

	if (rc)
		return rc;
	while (!READ_ONCE(percpu[cpu].online)) {
		if (pt_now_ns() - t0 > 5000000000UL) {
			xtf_error("vCPU %u did not come online within 5 s of VCPUOP_up", cpu);
			return -XEN_ETIMEDOUT;
		}
		smp_relax();
	}
	return 0;
}

long smp_start(unsigned int cpu)
{
	long rc = smp_initialise(cpu);

	if (rc) {
		xtf_error("VCPUOP_initialise(%u) returned %ld", cpu, rc);
		return rc;
	}
	rc = smp_up(cpu);
	if (rc)
		xtf_error("bringing up vCPU %u: %ld", cpu, rc);
	return rc;
}

static void wake_handler(evtchn_port_t port, void *data)
{
}

void smp_bind_wake_ports(void)
{
	for (unsigned int cpu = 1; cpu < smp_nr_vcpus; cpu++) {
		long port = evtchn_bind_ipi(cpu);

		if (port < 0) {
			printk("smp: bind_ipi(vCPU %u) returned %ld: it will poll\n", cpu, port);
			continue;
		}
		evtchn_set_handler(port, cpu, wake_handler, NULL);
		__atomic_store_n(&percpu[cpu].wake_port, port, __ATOMIC_RELEASE);
	}
}

/* ------------------------------------------------------------------ secondary vCPUs */
/*
 * The idle loop: with events masked, look for work; run it with events on; with
 * nothing to do, SCHEDOP_block (which unmasks and returns at once if an event is
 * pending, so a wake-up sent after the check is not lost).
 */
static __noreturn void ap_idle(struct percpu *p)
{
	for (;;) {
		unsigned long req;

		local_events_disable();
		req = __atomic_load_n(&p->req, __ATOMIC_ACQUIRE);
		if (req != p->done) {
			local_events_enable();
			p->fn(p->arg);
			__atomic_store_n(&p->done, req, __ATOMIC_RELEASE);
			continue;
		}
		if (__atomic_load_n(&p->wake_port, __ATOMIC_ACQUIRE)) {
			HYPERVISOR_sched_op(SCHEDOP_block, NULL);
		} else {
			local_events_enable();
			smp_relax();
		}
	}
}

void smp_ap_main(unsigned long rdi, unsigned long rsi, unsigned long rsp, unsigned long gs0);
void smp_ap_main(unsigned long rdi, unsigned long rsi, unsigned long rsp, unsigned long gs0)
{
	struct percpu *p = &percpu[smp_id()];
	unsigned long sel;

	p->entry_rdi = rdi;
	p->entry_rsi = rsi;
	p->entry_rsp = rsp;
	p->entry_gs0 = gs0;
	asm volatile("mov %%cs, %0" : "=r"(sel));
	p->entry_cs = sel & 0xffff;
	asm volatile("mov %%ss, %0" : "=r"(sel));
	p->entry_ss = sel & 0xffff;
	asm volatile("mov %%ds, %0" : "=r"(sel));
	p->entry_ds = sel & 0xffff;
	p->entry_mask = p->vi ? p->vi->evtchn_upcall_mask : ~0UL;
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	ap_idle(p);
}

/* ------------------------------------------------------------------ cross calls */
void smp_call(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct percpu *p = &percpu[cpu];
	evtchn_port_t port;

	p->fn = fn;
	p->arg = arg;
	__atomic_store_n(&p->req, p->req + 1, __ATOMIC_RELEASE);
	port = __atomic_load_n(&p->wake_port, __ATOMIC_ACQUIRE);
	if (port)
		evtchn_send(port);
}

bool smp_wait(unsigned int cpu, uint64_t timeout_ns)
{
	struct percpu *p = &percpu[cpu];
	uint64_t t0 = pt_now_ns();

	while (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE) != p->req) {
		if (pt_now_ns() - t0 > timeout_ns)
			return false;
		smp_relax();
	}
	return true;
}

bool smp_call_sync(unsigned int cpu, void (*fn)(void *), void *arg)
{
	smp_call(cpu, fn, arg);
	if (smp_wait(cpu, 5000000000UL))
		return true;
	xtf_error("vCPU %u did not finish a call within 5 s", cpu);
	return false;
}
