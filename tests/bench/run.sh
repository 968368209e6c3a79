#!/usr/bin/env bash
# Speed and scale, on demand: times quire beside Typst 0.14, pandoc + WeasyPrint, pandoc + XeLaTeX
# and pandoc's EPUB in one run, on books generated from book/ by tests/bench/genbook.py:
#
#   io          the sample book itself (book/): start-up cost
#   300p        ~300 A4 pages of text, one SVG figure a chapter
#   200p-100png ~200 pages with 100 PNG figures
#   3000p       the scale test: ~3,000 pages (quire only, unless --scale-anchors)
#
#   bash tests/bench/run.sh [options]
#
#   --runs N          timed runs per tool and book (default 3; the table shows medians)
#   --runs-small N    timed runs on the io book, whose times are tiny and noisy (default 9)
#   --books "LIST"    which books (default: "io 300p 200p-100png 3000p")
#   --scale-anchors   also time the other tools on the 3000-page book (minutes each)
#   --no-typst        skip Typst (no npm install)
#   --no-latex        skip pandoc -> XeLaTeX
#   --callgrind       also count quire's instructions on the 300-page book (valgrind's callgrind)
#   --build DIR       quire build folder (default: build-bench, configured Release)
#   --quire BIN       time this quire binary as it is (no build)
#   --work DIR        work folder (default: tests/bench/work, git-ignored)
#   --npm-cache DIR   where the npm packages go (default: ${XDG_CACHE_HOME:-~/.cache}/quire-bench/npm)
#
# Tools: Debian's pandoc, WeasyPrint and XeLaTeX (installed with apt-get when missing and run as
# root); Typst 0.14 from npm (@myriaddreamin/typst-ts-node-compiler@0.7.0), fed by pandoc's own
# Markdown -> Typst conversion (npm pandoc-wasm@1.1.0, untimed, once per book). Both npm packages go
# into the npm cache folder above, never into the source tree and never in `make test`.
#
# Every tool runs the same number of times per book, interleaved (run 1 of every tool, then run 2,
# ...), after one untimed warm-up of each tool on the first book. Each run goes through
# /usr/bin/time -v (peak resident set, CPU time); wall time is read around it. A two-step pipeline
# (pandoc -> HTML -> WeasyPrint) counts the sum of its times and the larger of its peaks.
# Exits non-zero only when a tool fails or cannot be set up, never because of a slow result.
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS=3
RUNS_SMALL=9
BOOKS="io 300p 200p-100png 3000p"
SCALE_ANCHORS=0
TYPST=1
LATEX=1
CALLGRIND=0
BUILD="$ROOT/build-bench"
QUIRE=""
WORK="$HERE/work"
NPM_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/quire-bench/npm"
TYPST_PKG="@myriaddreamin/typst-ts-node-compiler@0.7.0"
PANDOC_WASM_PKG="pandoc-wasm@1.1.0"
ARGS="$*"

usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --runs-small) RUNS_SMALL="$2"; shift 2 ;;
    --books) BOOKS="$2"; shift 2 ;;
    --scale-anchors) SCALE_ANCHORS=1; shift ;;
    --no-typst) TYPST=0; shift ;;
    --no-latex) LATEX=0; shift ;;
    --callgrind) CALLGRIND=1; shift ;;
    --build) BUILD="$(realpath -m "$2")"; shift 2 ;;
    --quire) QUIRE="$(realpath -m "$2")"; shift 2 ;;
    --work) WORK="$(realpath -m "$2")"; shift 2 ;;
    --npm-cache) NPM_DIR="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

# ---- Debian tools --------------------------------------------------------------------------------
need_pkgs=()
command -v pandoc >/dev/null || need_pkgs+=(pandoc)
command -v weasyprint >/dev/null || need_pkgs+=(weasyprint)
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v pdfinfo >/dev/null || need_pkgs+=(poppler-utils)
if [ "$LATEX" = 1 ]; then
  command -v xelatex >/dev/null || need_pkgs+=(texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern)
  command -v rsvg-convert >/dev/null || need_pkgs+=(librsvg2-bin)   # pandoc's SVG figure for LaTeX
fi
if [ "$TYPST" = 1 ]; then
  command -v node >/dev/null || need_pkgs+=(nodejs)
  command -v npm >/dev/null || need_pkgs+=(npm)
