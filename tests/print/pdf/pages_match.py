#!/usr/bin/env python3
"""pages_match: compares `quire dump --pages` output with expected lines.

Usage: pages_match.py EXPECTED ACTUAL

Every line must match, in order and in number. In an expected line a `*` stands for
any one number, and `"*"` for any quoted text; everything else must be equal. Exits 1
with the first differences shown."""
import re
import sys

TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')


def matches(want, got):
    w, g = TOKEN.findall(want), TOKEN.findall(got)
    if len(w) != len(g):
        return False
    for a, b in zip(w, g):
        if a == b or (a == "*" and re.fullmatch(r"-?\d+(\.\d+)?", b)) or (a == '"*"' and b.startswith('"')):
            continue
        return False
    return True


def main():
    want = open(sys.argv[1], encoding="utf-8").read().splitlines()
    got = open(sys.argv[2], encoding="utf-8").read().splitlines()
    bad = [i for i in range(max(len(want), len(got)))
           if i >= len(want) or i >= len(got) or not matches(want[i], got[i])]
    if not bad:
        return 0
    for i in bad[:5]:
        print("line %d:\n  expected: %s\n  got:      %s" % (
            i + 1, want[i] if i < len(want) else "(nothing)", got[i] if i < len(got) else "(nothing)"))
    if len(bad) > 5:
        print("… %d more lines differ" % (len(bad) - 5))
    return 1


if __name__ == "__main__":
    sys.exit(main())
