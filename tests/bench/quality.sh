#!/bin/bash
# quality: line quality of quire's paragraphs beside XeLaTeX's on the same text, font
# (Charis SIL), size (10.5pt) and measure (134 mm). On demand only, never a test.
#
#   bash tests/bench/quality.sh [--pages N] [--no-latex] [--build DIR]
#
# Generates the benchmark book of about N A4 pages (default 300, tests/bench/genbook.py),
# sets it with quire in `brochure` (one column) and `letter-2col` (two columns), and with
# pandoc + XeLaTeX (KOMA scrartcl, textwidth=134mm; installed from Debian when missing and
# run as root) three times: at fontsize=10.5pt, TeX's point (1/72.27 in, so 10.46 PDF points),
# at 10.5bp, the size quire's 10.5pt is, and with pandoc's `-V fontsize=10.5pt`, which
# scrartcl ignores (11pt); then prints one Markdown table from linequality.py:
# the gap distribution of justified lines, hyphenated line ends, lines past the column.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAGES=300 LATEX=1 BUILD="$ROOT/build-bench"
while [ $# -gt 0 ]; do
  case $1 in
    --pages) PAGES=$2; shift 2 ;;
    --no-latex) LATEX=0; shift ;;
    --build) BUILD=$2; shift 2 ;;
    *) echo "usage: quality.sh [--pages N] [--no-latex] [--build DIR]" >&2; exit 2 ;;
  esac
done
WORK="$ROOT/tests/bench/work/quality"
mkdir -p "$WORK"
die() { echo "quality: $*" >&2; exit 1; }

need=()
command -v mutool >/dev/null || need+=(mupdf-tools)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ "$LATEX" = 1 ]; then
  command -v pandoc >/dev/null || need+=(pandoc)
  command -v xelatex >/dev/null || need+=(texlive-xetex texlive-latex-recommended texlive-latex-extra lmodern)
fi
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing tools; run: sudo apt-get install -y ${need[*]}"
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2 || die "apt-get failed"
fi

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$WORK/cmake.log" 2>&1 || die "configure failed"
fi
cmake --build "$BUILD" -j2 --target quire >"$WORK/cmake.log" 2>&1 || die "quire does not build ($WORK/cmake.log)"
QUIRE="$BUILD/quire"

python3 "$ROOT/tests/bench/genbook.py" --out "$WORK" --pages "$PAGES" >/dev/null
BOOK="$WORK/${PAGES}p"
MD=$(ls "$BOOK"/*.md)

# The first page of the body: the first with the line "Chapter 1 …" and no "Chapter 2 …"
# (the contents pages list them all).
first_page() {
  local n i t
  n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
  for ((i = 1; i <= n; i++)); do
    t=$(pdftotext -f "$i" -l "$i" "$1" -)
    if grep -q '^Chapter 1 ' <<<"$t" && ! grep -q '^Chapter 2 ' <<<"$t"; then echo "$i"; return; fi
  done
  echo 1
}

export SOURCE_DATE_EPOCH=1700000000
"$QUIRE" build "$BOOK" -o "$WORK/one" --pdf -q
"$QUIRE" build "$BOOK" -o "$WORK/two" --pdf -q --style "$ROOT/styles/letter-2col.yaml"
LQ="python3 $ROOT/tests/bench/linequality.py"
$LQ "$WORK/one/io-${PAGES}p.pdf" --first "$(first_page "$WORK/one/io-${PAGES}p.pdf")" --label "quire, brochure (1 column)" --header
$LQ "$WORK/two/io-${PAGES}p.pdf" --first "$(first_page "$WORK/two/io-${PAGES}p.pdf")" --label "quire, letter-2col (2 columns)"
# XeLaTeX with the size option OPT (a pandoc -V) into $WORK/xelatex-NAME.pdf.
latex() {
  local opt=$1 name=$2 F="$ROOT/fonts/charis-sil/"
  (cd "$BOOK" && pandoc "$MD" -o "$WORK/xelatex-$name.pdf" --pdf-engine=xelatex -V documentclass=scrartcl \
    -V "$opt" -V mainfont=CharisSIL-Regular.ttf \
    -V "mainfontoptions=Path=$F,BoldFont=CharisSIL-Bold.ttf,ItalicFont=CharisSIL-Italic.ttf,BoldItalicFont=CharisSIL-BoldItalic.ttf" \
    -V geometry:textwidth=134mm -V geometry:a4paper 2>"$WORK/xelatex-$name.log") || die "XeLaTeX failed ($WORK/xelatex-$name.log)"
}
if [ "$LATEX" = 1 ]; then
  latex classoption=fontsize=10.5pt pt
  $LQ "$WORK/xelatex-pt.pdf" --label "XeLaTeX, same font and measure, 10.5 TeX pt (10.46 PDF pt)"
  # quire's 10.5pt is the PDF's (1/72 in); TeX's pt is 1/72.27 in, so 10.5bp is the same size.
  latex classoption=fontsize=10.5bp bp
  $LQ "$WORK/xelatex-bp.pdf" --label "XeLaTeX, same font and measure, 10.5bp (quire's 10.5pt)"
  # pandoc's own fontsize variable, as issue 10 and the checkers' notes give the command:
  # scrartcl takes no "10.5pt" class option ("Unused global option(s): [10.5pt]") and sets
  # its default, 11pt (10.91 PDF pt).
  latex fontsize=10.5pt var
  $LQ "$WORK/xelatex-var.pdf" --label "XeLaTeX, -V fontsize=10.5pt (ignored by scrartcl: 11pt)"
fi
