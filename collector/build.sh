#!/usr/bin/env bash
# Builds the tokentax OpenTelemetry Collector distribution from collector/builder-config.yaml with the
# OpenTelemetry Collector Builder (ocb), fetched from the Go module proxy.
#
#   collector/build.sh            build if needed, print the binary's path on the last line
#
# The binary lands in $TOKENTAX_COLLECTOR_CACHE (default: ${XDG_CACHE_HOME:-~/.cache}/tokentax/otelcol-tokentax,
# outside the repository so CI on a clean clone reuses it) under a directory named after a hash of
# the manifest, the tokentax processor's sources and the pricing data it embeds: unchanged inputs
# never rebuild and a changed one never reuses a stale binary.
# Go's module and build caches (GOMODCACHE, GOCACHE) stay where Go keeps them, so even a changed
# manifest rebuilds warm. On 2 cores: cold (empty Go caches) about 9 minutes, warm Go caches about
# 4 minutes, unchanged manifest instant.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifest="$repo/collector/builder-config.yaml"
cache="${TOKENTAX_COLLECTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokentax/otelcol-tokentax}"
builder_version="$(sed -n 's/^  version: *//p' "$manifest" | head -n1)"

command -v go >/dev/null || { echo "build-collector: Go is not installed (needs go >= 1.24)" >&2; exit 1; }

# go:embed cannot reach src/pricing/data: mirror it into the module's committed data/ copy first (also
# when the binary is cached, so that `go test` in the module sees the current data).
sh "$repo/collector/tokentaxprocessor/sync-data.sh"

# The manifest names every version (builder included); with the processor's sources and data it
# identifies the build. collector/harness.mjs computes the same hash (buildInputsHash) to find the binary.
build_inputs() {
  cat "$manifest"
  local f
  for f in $(cd "$repo" && ls collector/tokentaxprocessor/go.mod collector/tokentaxprocessor/go.sum \
    collector/tokentaxprocessor/*.go | grep -v '_test\.go$' | LC_ALL=C sort); do
    printf '%s\n' "$f"
    cat "$repo/$f"
  done
  for f in $(cd "$repo/collector/tokentaxprocessor/data" && ls | LC_ALL=C sort); do
    printf 'data/%s\n' "$f"
    cat "$repo/collector/tokentaxprocessor/data/$f"
  done
}
hash="$(build_inputs | sha256sum | cut -c1-16)"
out="$cache/$hash"
bin="$out/otelcol-tokentax"

if [[ -x "$bin" ]]; then
  echo "build-collector: up to date ($bin)" >&2
  echo "$bin"
  exit 0
fi

builder="$cache/bin/builder-v$builder_version"
if [[ ! -x "$builder" ]]; then
  echo "build-collector: installing ocb v$builder_version" >&2
  mkdir -p "$cache/bin"
  GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$builder_version"
  mv "$cache/bin/builder" "$builder"
fi

start=$(date +%s)
work="$out.tmp.$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work" "$work.manifest.yaml"' EXIT  # a failed build leaves nothing half-made
# The manifest's output_path is replaced so the sources and binary stay in the cache directory.
sed "s|^  output_path:.*|  output_path: $work|" "$manifest" > "$work.manifest.yaml"
echo "build-collector: building otelcol-tokentax (cold builds take minutes)" >&2
# -trimpath and stripped symbols: smaller binary, reproducible paths.
# The manifest's local module path (./tokentaxprocessor) is relative to collector/.
(cd "$repo/collector" && "$builder" --config "$work.manifest.yaml" --ldflags "-s -w" >&2)
rm -f "$work.manifest.yaml"
rm -rf "$out"
mv "$work" "$out"
echo "build-collector: built in $(( $(date +%s) - start ))s: $bin" >&2
echo "$bin"
