#!/bin/sh
# Copies the examples and every fixture spec into fuzz/corpus/analyze_and_render
# (git-ignored) as the fuzzer's seed corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/corpus/analyze_and_render"
mkdir -p "$corpus"
find "$here/../examples" "$here/../tests/fixtures" -type f \( -name '*.yaml' -o -name '*.yml' \) |
    while read -r file; do
        cp "$file" "$corpus/$(echo "$file" | sed "s|^$here/../||; s|/|_|g")"
    done
echo "$(ls "$corpus" | wc -l) files in $corpus"
