#!/usr/bin/env bash
# One Redis against a Redis Cluster in the same run: a standalone redis-server and a
# cluster of three primaries and three replicas (cluster-node-timeout 2000), all on
# loopback TCP with appendonly yes, then `cinebook bench` over 30 showtimes on each, twice
# in turn, at a person's pace (100 ms between clicks) and flat out. Also the client's hand-off: a bare PING through cinebook's client against
# redis-benchmark -c 1 on the same server. Needs a release build and redis-tools.
#   Tests/Load/cluster-bench.sh [seconds per bench run, default 20]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cinebook="$here/../../.build/release/cinebook"
seconds=${1:-20}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

base=$((21000 + RANDOM % 4000))
start() {  # port [cluster]
  mkdir -p "$work/$1"
  redis-server --port "$1" --bind 127.0.0.1 --dir "$work/$1" --appendonly yes --save '' \
    --logfile "$work/$1/log" ${2:+--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000} &
  pids+=($!)
  until redis-cli -p "$1" ping >/dev/null 2>&1; do sleep 0.05; done
}
standalone=$base
start "$standalone"
nodes=()
for i in 1 2 3 4 5 6; do start $((base + i)) cluster; nodes+=("127.0.0.1:$((base + i))"); done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
for node in "${nodes[@]}"; do
  until redis-cli -p "${node#*:}" cluster info | grep -q '^cluster_state:ok'; do sleep 0.05; done
done
until [ "$(for node in "${nodes[@]}"; do redis-cli -p "${node#*:}" info replication; done | grep -c 'master_link_status:up')" = 3 ]; do sleep 0.1; done
cluster="redis://$(IFS=,; echo "${nodes[*]}")"

bench() {  # label url think-ms
  "$cinebook" bench --redis "$2" --database "sqlite://$work/bench-$RANDOM.sqlite" --fixtures "$here/../../Fixtures" \
    --users 50 --showtimes 30 --think "$3" --book-rate 0.2 --duration "$seconds" --json >"$work/out.json"
  python3 - "$1" "$work/out.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[2]))
lock = next(f for f in report["latencies"] if f["operation"] == "lock")
print(f"{sys.argv[1]:<11} {report['operations_per_second']:8.0f} ops/s   lock p50 {lock['p50_ms']:.3f} ms  p99 {lock['p99_ms']:.3f} ms"
      f"   PING p50 {report['baseline']['ping_microseconds'] / 1000:.3f} ms   violations {len(report['invariants']['violations'])}")
PY
}
for think in 100 0; do
  echo "50 users over 30 showtimes, $think ms between clicks, $seconds s each, appendonly yes (appendfsync everysec):"
  for round in 1 2; do
    bench standalone "redis://127.0.0.1:$standalone" "$think"
    bench cluster "$cluster" "$think"
  done
done

echo
echo "PING hand-off on one connection (p50, the same server, three rounds):"
for round in 1 2 3; do
  benchmark=$(redis-benchmark -p "$standalone" -c 1 -n 50000 -t ping_mbulk --csv 2>/dev/null | tail -1 | tr -d '"' | cut -d, -f5)
  ours=$("$cinebook" bench --redis "redis://127.0.0.1:$standalone" --database "sqlite://$work/ping.sqlite" --fixtures "$here/../../Fixtures" \
    --users 1 --operations 10 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["baseline"]["ping_microseconds"] / 1000)')
  python3 -c "print(f'redis-benchmark -c 1: {float(\"$benchmark\"):.3f} ms   cinebook client: {float(\"$ours\"):.3f} ms   ratio {float(\"$ours\") / float(\"$benchmark\"):.2f}x')"
done
