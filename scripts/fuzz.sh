#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of every decoder and credential mask, one target after the
# other, each for a bounded time. A finding fails the run and is written to
# src/test/resources/io/tlsscope/protocol/fuzz/ProtocolFuzzTestInputs/<target>/ as a regression input.
#   scripts/fuzz.sh            20 s per target (what test.sh runs)
#   scripts/fuzz.sh 30m        a longer campaign; the corpus grows in .cifuzz-corpus/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-home.sh
duration=${1:-20s}
for target in postgresSession mysqlSession postgresMask mysqlMask; do
  echo "scripts/fuzz.sh: fuzzing $target for $duration"
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$duration ./mvnw -B -q -o test -Dtest="ProtocolFuzzTest#$target" \
    -Dsurefire.failIfNoSpecifiedTests=false
done
