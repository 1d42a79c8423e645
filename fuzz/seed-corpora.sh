#!/usr/bin/env bash
# Seeds every target's corpus with the inputs of the repository's fixtures
# (and, for the readers of artconv's own formats, with its goldens).
set -euo pipefail
cd "$(dirname "$0")"
for target in decode text html markdown json xml convert; do
    mkdir -p "corpus/$target"
    for input in ../fixtures/*/input.*; do
        cp "$input" "corpus/$target/$(basename "$(dirname "$input")")"
    done
done
for format in json xml; do
    for golden in ../fixtures/*/expected."$format"; do
        cp "$golden" "corpus/$format/$(basename "$(dirname "$golden")").expected"
        cp "$golden" "corpus/convert/$(basename "$(dirname "$golden")").$format"
    done
done
