"""Counts for bench/result-flood.sh, from the files a phase left behind (nothing derived by hand).

  general-log LOG OFFSET USER      Query entries of USER's sessions in a MariaDB general log from
                                   byte OFFSET on; prints the count
  events SSE SIDE FIELD VALUE (--log LOG OFFSET USER | --statement TEXT)
                                   query events (command "query") of one side whose connection
                                   FIELD (pid, source or destination: this machine runs other
                                   databases too) is VALUE; prints "events matched": matched is
                                   how many carry one of the logged statements (each used once),
                                   or exactly TEXT
"""
import collections
import json
import re
import sys

# "261202  4:08:06\t     3 Connect\tslap@localhost on ..." or "\t\t     5 Query\tSELECT ..."
LOG_ENTRY = re.compile(r"^(?:\d{6}\s+\d{1,2}:\d\d:\d\d)?\s+(\d+) ([A-Za-z ]+?)\t(.*)$")


def logged_statements(path, offset, user):
    """Query arguments of the sessions USER opened, in log order (continuation lines joined)."""
    sessions, statements = set(), []
    current = None  # the entry being read, for statements that span lines
    with open(path, "rb") as log:
        log.seek(offset)
        for raw in log.read().decode("utf-8", errors="replace").split("\n"):
            entry = LOG_ENTRY.match(raw)
            if entry is None:
                if current is not None:
                    statements[current] += "\n" + raw
                continue
            session, command, argument = int(entry[1]), entry[2], entry[3]
            current = None
            if command == "Connect" and argument.startswith(user + "@"):
                sessions.add(session)
            elif command == "Query" and session in sessions:
                statements.append(argument)
                current = len(statements) - 1
    return [statement.rstrip("\n") for statement in statements]


def query_events(path, side, field, value):
    events = []
    with open(path, encoding="utf-8", errors="replace") as sse:
        for line in sse:
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            if (event.get("side") == side and event.get("command") == "query"
                    and str(event.get("connection", {}).get(field)) == value):
                events.append(event)
    return events


def main(args):
    if args[0] == "general-log":
        print(len(logged_statements(args[1], int(args[2]), args[3])))
        return
    path, side, field, value = args[1:5]
    statements = [event.get("statement", "") for event in query_events(path, side, field, value)]
    if args[5] == "--log":
        expected = collections.Counter(logged_statements(args[6], int(args[7]), args[8]))
        matched = sum((collections.Counter(statements) & expected).values())
    else:
        matched = statements.count(args[6])
    print(len(statements), matched)


if __name__ == "__main__":
    main(sys.argv[1:])
