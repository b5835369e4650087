#!/usr/bin/env bash
# The pain.001 reader against libxml2's streaming parser (BENCHMARKS.md, "pain.001 reader
# against libxml2"). Usage: benches/reader-vs-libxml2/run.sh [ROUNDS]   (default 15)
#
# 1. Generates 1,000- and 10,000-payment pain.001 files (benches/payment-upload/generate.mjs).
# 2. Builds core/examples/read_pain001.rs in release.
# 3. Per size, runs the reader and `xmllint --stream --noout` alternately, ROUNDS times each
#    (which of the two goes first alternates too), and measures each process's CPU time with
#    `perf stat` (task-clock: time on a CPU in user and kernel mode, in µs) or, without perf,
#    `/usr/bin/time` (user + sys, 10 ms resolution).
# 4. Prints the medians and the ratio reader / xmllint per size (target ≤ 1.0).
#
# Both processes do the whole job a user would ask of them: start, read the file, parse it,
# exit. The reader also checks every business rule and builds the parsed file; xmllint checks
# well-formedness only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-15}
target=${CARGO_TARGET_DIR:-target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

sizes=(1000 10000)
for n in "${sizes[@]}"; do node benches/payment-upload/generate.mjs "$n" "$out/pain001-$n.xml"; done
if [[ -z ${READER:-} ]]; then
  cargo build --quiet --release -p ap-core --example read_pain001
fi
reader=${READER:-$target/release/examples/read_pain001}

if command -v perf >/dev/null && perf stat -e task-clock -o /dev/null true 2>/dev/null; then
  how="perf stat -e task-clock (CPU time, user + kernel)"
  # CPU milliseconds of one run of "$@"; its output is discarded, a failure stops the script.
  cpu_ms() {
    perf stat -e task-clock -x, -o "$out/stat" -- "$@" >/dev/null
    awk -F, '$3 == "task-clock" { printf "%.3f\n", $1 }' "$out/stat"
  }
else
  how="/usr/bin/time user + sys (10 ms resolution)"
  cpu_ms() {
    /usr/bin/time -f "%U %S" -o "$out/stat" -- "$@" >/dev/null
    awk '{ printf "%.3f\n", ($1 + $2) * 1000 }' "$out/stat"
  }
fi

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "reader ($reader) vs xmllint --stream --noout: $rounds alternating rounds per size, $how"
echo "$(xmllint --version 2>&1 | head -1); $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %10s %14s %14s %8s\n' payments bytes "reader ms" "xmllint ms" ratio
for n in "${sizes[@]}"; do
  file="$out/pain001-$n.xml"
  # One untimed run of each, so both read the file from the page cache.
  "$reader" "$file" >/dev/null
  xmllint --stream --noout "$file"
  : >"$out/reader-$n"
  : >"$out/xmllint-$n"
  for ((i = 0; i < rounds; i++)); do
    if ((i % 2 == 0)); then
      cpu_ms "$reader" "$file" >>"$out/reader-$n"
      cpu_ms xmllint --stream --noout "$file" >>"$out/xmllint-$n"
    else
      cpu_ms xmllint --stream --noout "$file" >>"$out/xmllint-$n"
      cpu_ms "$reader" "$file" >>"$out/reader-$n"
    fi
  done
  r=$(median <"$out/reader-$n")
  x=$(median <"$out/xmllint-$n")
  printf '%-9s %10s %14.2f %14.2f %8.2f\n' "$n" "$(stat -c %s "$file")" "$r" "$x" \
    "$(awk -v r="$r" -v x="$x" 'BEGIN { print r / x }')"
  if [[ -n ${VERBOSE:-} ]]; then
    echo "  reader:  $(tr '\n' ' ' <"$out/reader-$n")"
    echo "  xmllint: $(tr '\n' ' ' <"$out/xmllint-$n")"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