fi
[ "$CALLGRIND" = 1 ] && ! command -v valgrind >/dev/null && need_pkgs+=(valgrind)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing tools; run: sudo apt-get install -y ${need_pkgs[*]}"
  say "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      "${need_pkgs[@]}"; } >&2 || die "apt-get install failed"
fi

# ---- Typst and pandoc-wasm from npm --------------------------------------------------------------
if [ "$TYPST" = 1 ]; then
  if [ ! -f "$NPM_DIR/node_modules/@myriaddreamin/typst-ts-node-compiler/package.json" ] ||
     [ ! -f "$NPM_DIR/node_modules/pandoc-wasm/package.json" ]; then
    say "installing $TYPST_PKG and $PANDOC_WASM_PKG into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || echo '{ "private": true }' >"$NPM_DIR/package.json"
    (cd "$NPM_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
        "$TYPST_PKG" "$PANDOC_WASM_PKG") >&2 || die "npm install failed"
  fi
  # The two small drivers run from the npm folder, so node finds the packages.
  cp "$HERE/typst-pdf.cjs" "$HERE/md2typst.mjs" "$NPM_DIR/" || die "cannot copy the Typst drivers"
fi

# ---- quire ---------------------------------------------------------------------------------------
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
if [ -z "$QUIRE" ]; then
  QUIRE="$BUILD/quire"
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    say "configuring $BUILD (Release)"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$WORK/cmake.log" 2>&1 ||
      { cat "$WORK/cmake.log" >&2; die "cmake configure failed"; }
  fi
  say "building quire in $BUILD"
  cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" --target quire >"$WORK/cmake.log" 2>&1 ||
    { tail -30 "$WORK/cmake.log" >&2; die "quire does not build (log: $WORK/cmake.log)"; }
fi
[ -x "$QUIRE" ] || die "$QUIRE is not an executable"

# ---- books ---------------------------------------------------------------------------------------
BOOKS_DIR="$WORK/books"
mkdir -p "$BOOKS_DIR"
# book_dir ID / book_name ID / book_md ID: the folder quire reads, its base name, pandoc's input.
book_dir() { case "$1" in io) echo "$ROOT/book" ;; *) echo "$BOOKS_DIR/$1" ;; esac; }
book_name() { case "$1" in io) echo io ;; *) echo "io-$1" ;; esac; }
book_md() { case "$1" in io) echo "$BOOKS_DIR/io-pandoc/io.md" ;; *) echo "$BOOKS_DIR/$1/io-$1.md" ;; esac; }
# pandoc and Typst run in this folder, so that images/ resolves (io: a copy of book/images).
book_cwd() { case "$1" in io) echo "$BOOKS_DIR/io-pandoc" ;; *) echo "$BOOKS_DIR/$1" ;; esac; }

for b in $BOOKS; do
  case "$b" in
    io)
      # pandoc's input for the sample book: its chapters in book.yaml's order under a title block.
      rm -rf "$BOOKS_DIR/io-pandoc"; mkdir -p "$BOOKS_DIR/io-pandoc"
      cp -r "$ROOT/book/images" "$BOOKS_DIR/io-pandoc/" || die "cannot copy book/images"
      python3 - "$ROOT/book" "$BOOKS_DIR/io-pandoc/io.md" <<'EOF' || die "cannot make pandoc's io.md"
import re, sys
src, out = sys.argv[1], sys.argv[2]
y = open(src + "/book.yaml", encoding="utf-8").read()
title = re.search(r"^title:\s*(.*)$", y, re.M).group(1).strip().strip('"')
chapters = re.findall(r"^\s+-\s+(chapters/\S+\.md)\s*$", y, re.M)
body = "\n\n".join(open(src + "/" + c, encoding="utf-8").read() for c in chapters)
body = re.sub(r'<a id="([A-Za-z][\w.:-]*)"></a>', r"[]{#\1}", body)   # as genbook.py does
open(out, "w", encoding="utf-8").write('---\ntitle: "%s"\nlang: en-US\n---\n\n%s' % (title, body))
EOF
      ;;
    300p|3000p) python3 "$HERE/genbook.py" --src "$ROOT/book" --out "$BOOKS_DIR" --pages "${b%p}" >&2 ||
                  die "genbook.py failed" ;;
    200p-100png) python3 "$HERE/genbook.py" --src "$ROOT/book" --out "$BOOKS_DIR" --pages 200 --png-figures 100 >&2 ||
                   die "genbook.py failed" ;;
    *) die "unknown book '$b' (io, 300p, 200p-100png, 3000p)" ;;
  esac
