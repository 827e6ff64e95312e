#!/bin/bash
# Benchmark: pages per second of `claimscan extract` against one full-page
# `tesseract` run over the same scans, both single-threaded, measured in
# the same run (the ratio is what counts), and the scaling of --jobs.
# Usage: bench/run.sh [path/to/claimscan] [scan files...]
# (default: build/claimscan over samples/scans). Prints a table; with
# BENCH_JSON=file also writes the figures as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAIMSCAN=${1:-build/claimscan}
shift || true
if [ $# -gt 0 ]; then
    FILES=("$@")
else
    FILES=(samples/scans/*.png samples/scans/*.jpg samples/scans/*.tif)
fi
export OMP_THREAD_LIMIT=1
command -v tesseract >/dev/null || { echo "bench: tesseract not found" >&2; exit 1; }

now() { date +%s.%N; }
pages=$("$CLAIMSCAN" extract --jobs 2 "${FILES[@]}" | wc -l)

t0=$(now)
for f in "${FILES[@]}"; do
    tesseract "$f" - >/dev/null 2>&1
done
t1=$(now)
"$CLAIMSCAN" extract --jobs 1 "${FILES[@]}" >/dev/null
t2=$(now)
"$CLAIMSCAN" extract --jobs 2 "${FILES[@]}" >/dev/null
t3=$(now)

awk -v p="$pages" -v tt="$(echo "$t1 - $t0" | bc)" \
    -v e1="$(echo "$t2 - $t1" | bc)" -v e2="$(echo "$t3 - $t2" | bc)" \
    -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
    -v n="$(nproc --all)" -v json="${BENCH_JSON:-}" 'BEGIN {
    printf "machine: %s, %d cores\n", cpu, n
    printf "%d pages\n", p
    printf "%-34s %8s %10s %8s\n", "", "seconds", "pages/s", "ratio"
    printf "%-34s %8.1f %10.2f %8s\n", "tesseract full page, 1 thread", tt, p / tt, "1.00"
    printf "%-34s %8.1f %10.2f %8.2f\n", "claimscan extract --jobs 1", e1, p / e1, e1 / tt
    printf "%-34s %8.1f %10.2f %8.2f\n", "claimscan extract --jobs 2", e2, p / e2, e2 / tt
    printf "extract costs %.0f%% of a full-page tesseract pass; --jobs 2 is %.2fx --jobs 1\n", 100 * e1 / tt, e1 / e2
    if (json != "")
        printf "{\"pages\": %d, \"tesseract_s\": %.2f, \"extract_jobs1_s\": %.2f, \"extract_jobs2_s\": %.2f, \"ratio\": %.3f}\n", p, tt, e1, e2, e1 / tt > json
}'
