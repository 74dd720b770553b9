#!/usr/bin/env bash
# Make a BIOS-bootable GRUB2 ISO that boots Kestrel with multiboot2.
# Usage: mkiso.sh OUT.iso KESTREL.gz "HYPERVISOR ARGS" [MODULE [MODULE ARGS]]...
# Each module is given as "path" or "path args" (one argument each).
set -euo pipefail
out=$1 image=$2 args=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$image" "$dir/boot/kestrel.gz"
{
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial console'
	echo 'terminal_output serial console'
	echo 'set timeout=0'
	echo 'set default=0'
	echo 'menuentry "Kestrel" {'
	echo "	multiboot2 /boot/kestrel.gz $args"
	i=0
	for m in "$@"; do
		path=${m%% *}
		margs=""
		[ "$path" != "$m" ] && margs=${m#* }
		cp "$path" "$dir/boot/module$i"
		echo "	module2 /boot/module$i $(basename "$path") $margs"
		i=$((i + 1))
	done
	echo '	boot'
	echo '}'
} > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed" >&2
	grub-mkrescue -o "$out" "$dir"
	exit 1
}
