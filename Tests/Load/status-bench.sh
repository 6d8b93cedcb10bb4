#!/usr/bin/env bash
# The seat map's status (showtime 3, 440 seats) against /health, side by side in one run:
# wrk at 50 connections, ROUNDS rounds of SECONDS each, alternating the two routes so both
# see the same machine. Needs a release build and wrk; uses the Redis at REDIS_URL, or the
# embedded one. Prints one line per route and round, then the ratio of each round.
#   Tests/Load/status-bench.sh [seconds] [rounds]
set -euo pipefail
port=${PORT:-8097}
seconds=${1:-8}
rounds=${2:-3}
source "$(dirname "$0")/serve.sh"
token=$("$cinebook" token viewer)
status="http://127.0.0.1:$port/api/v1/showtimes/3/seats/status"
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$status"
rate() { awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$1"; }
p50() { awk '$1 == "50%" { print $2 }' "$1"; }
for round in $(seq "$rounds"); do
  wrk -t2 -c50 -d"${seconds}s" --latency "http://127.0.0.1:$port/health" >"$work/health"
  wrk -t2 -c50 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$status" >"$work/status"
  health=$(rate "$work/health")
  seats=$(rate "$work/status")
  printf 'round %d  /health %6d req/s (p50 %s)  status %6d req/s (p50 %s)  ratio %.2f\n' \
    "$round" "$health" "$(p50 "$work/health")" "$seats" "$(p50 "$work/status")" "$(echo "$seats / $health" | bc -l)"
done
