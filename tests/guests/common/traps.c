/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception handling for the guest test kernels: the virtual IDT, the C side
 * of every exception and callback (recording exactly what the hypervisor
 * delivered), exception-table fixups, and guest user mode.
 */
#include "test.h"
#include "smp.h"

struct exc_info last_exc = { .vector = ~0u };
volatile unsigned long exc_count;
exc_hook_t user_syscall_hook;

static exc_hook_t hooks[VEC_SYSCALL + 1];
/* Exception nesting is per vCPU (smp.h): percpu[smp_id()].depth. */
#define depth (percpu[smp_id()].depth)

struct extable_entry {
	unsigned long from, to;
};
extern const struct extable_entry __start_extable[], __stop_extable[];
extern char exc_stubs[];

/* Layout of the stack exc_common hands over (see entry.S). */
struct exc_regs {
	unsigned long r15, r14, r13, r12, r10, r9, r8, rbp, rdi, rsi, rdx, rbx, rax;
	unsigned long vector;
	unsigned long rcx, r11;
	unsigned long tail[9];
};

/* 256 entries plus the terminator. */
struct trap_info boot_traps[257];

unsigned long exc_stub(unsigned int vec)
{
	return (unsigned long)exc_stubs + 16 * vec;
}

long install_traps(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < 32; i++) {
		boot_traps[n].vector = i;
		/* int3 and into are meant to be usable from user mode. */
		boot_traps[n].flags = TI_MASK_EVENTS | ((i == 3 || i == 4) ? 3 : 0);
		boot_traps[n].cs = FLAT_KERNEL_CS;
		boot_traps[n].address = exc_stub(i);
		n++;
	}
	memset(&boot_traps[n], 0, sizeof(boot_traps[n]));
	return HYPERVISOR_set_trap_table(boot_traps);
}

void set_exc_hook(unsigned int vec, exc_hook_t hook)
{
	hooks[vec] = hook;
}

void exc_reset(void)
{
	memset(&last_exc, 0, sizeof(last_exc));
	last_exc.vector = ~0u;
}

static bool vector_has_ec(unsigned long vec)
{
	return vec < 32 && ((1u << vec) & ((1u << 8) | (0x1fu << 10) | (1u << 17) | (1u << 21) |
					   (1u << 29) | (1u << 30)));
}

static const char *vector_name(unsigned int v)
{
	static const char *const names[32] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
		"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};

	if (v < 32 && names[v])
		return names[v];
	if (v == VEC_EVENT)
		return "event callback";
	if (v == VEC_FAILSAFE)
		return "failsafe callback";
	if (v == VEC_SYSCALL)
		return "syscall callback";
	return "software interrupt";
}

static void dump_exc(const char *what, const struct exc_info *e)
{
	printk("%s: vector %u (%s)", what, e->vector, vector_name(e->vector));
	if (e->has_ec)
		printk(" error code %#lx", e->ec);
	printk("\n  rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx\n", e->rip, e->cs, e->rflags,
	       e->rsp, e->ss);
	printk("  rcx %#lx r11 %#lx cr2 %#lx frame %#lx mask %u\n", e->rcx, e->r11, e->cr2,
	       e->frame, e->mask);
}

static unsigned long extable_lookup(unsigned long rip)
{
	const struct extable_entry *x;

	for (x = __start_extable; x < __stop_extable; x++)
		if (x->from == rip)
			return x->to;
	return 0;
}

struct exc_info last_event;
volatile unsigned long event_count;

volatile unsigned long event_ports_seen[EVTCHN_WORDS];
/* Set by smp_init(): the upcall handler of multi-vCPU kernels. */
void (*evtchn_upcall_hook)(void);

/*
 * A 2-level demultiplexer, as Linux's: clear the upcall flag, take the selector, and for
 * each word it names acknowledge (clear) the ports that are pending and not masked,
 * recording them in event_ports_seen. Masked ports keep their pending bits.
 */

