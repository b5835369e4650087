#!/usr/bin/env bash
# Reproduces the "Password verification" numbers in BENCHMARKS.md: one Argon2id verification
# (m=19456 KiB, t=2, p=1) from ap-core, as wasm in Node (V8, as in workerd) and native.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli 0.2.130, Node 20.
# Usage: benches/password-wasm/run.sh [runs]   (default 20)
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
out="$CARGO_TARGET_DIR/pkg"

cargo build --release --target wasm32-unknown-unknown --lib
wasm-bindgen --target nodejs --out-dir "$out" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/password_wasm_bench.wasm"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $(date -u +%Y-%m-%d)"
node bench.mjs "$out" "$runs"
cargo run --quiet --release --example native -- "$runs"
