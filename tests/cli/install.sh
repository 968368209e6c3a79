# `cmake --install` into a prefix: the binary finds its styles and fonts there
# from any folder, and the man page renders.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$QUIRE")
PREFIX=$WORK/prefix

if ! cmake --install "$BUILD" --prefix "$PREFIX" >install.log 2>&1; then
    fail "cmake --install: $(cat install.log)"
    finish
    exit 1
fi
Q=$PREFIX/bin/quire
check "installs bin/quire" [ -x "$Q" ]
check "installs the man page" [ -s "$PREFIX/share/man/man1/quire.1" ]
check "installs the styles" [ -s "$PREFIX/share/quire/styles/brochure.yaml" ]
check "installs the fonts" [ -n "$(find "$PREFIX/share/quire/fonts" -name '*.ttf' | head -1)" ]

mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
"$Q" styles >s.out 2>s.err
check "installed: styles from the prefix" grep -q " $PREFIX/share/quire/styles/brochure.yaml\$" s.out
"$Q" new book >n.out 2>n.err
check "installed: new (exit $?: $(cat n.err))" [ -f book/styles/brochure.yaml ]
check "installed: the style copied from the prefix" cmp -s book/styles/brochure.yaml "$PREFIX/share/quire/styles/brochure.yaml"
"$Q" build book -o out --epub >e.out 2>e.err
check "installed: EPUB build (fonts from the prefix): $(cat e.err)" [ -s out/book.epub ]
"$Q" build book -o out >b.out 2>b.err
rc=$?
check "installed: full build exits 0 (got $rc: $(cat b.err))" [ "$rc" -eq 0 ]
check "installed: a PDF" [ -s out/book.pdf ]

# The man page: renders, and documents every command and long option of --help.
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$PREFIX/share/man/man1/quire.1" 2>man.err | sed "s/.\x08//g" >man.txt
elif command -v groff >/dev/null 2>&1; then
    groff -mandoc -Tutf8 -P-c "$PREFIX/share/man/man1/quire.1" 2>man.err | sed "s/.\x08//g" >man.txt
else
    : >man.txt
fi
if [ -s man.txt ]; then
    check "man page renders without warnings: $(cat man.err)" [ ! -s man.err ]
    check "man page title" grep -q 'QUIRE(1)' man.txt
    for word in $("$Q" --help | sed -n 's/^  \([a-z]\+\) .*/\1/p'); do
        check "man page documents the command '$word'" grep -Eq "^ +$word( |\$)" man.txt
    done
    for opt in $("$Q" --help | grep -o -- '--[a-z]\+' | sort -u); do
        check "man page documents $opt" grep -q -- "$opt" man.txt
    done
    for word in NO_COLOR SOURCE_DATE_EPOCH QUIRE_DATA_DIR EXIT; do
        check "man page mentions $word" grep -q "$word" man.txt
    done
    if command -v man >/dev/null 2>&1; then
        MANPATH=$PREFIX/share/man man -w quire >w.out 2>/dev/null
        check "man finds quire(1) under the prefix" grep -q "$PREFIX/share/man/man1/quire.1" w.out
    fi
else
    skip "man page rendering: neither man (man-db) nor groff (groff-base) is installed"
fi

finish
