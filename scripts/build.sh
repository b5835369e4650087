#!/usr/bin/env bash
# Builds the SPA (app/ → dist/) and the Worker (functions/ → functions/build/).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
step "Building the SPA (split per screen: scripts/build-spa.mjs)"
node scripts/build-spa.mjs
step "Building the Worker (worker-build)"
bash "$ROOT/scripts/build-worker.sh"
