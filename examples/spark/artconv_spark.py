#!/usr/bin/env python3
"""Converts a folder of articles with Apache Spark, artconv being the map step.

    spark-submit --master local[2] --files target/release/artconv \\
        --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \\
        examples/spark/artconv_spark.py corpus/ out.parquet

binaryFiles -> one base64 JSON line per file -> artconv -f envelope (the
binary shipped with --files and found with SparkFiles.get) -> spark.read.json
-> Parquet. Every file gives exactly one row: {id, path, article} or
{id, path, error: {kind, message}}; `id` and `path` are the file's path
relative to the input folder (subfolders included).

Options:
  --partitions N   at least N input partitions (default: 2 x default parallelism)
  --jobs N         artconv threads per task (default 1: Spark runs tasks in parallel)
  --raw-out DIR    also save artconv's output lines as text files (for checks)
"""

import argparse
import base64
import json
import os
import shlex
from subprocess import PIPE, Popen
from threading import Thread
from urllib.parse import unquote, urlparse

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession


def to_record(root, item):
    """(URI, bytes) from binaryFiles -> one map-mode input line."""
    uri, data = item
    path = unquote(urlparse(uri).path)
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    return json.dumps(
        {"id": relative, "path": relative,
         "content_base64": base64.b64encode(bytes(data)).decode("ascii")},
        ensure_ascii=True,
    )


def pipe_through_artconv(args):
    """RDD.pipe's contract, with the command resolved on the executor.

    RDD.pipe takes one command string, fixed on the driver, and
    SparkFiles.get answers with the driver's copy of a file; an executor of
    a cluster keeps its copy of --files elsewhere. So the binary is looked
    up here, inside the task, and the rest is what RDD.pipe does: an empty
    environment, records written on a thread, output read line by line,
    and a non-zero exit fails the task (checkCode=True).
    """

    def run(partition):
        binary = SparkFiles.get("artconv")
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        command = [binary, "-f", "envelope", *args]
        process = Popen(command, env={}, stdin=PIPE, stdout=PIPE)

        def feed():
            try:
                for line in partition:
                    process.stdin.write(line.encode("utf-8") + b"\n")
            finally:
                process.stdin.close()

        Thread(target=feed, daemon=True).start()
        for line in iter(process.stdout.readline, b""):
            yield line.rstrip(b"\n").decode("utf-8")
        if process.wait() != 0:
            raise RuntimeError(
                f"{shlex.join(command)} exited with status {process.returncode}")

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--partitions", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--raw-out")
    options = parser.parse_args()

    spark = (
        SparkSession.builder.appName("artconv-map")
        # Read folders recursively, as artconv -r does.
        .config("spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive", "true")
        .getOrCreate()
    )
    sc = spark.sparkContext
    root = os.path.abspath(options.input)
    partitions = options.partitions or 2 * sc.defaultParallelism
    files = sc.binaryFiles(root, minPartitions=partitions)
    records = files.map(lambda item: to_record(root, item))
    lines = records.mapPartitions(pipe_through_artconv(["-q", "-j", str(options.jobs)]))
    # Read twice (schema inference, then the rows): convert once.
    lines.persist(StorageLevel.MEMORY_AND_DISK)
    if options.raw_out:
        lines.saveAsTextFile(options.raw_out)
    articles = spark.read.json(lines)
    articles.write.parquet(options.output)
    print(f"artconv-map: {articles.count()} records written to {options.output}")
    spark.stop()


if __name__ == "__main__":
    main()
