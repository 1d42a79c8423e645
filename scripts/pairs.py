#!/usr/bin/env python3
"""Times two commands in alternating pairs, for a machine whose speed drifts.

    scripts/pairs.py [--runs N] [--warmup W] 'COMMAND A' 'COMMAND B'

Runs A then B, N times over (after W pairs that are not counted), with
their standard output sent to /dev/null, and prints each command's median
and fastest wall time and in how many pairs A was the faster. On the
project's virtual machine the same binary varies by half within minutes
(docs/performance.md); hyperfine's back-to-back runs of one command then
of the other compare two phases of the machine, while a pair compares
two runs a few hundred milliseconds apart. The commands are split like a
shell's words (no pipes or redirections). Example, the windows-1256 row
of issue 6:

    scripts/pairs.py --runs 30 \
        'target/release/artconv -q -t jsonl big-1256.txt' \
        'iconv -f WINDOWS-1256 -t UTF-8 big-1256.txt'
"""

import argparse
import os
import shlex
import statistics
import sys
import time


def run_once(argv):
    """Wall time of one run of `argv` in seconds; exits on a failed run."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(
            argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)]
        )
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"pairs.py: {shlex.join(argv)} failed ({os.waitstatus_to_exitcode(status)})")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="pairs counted (30)")
    parser.add_argument("--warmup", type=int, default=2, help="pairs not counted (2)")
    parser.add_argument("a", help="command A, quoted")
    parser.add_argument("b", help="command B, quoted")
    args = parser.parse_args()
    commands = [shlex.split(args.a), shlex.split(args.b)]
    times = [[], []]
    for pair in range(args.warmup + args.runs):
        for which, argv in enumerate(commands):
            elapsed = run_once(argv)
            if pair >= args.warmup:
                times[which].append(elapsed)
    for name, argv, runs in zip("AB", commands, times):
        print(
            f"{name}: median {1000 * statistics.median(runs):.1f} ms, "
            f"fastest {1000 * min(runs):.1f} ms  {shlex.join(argv)}"
        )
    wins = sum(a < b for a, b in zip(*times))
    print(f"A was faster in {wins} of {args.runs} pairs")


if __name__ == "__main__":
    main()
