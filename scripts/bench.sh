#!/usr/bin/env bash
# Runs the bench guest kernel (tests/guests/bench.c) on Kestrel and on the real Xen 4.17
# in the same QEMU setup and prints a table of TSC cycles per operation (timer_late_ns: ns):
#   metric | Kestrel cycles | Xen 4.17 cycles | ratio (Kestrel/Xen)
# "n/a" where a hypervisor could not run the kernel. Needs build/guests/bench.elf
# (make guest-kernels); fetches Xen with scripts/fetch-xen.sh. Exits 0 unless nothing
# at all could be measured.
set -uo pipefail
cd "$(dirname "$0")/.."

[ -s build/guests/bench.elf ] || { echo "bench: build/guests/bench.elf missing (make guest-kernels)" >&2; exit 2; }
bash scripts/fetch-xen.sh || echo "bench: could not fetch Xen 4.17" >&2

metrics=(null_hypercall syscall_bounce mmu_update_512 pin_unpin_tree ptwr_write evtchn_latency
	timer_late_ns)

# value HV METRIC: the number from "bench: METRIC N" in that hypervisor's log, or n/a.
value() {
	local log="build/test/guests/$1/bench.log" v
	v=$(tr -d '\r' < "$log" 2>/dev/null | sed -n "s/^bench: $2 \([0-9][0-9]*\)\$/\1/p" | tail -n 1)
	echo "${v:-n/a}"
}

for hv in kestrel xen; do
	if [ "$hv" = kestrel ] && [ ! -s build/kestrel ]; then
		echo "bench: build/kestrel missing; Kestrel column is n/a" >&2
		rm -f build/test/guests/kestrel/bench.log
		continue
	fi
	if [ "$hv" = xen ] && [ ! -s build/xen/xen ]; then
		rm -f build/test/guests/xen/bench.log
		continue
	fi
	echo "== bench on $hv"
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-120} bash tests/guests/run-guest-tests.sh "$hv" '^bench$' |
		sed 's/^/   /'
done

echo
printf '%-16s | %14s | %15s | %s\n' metric "Kestrel cycles" "Xen 4.17 cycles" "ratio (Kestrel/Xen)"
printf '%-16s-+-%14s-+-%15s-+-%s\n' ---------------- -------------- --------------- -------------------
measured=0
for m in "${metrics[@]}"; do
	k=$(value kestrel "$m")
	x=$(value xen "$m")
	ratio=n/a
	if [ "$k" != n/a ] && [ "$x" != n/a ] && [ "$x" -gt 0 ]; then
		ratio=$(awk -v k="$k" -v x="$x" 'BEGIN { printf "%.2f", k / x }')
	fi
	[ "$k" != n/a ] || [ "$x" != n/a ] && measured=1
	printf '%-16s | %14s | %15s | %s\n' "$m" "$k" "$x" "$ratio"
done
echo
bash scripts/fairness.sh || echo "fairness: not measured"
[ "$measured" = 1 ]
