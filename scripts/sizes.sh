#!/usr/bin/env bash
# Prints the sizes (raw and gzip) of the deployable Worker bundle and of the SPA's wasm and js,
# as recorded in BENCHMARKS.md. Usage: scripts/sizes.sh DRY_RUN_OUTDIR
source "$(dirname "$0")/common.sh"
cd "$ROOT"
row() { printf '%-40s %10s bytes raw %10s bytes gzip\n' "$1" "$(wc -c < "$2")" "$(gzip -9c "$2" | wc -c)"; }
for f in "$1"/*.wasm "$1"/*.js; do [ -f "$f" ] && row "worker: $(basename "$f")" "$f"; done
for f in dist/*.wasm dist/*.js; do [ -f "$f" ] && row "spa: $(basename "$f")" "$f"; done
