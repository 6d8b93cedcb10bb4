#!/usr/bin/env bash
# The code on cinebook's C libraries under the address and leak sanitizer.
#
# Builds edge-check with -sanitize=address, runs its Redis client checks (every reply
# type, binary and 4 MB values, 10,000 pipelined commands, error replies, NOSCRIPT,
# refused and dropped connections, a paused server, a subscription that reconnects)
# against a throwaway redis-server, then drives the seat map through tmux: cursor moves,
# locks, best seats, help, two resizes, a booking and quit. Fails on a failed check or
# on any report of the sanitizer (memory errors, and leaks at exit).
#
#   Tests/Sanitizers/c-edge.sh     (./dev.sh test runs it after `swift test`)
set -euo pipefail
cd "$(dirname "$0")/../.."

scratch=${CINEBOOK_SANITIZER_BUILD:-.build-asan}
work=$(mktemp -d)
echo "Building edge-check with the address sanitizer ..." >&2
swift build --sanitize=address --scratch-path "$scratch" --product edge-check >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "c-edge: the build failed" >&2; exit 1; }
binary="$(swift build --sanitize=address --scratch-path "$scratch" --show-bin-path)/edge-check"

socket="edge$$"
redis_pid=
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "c-edge: $*" >&2; exit 1; }

# Waits up to $1 seconds for the command in the rest of the arguments to succeed.
await() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

redis-server --port 0 --unixsocket "$work/redis.sock" --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
redis() { redis-cli -s "$work/redis.sock" "$@"; }
await 10 sh -c "redis-cli -s '$work/redis.sock' ping 2>/dev/null | grep -q PONG" || fail "redis-server did not start"

sanitizer="detect_leaks=1:halt_on_error=1:log_path=$work/asan"
reports() {
  if compgen -G "$work/asan*" >/dev/null; then
    cat "$work"/asan* >&2
    fail "the sanitizer reported the problems above"
  fi
}

echo "The leak check finds a leak made on purpose ..." >&2
ASAN_OPTIONS="detect_leaks=1:log_path=$work/canary" "$binary" canary >/dev/null && fail "the canary leak went unnoticed (exit 0)"
grep -q "LeakSanitizer: detected memory leaks" "$work"/canary* || fail "the canary leak was not reported"
rm -f "$work"/canary*

echo "Redis client under the sanitizer ..." >&2
ASAN_OPTIONS=$sanitizer "$binary" redis "unix://$work/redis.sock" || { reports; fail "the Redis client checks failed"; }
reports

echo "Seat map under the sanitizer, in tmux ..." >&2
fixtures="$PWD/Fixtures"
tmux -L "$socket" new-session -d -s map -x 100 -y 30 \
  "ASAN_OPTIONS='$sanitizer' '$binary' seatmap 'unix://$work/redis.sock' '$fixtures' 1 edge 2>'$work/seatmap.err'; echo \$? >'$work/seatmap.status'; sleep 60"
screen() { tmux -L "$socket" capture-pane -p -t map; }
shows() { screen | grep -qF -- "$1"; }
keys() { tmux -L "$socket" send-keys -t map "$@"; }
held() { [ "$(redis ZCARD 'seat_locks:{1}')" -ge "$1" ]; }

await 20 shows "● live" || { screen >&2; fail "the seat map did not open"; }
# Seats can be picked once the first status has drawn them: all 40 free.
await 20 shows "available 40" || { screen >&2; fail "the seat map did not load the hall"; }
keys Right Right Space
await 5 held 1 || { screen >&2; fail "selecting a seat locked nothing"; }
keys Down Space Left Space
await 5 held 3 || { screen >&2; fail "two more seats were not locked"; }
keys a 2
await 5 held 5 || { screen >&2; fail "best seats for two were not locked"; }
helpShown() { shows "show or hide this help"; }
helpClosed() { ! helpShown; }
keys '?'
await 5 helpShown || { screen >&2; fail "the help did not open"; }
keys Escape
await 5 helpClosed || { screen >&2; fail "Escape did not close the help"; }
tmux -L "$socket" resize-window -t map -x 40 -y 12
tmux -L "$socket" resize-window -t map -x 120 -y 40
await 5 shows "● live" || { screen >&2; fail "the seat map did not redraw after resizing"; }
# Each key once the map shows it was read: the question, then the answer.
keys b
await 5 shows "Press y to book" || { screen >&2; fail "b did not ask to book"; }
keys y
await 10 shows "Enjoy the film" || { screen >&2; fail "booking did not finish"; }
[ "$(redis HLEN 'seat_sold:{1}')" -eq 5 ] || fail "the booking did not sell five seats"
keys q
await 20 test -s "$work/seatmap.status" || { screen >&2; fail "the seat map did not quit"; }
[ "$(cat "$work/seatmap.status")" = 0 ] || { cat "$work/seatmap.err" >&2; reports; fail "the seat map exited with $(cat "$work/seatmap.status")"; }
reports
echo "c-edge: no sanitizer reports from the Redis client or the seat map" >&2
