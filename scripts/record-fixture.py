#!/usr/bin/env python3
"""Records captured SSL calls from a running tlsscope as decoder test fixtures.

Usage: scripts/record-fixture.py URL PREFIX COMM [COMM ...]
  URL     the raw event stream, e.g. http://127.0.0.1:7710/api/v1/events?type=raw
  PREFIX  output path prefix: one PREFIX-<comm>.jsonl per traced program
  COMM    programs to keep (e.g. psql postgres, mariadb mariadbd)
Runs until interrupted (Ctrl-C) while the session to record runs. Each line holds what the
decoder tests replay (src/test/java/io/tlsscope/testsupport/RecordedCalls.java): time, direction,
ssl, chunk, lastChunk, truncated, base64, plus pid and tid."""
import json
import sys
import urllib.request

FIELDS = ("time", "direction", "ssl", "chunk", "lastChunk", "truncated", "base64")


def record(url, prefix, programs):
    files = {}
    with urllib.request.urlopen(url) as stream:
        for raw in stream:
            line = raw.decode()
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            if event.get("type") != "tls-data" or event["comm"] not in programs:
                continue
            out = files.get(event["comm"])
            if out is None:
                out = files[event["comm"]] = open(f"{prefix}-{event['comm']}.jsonl", "w")
            kept = {name: event.get(name) for name in FIELDS}
            kept["pid"], kept["tid"] = event["pid"], event["tid"]
            out.write(json.dumps(kept) + "\n")
            out.flush()


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    try:
        record(sys.argv[1], sys.argv[2], set(sys.argv[3:]))
    except KeyboardInterrupt:
        pass
