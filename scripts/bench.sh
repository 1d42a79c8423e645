#!/usr/bin/env bash
# Benchmarks artconv side by side with its peers (cat, iconv, pandoc,
# uchardet, trafilatura) and prints a Markdown table: median wall time,
# throughput, peak RSS, time relative to `cat` and speed relative to the
# peer (pandoc; trafilatura for HTML).
#
# The script builds its own inputs under a scratch folder (the seed article
# repeated to 10 MB, 100 MB and, with --big, 1 GB of UTF-8; the 100 MB
# text converted to windows-1256 by iconv (58 MB: Arabic letters take one
# byte there, two in UTF-8); 20,000 small files mixing UTF-8, windows-1256
# and UTF-16; small HTML pages) and never runs inside `cargo test`.
#
# Usage: scripts/bench.sh [--quick] [--big] [--runs N] [--files N]
#                         [--sizes "10 100"] [--pandoc-sizes "10"]
#                         [--dir DIR] [--no-build] [--only GROUPS]
#                         [--formats "json csv xml md"|none]
#
# Every flag has an environment twin (read first, flags win):
#   BENCH_RUNS (5)            hyperfine runs per command (1 warm-up besides)
#   BENCH_SIZES ("10 100")    sizes in MB of the UTF-8 text inputs
#   BENCH_BIG (0)             1 adds the 1 GB input (takes a few minutes)
#   BENCH_PANDOC_SIZES ("10") sizes pandoc is run on (pandoc needs ~60 GB of
#                             RAM per GB of input: 100 MB takes 40 s, 6 GB)
#   BENCH_FILES (20000)       small files for the batch and --detect rows
#   BENCH_PAGES (1000)        generated HTML pages
#   BENCH_JOBS (2)            workers for the batch rows
#   BENCH_DIR ($TMPDIR/artconv-bench)  scratch folder (inputs are kept there
#                             and reused by later runs)
#   BENCH_ONLY (all)          groups to run, among: text w1256 seed files
#                             detect html
#   BENCH_FORMATS ("json csv xml md")  formats timed on the text inputs
#                             besides JSON Lines ("none" for none)
#   ARTCONV (target/release/artconv)
#   BENCH_VENV (~/.cache/artconv-bench/venv)  where trafilatura is installed
#                             with pip when it is missing
#
# --quick is BENCH_RUNS=3 BENCH_SIZES=10 BENCH_FILES=2000 BENCH_PAGES=200.
#
# The ratios: "x cat" is the wall time artconv (or a peer) needs for the
# work divided by the wall time cat needs to read the same bytes; "vs
# peer" is how many times faster than pandoc (in the HTML groups:
# trafilatura, same pages, same number of workers) the row is (wall time,
# per byte or per file). "CPU" is hyperfine's mean user + system time: on a
# shared machine it moves much less than the wall time.
# Peak RSS is GNU time's "Maximum resident set size": for rows that run
# several processes (xargs) it is the largest single process.

set -euo pipefail

runs=${BENCH_RUNS:-5}
sizes=${BENCH_SIZES:-"10 100"}
big=${BENCH_BIG:-0}
pandoc_sizes=${BENCH_PANDOC_SIZES:-"10"}
files=${BENCH_FILES:-20000}
pages=${BENCH_PAGES:-1000}
jobs=${BENCH_JOBS:-2}
scratch=${BENCH_DIR:-${TMPDIR:-/tmp}/artconv-bench}
only=${BENCH_ONLY:-"text w1256 seed files detect html"}
formats=${BENCH_FORMATS:-"json csv xml md"}
build=1

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) runs=3 sizes=10 files=2000 pages=200 ;;
        --big) big=1 ;;
        --runs) runs=$2; shift ;;
        --files) files=$2; shift ;;
        --pages) pages=$2; shift ;;
        --sizes) sizes=$2; shift ;;
        --pandoc-sizes) pandoc_sizes=$2; shift ;;
        --jobs) jobs=$2; shift ;;
        --dir) scratch=$2; shift ;;
        --only) only=$2; shift ;;
        --formats) formats=$2; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ "$big" = 1 ] && sizes="$sizes 1024"
[ "$formats" = none ] && formats=""

root=$(cd "$(dirname "$0")/.." && pwd)
artconv=${ARTCONV:-$root/target/release/artconv}
seed=$root/fixtures/text-seed-utf8/input.txt

# --- tools ---------------------------------------------------------------

