#!/usr/bin/env python3
"""The role's meta/argument_specs.yml against defaults/main.yml: the same variables, the same
defaults, every one described, and every defaults entry preceded by a comment. Exit 1 on any
difference, naming it."""
import pathlib
import sys

import yaml

ROLE = pathlib.Path(__file__).resolve().parent.parent / "roles" / "tlsscope"


def main() -> int:
    defaults_text = (ROLE / "defaults" / "main.yml").read_text()
    defaults = yaml.safe_load(defaults_text)
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    problems = []
    options = specs["main"]["options"]
    for name in sorted(set(defaults) - set(options)):
        problems.append(f"{name}: in defaults/main.yml, missing from argument_specs.yml (main)")
    for name in sorted(set(options) - set(defaults)):
        problems.append(f"{name}: in argument_specs.yml (main), missing from defaults/main.yml")
    for name in sorted(set(defaults) & set(options)):
        if options[name].get("default") != defaults[name]:
            problems.append(f"{name}: default {defaults[name]!r} in defaults/main.yml, {options[name].get('default')!r} in argument_specs.yml")
        if not options[name].get("description"):
            problems.append(f"{name}: no description in argument_specs.yml")
    for entry, spec in specs.items():
        for name, option in spec.get("options", {}).items():
            if name in defaults and option.get("default") != defaults[name]:
                problems.append(f"{name}: entry point {entry} has default {option.get('default')!r}, defaults/main.yml {defaults[name]!r}")
    lines = defaults_text.splitlines()
    for index, line in enumerate(lines):
        name = line.split(":", 1)[0]
        if name in defaults and not line.startswith((" ", "#")) and not lines[index - 1].startswith("#"):
            problems.append(f"{name}: no comment above it in defaults/main.yml")
    for problem in problems:
        print(f"check_argument_specs: {problem}", file=sys.stderr)
    print(f"check_argument_specs: {len(options)} variables, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
