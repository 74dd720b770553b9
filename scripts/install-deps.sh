#!/usr/bin/env bash
# Install the Debian packages Kestrel's build, run and test commands need.
# Idempotent: it does nothing when everything is already there.
#
# QEMU must be 8.0 or newer (7.2's TCG reports a wrong #GP error code for `int $N`
# from 64-bit user mode); on Debian 12 that means the bookworm-backports suite,
# which this script enables from the same mirror the machine already uses.
set -euo pipefail

PKGS=(gcc make binutils gzip grub-pc-bin grub-common xorriso mtools check libsubunit-dev pkg-config)
QEMU_MIN_MAJOR=8

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

qemu_major() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo 0; return; }
	qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p'
}

missing=()
for p in "${PKGS[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
need_qemu=0
[ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] || need_qemu=1

if [ ${#missing[@]} -eq 0 ] && [ $need_qemu -eq 0 ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() { [ $updated -eq 1 ] || { as_root apt-get update -qq; updated=1; }; }

if [ ${#missing[@]} -ne 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	apt_update
	as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $need_qemu -eq 1 ]; then
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	if [ "$codename" = bookworm ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		# Reuse the mirror that already serves the main suite.
		uri=$(grep -rhs '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -n 1 | awk '{print $2}')
		[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n 1 | awk '{print $2}')
		[ -n "$uri" ] || uri=http://deb.debian.org/debian
		echo "install-deps: enabling bookworm-backports from $uri"
		as_root tee /etc/apt/sources.list.d/kestrel-backports.sources >/dev/null <<EOS
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		updated=0
	fi
	apt_update
	echo "install-deps: installing qemu-system-x86 (>= $QEMU_MIN_MAJOR.0)"
	if [ "$codename" = bookworm ]; then
		as_root apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-system-x86 >/dev/null
	else
		as_root apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
	fi
	if [ "$(qemu_major)" -lt "$QEMU_MIN_MAJOR" ]; then
		echo "install-deps: qemu-system-x86_64 is older than $QEMU_MIN_MAJOR.0 after install" >&2
		exit 1
	fi
fi
