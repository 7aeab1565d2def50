#!/usr/bin/env python3
"""The size rules of issue 10, checked: in the non-test sources of core/, macros/, runtime/, llmcfg/ and
cargo-llmcfg/, no file over 600 lines, no function over 80 lines, and no
`too_many_arguments` / `type_complexity` allow.

Test code is left out: files named `tests.rs` or `*_tests.rs`, anything under a `tests/`
directory, and everything from a file's first `#[cfg(test)]` on (test modules sit at the end).
A function's length runs from its `fn` line to its closing brace, found by counting braces
outside strings, chars and comments.

Usage: scripts/check-size.py   (exit 1 and a list when a rule is broken)
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = ["core/src", "macros/src", "runtime/src", "llmcfg/src", "cargo-llmcfg/src"]
MAX_FILE, MAX_FN = 600, 80
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
ALLOW = re.compile(r"allow\([^)]*(too_many_arguments|type_complexity)")


def code_only(line, state):
    """`line` without strings, chars and comments; `state` carries a block comment or a
    string across lines."""
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if state["block"]:
            if line.startswith("*/", i):
                state["block"] = False
                i += 2
            else:
                i += 1
            continue
        if state["string"]:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                state["string"] = False
            i += 1
            continue
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"] = True
            i += 2
            continue
        if c == '"':
            state["string"] = True
            i += 1
            continue
        if c == "'" and re.match(r"'(\\.|[^\\'])'", line[i:]):
            i += len(re.match(r"'(\\.|[^\\'])'", line[i:]).group(0))
            continue
        out.append(c)
        i += 1
    return "".join(out)


def check(path, problems):
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next((i for i, l in enumerate(lines) if l.strip() == "#[cfg(test)]"), len(lines))
    lines = lines[:end]
    rel = path.relative_to(ROOT)
    if len(lines) > MAX_FILE:
        problems.append(f"{rel}: {len(lines)} lines (at most {MAX_FILE})")
    state = {"block": False, "string": False}
    open_fns, depth = [], 0
    for n, line in enumerate(lines, 1):
        if ALLOW.search(line):
            problems.append(f"{rel}:{n}: {line.strip()}")
        m = FN.match(line) if not state["block"] and not state["string"] else None
        code = code_only(line, state)
        if m:
            open_fns.append((m.group(6), n, depth))
        depth += code.count("{") - code.count("}")
        while open_fns and depth <= open_fns[-1][2] and ("}" in code or ";" in code):
            name, start, _ = open_fns.pop()
            length = n - start + 1
            if length > MAX_FN:
                problems.append(f"{rel}:{start}: fn {name} is {length} lines (at most {MAX_FN})")


def main():
    problems = []
    for d in DIRS:
        for path in sorted((ROOT / d).rglob("*.rs")):
            name = path.name
            if name == "tests.rs" or name.endswith("_tests.rs") or "tests" in path.parts[-2:-1]:
                continue
            check(path, problems)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"ok: no file over {MAX_FILE} lines, no fn over {MAX_FN}, no allow of either lint")


if __name__ == "__main__":
    main()
