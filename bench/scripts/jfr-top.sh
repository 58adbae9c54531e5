#!/usr/bin/env bash
# The hottest frames of a JFR recording: each method's share of the execution samples, by the frame on top
# (self time) and, with --depth N, by every frame among the top N (time spent in it or below it).
# Usage: bench/scripts/jfr-top.sh recording.jfr [--depth N] [--top K]
set -euo pipefail
file="$1"; shift
depth=1; top=20
while [ $# -gt 0 ]; do
  case "$1" in
    --depth) depth="$2"; shift 2 ;;
    --top) top="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
jfr print --events jdk.ExecutionSample --stack-depth "$depth" "$file" | awk -v depth="$depth" -v top="$top" '
  /stackTrace = \[/ { inStack = 1; samples++; delete seen; next }
  inStack && /^[[:space:]]*\]/ { inStack = 0; next }
  inStack && !/\.\.\./ {
    frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame)
    if (!(frame in seen)) { seen[frame] = 1; count[frame]++ }
  }
  END {
    printf "%d samples; share of samples with the frame among the top %d:\n", samples, depth
    n = 0
    for (f in count) { lines[n++] = sprintf("%7.2f%%  %s", 100 * count[f] / samples, f) }
    cmd = "sort -rn | head -" top
    for (i = 0; i < n; i++) { print lines[i] | cmd }
    close(cmd)
  }'
