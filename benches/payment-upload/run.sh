#!/usr/bin/env bash
# Payment file upload benchmark (BENCHMARKS.md, "Payment file upload").
# 1. Generates 1,000- and 10,000-payment pain.001 files.
# 2. Reads each with the core reader natively (release), under /usr/bin/time -v: time and peak RSS.
# 3. Uploads both through an isolated `wrangler dev` (tests/run.mjs): wall time per upload.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
for n in 1000 10000; do node benches/payment-upload/generate.mjs "$n" "$out/pain001-$n.xml"; done
cargo build --quiet --release -p ap-core --example read_pain001
for n in 1000 10000; do
  echo "== core reader, $n payments ($(du -h "$out/pain001-$n.xml" | cut -f1))"
  /usr/bin/time -v target/release/examples/read_pain001 "$out/pain001-$n.xml" 2>&1 \
    | grep -E "payments|Elapsed|Maximum resident"
done
node tests/run.mjs benches/payment-upload/upload.bench.mjs 2>&1 | grep -E "BENCH|✔|✖"
rm -rf "$out"
