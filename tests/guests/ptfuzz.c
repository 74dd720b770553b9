/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A seeded page-table fuzzer. It keeps NPOOL pool pages and a model of each one: how
 * its pool VA maps it (RW or RO), whether and at which level it is pinned, which one
 * is the user base table, and a shadow copy of its 512 entries. It then issues OPS
 * random operations (xorshift64, fixed default seed, printed), valid and invalid:
 * mmu_update NORMAL / PRESERVE_AD of random values (0, pool frames, kernel frames,
 * frames that do not exist, garbage, reserved bits) into random slots of pool pages
 * (slots 0-3, 256-271 and 511 preferred), with commands 4-7, and at frames that are
 * not ours; PIN_L1..L4 and UNPIN of pool frames and of frames that are not ours;
 * update_va_mapping of a pool page RO / RW; NEW_USER_BASEPTR to a pool frame, the
 * boot L4, 0 or junk; an unknown mmuext command.
 *
 * Which pool frames are page tables follows from the model: the pinned ones and the
 * user base table, and, from those down, every pool frame a present entry of a live
 * table above L1 points at (at the level below, unless it is a table already: a
 * linear entry). After every operation:
 *   (a) no live table is mapped writable: its pool VA is RO in the model, no present
 *       RW entry of a live L1 points at it, and update_va_mapping RW of it fails (the
 *       tables the operation touched plus one at random; all of them every 250
 *       operations); a failed RW remap of a page that is no table, or a failed RO
 *       remap, is a failure too;
 *   (b) the hypervisor is still there and the result is 0 or one of -EPERM, -ENOENT,
 *       -ESRCH, -ENOMEM, -EACCES, -EFAULT, -EBUSY, -EEXIST, -EINVAL, -ENOSYS,
 *       -EOPNOTSUPP; and where the model knows the answer it matches: a write into a
 *       non-table pool page succeeds, a write into Xen's slots 256-271 of a live L4,
 *       a second pin, an unpin of an unpinned frame, a pin of a page mapped RW, and
 *       anything aimed at a frame that is not ours fail;
 *   (c) every pool page holds what the shadow says (A, D and, in present entries, U,
 *       G and Xen's bit 52 are not compared: Xen sets them), so a refused update
 *       changed nothing and an accepted one wrote exactly its value. Xen fills slots
 *       256-271 of an L4 when it validates one; those are re-read then.
 * At the end everything is unpinned, the user base goes back to the boot L4, and every
 * pool page must take a RW mapping again: devalidation gave every type back. The
 * results per operation kind are printed.
 *
 * Not issued: an operation that would make the hypervisor validate three or more nested
 * pool pages that are no table yet. Xen 4.17 can leak a type reference then (a failed
 * middle table at slot 0 drops the deepest one's partial validation; that page stays
 * typed for good), which no model of a correct hypervisor can follow.
 *
 * A broken hypervisor accepts a writable mapping of a page table, validates a table
 * that is still mapped writable, writes a refused entry (or a different value),
 * refuses a plain write, keeps a table typed after its last reference went, returns
 * something odd, or crashes. Failures print the seed and the operation index.
 */
#include "pt.h"

const char test_title[] = "page-table fuzzer";

#ifndef SEED
#define SEED		0x2545f4914f6cdd1dULL
#endif
#ifndef OPS
#define OPS		3000
#endif
#define NPOOL		12
#define TIME_CAP_NS	40000000000ULL	/* stop early (still checked) after 40 s */
#define SWEEP_EVERY	250
#define NO_FRAME	0x7fff0000UL	/* beyond any RAM of the test machine */

/* Bits Xen may set on its own: A, D; in present entries also U, G and bit 52. */
#define IGN_ALWAYS	(_PAGE_ACCESSED | _PAGE_DIRTY)
#define IGN_PRESENT	(IGN_ALWAYS | _PAGE_USER | _PAGE_GLOBAL | (1UL << 52))

struct fpage {
	uint64_t *va;
	unsigned long mfn;
	bool rw;		/* the pool VA maps it writable */
	int pinned;		/* 0 or the level it is pinned at */
	int level;		/* 0 or the level of the live table */
	uint64_t shadow[512];
};

static struct fpage pool[NPOOL];
static int user_root = -1;	/* pool index of the user base table, -1 for none */
static uint64_t rng = SEED;
static unsigned long op_idx;
static unsigned long accepted, refused, probes, skipped;
/* Coverage: pins accepted per level, live tables (most at once, sum over operations). */
static unsigned long pins_ok[5], live_sum;
static unsigned int live_max, live_levels[5];

enum kind {
	K_MMU, K_MMU_AD, K_MMU_FOREIGN, K_MMU_CMD, K_PIN, K_PIN_FOREIGN, K_UNPIN,
	K_UNPIN_FOREIGN, K_UVA_RO, K_UVA_RW, K_USER_BASE, K_MMU_WIPE, K_MMUEXT_BAD, K_PROBE_RW,
	NKINDS
};

static const char *const kind_names[NKINDS] = {
	"mmu_update(NORMAL)", "mmu_update(PRESERVE_AD)", "mmu_update(not our frame)",
	"mmu_update(cmd 4-7)", "PIN_Ln(pool)", "PIN_Ln(not ours)", "UNPIN(pool)",
	"UNPIN(not ours)", "update_va_mapping(RO)", "update_va_mapping(RW)",
	"NEW_USER_BASEPTR", "mmu_update(wipe batch)", "mmuext_op(unknown)",
	"RW probe of a live table",
};

/* Results seen per kind: up to 8 distinct values each. */
struct rc_count {
	long rc;
	unsigned long n;
};
static struct rc_count seen[NKINDS][8];

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

static bool chance(unsigned int percent)
{
	return rnd_below(100) < percent;
}

/* Build with -DFUZZ_TRACE to log every operation. */
#ifdef FUZZ_TRACE
#define trace(fmt, ...)	printk("op %lu: " fmt "\n", op_idx, ##__VA_ARGS__)
#else
#define trace(fmt, ...)	do { } while (0)
#endif

static void dump_model(void);
static bool dumped;

#define fuzz_fail(fmt, ...)							\
	do {									\
		xtf_failure("seed %#llx op %lu: " fmt, SEED, op_idx, ##__VA_ARGS__); \
		dump_model();							\
	} while (0)

static bool rc_plausible(long rc)
{
	switch (-rc) {
	case 0:
	case XEN_EPERM:
	case XEN_ENOENT:
	case XEN_ESRCH:
	case XEN_ENOMEM:
	case XEN_EACCES:
	case XEN_EFAULT:
	case XEN_EBUSY:
	case XEN_EEXIST:
	case XEN_EINVAL:
	case XEN_ENOSYS:
	case XEN_EOPNOTSUPP:
		return true;
	}
	return false;
}

/* Records a result and checks (b). */
static long note(enum kind k, long rc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seen[k]); i++) {
		if (seen[k][i].n && seen[k][i].rc != rc)
			continue;
		seen[k][i].rc = rc;
		seen[k][i].n++;
		break;
	}
	if (k != K_PROBE_RW) {
		if (rc)
			refused++;
		else
			accepted++;
	}
	if (!rc_plausible(rc))
		fuzz_fail("%s returned %ld, not a plausible error", kind_names[k], rc);
	return rc;
}

