/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writable page-table emulation (VMASST_TYPE_writable_pagetables): a guest
 * kernel store to a read-only mapping of one of its own validated L1 tables
 * faults, and the hypervisor decodes the instruction and performs it as a
 * checked PTE update, as if the guest had used mmu_update.
 *
 * The test builds an L1 table from the pool, pins it, hooks it into a free
 * L2 slot next to the image (so the 2 MiB window it maps is live) and then
 * stores to one of its entries through its read-only mapping with each
 * instruction form, one table row each: mov r64, mov $imm32, xchg, lock
 * cmpxchg (success and failure, RAX and ZF), lock and/or/btr/bts, movsq,
 * stosq, and 1-, 2- and 4-byte stores merged into the 8-byte entry. After
 * every store it checks the entry (through the read-only mapping) and what
 * the window now reads. Xen 4.17 also rewrites the flags of a present entry
 * it stores: _PAGE_USER set already -> _PAGE_GLOBAL is added; _PAGE_USER
 * clear -> _PAGE_USER and bit 52 (_PAGE_GUEST_KERNEL) are added. A
 * not-present value is stored verbatim; PAT, PCD, NX and bit 62 are accepted.
 * For dom0 the emulation happens even with writable_pagetables disabled.
 *
 * The stores Xen refuses are bounced to the guest as the original #PF
 * (vector 14, error code P|W, CR2 the address written) with the entry
 * unchanged: a new entry mapping a frame the domain does not own (an M2P
 * frame), a pinned page table or the L1 itself mapped writable, stores that
 * are not naturally aligned (a movl at offset 2, a movq straddling two
 * entries), a store to an L2 table, and a store from guest user mode (error
 * code P|W|U).
 *
 * A broken hypervisor kills the guest, delivers #PF for a valid store,
 * stores an unchecked value (a foreign frame or a writable page-table
 * mapping), stores the wrong bytes for a sub-word or locked operation,
 * reports the wrong cmpxchg result, or fails to bounce the refused stores.
 */
#include "test.h"
#include "pt.h"

const char test_title[] = "writable page-table emulation";

#define SLOT		7		/* the entry under test in the test L1 */
#define _PAGE_GUEST_KERNEL	(1UL << 52)	/* what Xen adds to a kernel-only entry */
#define PAT_A		0xa5a5a5a5a5a5a5a5UL	/* the contents of page A */
#define PAT_B		0x5b5b5b5b5b5b5b5bUL	/* the contents of page B */

/* The flags of an entry Xen stores unchanged: it has _PAGE_USER and _PAGE_GLOBAL. */
#define FL_RO	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define FL_RW	(FL_RO | _PAGE_RW | _PAGE_DIRTY)

static uint64_t *l1;		/* the test L1, mapped read-only at its pool VA */
static uint64_t *l2e;		/* the L2 slot it is hooked into (read-only mapping) */
static unsigned long win;	/* the 2 MiB the test L1 maps */
static uint64_t *page_a, *page_b;

/* Entry values, resolved at run time (they hold machine addresses). */
enum val {
	V_ZERO,
	V_A,		/* page A, RW */
	V_A_RO,		/* page A, read-only */
	V_A_NOACC,	/* page A, RW, _PAGE_ACCESSED clear */
	V_A_NOUSER,	/* page A, RW, without _PAGE_USER and _PAGE_GLOBAL */
	V_A_KERNEL,	/* ... as Xen stores it: + _PAGE_USER + bit 52 */
	V_A_NOGLOBAL,	/* page A, RW, _PAGE_USER but no _PAGE_GLOBAL */
	V_A_NX,		/* page A, RW, NX */
	V_A_RO_RW,	/* V_A_RO plus _PAGE_RW (no _PAGE_DIRTY) */
	V_A_NORW,	/* V_A minus _PAGE_RW (_PAGE_DIRTY stays) */
	V_A_MID,	/* bytes 2-5 of V_A (misaligned movl argument) */
	V_A_HIGH,	/* the high half of V_A (misaligned movq argument) */
	V_A_NP,		/* page A's address with _PAGE_PRESENT clear */
	V_A_PAT,	/* page A, RW, bit 7 (PAT in an L1 entry) */
	V_A_PCD,	/* page A, RW, cache disabled */
	V_A_BIT62,	/* page A, RW, software bit 62 */
	V_B,		/* page B, RW */
	V_B_LOW,	/* the low 32 bits of V_B */
	V_NX_HIGH,	/* a high half with only NX set */
	V_L4_RO,	/* the pinned boot L4, read-only */
	V_L4_RW,	/* the pinned boot L4, writable: refused */
	V_SELF_RW,	/* the test L1 itself, writable: refused */
	V_XEN,		/* an M2P frame (owned by Xen): refused */
	NR_VALS
};

