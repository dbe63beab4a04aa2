# Sourced by the bench scripts (from the repository root): what every run of the packaged service
# needs. Not a script of its own.
#   bench_prepare DEPS_OPTION      root, scripts/deps.sh DEPS_OPTION, the JDK, the jar (built if
#                                  missing; TLSSCOPE_JAR picks another), this run's API token
#   bench_start_service PORT LOG [NAME=VALUE...]
#                                  the service on PORT with the settings given and the launcher's
#                                  heap (deploy/bundle/bin/tlsscope; BENCH_JAVA_OPTS, after it, may
#                                  change it), its output in LOG;
#                                  returns once /q/health/ready answers, service_pid is its pid
#   bench_counter PORT NAME        one counter's value now

bench_prepare() {
  [ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
  scripts/deps.sh "$1"
  # shellcheck source=scripts/java-home.sh
  source scripts/java-home.sh
  jar=${TLSSCOPE_JAR:-target/quarkus-app/quarkus-run.jar}
  [ -f "$jar" ] || ./mvnw -B -q -DskipTests package
  token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') # this run's API token; the service gets its hash
  auth=(-H "Authorization: Bearer $token")
}

bench_start_service() {
  local port=$1 log=$2
  shift 2
  env "$@" QUARKUS_HTTP_PORT="$port" TLSSCOPE_AUTH_TOKENS="admin:sha256:$(printf %s "$token" | sha256sum | cut -d' ' -f1)" \
    TLSSCOPE_AUTH_CREATE_FIRST_TOKEN=false "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms32m -Xmx384m \
    ${BENCH_JAVA_OPTS:-} -jar "$jar" serve \
    > "$log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && return 0
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.3
  done
  echo "tlsscope did not become ready:" >&2
  tail -20 "$log" >&2
  exit 1
}

bench_counter() {
  curl -s "${auth[@]}" "http://127.0.0.1:$1/api/v1/counters" |
    python3 -c 'import json, sys; print(sum(c["value"] for c in json.load(sys.stdin) if c["name"] == sys.argv[1]))' "$2"
}
