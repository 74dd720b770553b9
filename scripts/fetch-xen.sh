#!/usr/bin/env bash
# Fetches the real Xen 4.17 hypervisor (Debian's xen-hypervisor-4.17-amd64) for
# `make test-xen`. The .deb is downloaded with `apt-get download` and unpacked with
# `dpkg -x` into build/xen/; it is never installed. Produces build/xen/xen, the
# uncompressed hypervisor ELF that QEMU's -kernel (multiboot) loader boots.
# Idempotent: quick when build/xen/xen is already there. Nothing here is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

PKG=xen-hypervisor-4.17-amd64
OUT=build/xen

if [ -s "$OUT/xen" ] && [ -s "$OUT/version" ]; then
	exit 0
fi

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

mkdir -p "$OUT/deb"
rm -rf "$OUT/root"
if ! ls "$OUT"/deb/"${PKG}"_*.deb >/dev/null 2>&1; then
	if ! apt-cache show "$PKG" >/dev/null 2>&1; then
		echo "fetch-xen: $PKG unknown to apt; running apt-get update"
		as_root apt-get update -qq
	fi
	echo "fetch-xen: downloading $PKG"
	# apt's sandbox user must be able to write the download directory.
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download -qq "$PKG")
	mv "$tmp"/"${PKG}"_*.deb "$OUT/deb/"
	rm -rf "$tmp"
fi
deb=$(ls "$OUT"/deb/"${PKG}"_*.deb | sort | tail -n 1)
dpkg -x "$deb" "$OUT/root"

# The package ships /boot/xen-4.17-amd64.gz (a gzipped ELF) and sometimes a .config.
img=$(find "$OUT/root/boot" -maxdepth 1 -name 'xen-*.gz' | sort | head -n 1)
if [ -z "$img" ]; then
	echo "fetch-xen: no /boot/xen-*.gz in $deb" >&2
	exit 1
fi
gzip -dc "$img" > "$OUT/xen.tmp"
mv "$OUT/xen.tmp" "$OUT/xen"
dpkg-deb -f "$deb" Version > "$OUT/version"
echo "fetch-xen: $OUT/xen is Xen $(cat "$OUT/version") ($(basename "$img"))"
