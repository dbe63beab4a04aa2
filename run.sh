#!/usr/bin/env bash
# The main job: build if needed, then run the tlsscope service tracing this host (as root).
# Settings are environment variables, e.g. QUARKUS_HTTP_PORT=8080 sudo -E ./run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ "$(id -u)" -ne 0 ]; then
  echo "run.sh: tlsscope loads eBPF programs and must run as root: sudo ./run.sh" >&2
  exit 1
fi
scripts/deps.sh --build-only
source scripts/java-home.sh

jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building tlsscope"
  ./mvnw -B -q -DskipTests package
fi
# the release launcher's heap (deploy/bundle/bin/tlsscope says why); TLSSCOPE_JAVA_OPTS comes after, so it wins
# shellcheck disable=SC2086 # TLSSCOPE_JAVA_OPTS is a list of options
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms32m -Xmx384m ${TLSSCOPE_JAVA_OPTS:-} -jar "$jar" serve "$@"
