#!/usr/bin/env bash
# Runs every test: the host unit tests (Check) and the QEMU boot tests. Each reports
# "<suite>: N passed, M failed"; this script adds them up and ends with one line
# "N passed, M failed", exiting non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
log=build/test
mkdir -p "$log"
total_pass=0 total_fail=0

run_suite() {
	local name=$1
	shift
	local out="$log/$name.out" line p f
	"$@" 2>&1 | tee "$out"
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: did not report a result; counted as one failure"
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<< "$line")
	f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<< "$line")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

start=$(date +%s)
echo "== unit tests (host, Check)"
run_suite unit build/unit/unit-tests
echo "== ABI layout (guest-abi/ against Xen's sizes and offsets)"
run_suite abi build/abi/layout
echo "== boot tests (QEMU, TCG)"
run_suite boot bash tests/boot/run-boot-tests.sh
echo "== guest test kernels on Kestrel (the same kernels pass on Xen 4.17: make test-xen)"
run_suite guests bash tests/guests/run-guest-tests.sh kestrel
echo "== $(($(date +%s) - start)) s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
