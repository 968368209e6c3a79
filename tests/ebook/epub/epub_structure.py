#!/usr/bin/env python3
"""epub_structure: checks one EPUB file's container, package, navigation and links.

Usage: epub_structure.py FILE.epub EXTRACT_DIR [CONTENTS_DEPTH (default 2)]
Extracts the files to EXTRACT_DIR (for xmllint) and prints one line per failed
check, then "N passed, N failed". Exit status 1 on any failure."""
import os
import posixpath
import re
import struct
import sys
import zipfile
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urldefrag

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "h": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return cond


def main():
    path, out = sys.argv[1], sys.argv[2]
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 2  # the style's contents depth
    raw = open(path, "rb").read()
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    names = [i.filename for i in infos]

    # container
    check(infos[0].filename == "mimetype", "mimetype is the first entry")
    check(infos[0].compress_type == zipfile.ZIP_STORED, "mimetype is stored")
    check(z.read("mimetype") == b"application/epub+zip", "mimetype content")
    check(raw[:4] == b"PK\x03\x04" and raw[30:38] == b"mimetype", "mimetype local header at offset 0")
    check(struct.unpack("<H", raw[28:30])[0] == 0, "no extra field on mimetype")
    check(all(i.extra == b"" for i in infos), "no extra fields in the central directory")
    check(len(set(names)) == len(names), "no duplicate entries")
    z.extractall(out)

    container = ET.fromstring(z.read("META-INF/container.xml"))
    rootfile = container.find(".//c:rootfile", NS)
    opf_path = rootfile.get("full-path")
    check(opf_path in names, "package document exists: %s" % opf_path)
    opf_dir = posixpath.dirname(opf_path)
    opf = ET.fromstring(z.read(opf_path))
    check(opf.get("version") == "3.0", "EPUB 3 package")

    # metadata
    md = opf.find("opf:metadata", NS)
    uid_id = opf.get("unique-identifier")
    ident = [e for e in md.findall("dc:identifier", NS) if e.get("id") == uid_id]
    check(len(ident) == 1 and ident[0].text, "dc:identifier is the unique-identifier")
    for el in ("title", "language", "creator"):
        check(md.find("dc:" + el, NS) is not None, "dc:%s present" % el)
    props = {}
    for m in md.findall("opf:meta", NS):
        if m.get("property"):
            props.setdefault(m.get("property"), []).append(m.text or "")
    check("dcterms:modified" in props, "dcterms:modified present")
    for p in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
              "schema:accessibilityHazard", "schema:accessibilitySummary"):
        check(p in props, "%s present" % p)
    check("a11y:certifiedBy" not in props, "no a11y:certifiedBy (nothing certifies the publication)")

    # manifest <-> zip
    items = {}
    for it in opf.find("opf:manifest", NS).findall("opf:item", NS):
        full = posixpath.normpath(posixpath.join(opf_dir, unquote(it.get("href"))))
        items[it.get("id")] = (full, it.get("media-type"), it.get("properties") or "")
    manifest_files = {v[0] for v in items.values()}
    for f in sorted(manifest_files):
        check(f in names, "manifest item exists in the zip: %s" % f)
    for n in names:
        if n in ("mimetype", opf_path) or n.startswith("META-INF/") or n.endswith("/"):
            continue
        check(n in manifest_files, "zip file is in the manifest: %s" % n)
    for f, mt, _ in items.values():
        ext = f.rsplit(".", 1)[-1].lower()
        want = {"xhtml": "application/xhtml+xml", "svg": "image/svg+xml", "png": "image/png",
                "jpg": "image/jpeg", "jpeg": "image/jpeg", "css": "text/css", "ncx": "application/x-dtbncx+xml",
                "ttf": "font/ttf", "otf": "font/otf"}.get(ext)
        check(want is None or mt == want, "media type of %s is %s, want %s" % (f, mt, want))
    check(any("cover-image" in p.split() for _, _, p in items.values()), "a cover-image item")
    navs = [f for f, _, p in items.values() if "nav" in p.split()]
    check(len(navs) == 1, "one nav document")

    # spine
    spine = opf.find("opf:spine", NS)
    refs = [items[r.get("idref")][0] for r in spine.findall("opf:itemref", NS)]
    check(refs and refs[0].endswith("cover.xhtml"), "the cover page comes first in the spine")
    ncx_id = spine.get("toc")
    check(ncx_id in items, "spine toc names the NCX")

    # every XHTML document: language, ids, links
    docs = {}
    for f, mt, _ in items.values():
        if mt == "application/xhtml+xml":
            docs[f] = ET.fromstring(z.read(f))
    ids = {f: {e.get("id") for e in d.iter() if e.get("id")} for f, d in docs.items()}
    # every link and image source is a URI: no byte outside the URI characters, '%' only in %XX
    uri_ok = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
    for f, d in docs.items():
        for e in d.iter():
            for attr in ("href", "src"):
                if e.get(attr) is not None:
                    v = e.get(attr)
                    check(uri_ok.match(v) and v.count("#") <= 1, "%s: %s is a URI: %r" % (f, attr, v))
    # text alternatives and WCAG conformance are claimed exactly when every image has alt text
    alts = [(img.get("alt") or "").strip() for d in docs.values() for img in d.iter("{%s}img" % NS["h"])]
    described = all(alts)
    features = props.get("schema:accessibilityFeature", [])
    check(("alternativeText" in features) == (described and bool(alts)),
          "alternativeText claimed %s, images described: %s" % ("alternativeText" in features, described))
    check(("dcterms:conformsTo" in props) == described,
          "conformsTo %s, images described: %s" % ("dcterms:conformsTo" in props, described))
    check(props.get("schema:accessModeSufficient") == (["textual"] if described else ["textual,visual"]),
          "accessModeSufficient %s, images described: %s" % (props.get("schema:accessModeSufficient"), described))
    for f, d in docs.items():
        check(d.get("lang") and d.get(XML_LANG) == d.get("lang"), "%s: lang and xml:lang" % f)
        title = d.find("h:head/h:title", NS)
        check(title is not None and (title.text or "").strip(), "%s: a title" % f)
        for img in d.iter("{%s}img" % NS["h"]):
            check(img.get("alt") is not None, "%s: img has alt" % f)
            src = posixpath.normpath(posixpath.join(posixpath.dirname(f), unquote(img.get("src"))))
            check(src in manifest_files, "%s: image %s in the manifest" % (f, src))
        for a in d.iter("{%s}a" % NS["h"]):
            href = a.get("href")
            # a link a reader can name: text, or an image with alt text (Ace's link-name)
            named = ("".join(a.itertext()).strip() or any(i.get("alt", "").strip() for i in a.iter("{%s}img" % NS["h"]))
                     or a.get("aria-label", "").strip())
            check(not href or named, "%s: link %s has text" % (f, href))
            if not href or ":" in href.split("#")[0]:
                continue
            target, frag = urldefrag(href)
            frag = unquote(frag)
            tf = posixpath.normpath(posixpath.join(posixpath.dirname(f), unquote(target))) if target else f
            check(tf in docs and (not frag or frag in ids[tf]), "%s: link %s resolves" % (f, href))
            if a.get(EPUB_TYPE) == "noteref":
                note = [e for e in docs.get(tf, d).iter() if e.get("id") == frag]
                check(note and note[0].get(EPUB_TYPE) == "footnote" and note[0].get("role") == "doc-footnote",
                      "%s: noteref %s points at a footnote aside" % (f, href))

    # chapters: a chapter section; the headings the contents list (h1 to h<depth>) are in the nav, no others
    nav_file = navs[0]
    nav = docs[nav_file]
    toc = [n for n in nav.iter("{%s}nav" % NS["h"]) if n.get(EPUB_TYPE) == "toc"]
    check(len(toc) == 1 and toc[0].get("role") == "doc-toc", "toc nav with role doc-toc")
    marks = [n for n in nav.iter("{%s}nav" % NS["h"]) if n.get(EPUB_TYPE) == "landmarks"]
    check(len(marks) == 1, "landmarks nav")
    if marks:
        kinds = {a.get(EPUB_TYPE) for a in marks[0].iter("{%s}a" % NS["h"])}
        check({"cover", "toc", "bodymatter"} <= kinds, "landmarks cover, toc, bodymatter")
    nav_targets = set()
    for a in toc[0].iter("{%s}a" % NS["h"]):
        t, frag = urldefrag(a.get("href"))
        nav_targets.add((posixpath.normpath(posixpath.join(posixpath.dirname(nav_file), t)), frag))
    headings = 0
    for f in refs:
        if "/text/" not in "/" + f:
            continue
        d = docs[f]
        secs = [s for s in d.iter("{%s}section" % NS["h"]) if s.get(EPUB_TYPE) == "chapter"]
        check(len(secs) == 1 and secs[0].get("role") == "doc-chapter", "%s: one chapter section" % f)
        for level in range(1, 7):
            for h in d.iter("{%s}h%d" % (NS["h"], level)):
                listed = (f, h.get("id")) in nav_targets
                if level <= depth:
                    headings += 1
                    check(listed, "%s: h%d #%s is in the nav" % (f, level, h.get("id")))
                else:
                    check(not listed, "%s: h%d #%s is not in the nav (contents depth %d)" % (f, level, h.get("id"), depth))
    check(headings > 0, "the chapters have headings")

    # NCX
    ncx_file = items[ncx_id][0]
    ncx = ET.fromstring(z.read(ncx_file))
    uid = [m.get("content") for m in ncx.iter("{%s}meta" % NS["ncx"]) if m.get("name") == "dtb:uid"]
    check(uid and ident and uid[0] == ident[0].text, "NCX dtb:uid equals the identifier")

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
