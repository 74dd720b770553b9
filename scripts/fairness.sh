#!/usr/bin/env bash
# The fairness part of `make bench` (Kestrel only: on Xen 4.17 creating domUs needs its
# toolstack). One physical CPU, three boot-time domUs beside a dom0 that sleeps:
#   heavy  (weight 512) and light (weight 256) spin over the same 2 s of system time;
#   idler  sleeps in SCHEDOP_poll for 3 s.
# Prints the iterations each spinner counted, their ratio (the credit scheduler should
# give 2.00, within 10 %), and the CPU time the idle guest used (close to 0 ms).
# Needs build/kestrel and build/guests/{domu,spin}.elf. Exits 1 if the run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

QEMU=${QEMU:-qemu-system-x86_64}
log=build/test/fairness.log
mkdir -p build/test
for f in build/kestrel build/guests/domu.elf build/guests/spin.elf; do
	[ -s "$f" ] || { echo "fairness: $f missing (make all guest-kernels)" >&2; exit 2; }
done
spin=build/guests/spin.elf
modules="build/guests/domu.elf wait=4500"
modules+=",$spin domU name=heavy mem=16M weight=512 -- at=1500 spin=2000"
modules+=",$spin domU name=light mem=16M weight=256 -- at=1500 spin=2000"
modules+=",$spin domU name=idler mem=16M -- idle=3000"
timeout 90 "$QEMU" -accel tcg -cpu max -m 512M -smp 1 -display none -monitor none \
	-serial "file:$log" -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel build/kestrel -append "console=com1 testmode dom0_mem=64M dom0_max_vcpus=1" \
	-initrd "$modules" </dev/null >/dev/null 2>&1
rc=$?

# count DOMID: the iterations "(dN) spin: N iterations" reported, or empty.
count() {
	tr -d '\r' < "$log" | sed -n "s/^.*(d$1) spin: \([0-9]*\) iterations.*/\1/p" | tail -n 1
}
heavy=$(count 1)
light=$(count 2)
idle_ms=$(tr -d '\r' < "$log" | sed -n 's/^.*d3: destroyed, .* \([0-9]*\) ms of CPU used.*/\1/p' | tail -n 1)
if [ "$rc" != 33 ] || [ -z "$heavy" ] || [ -z "$light" ] || [ "$light" = 0 ]; then
	echo "fairness: the run failed (QEMU status $rc); see $log"
	exit 1
fi
ratio=$(awk -v h="$heavy" -v l="$light" 'BEGIN { printf "%.2f", h / l }')
ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.8 && r <= 2.2) ? "within 10 %" : "OUTSIDE 10 %" }')
echo "fairness (Kestrel, 1 CPU): weight 512 vs 256 counted $heavy vs $light iterations:" \
	"ratio $ratio (want 2.00, $ok)"
echo "fairness (Kestrel, 1 CPU): an idle domU used ${idle_ms:-?} ms of CPU in 3000 ms"