static int pool_index(unsigned long mfn)
{
	for (int i = 0; i < NPOOL; i++)
		if (pool[i].mfn == mfn)
			return i;
	return -1;
}

/* ------------------------------------------------------------------ the model */

/*
 * Recomputes which pool frames are live tables, and at which level: the roots
 * (pinned, user base), then breadth first from the highest level down. A frame
 * that was live before keeps its level (an entry of the same level is linear).
 */
static void recompute(void)
{
	int prev[NPOOL], queue[NPOOL], head = 0, tail = 0;
	int lvl, i, s;

	for (i = 0; i < NPOOL; i++) {
		prev[i] = pool[i].level;
		pool[i].level = 0;
	}
	for (i = 0; i < NPOOL; i++) {
		if (pool[i].pinned)
			pool[i].level = pool[i].pinned;
		else if (i == user_root)
			pool[i].level = 4;
	}
	for (lvl = 4; lvl >= 1; lvl--)
		for (i = 0; i < NPOOL; i++)
			if (pool[i].level == lvl)
				queue[tail++] = i;
	while (head < tail) {
		struct fpage *p = &pool[queue[head++]];

		if (p->level < 2)
			continue;
		for (s = 0; s < 512; s++) {
			uint64_t e = p->shadow[s];
			int c;

			if (p->level == 4 && s >= 256 && s <= 271)
				continue;
			if (!(e & _PAGE_PRESENT))
				continue;
			c = pool_index((e & PTE_MFN_MASK) >> PAGE_SHIFT);
			if (c < 0 || pool[c].level)
				continue;
			pool[c].level = prev[c] ? prev[c] : p->level - 1;
			/* keep the queue ordered by level, highest first */
			for (i = tail++; i > head && pool[queue[i - 1]].level < pool[c].level; i--)
				queue[i] = queue[i - 1];
			queue[i] = c;
		}
	}
}

