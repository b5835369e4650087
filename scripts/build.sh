#!/usr/bin/env bash
# Builds the SPA (app/ → dist/) and the Worker (functions/ → functions/build/).
source "$(dirname "$0")/common.sh"
cd "$ROOT/app"
step "Building the SPA (trunk, offline)"
trunk build --release --offline
step "Building the Worker (worker-build)"
bash "$ROOT/scripts/build-worker.sh"
