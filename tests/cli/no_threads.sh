# Without threads: when pthread_create fails (a process at its thread limit), the build
# writes the EPUB after the PDF on the one thread it has, and the files are the same as
# a threaded build's. Under the sanitizers the run also shows that nothing leaks on that
# path. Usage: no_threads.sh QUIRE_BIN SOURCE_DIR WORK_DIR NO_THREADS_LIBRARY
SHIM=$4
. "$(dirname "$0")/lib.sh"
cd "$WORK"
export QUIRE_DATA_DIR=$SRC

run threaded build "$SRC/book" -o threaded
check "threaded build: exit 0 (got $RC)" [ "$RC" -eq 0 ]

# ASan insists on coming first among the preloaded libraries; the shim only replaces one function.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 QUIRE_NO_THREADS_LOG=$WORK/refused.log \
    LD_PRELOAD=$SHIM "$QUIRE" build "$SRC/book" -o single >single.out 2>single.err </dev/null
RC=$?
check "without threads: exit 0 (got $RC): $(head -5 single.err)" [ "$RC" -eq 0 ]
check "pthread_create was refused" [ -s refused.log ]
check "one summary line with both files" grep -Eq '^single/io\.pdf  [0-9]+ pages  .* · single/io\.epub  ' single.out
check "no messages" [ ! -s single.err ]
check "the same PDF" cmp -s threaded/io.pdf single/io.pdf
check "the same EPUB" cmp -s threaded/io.epub single/io.epub
finish