/* (a) as far as the model goes: no live table is mapped writable anywhere we know. */
static void check_model(void)
{
	for (int i = 0; i < NPOOL; i++) {
		const struct fpage *p = &pool[i];

		if (p->level && p->rw)
			fuzz_fail("pool page %d (mfn %#lx) is a live L%d table but its VA is RW",
				  i, p->mfn, p->level);
		if (p->level != 1)
			continue;
		for (int s = 0; s < 512; s++) {
			uint64_t e = p->shadow[s];
			int c;

			if ((e & (_PAGE_PRESENT | _PAGE_RW)) != (_PAGE_PRESENT | _PAGE_RW))
				continue;
			c = pool_index((e & PTE_MFN_MASK) >> PAGE_SHIFT);
			if (c >= 0 && pool[c].level)
				fuzz_fail("live L1 %d slot %d maps live L%d table %d RW", i,
					  s, pool[c].level, c);
		}
	}
}

/* On the first failure: what the model believes, to compare with what Xen did. */
static void dump_model(void)
{
	if (dumped)
		return;
	dumped = true;
	printk("model at op %lu: user base %d\n", op_idx, user_root);
	for (int i = 0; i < NPOOL; i++) {
		const struct fpage *p = &pool[i];

		printk("  page %2d mfn %#lx %s pinned L%d live L%d\n", i, p->mfn,
		       p->rw ? "RW" : "RO", p->pinned, p->level);
		for (int s = 0; s < 512; s++) {
			int c;

			if (!(p->shadow[s] & _PAGE_PRESENT))
				continue;
			c = pool_index((p->shadow[s] & PTE_MFN_MASK) >> PAGE_SHIFT);
			if (c >= 0)
				printk("    slot %3d -> page %d (%#lx)\n", s, c, p->shadow[s]);
		}
	}
}

static bool same(uint64_t got, uint64_t want)
{
	uint64_t ign = IGN_ALWAYS;

	if (want & _PAGE_PRESENT) {
		ign = IGN_PRESENT;
		/* I/O frames: Xen may flip the cache attributes of the mapping */
		if (pool_index((want & PTE_MFN_MASK) >> PAGE_SHIFT) < 0)
			ign |= _PAGE_PWT | _PAGE_PCD | _PAGE_PSE;
	}

	return (got & ~ign) == (want & ~ign);
}

/* (c): memory against the shadow; a mismatch is reported once and adopted. */
static void check_contents(void)
{
	for (int i = 0; i < NPOOL; i++) {
		struct fpage *p = &pool[i];

		for (int s = 0; s < 512; s++) {
			uint64_t got = READ_ONCE(p->va[s]);

			if (same(got, p->shadow[s]))
				continue;
			fuzz_fail("pool page %d (L%d) slot %d holds %#lx, the model says %#lx", i,
				  p->level, s, got, p->shadow[s]);
			p->shadow[s] = got;
		}
	}
}

