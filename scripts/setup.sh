#!/usr/bin/env bash
# Installs whatever is missing, skipping what is already there at the right version.
#   scripts/setup.sh          toolchains and npm packages (for `make dev`)
#   scripts/setup.sh --test   also what the tests need (for `make test`): Debian packages, and
#                             Schemathesis in the virtual environment .venv-tests
source "$(dirname "$0")/common.sh"
cd "$ROOT"

has_version() { # command, expected substring of its --version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

if [ "${1:-}" = "--test" ]; then
  missing=()
  for pkg in chromium oathtool libxml2-utils zbar-tools; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  # Schemathesis needs a Python 3 that can make a virtual environment (Debian: python3-venv).
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      step "Installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "The tests need these Debian packages: ${missing[*]}. Install them (as root): apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

if [ "${1:-}" = "--test" ] && ! has_version .venv-tests/bin/st "$SCHEMATHESIS_VERSION"; then
  step "Installing Schemathesis $SCHEMATHESIS_VERSION into .venv-tests"
  python3 -m venv --clear .venv-tests
  .venv-tests/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Without --locked: its lockfile pins a crate version the index lacks (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
  step "Installing worker-build $WORKER_BUILD_VERSION (about 2 minutes)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force
fi
# The SPA's splitter (scripts/build-spa.mjs): the tool behind Leptos' #[lazy_route].
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  step "Installing wasm-split-cli $WASM_SPLIT_VERSION (about 5 minutes, once)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
fi

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.installed-lock ] || [ "$(cat node_modules/.installed-lock)" != "$lock_hash" ]; then
  step "Installing npm packages from package-lock.json"
  npm ci --no-fund --no-audit --loglevel=error
  echo "$lock_hash" > node_modules/.installed-lock
fi

if [ ! -f .dev.vars ]; then
  step "Generating .dev.vars with random local secrets"
  umask 077
  {
    echo "# Local secrets for wrangler dev, generated on first run. Never commit this file."
    echo "SECRETS_KEY=\"$(head -c 32 /dev/urandom | base64 -w0)\""
  } > .dev.vars
fi