done

# Typst's input, converted once per book by pandoc-wasm (not timed: Typst is timed on its own input).
typst_src() { echo "$(book_cwd "$1")/$(book_name "$1").typ"; }
if [ "$TYPST" = 1 ]; then
  for b in $BOOKS; do
    [ "$b" = 3000p ] && [ "$SCALE_ANCHORS" = 0 ] && continue
    say "pandoc-wasm: $(book_name "$b").md -> Typst"
    src="$(book_md "$b")"; log="$WORK/$b-typst-convert.log"
    (cd "$NPM_DIR" && node md2typst.mjs "$src" "$(typst_src "$b")") >"$log" 2>&1 ||
      { tail -5 "$log" >&2; die "pandoc-wasm could not convert $src"; }
  done
fi

# ---- runs ----------------------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"
LOGS="$WORK/logs"
rm -rf "$WORK/out" "$LOGS"
mkdir -p "$WORK/out" "$LOGS"
: >"$RESULTS"
FAILED=0

tools_for() {
  local t="quire quire-pdf quire-epub"
  if [ "$1" != 3000p ] || [ "$SCALE_ANCHORS" = 1 ]; then
    [ "$TYPST" = 1 ] && t="$t typst"
    t="$t pandoc-epub pandoc-weasyprint"
    [ "$LATEX" = 1 ] && t="$t pandoc-xelatex"
  fi
  echo "$t"
}

now() { date +%s.%N; }
# timed LOG CMD...: runs CMD under /usr/bin/time -v; echoes "wall cpu kb".
timed() {
  local log="$1"; shift
  local tf t0 t1; tf="$(mktemp)"
  t0=$(now)
  if /usr/bin/time -v -o "$tf" "$@" >>"$log" 2>&1; then
    t1=$(now)
    awk -v t0="$t0" -v t1="$t1" -F': ' '
      /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
      END { printf "%.4f %.3f %d\n", t1 - t0, u + s, m }' "$tf"
    rm -f "$tf"; return 0
  fi
  cat "$tf" >>"$log"; rm -f "$tf"; return 1
}

# run_tool TOOL BOOK: one run; prints "wall cpu kb files" or fails.
run_tool() {
  local tool="$1" b="$2"
  local dir name cwd md out log a c
  dir="$(book_dir "$b")"; name="$(book_name "$b")"; cwd="$(book_cwd "$b")"; md="$(book_md "$b")"
  out="$WORK/out/$b/$tool"; log="$LOGS/$b-$tool.log"
  rm -rf "$out"; mkdir -p "$out"
  echo "---- $(date -u +%FT%TZ)" >>"$log"
  case "$tool" in
    quire) a=$(timed "$log" "$QUIRE" build "$dir" -o "$out" -q) || return 1
           echo "$a $out/$name.pdf,$out/$name.epub" ;;
    quire-pdf) a=$(timed "$log" "$QUIRE" build "$dir" -o "$out" --pdf -q) || return 1
               echo "$a $out/$name.pdf" ;;
    quire-epub) a=$(timed "$log" "$QUIRE" build "$dir" -o "$out" --epub -q) || return 1
                echo "$a $out/$name.epub" ;;
    typst)   # fonts: the ones quire bundles
      a=$(cd "$NPM_DIR" && timed "$log" node typst-pdf.cjs "$(typst_src "$b")" "$out/$name.pdf" "$ROOT/fonts") ||
        return 1
      echo "$a $out/$name.pdf" ;;
    pandoc-epub) a=$(cd "$cwd" && timed "$log" pandoc "$md" -o "$out/$name.epub") || return 1
                 echo "$a $out/$name.epub" ;;
    pandoc-weasyprint)
      a=$(cd "$cwd" && timed "$log" pandoc -s "$md" -o "$out/$name.html") || return 1
      c=$(cd "$cwd" && timed "$log" weasyprint -q -u "$cwd/" "$out/$name.html" "$out/$name.pdf") || return 1
      echo "$a $c" | awk -v f="$out/$name.pdf" '{ printf "%.4f %.3f %d %s\n", $1 + $4, $2 + $5, ($3 > $6 ? $3 : $6), f }' ;;
    pandoc-xelatex)
      a=$(cd "$cwd" && timed "$log" pandoc "$md" --pdf-engine=xelatex -V papersize=a4 -V fontsize=12pt \
            -o "$out/$name.pdf") || return 1
      echo "$a $out/$name.pdf" ;;
  esac
}

