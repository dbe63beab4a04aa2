#!/usr/bin/env bash
# Installs what tlsscope needs on Debian 12 that is not there yet (root; idempotent).
#   scripts/deps.sh              build, run and test packages
#   scripts/deps.sh --build-only build and run packages only (what ./run.sh needs)
#   scripts/deps.sh --bench      also what the bench/ scripts need (pgbench-tls.sh, result-flood.sh)
#   scripts/deps.sh --demo       build and run packages, and PostgreSQL for scripts/demo.sh
set -euo pipefail

build_packages=(clang llvm libbpf-dev libbpf1 linux-libc-dev gcc)
# tests: PostgreSQL, python3 TLS fixtures, gcc and binutils (objdump) for the real-library tests,
# curl (Node.js from the npm registry), bpftool (the kernel's own view of links), apt/dpkg (debs)
# a loop-mounted ext4 (e2fsprogs, mount) for the inode-reuse test, Go 1.19 for the Go fixtures,
# MariaDB 10.11 (server and client) for the MySQL protocol tests
# the fleet test (deploy/test/fleet-test.sh): podman with runc (crun fails here), mmdebstrap for the
# base image, Ansible 7 with the podman connection and ansible-lint, python3-yaml for the specs check
test_packages=(postgresql-15 postgresql-client-15 openssl procps util-linux python3 binutils curl bpftool
  ca-certificates dpkg apt debian-archive-keyring e2fsprogs mount golang-1.19-go mariadb-server mariadb-client
  podman runc mmdebstrap ansible ansible-lint python3-yaml)

bench_packages=(bpftrace curl python3)
demo_packages=(postgresql-15 postgresql-client-15 openssl util-linux curl python3)

packages=("${build_packages[@]}")
case "${1:-}" in
  --build-only) ;;
  --bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  --demo) packages+=("${demo_packages[@]}") ;;
  *) packages+=("${test_packages[@]}") ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/deps.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "scripts/deps.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d 101: the PostgreSQL and MariaDB packages must not start their distro servers;
  # tests run their own private clusters
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
