#!/usr/bin/env bash
# CineBook's one entry point.
#   ./dev.sh run [ARGS]    build (release) and open the seat map; ARGS go to cinebook
#   ./dev.sh test [ARGS]   check each target's imports against the README, build and run
#                          every test, then the sanitizer job; ARGS go to
#                          `swift test` (and skip the sanitizer job)
#   ./dev.sh sanitize      only the sanitizer job: the code on hiredis and ncursesw under
#                          the address and leak sanitizer (Tests/Sanitizers/c-edge.sh)
#   ./dev.sh deps          only install the Debian packages cinebook and its tests need
# Missing Debian packages are installed with apt-get when run as root (or with
# passwordless sudo); otherwise the exact command to run is printed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(libncursesw5-dev libhiredis-dev libsqlite3-dev redis-server redis-tools tmux postgresql)
# The tests also drive the browser seat map in a real Chromium, over WebDriver (DejaVu
# draws the seat glyphs in its screenshots).
test_packages=(chromium chromium-driver fonts-dejavu-core)

ensure_packages() {
  local missing=() package
  for package in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local apt=(apt-get)
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      apt=(sudo apt-get)
    else
      echo "cinebook needs these Debian packages: ${missing[*]}" >&2
      echo "Install them, then run this again:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  # One line while it runs; apt's and dpkg's progress go to a log, shown only on failure.
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/cinebook-apt.XXXXXX")
  echo "Installing ${missing[*]} (log: $log) ..." >&2
  if "${apt[@]}" update -qq >"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    rm -f "$log"
  else
    cat "$log" >&2
    echo "cinebook: installing ${missing[*]} failed; the log above is kept in $log" >&2
    exit 1
  fi
}

command=${1:-run}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    ensure_packages
    swift build -c release --product cinebook >&2
    # The server build (serve, bench, token, the map over the API, PostgreSQL) is built on
    # its first use; once it exists, it is kept as new as cinebook.
    if [ -x .build/release/cinebook-server ]; then swift build -c release --product cinebook-server >&2; fi
    exec .build/release/cinebook "$@"
    ;;
  test)
    ensure_packages "${test_packages[@]}"
    Tests/Architecture/imports.sh
    # At most 12 tests at a time: each starts servers, clusters, browsers and processes, and
    # with no bound the in-process API servers of the tests wait for the two cores longer
    # than their clients' deadlines.
    SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12} swift test "$@"
    [ $# -gt 0 ] || exec Tests/Sanitizers/c-edge.sh
    ;;
  sanitize)
    ensure_packages
    exec Tests/Sanitizers/c-edge.sh
    ;;
  deps)
    ensure_packages "${test_packages[@]}"
    ;;
  *)
    echo "usage: ./dev.sh run [cinebook arguments] | ./dev.sh test [swift test arguments] | ./dev.sh sanitize | ./dev.sh deps" >&2
    exit 2
    ;;
esac
