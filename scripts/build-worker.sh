#!/usr/bin/env bash
# Builds the Worker (functions/) with worker-build, using local wasm-bindgen, wasm-opt and
# esbuild so nothing is downloaded. This is also wrangler's [build] command, so `wrangler dev`
# and `wrangler deploy` build it; an unchanged source tree is not rebuilt.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
stamp="$(cat Cargo.lock Cargo.toml core/Cargo.toml functions/Cargo.toml \
  $(find core/src functions/src -type f | sort) | sha256sum | cut -d' ' -f1)"
if [ -f functions/build/index.js ] && [ "$(cat functions/build/.stamp 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
cd functions
worker-build --release
echo "$stamp" > build/.stamp
