"""Where a lock's time goes inside Redis: the core's lock script (from core-calls.py) cut
short after each of its stages, each version called for one free seat at a time (each seat
released again) and timed by the slow log, which keeps every call's own time in Redis, with
no network and no client in it. The peer's acquire (peer-lock.py) is timed the same way.
    VENV/bin/python lock-stages.py REDIS_URL CORE_CALLS_JSON [CALLS]   (peer-bench.sh runs it)"""
import importlib.util
import json
import pathlib
import statistics
import sys
import time

import redis

# The peer's scripts and keys, and the seat swapped in a recorded call, from peer-lock.py.
_spec = importlib.util.spec_from_file_location("peer_lock", pathlib.Path(__file__).with_name("peer-lock.py"))
peer_lock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peer_lock)

# Each stage ends before the line that begins the next one.
STAGES = [
    ("keys and arguments named", "local clock = redis.call('TIME')"),
    ("+ server time and sales marker: TIME, GET, INFO cluster", "local function readPass("),
    ("+ party and waiting room: HMGET", "local count = tonumber(blockSize)"),
    ("+ seats read: 2 HMGET, ZMSCORE", "local stale = {}"),
    ("+ seat limit: ZREMRANGEBYSCORE, ZCARD, ZMSCORE", "-- Holds that ran out"),
    ("+ the lock: INCR, HSET, PEXPIREAT, 2 ZADD", "redis.call('ZREM', roomChoosingKey"),
    ("+ room demand, holds' TTL, hold start: 9 calls", "announce(channel, {event = 'locked'"),
    ("+ the event: INCR, cjson, SPUBLISH (the whole lock)", None),
]

client = redis.Redis.from_url(sys.argv[1])
core = json.load(open(sys.argv[2]))
calls = int(sys.argv[3]) if len(sys.argv) > 3 else 3000


def in_redis(sha, call_for):
    """Median and mean of the calls' own times inside Redis, in µs (slow log)."""
    client.config_set("slowlog-log-slower-than", 0)
    client.config_set("slowlog-max-len", 1_000_000)
    client.slowlog_reset()
    for turn in range(calls):
        call_for(turn)
    times = [e["duration"] for e in client.slowlog_get(1_000_000)
             if e["command"].split()[:2] == [b"EVALSHA", sha.encode()]]
    return statistics.median(times), statistics.mean(times)


def core_stage(body):
    sha = client.script_load(body)

    def lock_and_release(turn):
        seat = core["seats"][turn % len(core["seats"])]
        client.execute_command("EVALSHA", sha, *peer_lock.with_seat(core["lock"], seat)[1:])
        client.execute_command("EVALSHA", *peer_lock.with_seat(core["unlock"], seat))
    return in_redis(sha, lock_and_release)


def peer():
    sha, release_sha = client.script_load(peer_lock.ACQUIRE), client.script_load(peer_lock.RELEASE)

    def acquire_and_release(turn):
        seat = peer_lock.seats[turn % len(peer_lock.seats)]
        keys = peer_lock.peer_keys(seat)
        client.evalsha(sha, 4, *keys, "peer", 900000, int(time.time() * 1000), seat)
        client.evalsha(release_sha, 4, *keys, "peer", seat)
    return in_redis(sha, acquire_and_release)


client.script_load(core["unlock_script"])
client.set(core["loaded"], f"{int(time.time() * 1000)}|")
script = core["lock_script"]
previous = 0
for name, marker in STAGES:
    if marker is not None:
        assert script.count(marker) == 1, f"the lock script no longer has exactly one line with {marker!r}"
        body = script.replace(marker, "do return {'stage'} end " + marker)
    else:
        body = script
    median, mean = core_stage(body)
    print(f"  {name:<55} {median:6.1f} us (mean {mean:6.1f}, {mean - previous:+6.1f})")
    previous = mean
median, mean = peer()
print(f"  {'the peer acquire: EXISTS, SET, 2 ZADD, INCR':<55} {median:6.1f} us (mean {mean:6.1f})")