/* Xen writes its own slots when it validates an L4: take them as they are. */
static void refresh_xen_slots(int i)
{
	for (int s = 256; s <= 271; s++)
		pool[i].shadow[s] = READ_ONCE(pool[i].va[s]);
}

/* (a) for real: a RW mapping of live table i must be refused. */
static void probe_rw(int i)
{
	struct fpage *p = &pool[i];
	long rc;

	if (!p->level)
		return;
	probes++;
	rc = note(K_PROBE_RW, pt_set_rw(p->va));
	if (!rc) {
		fuzz_fail("live L%d table %d (mfn %#lx) was mapped writable", p->level, i,
			  p->mfn);
		pt_set_ro(p->va);
	}
}

/*
 * How deep Xen would nest validations of pool pages that are no table yet to type page
 * i as level lvl (0: no validation at all: it is live, mapped RW or already on the path).
 */
static int cascade(int i, int lvl, unsigned int path)
{
	const struct fpage *p = &pool[i];
	int deepest = 0;

	if (p->level || p->rw || (path & (1u << i)))
		return 0;
	for (int s = 0; lvl >= 2 && s < 512; s++) {
		uint64_t e = p->shadow[s];
		int c, d;

		if ((lvl == 4 && s >= 256 && s <= 271) || !(e & _PAGE_PRESENT))
			continue;
		c = pool_index((e & PTE_MFN_MASK) >> PAGE_SHIFT);
		if (c < 0)
			continue;
		d = cascade(c, lvl - 1, path | (1u << i));
		if (d > deepest)
			deepest = d;
	}
	return 1 + deepest;
}

/*
 * Xen 4.17 leaks a type reference when three not-yet-validated tables nest and the
 * validation fails in the middle one at slot 0 after the deepest one failed past slot 0
 * (the deepest is left partially validated, for good). Operations that would nest three
 * or more such validations are not issued.
 */
static bool too_deep(int i, int lvl, unsigned int path)
{
	if (cascade(i, lvl, path) < 3)
		return false;
	skipped++;
	trace("skipped: page %d as L%d nests 3 validations", i, lvl);
	return true;
}

/* ------------------------------------------------------------------ values */

static unsigned long kernel_frame(void)
{
	switch (rnd_below(3)) {
	case 0:
		return virt_to_mfn(_text);			/* ordinary RW memory */
	case 1:
		return virt_to_mfn((void *)start_info->pt_base);	/* the boot L4 */
	default:
		return virt_to_mfn(start_info);
	}
}

static uint64_t rnd_flags(void)
{
	uint64_t f = 0;

	if (chance(95))
		f |= _PAGE_PRESENT;
	if (chance(60))
		f |= _PAGE_RW;
	if (chance(50))
		f |= _PAGE_USER;
	if (chance(50))
		f |= _PAGE_ACCESSED;
	if (chance(20))
		f |= _PAGE_DIRTY;
	if (chance(3))
		f |= _PAGE_PWT;
	if (chance(3))
		f |= _PAGE_PCD;
	if (chance(3))
		f |= _PAGE_PSE;
	if (chance(3))
		f |= _PAGE_GLOBAL;
	if (chance(5))
		f |= _PAGE_NX;
	if (chance(5))
		f |= (rnd() & 7) << 9;			/* the available bits */
	return f;
}

static uint64_t rnd_value(uint64_t old)
{
	switch (rnd_below(32)) {
	case 0 ... 7:
		return 0;
	case 8:
	case 9:
		return (kernel_frame() << PAGE_SHIFT) | rnd_flags();
	case 10:
		return ((NO_FRAME + rnd_below(16)) << PAGE_SHIFT) | rnd_flags();
	case 11:
		return rnd() & ~_PAGE_PRESENT;
	case 12:
		return rnd() | _PAGE_PRESENT;
	case 13:
		return (pool[rnd_below(NPOOL)].mfn << PAGE_SHIFT) | _PAGE_PRESENT |
		       (1UL << (52 + rnd_below(11)));
	case 14:
	case 15:
		return old ^ (1UL << rnd_below(12));
	default:
		return (pool[rnd_below(NPOOL)].mfn << PAGE_SHIFT) | rnd_flags();
	}
}

