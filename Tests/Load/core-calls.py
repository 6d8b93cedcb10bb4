"""Reads a MONITOR capture of a run of `cinebook bench` and writes, as JSON, one lock and
one unlock of one seat as the core sent them, the seats it locked, its marker key, and the
two scripts' sources (from their SCRIPT LOAD), for peer-lock.py and lock-stages.py to replay.
The slow log cannot serve: it keeps only a call's first 32 arguments.
    python3 core-calls.py MONITOR_CAPTURE > core-calls.json"""
import hashlib
import json
import sys

ESCAPES = {"\\": b"\\", '"': b'"', "n": b"\n", "r": b"\r", "t": b"\t", "a": b"\a", "b": b"\b"}


def arguments(line):
    """A MONITOR line's quoted arguments (`<time> [<db> <client>] "ARG" ...`), unescaped as
    Redis escapes them (backslash, quote, \\n \\r \\t \\a \\b, and \\xHH for other bytes)."""
    text, at, found = line.split("] ", 1)[1], 0, []
    while (at := text.find('"', at)) >= 0:
        value, at = bytearray(), at + 1
        while text[at] != '"':
            if text[at] == "\\":
                if text[at + 1] == "x":
                    value.append(int(text[at + 2:at + 4], 16))
                    at += 4
                else:
                    value += ESCAPES[text[at + 1]]
                    at += 2
            else:
                value += text[at].encode()
                at += 1
        found.append(value.decode())
        at += 1
    return found


def call(arguments):   # EVALSHA sha numkeys keys... arguments...
    keys = arguments[3:3 + int(arguments[2])]
    seats = [key.rsplit(":", 1)[1] for key in keys if key.startswith("seat_lock:")]
    return {"call": arguments[1:], "keys": keys, "seat": seats[0] if len(seats) == 1 else None}


scripts, calls = {}, []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if " lua]" in line or "] " not in line:
        continue   # a command a script called
    words = arguments(line)
    if words[:2] == ["SCRIPT", "LOAD"]:
        scripts[hashlib.sha1(words[2].encode()).hexdigest()] = words[2]
    elif words[0] == "EVALSHA":
        calls.append(call(words))
# A lock of one seat reads the token counter third; an unlock of one seat reads the index,
# the holds and the sold seats first.
locks = [c for c in calls if c["seat"] and c["keys"][2].startswith("seat_seq:")]
unlock = next(c for c in calls if c["seat"] and len(c["keys"]) == 7 and c["keys"][1].startswith("seat_holds:")
              and c["keys"][2].startswith("seat_sold:") and c["keys"][0] == locks[0]["keys"][0])   # the same showtime
json.dump({"lock": locks[0], "unlock": unlock, "loaded": locks[0]["keys"][5], "seats": sorted({c["seat"] for c in locks}),
           "lock_script": scripts[locks[0]["call"][0]], "unlock_script": scripts[unlock["call"][0]]}, sys.stdout)
