#!/usr/bin/env bash
# The newcomer's wait: clone the repository at REV (default HEAD) into a fresh directory,
# run `./dev.sh run` in a tmux pane of its own, with a fresh state directory, and time it
# until the seat map is on screen. Nothing is shared with an earlier build but SwiftPM's
# cache of package checkouts, as on a machine that has built any Swift package before.
#   Tests/Load/first-run.sh [REV]
set -euo pipefail
rev=${1:-HEAD}
repository=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/cinebook-first-run.XXXXXX)
git clone -q "$repository" "$work/clone"
git -C "$work/clone" checkout -q "$rev"
socket="first-run-$$"
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  [ -S "$work/state/cinebook/redis.sock" ] && redis-cli -s "$work/state/cinebook/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s)
tmux -L "$socket" -f /dev/null new-session -d -s run -x 120 -y 40 \
  "cd '$work/clone' && env XDG_STATE_HOME='$work/state' TERM=xterm-256color LANG=C.UTF-8 ./dev.sh run --showtime 2 --user newcomer --redis-timeout 5 2>'$work/build.log'; sleep 600"
until tmux -L "$socket" capture-pane -p -t run | grep -q "SCREEN"; do
  sleep 1
  if ! tmux -L "$socket" has-session -t run 2>/dev/null; then echo "the pane ended; see $work/build.log" >&2; exit 1; fi
done
end=$(date +%s)
tmux -L "$socket" send-keys -t run q
seconds=$((end - start))
printf '%s: the seat map appeared after %d min %02d s\n' "$(git -C "$work/clone" rev-parse --short HEAD)" $((seconds / 60)) $((seconds % 60))
