#!/bin/bash
# mkdocs_book: an MkDocs project (tests/load/sources/mkdocs-httpx, the HTTPX documentation:
# mkdocs.yml with nav and sections, docs/ with admonitions, raw HTML, directory-URL links)
# builds as it is with `quire build DIR`: mkdocs.yml's site_name and site_description, the
# pages in nav's order under their sections, a page without an h1 headed by its nav title,
# 99 % of the sentences in the PDF and the EPUB, its pictures, EPUBCheck without a message.
# Then the same project without nav (every page, index first, folders as sections), the
# messages of a nav naming a missing page and of a docs_dir outside the project, a nav
# entry naming a folder, an image from the site root, and pymdownx.snippets.
# Usage: mkdocs_book.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src SOURCE_DATE_EPOCH=1700000000
book=$src/tests/load/sources/mkdocs-httpx
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"
py=/usr/bin/python3
[ -x $py ] || py=python3

"$bin" build "$book" -o out >build.out 2>build.err
check_exit0 builds $? build.err
check "the artifacts take the folder's name" test -s out/mkdocs-httpx.pdf -a -s out/mkdocs-httpx.epub
no_match ': error: ' build.err && pass "no errors" || fail "errors in a lenient build"
# a directory URL (async.md is published as async/): the page is found, its fragment is stale
check "'../advanced/transports' names advanced/transports.md" \
    grep -q "docs/async.md:194:61: warning: link target '../advanced/transports#asgitransport' does not exist" build.err
check "no link is taken for a file outside the book" no_match 'which is not a chapter' build.err

check "title from site_name" sh -c "pdfinfo out/mkdocs-httpx.pdf | grep -q '^Title: *HTTPX$'"
"$bin" dump "$book" >dump.json 2>/dev/null
$py - dump.json >order.txt <<'PY' || fail "dump"
import json, sys
d = json.load(open(sys.argv[1]))
print("description", d["meta"]["description"])
for c in d["chapters"]:
    b = c["blocks"][0]
    print(c["file"], b.get("level"), c["title"], sep="|")
PY
check "description from site_description" grep -q '^description A next-generation HTTP client for Python.$' order.txt
want="docs/index.md docs/quickstart.md mkdocs.yml docs/advanced/clients.md docs/advanced/authentication.md
docs/advanced/ssl.md docs/advanced/proxies.md docs/advanced/timeouts.md docs/advanced/resource-limits.md
docs/advanced/event-hooks.md docs/advanced/transports.md docs/advanced/text-encodings.md docs/advanced/extensions.md
mkdocs.yml docs/async.md docs/http2.md docs/logging.md docs/compatibility.md docs/troubleshooting.md mkdocs.yml
docs/api.md docs/exceptions.md docs/environment_variables.md mkdocs.yml docs/third_party_packages.md
docs/contributing.md docs/code_of_conduct.md"
got=$(grep '|' order.txt | cut -d'|' -f1 | tr '\n' ' ')
[ "$got" = "$(echo $want) " ] && pass "27 chapters in nav's order, a part for each of its 4 sections" \
    || fail "chapter order: $got"
check "a section is a part heading" grep -qx 'mkdocs.yml|1|Advanced' order.txt
check "a page under a section opens one level lower" grep -qx 'docs/advanced/transports.md|2|Transports' order.txt
# clients.md has only ## headings: MkDocs titles it "Clients", from nav
check "a page without an h1 takes its nav title" grep -qx 'docs/advanced/clients.md|2|Clients' order.txt
check "a page with its own h1 keeps it" grep -qx 'docs/compatibility.md|2|Requests Compatibility Guide' order.txt
mutool show out/mkdocs-httpx.pdf outline >outline.txt 2>/dev/null
check "the outline nests Clients under Advanced" \
    $py -c "import re,sys; t=open('outline.txt').read(); a=re.search(r'^\S*(\t+)\"Advanced\"',t,re.M); c=re.search(r'^\S*(\t+)\"Clients\"',t,re.M); sys.exit(not(a and c and len(c.group(1))>len(a.group(1))))"

