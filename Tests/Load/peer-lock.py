"""A peer of the core's lock, as a redis-py seat locker writes it: one Lua script with four
keys (the seat's lock, the showtime's index, the user's holds, the showtime's version) that
takes a free seat for a user with a TTL. One client, one seat at a time, each lock timed and
released again; prints the lock's p50 and p99 in microseconds, and the p50 of a trivial
script (`return 1`), this client's floor for a script call.
    python peer-lock.py REDIS_URL SECONDS"""
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

url, seconds = sys.argv[1], float(sys.argv[2])
client = redis.Redis.from_url(url)
acquire, release = client.register_script(ACQUIRE), client.register_script(RELEASE)
seats = [f"{row}{number}" for row in "ABCDEFGHIJ" for number in range(1, 16)]
index, holds, version = "peer_locks:{9}", "peer_holds:{9}:peer", "peer_version:{9}"
samples = []
deadline = time.perf_counter() + seconds
turn = 0
while time.perf_counter() < deadline:
    seat = seats[turn % len(seats)]
    turn += 1
    keys = [f"peer_lock:{{9}}:{seat}", index, holds, version]
    started = time.perf_counter()
    taken = acquire(keys=keys, args=["peer", 900000, int(time.time() * 1000), seat])
    samples.append(time.perf_counter() - started)
    assert taken == 1, f"{seat} was not free"
    release(keys=keys, args=["peer", seat])
samples.sort()
trivial = client.register_script("return 1")
floor = []
for _ in range(2000):
    started = time.perf_counter()
    trivial(keys=[index])
    floor.append(time.perf_counter() - started)
floor.sort()
print(f"peer locks {len(samples)}  p50 {samples[len(samples) // 2] * 1e6:.1f} us  p99 {samples[len(samples) * 99 // 100] * 1e6:.1f} us"
      f"  trivial script p50 {floor[len(floor) // 2] * 1e6:.1f} us")
