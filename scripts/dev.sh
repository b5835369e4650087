#!/usr/bin/env bash
# `make dev`: set up, build, start the product locally on http://127.0.0.1:8787 with persistent
# local storage in .wrangler/state, and seed demo data into an empty store.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
PORT="${PORT:-8787}"
URL="http://127.0.0.1:$PORT"
step "Starting wrangler dev"
# Passkeys need a domain, not an IP address: they work at http://localhost:$PORT.
# wrangler dev fires no Cron Triggers: --test-scheduled lets the loop below run the hourly run
# (reminders, escalations, webhook retries) at start and every hour, as deployed.
wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to .wrangler/state --show-interactive-dev-session=false --test-scheduled \
  --var "PASSKEY_RP_ID:localhost" --var "PASSKEY_ORIGIN:http://localhost:$PORT" &
pid=$!
trap 'kill $pid $hourly 2>/dev/null; wait $pid 2>/dev/null' INT TERM EXIT
node scripts/seed-demo.mjs "$URL" || { echo "Seeding demo data failed; see above." >&2; exit 1; }
(while curl -fsS -o /dev/null "$URL/__scheduled?cron=0+*+*+*+*"; do sleep 3600; done) &
hourly=$!
echo
echo "Approve & Pay runs at  $URL/   (sign-in details in demo-credentials.json; Ctrl-C stops it)"
echo "Passkeys work at       http://localhost:$PORT/"
wait $pid
