#!/usr/bin/env bash
# Two builds of cinebook under the same HTTP load, alternating, ROUNDS rounds of SECONDS
# each: wrk at 50 connections, half locks and half unlocks (http-lock.lua, MODE=mix), on a
# Redis of its own (appendonly, appendfsync always) emptied before each round. Prints each
# round's requests/s and the Redis time per script call (INFO commandstats: EVALSHA
# usec_per_call), so the cost of a change is a ratio taken in one run. Each build has a
# database of its own (a newer build may migrate its schema past what the older one reads).
# The slow log, set to keep every command, splits that time by script: the lock script
# (its first keys are the showtime's index and its sold seats) and the unlock script.
#   Tests/Load/compare-bench.sh BEFORE_BINARY AFTER_BINARY [seconds] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before=$1 after=$2 seconds=${3:-10} rounds=${4:-3}
redis_port=${REDIS_PORT:-6397}
data=$(mktemp -d)
redis-server --port "$redis_port" --dir "$data" --appendonly yes --appendfsync always --save '' >"$data/redis.log" 2>&1 &
redis=$!
trap 'kill "$redis" 2>/dev/null; wait "$redis" 2>/dev/null; rm -rf "$data"' EXIT
until redis-cli -p "$redis_port" PING >/dev/null 2>&1; do sleep 0.1; done
export REDIS_URL="redis://127.0.0.1:$redis_port"
one_round() { # label binary
  redis-cli -p "$redis_port" FLUSHALL >/dev/null
  (
    export CINEBOOK_BIN=$2 PORT=${PORT:-8096} MODE=mix CINEBOOK_DATABASE_URL="sqlite://$data/$1.sqlite"
    port=$PORT
    source "$here/serve.sh"
    lock_load
    cd "$work"
    redis-cli -p "$redis_port" CONFIG SET slowlog-log-slower-than 0 slowlog-max-len 1000000 >/dev/null
    redis-cli -p "$redis_port" SLOWLOG RESET >/dev/null
    redis-cli -p "$redis_port" CONFIG RESETSTAT >/dev/null
    line=$(wrk -t2 -c50 -d"${seconds}s" -s "$here/http-lock.lua" "http://127.0.0.1:$port" | tail -1)
    usec=$(redis-cli -p "$redis_port" INFO commandstats | tr -d '\r' | awk -F'usec_per_call=' '/^cmdstat_evalsha:/ { split($2, v, ","); print v[1] }')
    scripts=$(redis-cli -p "$redis_port" --json SLOWLOG GET -1 | python3 -c '
import json, sys
times = {"lock": [], "unlock": []}
for entry in json.load(sys.stdin):
    args = entry[3]
    if args[0].upper() == "EVALSHA" and len(args) > 4:
        times["lock" if args[4].startswith("seat_sold:") else "unlock"].append(entry[2])
print("  ".join(f"{name} {sum(t) / len(t):.2f}" for name, t in times.items() if t))')
    redis-cli -p "$redis_port" CONFIG SET slowlog-log-slower-than 10000 >/dev/null
    printf '%-6s %s  EVALSHA %s usec/call (%s)\n' "$1" "$line" "$usec" "$scripts"
  )
}
for round in $(seq "$rounds"); do
  echo "round $round"
  one_round before "$before"
  one_round after "$after"
done
