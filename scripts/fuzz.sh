#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer), one target after the other, each for a bounded time: every
# protocol decoder and credential mask (ProtocolFuzzTest), and every parser of the files traced
# processes control (ElfFuzzTest: ELF, pclntab, DWARF, Go build info, OpenSSL version banner).
# A finding fails the run and is written to src/test/resources/io/tlsscope/<package>/fuzz/
# <Class>Inputs/<target>/ as a regression input (rename it finding-<what>).
#   scripts/fuzz.sh            20 s per protocol target, 12 s per binary-parser target (what test.sh runs)
#   scripts/fuzz.sh 30m        a longer campaign for every target; the corpus grows in .cifuzz-corpus/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-home.sh
protocol_duration=${1:-20s}
binary_duration=${1:-12s}
# compiled once; each target then runs in a JVM of its own (Jazzer fuzzes one target per JVM)
./mvnw -B -q -o test-compile
fuzz() {
  echo "scripts/fuzz.sh: fuzzing $1 for $2"
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$2 ./mvnw -B -q -o surefire:test -Dtest="$1" -Dsurefire.failIfNoSpecifiedTests=false
}
for target in postgresSession mysqlSession postgresMask mysqlMask; do
  fuzz "ProtocolFuzzTest#$target" "$protocol_duration"
done
for target in elfFile pclntab dwarf goBuildInfo openSslVersion; do
  fuzz "ElfFuzzTest#$target" "$binary_duration"
done
