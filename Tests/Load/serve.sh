# Sourced by the load scripts: starts `cinebook serve` (the release build, or $CINEBOOK_BIN)
# on $port with no rate limit and no sweeper, waits until /health answers, and stops it on
# exit. Sets $cinebook, $work (a scratch directory, removed on exit) and $server (the process
# id). `lock_load` writes the seats and tokens of http-lock.lua into $work.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cinebook=${CINEBOOK_BIN:-"$here/../../.build/release/cinebook"}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
export CINEBOOK_SECRET=${CINEBOOK_SECRET:-$(openssl rand -hex 32)}
"$cinebook" serve --port "$port" --rate-limit 0 --sweep-every 0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done

# 50 users, each with standard seats of showtime 3 of their own, for http-lock.lua.
lock_load() {
  python3 - "$here/../../Fixtures/showtime-3.json" >"$work/seats.txt" <<'PY'
import json, sys
showtime = json.load(open(sys.argv[1]))
for row in showtime["rows"]:
    number = 0
    for kind in row["seats"]:
        if kind == "_":
            continue
        number += 1
        code = f"{row['row']}{number}"
        if kind == "s" and code not in showtime["occupied"]:
            print(code)
PY
  for user in $(seq 0 49); do "$cinebook" token "load-$user"; done >"$work/tokens.txt"
}
