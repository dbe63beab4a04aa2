#!/usr/bin/env python3
"""Writes the fuzz seeds: each recorded session of src/test/resources/fixtures/{pg,mysql} as one
input in the CallScript format (flag byte: bit 0 frontend; 2-byte big-endian length; bytes), into
src/test/resources/io/tlsscope/protocol/fuzz/ProtocolFuzzTestInputs/<target>/.
Usage: scripts/fuzz-seeds.py   (from the repository root)"""
import base64, json, pathlib, struct

root = pathlib.Path("src/test/resources")
inputs = root / "io/tlsscope/protocol/fuzz/ProtocolFuzzTestInputs"
# recording -> whether its writes are the frontend (client side) or its reads (server side)
sessions = {
    "pg/psql-client": True, "pg/psql-backend": False, "pg/pgbench-extended-client": True,
    "mysql/mariadb-cli-client": True, "mysql/mariadb-cli-server": False, "mysql/connectorj-server": False,
    "mysql/auth-client": True, "mysql/auth-server": False,
}
targets = {"pg": ["postgresSession", "postgresMask"], "mysql": ["mysqlSession", "mysqlMask"]}
for name, writes_are_frontend in sessions.items():
    script = bytearray()
    for line in (root / "fixtures" / (name + ".jsonl")).read_text().splitlines():
        event = json.loads(line)
        data = base64.b64decode(event["base64"])[:0xFFFF]
        frontend = (event["direction"] == "write") == writes_are_frontend
        script += struct.pack(">BH", 1 if frontend else 0, len(data)) + data
    for target in targets[name.split("/")[0]]:
        directory = inputs / target
        directory.mkdir(parents=True, exist_ok=True)
        (directory / name.replace("/", "-")).write_bytes(bytes(script))
