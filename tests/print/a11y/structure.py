#!/usr/bin/python3
"""structure.py PDF [--expect WHAT,...] [--words CHAPTER.md,...] [--columns N]

Checks the tagging of a PDF quire wrote, read back with pikepdf (libqpdf): the catalog
and the PDF/UA-1 claim, the structure tree and its /ParentTree, that everything painted
is tagged content or an Artifact (running heads and folios as /Pagination /Header and
/Footer), the reading order (pages in order, each column top to bottom, notes aside),
links and their annotations, notes, figures, lists, tables, code and headings.
--expect names what the book must hold (split-paragraph, list-depth-3, table, table-caption,
repeated-header, note, code, figure, caption, link, decorative); --words lists Markdown files
whose long words must come back whole from pdftotext (hyphenated ones too); --columns 2 says
the pages are set in two columns (each half of the page one column, read left then right).
Prints one line per failed check and a summary; exits 1 when a check fails.
"""
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import pikepdf
from pikepdf import Array, Dictionary, Name

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference
BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
PAINT = {'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'S', 's', 'sh', 'BI', 'INLINE IMAGE'}
SHOW = {'Tj', 'TJ', "'", '"'}

failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def og(o):
    try:
        return o.objgen
    except Exception:
        return None


def kids_of(node):
    k = node.get('/K')
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


class Elem:
    def __init__(self, obj, parent):
        self.obj, self.parent = obj, parent
        self.type = str(obj.get('/S', '/?'))[1:]
        self.kids = []       # Elem, ('mc', page, mcid) or ('objr', annot)
        self.text = ''       # its own marked content's text


def walk_tree(pdf):
    page_of = {og(p.obj): i for i, p in enumerate(pdf.pages)}
    root = pdf.Root.StructTreeRoot
    elems = []

    def walk(node, parent, pg):
        e = Elem(node, parent)
        elems.append(e)
        pg = node.get('/Pg', pg)
        for k in kids_of(node):
            if isinstance(k, int) or (hasattr(k, 'is_integer') and k.is_integer):
                e.kids.append(('mc', page_of.get(og(pg)), int(k)))
            elif isinstance(k, Dictionary) and k.get('/Type') == Name.MCR:
                e.kids.append(('mc', page_of.get(og(k.get('/Pg', pg))), int(k.MCID)))
            elif isinstance(k, Dictionary) and k.get('/Type') == Name.OBJR:
                e.kids.append(('objr', k.Obj))
            elif isinstance(k, Dictionary) and '/S' in k:
                check(og(k.get('/P')) == og(node), f"{str(k.S)} element's /P is its parent")
                e.kids.append(walk(k, e, pg))
        return e

    tops = kids_of(root)
    check(len(tops) == 1 and str(tops[0].get('/S')) == '/Document', 'one Document element at the root')
    return [walk(t, None, None) for t in tops], elems, page_of


def to_unicode(font, cache={}):
    """code (bytes) -> text of a font, from its /ToUnicode CMap (bfchar and bfrange), with
    the code length of its codespace range (1 byte for cairo's simple TrueType fonts)."""
    key = og(font)
    if key in cache:
        return cache[key]
    table, width = {}, 1
    tu = font.get('/ToUnicode')
    if tu is not None:
        cmap = tu.read_bytes().decode('latin-1')
        hexes = lambda s: re.findall(r'<([0-9A-Fa-f]+)>', s)
        text = lambda h: bytes.fromhex(h).decode('utf-16-be', 'replace')
        for block in re.findall(r'begincodespacerange(.*?)endcodespacerange', cmap, re.S):
            width = len(hexes(block)[0]) // 2
        for block in re.findall(r'beginbfchar(.*?)endbfchar', cmap, re.S):
            h = hexes(block)
            for code, uni in zip(h[0::2], h[1::2]):
                table[bytes.fromhex(code)] = text(uni)
        for block in re.findall(r'beginbfrange(.*?)endbfrange', cmap, re.S):
            for lo, hi, dst in re.findall(r'<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])', block):
                n = len(lo) // 2
                for i, c in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    if dst.startswith('['):
                        table[c.to_bytes(n, 'big')] = text(hexes(dst)[i])
                    else:
                        d = bytes.fromhex(dst[1:-1])
                        table[c.to_bytes(n, 'big')] = text((int.from_bytes(d, 'big') + i).to_bytes(len(d), 'big').hex())
    cache[key] = (table, width)
    return cache[key]


def decode(font, raw):
    table, width = to_unicode(font) if font is not None else ({}, 1)
    return ''.join(table.get(raw[i:i + width], '\ufffd') for i in range(0, len(raw), width))


# what draws nothing: spaces of every width (str.isspace) and invisible format characters
INVISIBLE = set('\u00ad\u200b\u200c\u200d\u2060\ufeff')


def shows_something(text):
    return any(not (c.isspace() or c in INVISIBLE) for c in text)


def scan_content(pdf):
    """Per page: MCIDs with their text and what they paint; artifacts with their kind and text;
    untagged paints; nesting problems."""
    out = []
    for pi, page in enumerate(pdf.pages):
        res = page.obj.get('/Resources', Dictionary())
        info = dict(mc=collections.defaultdict(lambda: {'text': '', 'unicode': '', 'image': False}), art=[], untagged=0,
                    nested=0, order=[])   # order: the page's MCIDs as they open, None for anything else
        stack = []   # ('mc', mcid) | ('art', kind, textlist)

        def scan(ops, res, depth):
            fonts = res.get('/Font', Dictionary()) if res is not None else Dictionary()
            xobjs = res.get('/XObject', Dictionary()) if res is not None else Dictionary()
            font = None
            for operands, op in ops:
                op = str(op)
                if op == 'Tf':
                    font = fonts.get(str(operands[0]))
                if op == 'BDC' or op == 'BMC':
                    tag = str(operands[0])
                    props = operands[1] if op == 'BDC' else None
                    if tag == '/Artifact':
                        if any(s[0] in ('mc', 'art') for s in stack):
                            info['nested'] += 1
                        kind = ''
                        if isinstance(props, Dictionary):
                            kind = str(props.get('/Type', '')) + str(props.get('/Subtype', ''))
                        stack.append(['art', kind, []])
                        info['order'].append(None)
                    elif isinstance(props, Dictionary) and '/MCID' in props:
                        if any(s[0] in ('mc', 'art') for s in stack):
                            info['nested'] += 1
                        stack.append(['mc', int(props.MCID)])
                        if depth == 0:
                            info['order'].append(int(props.MCID))
                        info['mc'][int(props.MCID)]['painted'] = False
                    else:
                        stack.append(['span'])
                elif op == 'EMC':
                    if stack:
                        stack.pop()
                elif op in SHOW or op in PAINT or op == 'Do':
                    owner = next((s for s in reversed(stack) if s[0] in ('mc', 'art')), None)
                    is_form = False
                    if op == 'Do':
                        xo = xobjs.get(str(operands[0]))
                        is_form = xo is not None and xo.get('/Subtype') == Name.Form
                        if is_form and depth < 6 and owner is None:
                            scan(pikepdf.parse_content_stream(xo), xo.get('/Resources', res), depth + 1)
                            continue
                    if owner is None:
                        info['untagged'] += 1
                        info['order'].append(None)
                        continue
                    text, raw = '', b''
                    if op in SHOW:
                        arr = operands[-1]
                        if op == 'TJ':
                            text = ''.join(str(x) for x in arr if isinstance(x, pikepdf.String))
                            raw = b''.join(bytes(x) for x in arr if isinstance(x, pikepdf.String))
                        else:
                            text, raw = str(arr), bytes(arr)
                    if owner[0] == 'mc':
                        m = info['mc'][(owner[1])]
                        m['painted'] = True
                        m['text'] += text
                        m['unicode'] += decode(font, raw)
                        if op == 'Do' or op in ('BI', 'INLINE IMAGE'):
                            m['image'] = True
                    else:
                        owner[2].append(text)
                if op == 'EMC' and False:
                    pass
            return

        scan(pikepdf.parse_content_stream(page.obj), res, 0)
        out.append(info)
    return out


def artifact_kinds(pdf):
    """Per page: list of (kind, extracted text) of artifacts, from pdftotext-free reading:
    the raw content is re-read with the fonts' ToUnicode through pikepdf's text-free scan,
    so only the kinds are used here; the folio text is checked with pdftotext -bbox."""
    kinds = []
    for page in pdf.pages:
        ks = []
        for operands, op in pikepdf.parse_content_stream(page.obj):
            if str(op) == 'BDC' and str(operands[0]) == '/Artifact' and isinstance(operands[1], Dictionary):
                d = operands[1]
                ks.append(str(d.get('/Type', '')) + str(d.get('/Subtype', '')))
        kinds.append(ks)
    return kinds


def mul(a, b):  # affine matrices as 6-tuples, a then b
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def text_starts(pdf):
    """(page, MCID) -> (x, y, size) of the first text shown in that marked content."""
    first = {}
    for pi, page in enumerate(pdf.pages):
        ctm, saved, tm, tlm, size, lead, stack = (1, 0, 0, 1, 0, 0), [], None, None, 1.0, 0.0, []
        for operands, op in pikepdf.parse_content_stream(page.obj):
            op = str(op)
            if op == 'q':
                saved.append(ctm)
            elif op == 'Q' and saved:
                ctm = saved.pop()
            elif op == 'cm':
                ctm = mul(tuple(float(v) for v in operands), ctm)
            elif op == 'BT':
                tm = tlm = (1, 0, 0, 1, 0, 0)
            elif op == 'Tf':
                size = float(operands[1])
            elif op == 'TL':
                lead = float(operands[0])
            elif op in ('Td', 'TD'):
                if op == 'TD':
                    lead = -float(operands[1])
                tm = tlm = mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), tlm)
            elif op == 'Tm':
                tm = tlm = tuple(float(v) for v in operands)
            elif op in ('T*', "'", '"'):
                tm = tlm = mul((1, 0, 0, 1, 0, -lead), tlm)
            elif op == 'BDC' or op == 'BMC':
                props = operands[1] if op == 'BDC' else None
                stack.append(int(props.MCID) if isinstance(props, Dictionary) and '/MCID' in props else None)
            elif op == 'EMC' and stack:
                stack.pop()
            if op in SHOW and tm is not None:
                mcid = next((m for m in reversed(stack) if m is not None), None)
                if mcid is not None and (pi, mcid) not in first:
                    m = mul(tm, ctm)
                    first[(pi, mcid)] = (m[4], m[5], abs(size * m[3]) or size)
    return first


