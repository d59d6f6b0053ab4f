#!/usr/bin/env bash
# Proves the tokentax processor is usable from another distribution with one `gomod:` line: exports
# the committed module with `git archive` (no sibling src/, nothing untracked or ignored) to a directory
# outside the repository, runs `go vet` and `go test` there, then builds a small collector with OCB from
# a manifest that adds the module with one gomod line whose `path:` is that export, and checks that the
# binary lists the `tokentax` processor.
#
#   collector/check-module.sh [REF]     (default HEAD) prints the binary's path on the last line
#
# The binary is cached under $TOKENTAX_COLLECTOR_CACHE/module-check/ by the module's git tree hash and
# the manifest below; the builder is the one collector/build.sh installs (same version).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-HEAD}"
cache="${TOKENTAX_COLLECTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokentax/otelcol-tokentax}"
builder_version="$(sed -n 's/^  version: *//p' "$repo/collector/builder-config.yaml" | head -n1)"
core_version="$(sed -n 's|.*confmap/provider/fileprovider \(v[0-9.]*\).*|\1|p' "$repo/collector/builder-config.yaml")"
module=github.com/tokentax/tokentax/collector/tokentaxprocessor

command -v go >/dev/null || { echo "check-module: Go is not installed" >&2; exit 1; }
tree="$(git -C "$repo" rev-parse "$ref:collector/tokentaxprocessor")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export_dir="$work/tokentaxprocessor"
mkdir -p "$export_dir"
git -C "$repo" archive --format=tar "$ref:collector/tokentaxprocessor" | tar -x -C "$export_dir"
echo "check-module: exported $ref:collector/tokentaxprocessor ($tree) to $export_dir" >&2

(cd "$export_dir" && go vet ./... && go test -count=1 ./... >&2)

manifest() {
  cat <<YAML
dist:
  name: otelcol-module-check
  description: A distribution that adds the tokentax processor with one gomod line
  version: 0.0.1
  output_path: $1
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$builder_version
processors:
  - gomod: $module v0.0.0
    path: $export_dir
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlphttpexporter v$builder_version
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider $core_version
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider $core_version
YAML
}
key="$( (echo "$tree"; manifest OUT | grep -v "path: $export_dir") | sha256sum | cut -c1-16)"
out="$cache/module-check/$key"
bin="$out/otelcol-module-check"
if [[ ! -x "$bin" ]]; then
  builder="$cache/bin/builder-v$builder_version"
  if [[ ! -x "$builder" ]]; then
    mkdir -p "$cache/bin"
    GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$builder_version"
    mv "$cache/bin/builder" "$builder"
  fi
  manifest "$work/dist" > "$work/manifest.yaml"
  echo "check-module: building a collector from $work/manifest.yaml (minutes on a cold Go cache)" >&2
  (cd "$work" && "$builder" --config "$work/manifest.yaml" --ldflags "-s -w" >&2)
  mkdir -p "$out"
  mv "$work/dist/otelcol-module-check" "$bin"
fi
"$bin" components | grep -q -- "- name: tokentax" || {
  echo "check-module: $bin does not list the tokentax processor" >&2
  exit 1
}
echo "check-module: ok, $bin has the tokentax processor" >&2
echo "$bin"
