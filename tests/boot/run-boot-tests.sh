#!/usr/bin/env bash
# QEMU boot tests: boots Kestrel once per case in cases.txt and checks the exit status and
# the serial log. Every QEMU run is bounded by BOOT_TIMEOUT seconds. Prints one line per
# case and ends with "boot: N passed, M failed". Usage: run-boot-tests.sh [NAME-REGEX]
set -uo pipefail
cd "$(dirname "$0")/../.."
filter=${1:-.}
out=build/test/boot
mkdir -p "$out"
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
QEMU=${QEMU:-qemu-system-x86_64}

# Module files of known sizes.
head -c 65536 /dev/zero > "$out/mod-a.bin"
head -c 8192 /dev/urandom > "$out/mod-b.bin"
# A bzImage header (boot protocol 2.15) whose payload starts with the xz magic: the
# shape of Debian's kernels, which Kestrel must refuse by name. Payload at 0x400 + 0x40.
{
	head -c 497 /dev/zero                      # 0x000: up to setup_sects at 0x1f1
	printf '\001'                              # 0x1f1: setup_sects 1, code at 0x400
	head -c 16 /dev/zero                       # 0x1f2
	printf 'HdrS\017\002'                       # 0x202: magic, version 2.15
	head -c 64 /dev/zero                       # 0x208
	printf '\100\000\000\000\020\000\000\000'    # 0x248: payload_offset 0x40, length 16
	head -c 496 /dev/zero                      # 0x250
	printf '\3757zXZ\000'                        # 0x440: xz magic
	head -c 10 /dev/zero
} > "$out/xz-bzimage.bin"

# The same bzImage shape around a real xz stream (CRC32 check, x86 BCJ + LZMA2, as Linux
# makes them) of a guest test kernel, followed by the unpacked size: Kestrel unpacks it.
python3 - "$out/xz-guest.bin" build/guests/version.elf <<'PY'
import lzma, struct, sys
elf = open(sys.argv[2], 'rb').read()
xz = lzma.compress(elf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                   filters=[{'id': lzma.FILTER_X86}, {'id': lzma.FILTER_LZMA2, 'preset': 6}])
payload = xz + struct.pack('<I', len(elf))
hdr = bytearray(0x440)
hdr[0x1f1] = 1                                   # setup_sects: code at 0x400
hdr[0x202:0x208] = b'HdrS\x0f\x02'               # magic, boot protocol 2.15
struct.pack_into('<II', hdr, 0x248, 0x40, len(payload))
open(sys.argv[1], 'wb').write(bytes(hdr) + payload)
PY

passed=0 failed=0

run_case() {
	local name=$1 boot=$2 smp=$3 mem=$4 args=$5 modules=$6 want_exit=$7
	shift 7
	local log="$out/$name.log" media=() rc
	if [ "$boot" = iso ]; then
		local mods=()
		IFS=, read -ra parts <<< "$modules"
		for p in "${parts[@]}"; do
			case "${p%% *}" in */*) mods+=("$p") ;; *) mods+=("$out/$p") ;; esac
		done
		bash scripts/mkiso.sh "$out/$name.iso" build/kestrel.gz "$args testmode" "${mods[@]}" || {
			echo "FAIL boot/$name: could not build the ISO"
			failed=$((failed + 1))
			return
		}
		# GRUB passes module arguments after the file name; name them like -initrd does.
		media=(-cdrom "$out/$name.iso")
	else
		media=(-kernel build/kestrel -append "$args testmode")
		if [ -n "$modules" ]; then
			local initrd="" p
			IFS=, read -ra parts <<< "$modules"
			for p in "${parts[@]}"; do
				case "${p%% *}" in */*) initrd+="${initrd:+,}$p" ;; *) initrd+="${initrd:+,}$out/$p" ;; esac
			done
			media+=(-initrd "$initrd")
		fi
	fi
	timeout "$BOOT_TIMEOUT" "$QEMU" -accel tcg -cpu max -m "$mem" -smp "$smp" \
		-display none -serial "file:$log" -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "${media[@]}" </dev/null >"$log.qemu" 2>&1
	rc=$?
	local why=""
	if [ "$rc" = 124 ]; then
		why="timed out after ${BOOT_TIMEOUT}s"
	elif [ "$rc" != "$want_exit" ]; then
		why="exit status $rc, expected $want_exit"
	fi
	local kind pat
	while [ $# -gt 0 ] && [ -z "$why" ]; do
		kind=$1 pat=$2
		shift 2
		if [ "$kind" = expect ] && ! grep -qE -- "$pat" "$log"; then
			why="no serial line matches: $pat"
		elif [ "$kind" = reject ] && grep -qE -- "$pat" "$log"; then
			why="a serial line matches the rejected: $pat ($(grep -m1 -E -- "$pat" "$log"))"
		fi
	done
	if [ -z "$why" ]; then
		echo "PASS boot/$name"
		passed=$((passed + 1))
	else
		echo "FAIL boot/$name: $why (log: $log)"
		tail -n 15 "$log" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
}

flush() {
	if [ -n "${c_name:-}" ] && [[ "$c_name" =~ $filter ]]; then
		run_case "$c_name" "$c_boot" "$c_smp" "$c_mem" "$c_args" "$c_modules" "$c_exit" \
			"${c_checks[@]}"
	fi
	c_name="" c_boot=kernel c_smp=1 c_mem=512M c_args="" c_modules="" c_exit=33 c_checks=()
}

c_name=""
flush
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in
	'#'*) continue ;;
	'') flush; continue ;;
	esac
	key=${line%%:*}
	val=${line#*: }
	[ "$val" = "$line" ] && val=""
	case "$key" in
	name) c_name=$val ;;
	boot) c_boot=$val ;;
	smp) c_smp=$val ;;
	mem) c_mem=$val ;;
	args) c_args=$val ;;
	modules) c_modules=$val ;;
	exit) c_exit=$val ;;
	expect | reject) c_checks+=("$key" "$val") ;;
	*) echo "run-boot-tests: unknown field '$key' in cases.txt" >&2; exit 2 ;;
	esac
done < tests/boot/cases.txt
flush

echo "boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
