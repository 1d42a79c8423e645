#!/usr/bin/env python3
"""Builds the encoding variants of the seed article under fixtures/.

The seed (fixtures/text-seed-utf8/input.txt) is kept byte-exact; every other
variant is derived from it here, so that anyone can check how the bytes were
made. Run from the repository root: python3 scripts/make-seed-fixtures.py
"""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
seed = (root / "text-seed-utf8" / "input.txt").read_bytes()
text = seed.decode("utf-8")

variants = {
    "text-seed-utf8-bom": b"\xef\xbb\xbf" + seed,
    "text-seed-utf16le-bom": b"\xff\xfe" + text.encode("utf-16-le"),
    "text-seed-utf16be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
    "text-seed-utf16le": text.encode("utf-16-le"),
    "text-seed-windows-1256": text.encode("cp1256"),
    "text-seed-iso-8859-6": text.encode("iso8859_6"),
    "text-seed-crlf": text.replace("\n", "\r\n").encode("utf-8"),
    "text-seed-windows-1256-crlf": text.replace("\n", "\r\n").encode("cp1256"),
}
for name, data in variants.items():
    folder = root / name
    folder.mkdir(exist_ok=True)
    (folder / "input.txt").write_bytes(data)
    print(f"{name}: {len(data)} bytes")
