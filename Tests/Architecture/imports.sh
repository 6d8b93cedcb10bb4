#!/usr/bin/env bash
# Each target imports exactly the targets of ours that the README's architecture table
# names for it: a file that imports another of our targets fails the check, and so does a
# row that names a target no file of it imports. Exit 1 with the differences, else 0.
set -euo pipefail
cd "$(dirname "$0")/../.."

# `| `A`, `B` | owns | `X`, `Y` |` rows of the table under "## Architecture".
table=$(awk '/^## Architecture$/ { on = 1; next } on && /^## / { exit } on && /^\| `/' README.md)
[ -n "$table" ] || { echo "imports: no architecture table in README.md" >&2; exit 1; }

names() { { grep -o '`[^`]*`' <<<"$1" || true; } | tr -d '`' | sort -u; }
ours=$(ls Sources)
failed=0
while IFS= read -r row; do
  targets=$(names "$(cut -d'|' -f2 <<<"$row")")
  allowed=$(names "$(cut -d'|' -f4 <<<"$row")")
  for target in $targets; do
    [ -d "Sources/$target" ] || { echo "imports: the README names $target, which is not a folder of Sources/"; failed=1; continue; }
    used=$(cat "Sources/$target"/*.swift 2>/dev/null \
      | sed -nE 's/^(@[a-zA-Z_]+ +)*import +([A-Za-z0-9_]+).*/\2/p' | grep -xF "$ours" | sort -u || true)
    extra=$(comm -23 <(echo "$used" | sed '/^$/d') <(echo "$allowed" | sed '/^$/d'))
    unused=$(comm -13 <(echo "$used" | sed '/^$/d') <(echo "$allowed" | sed '/^$/d'))
    [ -z "$extra" ] || { echo "imports: $target imports $(echo $extra), which its row does not name"; failed=1; }
    [ -z "$unused" ] || { echo "imports: $target's row names $(echo $unused), which it does not import"; failed=1; }
  done
done <<<"$table"
for target in $ours; do
  grep -q "\`$target\`" <<<"$table" || { echo "imports: Sources/$target has no row in the README's architecture table"; failed=1; }
done
[ "$failed" -eq 0 ] && echo "imports: every target imports what the README's architecture table says"
exit "$failed"
