#!/bin/sh
# Generate the crash-report symbol table (assembly for the .kallsyms section) from
# `nm -n` output of a linked image on stdin. Only text symbols are kept.
# Usage: nm -n kestrel.elf | gensyms.sh > symbols.S   (empty stdin gives an empty table)
set -e
awk '
BEGIN { n = 0; end = "0" }
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ && $3 !~ /^(_stext|_start)$/ {
	if ($1 == last) next;
	addr[n] = $1; name[n] = $3; last = $1; n++
}
$3 == "_etext" { end = $1 }
END {
	print "\t.section .kallsyms, \"a\""
	print "\t.balign 8"
	print "\t.globl kallsyms_count, kallsyms_text_end, kallsyms_addrs, kallsyms_name_offs, kallsyms_names"
	print "kallsyms_count:\n\t.quad " n
	print "kallsyms_text_end:\n\t.quad 0x" end
	print "kallsyms_addrs:"
	for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
	print "kallsyms_name_offs:"
	off = 0
	for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
	print "kallsyms_names:"
	for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
