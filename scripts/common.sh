# Shared settings for the project's scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"

# Pinned tool versions (TOOLCHAIN.md). wasm-bindgen must equal the version in Cargo.lock.
# wasm_split_cli_support: its wasm-split-cli splits the SPA into per-screen modules; the version
# pairs with the wasm_split_helpers that leptos depends on (Cargo.lock).
WASM_SPLIT_VERSION=0.2.4
WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.130
# The OpenAPI robustness run (tests/openapi), installed into .venv-tests by setup.sh --test.
SCHEMATHESIS_VERSION=4.32.5

step() { printf '\n\033[1;34m==> %s\033[0m (at %d s)\n' "$*" "$SECONDS"; }
