# Command-line manners: --version, --help, exit statuses for bad usage, NO_COLOR.
. "$(dirname "$0")/lib.sh"
cd "$WORK"

run v --version
check "--version exits 0" [ "$RC" -eq 0 ]
check "--version first line is 'quire X.Y.Z'" grep -Eq '^quire [0-9]+\.[0-9]+\.[0-9]+$' <(sed -n 1p v.out)
check "--version names the libraries" \
    grep -Eq '^cairo [0-9]+\.[0-9]+\.[0-9]+, pango [0-9]+\.[0-9]+\.[0-9]+, libzip [0-9]+\.[0-9]+(\.[0-9]+)?$' <(sed -n 2p v.out)
check "--version prints two lines" [ "$(wc -l <v.out)" -eq 2 ]

run h --help
check "--help exits 0" [ "$RC" -eq 0 ]
for cmd in build watch new styles dump preview; do
    check "--help lists $cmd" grep -Eq "^  $cmd( |\$)" h.out
done
run h2 help
check "'quire help' is --help" cmp -s h.out h2.out

usage_error() { # usage_error WHAT PATTERN ARGS...
    local what=$1 pattern=$2
    shift 2
    run u "$@"
    check "$what: exit 2 (got $RC)" [ "$RC" -eq 2 ]
    check "$what: message" grep -q -e "$pattern" u.err
    check "$what: nothing on stdout" [ ! -s u.out ]
}
usage_error "no command" "no command given" 
usage_error "unknown command" "unknown command 'frobnicate'" frobnicate
usage_error "misspelt command" "did you mean 'build'" biuld
usage_error "unknown option" "unknown option '--frob'" build --frob
usage_error "option without value" "needs a value" build -o
usage_error "bad --paper" "--paper takes a4 or letter, not 'a5'" build --paper a5
usage_error "bad --paper (case)" "--paper takes a4 or letter" build --paper=legal
usage_error "extra argument" "unexpected argument 'two'" build one two
usage_error "new without a folder" "quire new needs a folder" new
usage_error "quiet and verbose" "contradict" build -q -v

# A missing book is bad input, not bad usage.
run m build no-such-book
check "missing book: exit 1 (got $RC)" [ "$RC" -eq 1 ]
check "missing book: message names it" grep -q "no-such-book" m.err

run w watch no-such-book
check "watch on a missing folder: exit 1 at once (got $RC)" [ "$RC" -eq 1 ]
check "watch on a missing folder: message" grep -q "'no-such-book' is not a book folder" w.err

# Not a terminal: no escape codes anywhere.
check "no colour into a pipe" no_match $'\033' m.err

# On a terminal: colour unless NO_COLOR is set (diagnostics and the summary line alike).
if command -v script >/dev/null 2>&1; then
    "$QUIRE" new tty-book >/dev/null 2>&1
    script -qec "'$QUIRE' build no-such-book" /dev/null >tty-color.txt 2>&1 </dev/null
    check "a terminal gets colour" grep -q $'\033\[' tty-color.txt
    NO_COLOR=1 script -qec "'$QUIRE' build no-such-book" /dev/null >tty-nocolor.txt 2>&1 </dev/null
    check "NO_COLOR: no colour on a terminal" no_match $'\033\[' tty-nocolor.txt
    check "NO_COLOR: still the message" grep -q "no-such-book" tty-nocolor.txt
    # The summary line of a build that writes something (the EPUB alone is enough here).
    script -qec "'$QUIRE' build tty-book -o tty-book/out --epub" /dev/null >tty-sum.txt 2>&1 </dev/null
    if grep -q 'tty-book.epub' tty-sum.txt; then
        check "summary in colour on a terminal" grep -q $'\033\[1mtty-book/out/tty-book.epub' tty-sum.txt
        NO_COLOR=1 script -qec "'$QUIRE' build tty-book -o tty-book/out --epub" /dev/null >tty-sum2.txt 2>&1 </dev/null
        check "NO_COLOR: plain summary" no_match $'\033\[' tty-sum2.txt
        check "NO_COLOR: summary still there" grep -q 'tty-book/out/tty-book.epub' tty-sum2.txt
    else
        fail "EPUB build on a terminal: $(cat tty-sum.txt)"
    fi
else
    skip "colour on a terminal: no 'script' command (util-linux)"
fi

finish