imgs=$(pdfimages -list out/mkdocs-httpx.pdf 2>/dev/null | tail -n +3 | wc -l)
[ "$imgs" -eq 5 ] && pass "5 pictures in the PDF (one GIF twice)" || fail "$imgs pictures in the PDF, want 5"
mkdir -p epub && (cd epub && unzip -q ../out/mkdocs-httpx.epub)
pdftotext -raw out/mkdocs-httpx.pdf book.txt
chapters=$(grep '|' order.txt | cut -d'|' -f1 | grep -v mkdocs.yml)
sentences_kept "$book" "$work/book.txt" "$work/epub" $chapters
epubcheck_clean "EPUBCheck: no message" out/mkdocs-httpx.epub

# without nav: MkDocs's own order, index.md first, a folder a section titled by its name
cp -r "$book" nonav
$py - nonav/mkdocs.yml <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
out, skipping = [], False
for l in lines:
    if l.startswith("nav:"): skipping = True; continue
    if skipping and (l.startswith(" ") or not l): continue
    skipping = False
    out.append(l)
open(sys.argv[1], "w").write("\n".join(out))
PY
"$bin" dump nonav >nonav.json 2>nonav.err || fail "without nav: exit $?"
got=$($py -c "import json; [print(c['file'], c['title'], sep='|') for c in json.load(open('nonav.json'))['chapters']]" | head -4 | tr '\n' ' ')
[ "$got" = "docs/index.md|HTTPX mkdocs.yml|Advanced docs/advanced/authentication.md|Basic authentication docs/advanced/clients.md|Why use a Client? " ] \
    && pass "without nav: index first, then the folder advanced/ as a section, its files by name" || fail "without nav: $got"
n=$($py -c "import json; print(len(json.load(open('nonav.json'))['chapters']))")
[ "$n" -eq 24 ] && pass "without nav: 23 pages and 1 section" || fail "without nav: $n chapters"

# a nav page that is not there: a warning at it, the page left out; --strict: an error
mkdir -p bad/docs && printf '# One\n\nText.\n' >bad/docs/one.md
printf 'site_name: Bad\nnav:\n  - One: one.md\n  - Gone: gone.md\n  - Web: https://example.org/\n' >bad/mkdocs.yml
"$bin" build bad -o bad-out >bad.out 2>bad.err
check "a missing nav page is no error" test $? -eq 0
check "it warns at its nav entry" grep -qx "bad/mkdocs.yml:4:11: warning: nav page 'gone.md' is not in docs/; left out" bad.err
"$bin" build --strict bad -o bad-strict >/dev/null 2>&1
check "--strict refuses it" test $? -eq 1
printf 'site_name: Out\ndocs_dir: ../elsewhere\n' >bad/mkdocs.yml
"$bin" build bad -o bad-out2 >bad2.out 2>bad2.err
check "a docs_dir outside the project is an error" test $? -eq 1
check "named at its place" grep -qx "bad/mkdocs.yml:2:11: error: 'docs_dir' leaves the book folder: '../elsewhere'" bad2.err

# a nav entry naming a folder (mkdocs.org's own nav: "User Guide: user-guide/"), a link
# to "page.md/", an image from the site root ("/img/x.svg": docs/img/x.svg)
mkdir -p site/docs/guide site/docs/img
cp "$src/tests/model/fixtures/basic/images/dot.svg" site/docs/img/dot.svg
printf 'site_name: Site\nnav:\n  - Home: index.md\n  - Guide: guide/\n' >site/mkdocs.yml
printf '# Home\n\nSee [b](guide/b.md/#bee).\n\n<img src="/img/dot.svg" alt="Dot">\n' >site/docs/index.md
printf '# Guide\n\nThe guide.\n' >site/docs/guide/README.md
printf '# A\n\nA text.\n' >site/docs/guide/a.md
printf '# B\n\n## Bee\n\nB text.\n' >site/docs/guide/b.md
"$bin" dump site >site.json 2>site.err
check "a site with a folder in nav loads: $(head -c 300 site.err)" test $? -eq 0 -a ! -s site.err
got=$($py -c "import json; print(' '.join(c['file']+'|'+c['title'] for c in json.load(open('site.json'))['chapters']))")
check "the folder is a section titled by nav, its README first: $got" \
    test "$got" = "docs/index.md|Home mkdocs.yml|Guide docs/guide/README.md|Guide docs/guide/a.md|A docs/guide/b.md|B"
