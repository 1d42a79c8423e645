#!/usr/bin/env bash
# Map mode for real (issue 4): the Spark example on a generated corpus, in
# local[2] and then on a standalone cluster (a master and two workers on
# 127.0.0.1), checked with DuckDB against a single-process artconv run; and
# GNU parallel --pipepart checked byte for byte against a single process.
#
# Needs java (17+), python3 with venv, GNU parallel (installed with apt-get
# when missing and running as root), and the package registry for the
# pinned pyspark and duckdb, which are cached in a virtual environment under
# ${XDG_CACHE_HOME:-$HOME/.cache}/artconv-ci/ between runs. Anything missing
# is a failure, never a skip.
#
# Usage: tests/spark/run.sh [ARTCONV_BINARY]   (default: builds target/debug/artconv)
set -euo pipefail
started=$(date +%s)
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
say() { printf 'spark-test: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

# --- the tools --------------------------------------------------------------
command -v java >/dev/null || fail "java not found (Spark 4 needs Java 17 or 21)"
command -v python3 >/dev/null || fail "python3 not found"
if ! command -v parallel >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "GNU parallel not found (apt-get install parallel)"
  say "installing GNU parallel"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq parallel >/dev/null
fi
parallel --version 2>/dev/null | head -1 | grep -q 'GNU parallel' || fail "'parallel' is not GNU parallel"

if [ $# -ge 1 ]; then
  bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  (cd "$repo" && cargo build --locked --quiet --bin artconv)
  bin="${CARGO_TARGET_DIR:-$repo/target}/debug/artconv"
  case "$bin" in /*) ;; *) bin="$repo/$bin" ;; esac
fi
[ -x "$bin" ] || fail "no artconv binary at $bin"

cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/artconv-ci"
key=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="$cache/venv-$key"
if [ ! -f "$venv/.complete" ]; then
  say "creating $venv (pyspark downloads about 435 MB once)"
  rm -rf "$venv"
  mkdir -p "$cache"
  pip_started=$(date +%s)
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"
  touch "$venv/.complete"
  say "pip install took $(( $(date +%s) - pip_started )) s"
fi
py="$venv/bin/python"
spark_home="$("$py" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"

# --- a scratch folder and the daemons, always cleaned up --------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/artconv-spark.XXXXXX")"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      say "--- last lines of $(basename "$log")"
      tail -n 25 "$log" >&2
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Spark everywhere on the loopback interface, nothing from the user's setup.
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_HOME="$spark_home"
export PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py"
export SPARK_CONF_DIR="$work/conf" SPARK_LOG_DIR="$work/logs" SPARK_LOCAL_DIRS="$work/tmp"
export SPARK_DAEMON_MEMORY=512m
mkdir -p "$SPARK_CONF_DIR" "$SPARK_LOG_DIR" "$SPARK_LOCAL_DIRS"
unset SPARK_MASTER_HOST SPARK_WORKER_OPTS PYSPARK_SUBMIT_ARGS

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- the corpus and the single-process references ---------------------------
cd "$work"
"$py" "$here/make_corpus.py" corpus > manifest.txt
files=$(wc -l < manifest.txt)
[ "$files" -ge 200 ] || fail "corpus has only $files files"
"$py" "$repo/examples/spark/to_envelopes.py" corpus > records.jsonl
"$bin" -f envelope -j 2 < records.jsonl > reference.jsonl
# Batch mode on the same files: failing inputs (empty, binary) exit 1.
(cd corpus && "$bin" --files-from ../manifest.txt -t jsonl -q -j 2 > ../batch.jsonl 2> ../batch.err) || true
say "$files files; reference and batch runs done"

# --- GNU parallel: byte-identical to one process ----------------------------
parallel --will-cite --pipepart -a records.jsonl -k --block 30k -j 2 \
  "$bin" -f envelope -j 1 > parallel.jsonl
cmp reference.jsonl parallel.jsonl || fail "parallel --pipepart -k output differs from a single process"
chunks=$(( $(stat -c %s records.jsonl) / 30000 + 1 ))
say "parallel --pipepart -k (about $chunks chunks): byte-identical"

submit() {
  local master=$1 name=$2
  shift 2
  "$spark_home/bin/spark-submit" --master "$master" --files "$bin" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.ui.enabled=false --conf spark.log.level=WARN \
    --driver-memory 1g "$@" \
    "$repo/examples/spark/artconv_spark.py" corpus "out-$name" --raw-out "raw-$name" \
    > "submit-$name.log" 2>&1 || fail "spark-submit ($name) failed"
  grep -q "artconv-map: $files records" "submit-$name.log" \
    || fail "spark-submit ($name) did not report $files records"
}

# --- Spark, local[2] ----------------------------------------------------------
t=$(date +%s)
submit 'local[2]' local
say "local[2]: $(( $(date +%s) - t )) s"

# --- Spark, standalone: a master and two workers, started and stopped by PID --
t=$(date +%s)
master_port=$(free_port)
: > master.log
"$spark_home/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$master_port" --webui-port "$(free_port)" > master.log 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  grep -q "I have been elected leader" master.log && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "the master died"
  sleep 0.5
done
grep -q "I have been elected leader" master.log || fail "the master did not start"
for i in 1 2; do
  "$spark_home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 1g --webui-port "$(free_port)" \
    --work-dir "$work/worker$i" "spark://127.0.0.1:$master_port" > "worker$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 120); do
  [ "$(grep -c "Registering worker" master.log)" -ge 2 ] && break
  sleep 0.5
done
[ "$(grep -c "Registering worker" master.log)" -ge 2 ] || fail "the workers did not register"
say "standalone cluster up (master :$master_port, 2 workers)"
submit "spark://127.0.0.1:$master_port" cluster \
  --total-executor-cores 2 --executor-cores 1 --executor-memory 1g
executors=$(find "$work"/worker1 "$work"/worker2 -maxdepth 3 -name stderr 2>/dev/null | wc -l)
[ "$executors" -ge 2 ] || fail "expected executors on both workers, found $executors"
say "standalone: $(( $(date +%s) - t )) s ($executors executors)"

# --- DuckDB checks -------------------------------------------------------------
status=0
"$py" "$here/check.py" manifest.txt reference.jsonl batch.jsonl local cluster > checks.txt || status=$?
head -n -1 checks.txt
say "finished in $(( $(date +%s) - started )) s"
tail -n 1 checks.txt
[ "$status" = 0 ] || fail "DuckDB checks"