/*
 * A value that a table of the given level would likely accept: a pool frame that is a
 * live table one level down, or a read-only page that is no table yet.
 */
static uint64_t table_value(int level, uint64_t old)
{
	int c, tries;

	for (tries = 0; tries < 8; tries++) {
		c = rnd_below(NPOOL);
		if (level == 1 ? !pool[c].level :
		    pool[c].level == level - 1 || (!pool[c].level && !pool[c].rw))
			break;
	}
	if (tries == 8)
		return rnd_value(old);
	return (pool[c].mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
	       (chance(80) ? _PAGE_RW : 0);
}

static unsigned int rnd_slot(void)
{
	switch (rnd_below(10)) {
	case 0:
	case 1:
	case 2:
		return rnd_below(4);
	case 3:
	case 4:
		return 256 + rnd_below(16);
	case 5:
		return 511;
	default:
		return rnd_below(512);
	}
}

/* A frame that is not ours: absent, or Xen's (mfn 0 is not dom0's). */
static unsigned long foreign_frame(void)
{
	return chance(50) ? NO_FRAME + rnd_below(16) : 0;
}

/* ------------------------------------------------------------------ operations */

/* The pages whose (a) gets probed after this operation. */
static int touched[2];

static void op_mmu_update(void)
{
	int i = rnd_below(NPOOL);
	struct fpage *p = &pool[i];
	unsigned int slot = rnd_slot();
	bool ad = chance(30);
	int was_level = p->level;
	uint64_t val;
	long rc;

	/* live tables: 60% plausible entries; other pages: 50%, for a random level */
	if (was_level && chance(60))
		val = table_value(was_level, p->shadow[slot]);
	else if (!was_level && chance(50))
		val = table_value(1 + rnd_below(4), p->shadow[slot]);
	else
		val = rnd_value(p->shadow[slot]);
	if (was_level >= 2 && (val & _PAGE_PRESENT)) {
		int c = pool_index((val & PTE_MFN_MASK) >> PAGE_SHIFT);

		if (c >= 0 && too_deep(c, was_level - 1, 1u << i))
			return;
	}

	rc = note(ad ? K_MMU_AD : K_MMU,
		  mmu_update1((p->mfn << PAGE_SHIFT) + slot * 8 +
			      (ad ? MMU_PT_UPDATE_PRESERVE_AD : MMU_NORMAL_PT_UPDATE), val));
	trace("mmu%s page %d (L%d) slot %u = %#lx: %ld", ad ? "_ad" : "", i, was_level, slot,
	      val, rc);
	touched[0] = i;
	if (val & _PAGE_PRESENT)
		touched[1] = pool_index((val & PTE_MFN_MASK) >> PAGE_SHIFT);
	if (!was_level && rc)
		fuzz_fail("write of %#lx into slot %u of plain pool page %d refused: %ld",
			  val, slot, i, rc);
	if (was_level == 4 && slot >= 256 && slot <= 271 && !rc)
		fuzz_fail("write of %#lx into Xen's slot %u of live L4 %d accepted", val, slot,
			  i);
	if (!rc)
		p->shadow[slot] = val;
}

static void op_mmu_foreign(void)
{
	uint64_t ptr = (foreign_frame() << PAGE_SHIFT) + rnd_below(512) * 8;
	long rc = note(K_MMU_FOREIGN, mmu_update1(ptr, rnd_value(0)));

	if (!rc)
		fuzz_fail("mmu_update at %#lx (not our frame) accepted", ptr);
}

static void op_mmu_cmd(void)
{
	int i = rnd_below(NPOOL);
	uint64_t ptr = (pool[i].mfn << PAGE_SHIFT) + rnd_below(512) * 8 + 4 + rnd_below(4);
	long rc = note(K_MMU_CMD, mmu_update1(ptr, rnd_value(0)));

	if (!rc)
		fuzz_fail("mmu_update command %lu accepted", (unsigned long)(ptr & 7));
}

static void op_pin(void)
{
	int i = rnd_below(NPOOL), lvl = 1 + rnd_below(4);
	struct fpage *p = &pool[i];
	int was_level = p->level;

	if (was_level && chance(50))
		lvl = was_level;
	if (too_deep(i, lvl, 0))
		return;
	long rc;

	rc = note(K_PIN, mmuext1(MMUEXT_PIN_L1_TABLE + lvl - 1, p->mfn, 0));
	trace("pin L%d page %d (L%d): %ld", lvl, i, was_level, rc);
	touched[0] = i;
	if (!rc && p->pinned)
		fuzz_fail("PIN_L%d of pool page %d accepted, already pinned at L%d", lvl, i,
			  p->pinned);
	if (!rc && p->rw)
		fuzz_fail("PIN_L%d of pool page %d accepted while it is mapped RW", lvl, i);
	if (!rc && was_level && was_level != lvl)
		fuzz_fail("PIN_L%d of pool page %d accepted, it is a live L%d", lvl, i,
			  was_level);
	if (rc)
		return;
	p->pinned = lvl;
	pins_ok[lvl]++;
	if (lvl == 4 && !was_level)
		refresh_xen_slots(i);
}

static void op_pin_foreign(void)
{
	unsigned long mfn = chance(50) ? foreign_frame() : virt_to_mfn(_text);
	int lvl = 1 + rnd_below(4);
	long rc = note(K_PIN_FOREIGN, mmuext1(MMUEXT_PIN_L1_TABLE + lvl - 1, mfn, 0));

	if (!rc) {
		fuzz_fail("PIN_L%d of mfn %#lx (not ours, or RW kernel memory) accepted", lvl,
			  mfn);
		mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0);
	}
}