static void event_callback(void)
{
	unsigned long sel;

	/* Once smp_init() ran, smp.c dispatches per vCPU to port handlers. */
	if (evtchn_upcall_hook) {
		evtchn_upcall_hook();
		return;
	}

	WRITE_ONCE(vcpu0->evtchn_upcall_pending, 0);
	sel = __atomic_exchange_n(&vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = __builtin_ctzl(sel);
		unsigned long bits;

		sel &= sel - 1;
		bits = READ_ONCE(shared->evtchn_pending[w]) & ~READ_ONCE(shared->evtchn_mask[w]);
		__atomic_fetch_and(&shared->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
		event_ports_seen[w] |= bits;
	}
}

/* Called from exc_common; returns where the iret_context now is. */
unsigned long exc_handler(struct exc_regs *r);
unsigned long exc_handler(struct exc_regs *r)
{
	unsigned long vec = r->vector, skip = 0, *f, rax = r->rax, rcx = r->rcx, r11 = r->r11;
	struct iret_context *ret;
	struct exc_info e;
	bool handled = false;

	depth++;
	memset(&e, 0, sizeof(e));
	e.vector = vec;
	e.has_ec = vector_has_ec(vec);
	if (e.has_ec) {
		e.ec = r->tail[0];
		skip = 1;
	} else if (vec == VEC_FAILSAFE) {
		memcpy(e.seg, r->tail, sizeof(e.seg));
		skip = 4;
	}
	f = &r->tail[skip];
	e.rcx = rcx;
	e.r11 = r11;
	e.rip = f[0];
	e.cs = f[1];
	e.rflags = f[2];
	e.rsp = f[3];
	e.ss = f[4];
	e.frame = (unsigned long)&r->rcx;
	e.rax = r->rax;
	e.rdi = r->rdi;
	e.rsi = r->rsi;
	e.rdx = r->rdx;
	if (vcpu0) {
		vcpu_info_t *vi = this_vcpu_info();

		e.cr2 = vi->arch.cr2;
		e.mask = vi->evtchn_upcall_mask;
	}

	/* Build the iret_context in place: four words below the RIP slot. */
	ret = (struct iret_context *)(f - 4);
	ret->rax = rax;
	ret->r11 = r11;
	ret->rcx = rcx;
	ret->flags = 0;

	if (vec == VEC_EVENT) {
		last_event = e;
		__atomic_add_fetch(&event_count, 1, __ATOMIC_RELAXED);
		event_callback();
		depth--;
		return (unsigned long)ret;
	}

	if (vec == VEC_SYSCALL && r->rax == USER_EXIT_MAGIC) {
		extern __noreturn void user_return(unsigned long val);

		depth = 0;
		user_return(r->rdi);
	}

	last_exc = e;
	__atomic_add_fetch(&exc_count, 1, __ATOMIC_RELAXED);

	if (depth > 2) {
		dump_exc("Nested unexpected exception", &e);
		xtf_error("exception inside the exception handler");
		test_finish();
	}

	if (vec <= VEC_SYSCALL && hooks[vec])
		handled = hooks[vec](&e, ret);
	if (!handled && vec == VEC_SYSCALL && user_syscall_hook)
		handled = user_syscall_hook(&e, ret);
	if (!handled) {
		unsigned long to = extable_lookup(e.rip);

		if (to) {
			ret->rip = to;
			handled = true;
		}
	}
	if (!handled) {
		dump_exc("Unexpected exception", &e);
		if (vec == VEC_FAILSAFE)
			printk("  ds %#lx es %#lx fs %#lx gs %#lx\n", e.seg[0], e.seg[1], e.seg[2],
			       e.seg[3]);
		xtf_error("unexpected %s at %#lx", vector_name(vec), e.rip);
		test_finish();
	}
	/* Never return into a single-step trap loop. */
	if (vec == X86_EXC_DB)
		ret->rflags &= ~X86_EFLAGS_TF;
	depth--;
	return (unsigned long)ret;
}

bool probe_read(const void *va)
{
	unsigned long before = exc_count;

	asm volatile("1: movb (%0), %%al; 2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : : "r"(va) : "rax", "memory");
	return exc_count != before;
}

bool probe_write(void *va)
{
	unsigned long before = exc_count;

	asm volatile("1: movb %%al, (%0); 2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : : "r"(va), "a"(0) : "memory");
	return exc_count != before;
}

/* ------------------------------------------------------------------ user mode */
char user_stack[USER_STACK_SIZE] __aligned(PAGE_SIZE);
char user_kstack[USER_KSTACK_SIZE] __aligned(PAGE_SIZE);
static bool user_ready;

/*
 * Guest user mode shares the boot page tables: NEW_USER_BASEPTR gets the boot
 * L4 (every PV guest mapping is user-accessible), stack_switch names the
 * kernel stack for user->kernel bounces, and the syscall callback is set.
 */
void user_setup(void)
{
	extern char syscall_callback_entry[];
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)syscall_callback_entry,
	};
	long rc;

	rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
	if (rc) {
		xtf_error("mmuext_op(NEW_USER_BASEPTR) returned %ld", rc);
		test_finish();
	}
	rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, user_kstack + sizeof(user_kstack));
	if (rc) {
		xtf_error("stack_switch returned %ld", rc);
		test_finish();
	}
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	if (rc) {
		xtf_error("callback_op(register syscall) returned %ld", rc);
		test_finish();
	}
	user_ready = true;
}

unsigned long run_user_sel(unsigned long (*fn)(unsigned long), unsigned long arg, uint16_t cs,
			   uint16_t ss)
{
	extern unsigned long user_call_sel(unsigned long (*fn)(unsigned long), unsigned long arg,
					   unsigned long user_rsp, unsigned long cs,
					   unsigned long ss);

	if (!user_ready)
		user_setup();
	return user_call_sel(fn, arg, (unsigned long)user_stack + sizeof(user_stack), cs, ss);
}

unsigned long run_user(unsigned long (*fn)(unsigned long), unsigned long arg)
{
	return run_user_sel(fn, arg, FLAT_USER_CS, FLAT_USER_SS);
}
