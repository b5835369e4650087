#!/usr/bin/env bash
# `make test`: set up (including the Debian packages the tests need), then every check:
# formatting, lints, the core's unit tests, the builds, the deploy dry-run, the API tests and
# the browser tests against a real `wrangler dev`. Exits non-zero on any failure.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
bash scripts/setup.sh --test

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy -p ap-core -p ap-openapi --all-targets -- -D warnings
cargo clippy -p ap-functions -p ap-app --target wasm32-unknown-unknown -- -D warnings

step "Core unit tests and the OpenAPI drift tests"
cargo test -p ap-core -p ap-openapi

bash scripts/build.sh

step "wrangler deploy --dry-run"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
wrangler deploy --dry-run --outdir "$out" >/dev/null
bash scripts/sizes.sh "$out"

step "API and browser tests against wrangler dev"
node tests/run.mjs
