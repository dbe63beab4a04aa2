#!/usr/bin/env python3
"""The perf events (uprobes, tracepoints) that processes of the given containers hold, and the BPF
programs and links behind them, as the kernel reports them through bpftool; one line each,
nothing when there are none.
usage: kernel_objects.py CONTAINER_ID...      list them
       kernel_objects.py --gone LISTING       exit 1 if a program of an earlier listing still exists
Processes belong to a container when their /proc/PID/cgroup names its id (podman's cgroups do)."""
import json
import pathlib
import subprocess
import sys


def bpftool(*args):
    result = subprocess.run(["bpftool", "--json", *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout or "[]")


def container_pids(ids):
    pids = set()
    for proc in pathlib.Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cgroup = (proc / "cgroup").read_text()
            except OSError:
                continue
            if any(container_id in cgroup for container_id in ids):
                pids.add(int(proc.name))
    return pids


def listing(ids):
    # bpftool names the holder of a perf event (uprobes, and the BTF tracepoints' raw tracepoint
    # events); programs and links are then found through the programs those events run
    pids = container_pids(ids)
    lines = []
    programs = set()
    for event in bpftool("perf"):
        if event.get("pid") in pids:
            programs.add(event["prog_id"])
            lines.append(f"perf {event.get('fd_type')} pid {event['pid']} prog {event['prog_id']} {event.get('filename', event.get('tp_name', ''))}")
    for prog in bpftool("prog", "show"):
        if prog["id"] in programs:
            lines.append(f"prog {prog['id']} {prog.get('type')} {prog.get('name', '')}")
    for link in bpftool("link", "show"):
        if link.get("prog_id") in programs:
            lines.append(f"link {link['id']} {link.get('type')} prog {link.get('prog_id')}")
    return lines


def still_there(path):
    alive = []
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("prog "):
            prog_id = line.split()[1]
            if subprocess.run(["bpftool", "prog", "show", "id", prog_id], capture_output=True).returncode == 0:
                alive.append(prog_id)
    if alive:
        print(f"kernel_objects: programs still loaded: {' '.join(alive)}", file=sys.stderr)
    return 1 if alive else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--gone"]:
        sys.exit(still_there(sys.argv[2]))
    for found in listing(sys.argv[1:]):
        print(found)
