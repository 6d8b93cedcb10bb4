#!/usr/bin/env bash
# Load on the HTTP lock endpoint with wrk: 50 users with their own tokens and seats of
# the largest showtime, 50 connections. MODE=lock sends only locks; otherwise half the
# requests unlock. Needs a release build, wrk, and a Redis at REDIS_URL where nobody
# else holds seats of showtime 3 (locks of an earlier run expire after 15 minutes).
# Prints wrk's summary, then the server's resident memory every 10% of the run, so a
# long run (MODE=mix, 300 s ≈ 1,000,000 requests) shows whether it stays flat.
#   REDIS_URL=redis://127.0.0.1:6390 Tests/Load/http-bench.sh [seconds]
set -euo pipefail
port=${PORT:-8090}
source "$(dirname "$0")/serve.sh"
lock_load
cd "$work"
seconds=${1:-15}
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
(
  samples="serve RSS (MB) from start, every $((seconds / 10)) s: $(rss)"
  for _ in $(seq 10); do sleep $((seconds / 10)); samples+=" $(rss)"; done
  echo "$samples" >"$work/rss.txt"
) &
sampler=$!
wrk -t2 -c50 -d"${seconds}s" -s "$here/http-lock.lua" "http://127.0.0.1:$port" | tail -1
wait "$sampler" 2>/dev/null || true
cat "$work/rss.txt" 2>/dev/null || true
