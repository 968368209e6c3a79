#!/usr/bin/env bash
# Speed and scale: times quire against pandoc, WeasyPrint and (optionally) XeLaTeX on books of
# about 30, 300 and 3,000 A4 pages generated from book/ by tests/bench/genbook.py.
#
#   bash tests/bench/run.sh [options]
#
#   --pages "30 300 3000"  page counts to generate and time (default: 30 300 3000)
#   --runs N               runs per tool for books under 1,000 pages (default 5)
#   --runs-large N         runs per tool for books of 1,000 pages or more (default 3)
#   --seed N               generator seed (default 1)
#   --with-latex           install texlive-xetex when missing and time pandoc -> XeLaTeX PDF too
#   --no-latex             never time XeLaTeX, even when it is installed
#   --callgrind            also count quire's instructions on book/ with valgrind's callgrind
#   --build DIR            quire build folder (default: build-bench, configured Release)
#   --work DIR             work folder (default: tests/bench/work, git-ignored)
#   --anchors-only         time the other tools only (no quire build), e.g. to check the setup
#
# Every tool runs the same number of times per size, interleaved (run 1 of every tool, then run 2,
# ...), after one untimed warm-up of each on the smallest book when it is under 1,000 pages.
# Wall time and peak RSS come from /usr/bin/time -f "%e %M"; the table shows medians. A two-step
# pipeline (pandoc -> HTML -> WeasyPrint) counts the sum of its wall times and the larger of its
# peak RSS values.
# Exits non-zero only when a tool fails (or cannot be set up), never because of a slow result.
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PAGES="30 300 3000"
RUNS=5
RUNS_LARGE=3
SEED=1
LATEX=auto
CALLGRIND=0
BUILD="$ROOT/build-bench"
WORK="$HERE/work"
ANCHORS_ONLY=0

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --runs-large) RUNS_LARGE="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --with-latex) LATEX=yes; shift ;;
    --no-latex) LATEX=no; shift ;;
    --callgrind) CALLGRIND=1; shift ;;
    --build) BUILD="$(realpath -m "$2")"; shift 2 ;;
    --work) WORK="$(realpath -m "$2")"; shift 2 ;;
    --anchors-only) ANCHORS_ONLY=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

# ---- tools -------------------------------------------------------------------------------------
need_pkgs=()
command -v pandoc >/dev/null || need_pkgs+=(pandoc)
command -v weasyprint >/dev/null || need_pkgs+=(weasyprint)
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v pdfinfo >/dev/null || need_pkgs+=(poppler-utils)
if [ "$LATEX" = yes ] && ! command -v xelatex >/dev/null; then
  need_pkgs+=(texlive-xetex texlive-latex-recommended lmodern librsvg2-bin)
fi
if [ "$LATEX" != no ] && command -v xelatex >/dev/null && ! command -v rsvg-convert >/dev/null; then
  need_pkgs+=(librsvg2-bin)   # pandoc converts the SVG figure for LaTeX with rsvg-convert
fi
[ "$CALLGRIND" = 1 ] && ! command -v valgrind >/dev/null && need_pkgs+=(valgrind)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    die "missing tools; run: sudo apt-get install -y ${need_pkgs[*]}"
  fi
  say "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2 ||
    die "apt-get install failed"
fi
HAVE_LATEX=0
[ "$LATEX" != no ] && command -v xelatex >/dev/null && HAVE_LATEX=1

# ---- quire -------------------------------------------------------------------------------------
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
QUIRE="$BUILD/quire"
if [ "$ANCHORS_ONLY" = 0 ]; then
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    say "configuring $BUILD (Release)"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$WORK/cmake.log" 2>&1 ||
      { cat "$WORK/cmake.log" >&2; die "cmake configure failed"; }
  fi
  say "building quire in $BUILD"
  cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" --target quire >"$WORK/cmake.log" 2>&1 ||
    { tail -30 "$WORK/cmake.log" >&2; die "quire does not build (log: $WORK/cmake.log)"; }
  [ -x "$QUIRE" ] || die "$QUIRE missing after the build"
fi

# ---- books -------------------------------------------------------------------------------------
say "generating books (seed $SEED, pages: $PAGES)"
python3 "$HERE/genbook.py" --src "$ROOT/book" --out "$WORK/books" --seed "$SEED" --pages $PAGES >&2 ||
  die "genbook.py failed"

RESULTS="$WORK/results.tsv"
LOGS="$WORK/logs"
rm -rf "$WORK/out" "$LOGS"
mkdir -p "$WORK/out" "$LOGS"
: >"$RESULTS"
FAILED=0