static void op_unpin(void)
{
	int i = rnd_below(NPOOL);
	struct fpage *p = &pool[i];
	long rc = note(K_UNPIN, mmuext1(MMUEXT_UNPIN_TABLE, p->mfn, 0));

	trace("unpin page %d (L%d): %ld", i, p->level, rc);
	touched[0] = i;
	if (!rc && !p->pinned)
		fuzz_fail("UNPIN of unpinned pool page %d accepted", i);
	if (rc && p->pinned)
		fuzz_fail("UNPIN of pool page %d (pinned L%d) refused: %ld", i, p->pinned, rc);
	if (!rc)
		p->pinned = 0;
}

static void op_unpin_foreign(void)
{
	unsigned long mfn = chance(50) ? foreign_frame() : virt_to_mfn(_text);

	if (!note(K_UNPIN_FOREIGN, mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0)))
		fuzz_fail("UNPIN of mfn %#lx accepted", mfn);
}

static void op_remap(bool rw)
{
	int i = rnd_below(NPOOL);
	struct fpage *p = &pool[i];
	long rc = note(rw ? K_UVA_RW : K_UVA_RO, rw ? pt_set_rw(p->va) : pt_set_ro(p->va));

	trace("remap %s page %d (L%d): %ld", rw ? "RW" : "RO", i, p->level, rc);

	if (rc && (!rw || !p->level))
		fuzz_fail("update_va_mapping(%s) of pool page %d (L%d) refused: %ld",
			  rw ? "RW" : "RO", i, p->level, rc);
	if (!rc && rw && p->level)
		fuzz_fail("update_va_mapping(RW) of live L%d table %d accepted", p->level, i);
	if (!rc)
		p->rw = rw;
	else if (rw && p->level)
		return;
	touched[0] = i;
}

