#!/usr/bin/env python3
"""Reads `qpdf --json=2 --json-key=qpdf FILE` on stdin and checks the file's objects: every
reference names an object the file holds, and every object is reached from the trailer
(object and cross-reference streams are the file's own bookkeeping and are left aside).
Prints "objects N" and exits 0, or names what is wrong and exits 1."""
import json
import re
import sys

REF = re.compile(r"^(\d+) (\d+) R$")


def refs(value, out):
    """Every "N G R" string in a qpdf JSON value (strings are "u:"/"b:" prefixed, names "/")."""
    if isinstance(value, str):
        m = REF.match(value)
        if m:
            out.append(int(m.group(1)))
    elif isinstance(value, list):
        for v in value:
            refs(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            refs(v, out)


def main():
    head, objects = json.load(sys.stdin)["qpdf"]
    del head
    held = {}
    trailer = None
    for key, obj in objects.items():
        if key == "trailer":
            trailer = obj
            continue
        m = re.match(r"^obj:(\d+) (\d+) R$", key)
        if not m:
            continue
        value = obj.get("value", obj.get("stream", {}).get("dict"))
        held[int(m.group(1))] = value
    bookkeeping = {
        n for n, v in held.items()
        if isinstance(v, dict) and v.get("/Type") in ("/ObjStm", "/XRef")
    }
    problems = []
    reached = set()
    todo = []
    refs(trailer["value"] if trailer else {}, todo)
    while todo:
        n = todo.pop()
        if n in reached:
            continue
        if n not in held:
            problems.append("a reference to object %d, which the file does not hold" % n)
            reached.add(n)
            continue
        reached.add(n)
        refs(held[n], todo)
    unused = sorted(set(held) - reached - bookkeeping)
    if unused:
        problems.append("%d objects nothing refers to: %s" % (len(unused), " ".join(map(str, unused[:20]))))
    if problems:
        print("\n".join(problems))
        return 1
    print("objects %d" % len(reached))
    return 0


if __name__ == "__main__":
    sys.exit(main())
