#!/bin/sh
# Copies the pricing data (src/pricing/data, the single source) into data/ for go:embed, which
# cannot reach outside the module. Run by `go generate` and by collector/build.sh.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../src/pricing/data"
mkdir -p "$here/data"
for f in prices.json tokenizer-ratios.json equivalence.json; do
  cmp -s "$src/$f" "$here/data/$f" 2>/dev/null || cp "$src/$f" "$here/data/$f"
done
