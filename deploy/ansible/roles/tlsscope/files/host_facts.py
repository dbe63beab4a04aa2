#!/usr/bin/env python3
"""The role's preflight reads the host with this in one step (changing nothing) and prints JSON:
whether the kernel's BTF (argv[1]) and the uprobe event source exist, the kernel's BPF build
options (when /proc/config.gz or /boot/config-<release> is readable), kernel.perf_event_paranoid,
and PID 1's locked-memory limit and capability bounding set (systemd sets the service's limits)."""
import gzip
import json
import os
import platform
import re
import sys

OPTIONS = ("CONFIG_BPF_SYSCALL", "CONFIG_BPF_EVENTS", "CONFIG_UPROBE_EVENTS", "CONFIG_DEBUG_INFO_BTF")


def read(path):
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def kernel_config():
    try:
        with gzip.open("/proc/config.gz", "rt") as file:
            return file.read()
    except OSError:
        return read("/boot/config-" + platform.release())


def main():
    config = kernel_config()
    limits = re.search(r"^Max locked memory\s+\S+\s+(\S+)", read("/proc/1/limits"), re.MULTILINE)
    bounding = re.search(r"^CapBnd:\s+([0-9a-f]+)", read("/proc/1/status"), re.MULTILINE)
    print(json.dumps({
        "btf": os.path.exists(sys.argv[1]),
        "uprobe_pmu": os.path.exists("/sys/bus/event_source/devices/uprobe/type"),
        "config_readable": bool(config),
        "config": {name: value for name, value in re.findall(r"^(CONFIG_\w+)=(\S+)", config, re.MULTILINE) if name in OPTIONS},
        "perf_event_paranoid": int(read("/proc/sys/kernel/perf_event_paranoid").strip() or "2"),
        "memlock_hard_limit": limits.group(1) if limits else "unknown",
        # CAP_SYS_RESOURCE is capability 24: may systemd raise the limit?
        "pid1_can_raise_limits": bool(bounding) and (int(bounding.group(1), 16) >> 24) & 1 == 1,
    }))


if __name__ == "__main__":
    main()
