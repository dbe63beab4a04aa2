#!/usr/bin/env bash
# Go toolchains for the tests that Debian bookworm does not ship: 1.15 (bullseye; the last stack-ABI
# release with Debian packages, and the pclntab 1.2 format) and 1.21, 1.23 (bookworm-backports),
# fetched without installing them (scripts/lib/debian-fetch.sh: apt-get download under a private
# apt configuration). Debian's own golang-1.19-go is installed by scripts/deps.sh.
#   scripts/go-toolchains.sh fetch [CACHE_DIR]   print one line per toolchain: NAME VERSION GOROOT
set -euo pipefail

cache="${2:-${TLSSCOPE_CACHE:-$HOME/.cache/tlsscope}/go}"
# shellcheck source=scripts/lib/debian-fetch.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-fetch.sh"

[ "${1:-}" = fetch ] || { echo "usage: $0 fetch [CACHE_DIR]" >&2; exit 2; }
mkdir -p "$cache"
for release in "1.15|bullseye bullseye-security" "1.21|bookworm-backports" "1.23|bookworm-backports"; do
  IFS='|' read -r minor suites <<< "$release"
  read -r name version root < <(fetch_release "go-$minor" "$suites" "golang-$minor-go golang-$minor-src" "golang-$minor-go")
  echo "$name $version $root/usr/lib/go-$minor"
done
