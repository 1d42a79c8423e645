#!/usr/bin/env bash
# Seeds every target's corpus with the inputs of the repository's fixtures.
set -euo pipefail
cd "$(dirname "$0")"
for target in decode text html markdown json xml convert; do
    mkdir -p "corpus/$target"
    for input in ../fixtures/*/input.*; do
        cp "$input" "corpus/$target/$(basename "$(dirname "$input")")"
    done
done
