#!/bin/sh
# Mirrors the pricing data (src/pricing/data, the single source) into data/, which go:embed reads
# (it cannot reach outside the module). data/ is committed so the module builds on its own when
# fetched with a `gomod:` line; drift_test.go fails when it differs. Run by `go generate` and by
# collector/build.sh; outside the tokentax repository (no src/pricing/data) it does nothing.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../src/pricing/data"
[ -d "$src" ] || exit 0
mkdir -p "$here/data"
for f in "$src"/*; do
  [ -f "$f" ] || continue
  name="$(basename "$f")"
  cmp -s "$f" "$here/data/$name" 2>/dev/null || cp "$f" "$here/data/$name"
done
# Files removed from the source leave the copy too.
for f in "$here/data"/*; do
  [ -e "$f" ] || continue
  [ -e "$src/$(basename "$f")" ] || rm -f "$f"
done
