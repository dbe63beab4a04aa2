#!/usr/bin/env bash
# usage: bench/rules-eval.sh [SECONDS]     (default 10)
# Statements judged per second on one thread with the built-in rule pack: the statements decoded
# from the recorded pgbench and psql sessions (src/test/resources/fixtures/pg), judged as the rule
# thread does (both ends resolved, facts built, every rule run). Needs no root. Goal: >= 50,000/s.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/java-home.sh
source scripts/java-home.sh
./mvnw -B -q -DskipTests test-compile
classpath=$(./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$classpath" \
  io.tlsscope.rules.RuleEvaluationBench "${1:-10}"
