#!/usr/bin/env bash
# The on-sale rush through the HTTP API of `cinebook serve` (the release build): a crowd of
# people arriving over SECONDS at one showtime, played with each mechanism off and on (the
# same crowd, SEED), every play audited. Uses the Redis at REDIS_URL and the database at
# CINEBOOK_DATABASE_URL, or the embedded ones; the showtime is emptied before each play.
# With ROOM=1, the plays with mechanisms on sell through the showtime's waiting room.
#   [SEED=42] [ROOM=1] Tests/Load/rush-bench.sh [arrivals] [seconds] [showtime] [on|off|both|each]
set -euo pipefail
port=${PORT:-8098}
source "$(dirname "$0")/serve.sh"
"$cinebook" bench --rush --target "http://127.0.0.1:$port" --reset --showtime "${3:-3}" \
  --arrivals "${1:-120}" --arrivals-over "${2:-30}" --mechanisms "${4:-each}" --seed "${SEED:-42}" \
  ${ROOM:+--room}