def column_of(pdf, columns):
    """(page, x) -> the column a text starting at x is in: the page's width cut in equal parts."""
    def col(pi, x):
        box = pdf.pages[pi].obj.MediaBox
        left, width = float(box[0]), float(box[2]) - float(box[0])
        return min(columns - 1, max(0, int((x - left) * columns / width)))
    return col


def in_note(e):
    while e is not None:
        if e.type == 'Note':
            return True
        e = e.parent
    return False


def column_edges(pdf, content, starts, columns, owner):
    """(page, MCID) of the first and the last marked content with text of each column, in the
    order the page's content draws them, the notes at a column's foot aside, and the first
    one starting on the column's last line (its first text at the last one's baseline): the
    last line of a column starts marked content of its own, however many links follow."""
    col = column_of(pdf, columns)
    edges = set()
    for pi, c in enumerate(content):
        first, last, seen = {}, {}, collections.defaultdict(list)
        for m in c['order']:
            if m is None or (pi, m) not in starts or not c['mc'][m]['text'].strip() or in_note(owner.get((pi, m))):
                continue
            k = col(pi, starts[(pi, m)][0])
            first.setdefault(k, m)
            last[k] = m
            seen[k].append(m)
        for k, m in last.items():
            y = starts[(pi, m)][1]
            edges.add((pi, next(n for n in seen[k] if abs(starts[(pi, n)][1] - y) < 0.5)))
        edges |= {(pi, m) for m in list(first.values()) + list(last.values())}
    return edges