static uint64_t vals[NR_VALS];

static void resolve_vals(void)
{
	xen_pfn_t m2p_frame = 0;
	struct xen_machphys_mfn_list list = {
		.max_extents = 1,
		.extent_start = &m2p_frame,
	};
	uint64_t a = virt_to_maddr(page_a), b = virt_to_maddr(page_b);
	uint64_t l4 = virt_to_maddr((void *)start_info->pt_base);
	long rc;

	rc = HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &list);
	if (rc || list.nr_extents != 1 || !m2p_frame)
		xtf_error("machphys_mfn_list: rc %ld, %u extents, first %#lx", rc,
			  list.nr_extents, m2p_frame);

	vals[V_ZERO] = 0;
	vals[V_A] = a | FL_RW;
	vals[V_A_RO] = a | FL_RO;
	vals[V_A_NOACC] = (a | FL_RW) & ~_PAGE_ACCESSED;
	vals[V_A_NOUSER] = a | (FL_RW & ~(_PAGE_USER | _PAGE_GLOBAL));
	vals[V_A_KERNEL] = a | (FL_RW & ~_PAGE_GLOBAL) | _PAGE_GUEST_KERNEL;
	vals[V_A_NOGLOBAL] = a | (FL_RW & ~_PAGE_GLOBAL);
	vals[V_A_NX] = a | FL_RW | _PAGE_NX;
	vals[V_A_RO_RW] = a | FL_RO | _PAGE_RW;
	vals[V_A_NORW] = a | (FL_RW & ~_PAGE_RW);
	vals[V_A_MID] = (uint32_t)((a | FL_RW) >> 16);
	vals[V_A_HIGH] = (a | FL_RW) >> 32;
	vals[V_A_NP] = (a | FL_RW) & ~_PAGE_PRESENT;
	vals[V_A_PAT] = a | FL_RW | _PAGE_PSE;
	vals[V_A_PCD] = a | FL_RW | _PAGE_PCD;
	vals[V_A_BIT62] = a | FL_RW | (1UL << 62);
	vals[V_B] = b | FL_RW;
	vals[V_B_LOW] = (uint32_t)(b | FL_RW);
	vals[V_NX_HIGH] = _PAGE_NX >> 32;
	vals[V_L4_RO] = l4 | FL_RO;
	vals[V_L4_RW] = l4 | FL_RW;
	vals[V_SELF_RW] = virt_to_maddr(l1) | FL_RW;
	vals[V_XEN] = (m2p_frame << PAGE_SHIFT) | FL_RO;
}

/* ------------------------------------------------------------------ the stores */

struct op_io {
	uint64_t *p;		/* the entry, through the read-only mapping */
	uint64_t arg;		/* the value stored (or the register operand) */
	uint64_t rax;		/* cmpxchg: IN the expected value; cmpxchg/xchg: OUT */
	bool flag;		/* OUT: ZF for cmpxchg, CF for btr/bts */
};

/* Each store is at label 1; a bounced #PF resumes at label 2. */
#define STORE(insn, ...)							\
	asm volatile("1: " insn "\n2:\n" _ASM_EXTABLE(1b, 2b) __VA_ARGS__)