need() {
    local missing=()
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    command -v pandoc >/dev/null || missing+=(pandoc)
    command -v uchardet >/dev/null || missing+=(uchardet)
    command -v iconv >/dev/null || missing+=(libc-bin)
    [ -x /usr/bin/time ] || missing+=(time)
    command -v python3 >/dev/null || missing+=(python3)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "bench.sh: installing ${missing[*]} with apt-get" >&2
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo=sudo
        $sudo apt-get install -y "${missing[@]}" >&2 \
            || { $sudo apt-get update >&2 && $sudo apt-get install -y "${missing[@]}" >&2; }
    fi
}
need

# trafilatura (the HTML peer), from PyPI into a venv outside the repository
# (BENCH_VENV, default ~/.cache/artconv-bench/venv), made on first use.
# Prints the command, or nothing (and why, on stderr) when it cannot be had.
venv=${BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/artconv-bench/venv}
trafilatura_cli() {
    if "$venv/bin/trafilatura" --version >/dev/null 2>&1; then
        echo "$venv/bin/trafilatura"; return
    fi
    if command -v trafilatura >/dev/null && trafilatura --version >/dev/null 2>&1; then
        command -v trafilatura; return
    fi
    echo "bench.sh: installing trafilatura with pip into $venv" >&2
    # lxml_html_clean: lxml 5.2 moved lxml.html.clean out, and justext
    # (a trafilatura dependency) still imports it.
    if { [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2; } \
        && "$venv/bin/pip" install -q trafilatura lxml_html_clean >&2 \
        && "$venv/bin/trafilatura" --version >/dev/null 2>&1; then
        echo "$venv/bin/trafilatura"
    else
        echo "bench.sh: trafilatura could not be installed (needs python3-venv and PyPI): its rows are skipped" >&2
    fi
}

if [ "$build" = 1 ] && [ -z "${ARTCONV:-}" ]; then
    (cd "$root" && cargo build --release --quiet)
fi
[ -x "$artconv" ] || { echo "bench.sh: $artconv not found" >&2; exit 2; }

# --- inputs --------------------------------------------------------------

mkdir -p "$scratch"
in=$scratch/inputs
mkdir -p "$in"

# The seed repeated (with a blank line between copies) to about N MB.
make_text() {
    local mb=$1 out=$in/seed-${1}mb.txt
    [ -s "$out" ] && return
    echo "bench.sh: writing $out" >&2
    python3 - "$seed" "$mb" "$out" <<'EOF'
import sys
seed, mb, out = open(sys.argv[1], "rb").read(), int(sys.argv[2]), sys.argv[3]
unit = seed.rstrip(b"\n") + b"\n\n"
target = mb * 1024 * 1024
with open(out, "wb") as f:
    block = unit * max(1, (16 << 20) // len(unit))
    written = 0
    while written + len(block) <= target:
        f.write(block)
        written += len(block)
    f.write(unit * ((target - written) // len(unit)))
EOF
}

make_w1256() {
    local out=$in/seed-100mb-windows-1256.txt
    [ -s "$out" ] && return
    make_text 100
    echo "bench.sh: writing $out" >&2
    iconv -f UTF-8 -t WINDOWS-1256 "$in/seed-100mb.txt" > "$out"
}

# N small articles (a title and 1 to 6 paragraphs of the seed): 60% UTF-8,
# 25% windows-1256, 15% UTF-16 (LE and BE with a BOM, LE without), 1,000
# per folder.
make_files() {
    local n=$1 out=$in/files-$1
    [ -f "$out/.done" ] && return
    rm -rf "$out"
    echo "bench.sh: writing $n small files under $out" >&2
    python3 - "$seed" "$n" "$out" <<'EOF'
import os, random, sys
seed, n, out = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2]), sys.argv[3]
paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
rng = random.Random(6)
for i in range(n):
    folder = os.path.join(out, f"{i // 1000:03d}")
    os.makedirs(folder, exist_ok=True)
    start = rng.randrange(len(paragraphs))
    body = paragraphs[start:start + rng.randint(1, 6)]
    text = "\n\n".join([f"خبر رقم {i}"] + body) + "\n"
    kind = i % 20
    if kind < 12:
        data = text.encode("utf-8")
    elif kind < 17:
        data = text.encode("cp1256", errors="replace")
    elif kind == 17:
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif kind == 18:
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode("utf-16-le")
    with open(os.path.join(folder, f"a{i:06d}.txt"), "wb") as f:
        f.write(data)
open(os.path.join(out, ".done"), "w").close()
EOF
}

# N small news pages: navigation, an article of 2 to 6 paragraphs with a
# heading, a sidebar of links, a footer; UTF-8, some declaring
# windows-1256 and encoded so.
make_pages() {
    local n=$1 out=$in/pages-$1
    [ -f "$out/.done" ] && return
    rm -rf "$out"
    echo "bench.sh: writing $n HTML pages under $out" >&2
    python3 - "$seed" "$n" "$out" <<'EOF'
import html, os, random, sys
seed, n, out = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2]), sys.argv[3]
paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
rng = random.Random(7)
os.makedirs(out, exist_ok=True)
for i in range(n):
    charset = "windows-1256" if i % 4 == 3 else "utf-8"
    start = rng.randrange(len(paragraphs))
    body = paragraphs[start:start + rng.randint(2, 6)]
    title = html.escape(paragraphs[0][:60])
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    links = "\n".join(f'<li><a href="/n/{j}">رابط {j}</a></li>' for j in range(12))
    page = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="{charset}">
<title>{title} | الموقع</title>
<meta property="og:site_name" content="الموقع">
<meta name="author" content="مراسل {i}">
<script>var x = {i};</script><style>body {{ margin: 0 }}</style>
</head><body>
<nav><ul>{links}</ul></nav>
<main><article><h1>{title}</h1>
<time datetime="2024-01-{i % 28 + 1:02d}">2024</time>
{paras}
<h2>خلفية</h2>
<p>{html.escape(paragraphs[(start + 7) % len(paragraphs)])}</p>
</article></main>
<aside><ul>{links}</ul></aside>
<footer><p>جميع الحقوق محفوظة</p></footer>
</body></html>
"""
    data = page.encode(charset if charset == "utf-8" else "cp1256", errors="replace")
    with open(os.path.join(out, f"p{i:05d}.html"), "wb") as f:
        f.write(data)
open(os.path.join(out, ".done"), "w").close()
EOF
}

# --- measuring -----------------------------------------------------------

rows=$scratch/rows.tsv
: > "$rows"
# Where --out-dir writes. On this project's shared VM, creating a file on
# the ext4 disk costs about a millisecond, which would hide artconv's own
# cost: the batch rows write to tmpfs when there is one (BENCH_OUT to
# choose), and one row writes to the scratch folder's disk.
out=${BENCH_OUT:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm/artconv-bench-out || echo "$scratch/out" )}
disk_out=$scratch/out

# measure GROUP WORK TOOL AMOUNT UNIT PREPARE COMMAND
# AMOUNT is bytes (UNIT "B") or files (UNIT "files"); PREPARE runs before
# every timed run (or is empty).
measure() {
    local group=$1 work=$2 tool=$3 amount=$4 unit=$5 prepare=$6 command=$7
    local runs_here=$runs
    case "$tool" in pandoc*) runs_here=$(( runs < 3 ? runs : 3 )) ;; esac
    case "$group" in text-1024) runs_here=$(( runs < 3 ? runs : 3 )) ;; esac
    local json=$scratch/hyperfine.json
    local args=(--runs "$runs_here" --export-json "$json" --style basic)
    [ "$runs_here" -gt 1 ] && args+=(--warmup 1)
    [ "$tool" = "pandoc (per file)" ] && args=(--runs 1 --export-json "$json" --style basic)
    [ -n "$prepare" ] && args+=(--prepare "$prepare")
    # Without a shell in between when none is needed: start-up is measured exactly.
    case "$command" in *"|"*|*"'"*|*">"*) ;; *) args+=(-N) ;; esac
    [ "$group" = html-real ] && args+=(--ignore-failure)
    echo "bench.sh: [$group] $tool: $command" >&2
    hyperfine "${args[@]}" "$command" >&2
    local median cpu
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
    cpu=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]; print(r["user"] + r["system"])' "$json")
    [ -n "$prepare" ] && sh -c "$prepare"
    local rss
    /usr/bin/time -v -o "$scratch/time.txt" sh -c "$command" >/dev/null 2>&1 || true
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$scratch/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$group" "$work" "$tool" "$amount" "$unit" "$median" "$rss" "$command" "$cpu" >> "$rows"
}

size_of() { stat -c %s "$1"; }
wanted() { case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
big_limit="--max-input-size 4000000000"

if wanted text; then
    for mb in $sizes; do
        make_text "$mb"
        f=$in/seed-${mb}mb.txt
        bytes=$(size_of "$f")
        work="$mb MB UTF-8 text (seed repeated)"
        measure "text-$mb" "$work" cat "$bytes" B "" "cat $f"
        measure "text-$mb" "$work" "artconv -t jsonl" "$bytes" B "" "$artconv $big_limit -q -t jsonl $f"
        # The other formats on the gigabyte would only take time: the
        # linear-cost and memory question is answered by JSON Lines.
        if [ "$mb" -lt 1024 ]; then
            for format in $formats; do
                measure "text-$mb" "$work" "artconv -t $format" "$bytes" B "" \
                    "$artconv $big_limit -q -t $format $f"
            done
        fi
        case " $pandoc_sizes " in *" $mb "*)
            measure "text-$mb" "$work" "pandoc -f commonmark -t json" "$bytes" B "" \
                "pandoc -f commonmark -t json $f" ;;
        esac
    done
fi

if wanted w1256; then
    make_w1256
    f=$in/seed-100mb-windows-1256.txt
    bytes=$(size_of "$f")
    work="the 100 MB text in windows-1256 ($(( bytes / 1000000 )) MB)"
    measure w1256 "$work" cat "$bytes" B "" "cat $f"
    measure w1256 "$work" "iconv (decode only)" "$bytes" B "" "iconv -f WINDOWS-1256 -t UTF-8 $f"
    measure w1256 "$work" "artconv -t jsonl (detected)" "$bytes" B "" "$artconv -q -t jsonl $f"
fi

if wanted seed; then
    bytes=$(size_of "$seed")
    work="one seed article (4 KB)"
    measure seed "$work" cat "$bytes" B "" "cat $seed"
    measure seed "$work" "artconv -t json" "$bytes" B "" "$artconv -q -t json $seed"
    measure seed "$work" "pandoc -f commonmark -t json" "$bytes" B "" "pandoc -f commonmark -t json $seed"
fi

if wanted files; then
    make_files "$files"
    d=$in/files-$files
    work="$files small files (UTF-8, windows-1256, UTF-16), -j $jobs"
    measure files "$work" cat "$files" files "" "find $d -type f -name '*.txt' -print0 | xargs -0 cat"
    measure files "$work" "artconv -r --out-dir -t json (out on $(df --output=fstype "$(dirname "$out")" | tail -1))" \
        "$files" files "rm -rf $out" "$artconv -q -r $d --out-dir $out -t json -j $jobs"
    if [ "$out" != "$disk_out" ]; then
        # The disk rows are slow and vary with the host: at most 3 runs.
        # cp -r creating the same number of files there is what the disk
        # allows at all, the ceiling to read artconv's row against.
        saved_runs=$runs runs=$(( runs < 3 ? runs : 3 ))
        disk_fs=$(df --output=fstype "$scratch" | tail -1)
        measure files "$work" "cp -r of the inputs (out on $disk_fs)" \
            "$files" files "rm -rf $disk_out" "cp -r $d $disk_out"
        measure files "$work" "artconv -r --out-dir -t json (out on $disk_fs)" \
            "$files" files "rm -rf $disk_out" "$artconv -q -r $d --out-dir $disk_out -t json -j $jobs"
        runs=$saved_runs
        rm -rf "$disk_out"
    fi
    measure files "$work" "artconv -r -t jsonl (one stream)" "$files" files "" \
        "$artconv -q -r $d -t jsonl -j $jobs"
    sub=$(( files < 200 ? files : 200 ))
    measure files "$work" "pandoc (per file)" "$sub" files "" \
        "find $d -type f -name '*.txt' | sort | head -n $sub | xargs -P $jobs -I{} pandoc -f commonmark -t json {} -o /dev/null"
fi

if wanted detect; then
    make_files "$files"
    d=$in/files-$files
    work="$files small files, encoding detection"
    measure detect "$work" cat "$files" files "" "find $d -type f -name '*.txt' -print0 | xargs -0 cat"
    measure detect "$work" "artconv --detect -r" "$files" files "" "$artconv -q --detect -r $d"
    measure detect "$work" "uchardet (xargs -P $jobs)" "$files" files "" \
        "find $d -type f -name '*.txt' -print0 | xargs -0 -P $jobs -n 1000 uchardet"
fi

if wanted html; then
    make_pages "$pages"
    d=$in/pages-$pages
    traf=$(trafilatura_cli)
    work="$pages small HTML pages to JSON, -j $jobs"
    measure html "$work" cat "$pages" files "" "find $d -type f -name '*.html' -print0 | xargs -0 cat"
    measure html "$work" "artconv -r --out-dir -t json" "$pages" files "rm -rf $out" \
        "$artconv -q -r $d --out-dir $out -t json -j $jobs"
    # trafilatura names its outputs by a hash of their text (pages with
    # much the same text overwrite each other) unless --keep-dirs, which
    # only works with an --input-dir relative to the working folder: hence
    # `cd DIR && ... --input-dir .`. It also reads the (empty) .done marker.
    if [ -n "$traf" ]; then
        measure html "$work" "trafilatura --parallel $jobs --json" "$pages" files "rm -rf $out" \
            "sh -c 'cd $d && exec $traf --input-dir . --parallel $jobs -o $out --keep-dirs --json'"
    fi
    corpus=$root/../shared/corpus/html
    if [ -d "$corpus" ]; then
        real=$(find "$corpus" -type f -name '*.html' | wc -l)
        # A few of these pages hold no text (a redirect page): artconv
        # reports them and exits 1, which hyperfine is told to accept.
        work="$real real news pages (../shared/corpus/html), -j $jobs"
        measure html-real "$work" cat "$real" files "" "find $corpus -type f -name '*.html' -print0 | xargs -0 cat"
        measure html-real "$work" "artconv -r --include '*.html' --out-dir -t json" "$real" files "rm -rf $out" \
            "$artconv -q -r $corpus --include '*.html' --out-dir $out -t json -j $jobs"
        if [ -n "$traf" ]; then
            # trafilatura reads every file of its --input-dir: it gets a
            # folder of links to the same pages (nothing is copied).
            links=$in/real-html-links
            rm -rf "$links"
            mkdir -p "$links"
            python3 - "$corpus" "$links" <<'EOF'
import os, sys
corpus, links = os.path.abspath(sys.argv[1]), sys.argv[2]
for root, _, names in os.walk(corpus):
    for name in names:
        if name.endswith(".html"):
            src = os.path.join(root, name)
            flat = os.path.relpath(src, corpus).replace(os.sep, "_")
            os.symlink(src, os.path.join(links, flat))
EOF
            measure html-real "$work" "trafilatura --parallel $jobs --json" "$real" files "rm -rf $out" \
                "sh -c 'cd $links && exec $traf --input-dir . --parallel $jobs -o $out --keep-dirs --json'"
        fi
    fi
fi
rm -rf "$out"

# --- the table -----------------------------------------------------------

python3 - "$rows" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
def rate(amount, unit, median):
    return float(amount) / max(float(median), 1e-4)
groups = {}
for row in rows:
    groups.setdefault(row[0], []).append(row)
print("| work | tool | median wall | CPU (user+sys) | throughput | peak RSS | x cat | vs peer |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for group, members in groups.items():
    cat = next((r for r in members if r[2] == "cat"), None)
    # The peer: pandoc, or trafilatura in the HTML groups.
    pandoc = next((r for r in members if r[2].startswith(("pandoc", "trafilatura"))), None)
    for g, work, tool, amount, unit, median, rss, command, cpu in members:
        r = rate(amount, unit, median)
        if unit == "B":
            through = f"{r / 1e6:,.1f} MB/s" if r >= 1e5 else f"{r / 1e3:,.1f} KB/s"
        else:
            through = f"{r:,.0f} files/s"
        m = float(median)
        shown = f"{m:.3f} s" if m >= 0.1 else f"{m * 1000:.1f} ms"
        xcat = "" if cat is None or tool == "cat" else f"{rate(cat[3], cat[4], cat[5]) / r:.1f}"
        vs = ""
        if pandoc is not None and not tool.startswith(("pandoc", "trafilatura", "cp ")) and tool != "cat":
            vs = f"{r / rate(pandoc[3], pandoc[4], pandoc[5]):,.0f}x faster"
        c = float(cpu)
        cpu_shown = f"{c:.3f} s" if c >= 0.1 else f"{c * 1000:.1f} ms"
        print(f"| {work} | {tool} | {shown} | {cpu_shown} | {through} | {int(rss) / 1024:,.0f} MB | {xcat} | {vs} |")
EOF
echo >&2
echo "bench.sh: raw rows in $rows" >&2
