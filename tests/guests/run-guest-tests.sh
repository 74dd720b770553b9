#!/usr/bin/env bash
# Runs the guest test kernels (build/guests/<name>.elf) as dom0 of a hypervisor in QEMU
# (TCG) and judges each by its "Test result:" line: SUCCESS and SKIP pass; ERROR, FAILURE,
# no line at all (timeout, crash, hang) fail. Prints one line per kernel and ends with
# "guests: N passed, M failed". Logs go to build/test/guests/<hv>/<name>.log.
#
# Usage: run-guest-tests.sh HV [NAME-REGEX]
#   HV = xen      the real Xen 4.17 from scripts/fetch-xen.sh (build/xen/xen)
#   HV = kestrel  build/kestrel
# Environment: GUEST_TIMEOUT (seconds per kernel, default 120), QEMU, XEN_EXTRA_ARGS.
set -uo pipefail
cd "$(dirname "$0")/../.."

hv=${1:-}
filter=${2:-.}
case "$hv" in
xen | kestrel) ;;
*)
	echo "usage: $0 xen|kestrel [NAME-REGEX]" >&2
	exit 2
	;;
esac

QEMU=${QEMU:-qemu-system-x86_64}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-120}
out=build/test/guests/$hv
mkdir -p "$out"

# A small module passed as the dom0 initrd, so the boot test can check mod_start/mod_len.
# Its content is a known pattern: bytes i & 0xff for i in 0..12344 (12345 bytes).
initrd=build/guests/initrd.bin
if [ ! -s "$initrd" ]; then
	mkdir -p build/guests
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(i & 0xff for i in range(12345)))' \
		> "$initrd"
fi

# Xen: 1 vCPU dom0 with 64 MiB; smap=0 is needed under TCG; the console on COM1.
XEN_ARGS="console=com1 com1=115200,8n1 smap=0 dom0_mem=64M,max:64M dom0_max_vcpus=1"
XEN_ARGS+=" loglvl=all guest_loglvl=all ${XEN_EXTRA_ARGS:-}"
KESTREL_ARGS="console=com1 testmode dom0_mem=64M"
# Kestrel's own consistency checks, run in testmode when dom0 ends: any complaint fails.
KESTREL_REJECT='audit: [0-9]+ frames with wrong counts|frame table check|mm: put_page'
# ...and the teardown itself must have happened (dom0 shut down cleanly).


if [ "$hv" = xen ]; then
	image=build/xen/xen
	[ -s "$image" ] || { echo "guests: $image missing; run scripts/fetch-xen.sh" >&2; exit 2; }
	# Lines after which the machine is finished (Xen halts instead of powering off).
	done_re='Hardware Dom0 (halted|shutdown|crashed)|Panic on CPU|Domain 0 crashed|Reboot in five seconds|rebooting machine'
else
	image=build/kestrel
	[ -s "$image" ] || { echo "guests: $image missing; run make" >&2; exit 2; }
	done_re='Panic on CPU|PANIC|panic:'
fi