def reading_order(tops, pdf, mc_text, starts, columns):
    """Where the tree's reading order (notes aside) goes back a page, or up a page's column.
    A row's cells are read one after the other: the next cell starts to the right of the one
    before, not below its first line (where the cell before may have ended lines lower).
    In columns the text may go up only into a column to the right; after a table row the
    next text is compared with where the row starts (its first cell), not with its last cell."""
    col = column_of(pdf, columns)
    seq = []

    def walk(e, in_note, cell):
        in_note = in_note or e.type == 'Note'
        if e.type in ('TD', 'TH') and e.parent is not None and e.parent.type == 'TR':
            cell = (e.parent, e)
        for k in e.kids:
            if isinstance(k, Elem):
                walk(k, in_note, cell)
            elif k[0] == 'mc' and not in_note and k[1] is not None:
                seq.append(((k[1], k[2]), cell))
    for t in tops:
        walk(t, False, None)
    wrong, prev, last_page, cell_start, row_start = [], None, -1, {}, {}
    for key, cell in seq:
        if key[0] < last_page:
            wrong.append(f'page {key[0] + 1} after page {last_page + 1}: {mc_text.get(key, "")[:30]!r}')
        last_page = max(last_page, key[0])
        if key not in starts or not mc_text.get(key, '').strip():
            continue
        if cell is not None and cell[1] not in cell_start:
            cell_start[cell[1]] = (key, starts[key])
        if cell is not None and cell[0] not in row_start:
            row_start[cell[0]] = (key, starts[key])
        if prev and prev[0][0] == key[0]:
            pkey, (px, py, ps), (x, y, sz) = prev[0], starts[prev[0]], starts[key]
            pcell = prev[1]
            next_cell = cell is not None and pcell is not None and pcell[0] is cell[0] and pcell[1] is not cell[1]
            if next_cell:   # compared with the first line of the cell before
                pkey, (px, py, ps) = cell_start[pcell[1]]
                if key[0] == pkey[0] and (x <= px or y > py + max(ps, sz) * 1.2):
                    wrong.append(f'page {key[0] + 1}: cell {mc_text.get(key, "")[:30]!r} not right of the cell '
                                 f'before it {mc_text.get(pkey, "")[:30]!r}')
            else:
                if pcell is not None and row_start[pcell[0]][0][0] == key[0]:   # after a row: where it starts
                    pkey, (px, py, ps) = row_start[pcell[0]]
                width = float(pdf.pages[key[0]].obj.MediaBox[2]) - float(pdf.pages[key[0]].obj.MediaBox[0])
                if columns > 1:
                    up = col(key[0], x) <= col(key[0], px)
                else:
                    up = abs(x - px) < width / 3
                if y > py + max(ps, sz) * 1.2 and up:
                    wrong.append(f'page {key[0] + 1}: {mc_text.get(key, "")[:30]!r} above '
                                 f'{mc_text.get(pkey, "")[:30]!r} before it')
        prev = (key, cell)
    return wrong


