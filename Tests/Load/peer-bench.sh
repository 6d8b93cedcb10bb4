#!/usr/bin/env bash
# The core's lock against a redis-py peer's four-key Lua acquire (peer-lock.py), side by
# side: one client locking one seat at a time on the same Redis (appendonly, appendfsync
# always), ROUNDS alternating rounds of SECONDS each. Ours is `cinebook bench --users 1
# --party 1 --think 0` (its lock p50; the bench also unlocks, extends and books); the peer
# needs redis-py, installed into a virtual environment of its own on first use. The slow
# log, keeping every command, gives each script's time inside Redis. A third client, redis-py
# calling the core's own lock script (recorded under MONITOR), tells the Redis side of
# the gap from the client side, and lock-stages.py splits the lock script's own time by stage.
#   [APPENDFSYNC=always|everysec|no] Tests/Load/peer-bench.sh [seconds] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-8} rounds=${2:-3}
cinebook=${CINEBOOK_BIN:-"$here/../../.build/release/cinebook-server"}
port=${REDIS_PORT:-6399}
venv=${PEER_VENV:-"${XDG_CACHE_HOME:-$HOME/.cache}/cinebook-peer-venv"}
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q redis; }
data=$(mktemp -d)
redis-server --port "$port" --dir "$data" --appendonly yes --appendfsync "${APPENDFSYNC:-always}" --save '' >"$data/redis.log" 2>&1 &
redis=$!
trap 'kill "$redis" 2>/dev/null; wait "$redis" 2>/dev/null; rm -rf "$data"' EXIT
until redis-cli -p "$port" PING >/dev/null 2>&1; do sleep 0.1; done
url="redis://127.0.0.1:$port"
script_time() { # microseconds per EVALSHA call whose arguments `$1` (Python, on `a`) picks out
  redis-cli -p "$port" --json SLOWLOG GET -1 | python3 -c '
import json, sys
times = [e[2] for e in json.load(sys.stdin) for a in [e[3]] if a[0].upper() == "EVALSHA" and eval(sys.argv[1])]
print(f"{sum(times) / len(times):.1f}" if times else "-")' "$1"
}
fresh() {
  redis-cli -p "$port" FLUSHALL >/dev/null
  redis-cli -p "$port" CONFIG SET slowlog-log-slower-than 0 slowlog-max-len 1000000 >/dev/null
  redis-cli -p "$port" SLOWLOG RESET >/dev/null
}
for round in $(seq "$rounds"); do
  fresh
  ours=$(CINEBOOK_DATABASE_URL="sqlite://$data/bench.sqlite" "$cinebook" bench --redis "$url" --users 1 --party 1 --think 0 --hotspot 0 --book-rate 0 \
    --duration "$seconds" --json | python3 -c '
import json, sys
report = json.load(sys.stdin)
lock = next(l for l in report["latencies"] if l["operation"] == "lock")
p50, p99, floor = lock["p50_ms"] * 1000, lock["p99_ms"] * 1000, report["baseline"]["script_microseconds"]
print(f"{p50:.1f} {p99:.1f} {floor:.1f}")')
  ours_redis=$(script_time 'len(a) > 5 and a[5].startswith("seat_seq:")')   # the lock script: its third key
  # One lock and one unlock of the core as Redis saw them, for redis-py to call the core's
  # script: a second, short run of the bench under MONITOR (the slow log keeps only a call's
  # first 32 arguments; MONITOR keeps them all, and is not running while the core is timed).
  redis-cli -p "$port" MONITOR >"$data/monitor.txt" &
  monitor=$!
  CINEBOOK_DATABASE_URL="sqlite://$data/bench.sqlite" "$cinebook" bench --redis "$url" --users 1 --party 1 --think 0 --hotspot 0 \
    --book-rate 0 --duration 1 --floor-samples 200 >/dev/null
  kill "$monitor"; wait "$monitor" 2>/dev/null || true
  python3 "$here/core-calls.py" "$data/monitor.txt" >"$data/core-calls.json"
  redis-cli -p "$port" SLOWLOG RESET >/dev/null
  core_script=$("$venv/bin/python" "$here/peer-lock.py" "$url" "$seconds" "$data/core-calls.json")
  core_script_redis=$(script_time 'len(a) > 5 and a[5].startswith("seat_seq:")')
  fresh
  peer=$("$venv/bin/python" "$here/peer-lock.py" "$url" "$seconds")
  peer_redis=$(script_time 'len(a) == 11')   # the acquire: four keys and four arguments
  read -r p50 p99 floor <<<"$ours"
  peer_p50=$(awk '{ print $5 }' <<<"$peer")
  core_script_p50=$(awk '{ print $5 }' <<<"$core_script")
  printf 'round %d  core lock p50 %s us p99 %s us (in Redis %s us; trivial script %s us)\n' "$round" "$p50" "$p99" "$ours_redis" "$floor"
  printf '         redis-py, the core'"'"'s script: %s (in Redis %s us)\n' "$core_script" "$core_script_redis"
  printf '         redis-py, the peer'"'"'s script: %s (in Redis %s us)\n' "$peer" "$peer_redis"
  printf '         ratio core/peer %.2f   core/(redis-py, core script) %.2f   (redis-py: core script)/(peer script) %.2f\n' \
    "$(echo "$p50 / $peer_p50" | bc -l)" "$(echo "$p50 / $core_script_p50" | bc -l)" "$(echo "$core_script_p50 / $peer_p50" | bc -l)"
done
# Where the time goes inside Redis: the core's lock script cut short after each stage.
fresh
echo "the core's lock inside Redis, stage by stage (median of 3000 calls, slow log):"
"$venv/bin/python" "$here/lock-stages.py" "$url" "$data/core-calls.json"
