"""A peer of the core's lock, as a redis-py seat locker writes it: one Lua script with four
keys (the seat's lock, the showtime's index, the user's holds, the showtime's version) that
takes a free seat for a user with a TTL. One client, one seat at a time, each lock timed and
released again; prints the lock's p50 and p99 in microseconds, and the p50 of a trivial
script (`return 1`), this client's floor for a script call.

With a third argument, a JSON file of one lock and one unlock call of the core as Redis saw
them (`{"lock": {"call": [...], "seat": ...}, "unlock": {...}, "loaded": key, "seats": [...]}`,
from the slow log), it times the
core's own lock script instead, through this same client, on the core's keys: the same
loop, each call's seat swapped for the next one. The Redis side of the two locks is
then told apart from the two clients.
    python peer-lock.py REDIS_URL SECONDS [CORE_CALLS_JSON]"""
import json
import sys
import time

import redis

ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local expiry = tonumber(ARGV[3]) + tonumber(ARGV[2])
redis.call('ZADD', KEYS[2], expiry, ARGV[4])
redis.call('ZADD', KEYS[3], expiry, ARGV[4])
redis.call('INCR', KEYS[4])
return 1
"""
RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('INCR', KEYS[4])
return 1
"""

seats = [f"{row}{number}" for row in "ABCDEFGHIJ" for number in range(1, 16)]
index, holds, version = "peer_locks:{9}", "peer_holds:{9}:peer", "peer_version:{9}"


def peer_keys(seat):
    """The peer's four keys for one seat: its lock, the showtime's index, the holds, the version."""
    return [f"peer_lock:{{9}}:{seat}", index, holds, version]


def with_seat(recorded, new):
    """A recorded call with its seat code swapped: the argument itself, and the end of its lock key."""
    old = recorded["seat"]
    return [new if arg == old else arg[: -len(old)] + new if arg.endswith(":" + old) else arg for arg in recorded["call"]]


def time_core(core, deadline):
    """The core's lock script, each call timed, then its unlock, on the showtime the core
    played (its keys removed after the core's run, so its sales are marked loaded again,
    with no seat sold)."""
    lock, unlock = core["lock"], core["unlock"]
    client.set(core["loaded"], f"{int(time.time() * 1000)}|")
    samples, turn = [], 0
    while time.perf_counter() < deadline:
        seat = core["seats"][turn % len(core["seats"])]
        turn += 1
        started = time.perf_counter()
        reply = client.execute_command("EVALSHA", *with_seat(lock, seat))
        elapsed = time.perf_counter() - started
        if reply[0] == b"ok":
            samples.append(elapsed)
            client.execute_command("EVALSHA", *with_seat(unlock, seat))
        else:
            assert reply[0] == b"unavailable", f"the core's lock script answered {reply}"
    return samples


def time_peer(deadline):
    """The peer's acquire, each call timed, then its release."""
    samples, turn = [], 0
    while time.perf_counter() < deadline:
        seat = seats[turn % len(seats)]
        turn += 1
        keys = peer_keys(seat)
        started = time.perf_counter()
        taken = acquire(keys=keys, args=["peer", 900000, int(time.time() * 1000), seat])
        samples.append(time.perf_counter() - started)
        assert taken == 1, f"{seat} was not free"
        release(keys=keys, args=["peer", seat])
    return samples


if __name__ == "__main__":
    url, seconds = sys.argv[1], float(sys.argv[2])
    client = redis.Redis.from_url(url)
    acquire, release = client.register_script(ACQUIRE), client.register_script(RELEASE)
    deadline = time.perf_counter() + seconds
    if len(sys.argv) > 3:
        with open(sys.argv[3]) as file:
            label, samples = "core script", time_core(json.load(file), deadline)
    else:
        label, samples = "peer locks", time_peer(deadline)
    samples.sort()
    trivial = client.register_script("return 1")
    floor = []
    for _ in range(2000):
        started = time.perf_counter()
        trivial(keys=[index])
        floor.append(time.perf_counter() - started)
    floor.sort()
    print(f"{label} {len(samples)}  p50 {samples[len(samples) // 2] * 1e6:.1f} us  p99 {samples[len(samples) * 99 // 100] * 1e6:.1f} us"
          f"  trivial script p50 {floor[len(floor) // 2] * 1e6:.1f} us")
