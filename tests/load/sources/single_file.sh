#!/bin/bash
# single_file: one Markdown file builds alone (pandoc front matter, else its first heading
# as the title), and `chapters:` takes a folder or a glob, sorted by name.
# Usage: single_file.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src SOURCE_DATE_EPOCH=1700000000
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"
meta() { python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['meta']; print(m[sys.argv[2]])" "$@"; }

mkdir -p docs
cat >docs/notes.md <<'MD'
---
title: Field Notes
subtitle: A small test
author: [Ann Author, Bo Writer]
lang: en-GB
date: 2024-03-01
rights: CC BY 4.0
description: Notes taken in the field.
keywords: [notes, field]
layout: post
---

# On things

See [more](#more-things).

## More things

The end of the notes.
MD
"$bin" build docs/notes.md -o out >build.out 2>build.err
check "front matter: builds" [ $? -eq 0 ]
check "front matter: notes.pdf and notes.epub" [ -s out/notes.pdf -a -s out/notes.epub ]
check "front matter: an unused key warns at its place" grep -q "^docs/notes.md:10:1: warning: front matter key 'layout' is not used by quire; ignored" build.err
"$bin" dump docs/notes.md >notes.json 2>/dev/null
check "title" [ "$(meta notes.json title)" = "Field Notes" ]
check "subtitle" [ "$(meta notes.json subtitle)" = "A small test" ]
check "authors" [ "$(meta notes.json authors)" = "['Ann Author', 'Bo Writer']" ]
check "lang" [ "$(meta notes.json language)" = "en-GB" ]
check "date" [ "$(meta notes.json date)" = "2024-03-01" ]
check "rights" [ "$(meta notes.json rights)" = "CC BY 4.0" ]
check "description" [ "$(meta notes.json description)" = "Notes taken in the field." ]
check "keywords" [ "$(meta notes.json keywords)" = "notes, field" ]
id=$(meta notes.json identifier)
check "a name-based urn:uuid (version 5)" bash -c "[[ '$id' =~ ^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]"
"$bin" dump docs/notes.md >again.json 2>/dev/null
check "the identifier is stable" [ "$(meta again.json identifier)" = "$id" ]
check "PDF title" bash -c "pdfinfo out/notes.pdf | grep -q '^Title: *Field Notes$'"
check "PDF text" bash -c "pdftotext out/notes.pdf - | grep -q 'The end of the notes.'"
mkdir -p ep && (cd ep && unzip -q ../out/notes.epub)
check "EPUB title" grep -q '<dc:title[^>]*>Field Notes</dc:title>' $(find ep -name '*.opf')
check "the front matter is not text" bash -c "! grep -rq 'layout: post' ep"

printf '# Just a Heading\n\nBody text.\n' >plain.md
"$bin" dump plain.md >plain.json 2>/dev/null
check "no front matter: the first heading is the title" [ "$(meta plain.json title)" = "Just a Heading" ]
check "no front matter: English" [ "$(meta plain.json language)" = "en" ]

printf -- '---\nlang: english please\n---\n\n# T\n' >badlang.md
"$bin" build badlang.md -o bad >/dev/null 2>bad.err
check "a bad lang is an error (exit 1)" [ $? -eq 1 ]
check "a bad lang is reported at its place" grep -q "^badlang.md:2:7: error: 'lang' must be a BCP 47 tag" bad.err
check "nothing written after an error" [ ! -e bad/badlang.pdf ]

# chapters: a glob and a folder, sorted by name; an explicit chapter is not read twice
mkdir -p g/parts g/more
printf 'name: g\ntitle: G\nlanguage: en\nidentifier: "urn:uuid:0b6f2f5e-6a2b-4a43-9c1d-8f0e3f3d9c11"\nchapters:\n  - intro.md\n  - parts/*.md\n  - more\n' >g/book.yaml
printf '# Intro\n' >g/intro.md
for f in 10-ten 02-two 01-one; do printf '# Part %s\n' "$f" >g/parts/$f.md; done
printf '# B\n' >g/more/b.md; printf '# A\n' >g/more/a.md; printf 'not markdown' >g/more/skip.txt
"$bin" dump g >g.json 2>g.err
check "globs and folders load" [ $? -eq 0 ]
order=$(python3 -c "import json; print(' '.join(c['file'] for c in json.load(open('g.json'))['chapters']))")
check "sorted by name: $order" [ "$order" = "intro.md parts/01-one.md parts/02-two.md parts/10-ten.md more/a.md more/b.md" ]
printf '  - nothing/*.md\n' >>g/book.yaml
"$bin" dump g >/dev/null 2>g2.err
check "a glob matching nothing is an error" grep -q "^g/book.yaml:9:5: error: 'nothing/\*.md' matches no file" g2.err

# GIF (its first frame) and WebP become PNG when loaded; a damaged one is an error at its place
mkdir -p img
printf 'GIF89a\001\000\001\000\200\000\000\377\000\000\000\000\000!\371\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;' >img/dot.gif
printf '# Pictures\n\n![A red dot](dot.gif)\n' >img/pics.md
"$bin" build img/pics.md -o img/out >/dev/null 2>img.err
check "a GIF figure builds" [ $? -eq 0 ]
mkdir -p img/ep && (cd img/ep && unzip -q ../out/pics.epub)
check "the GIF is a PNG in the EPUB" bash -c "ls img/ep/*/media/img-01.png >/dev/null 2>&1 || find img/ep -name 'img-01.png' | grep -q ."
check "no GIF in the EPUB" bash -c "! find img/ep -name '*.gif' | grep -q ."
check "the GIF is drawn in the PDF" [ "$(pdfimages -list img/out/pics.pdf 2>/dev/null | tail -n +3 | wc -l)" -ge 1 ]
printf 'RIFF\030\000\000\000WEBPVP8 \014\000\000\000broken bytes' >img/bad.webp
printf '# Bad\n\n![Bad](bad.webp)\n' >img/bad.md
"$bin" build img/bad.md -o img/badout >/dev/null 2>bad-webp.err
check "a damaged WebP is an error at its place" grep -q "^img/bad.md:3:1: error: image 'bad.webp' is a damaged WebP image" bad-webp.err

finish
