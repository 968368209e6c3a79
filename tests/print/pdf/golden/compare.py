#!/usr/bin/env python3
"""compare: renders one PDF page at 40 dpi in grey and compares it with a stored PGM.

Usage: compare.py PDF PAGE GOLDEN.pgm[.gz] WORKDIR
Passes when the sizes match, the mean absolute difference is under 1.5 levels and
fewer than 0.3% of the pixels differ by more than 64 (room for rasteriser and
antialiasing differences, none for moved lines or words). On failure the rendering
is kept as WORKDIR/actual.pgm.
"""
import glob
import gzip
import os
import re
import subprocess
import sys


def read_pgm(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        sys.exit(f"{path}: not a binary PGM")
    return int(m.group(1)), int(m.group(2)), data[m.end():]


pdf, page, golden, work = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
prefix = os.path.join(work, "golden-render")
for old in glob.glob(prefix + "*.pgm"):
    os.remove(old)
subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", page, "-l", page, pdf, prefix], check=True)
actual = glob.glob(prefix + "*.pgm")[0]
w, h, a = read_pgm(actual)
gw, gh, g = read_pgm(golden)
if (w, h) != (gw, gh):
    sys.exit(f"size {w}x{h} != golden {gw}x{gh}")
diffs = [abs(x - y) for x, y in zip(a, g)]
mean = sum(diffs) / len(diffs)
big = sum(d > 64 for d in diffs) / len(diffs)
print(f"golden: mean difference {mean:.3f}, {100 * big:.3f}% of pixels differ by more than 64")
if mean >= 1.5 or big >= 0.003:
    os.replace(actual, os.path.join(work, "actual.pgm"))
    sys.exit(1)
