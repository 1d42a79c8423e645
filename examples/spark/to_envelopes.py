#!/usr/bin/env python3
"""Turns a folder into artconv map-mode records, one JSON line per file.

Usage: to_envelopes.py DIR > records.jsonl

Each file under DIR (sorted; names starting with "." or "_" skipped, as
Spark's binaryFiles does) becomes {"id", "path", "content_base64"} with
`id` and `path` its path relative to DIR: the same records that
artconv_spark.py builds, for the single-machine route:

    parallel --pipepart -a records.jsonl -k --block 10M artconv -f envelope -j 1
"""

import base64
import json
import os
import sys


def records(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "_")):
                continue
            full = os.path.join(folder, name)
            relative = os.path.relpath(full, root).replace(os.sep, "/")
            with open(full, "rb") as f:
                data = f.read()
            yield {"id": relative, "path": relative,
                   "content_base64": base64.b64encode(data).decode("ascii")}


def main():
    out = sys.stdout
    for record in records(sys.argv[1]):
        # ensure_ascii: the line holds no raw U+2028 or other line breaks.
        out.write(json.dumps(record, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
