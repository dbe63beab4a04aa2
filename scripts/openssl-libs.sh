#!/usr/bin/env bash
# Real OpenSSL releases for the tests, from Debian's archive, never installed system-wide:
# packages are fetched with `apt-get download` under a private apt configuration (own sources
# list, state and cache in the cache folder) and unpacked with dpkg-deb -x.
#   scripts/openssl-libs.sh fetch [CACHE_DIR]   fetch what is missing; print one line per release:
#                                               NAME VERSION ROOT LIBSSL
# ROOT is the unpacked tree. Releases newer than this system's glibc also carry their own libc6:
# run their programs through ROOT's loader (see the `run` helper in the test support).
set -euo pipefail

cache="${2:-${TLSSCOPE_CACHE:-$HOME/.cache/tlsscope}/openssl}"

# name, Debian suite(s), packages (libc6 where the release needs a newer glibc than bookworm's)
RELEASES=(
  "openssl-1.1.1|bullseye bullseye-security|libssl1.1 openssl"
  "openssl-3.5|trixie trixie-security|libssl3t64 openssl openssl-provider-legacy libc6 libzstd1 zlib1g"
)

# Debian's archive keys (bullseye, bookworm and trixie are all in bookworm's keyring package)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

usage() { echo "usage: $0 fetch [CACHE_DIR]" >&2; exit 2; }
[ "${1:-}" = fetch ] || usage

# A private apt for one suite set: nothing under /etc/apt or /var/lib/apt is read or written.
private_apt() {
  local name="$1" suites="$2" dir="$cache/.apt-$1"
  mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc"
  : > "$dir/etc/sources.list"
  for suite in $suites; do
    case "$suite" in
      *-security) echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian-security $suite main" ;;
      *) echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian $suite main" ;;
    esac >> "$dir/etc/sources.list"
  done
  APT_OPTIONS=(-o "Dir::Etc::sourcelist=$dir/etc/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::lists=$dir/lists" -o "Dir::State::status=/dev/null" -o "Dir::Cache=$dir"
    -o "Dir::Cache::archives=$dir/archives" -o "Dir::Etc::trustedparts=-" -o "APT::Architecture=amd64"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=true")
  apt-get "${APT_OPTIONS[@]}" -qq update >&2 || { echo "$0: apt-get update for $name ($suites) failed" >&2; exit 1; }
}

fetch_release() {
  local name="$1" suites="$2" packages="$3" root="$cache/$1"
  if [ ! -f "$root/.complete" ]; then
    private_apt "$name" "$suites"
    local staging
    staging="$(mktemp -d "$cache/.fetch-XXXXXX")"
    # apt-get download picks the newest version across the suites (security updates included)
    # shellcheck disable=SC2086 # packages is a word list
    (cd "$staging" && apt-get "${APT_OPTIONS[@]}" -qq download $packages >&2) \
      || { echo "$0: apt-get download $packages failed" >&2; rm -rf "$staging"; exit 1; }
    rm -rf "$root"
    mkdir -p "$root"
    for deb in "$staging"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    ls "$staging" > "$root/.packages"
    rm -rf "$staging"
    touch "$root/.complete" # last, so a half-done fetch is redone
  fi
  local libssl version
  libssl="$(find "$root" -name 'libssl.so.*' -type f | head -n 1)"
  version="$(grep -o 'openssl_[^_]*' "$root/.packages" | head -n 1 | cut -d_ -f2)"
  echo "$name $version $root $libssl"
}

mkdir -p "$cache"
for release in "${RELEASES[@]}"; do
  IFS='|' read -r name suites packages <<< "$release"
  fetch_release "$name" "$suites" "$packages"
done