TOOLS="quire quire-pdf quire-epub pandoc-epub pandoc-weasyprint"
[ "$ANCHORS_ONLY" = 1 ] && TOOLS="pandoc-epub pandoc-weasyprint"
[ "$HAVE_LATEX" = 1 ] && TOOLS="$TOOLS pandoc-xelatex"

# timed LOG CMD...: runs CMD in the current folder under /usr/bin/time; echoes "wall kb".
timed() {
  local log="$1"; shift
  local tf; tf="$(mktemp)"
  if /usr/bin/time -f "%e %M" -o "$tf" "$@" >>"$log" 2>&1; then
    tail -n 1 "$tf"; rm -f "$tf"; return 0
  fi
  rm -f "$tf"; return 1
}

# run_tool TOOL PAGES: one run; prints "wall kb output" or fails.
run_tool() {
  local tool="$1" p="$2"
  local book="$WORK/books/${p}p" name="io-${p}p"
  local out="$WORK/out/${p}p/$tool" log="$LOGS/${p}p-$tool.log"
  rm -rf "$out"; mkdir -p "$out"
  echo "---- $(date -u +%FT%TZ)" >>"$log"
  local a b
  case "$tool" in
    quire)
      a=$(timed "$log" "$QUIRE" build "$book" -o "$out" -q) || return 1
      echo "$a $out/$name.pdf,$out/$name.epub" ;;
    quire-pdf)
      a=$(timed "$log" "$QUIRE" build "$book" -o "$out" --pdf -q) || return 1
      echo "$a $out/$name.pdf" ;;
    quire-epub)
      a=$(timed "$log" "$QUIRE" build "$book" -o "$out" --epub -q) || return 1
      echo "$a $out/$name.epub" ;;
    pandoc-epub)
      a=$(cd "$book" && timed "$log" pandoc "$name.md" -o "$out/$name.epub") || return 1
      echo "$a $out/$name.epub" ;;
    pandoc-weasyprint)
      # The HTML stays in the book folder so that images/ resolves; WeasyPrint's page is A4.
      a=$(cd "$book" && timed "$log" pandoc -s "$name.md" -o "$name.html") || return 1
      b=$(cd "$book" && timed "$log" weasyprint -q "$name.html" "$out/$name.pdf") || return 1
      echo "$a $b" | awk -v f="$out/$name.pdf" '{ m = $2 > $4 ? $2 : $4; printf "%.2f %d %s\n", $1 + $3, m, f }' ;;
    pandoc-xelatex)
      a=$(cd "$book" && timed "$log" pandoc "$name.md" --pdf-engine=xelatex -V papersize=a4 \
            -V fontsize=12pt -o "$out/$name.pdf") || return 1
      echo "$a $out/$name.pdf" ;;
  esac
}

# ---- runs --------------------------------------------------------------------------------------
first=""
for p in $PAGES; do [ -z "$first" ] && first="$p"; done
if [ "$first" -lt 1000 ]; then   # a warm-up on a large book would cost as much as a run
  say "warm-up on the ${first}-page book (untimed)"
  for t in $TOOLS; do
    run_tool "$t" "$first" >/dev/null || { echo "run.sh: $t failed on the ${first}-page book; see $LOGS/${first}p-$t.log" >&2; tail -5 "$LOGS/${first}p-$t.log" >&2; }
  done
fi

declare -A BROKEN=()
for p in $PAGES; do
  n="$RUNS"; [ "$p" -ge 1000 ] && n="$RUNS_LARGE"
  for r in $(seq 1 "$n"); do
    for t in $TOOLS; do
      [ -n "${BROKEN[$p$t]:-}" ] && continue
      say "${p}p  run $r/$n  $t"
      if res=$(run_tool "$t" "$p"); then
        read -r wall kb files <<<"$res"
        pages="-"; bytes=0
        IFS=, read -ra fs <<<"$files"
        for f in "${fs[@]}"; do
          [ -f "$f" ] || { echo "run.sh: $t wrote no $f" >&2; FAILED=1; BROKEN[$p$t]=1; continue 2; }
          bytes=$((bytes + $(stat -c %s "$f")))
          case "$f" in *.pdf) pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ { print $2 }') ;; esac
        done
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$t" "$r" "$wall" "$kb" "${pages:--}" "$bytes" >>"$RESULTS"
      else
        echo "run.sh: $t failed on the ${p}-page book; see $LOGS/${p}p-$t.log" >&2
        tail -5 "$LOGS/${p}p-$t.log" >&2
        printf '%s\t%s\t%s\tFAIL\t-\t-\t-\n' "$p" "$t" "$r" >>"$RESULTS"
        FAILED=1; BROKEN[$p$t]=1
      fi
    done
  done
