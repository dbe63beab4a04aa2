#!/usr/bin/env bash
# Sourced: exports JAVA_HOME pointing at a JDK 25 or newer (FFM with libbpf needs 22+; the build targets 25).
# Order: $JAVA_HOME, `java` on the PATH, then the newest /usr/lib/jvm/* that qualifies.

tlsscope_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

tlsscope_find_java_home() {
  local candidate major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  while IFS= read -r candidate; do
    candidates+=("$candidate")
  done < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 \( -type d -o -type l \) 2>/dev/null | sort -rV)
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] || continue
    major=$(tlsscope_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no JDK 25 or newer found (looked at JAVA_HOME=${JAVA_HOME:-unset}, java on the PATH, /usr/lib/jvm/*); install one, e.g. Temurin 25" >&2
  return 1
}

JAVA_HOME=$(tlsscope_find_java_home) || exit 1
export JAVA_HOME
