#!/usr/bin/env bash
# The test suite, end-to-end tests on the real kernel included (as root: they load eBPF,
# start a private PostgreSQL with TLS and attach to real libssl).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ "$(id -u)" -ne 0 ]; then
  echo "test.sh: the tests load eBPF programs and must run as root: sudo ./test.sh" >&2
  exit 1
fi
scripts/deps.sh
source scripts/java-home.sh
./mvnw -B verify "$@"
# the release bundle, the container image and the Ansible role, for real (podman, systemd containers)
TLSSCOPE_FLEET_AFTER_VERIFY=1 deploy/test/fleet-test.sh
# coverage-guided fuzzing of the protocol decoders and masks (20 s per target) and the binary parsers (12 s each)
exec scripts/fuzz.sh