static void op_user_base(void)
{
	unsigned long boot_l4 = virt_to_mfn((void *)start_info->pt_base), mfn;
	int i = -1, choice = rnd_below(10), was_level = 0;
	long rc;

	if (choice < 6) {
		i = rnd_below(NPOOL);
		mfn = pool[i].mfn;
		was_level = pool[i].level;
		if (too_deep(i, 4, 0))
			return;
	} else if (choice < 8) {
		mfn = boot_l4;
	} else if (choice == 8) {
		mfn = 0;
	} else {
		mfn = foreign_frame();
		if (!mfn)
			mfn = NO_FRAME;
	}
	rc = note(K_USER_BASE, mmuext1(MMUEXT_NEW_USER_BASEPTR, mfn, 0));
	trace("user base %#lx (page %d L%d): %ld", mfn, i, was_level, rc);
	if (i >= 0) {
		touched[0] = i;
		if (!rc && pool[i].rw)
			fuzz_fail("NEW_USER_BASEPTR to pool page %d accepted while mapped RW", i);
		if (!rc && was_level && was_level != 4)
			fuzz_fail("NEW_USER_BASEPTR to live L%d table %d accepted", was_level,
				  i);
	} else if (mfn != boot_l4 && mfn && !rc) {
		fuzz_fail("NEW_USER_BASEPTR to mfn %#lx accepted", mfn);
	} else if (rc && (mfn == boot_l4 || !mfn)) {
		fuzz_fail("NEW_USER_BASEPTR to %#lx refused: %ld", mfn, rc);
	}
	if (rc)
		return;
	if (i >= 0 && !was_level)
		refresh_xen_slots(i);
	if (i >= 0 || mfn == boot_l4 || !mfn)
		user_root = i;
}

/*
 * Wipe a pool page: a plain memset if it is mapped RW, else one mmu_update batch that
 * writes 0 into every non-zero slot (bar Xen's slots of a live L4), which must succeed.
 */
static mmu_update_t wipe[512];

static void op_clear(void)
{
	int i = rnd_below(NPOOL);
	struct fpage *p = &pool[i];
	unsigned int n = 0, done = 0, s;
	long rc;

	touched[0] = i;
	if (p->rw && !p->level) {
		memset(p->va, 0, PAGE_SIZE);
		memset(p->shadow, 0, sizeof(p->shadow));
		return;
	}
	for (s = 0; s < 512; s++) {
		if (!p->shadow[s] || (p->level == 4 && s >= 256 && s <= 271))
			continue;
		wipe[n].ptr = (p->mfn << PAGE_SHIFT) + s * 8 + MMU_NORMAL_PT_UPDATE;
		wipe[n++].val = 0;
	}
	if (!n)
		return;
	rc = note(K_MMU_WIPE, HYPERVISOR_mmu_update(wipe, n, &done, DOMID_SELF));
	trace("wipe page %d (L%d) %u slots: %ld", i, p->level, n, rc);
	if (rc)
		fuzz_fail("wiping %u slots of pool page %d (L%d) failed at %u: %ld", n, i,
			  p->level, done, rc);
	else if (done != n)
		fuzz_fail("wiping %u slots of pool page %d: success count %u", n, i, done);
	for (s = 0; s < done && s < n; s++)
		p->shadow[(wipe[s].ptr & (PAGE_SIZE - 1)) / 8] = 0;
}

static void op_mmuext_bad(void)
{
	unsigned int cmd = 21 + rnd_below(100);

	if (!note(K_MMUEXT_BAD, mmuext1(cmd, pool[rnd_below(NPOOL)].mfn, 0)))
		fuzz_fail("mmuext_op command %u accepted", cmd);
}

static void one_op(void)
{
	unsigned int r = rnd_below(100);

	touched[0] = touched[1] = -1;
	if (r < 38)
		op_mmu_update();
	else if (r < 40)
		op_mmu_foreign();
	else if (r < 42)
		op_mmu_cmd();
	else if (r < 58)
		op_pin();
	else if (r < 60)
		op_pin_foreign();
	else if (r < 70)
		op_unpin();
	else if (r < 72)
		op_unpin_foreign();
	else if (r < 84)
		op_remap(false);
	else if (r < 90)
		op_remap(true);
	else if (r < 94)
		op_user_base();
	else if (r < 99)
		op_clear();
	else
		op_mmuext_bad();
}

static void coverage(void)
{
	unsigned int n = 0;

	for (int i = 0; i < NPOOL; i++)
		if (pool[i].level) {
			n++;
			live_levels[pool[i].level]++;
		}
	live_sum += n;
	if (n > live_max)
		live_max = n;
}

