#!/usr/bin/env bash
# Runs the targets (default: all) for SECONDS (default 600) each, one after
# another, and prints the executions libFuzzer reports, for runs.md.
#   ./run-all.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode text html markdown json xml convert)
./seed-corpora.sh
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for target in "${targets[@]}"; do
    log="artifacts/$target.log"
    mkdir -p artifacts
    status=0
    cargo fuzz run -O "$target" -- -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "$target: exit $status, ${execs:-?} executions in ${seconds} s"
done