check "the site-rooted image is a figure" $py -c "
import json,sys
d=json.load(open('site.json'))
def walk(n):
    yield n
    for k in n.get('children', []): yield from walk(k)
f=[n for b in d['chapters'][0]['blocks'] for n in walk(b) if n.get('type')=='figure']
sys.exit(not f)"
check "the link to guide/b.md/#bee leads there" no_match 'link' site.err
printf 'site_name: Site\n' >site/mkdocs.yml
printf '# Home\n\n<img src="/img/gone.svg" alt="Gone">\n' >site/docs/index.md
"$bin" dump site >/dev/null 2>gone.err
check "a site-rooted image that is not in the book is not found" \
    grep -q "site/docs/index.md:3:1: error: image '/img/gone.svg' not found (from the book folder, or a folder above the chapter, as a site's root)" gone.err

# pymdownx.snippets: --8<-- "file" from the project folder (else the docs folder), indented
# in a list, a block of names, ;--8<-- as written, a missing file a warning
mkdir -p snip/docs/inc
printf 'site_name: Snip\nmarkdown_extensions:\n  - toc:\n      permalink: true\n  - pymdownx.snippets:\n      check_paths: false\n' >snip/mkdocs.yml
printf 'Top text from the project folder.\n' >snip/TOP.md
printf 'Docs text one.\nDocs text two.\n' >snip/docs/inc/part.md
printf 'Block one.\n' >snip/docs/inc/b1.md
printf 'Block two \356\200\200 here.\n' >snip/docs/inc/b2.md
cat >snip/docs/index.md <<'EOS'
# Snippets

--8<-- "TOP.md"

- An item:

    --8<-- "inc/part.md"

--8<--
inc/b1.md
inc/b2.md
--8<--

;--8<-- "TOP.md"

--8<-- "gone.md"

