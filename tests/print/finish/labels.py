"""labels: `qpdf --json --json-key=pages` on stdin, the page labels a reader shows on stdout."""
import json
import sys


def roman(n):
    out = ""
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                          (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                          (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += digits
            n -= value
    return out


labels = []
for page in json.load(sys.stdin)["pages"]:
    label = page.get("label") or {}
    start = label.get("/St", 1)
    style = label.get("/S")
    labels.append(roman(start) if style == "/r" else str(start) if style == "/D" else "-")
print(" ".join(labels))
