"""structtree: `qpdf --json` (version 2) on stdin; prints the structure tree, one element a
line indented by depth ("Document", "  H1", "  P", …), and checks it:

- the StructTreeRoot's /K is one Document element whose /P is the root;
- every element's /P is the element (or the root) whose /K holds it;
- every reference in the /ParentTree is an element of the tree, never the root.

Problems are printed as "ERROR: …" lines and give exit status 1. With --summary only the
first two levels are printed, each run of equal types once with a count ("P ×12").
"""
import json
import sys

objects = json.load(sys.stdin)["qpdf"][1]
errors = []


def value(ref):
    """The value behind "N G R" (a stream's dictionary for a stream), else the value itself."""
    if isinstance(ref, str) and ref.endswith(" R"):
        obj = objects.get("obj:" + ref, {})
        return obj["stream"]["dict"] if "stream" in obj else obj.get("value")
    return ref


catalog = value(objects["trailer"]["value"]["/Root"])
root_ref = catalog.get("/StructTreeRoot")
root = value(root_ref)
if not isinstance(root, dict):
    print("ERROR: no StructTreeRoot")
    sys.exit(1)

elements = set()     # references of the elements met in the tree
lines = []


def kids_of(node):
    k = node.get("/K")
    if k is None:
        return []
    return k if isinstance(k, list) else [k]


def walk(ref, parent_ref, depth):
    node = value(ref)
    if not isinstance(node, dict) or "/S" not in node:
        return      # marked-content id, MCR or OBJR
    if isinstance(ref, str):
        elements.add(ref)
    if depth > 64:
        errors.append("tree deeper than 64")
        return
    if node.get("/P") != parent_ref:
        errors.append(f"{node['/S']} {ref}: /P is {node.get('/P')}, not {parent_ref}")
    lines.append((depth, node["/S"][1:]))
    for kid in kids_of(node):
        # a direct element's kids name the element holding them; they cannot refer to it
        walk(kid, ref if isinstance(ref, str) else None, depth + 1)


top = kids_of(root)
if len(top) != 1 or not isinstance(value(top[0]), dict) or value(top[0]).get("/S") != "/Document":
    errors.append(f"the root's /K is {[value(k).get('/S') if isinstance(value(k), dict) else k for k in top]}, "
                  "not one Document element")
for kid in top:
    walk(kid, root_ref, 0)

# The parent tree: number tree of page (and annotation) entries → elements.
n_refs = 0


def parent_tree(node, depth=0):
    global n_refs
    node = value(node)
    if not isinstance(node, dict) or depth > 32:
        return
    nums = value(node.get("/Nums", []))
    for v in nums[1::2]:
        v_val = value(v) if isinstance(v, str) and not isinstance(value(v), dict) else v
        for ref in (v_val if isinstance(v_val, list) else [v_val]):
            if ref is None:
                continue
            n_refs += 1
            if ref == root_ref:
                errors.append(f"/ParentTree refers to the StructTreeRoot {ref}")
            elif ref not in elements:
                errors.append(f"/ParentTree refers to {ref}, not an element of the tree")
    for kid in value(node.get("/Kids", [])):
        parent_tree(kid, depth + 1)


parent_tree(root.get("/ParentTree"))
if n_refs == 0:
    errors.append("empty /ParentTree")

if "--summary" in sys.argv:
    out, prev, count = [], None, 0
    for depth, name in lines:
        if depth > 1:
            continue
        if (depth, name) == prev:
            count += 1
            continue
        if prev:
            out.append("  " * prev[0] + prev[1] + (f" ×{count}" if count > 1 else ""))
        prev, count = (depth, name), 1
    if prev:
        out.append("  " * prev[0] + prev[1] + (f" ×{count}" if count > 1 else ""))
    print("\n".join(out))
else:
    for depth, name in lines:
        print("  " * depth + name)
print(f"{len(elements)} elements, {n_refs} parent tree references")
for e in errors:
    print("ERROR:", e)
sys.exit(1 if errors else 0)
