#!/usr/bin/env bash
# usage: bench/pipeline.sh          (PHASE_SECONDS=10 PHASES=capture,raw,query to change; no root, no kernel)
# The capture pipeline without the kernel: recorded pgbench records, built with the kernel's record
# layout, through decode -> mask/decode statements -> bus -> JSON -> SSE over a loopback socket to a
# real HTTP client, on the production classes (PipelineBench). Reports events/s per core of CPU time
# for raw events and for query events, and against feeding the capture alone. The machine's other
# work shares the cores: compare within one run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PHASE_SECONDS=${PHASE_SECONDS:-10}
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh

./mvnw -B -q -DskipTests test-compile                         # the bench (src/test/java/io/tlsscope/api/PipelineBench.java)
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null

"$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.tlsscope.api.PipelineBench "$PHASE_SECONDS" "${PHASES:-capture,raw,query}"