names=()
for elf in build/guests/*.elf; do
	[ -e "$elf" ] || continue
	n=$(basename "$elf" .elf)
	[[ "$n" =~ $filter ]] && names+=("$n")
done
if [ ${#names[@]} -eq 0 ]; then
	echo "guests: no kernel in build/guests matches '$filter' (run make guest-kernels)" >&2
	echo "guests: 0 passed, 1 failed"
	exit 1
fi

passed=0 failed=0

# vCPUs of dom0 for a kernel: a line " * vcpus: N" in its source, else 1.
kernel_vcpus() {
	local n
	n=$(sed -n 's/^ \* vcpus: \([0-9][0-9]*\)$/\1/p' "tests/guests/$1.c" 2>/dev/null | head -n 1)
	echo "${n:-1}"
}

# Boots one kernel; sets $why (empty on pass) and $verdict.
run_one() {
	local name=$1 log=$2 args media pid start rc=0 seen_result="" vcpus smp=1
	rm -f "$log"
	# A multi-vCPU kernel gets dom0_max_vcpus=N on 2 physical CPUs (so 4 vCPUs also
	# exercise overcommit); every other kernel keeps 1 vCPU on 1 CPU.
	vcpus=$(kernel_vcpus "$name")
	[ "$vcpus" -gt 1 ] && smp=2
	if [ "$hv" = xen ]; then
		args="$XEN_ARGS"
		[ "$vcpus" -gt 1 ] && args=${args/dom0_max_vcpus=1/dom0_max_vcpus=$vcpus}
		media=(-kernel "$image" -append "$args" -initrd "build/guests/$name.elf guest-test,$initrd")
	else
		args="$KESTREL_ARGS"
		[ "$vcpus" -gt 1 ] && args+=" dom0_max_vcpus=$vcpus"
		media=(-kernel "$image" -append "$args"
			-device isa-debug-exit,iobase=0xf4,iosize=0x04
			-initrd "build/guests/$name.elf guest-test,$initrd")
	fi
	timeout "$GUEST_TIMEOUT" "$QEMU" -accel tcg -cpu max -m 512M -smp "$smp" -display none \
		-serial "file:$log" -monitor none -no-reboot "${media[@]}" \
		</dev/null >"$log.qemu" 2>&1 &
	pid=$!
	start=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		if [ -s "$log" ]; then
			if [ -z "$seen_result" ] && grep -aq 'Test result:' "$log"; then
				seen_result=$SECONDS
			fi
			# Give the hypervisor 3 s after the verdict to finish its own lines.
			if grep -aEq "$done_re" "$log" ||
				{ [ -n "$seen_result" ] && [ $((SECONDS - seen_result)) -ge 3 ]; }; then
				sleep 0.5
				kill "$pid" 2>/dev/null
				break
			fi
		fi
		sleep 0.3
	done
	wait "$pid" 2>/dev/null
	rc=$?
	local line
	line=$(tr -d '\r' < "$log" 2>/dev/null | grep -aoE 'Test result: .*$' | tail -n 1)
	verdict=${line#Test result: }
	why=""
	case "$verdict" in
	SUCCESS | SKIP) ;;
	ERROR | FAILURE) why="verdict $verdict" ;;
	"")
		if [ "$rc" = 124 ]; then
			why="no verdict: timed out after ${GUEST_TIMEOUT}s"
		else
			why="no verdict (QEMU exit status $rc)"
		fi
		;;
	*) why="malformed verdict line: '$line'" ;;
	esac
	# Lines " * log-expect: REGEX" / " * log-reject: REGEX" in the test's source are checked
	# against the serial log (for effects the kernel cannot see itself, e.g. console output);
	# " * log-expect-kestrel: REGEX" (or -xen) only on that hypervisor.
	local src="tests/guests/$name.c" pat
	[ -z "$why" ] && [ -f "$src" ] || return 0
	while IFS= read -r pat; do
		[ -n "$pat" ] || continue
		if ! grep -aEq -- "$pat" <(tr -d '\r' < "$log"); then
			why="serial log lacks a line matching: $pat"
			return 0
		fi
	done < <(sed -n -e 's/^ \* log-expect: //p' -e "s/^ \\* log-expect-$hv: //p" "$src")
	while IFS= read -r pat; do
		[ -n "$pat" ] || continue
		if grep -aEq -- "$pat" <(tr -d '\r' < "$log"); then
			why="serial log has a line matching the rejected: $pat"
			return 0
		fi
	done < <(sed -n 's/^ \* log-reject: //p' "$src"; [ "$hv" != kestrel ] || printf '%s\n' "$KESTREL_REJECT")
}

for name in "${names[@]}"; do
	log="$out/$name.log"
	t0=$SECONDS
	run_one "$name" "$log"
	secs=$((SECONDS - t0))
	if [ -z "$why" ]; then
		echo "PASS guest/$name ($hv): $verdict (${secs}s)"
		passed=$((passed + 1))
	else
		echo "FAIL guest/$name ($hv): $why (log: $log)"
		tr -d '\r' < "$log" 2>/dev/null | grep -aE '^(FAILURE|ERROR|SKIP): |Unexpected|\(XEN\).*(crash|Unhandled|d0v0)' |
			head -n 20 | sed 's/^/    | /'
		tr -d '\r' < "$log" 2>/dev/null | tail -n 5 | sed 's/^/    $ /'
		failed=$((failed + 1))
	fi
done

echo "guests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
