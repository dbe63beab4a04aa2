#!/usr/bin/env bash
# The fleet test's base image as a root file system tarball: Debian (this machine's release) with
# systemd, python3 (Ansible's modules) and psql, made by mmdebstrap from the Debian archives this
# machine's apt already uses. Made once and kept in CACHE_DIR; prints the tarball's path.
#   deploy/test/base-image.sh CACHE_DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cache="${1:?usage: $0 CACHE_DIR}"
source scripts/lib/debian-mirror.sh

suite=$(debian_codename)
packages=systemd,systemd-sysv,python3,postgresql-client,procps
tarball="$cache/$suite-$(echo "$packages" | sha256sum | cut -c1-8).tar"
if [ ! -f "$tarball" ]; then
  mkdir -p "$cache"
  mirror=$(debian_mirror)
  security=$(debian_security_mirror)
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  # unsafe-io: a throw-away test image need not survive a power cut half-way through dpkg
  mmdebstrap --quiet --format=tar --variant=apt --include="$packages" --dpkgopt=force-unsafe-io "$suite" "$tarball.partial" \
    "deb [signed-by=$keyring] $mirror $suite main" \
    "deb [signed-by=$keyring] $mirror $suite-updates main" \
    "deb [signed-by=$keyring] $security $suite-security main" >&2
  mv "$tarball.partial" "$tarball"
fi
echo "$tarball"