static void check_all(bool sweep)
{
	recompute();
	coverage();
	check_model();
	check_contents();
	if (sweep) {
		for (int i = 0; i < NPOOL; i++)
			probe_rw(i);
		return;
	}
	for (int t = 0; t < 2; t++)
		if (touched[t] >= 0)
			probe_rw(touched[t]);
	probe_rw(rnd_below(NPOOL));
}

static void report(void)
{
	printk("%lu operations: %lu accepted, %lu refused, %lu not issued (3 nested "
	       "validations); %lu RW probes of live tables\n", op_idx, accepted, refused, skipped,
	       probes);
	printk("pins accepted: L1 %lu, L2 %lu, L3 %lu, L4 %lu; live tables: at most %u at once, "
	       "%lu.%02lu on average; L1..L4 per operation: %u %u %u %u (sums)\n",
	       pins_ok[1], pins_ok[2], pins_ok[3], pins_ok[4], live_max,
	       live_sum / (op_idx + 1), live_sum * 100 / (op_idx + 1) % 100, live_levels[1],
	       live_levels[2], live_levels[3], live_levels[4]);
	for (int k = 0; k < NKINDS; k++) {
		char line[200];
		int n = snprintf(line, sizeof(line), "  %-26s", kind_names[k]);

		for (unsigned int i = 0; i < ARRAY_SIZE(seen[k]) && seen[k][i].n; i++)
			n += snprintf(line + n, sizeof(line) - n, " %ld x%lu", seen[k][i].rc,
				      seen[k][i].n);
		printk("%s\n", line);
	}
}

/* Unpins everything, drops the user base, and every pool page must take a RW mapping. */
static void cleanup(void)
{
	unsigned long boot_l4 = virt_to_mfn((void *)start_info->pt_base);
	long rc;
	int i;

	rc = mmuext1(MMUEXT_NEW_USER_BASEPTR, boot_l4, 0);
	if (rc)
		xtf_failure("seed %#llx cleanup: NEW_USER_BASEPTR(boot L4) returned %ld", SEED,
			    rc);
	for (i = 0; i < NPOOL; i++) {
		if (!pool[i].pinned)
			continue;
		rc = pt_unpin(pool[i].va);
		if (rc)
			xtf_failure("seed %#llx cleanup: UNPIN of pool page %d (L%d) returned %ld",
				    SEED, i, pool[i].pinned, rc);
	}
	for (i = 0; i < NPOOL; i++) {
		rc = pt_set_rw(pool[i].va);
		if (rc) {
			xtf_failure("seed %#llx cleanup: pool page %d (mfn %#lx) cannot be "
				    "mapped RW after everything was unpinned: %ld", SEED, i,
				    pool[i].mfn, rc);
			continue;
		}
		pt_free(pool[i].va);
	}
}

void test_main(void)
{
	uint64_t t0 = pt_now_ns();
	int i;

	printk("seed %#llx, %d operations, %d pool pages\n", SEED, OPS, NPOOL);
	for (i = 0; i < NPOOL; i++) {
		pool[i].va = pt_alloc();
		if (!pool[i].va) {
			xtf_error("the page pool is too small");
			return;
		}
		pool[i].mfn = virt_to_mfn(pool[i].va);
		pool[i].rw = true;
		/* half of them start read-only, ready to become tables */
		if (i & 1) {
			if (pt_set_ro(pool[i].va)) {
				xtf_error("cannot make a pool page read-only");
				return;
			}
			pool[i].rw = false;
		}
	}
	for (op_idx = 0; op_idx < OPS; op_idx++) {
		one_op();
		check_all(op_idx % SWEEP_EVERY == SWEEP_EVERY - 1);
		if (!(op_idx & 63) && pt_now_ns() - t0 > TIME_CAP_NS) {
			printk("time cap reached after %lu operations\n", op_idx + 1);
			op_idx++;
			break;
		}
	}
	check_all(true);
	report();
	cleanup();
	printk("fuzzing took %lu ms\n", (unsigned long)((pt_now_ns() - t0) / 1000000));
}