Last line.
EOS
"$bin" build snip -o snip-out >snip.out 2>snip.err
check "snippets build" test $? -eq 0
(mkdir -p snipx && cd snipx && unzip -q ../snip-out/snip.epub)
cat snipx/EPUB/text/*.xhtml >snip.xhtml
check "a snippet from the project folder" grep -q 'Top text from the project folder.' snip.xhtml
check "an indented snippet stays in its list item" $py -c "
import re,sys; t=open('snip.xhtml').read()
sys.exit(not re.search(r'<li>.*Docs text one.\s*Docs text two.*</li>', t, re.S))"
check "a block of two snippets" sh -c "grep -q 'Block one.' snip.xhtml && grep -q 'Block two' snip.xhtml"
check ";--8<-- is the line as written (its dashes then made en dashes)" grep -qxF -- '<p>–8&lt;– “TOP.md”</p>' snip.xhtml
check "a missing snippet warns at its line" grep -qx "snip/docs/index.md:16:1: warning: snippet 'gone.md' not found; left out" snip.err
check "the text after the snippets keeps its place" grep -q 'Last line.' snip.xhtml
check "a character in a snippet is named at the snippet file's line" grep -q '^snip/docs/inc/b2.md:1:11: warning: .*U+E000' snip.err
printf 'site_name: Snip\n' >snip/mkdocs.yml
"$bin" build snip -o snip-off --epub >/dev/null 2>&1
(mkdir -p snipoff && cd snipoff && unzip -q ../snip-off/snip.epub)
check "without pymdownx.snippets a --8<-- line is text" grep -qF -- ';–8&lt;– “TOP.md”' snipoff/EPUB/text/ch01.xhtml
printf 'site_name: Snip\nmarkdown_extensions: [pymdownx.snippets]\n' >snip/mkdocs.yml
printf '# Open\n\nBefore.\n\n--8<--\n\nNot a file name.\n' >snip/docs/index.md
"$bin" build snip -o snip-open --epub >/dev/null 2>snip-open.err
(mkdir -p snipopen && cd snipopen && unzip -q ../snip-open/snip.epub)
check "a lone --8<-- that no other closes is text, and so is what follows" \
    sh -c "grep -q 'Not a file name.' snipopen/EPUB/text/ch01.xhtml && ! grep -q snippet snip-open.err"

# mkdocs.yml as sites write it: Python tags, YAML anchors and aliases in settings quire
# does not read (libyaml reads them; only book.yaml refuses anchors)
mkdir -p tags/docs
printf '# Hi\n\nText.\n' >tags/docs/index.md
printf 'site_name: Tagged\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n  - toc: &toc\n      permalink: true\nextra: *toc\n' >tags/mkdocs.yml
"$bin" dump tags >tags.json 2>tags.err
check "Python tags, anchors and aliases in mkdocs.yml: no message: $(head -c 200 tags.err)" test $? -eq 0 -a ! -s tags.err

# a folder of Markdown with no book.yaml, book.toml, SUMMARY.md or mkdocs.yml (a repository's
# docs/, a VuePress or Docusaurus docs folder, as learn-wgpu's): every file, MkDocs's order
# without nav, a warning saying so; a link to a folder names its readme.md (any case)
mkdir -p plain/guide/setup plain/.vuepress
printf '# Plain Docs\n\nSee [setup](guide/setup) and [the guide](./guide/).\n' >plain/README.md
printf '# Guide\n\nGuide text.\n' >plain/guide/readme.md
printf '# Setup\n\nSetup text, back to [the start](/).\n' >plain/guide/setup/readme.md
printf '# Later\n\nLater text.\n' >plain/guide/later.md
printf 'module.exports = {}\n' >plain/.vuepress/config.js
"$bin" dump plain >plain.json 2>plain.err
check "a folder of Markdown loads: $(head -c 300 plain.err)" test $? -eq 0
check "it says how it was read" grep -qx "plain: warning: no book.yaml, book.toml, SUMMARY.md or mkdocs.yml: each Markdown file of the folder is a chapter, by path, a folder's index.md or README.md first (a book.yaml would set the order)" plain.err
got=$($py -c "import json; b=json.load(open('plain.json')); print(b['meta']['title'], [c['file'] for c in b['chapters'] if c['file'].endswith('.md')])")
check "its title and chapters: $got" test "$got" = "Plain Docs ['README.md', 'guide/readme.md', 'guide/later.md', 'guide/setup/readme.md']"
check "links to folders lead to their readme.md: $(grep -c 'is set as plain text' plain.err) left unlinked" no_match 'set as plain text' plain.err
"$bin" build plain -o plain-strict --strict >/dev/null 2>plain-strict.err
check "--strict refuses it" test $? -eq 1
# FastAPI's and Typer's docs: markdown_extensions as a map, {* file hl[..] *} includes a code
# file as a code block; a site-rooted image from the docs folder's public/ (VitePress)
mkdir -p variants/docs/public/img variants/docs_src
printf 'site_name: Variants\nmarkdown_extensions:\n  abbr:\n  markdown_include_variants:\n' >variants/mkdocs.yml
printf '# V\n\nThe app:\n\n{* docs_src/app.py hl[2] *}\n\n- In a list:\n\n    {* docs_src/app.py *}\n\n![Dot](/img/dot.svg)\n' >variants/docs/index.md
printf 'import typer\n\n\ndef main():\n    print("hi")\n' >variants/docs_src/app.py
cp "$src/tests/model/fixtures/basic/images/dot.svg" variants/docs/public/img/
"$bin" dump variants >variants.json 2>variants.err
check "an include-variants project loads: $(head -c 300 variants.err)" test $? -eq 0 -a ! -s variants.err
got=$($py -c "
import json
b = json.load(open('variants.json'))
def walk(n):
    yield n
    for k in n.get('children', []): yield from walk(k)
ns = [n for blk in b['chapters'][0]['blocks'] for n in walk(blk)]
codes = [(n.get('info'), n['text']) for n in ns if n['type'] == 'code_block']
print(len(codes), codes[0][0], repr(codes[0][1]), sum(1 for n in ns if n['type'] == 'figure'))")
check "{* file *}: the file as a Python code block, also in a list; /img/dot.svg from public/: $got" \
    test "$got" = "2 python 'import typer\n\n\ndef main():\n    print(\"hi\")' 1"

mkdir -p empty/images && cp "$src/tests/model/fixtures/basic/images/dot.svg" empty/images/
"$bin" build empty -o empty-out >/dev/null 2>empty.err
check "a folder without Markdown: no book.yaml" grep -qx "empty/book.yaml: error: no book.yaml in the book folder" empty.err

finish
