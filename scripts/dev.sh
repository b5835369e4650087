#!/usr/bin/env bash
# `make dev`: set up, build, and start the product locally on http://127.0.0.1:8787 with
# persistent local storage in .wrangler/state.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
PORT="${PORT:-8787}"
step "Starting wrangler dev"
echo "Approve & Pay is starting at  http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
exec wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to .wrangler/state
