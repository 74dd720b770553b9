/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol lookup for crash reports. The table is generated at link time
 * (hypervisor/tools/gensyms.sh) from the image's own function symbols: addresses sorted
 * ascending, with offsets into a block of NUL-terminated names.
 */
#include <kestrel/kernel.h>
#include <kestrel/lib.h>

extern const unsigned long kallsyms_addrs[];
extern const unsigned int kallsyms_name_offs[];
extern const char kallsyms_names[];
extern const unsigned long kallsyms_count;
extern const unsigned long kallsyms_text_end;

/**
 * symbol_lookup - find the function containing addr.
 * Returns false when addr is outside the image's text; otherwise sets *name, *off (from the
 * symbol's start) and *size (distance to the next symbol).
 */
bool symbol_lookup(unsigned long addr, const char **name, unsigned long *off,
		   unsigned long *size)
{
	unsigned long lo = 0, hi = kallsyms_count;

	if (!kallsyms_count || addr < kallsyms_addrs[0] || addr >= kallsyms_text_end)
		return false;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (kallsyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*name = kallsyms_names + kallsyms_name_offs[lo];
	*off = addr - kallsyms_addrs[lo];
	*size = (lo + 1 < kallsyms_count ? kallsyms_addrs[lo + 1] : kallsyms_text_end) -
		kallsyms_addrs[lo];
	return true;
}

void symbol_format(char *buf, size_t len, unsigned long addr)
{
	const char *name;
	unsigned long off, size;

	if (symbol_lookup(addr, &name, &off, &size))
		ksnprintf(buf, len, "[<%016lx>] %s+%#lx/%#lx", addr, name, off, size);
	else
		ksnprintf(buf, len, "[<%016lx>] ?", addr);
}
