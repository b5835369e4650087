#!/usr/bin/env bash
# Prints the sizes (raw, gzip -9 and brotli -11) of the deployable Worker bundle and of the SPA's
# wasm, js and css,
# as recorded in BENCHMARKS.md. Usage: scripts/sizes.sh DRY_RUN_OUTDIR
source "$(dirname "$0")/common.sh"
cd "$ROOT"
brotli() { node -e 'const z=require("zlib");process.stdout.write(String(z.brotliCompressSync(require("fs").readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1"; }
row() { printf '%-40s %10s bytes raw %10s bytes gzip %10s bytes brotli\n' "$1" "$(wc -c < "$2")" "$(gzip -9c "$2" | wc -c)" "$(brotli "$2")"; }
for f in "$1"/*.wasm "$1"/*.js; do [ -f "$f" ] && row "worker: $(basename "$f")" "$f"; done
for f in dist/*.wasm dist/*.js dist/*.css; do [ -f "$f" ] && row "spa: $(basename "$f")" "$f"; done