done

# ---- table -------------------------------------------------------------------------------------
echo
echo "$([ "$ANCHORS_ONLY" = 0 ] && "$QUIRE" --version 2>/dev/null | head -1 | sed 's/$/,/') $(pandoc --version | head -1)," \
     "WeasyPrint $(weasyprint --version 2>/dev/null | awk '{ print $NF }')$([ "$HAVE_LATEX" = 1 ] && echo ", $(xelatex --version | head -1)")"
echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
     "$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
echo
python3 - "$RESULTS" <<'EOF'
import sys, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
data, order = {}, []
for p, tool, run, wall, kb, pages, size in rows:
    key = (int(p), tool)
    if key not in data:
        data[key] = []
        order.append(key)
    data[key].append(None if wall == "FAIL" else (float(wall), int(kb), pages, int(size)))
# Each anchor is compared with the quire run that writes the same kind of output.
against = {"pandoc-epub": "quire-epub", "pandoc-weasyprint": "quire-pdf", "pandoc-xelatex": "quire-pdf"}
label = {"quire": "quire PDF+EPUB", "quire-pdf": "quire --pdf", "quire-epub": "quire --epub",
         "pandoc-epub": "pandoc → EPUB", "pandoc-weasyprint": "pandoc → HTML → WeasyPrint PDF",
         "pandoc-xelatex": "pandoc → XeLaTeX PDF"}
med = {}
for key, runs in data.items():
    ok = [r for r in runs if r]
    if len(ok) == len(runs):
        med[key] = (statistics.median(r[0] for r in ok), statistics.median(r[1] for r in ok) / 1024,
                    ok[-1][2], ok[-1][3] / 1024, len(ok))
print("| size | tool | runs | median wall s | peak MB | pages | output KB | quire speed-up |")
print("| ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in order:
    p, tool = key
    m = med.get(key)
    if not m:
        print("| %d p | %s | %d | FAILED | | | | |" % (p, label[tool], len(data[key])))
        continue
    wall, mb, pages, kb, n = m
    up = ""
    q = med.get((p, against.get(tool, "")))
    if q and q[0] > 0:
        up = "%.1fx vs %s" % (wall / q[0], label[against[tool]].replace("quire ", ""))
    print("| %d p | %s | %d | %.2f | %.0f | %s | %.0f | %s |" % (p, label[tool], n, wall, mb, pages, kb, up))
EOF
if [ "$LATEX" = no ]; then echo "(pandoc -> XeLaTeX skipped: --no-latex)"
elif [ "$HAVE_LATEX" = 0 ]; then echo "(pandoc -> XeLaTeX skipped: xelatex is not installed; run with --with-latex to install texlive-xetex)"; fi
echo "(speed-up = anchor's median wall time / quire's for the same output; peak MB = largest resident set; raw runs in $RESULTS)"

# ---- callgrind ---------------------------------------------------------------------------------
if [ "$CALLGRIND" = 1 ] && [ "$ANCHORS_ONLY" = 0 ]; then
  echo
  echo "callgrind, quire on book/ (instructions executed, Ir):"
  CG="$WORK/callgrind"; rm -rf "$CG"; mkdir -p "$CG"
  for mode in both pdf epub; do
    flag=""; [ "$mode" != both ] && flag="--$mode"
    if valgrind --tool=callgrind --callgrind-out-file="$CG/$mode.out" \
         "$QUIRE" build "$ROOT/book" -o "$CG/out-$mode" $flag -q >"$CG/$mode.log" 2>&1; then
      callgrind_annotate "$CG/$mode.out" >"$CG/$mode.txt" 2>/dev/null
      ir=$(awk '/PROGRAM TOTALS/ { print $1; exit }' "$CG/$mode.txt")
      printf '  %-5s %15s Ir   (per function: %s)\n' "$mode" "${ir:-?}" "$CG/$mode.txt"
    else
      echo "  $mode: quire failed under valgrind; see $CG/$mode.log" >&2; FAILED=1
    fi
  done
  echo "  top functions (self Ir), PDF+EPUB:"
  awk '/file:function/ { on = 1; next } on && NF && !/^-+$/ { print "   " $0; if (++n == 12) exit }' "$CG/both.txt" 2>/dev/null
fi

exit "$FAILED"
