#!/usr/bin/env bash
# Real OpenSSL releases for the tests, from Debian's archive, never installed system-wide
# (scripts/lib/debian-fetch.sh: apt-get download under a private apt configuration).
#   scripts/openssl-libs.sh fetch [CACHE_DIR]   fetch what is missing; print one line per release:
#                                               NAME VERSION ROOT LIBSSL
# ROOT is the unpacked tree. Releases newer than this system's glibc also carry their own libc6:
# run their programs through ROOT's loader (see OpenSslRelease in the test support).
set -euo pipefail

cache="${2:-${TLSSCOPE_CACHE:-$HOME/.cache/tlsscope}/openssl}"
# shellcheck source=scripts/lib/debian-fetch.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-fetch.sh"

# name, Debian suite(s), packages (libc6 where the release needs a newer glibc than bookworm's)
RELEASES=(
  "openssl-1.1.1|bullseye bullseye-security|libssl1.1 openssl"
  "openssl-3.5|trixie trixie-security|libssl3t64 openssl openssl-provider-legacy libc6 libzstd1 zlib1g"
)

[ "${1:-}" = fetch ] || { echo "usage: $0 fetch [CACHE_DIR]" >&2; exit 2; }
mkdir -p "$cache"
for release in "${RELEASES[@]}"; do
  IFS='|' read -r name suites packages <<< "$release"
  read -r name version root < <(fetch_release "$name" "$suites" "$packages" openssl)
  echo "$name $version $root $(find "$root" -name 'libssl.so.*' -type f | head -n 1)"
done
