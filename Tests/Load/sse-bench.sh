#!/usr/bin/env bash
# Seat changes fanned out to STREAMS event streams (default 10,000) of one showtime on one
# `cinebook serve`: the bench opens the streams, reads the server's memory before and with
# them idle, times CHANGES seat changes to every stream, and times /health meanwhile as the
# floor. Needs a release build; uses the Redis at REDIS_URL, or the embedded one.
#   Tests/Load/sse-bench.sh [streams] [changes]
set -euo pipefail
port=${PORT:-8099}
ulimit -n "$(ulimit -Hn)"
source "$(dirname "$0")/serve.sh"
"$cinebook" bench --sse "${1:-10000}" --changes "${2:-20}" --target "http://127.0.0.1:$port" --server-pid "$server"
