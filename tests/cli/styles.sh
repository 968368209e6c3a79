# `quire styles` lists the styles quire ships and the book's own.
. "$(dirname "$0")/lib.sh"
cd "$WORK"

run s styles
check "styles: exit 0 (got $RC: $(cat s.err))" [ "$RC" -eq 0 ]
check "styles: a header" grep -Eq '^NAME +PAPER +COLUMNS +PATH$' s.out
check "styles: brochure, A4, one column" grep -Eq "^brochure +A4 +1 +.*/styles/brochure\.yaml$" s.out
check "styles: letter-2col, Letter, two columns" grep -Eq "^letter-2col +Letter +2 +.*/styles/letter-2col\.yaml$" s.out
for f in "$SRC"/styles/*.yaml; do
    name=$(basename "$f" .yaml)
    check "styles lists $name" grep -q "^$name " s.out
done

# A book's own styles come first and shadow quire's of the same name.
"$QUIRE" new -q mine
sed 's/^  size: A4 .*/  size: A5/' mine/styles/brochure.yaml >mine/styles/small.yaml
run m styles mine
check "styles BOOK: exit 0" [ "$RC" -eq 0 ]
check "styles BOOK: the book's brochure shadows quire's" grep -Eq '^brochure +A4 +1 +mine/styles/brochure\.yaml$' m.out
check "styles BOOK: the book's own style" grep -Eq '^small +A5 +1 +mine/styles/small\.yaml$' m.out
check "styles BOOK: quire's other styles too" grep -q '^letter-2col ' m.out
check "styles BOOK: each name once" [ "$(grep -c '^brochure ' m.out)" -eq 1 ]

# A broken style is reported as file:line:col and the rest are still listed.
printf 'page:\n  size: Postcard\n' >mine/styles/broken.yaml
run x styles mine
check "broken style: exit 1 (got $RC)" [ "$RC" -eq 1 ]
check "broken style: file:line:col" grep -Eq '^mine/styles/broken\.yaml:[0-9]+:[0-9]+: error: ' x.err
check "broken style: others listed" grep -q '^small ' x.out

run nd styles no-such-folder
check "styles on a missing folder: exit 1" [ "$RC" -eq 1 ]

finish
