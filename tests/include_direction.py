#!/usr/bin/env python3
"""Checks that quire's stages depend on each other in one direction only.

Every quoted #include in src/<stage>/ must name a header of the same stage or of a
stage it may use:

    base  <- model <- load, print, ebook <- cli <- main.c

A writer (print, ebook) never includes the loader or the other writer, the loader
never includes a writer, and nothing includes cli. Usage: include_direction.py SRC_DIR
(exit 1 and one line per back-edge), or --self-test (checks the checker on a small
tree with a deliberate back-edge, so this test cannot pass by finding nothing).
"""
import os
import re
import sys
import tempfile

MAY_USE = {
    "base": set(),
    "model": {"base"},
    "load": {"model", "base"},
    "print": {"model", "base"},
    "ebook": {"model", "base"},
    "cli": {"base", "model", "load", "print", "ebook"},
}
GENERATED = {"version.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage_of(src, path):
    rel = os.path.relpath(path, src).split(os.sep)
    return rel[0] if len(rel) > 1 else None  # None: a file at the root (main.c)


def violations(src):
    found, files = [], 0
    for root, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            files += 1
            stage = stage_of(src, path)
            if stage is not None and stage not in MAY_USE:
                found.append(f"{path}: not in a known stage folder")
                continue
            text = open(path, encoding="utf-8").read()
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                line = text.count("\n", 0, m.start()) + 1
                if inc in GENERATED:
                    continue
                target = inc.split("/")[0] if "/" in inc else None
                where = f"{path}:{line}"
                if target is None or target not in MAY_USE:
                    found.append(f'{where}: "{inc}" names no stage (write "stage/{inc}")')
                elif not os.path.exists(os.path.join(src, inc)):
                    found.append(f'{where}: "{inc}" does not exist')
                elif stage is not None and target != stage and target not in MAY_USE[stage]:
                    found.append(f'{where}: {stage} may not include {target} ("{inc}")')
    return found, files


def self_test():
    with tempfile.TemporaryDirectory() as d:
        for stage in ("base", "model", "print", "ebook"):
            os.makedirs(os.path.join(d, stage))
        open(os.path.join(d, "base", "util.h"), "w").write("")
        open(os.path.join(d, "model", "model.h"), "w").write('#include "base/util.h"\n')
        open(os.path.join(d, "ebook", "xhtml.h"), "w").write('#include "model/model.h"\n')
        clean, _ = violations(d)
        open(os.path.join(d, "print", "pdf.c"), "w").write('#include "model/model.h"\n#include "ebook/xhtml.h"\n')
        open(os.path.join(d, "base", "diag.c"), "w").write('#include "model/model.h"\n')
        bad, _ = violations(d)
    ok = not clean and len(bad) == 2 and any("print may not include ebook" in v for v in bad) \
        and any("base may not include model" in v for v in bad)
    print("self-test:", "ok" if ok else f"FAILED (clean tree: {clean}, bad tree: {bad})")
    return ok


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found, files = violations(sys.argv[1])
    for v in found:
        print(v)
    if files == 0:
        print(f"{sys.argv[1]}: no source files")
        return 1
    print(f"{files} files, {len(found)} back-edges")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