static void op_mov(struct op_io *o)
{
	STORE("movq %1, (%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

static void op_mov_imm0(struct op_io *o)
{
	STORE("movq $0, (%0)", : : "r"(o->p) : "memory");
}

static void op_xchg(struct op_io *o)
{
	uint64_t v = o->arg;

	STORE("xchg %0, (%1)", : "+r"(v) : "r"(o->p) : "memory");
	o->rax = v;
}

static void op_cmpxchg(struct op_io *o)
{
	uint64_t a = o->rax;
	bool zf = false;

	asm volatile("1: lock cmpxchgq %3, (%2)\n\tsetz %1\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : "+a"(a), "+q"(zf) : "r"(o->p), "r"(o->arg) : "memory", "cc");
	o->rax = a;
	o->flag = zf;
}

static void op_andb(struct op_io *o)
{
	STORE("lock andb $0xdf, (%0)", : : "r"(o->p) : "memory", "cc");
}

static void op_andq(struct op_io *o)
{
	STORE("lock andq $-3, (%0)", : : "r"(o->p) : "memory", "cc");
}

static void op_orq(struct op_io *o)
{
	STORE("lock orq $2, (%0)", : : "r"(o->p) : "memory", "cc");
}

static void op_btr(struct op_io *o)
{
	bool cf = false;

	asm volatile("1: lock btrq $5, (%1)\n\tsetc %0\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : "+q"(cf) : "r"(o->p) : "memory", "cc");
	o->flag = cf;
}

static void op_bts(struct op_io *o)
{
	bool cf = true;

	asm volatile("1: lock btsq $1, (%1)\n\tsetc %0\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : "+q"(cf) : "r"(o->p) : "memory", "cc");
	o->flag = cf;
}

static void op_movsq(struct op_io *o)
{
	void *src = &o->arg, *dst = o->p;

	STORE("movsq", : "+S"(src), "+D"(dst) : : "memory");
}

static void op_stosq(struct op_io *o)
{
	void *dst = o->p;

	STORE("stosq", : "+D"(dst) : "a"(o->arg) : "memory");
}

static void op_movl_low(struct op_io *o)
{
	STORE("movl %k1, (%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

static void op_movl_high(struct op_io *o)
{
	STORE("movl %k1, 4(%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

static void op_movw(struct op_io *o)
{
	STORE("movw %w1, (%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

static void op_movb(struct op_io *o)
{
	STORE("movb %b1, (%0)", : : "r"(o->p), "q"(o->arg) : "memory");
}

static void op_movl_off2(struct op_io *o)
{
	STORE("movl %k1, 2(%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

static void op_movq_off4(struct op_io *o)
{
	STORE("movq %1, 4(%0)", : : "r"(o->p), "r"(o->arg) : "memory");
}

/* ------------------------------------------------------------------ the table */

enum reads { R_A, R_B, R_L4, R_FAULT };

struct ptwr_case {
	const char *name;
	void (*op)(struct op_io *o);
	enum val init;		/* the entry before (installed with mmu_update) */
	enum val arg;		/* the register operand */
	bool emulated;		/* false: the #PF is bounced and the entry stays init */
	enum val want;		/* emulated: the entry afterwards */
	enum reads reads;	/* what the window page reads afterwards */
	unsigned int off;	/* bounced: byte offset of the faulting address */
	enum val cmp;		/* cmpxchg: RAX before */
	bool check_rax;		/* cmpxchg/xchg: check the register afterwards ... */
	enum val rax;		/* ... against this */
	bool check_flag;	/* cmpxchg, btr, bts: check ZF/CF ... */
	bool flag;		/* ... against this */
	bool no_assist;		/* run with writable_pagetables disabled */
};

#define EMUL(n, f, i, a, w, r, ...)						\
	{ .name = n, .op = f, .init = i, .arg = a, .emulated = true, .want = w,	\
	  .reads = r, ##__VA_ARGS__ }
#define BOUNCE(n, f, i, a, o, ...)						\
	{ .name = n, .op = f, .init = i, .arg = a, .emulated = false, .want = i,\
	  .reads = R_A, .off = o, ##__VA_ARGS__ }
#define RAX(v)	.check_rax = true, .rax = v
#define FLAG(f)	.check_flag = true, .flag = f

static const struct ptwr_case cases[] = {
	EMUL("mov r64: A -> B", op_mov, V_A, V_B, V_B, R_B),
	EMUL("mov r64: empty -> A", op_mov, V_ZERO, V_A, V_A, R_A),
	EMUL("mov r64: map the pinned L4 read-only", op_mov, V_A, V_L4_RO, V_L4_RO, R_L4),
	EMUL("mov r64: no _PAGE_USER (Xen adds USER and bit 52)", op_mov, V_ZERO, V_A_NOUSER,
	     V_A_KERNEL, R_A),
	EMUL("mov r64: USER without GLOBAL (Xen adds GLOBAL)", op_mov, V_ZERO, V_A_NOGLOBAL,
	     V_A, R_A),
	EMUL("mov r64: not present, stored verbatim", op_mov, V_A, V_A_NP, V_A_NP, R_FAULT),
	EMUL("mov r64: bit 52 and USER as Xen stores them", op_mov, V_ZERO, V_A_KERNEL,
	     V_A_KERNEL, R_A),
	EMUL("mov r64: PAT bit", op_mov, V_A, V_A_PAT, V_A_PAT, R_A),
	EMUL("mov r64: PCD", op_mov, V_A, V_A_PCD, V_A_PCD, R_A),
	EMUL("mov r64: bit 62", op_mov, V_A, V_A_BIT62, V_A_BIT62, R_A),
	EMUL("movq $0", op_mov_imm0, V_A, V_ZERO, V_ZERO, R_FAULT),
	EMUL("xchg", op_xchg, V_A, V_B, V_B, R_B, RAX(V_A)),
	EMUL("lock cmpxchg (equal)", op_cmpxchg, V_A, V_B, V_B, R_B, .cmp = V_A, RAX(V_A),
	     FLAG(1)),
	EMUL("lock cmpxchg (different)", op_cmpxchg, V_A, V_B, V_A, R_A, .cmp = V_B, RAX(V_A),
	     FLAG(0)),
	EMUL("lock andb $~ACCESSED", op_andb, V_A, V_ZERO, V_A_NOACC, R_A),
	EMUL("lock andq $~RW", op_andq, V_A, V_ZERO, V_A_NORW, R_A),
	EMUL("lock orq $RW", op_orq, V_A_RO, V_ZERO, V_A_RO_RW, R_A),
	EMUL("lock btr $5 (ACCESSED)", op_btr, V_A, V_ZERO, V_A_NOACC, R_A, FLAG(1)),
	EMUL("lock bts $1 (RW)", op_bts, V_A_RO, V_ZERO, V_A_RO_RW, R_A, FLAG(0)),
	EMUL("movsq", op_movsq, V_A, V_B, V_B, R_B),
	EMUL("stosq", op_stosq, V_A, V_B, V_B, R_B),
	EMUL("movl to the low half", op_movl_low, V_A, V_B_LOW, V_B, R_B),
	EMUL("movl NX to the high half", op_movl_high, V_A, V_NX_HIGH, V_A_NX, R_A),
	EMUL("movw to the low 16 bits", op_movw, V_A, V_A_NOACC, V_A_NOACC, R_A),
	EMUL("movb to the flags byte", op_movb, V_A, V_A_RO, V_A_RO, R_A),
	BOUNCE("mov r64: an M2P frame (not owned)", op_mov, V_A, V_XEN, 0),
	BOUNCE("mov r64: the pinned L4 writable", op_mov, V_A, V_L4_RW, 0),
	BOUNCE("mov r64: the test L1 itself writable", op_mov, V_A, V_SELF_RW, 0),
	BOUNCE("lock cmpxchg: an M2P frame", op_cmpxchg, V_A, V_XEN, 0, .cmp = V_A),
	BOUNCE("movl at offset 2 (misaligned)", op_movl_off2, V_A, V_A_MID, 2),
	BOUNCE("movq at offset 4 (straddles two entries)", op_movq_off4, V_A, V_A_HIGH, 4),
	/*
	 * Xen 4.17 emulates for the hardware domain whatever the assist says: its #PF path
	 * tries the read-only MMIO handler for dom0, and that handler falls back to the
	 * page-table emulation for any frame that is not read-only MMIO.
	 */
	EMUL("mov r64 with writable_pagetables off (dom0)", op_mov, V_A, V_B, V_B, R_B,
	     .no_assist = true),
};

static unsigned long slot_va(void)
{
	return win + SLOT * PAGE_SIZE;
}

static void invlpg(unsigned long va)
{
	long rc = mmuext1(MMUEXT_INVLPG_LOCAL, va, 0);

	if (rc)
		xtf_error("MMUEXT_INVLPG_LOCAL(%#lx) = %ld", va, rc);
}

static bool set_slot(enum val v)
{
	long rc = mmu_update1(virt_to_maddr(&l1[SLOT]), vals[v]);

	invlpg(slot_va());
	if (rc) {
		xtf_error("mmu_update(slot, %#lx) = %ld", vals[v], rc);
		return false;
	}
	if (READ_ONCE(l1[SLOT]) != vals[v]) {
		xtf_error("mmu_update stored %#lx, expected %#lx", READ_ONCE(l1[SLOT]), vals[v]);
		return false;
	}
	return true;
}

static void check_reads(const char *name, enum reads r)
{
	const uint64_t *p = (const uint64_t *)slot_va();
	uint64_t want;

	switch (r) {
	case R_FAULT:
		exc_reset();
		if (!probe_read(p))
			xtf_failure("%s: the window still reads %#lx", name, READ_ONCE(*p));
		else if (last_exc.vector != X86_EXC_PF || last_exc.ec != 0 ||
			 last_exc.cr2 != (unsigned long)p)
			xtf_failure("%s: reading the window: vector %u ec %#lx cr2 %#lx", name,
				    last_exc.vector, last_exc.ec, last_exc.cr2);
		return;
	case R_A:
		want = PAT_A;
		break;
	case R_B:
		want = PAT_B;
		break;
	default:
		want = *(const uint64_t *)start_info->pt_base;
		break;
	}
	exc_reset();
	if (probe_read(p))
		xtf_failure("%s: reading the window faulted (vector %u ec %#lx)", name,
			    last_exc.vector, last_exc.ec);
	else if (READ_ONCE(*p) != want)
		xtf_failure("%s: the window reads %#lx, expected %#lx", name, READ_ONCE(*p), want);
}

static void run_case(const struct ptwr_case *c)
{
	struct op_io o = {
		.p = &l1[SLOT],
		.arg = vals[c->arg],
		.rax = vals[c->cmp],
		.flag = !c->flag,
	};
	uint64_t got, want = vals[c->want];

	if (!set_slot(c->init))
		return;
	if (c->no_assist)
		check_rc("vm_assist(disable, writable_pagetables)",
			 HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables),
			 0);

	exc_reset();
	c->op(&o);

	if (c->no_assist)
		check_rc("vm_assist(enable, writable_pagetables)",
			 HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables),
			 0);

	if (c->emulated) {
		if (last_exc.vector != ~0u)
			xtf_failure("%s: not emulated: vector %u ec %#lx cr2 %#lx", c->name,
				    last_exc.vector, last_exc.ec, last_exc.cr2);
	} else if (last_exc.vector != X86_EXC_PF || last_exc.ec != (PFEC_PRESENT | PFEC_WRITE) ||
		   last_exc.cr2 != (unsigned long)o.p + c->off) {
		xtf_failure("%s: vector %u ec %#lx cr2 %#lx, expected #PF(3) at %#lx", c->name,
			    last_exc.vector, last_exc.ec, last_exc.cr2,
			    (unsigned long)o.p + c->off);
	}

	got = READ_ONCE(l1[SLOT]);
	if (got != want)
		xtf_failure("%s: entry %#lx, expected %#lx", c->name, got, want);
	if (c->check_rax && o.rax != vals[c->rax])
		xtf_failure("%s: RAX/register %#lx, expected %#lx", c->name, o.rax, vals[c->rax]);
	if (c->check_flag && o.flag != c->flag)
		xtf_failure("%s: flag %d, expected %d", c->name, o.flag, c->flag);
	/* The guest flushes its own TLB after a PTE write, as Linux does. */
	invlpg(slot_va());
	check_reads(c->name, c->reads);
}

/* ------------------------------------------------------------------ the other refusals */

static unsigned long u_ptr, u_val;

static unsigned long user_store(unsigned long arg)
{
	STORE("movq %1, (%0)", : : "r"(u_ptr), "r"(u_val) : "memory");
	return 0;
}

static void test_user_store(void)
{
	if (!set_slot(V_A))
		return;
	u_ptr = (unsigned long)&l1[SLOT];
	u_val = vals[V_B];
	exc_reset();
	run_user(user_store, 0);
	check(last_exc.vector == X86_EXC_PF &&
	      last_exc.ec == (PFEC_PRESENT | PFEC_WRITE | PFEC_USER) && last_exc.cr2 == u_ptr,
	      "user-mode store to the L1: vector %u ec %#lx cr2 %#lx, expected #PF(7) at %#lx",
	      last_exc.vector, last_exc.ec, last_exc.cr2, u_ptr);
	check(READ_ONCE(l1[SLOT]) == vals[V_A], "user-mode store changed the entry to %#lx",
	      READ_ONCE(l1[SLOT]));
}

static void test_l2_store(void)
{
	uint64_t old = READ_ONCE(*l2e);
	struct op_io o = { .p = l2e, .arg = old };

	/* The same value: harmless even if a broken hypervisor performs it. */
	exc_reset();
	op_mov(&o);
	check(last_exc.vector == X86_EXC_PF && last_exc.ec == (PFEC_PRESENT | PFEC_WRITE) &&
	      last_exc.cr2 == (unsigned long)l2e,
	      "store to an L2 entry: vector %u ec %#lx cr2 %#lx, expected #PF(3) at %#lx",
	      last_exc.vector, last_exc.ec, last_exc.cr2, (unsigned long)l2e);
	check(READ_ONCE(*l2e) == old, "store to an L2 entry changed it to %#lx", READ_ONCE(*l2e));
}

/* ------------------------------------------------------------------ setup */

static bool setup(void)
{
	unsigned long root = virt_to_mfn((void *)start_info->pt_base);
	unsigned long end = bootstrap_end(), gb = end & ~((1UL << 30) - 1);
	unsigned int i;
	long rc;

	l1 = pt_alloc();
	page_a = pt_alloc();
	page_b = pt_alloc();
	if (!l1 || !page_a || !page_b) {
		xtf_error("page pool empty");
		return false;
	}
	for (i = 0; i < 512; i++) {
		page_a[i] = PAT_A;
		page_b[i] = PAT_B;
	}

	/* A free L2 slot in the L2 that maps the image. */
	for (i = PT_INDEX(end - 1, 2) + 1; i < 512; i++) {
		l2e = pt_walk(root, gb | ((unsigned long)i << 21), 2);
		if (l2e && !*l2e)
			break;
	}
	if (i == 512 || !l2e) {
		xtf_error("no free L2 slot after the bootstrap region");
		return false;
	}
	win = gb | ((unsigned long)i << 21);
	resolve_vals();

	rc = pt_set_ro(l1);
	if (!rc)
		rc = pt_pin(1, l1);
	if (!rc)
		rc = mmu_update1(virt_to_maddr(l2e), virt_to_maddr(l1) | _PAGE_PRESENT | _PAGE_RW |
				 _PAGE_USER | _PAGE_ACCESSED);
	if (rc) {
		xtf_error("building the test L1: %ld", rc);
		return false;
	}
	check_rc("vm_assist(enable, writable_pagetables)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
	printk("test L1 mfn %#lx at %p, window %#lx, A %#lx, B %#lx\n", virt_to_mfn(l1), l1, win,
	       virt_to_mfn(page_a), virt_to_mfn(page_b));
	return true;
}

static void teardown(void)
{
	check_rc("clearing the slot", set_slot(V_ZERO) ? 0 : -1, 0);
	check_rc("unhooking the test L1", mmu_update1(virt_to_maddr(l2e), 0), 0);
	check_rc("unpinning the test L1", pt_unpin(l1), 0);
	check_rc("remapping the test L1 writable", pt_set_rw(l1), 0);
	pt_free(page_b);
	pt_free(page_a);
	pt_free(l1);
}

void test_main(void)
{
	if (!setup())
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_user_store();
	test_l2_store();
	teardown();
}
