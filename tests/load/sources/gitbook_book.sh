#!/bin/bash
# gitbook_book: GitBook projects with book.json. The Django Girls Tutorial excerpt
# (tests/load/sources/gitbook-djangogirls: book.json and LANGS.md above the language folder
# en/) builds with `quire build gitbook-djangogirls/en`: book.json's variables filled in
# ({{ book.py_release }}, also in code), {% set %} variables, {% if output.name != "ebook" %}
# text left out of the e-book, the language from the folder's name, no template tag left
# in the text but the Django code the book teaches, 99 % of the sentences, EPUBCheck clean.
# Then book.json beside SUMMARY.md (title, author, language), {% if %}/{% elif %}/{% else %},
# a condition quire cannot tell, an undefined variable and an {% if %} left open.
# Usage: gitbook_book.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src SOURCE_DATE_EPOCH=1700000000
book=$src/tests/load/sources/gitbook-djangogirls
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"
py=/usr/bin/python3
[ -x $py ] || py=python3

cp -r "$book" dg
"$bin" build dg/en -o out >build.out 2>build.err
check_exit0 builds $? build.err
# the four links to chapters the excerpt leaves out are the only messages
check "four warnings, for links to chapters not in the excerpt: $(head -c 300 build.err)" \
    test "$(grep -c 'which is not a chapter of the book' build.err)" -eq 4 -a "$(wc -l <build.err)" -eq 4
mkdir -p epub && (cd epub && unzip -q ../out/en.epub)
cat epub/EPUB/text/*.xhtml | sed 's/<[^>]*>//g' >epub.txt
pdftotext -raw out/en.pdf book.txt
for f in epub.txt book.txt; do
    check "$f: {{ book.py_release }} is book.json's 3.14.3" grep -q 'Python 3.14.3' $f
    check "$f: in a code block too ({{ book.pa_py_version }})" grep -q 'pip3.10 install --user pythonanywhere' $f
    check "$f: a link's address gets its variable ({{ book.docs_version }})" \
        grep -q 'docs.djangoproject.com/en/5.2/ref/models/querysets' $f
    check "$f: no book variable left" no_match '{{ *book\.' $f
    check "$f: no {% set %}, {% if %} or {% filename %} tag left" no_match '{% *\(set\|if\|endif\|filename\)' $f
    check "$f: {% if output.name != \"ebook\" %} text is the web site's" no_match 'on your e-reader' $f
done
check "the language from the folder's name: en" grep -q '<dc:language>en</dc:language>' epub/EPUB/*.opf
check "{% set %} variable (an HTML icon) leaves no tag or warning" no_match 'warning_icon\|glyphicon' epub.txt
chapters="README.md python_introduction/README.md deploy/pythonanywhere.md dynamic_data_in_templates/README.md"
# the sources as GitBook's e-book output reads them: tags gone, variables filled in, the
# web site's text left out (sentences.py reads Markdown only)
mkdir -p plain
for c in $chapters python_introduction/prompt.md deploy/signup_pythonanywhere.md; do
    mkdir -p "plain/$(dirname $c)"
    $py - dg/book.json "dg/en/$c" >"plain/$c" <<'PY'
import json, re, sys
v = json.load(open(sys.argv[1]))["variables"]
t = open(sys.argv[2]).read()
t = re.sub(r'\{% if output.name != "ebook" %\}.*?\{% endif %\}', "", t, flags=re.S)
t = re.sub(r"\{\{ *book\.(\w+) *\}\}", lambda m: v.get(m.group(1), "en"), t)
t = re.sub(r"\{\{ *\w+ *\}\}|\{%.*?%\}", "", t)
sys.stdout.write(t)
PY
done
sentences_kept plain "$work/book.txt" "$work/epub" $chapters
epubcheck_clean "EPUBCheck: no message" out/en.epub

# book.json beside SUMMARY.md; the tags one by one
mkdir -p gb
printf '{\n\t"title": "Tags",\n\t"author": "Ann Author",\n\t"language": "de",\n\t"variables": {"v": "1.2", "site": "web"}\n}\n' >gb/book.json
printf '# Summary\n\n* [Eins](README.md)\n' >gb/SUMMARY.md
cat >gb/README.md <<'EOF'
# Eins

Version {{ book.v }}, Sprache {{ book.language }}.

{% if book.site == "web" %}
Kept one.
{% elif output.name == "ebook" %}
Not two.
{% else %}
Not three.
{% endif %}

{%- if output.name == "website" -%}
Not four.
{% else %}
Kept five.
{% endif %}

{% if page.title %}
Kept six.
{% endif %}

Another `{% if %}` tag in running text, and {{ book.nothing }} stays.

```html
{% if user.is_authenticated %}<a href="x">v{{ book.v }}</a>{% endif %}
```
EOF
"$bin" dump gb >gb.json 2>gb.err
check "book.json beside SUMMARY.md loads" test $? -eq 0
meta=$($py -c 'import json; m=json.load(open("gb.json"))["meta"]; print(m["title"], m["authors"], m["language"])')
check "title, author and language from book.json: $meta" test "$meta" = "Tags ['Ann Author'] de"
"$bin" build gb -o gb-out --epub >/dev/null 2>&1
(mkdir -p gbx && cd gbx && unzip -q ../gb-out/gb.epub)
cat gbx/EPUB/text/*.xhtml | sed 's/<[^>]*>//g' >gb.txt
check "variables and GitBook's own book.language" grep -q 'Version 1.2, Sprache de.' gb.txt
check "the branch of a true condition kept" grep -q 'Kept one.' gb.txt
check "elif and else after a taken branch left out" no_match 'Not two\|Not three' gb.txt
check "{%- … -%}, output.name is \"ebook\": else kept" sh -c "grep -q 'Kept five.' gb.txt && ! grep -q 'Not four' gb.txt"
check "a condition quire cannot tell keeps its text" grep -q 'Kept six.' gb.txt
check "and says so at the tag" grep -qx "gb/README.md:19:1: warning: GitBook condition 'page.title' is not known here; all its text is kept" gb.err
check "a tag in running text is text" grep -qF 'Another {% if %} tag in running text' gb.txt
check "a tag in code is code (its variable filled in, as GitBook does)" \
    grep -qF '{% if user.is_authenticated %}&lt;a href=&quot;x&quot;&gt;v1.2&lt;/a&gt;{% endif %}' gb.txt
check "an undefined book variable stays, with a warning at it" \
    sh -c "grep -qF '{{ book.nothing }} stays' gb.txt && grep -qx \"gb/README.md:23:45: warning: GitBook variable 'book.nothing' is not in book.json's variables; left as written\" gb.err"
check "no message names a book.toml" no_match 'book.toml' gb.err
printf '# Zwei\n\n{%% if output.name == "ebook" %%}\nOpen.\n' >gb/README.md
"$bin" build gb -o gb-open >/dev/null 2>open.err
check "an {% if %} left open is an error" test $? -eq 1
check "named at the {% if %}" grep -qx 'gb/README.md:3:1: error: {% if %} has no {% endif %}' open.err

finish
