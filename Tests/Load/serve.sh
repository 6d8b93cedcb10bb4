# Sourced by the load scripts: starts `cinebook serve` (release build) on $port with no
# rate limit and no sweeper, waits until /health answers, and stops it on exit. Sets
# $cinebook, $work (a scratch directory, removed on exit) and $server (the process id).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cinebook="$here/../../.build/release/cinebook"
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
