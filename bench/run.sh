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
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not found (Debian package time)" >&2; exit 1; }

# Each command runs under /usr/bin/time: wall seconds and CPU seconds
# (user + system). The CPU ratio barely moves when other processes load
# the machine; the wall ratio does.
timed() { # timed OUT_FILE command...
    local out=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$out" "$@" >/dev/null 2>&1
}
pages=$("$CLAIMSCAN" extract --jobs 2 "${FILES[@]}" | wc -l)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

i=0
for f in "${FILES[@]}"; do
    timed "$tmp/t$i" tesseract "$f" -
    i=$((i + 1))
done
cat "$tmp"/t* >"$tmp/tess"
timed "$tmp/e1" "$CLAIMSCAN" extract --jobs 1 "${FILES[@]}"
timed "$tmp/e2" "$CLAIMSCAN" extract --jobs 2 "${FILES[@]}"

awk -v p="$pages" -v e1="$(cat "$tmp/e1")" -v e2="$(cat "$tmp/e2")" \
    -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
    -v n="$(nproc --all)" -v json="${BENCH_JSON:-}" '
{ tw += $1; tc += $2 + $3 }
END {
    split(e1, a, " "); split(e2, b, " ")
    w1 = a[1]; c1 = a[2] + a[3]; w2 = b[1]; c2 = b[2] + b[3]
    printf "machine: %s, %d cores\n", cpu, n
    printf "%d pages\n", p
    printf "%-32s %8s %8s %8s %9s\n", "", "wall s", "pages/s", "cpu s", "cpu ratio"
    printf "%-32s %8.1f %8.2f %8.1f %9s\n", "tesseract full page, 1 thread", tw, p / tw, tc, "1.00"
    printf "%-32s %8.1f %8.2f %8.1f %9.2f\n", "claimscan extract --jobs 1", w1, p / w1, c1, c1 / tc
    printf "%-32s %8.1f %8.2f %8.1f %9.2f\n", "claimscan extract --jobs 2", w2, p / w2, c2, c2 / tc
    printf "extract --jobs 1 costs %.0f%% of a full-page tesseract pass in CPU time (%.0f%% in wall time); --jobs 2 is %.2fx --jobs 1\n", 100 * c1 / tc, 100 * w1 / tw, w1 / w2
    if (json != "")
        printf "{\"pages\": %d, \"tesseract_s\": %.2f, \"tesseract_cpu_s\": %.2f, \"extract_jobs1_s\": %.2f, \"extract_jobs1_cpu_s\": %.2f, \"extract_jobs2_s\": %.2f, \"ratio\": %.3f, \"cpu_ratio\": %.3f}\n", p, tw, tc, w1, c1, w2, w1 / tw, c1 / tc > json
}' "$tmp/tess"