def text_of(e, mc_text):
    s = ''
    for k in e.kids:
        if isinstance(k, Elem):
            s += text_of(k, mc_text)
        elif k[0] == 'mc':
            s += mc_text.get((k[1], k[2]), '')
    return s


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    path = args[0]
    expect = set(args[args.index('--expect') + 1].split(',')) if '--expect' in args else set()
    words_from = args[args.index('--words') + 1].split(',') if '--words' in args else []
    columns = int(args[args.index('--columns') + 1]) if '--columns' in args else 1
    pdf = pikepdf.open(path)
    root = pdf.Root

    # catalog and claim
    check(root.get('/MarkInfo', {}).get('/Marked') is True, '/MarkInfo /Marked true')
    check(bool(str(root.get('/Lang', ''))), '/Lang set')
    check(root.get('/ViewerPreferences', {}).get('/DisplayDocTitle') is True, 'DisplayDocTitle')
    xmp = root.Metadata.read_bytes().decode('utf-8', 'replace') if '/Metadata' in root else ''
    check(re.search(r'<pdfuaid:part>1</pdfuaid:part>', xmp) is not None, 'XMP claims pdfuaid:part 1')
    check('<dc:title>' in xmp, 'XMP dc:title')

    tops, elems, page_of = walk_tree(pdf)
    types = collections.Counter(e.type for e in elems)
    check(all(t in STANDARD for t in types), f'standard types only: {sorted(set(types) - STANDARD)}')

    # content: every paint tagged or an artifact, no nesting
    content = scan_content(pdf)
    untagged = sum(c['untagged'] for c in content)
    check(untagged == 0, f'everything painted is tagged or an Artifact ({untagged} untagged)')
    check(sum(c['nested'] for c in content) == 0, 'no marked content nested in another')

    # tree and content agree; parent tree points at the owner of each MCID
    owner = {}
    for e in elems:
        for k in e.kids:
            if not isinstance(k, Elem) and k[0] == 'mc':
                check((k[1], k[2]) not in owner, f'MCID {k[2]} on page {k[1]} in one element only')
                owner[(k[1], k[2])] = e
    in_content = {(pi, m) for pi, c in enumerate(content) for m in c['mc']}
    check(in_content == set(owner), f'MCIDs of the content == MCIDs of the tree '
          f'({len(in_content - set(owner))} untreed, {len(set(owner) - in_content)} missing)')
    # one element's content drawn back to back (a link's text on two lines) is one sequence
    # (in columns a column's first and last text start sequences of their own: what is read
    # last in a column then starts at its left edge, not inside a line after a link)
    starts = text_starts(pdf)
    edges = column_edges(pdf, content, starts, columns, owner) if columns > 1 else set()
    split = [(pi + 1, a, b) for pi, c in enumerate(content) for a, b in zip(c['order'], c['order'][1:])
             if a is not None and b is not None and owner.get((pi, a)) is not None
             and owner.get((pi, a)) is owner.get((pi, b)) and (pi, b) not in edges]
    check(not split, f'content of one element drawn back to back is one marked-content sequence '
          f'(page, MCID, MCID: {split[:4]})')
    nums = {}

    def numtree(n):
        if '/Nums' in n:
            a = n.Nums
            for i in range(0, len(a), 2):
                nums[int(a[i])] = a[i + 1]
        for k in n.get('/Kids', []):
            numtree(k)
    numtree(root.StructTreeRoot.ParentTree)
    by_og = {og(e.obj): e for e in elems}
    bad_pt = 0
    for pi, page in enumerate(pdf.pages):
        if '/StructParents' not in page.obj:
            continue
        arr = nums.get(int(page.obj.StructParents))
        for (p, m), e in owner.items():
            if p == pi and (arr is None or m >= len(arr) or og(arr[m]) != og(e.obj)):
                bad_pt += 1
    check(bad_pt == 0, f'/ParentTree names the element of every MCID ({bad_pt} wrong)')
    empty = [(pi + 1, m) for pi, c in enumerate(content) for m, v in c['mc'].items() if not v.get('painted')]
    check(not empty, f'no empty marked content (page, MCID: {empty[:6]})')
    mc_text = {(pi, m): v['text'] for pi, c in enumerate(content) for m, v in c['mc'].items()}
    mc_image = {(pi, m) for pi, c in enumerate(content) for m, v in c['mc'].items() if v['image']}
    # its text as the fonts' /ToUnicode give it: a paragraph of no-break spaces alone draws glyphs
    mc_unicode = {(pi, m): v['unicode'] for pi, c in enumerate(content) for m, v in c['mc'].items()}
    blank = [e.type for e in elems if e.type != 'Figure' and not any(isinstance(k, Elem) for k in e.kids)
             and any(k[0] == 'mc' for k in e.kids)
             and not any(k[0] == 'mc' and (shows_something(mc_unicode.get((k[1], k[2]), ''))
                                           or (k[1], k[2]) in mc_image)
                         for k in e.kids)]
    check(not blank, f'every element without element kids shows text or an image ({len(blank)} blank: {blank[:6]})')
    # each chapter's first-level heading is a first-level bookmark: the outline and the
    # contents take the levels the tags give (a chapter that opens with ### is one too);
    # compared without spaces, as a heading's lines are drawn without the space between
    with pdf.open_outline() as ol:
        tops_ol = [''.join(unicodedata.normalize('NFKC', str(it.title)).split()) for it in ol.root]
    unlisted = []
    for e in elems:
        if e.type == 'H1' and e.parent is not None and e.parent.type == 'Sect':
            own = ''.join(unicodedata.normalize('NFKC', ''.join(
                mc_unicode.get((k[1], k[2]), '') for k in e.kids if not isinstance(k, Elem) and k[0] == 'mc')).split())[:20]
            if own and not any(t.startswith(own) for t in tops_ol):
                unlisted.append(own)
    check(not unlisted, f'every chapter heading tagged H1 is a first-level bookmark ({len(unlisted)} not: {unlisted[:4]})')
    # a paragraph's final spaces (a soft break before raw HTML the print leaves out) are not
    # drawn: TeX drops the final glue, and a reader would meet a sequence of nothing
    trailing = [(k[1] + 1, k[2]) for e in elems if e.kids and not isinstance(e.kids[-1], Elem)
                and e.kids[-1][0] == 'mc' and len(e.kids) > 1
                for k in [e.kids[-1]] if not shows_something(mc_unicode.get((k[1], k[2]), 'x'))]
    check(not trailing, f'no element ends in marked content of spaces alone (page, MCID: {trailing[:6]})')

    # reading order: the tree reads the pages in order, each column from top to bottom
    # (a figure set away from its place in the text is read where it is drawn)
    wrong = reading_order(tops, pdf, mc_text, starts, columns)
    check(not wrong, f'the tree reads top to bottom, page after page ({len(wrong)} wrong: {wrong[:3]})')

    # artifacts: running heads and folios
    kinds = artifact_kinds(pdf)
    for pi in range(1, len(pdf.pages)):
        if kinds[pi] or content[pi]['mc']:
            check('/Pagination/Footer' in kinds[pi], f'page {pi + 1}: its folio is a /Pagination /Footer artifact')
    # the styles' running heads leave out a chapter's opening page: a book whose pages each
    # open with a heading has none to look for
    headed = {pi for (pi, m), e in owner.items() if re.fullmatch(r'H[1-6]?', e.type)}
    plain = [pi for pi in range(1, len(pdf.pages)) if content[pi]['mc'] and pi not in headed]
    check(any('/Pagination/Header' in k for k in kinds) or not plain, 'running heads are /Pagination /Header')
    if 'repeated-header' in expect:
        check(any('/Pagination' in k for k in kinds), 'a repeated table header is a /Pagination artifact')

    # a paragraph over a page break is one element
    split = [e for e in elems if e.type == 'P' and len({k[1] for k in e.kids if not isinstance(k, Elem) and k[0] == 'mc'}) > 1]
    if 'split-paragraph' in expect:
        check(split, 'a paragraph broken across pages is one P with MCRs on both pages')

    # links and their annotations
    annots = {}
    for pi, page in enumerate(pdf.pages):
        for a in page.obj.get('/Annots', []):
            if a.get('/Subtype') == Name.Link:
                annots[og(a)] = (pi, a)
        if page.obj.get('/Annots'):
            check(page.obj.get('/Tabs') == Name.S, f'page {pi + 1} has annotations and /Tabs /S')
    links = [e for e in elems if e.type == 'Link']
    objr_of = {}
    for e in links:
        objrs = [k[1] for k in e.kids if not isinstance(k, Elem) and k[0] == 'objr']
        check(objrs, 'every Link element has an annotation (OBJR)')
        t = text_of(e, mc_text)
        check(t.strip(), f'Link element holds its text ({t!r})')
        for a in objrs:
            objr_of[og(a)] = e
    for key, (pi, a) in annots.items():
        check(key in objr_of, f'link annotation on page {pi + 1} is in a Link element')
        check(bool(str(a.get('/Contents', '')).strip()), f'link annotation on page {pi + 1} has /Contents')
        sp = a.get('/StructParent')
        check(sp is not None and og(nums.get(int(sp))) == og(objr_of.get(key, Elem(Dictionary(), None)).obj),
              f'link annotation on page {pi + 1}: /StructParent names its Link')
    if 'link' in expect:
        check(len(links) >= 2, 'links are tagged')
        inline = [e for e in links if e.parent and e.parent.type == 'P' and text_of(e.parent, mc_text).strip() != text_of(e, mc_text).strip()]
        check(inline, 'a paragraph with a link holds its own text and the Link')

    # notes
    notes = [e for e in elems if e.type == 'Note']
    ids = [bytes(e.obj.ID).decode() for e in notes if '/ID' in e.obj]
    check(len(ids) == len(notes) and len(set(ids)) == len(ids), 'every Note has a unique /ID')
    idtree = root.StructTreeRoot.get('/IDTree')
    names = [str(x) for x in list(idtree.Names)[0::2]] if idtree is not None and '/Names' in idtree else []
    check(sorted(names) == sorted(ids), 'the /IDTree lists every Note /ID')
    for e in notes:
        nid = bytes(e.obj.ID).decode()
        refs = [l for l in links if any(str(annots.get(og(k[1]), (0, Dictionary()))[1].get('/Dest', '')) == nid
                                        for k in l.kids if not isinstance(k, Elem) and k[0] == 'objr')]
        check(refs, f'note {nid} is cited by a Link')
        if refs and e.parent:
            cite = refs[0].parent
            sib = e.parent.kids
            placed = cite is e.parent or (cite in sib and sib.index(e) > sib.index(cite) and
                                          all(isinstance(x, Elem) and x.type == 'Note' for x in sib[sib.index(cite) + 1:sib.index(e)]))
            check(placed, f'note {nid} comes right after the {cite.type} citing it')
    if 'note' in expect:
        check(len(notes) >= 2, 'notes are tagged')

    # figures
    figs = [e for e in elems if e.type == 'Figure']
    for e in figs:
        check(bool(str(e.obj.get('/Alt', '')).strip()), 'Figure has /Alt')
        a = e.obj.get('/A')
        box = a.get('/BBox') if isinstance(a, Dictionary) else None
        check(box is not None and len(box) == 4 and float(box[0]) < float(box[2]) and float(box[1]) < float(box[3]),
              'Figure has a /BBox')
        own = [(k[1], k[2]) for k in e.kids if not isinstance(k, Elem) and k[0] == 'mc']
        check(any(k in mc_image for k in own), 'Figure holds its image')
    if 'figure' in expect:
        check(len(figs) >= 2, 'the cover and the figure are Figures')
    caps = [e for e in elems if e.type == 'Caption']
    for e in caps:
        check(e.parent and e.parent.type in ('Figure', 'Table'), 'Caption inside its Figure or Table')
    if 'caption' in expect:
        check(caps, 'a figure caption is tagged')

    # lists
    depth_max = 0
    for e in elems:
        if e.type == 'L':
            check(all(isinstance(k, Elem) and k.type == 'LI' for k in e.kids), 'L holds only LI')
            d, p = 1, e.parent
            while p:
                d += p.type == 'L'
                p = p.parent
            depth_max = max(depth_max, d)
        if e.type == 'LI':
            kt = [k.type for k in e.kids if isinstance(k, Elem)]
            check(kt in (['Lbl', 'LBody'], ['LBody']), f'LI holds Lbl and LBody ({kt})')
            body = [k for k in e.kids if isinstance(k, Elem) and k.type == 'LBody']
            check(body and text_of(body[0], mc_text).strip(), 'LBody holds the item text')
    if 'list-depth-3' in expect:
        check(depth_max >= 3, f'lists nest three deep ({depth_max})')

    # tables
    for t in (e for e in elems if e.type == 'Table'):
        groups = [k for k in t.kids if isinstance(k, Elem)]
        check([g.type for g in groups if g.type != 'Caption'] in (['THead', 'TBody'], ['TBody'], ['THead']),
              'Table holds THead and TBody')
        widths = set()
        for g in groups:
            for r in g.kids:
                if not isinstance(r, Elem) or r.type != 'TR':
                    check(g.type == 'Caption', f'{g.type} holds only TR')
                    continue
                cells = [c for c in r.kids if isinstance(c, Elem)]
                widths.add(len(cells))
                # a header row's cells are TH but an empty one, which heads nothing: a TD
                for c in cells:
                    shows = shows_something(text_of(c, mc_unicode)) or any(
                        not isinstance(k, Elem) and k[0] == 'mc' and (k[1], k[2]) in mc_image for k in c.kids) or any(
                        isinstance(k, Elem) and k.type == 'Figure' for k in c.kids)
                    want = 'TH' if g.type == 'THead' and shows else 'TD'
                    check(c.type == want, f'{g.type} rows hold {want} ({c.type} {text_of(c, mc_unicode)[:30]!r})')
                    if c.type == 'TH':
                        a = c.obj.get('/A')
                        check(isinstance(a, Dictionary) and a.get('/Scope') in (Name.Column, Name.Row), 'TH has /Scope')
        check(len(widths) == 1, 'every row has as many cells')
    if 'table' in expect:
        check(types['Table'] >= 1 and types['TH'] >= 1, 'a table is tagged')
    if 'table-caption' in expect:
        captioned = [t for t in elems if t.type == 'Table' and t.kids and isinstance(t.kids[0], Elem) and
                     t.kids[0].type == 'Caption' and text_of(t.kids[0], mc_text).strip()]
        check(captioned, 'a table caption is the first kid of its Table, with its text')

    # code
    for e in (e for e in elems if e.type == 'Code'):
        check(e.parent and e.parent.type == 'P' and text_of(e, mc_text).strip(), 'Code inside its P, with its text')
    if 'code' in expect:
        check(types['Code'] >= 1, 'a code block is tagged')
    if 'decorative' in expect:
        check(any('/Layout' in k for k in kinds), 'an image without alt text is a /Layout artifact')

    # headings
    heads = [int(e.type[1]) for e in elems if re.fullmatch(r'H[1-6]', e.type)]
    check(heads and heads[0] == 1, 'the first heading is H1')
    check(all(b <= a + 1 for a, b in zip(heads, heads[1:])), 'no heading level skipped')

    # words come back whole
    if words_from:
        txt = subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True).stdout
        have = {w.lower() for w in re.findall(r'[A-Za-z]+', txt)}
        want, every = set(), set()
        for f in words_from:
            src = open(f, encoding='utf-8').read()
            src = re.sub(r'(?<=[A-Za-z])(\*\*|\*|__)(?=[A-Za-z])', '', src)   # a word partly in bold: one word
            every |= {w.lower() for w in re.findall(r'[A-Za-z]+', src)}
            # pdftotext joins a compound broken at its own hyphen ("immuno-⏎oncology")
            every |= {w.replace('-', '').lower() for w in re.findall(r'[A-Za-z]+(?:-[A-Za-z]+)+', src)}
            every |= {w.split('-')[-1].lower() for w in re.findall(r'[A-Za-z]+(?:-[A-Za-z]+)+', src)}
            src = re.sub(r'!\[[^\]]*\]\([^)]*\)', ' ', src)             # images: alt text is not shown
            src = re.sub(r'\]\([^)]*\)|<[^>]*>|\[\^[^\]]*\]', ' ', src)  # link targets, autolinks, note labels
            every |= {w.lower() for w in re.findall(r'[A-Za-z]+', src)}
            src = re.sub(r'(?mi)^table:', ' ', src)                      # a table caption's prefix
            src = re.sub(r'```.*?```', ' ', src, flags=re.S)
            src = re.sub(r'https?://\S+', ' ', src)
            want |= {w.lower() for w in re.findall(r'[A-Za-z]+', src) if len(w) >= 5}
        lost = sorted(want - have)
        check(not lost, f'every word of the text comes back whole from pdftotext (lost: {lost[:8]})')
        # MuPDF 1.21 reads no /ActualText: its text joins a line that ends in a hyphen only
        # when asked to (-O dehyphenate); then a hyphenated word comes back whole too
        if shutil.which('mutool'):
            mtxt = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.basename(path) + '.mutool.txt')
            subprocess.run(['mutool', 'convert', '-F', 'text', '-O', 'dehyphenate', '-o', mtxt, path],
                           capture_output=True)
            mhave = {w.lower() for w in re.findall(r'[A-Za-z]+', open(mtxt, encoding='utf-8', errors='replace').read())}
            os.remove(mtxt)
            mlost = sorted(want - mhave)
            check(not mlost, f'every word comes back whole from mutool convert -O dehyphenate (lost: {mlost[:8]})')
        manifest = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(words_from[0]))), 'book.yaml')
        if os.path.exists(manifest):   # the cover's title, subtitle and publisher
            every |= {w.lower() for w in re.findall(r'[A-Za-z]+', open(manifest, encoding='utf-8').read())}
        for svg in glob.glob(os.path.join(os.path.dirname(manifest), '**', '*.svg'), recursive=True):
            every |= {w.lower() for w in re.findall(r'[A-Za-z]+', open(svg, encoding='utf-8', errors='replace').read())}
        meta = {w.lower() for w in re.findall(r'[A-Za-z]+', ' '.join(str(pdf.docinfo.get(k, '')) for k in ('/Title', '/Author', '/Subject')))}
        pieces = sorted(w for w in have - every - meta if len(w) >= 3 and w not in ('contents', 'fixture', 'press'))
        check(not pieces, f'no word comes back in pieces (pieces: {pieces[:8]})')

    print(f"{len(failures)} failed, {passes} passed ({len(elems)} elements)")
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
