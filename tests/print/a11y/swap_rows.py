#!/usr/bin/python3
"""swap_rows.py IN.pdf OUT.pdf: the first table body with 3 rows or more with its first two
rows swapped in the structure tree (nothing else changed), for the reading-order check to fail."""
import sys

import pikepdf
from pikepdf import Array, Dictionary


def find_tbody(node):
    k = node.get('/K')
    kids = list(k) if isinstance(k, Array) else ([] if k is None else [k])
    if node.get('/S') == '/TBody' and isinstance(k, Array) and len(kids) >= 3:
        return node
    for kid in kids:
        if isinstance(kid, Dictionary) and '/S' in kid:
            found = find_tbody(kid)
            if found is not None:
                return found
    return None


def main():
    pdf = pikepdf.open(sys.argv[1])
    body = find_tbody(pdf.Root.StructTreeRoot)
    if body is None:
        print('no table body with 3 rows')
        return 1
    rows = list(body.K)
    rows[0], rows[1] = rows[1], rows[0]
    body.K = Array(rows)
    pdf.save(sys.argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main())
