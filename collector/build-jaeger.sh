#!/usr/bin/env bash
# Builds Jaeger v2 (cmd/jaeger, in-memory storage available) from the Go module proxy, for the
# collector's end-to-end test (test/collector/jaeger.test.ts). Prints the binary path on the last line.
#
# `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0` is refused: Jaeger's go.mod has a
# replace directive (github.com/Shopify/sarama => v1.33.0). So a one-line wrapper module requires
# Jaeger with the same replace and builds the package from it. Module v1.76.0 is the Jaeger v2 line
# (cmd/jaeger is the v2 binary). A cold build takes about 12 minutes on 2 cores; it is cached.
set -euo pipefail
version="${JAEGER_VERSION:-v1.76.0}"
dir="${TOKENTAX_JAEGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokentax/jaeger}/$version"
bin="$dir/jaeger"
if [[ -x "$bin" ]]; then
  echo "collector-jaeger: up to date ($bin)" >&2
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "collector-jaeger: Go is not installed" >&2; exit 1; }
mkdir -p "$dir/src"
cd "$dir/src"
cat > go.mod <<MOD
module tokentax.local/jaegerbuild

go 1.24.6

require github.com/jaegertracing/jaeger $version

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
MOD
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
GO
start=$(date +%s)
go mod tidy >&2
go build -trimpath -ldflags "-s -w" -o "$bin.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2
mv "$bin.tmp" "$bin"
echo "collector-jaeger: built in $(( $(date +%s) - start ))s: $bin" >&2
echo "$bin"
