#!/usr/bin/env bash
# Prints the sizes (raw, gzip -9 and brotli -11) of the deployable Worker bundle, of the SPA's
# first download (main wasm, its js, the split loader and the css: sign-in and the task list) and
# of all the modules fetched later, as recorded in BENCHMARKS.md.
# Usage: scripts/sizes.sh DRY_RUN_OUTDIR
source "$(dirname "$0")/common.sh"
cd "$ROOT"
brotli() { node -e 'const z=require("zlib");process.stdout.write(String(z.brotliCompressSync(require("fs").readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1"; }
row() { printf '%-40s %10s bytes raw %10s bytes gzip %10s bytes brotli\n' "$1" "$(wc -c < "$2")" "$(gzip -9c "$2" | wc -c)" "$(brotli "$2")"; }
for f in "$1"/*.wasm "$1"/*.js; do [ -f "$f" ] && row "worker: $(basename "$f")" "$f"; done
spa=(dist/app-*/)
first=(ap-app_bg.wasm ap-app.js __wasm_split.js style.css)
for f in "${first[@]}"; do row "spa first download: $f" "$spa/$f"; done
cat "${first[@]/#/$spa/}" > /tmp/spa-first.bin && row "spa first download, together (*)" /tmp/spa-first.bin
later=$(find "$spa" -name '*.wasm' ! -name ap-app_bg.wasm | sort)
cat $later > /tmp/spa-later.bin && row "spa later: $(echo "$later" | wc -l) modules (*)" /tmp/spa-later.bin
echo "(*) compressed as one stream; each file compressed alone adds a little."
