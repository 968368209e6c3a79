# The e-book's print page numbers: `--epub` alone and the full build give the same EPUB,
# every page-list entry (nav and NCX) resolves to a page break, the labels are the PDF's
# printed folios of its body pages, and each break stands before text printed on that page.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
export QUIRE_DATA_DIR=$SRC

pagelist() { # pagelist NAME BOOK [ARGS...]
    local name=$1 book=$2
    shift 2
    run "$name-full" build "$book" -o "$name/full" "$@"
    check "$name: full build exit 0 ($(cat "$name-full.err"))" [ "$RC" -eq 0 ]
    run "$name-epub" build "$book" -o "$name/epub" --epub "$@"
    check "$name: --epub exit 0 ($(cat "$name-epub.err"))" [ "$RC" -eq 0 ]
    local epub pdf
    epub=$(ls "$name"/full/*.epub) pdf=$(ls "$name"/full/*.pdf)
    check "$name: --epub and the full build give the same EPUB" cmp -s "$epub" "$name/epub/$(basename "$epub")"
    python3 - "$epub" "$pdf" >"$name-py.out" 2>&1 <<'PY'
import html, json, re, subprocess, sys, zipfile
epub, pdf = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(epub)
bad = []
nav = z.read("EPUB/nav.xhtml").decode()
m = re.search(r'<nav epub:type="page-list"[^>]*>(.*?)</nav>', nav, re.S)
if not m:
    print("FAIL: no page-list in nav.xhtml"); sys.exit(1)
entries = re.findall(r'<a href="([^"#]+)#([^"]+)">([^<]+)</a>', m.group(1))
ncx = z.read("EPUB/toc.ncx").decode()
targets = re.findall(r'<pageTarget [^>]*value="([^"]+)"><navLabel><text>([^<]+)</text></navLabel><content src="([^"]+)"/>', ncx)
if [(l, f"{h}#{i}") for h, i, l in entries] != [(v, s) for v, t, s in targets]:
    bad.append("the NCX pageList differs from the nav page-list")
opf = z.read("EPUB/package.opf").decode()
for need in ("printPageNumbers", 'property="source-of">pagination<', "<dc:source"):
    if need not in opf: bad.append(f"package.opf lacks {need}")
# The printed folio of every physical page, from the PDF's page labels.
info = json.loads(subprocess.run(["qpdf", "--json", "--json-key=pagelabels", "--json-key=pages", pdf],
                                 capture_output=True, text=True).stdout)
n_pages = len(info["pages"])
labels = {}
for pl in info["pagelabels"]:
    labels[pl["index"]] = pl["label"]
folio = []
cur = None
for p in range(n_pages):
    if p in labels: cur = dict(labels[p], first=p)
    st = cur.get("/St", 1) + p - cur["first"]
    folio.append((cur.get("/S"), st))
body = [p for p in range(n_pages) if folio[p][0] == "/D"]
want = [str(folio[p][1]) for p in body]
got = [l for _, _, l in entries]
if got != want: bad.append(f"page-list labels {got} != the PDF's body folios {want}")
def words(s): return re.findall(r"\w{3,}", s)
for (href, pid, label) in entries:
    doc = z.read("EPUB/" + href).decode()
    mark = re.search(r'<span epub:type="pagebreak" role="doc-pagebreak" id="%s" aria-label="%s"/>' % (re.escape(pid), re.escape(label)), doc)
    if not mark or pid != f"page-{label}":
        bad.append(f"{href}#{pid} does not resolve to a page break labelled {label}"); continue
    if label not in want: continue
    phys = body[want.index(label)] + 1
    after = html.unescape(re.sub(r"<[^>]+>", " ", doc[mark.end():mark.end() + 3000]))
    first = words(after)[:3]
    printed = subprocess.run(["pdftotext", "-f", str(phys), "-l", str(phys), pdf, "-"], capture_output=True, text=True).stdout
    joined = re.sub(r"\s+", "", printed)
    if not first or any(w[:30] not in joined for w in first):
        bad.append(f"page {label}: the text after its break {first} is not on PDF page {phys}")
for b in bad: print("FAIL:", b)
print(f"{len(entries)} pages checked")
sys.exit(1 if bad else 0)
PY
    local rc=$?
    check "$name: page list ($(tail -n 3 "$name-py.out" | tr '\n' ' '))" [ "$rc" -eq 0 ]
}

pagelist io "$SRC/book"
pagelist io-2col "$SRC/book" --style "$SRC/styles/letter-2col.yaml"
pagelist keeps "$SRC/tests/print/pdf/fixtures/keeps"
pagelist print "$SRC/tests/print/pdf/fixtures/print"

# EPUBCheck accepts the page breaks, the page list and the metadata.
epubcheck_clean "EPUBCheck: no message" keeps/full/keeps.epub
finish
