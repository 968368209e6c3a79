# `quire watch` builds at start, rebuilds after each save, survives a broken
# intermediate state and stops cleanly on SIGINT. Waits are bounded polls.
. "$(dirname "$0")/lib.sh"
cd "$WORK"

"$QUIRE" new -q wb
# The EPUB alone keeps each build short and independent of the PDF writer.
"$QUIRE" watch wb -o wb/out --epub >w.out 2>w.err </dev/null &
PID=$!
cleanup() { kill -9 "$PID" 2>/dev/null; }
trap cleanup EXIT

lines() { grep -c '^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\] ' w.out; }
# wait_lines N: up to 30 s for the Nth build line (the first build loads fonts).
wait_lines() {
    for _ in $(seq 300); do
        [ "$(lines)" -ge "$1" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
nth() { grep '^\[[0-9:]*\] ' w.out | sed -n "${1}p"; }

check "first build at start" wait_lines 1
check "first build line: artifact, size, time, warnings" \
    grep -Eq '^\[[0-9:]+\] wb/out/wb\.epub  [0-9.]+ [KM]B · [0-9]+\.[0-9]{2} s · [0-9]+ warnings?$' <(nth 1)
check "announces what it watches" grep -q 'watching wb' w.err

echo "A new paragraph, saved from an editor." >>wb/chapters/01-introduction.md
check "a save rebuilds" wait_lines 2
check "second line is a good build" grep -q 'wb/out/wb.epub' <(nth 2)

# A broken manifest: the error is shown, the last good EPUB stays, watch goes on.
cp wb/book.yaml book.yaml.good
before=$(stat -c %Y.%s wb/out/wb.epub)
echo "chapters: [" >>wb/book.yaml
check "a broken save rebuilds" wait_lines 3
check "the failure is one line" grep -Eq 'build failed · [0-9]+ errors? · ' <(nth 3)
check "the error is shown as file:line:col" grep -Eq 'wb/book\.yaml:[0-9]+:[0-9]+: error: ' w.err
check "the last good EPUB stays" [ "$(stat -c %Y.%s wb/out/wb.epub)" = "$before" ]
check "still running" kill -0 "$PID"

# Editors that save by renaming a new file over the old one.
cat book.yaml.good >wb/.book.yaml.new
mv wb/.book.yaml.new wb/book.yaml
check "a rename-save rebuilds" wait_lines 4
check "good again" grep -q 'wb/out/wb.epub' <(nth 4)

# A new chapter: listed in book.yaml, then edited; the watch list follows.
printf '# Two\n\nSecond chapter.\n' >wb/chapters/02-two.md
printf '  - chapters/02-two.md\n' >>wb/book.yaml
check "adding a chapter rebuilds" wait_lines 5
n=$(lines)
echo "More." >>wb/chapters/02-two.md
check "the new chapter is watched" wait_lines $((n + 1))

# Files that are not sources do not trigger builds. Events are read in order, so a
# build the unrelated files caused would be reported before the build of the real save
# that follows them: the next build line must be the real save's, which fails (it names
# a missing image), and no other may have come. Nothing here waits for a build that
# should not happen.
n=$(lines)
echo scratch >wb/notes.txt
echo scratch >wb/chapters/notes.txt
touch wb/out/other
printf '\n![](images/missing-sentinel.png)\n' >>wb/chapters/01-introduction.md
check "a real save after unrelated files" wait_lines $((n + 1))
check "the next build is the real save's" grep -q 'build failed' <(nth $((n + 1)))
check "the real save's error" grep -q 'missing-sentinel.png' w.err
check "unrelated files built nothing" [ "$(lines)" -eq $((n + 1)) ]

kill -INT "$PID"
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
wait "$PID"
status=$?
check "SIGINT: exit 0 (got $status)" [ "$status" -eq 0 ]
check "SIGINT: says it stopped" grep -q 'stopped watching' w.err
check "no temporary files left" bash -c '[ -z "$(find wb -name ".*tmp*")" ]'

finish
