#!/usr/bin/env bash
# The fleet test, for real on this machine (root; run by ./test.sh):
#   1. two release bundles (scripts/release.sh: the pom's version, and the same sources as a
#      second version for the upgrade);
#   2. the container image from docker/Dockerfile, run with docker/README.md's flags: it serves
#      the API and captures a psql TLS session of the host;
#   3. deploy/ansible against two systemd containers as two hosts: a host failing the preflight is
#      left out while the other is installed, the hardened unit is active and ready and captures
#      psql, a second run changes nothing, --check --diff changes nothing, an upgrade switches and
#      still captures, a version that never gets ready is rolled back, and uninstall.yml leaves no
#      process, unit, file, or BPF program, link or uprobe in the kernel;
#   0. first, being quick: ansible-lint (production profile) and the role's argument specs
#      against its defaults.
# Containers and images are named tlsscope-fleet-*; all are removed at the end. The base image
# (Debian with systemd, made with mmdebstrap from this machine's apt sources) is cached in
# ~/.cache/tlsscope/fleet ($TLSSCOPE_CACHE).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD

[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (containers, eBPF)" >&2; exit 1; }

cache="${TLSSCOPE_CACHE:-$HOME/.cache/tlsscope}/fleet"
work=$(mktemp -d /tmp/tlsscope-fleet-XXXXXX)
chmod 755 "$work" # the test PostgreSQL's user reaches its folder inside
name=tlsscope-fleet-$$
started=$SECONDS
# crun fails here ("cgroups in hybrid mode not supported"); runc works. Raising resource limits is
# refused in this sandbox, so containers get lowered ones.
podman() { command podman --runtime runc "$@"; }
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
passed=0

step() { echo "fleet: [$((SECONDS - started))s] $*"; }
fail() { echo "fleet: FAILED: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...: one assertion, counted
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "fleet:   ok  $what"; else fail "$what"; fi
}

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then # what the services said, for the failure above; the logs are kept
    mkdir -p "$repo/target/fleet-test-logs" && cp "$work"/*.log "$repo/target/fleet-test-logs/" 2>/dev/null || true
    podman logs --tail 40 "$name-image" 2>/dev/null || true
    for host in host1 host2; do podman exec "$name-$host" journalctl -u tlsscope --no-pager -n 40 2>/dev/null || true; done
  fi
  podman rm --force --ignore -t 5 "$name-image" "$name-host1" "$name-host2" >/dev/null 2>&1 || true
  podman rmi -f "localhost/$name-image" >/dev/null 2>&1 || true
  scripts/pg-tls.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "fleet: done in $((SECONDS - started)) s"
  if [ "$rc" -eq 0 ]; then echo "fleet: $passed passed, 0 failed"; else echo "fleet: $passed passed, 1 failed"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "ansible-lint (production profile) and the role's argument specs"
check "argument_specs.yml equals defaults/main.yml" python3 deploy/ansible/tests/check_argument_specs.py
check "ansible-lint production profile" bash -c "cd deploy/ansible && ansible-lint --nocolor -q >'$work/lint.log' 2>&1 || { cat '$work/lint.log'; false; }"

# ---------------------------------------------------------------------------------- bundles
v1=$(python3 -c 'import xml.etree.ElementTree as t; print(t.parse("pom.xml").getroot().find("{http://maven.apache.org/POM/4.0.0}version").text)')
# the upgrade's second version: the same sources built again under another version string
v2="$v1-fleet2"
step "release bundles $v1 and $v2"
dist=$repo/target/dist
# TLSSCOPE_FLEET_REUSE_BUNDLES=1 (development only) keeps bundles already in target/dist;
# TLSSCOPE_FLEET_AFTER_VERIFY=1 (./test.sh, right after its verify) bundles that build as the first
for v in "$v1" "$v2"; do
  if [ "${TLSSCOPE_FLEET_REUSE_BUNDLES:-0}" = 1 ] && [ -f "$dist/tlsscope-$v-linux-x86_64.tar.gz" ]; then continue; fi
  flags=(--version "$v")
  if [ "$v" = "$v1" ] && [ "${TLSSCOPE_FLEET_AFTER_VERIFY:-0}" = 1 ]; then flags+=(--no-build); fi
  scripts/release.sh "${flags[@]}" >"$work/release-$v.log" 2>&1 || { tail -30 "$work/release-$v.log"; fail "scripts/release.sh ${flags[*]}"; }
done
for v in "$v1" "$v2"; do
  check "bundle $v matches its .sha256" bash -c "cd '$dist' && sha256sum --quiet -c 'tlsscope-$v-linux-x86_64.tar.gz.sha256'"
done
# a third version that never becomes ready: the second bundle with a launcher that exits at once
v3="$v1-broken"
mkdir -p "$work/broken"
tar -xzf "$dist/tlsscope-$v2-linux-x86_64.tar.gz" -C "$work/broken"
mv "$work/broken/tlsscope-$v2" "$work/broken/tlsscope-$v3"
printf '#!/bin/sh\necho "broken on purpose by the fleet test" >&2\nexit 1\n' > "$work/broken/tlsscope-$v3/bin/tlsscope"
tar -C "$work/broken" -czf "$work/tlsscope-$v3-linux-x86_64.tar.gz" "tlsscope-$v3"
(cd "$work" && sha256sum "tlsscope-$v3-linux-x86_64.tar.gz" > "tlsscope-$v3-linux-x86_64.tar.gz.sha256")
rm -rf "$work/broken"

# ------------------------------------------------------------------------------- base image
step "base image"
base_tar=$(deploy/test/base-image.sh "$cache")
base=localhost/tlsscope-fleet-base:$(sha256sum "$base_tar" | cut -c1-12)
if ! podman image exists "$base"; then
  podman import --quiet "$base_tar" "$base" >/dev/null
fi

# ------------------------------------------------------------------ a TLS PostgreSQL on the host
pg_port=$(free_port)
scripts/pg-tls.sh start "$work/pg" "$pg_port" >/dev/null
pg_uri="postgresql://postgres@127.0.0.1:$pg_port/postgres?sslmode=require"
token=$(openssl rand -hex 24)
token_hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)

# await_capture WHERE URL MARKER: a psql TLS session on the host (WHERE=host) or in a container
# (WHERE=its name) must show up as a query event at URL, followed from the same place.
await_capture() {
  local where="$1" url="$2" marker="$3" ready="$work/stream-open-$RANDOM" out="$work/event-$RANDOM"
  local run=()
  [ "$where" = host ] || run=(podman exec "$where")
  if [ "$where" = host ]; then
    python3 deploy/test/await_event.py "$url" "$token" "$marker" 40 "$ready" >"$out" &
  else
    podman cp deploy/test/await_event.py "$where:/root/await_event.py"
    podman exec "$where" python3 /root/await_event.py "$url" "$token" "$marker" 40 /root/stream-open >"$out" &
  fi
  local follower=$! i
  for i in $(seq 100); do
    if [ "$where" = host ]; then [ -e "$ready" ] && break; else podman exec "$where" test -e /root/stream-open && break; fi
    sleep 0.2
  done
  "${run[@]}" psql "$pg_uri" -X -q -c "SELECT '$marker' AS fleet" >/dev/null
  wait "$follower" && grep -qF "SELECT '$marker' AS fleet" "$out"
}

# ---------------------------------------------------------------------- the container image
step "container image from docker/Dockerfile"
podman build -q -f docker/Dockerfile --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$v1" \
  -t "localhost/$name-image" "$dist" >/dev/null
image_port=$(free_port)
# docker/README.md's run line, with this sandbox's --runtime runc and lowered limits added
podman run -d --name "$name-image" "${limits[@]}" \
  --pid=host --network=host \
  --cap-drop=ALL --cap-add=SYS_ADMIN --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH \
  -e QUARKUS_HTTP_PORT="$image_port" -e TLSSCOPE_AUTH_TOKENS="viewer:sha256:$token_hash" \
  "localhost/$name-image" >/dev/null
image_url=http://127.0.0.1:$image_port
wait_ready() { # wait_ready URL SECONDS [CONTAINER]
  local i
  for i in $(seq "$2"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/q/health/ready")" = 200 ] && return 0
    sleep 1
  done
  return 1
}
check "the image's service gets ready" wait_ready "$image_url" 120
check "the image captures a psql TLS session of the host" await_capture host "$image_url" "fleet-image-$RANDOM"
# the image's own libssl (its base has one) is used by no process there: it must not be attached
image_libssl=$(podman exec "$name-image" stat -L -c %i /usr/lib/x86_64-linux-gnu/libssl.so.3)
check "the image's own libssl (inode $image_libssl) is not attached" bash -c \
  "curl -s -H 'Authorization: Bearer $token' $image_url/api/v1/libraries \
   | python3 -c 'import json,sys; sys.exit(1 if any(l[\"inode\"] == $image_libssl for l in json.load(sys.stdin)) else 0)'"
podman rm -f -t 10 "$name-image" >/dev/null
podman rmi -f "localhost/$name-image" >/dev/null

# ------------------------------------------------------------ two systemd containers as hosts
step "two systemd hosts"
for host in host1 host2; do
  podman run -d --name "$name-$host" --hostname "$name-$host" "${limits[@]}" --privileged --network=host \
    --systemd=always "$base" /lib/systemd/systemd >/dev/null
done
for host in host1 host2; do
  for i in $(seq 60); do
    state=$(podman exec "$name-$host" systemctl is-system-running 2>/dev/null || true)
    [ "$state" = running ] || [ "$state" = degraded ] && break
    sleep 1
  done
  # A long-running TLS client, as a database host has one (the server, a pooler, an application):
  # inside this nested PID namespace tlsscope finds libssl through the /proc scan at its start
  # (new processes are named by host PIDs in the kernel's events), and from then on every
  # process's calls through that libssl are traced.
  podman exec "$name-$host" systemd-run --quiet --unit tlsscope-fleet-app \
    psql "$pg_uri" -X -q -c "SELECT pg_sleep(100000)" >/dev/null
done

port1=$(free_port); port2=$(free_port)
inventory() { # inventory FILE [HOST2_EXTRA_YAML]
  cat > "$1" <<YAML
tlsscope:
  hosts:
    $name-host1:
      tlsscope_listen_port: $port1
    $name-host2:
      tlsscope_listen_port: $port2
${2:-}
  vars:
    ansible_connection: containers.podman.podman
    ansible_python_interpreter: /usr/bin/python3
    # the test connects as root; the hosts have no sudo
    ansible_become: false
    tlsscope_bundle_local_dir: $dist
    tlsscope_tokens:
      - name: fleet-test
        role: viewer
        token: $token
YAML
}
inventory "$work/inventory.yml"
inventory "$work/inventory-nobtf.yml"
python3 - "$work/inventory-nobtf.yml" "$name-host2" <<'PY'
import sys, yaml
path, host = sys.argv[1], sys.argv[2]
inventory = yaml.safe_load(open(path))
inventory["tlsscope"]["hosts"][host] = dict(inventory["tlsscope"]["hosts"][host], tlsscope_btf_path="/nonexistent/vmlinux")
yaml.safe_dump(inventory, open(path, "w"))
PY

export ANSIBLE_CONFIG=$repo/deploy/ansible/ansible.cfg ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1
playbook() { # playbook LOG ARGS...: runs ansible-playbook from deploy/ansible, output in LOG
  local log="$1"; shift
  # one batch of both hosts (the test's time), unless a run says otherwise
  (cd deploy/ansible && ansible-playbook -e tlsscope_serial=100% "$@") >"$log" 2>&1
}
recap() { # recap LOG HOST FIELD: a number from the play recap
  grep -E "^$2 +:" "$1" | tail -1 | grep -oE "$3=[0-9]+" | cut -d= -f2
}
on() { podman exec "$name-$1" "${@:2}"; }
ready_on() { # ready_on HOST PORT: /q/health/ready answers 200 inside the host
  local i
  for i in $(seq 60); do
    on "$1" python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$2/q/health/ready')" 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

step "deploy $v1: host2's preflight fails (BTF path), host1 is installed"
playbook "$work/deploy1.log" -i "$work/inventory-nobtf.yml" deploy.yml -e "tlsscope_version=$v1" \
  || { cat "$work/deploy1.log"; fail "deploy.yml with a failing preflight on host2 must still succeed for host1"; }
check "host2 is reported with the missing BTF path" grep -q "left out: /nonexistent/vmlinux is missing" "$work/deploy1.log"
check "host2 is left out: nothing installed there" bash -c "! podman exec $name-host2 test -e /opt/tlsscope"
check "host1: unit active" on host1 systemctl is-active --quiet tlsscope
check "host1: ready" ready_on host1 "$port1"
check "host1: the unit runs hardened (capabilities, read-only system, no new privileges)" bash -c \
  "podman exec $name-host1 systemctl show tlsscope -p CapabilityBoundingSet -p NoNewPrivileges -p ProtectSystem -p ProtectHome -p PrivateTmp -p ReadWritePaths \
   | tee '$work/unit-props' | grep -q '^NoNewPrivileges=yes' && grep -q '^ProtectSystem=strict' '$work/unit-props' && grep -q '^ReadWritePaths=/var/lib/tlsscope' '$work/unit-props' \
   && grep -q '^CapabilityBoundingSet=cap_dac_read_search cap_sys_ptrace cap_sys_admin$' '$work/unit-props'"
check "host1: only the token's hash is on the host" bash -c \
  "podman exec $name-host1 grep -q 'viewer:sha256:$token_hash' /etc/tlsscope/tokens && ! podman exec $name-host1 grep -rq '$token' /etc/tlsscope /var/lib/tlsscope /opt/tlsscope/current/etc"
check "host1: captures a psql TLS session made on the host" await_capture "$name-host1" "http://127.0.0.1:$port1" "fleet-host1-$RANDOM"

step "deploy $v1 to both: host2 is installed, host1's second run changes nothing"
playbook "$work/deploy2.log" -i "$work/inventory.yml" deploy.yml -e "tlsscope_version=$v1" || { cat "$work/deploy2.log"; fail "deploy.yml"; }
check "host1: the second run with the same inputs changes nothing (idempotent)" test "$(recap "$work/deploy2.log" "$name-host1" changed)" = 0
check "host2: installed now" test "$(recap "$work/deploy2.log" "$name-host2" changed)" -gt 0
check "host2: ready" ready_on host2 "$port2"

step "--check --diff of the upgrade to $v2"
playbook "$work/check.log" -i "$work/inventory.yml" deploy.yml -e "tlsscope_version=$v2" --check --diff \
  || { cat "$work/check.log"; fail "deploy.yml --check --diff"; }
check "--check --diff shows the link switch it would make" bash -c "sed -n '/Switch to the version $v2/,/^TASK/p' '$work/check.log' | grep -q '^changed: \\[' \
  && sed -n '/Switch to the version $v2/,/^TASK/p' '$work/check.log' | grep -q '+.*/opt/tlsscope/$v2'"
for host in host1 host2; do
  check "$host: --check changed nothing (still $v1)" test "$(on "$host" readlink /opt/tlsscope/current)" = "/opt/tlsscope/$v1"
done

step "upgrade to $v2"
playbook "$work/upgrade.log" -i "$work/inventory.yml" deploy.yml -e "tlsscope_version=$v2" || { cat "$work/upgrade.log"; fail "upgrade"; }
for host in host1 host2; do
  check "$host: current is $v2" test "$(on "$host" readlink /opt/tlsscope/current)" = "/opt/tlsscope/$v2"
  check "$host: tlsscope version says $v2" bash -c "podman exec $name-$host tlsscope version | grep -qx 'tlsscope $v2'"
done
check "host2: ready after the upgrade" ready_on host2 "$port2"
check "host2: captures a psql TLS session after the upgrade" await_capture "$name-host2" "http://127.0.0.1:$port2" "fleet-host2-$RANDOM"

step "a version that never gets ready is rolled back"
if playbook "$work/broken.log" -i "$work/inventory.yml" deploy.yml -e "tlsscope_version=$v3" -e "tlsscope_bundle_local_dir=$work" \
     -e tlsscope_hosts="$name-host1" -e tlsscope_ready_timeout=20; then
  cat "$work/broken.log"; fail "deploying a broken version must fail"
fi
check "the failure names the rollback" grep -q "rolled back to /opt/tlsscope/$v2" "$work/broken.log"
check "the journal lines are shown" grep -q "broken on purpose by the fleet test" "$work/broken.log"
check "host1: current is $v2 again" test "$(on host1 readlink /opt/tlsscope/current)" = "/opt/tlsscope/$v2"
check "host1: ready again" ready_on host1 "$port1"

# the kernel objects of the two hosts' tracers, to check that uninstall leaves none behind
tracer_pids() { for host in host1 host2; do podman exec "$name-$host" systemctl show -p MainPID --value tlsscope; done; }
kernel_objects() { # the BPF programs, links and perf events (uprobes) held by processes of the two hosts
  python3 deploy/test/kernel_objects.py "$(podman inspect -f '{{.Id}}' "$name-host1")" "$(podman inspect -f '{{.Id}}' "$name-host2")"
}
kernel_objects > "$work/kernel-before"
check "both tracers hold BPF programs and uprobes before uninstall" grep -q "uprobe" "$work/kernel-before"

step "uninstall"
playbook "$work/uninstall.log" -i "$work/inventory.yml" uninstall.yml || { cat "$work/uninstall.log"; fail "uninstall.yml"; }
for host in host1 host2; do
  check "$host: no tlsscope process" bash -c "! podman exec $name-$host pgrep -f /opt/tlsscope"
  check "$host: no unit" bash -c "[ \"\$(podman exec $name-$host systemctl show -p LoadState --value tlsscope)\" = not-found ]"
  check "$host: no file" bash -c "! podman exec $name-$host ls -d /opt/tlsscope /etc/tlsscope /var/lib/tlsscope /etc/systemd/system/tlsscope.service /etc/systemd/system/tlsscope.service.d /usr/local/bin/tlsscope 2>/dev/null"
done
kernel_objects > "$work/kernel-after"
check "no BPF program, link or uprobe of the hosts' tracers is left in the kernel" test ! -s "$work/kernel-after"
check "and none of the earlier programs exists any more" python3 deploy/test/kernel_objects.py --gone "$work/kernel-before"
