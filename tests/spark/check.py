#!/usr/bin/env python3
"""DuckDB checks of the Spark runs (called by run.sh, in its scratch folder).

Usage: check.py MANIFEST REFERENCE BATCH RUN...

MANIFEST lists the corpus files, REFERENCE is `artconv -f envelope` in one
process on their records, BATCH is `artconv --files-from MANIFEST -t jsonl`
on the files themselves. Each RUN names out-RUN/ (the Parquet written from
spark.read.json) and raw-RUN/ (artconv's lines as Spark got them).

Checked for every run: each input produced exactly one record, ids are
distinct and are the inputs, every raw line equals the single-process
line for its id byte for byte, and the DataFrame holds the same values.
Checked once: the reference equals batch mode for every converted file,
and the expected files (empty, binary) are the only error records.
"""

import sys

import duckdb

failures = []
passed = []


def check(condition, message):
    print(("ok      " if condition else "FAILED  ") + message)
    (passed if condition else failures).append(message)


def lines_table(con, name, pattern):
    """One row per non-empty line of the files matching pattern: (id, line)."""
    con.execute(f"""
        CREATE TABLE {name} AS
        SELECT line::JSON ->> '$.id' AS id, line
        FROM (SELECT unnest(string_split(content, chr(10))) AS line
              FROM read_text('{pattern}'))
        WHERE line <> ''
    """)


def scalar(con, sql):
    return con.execute(sql).fetchone()[0]


def main():
    manifest, reference, batch, *runs = sys.argv[1:]
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE inputs AS
        SELECT unnest(string_split(rtrim(content, chr(10)), chr(10))) AS path
        FROM read_text('{manifest}')
    """)
    n = scalar(con, "SELECT count(*) FROM inputs")
    lines_table(con, "reference", reference)
    lines_table(con, "batch", batch)

    check(scalar(con, "SELECT count(*) FROM reference") == n,
          f"reference: one record per input ({n})")
    errors = dict(con.execute(
        "SELECT id, line::JSON ->> '$.error.kind' FROM reference "
        "WHERE (line::JSON -> '$.error') IS NOT NULL").fetchall())
    check(errors == {"empty.txt": "empty", "image.png": "not_text", "blob.bin": "not_text"},
          f"reference: error records exactly for the empty and binary files ({errors})")
    differing = scalar(con, """
        SELECT count(*) FROM reference r
        LEFT JOIN batch b ON b.line::JSON ->> '$.source.path' = r.id
        WHERE (r.line::JSON -> '$.error') IS NULL
          AND (b.line IS NULL OR json(r.line::JSON -> '$.article')::VARCHAR <> json(b.line)::VARCHAR)
    """)
    check(differing == 0 and scalar(con, "SELECT count(*) FROM batch") == n - len(errors),
          f"map mode equals batch mode (artconv --files-from -t jsonl) for every converted file ({differing} differ)")
    encodings = con.execute("""
        SELECT line::JSON ->> '$.article.source.encoding' AS encoding, count(*)
        FROM reference WHERE (line::JSON -> '$.article') IS NOT NULL
        GROUP BY ALL ORDER BY ALL
    """).fetchall()
    print("        encodings met: " + ", ".join(f"{c} {e}" for e, c in encodings))
    check({e for e, _ in encodings} >= {"UTF-8", "windows-1256", "UTF-16LE", "UTF-16BE"},
          "the corpus mixes UTF-8, windows-1256 and UTF-16")

    for run in runs:
        raw = f"raw_{run}"
        lines_table(con, raw, f"raw-{run}/part-*")
        check(scalar(con, f"SELECT count(*) FROM {raw}") == n,
              f"{run}: exactly one line per input ({n})")
        check(scalar(con, f"SELECT count(DISTINCT id) FROM {raw}") == n,
              f"{run}: ids distinct")
        missing = scalar(con, f"SELECT count(*) FROM inputs WHERE path NOT IN (SELECT id FROM {raw})")
        check(missing == 0, f"{run}: every input has its record ({missing} missing)")
        differing = scalar(con, f"""
            SELECT count(*) FROM reference r FULL JOIN {raw} s USING (id)
            WHERE r.line IS DISTINCT FROM s.line
        """)
        check(differing == 0, f"{run}: every record equals the single-process one, byte for byte ({differing} differ)")

        df = f"df_{run}"
        con.execute(f"CREATE TABLE {df} AS SELECT * FROM read_parquet('out-{run}/*.parquet')")
        check(scalar(con, f"SELECT count(*) FROM {df}") == n, f"{run}: spark.read.json gave {n} rows")
        check(scalar(con, f"SELECT count(DISTINCT id) FROM {df}") == n, f"{run}: DataFrame ids distinct")
        differing = scalar(con, f"""
            SELECT count(*) FROM reference r FULL JOIN {df} d USING (id)
            WHERE d.id IS NULL OR r.id IS NULL
               OR (r.line::JSON ->> '$.path') IS DISTINCT FROM d.path
               OR (r.line::JSON ->> '$.error.kind') IS DISTINCT FROM d.error.kind
               OR (r.line::JSON ->> '$.article.title') IS DISTINCT FROM d.article.title
               OR (r.line::JSON ->> '$.article.source.encoding') IS DISTINCT FROM d.article.source.encoding
               OR (r.line::JSON ->> '$.article.stats.words')::BIGINT IS DISTINCT FROM d.article.stats.words
               OR coalesce(json_extract_string(r.line, '$.article.sections[*].blocks[*].text'), [])
                  IS DISTINCT FROM coalesce(flatten(list_transform(d.article.sections,
                                                    s -> list_transform(s.blocks, b -> b.text))), [])
        """)
        check(differing == 0, f"{run}: DataFrame rows hold the same values ({differing} differ)")

    # The closing line CI reads.
    print(f"spark: {len(passed)} passed, {len(failures)} failed")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
