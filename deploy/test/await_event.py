#!/usr/bin/env python3
"""Follows tlsscope's event stream until a query event holds MARKER; prints that event's JSON.
usage: await_event.py URL TOKEN MARKER SECONDS [READY_FILE]
Exit 0 when seen, 1 when the stream ended or SECONDS passed without it. With READY_FILE, the file
is created once the stream is open, so the caller knows when to make the traffic."""
import json
import pathlib
import sys
import urllib.request


def main() -> int:
    url, token, marker, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    request = urllib.request.Request(url.rstrip("/") + "/api/v1/events?type=query",
                                     headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=seconds) as stream:
            if len(sys.argv) > 5:
                pathlib.Path(sys.argv[5]).touch()
            for raw in stream:
                line = raw.decode("utf-8", "replace")
                if line.startswith("data:") and marker in line:
                    event = json.loads(line[len("data:"):])
                    print(json.dumps(event))
                    return 0
    except OSError as error:  # timeouts and refused connections alike
        print(f"await_event: no event with {marker}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