record() {   # record BOOK TOOL RUN RESULT
  local b="$1" t="$2" r="$3" wall cpu kb files pages="-" bytes=0 f
  read -r wall cpu kb files <<<"$4"
  IFS=, read -ra fs <<<"$files"
  for f in "${fs[@]}"; do
    [ -f "$f" ] || { echo "run.sh: $t wrote no $f" >&2; return 1; }
    bytes=$((bytes + $(stat -c %s "$f")))
    case "$f" in *.pdf) pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ { print $2 }') ;; esac
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$t" "$r" "$wall" "$cpu" "$kb" "${pages:--}" "$bytes" >>"$RESULTS"
}

first="${BOOKS%% *}"
if [ "$first" != 3000p ]; then   # a warm-up on the big book would cost as much as a run
  say "warm-up on $first (untimed)"
  for t in $(tools_for "$first"); do run_tool "$t" "$first" >/dev/null || true; done
fi

declare -A BROKEN=()
for b in $BOOKS; do
  n="$RUNS"; [ "$b" = io ] && n="$RUNS_SMALL"
  for r in $(seq 1 "$n"); do
    for t in $(tools_for "$b"); do
      [ -n "${BROKEN[$b$t]:-}" ] && continue
      say "$b  run $r/$n  $t"
      if res=$(run_tool "$t" "$b") && record "$b" "$t" "$r" "$res"; then :; else
        echo "run.sh: $t failed on $b; see $LOGS/$b-$t.log" >&2
        tail -5 "$LOGS/$b-$t.log" >&2
        printf '%s\t%s\t%s\tFAIL\t-\t-\t-\t-\n' "$b" "$t" "$r" >>"$RESULTS"
        FAILED=1; BROKEN[$b$t]=1
      fi
    done
  done
done

# ---- table ---------------------------------------------------------------------------------------
typst_ver=""
[ "$TYPST" = 1 ] && typst_ver="Typst 0.14 (typst-ts-node-compiler $(cd "$NPM_DIR" && node -p 'require("@myriaddreamin/typst-ts-node-compiler/package.json").version'), pandoc-wasm $(cd "$NPM_DIR" && node -p 'JSON.parse(require("fs").readFileSync("node_modules/pandoc-wasm/package.json")).version')), "
echo
echo "command: bash tests/bench/run.sh${ARGS:+ $ARGS}"
echo "$("$QUIRE" --version 2>/dev/null | head -1), ${typst_ver}$(pandoc --version | head -1)," \
     "WeasyPrint $(weasyprint --version 2>/dev/null | awk '{ print $NF }')$([ "$LATEX" = 1 ] && echo ", $(xelatex --version | head -1)")"
echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
     "$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 "$HERE/report.py" "$RESULTS"
echo "(raw runs: $RESULTS)"

# ---- callgrind -----------------------------------------------------------------------------------
if [ "$CALLGRIND" = 1 ]; then
  echo
  echo "callgrind, quire on the 300-page book (instructions executed, Ir):"
  CG="$WORK/callgrind"; rm -rf "$CG"; mkdir -p "$CG"
  [ -d "$(book_dir 300p)" ] || python3 "$HERE/genbook.py" --src "$ROOT/book" --out "$BOOKS_DIR" --pages 300 >&2
  for mode in both pdf epub; do
    flag=""; [ "$mode" != both ] && flag="--$mode"
    if valgrind --tool=callgrind --callgrind-out-file="$CG/$mode.out" \
         "$QUIRE" build "$(book_dir 300p)" -o "$CG/out-$mode" $flag -q >"$CG/$mode.log" 2>&1; then
      callgrind_annotate --inclusive=yes "$CG/$mode.out" >"$CG/$mode.txt" 2>/dev/null
      ir=$(awk '/PROGRAM TOTALS/ { print $1; exit }' "$CG/$mode.txt")
      printf '  %-5s %15s Ir   (per function, inclusive: %s)\n' "$mode" "${ir:-?}" "$CG/$mode.txt"
    else
      echo "  $mode: quire failed under valgrind; see $CG/$mode.log" >&2; FAILED=1
    fi
  done
fi

exit "$FAILED"
