#!/usr/bin/env bash
# The local stack in one command (npm run stack): the tokentax collector (collector/config.yaml) and
# Jaeger v2 (collector/jaeger.yaml, in-memory storage), both on 127.0.0.1. Point an app at the
# collector and look at its spans in Jaeger's UI. Ctrl-C (or SIGTERM) stops both.
#
#   collector/stack.sh            builds the binaries on first use (collector/build.sh, build-jaeger.sh)
#
# Ports (environment): TOKENTAX_OTLP_HTTP_ENDPOINT (127.0.0.1:4318), TOKENTAX_OTLP_GRPC_ENDPOINT
# (127.0.0.1:4317), TOKENTAX_PROMETHEUS_ENDPOINT (127.0.0.1:9464), TOKENTAX_COLLECTOR_TELEMETRY_PORT
# (8888), TOKENTAX_JAEGER_UI_PORT (16686), TOKENTAX_JAEGER_OTLP_PORT (14317: the collector's default
# export target), TOKENTAX_JAEGER_OTLP_HTTP_PORT (14318), TOKENTAX_JAEGER_GRPC_PORT (16685).
# TOKENTAX_COLLECTOR_BIN / TOKENTAX_JAEGER_BIN use those binaries instead of building.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "stack: $*" >&2; }

collector_bin="${TOKENTAX_COLLECTOR_BIN:-}"
jaeger_bin="${TOKENTAX_JAEGER_BIN:-}"
if [[ -z "$collector_bin" ]]; then
  say "collector binary (collector/build.sh; the first build takes several minutes)"
  collector_bin="$(bash "$repo/collector/build.sh" | tail -n1)"
fi
if [[ -z "$jaeger_bin" ]]; then
  say "Jaeger binary (collector/build-jaeger.sh; the first build takes several minutes)"
  jaeger_bin="$(bash "$repo/collector/build-jaeger.sh" | tail -n1)"
fi
for bin in "$collector_bin" "$jaeger_bin"; do
  [[ -x "$bin" ]] || { say "not an executable: $bin"; exit 1; }
done

# collector/jaeger.yaml reads these (same defaults there).
export TOKENTAX_JAEGER_UI_PORT="${TOKENTAX_JAEGER_UI_PORT:-16686}"
export TOKENTAX_JAEGER_OTLP_PORT="${TOKENTAX_JAEGER_OTLP_PORT:-14317}"
export TOKENTAX_JAEGER_OTLP_HTTP_PORT="${TOKENTAX_JAEGER_OTLP_HTTP_PORT:-14318}"
export TOKENTAX_JAEGER_GRPC_PORT="${TOKENTAX_JAEGER_GRPC_PORT:-16685}"
ui_port="$TOKENTAX_JAEGER_UI_PORT"
jaeger_otlp_port="$TOKENTAX_JAEGER_OTLP_PORT"
otlp_http="${TOKENTAX_OTLP_HTTP_ENDPOINT:-127.0.0.1:4318}"
otlp_grpc="${TOKENTAX_OTLP_GRPC_ENDPOINT:-127.0.0.1:4317}"
prometheus="${TOKENTAX_PROMETHEUS_ENDPOINT:-127.0.0.1:9464}"

work="$(mktemp -d "${TMPDIR:-/tmp}/tokentax-stack.XXXXXX")"

jaeger_pid=""
collector_pid=""
stop() {
  trap - INT TERM EXIT
  local pids=()
  [[ -n "$collector_pid" ]] && pids+=("$collector_pid")
  [[ -n "$jaeger_pid" ]] && pids+=("$jaeger_pid")
  if ((${#pids[@]})); then
    say "stopping (collector first, so it can flush to Jaeger)"
    [[ -n "$collector_pid" ]] && kill -TERM "$collector_pid" 2>/dev/null || true
    [[ -n "$collector_pid" ]] && wait "$collector_pid" 2>/dev/null || true
    [[ -n "$jaeger_pid" ]] && kill -TERM "$jaeger_pid" 2>/dev/null || true
    [[ -n "$jaeger_pid" ]] && wait "$jaeger_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  say "stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# Waits until host:port accepts connections, or the process is gone, or 60 s have passed.
wait_port() {
  local name="$1" pid="$2" host="${3%:*}" port="${3##*:}"
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { say "$name exited; its log:"; tail -n 30 "$work/$name.log" >&2; return 1; }
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  say "$name did not open $host:$port within 60 s; its log:"
  tail -n 30 "$work/$name.log" >&2
  return 1
}

# Jaeger would trace itself into the collector on 4317, cluttering the UI with its own spans and
# slowing its exit; the stack is for the application's traces.
OTEL_TRACES_SAMPLER=always_off "$jaeger_bin" --config "$repo/collector/jaeger.yaml" >"$work/jaeger.log" 2>&1 &
jaeger_pid=$!
wait_port jaeger "$jaeger_pid" "127.0.0.1:$ui_port"
wait_port jaeger "$jaeger_pid" "127.0.0.1:$jaeger_otlp_port"

TOKENTAX_EXPORT_ENDPOINT="127.0.0.1:$jaeger_otlp_port" TOKENTAX_EXPORT_INSECURE=true \
  TOKENTAX_OTLP_HTTP_ENDPOINT="$otlp_http" TOKENTAX_OTLP_GRPC_ENDPOINT="$otlp_grpc" \
  TOKENTAX_PROMETHEUS_ENDPOINT="$prometheus" \
  "$collector_bin" --config "$repo/collector/config.yaml" >"$work/collector.log" 2>&1 &
collector_pid=$!
wait_port collector "$collector_pid" "$otlp_http"

cat <<EOF
tokentax local stack is up (collector pid $collector_pid, Jaeger pid $jaeger_pid)
  Jaeger UI:          http://127.0.0.1:$ui_port
  send OTLP to:       http://$otlp_http (HTTP), $otlp_grpc (gRPC)
                      e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://$otlp_http node --import tokentax/register app.mjs
  Prometheus metrics: http://$prometheus/metrics
  logs:               $work/collector.log, $work/jaeger.log
Ctrl-C stops both.
EOF

# Until a signal arrives, or one of the two exits on its own (then stop the other and fail).
set +e
wait -n "$collector_pid" "$jaeger_pid"
status=$?
set -e
for name in collector jaeger; do
  pid_var="${name}_pid"
  if ! kill -0 "${!pid_var}" 2>/dev/null; then
    say "$name exited (status $status); its log:"
    tail -n 30 "$work/$name.log" >&2
    printf -v "$pid_var" '%s' ""
  fi
done
exit 1
