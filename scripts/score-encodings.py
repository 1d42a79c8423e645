#!/usr/bin/env python3
"""Scores an encoding detector on a labelled corpus.

The corpus is a folder of folders named after the encoding (and language)
of the files inside, as in the tests/ folder of the chardet sdist:
`windows-1251-russian/`, `KOI8-R/`, `UTF-16LE/`... Nothing from such a
corpus is ever committed; see docs/encoding-accuracy.md for how to get one.

    scripts/score-encodings.py CORPUS [--cmd TEMPLATE] [--name NAME] [--save FILE]
    scripts/score-encodings.py --man-pages OUT               build a corpus from man pages
    scripts/score-encodings.py CORPUS --transcode OUT        re-encode a corpus's texts
    scripts/score-encodings.py --table A.json B.json ...     side-by-side table
    python scripts/score-encodings.py --python-detector chardet FILE...

--cmd is a command template run over all files at once ({paths} is replaced
by the quoted file names, in batches); the default is
`target/release/artconv --detect -t json {paths}`. Its output is read line
by line, as JSON Lines (`{"path": ..., "encoding": ...}`) or as
tab-separated `path<TAB>encoding...` lines, whichever each line is.
--python-detector turns this script into such a command for chardet or
charset-normalizer (run it with the Python that has them installed).

Two scores per file:
  exact   the answer is the WHATWG name the folder stands for (see LABELS);
  same    the answer decodes the file to exactly the same text as the
          right encoding does (windows-1250 for an ISO-8859-2 file without
          the letters where they differ), or is exact.

Folder labels are mapped to WHATWG names (https://encoding.spec.whatwg.org):
  ascii           UTF-8 or windows-1252 (both exact: ASCII is both)
  iso-8859-1      windows-1252 (WHATWG makes latin1 a label of windows-1252)
  iso-8859-9      windows-1254 (likewise)
  TIS-620         windows-874
  CP932           Shift_JIS (WHATWG's Shift_JIS is Microsoft's CP932)
  CP949           EUC-KR (WHATWG's EUC-KR is Microsoft's CP949)
  GB2312          GBK, gb18030 also exact (one decoder in WHATWG)
  MacCyrillic     x-mac-cyrillic;  MacRoman  macintosh
  UTF-16          UTF-16LE or UTF-16BE (the BOM decides the decoded text)
  utf-8-sig       UTF-8
Folders of encodings WHATWG does not define (UTF-32, EUC-TW, IBM855, Johab,
ISO-2022-KR, which WHATWG maps to "replacement") are scored apart, as
"outside WHATWG", and left out of the totals.

Decoded text is compared with Python's codecs chosen to match WHATWG's
decoders (cp1252 for windows-1252, cp932 for Shift_JIS, cp949 for EUC-KR,
gb18030 for GBK, big5hkscs for Big5...), with errors replaced, a BOM
stripped.
"""

import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys
import time

# Folder label (lower case, language suffix removed) -> accepted WHATWG names.
LABELS = {
    "ascii": ["UTF-8", "windows-1252"],
    "utf-8": ["UTF-8"],
    "utf-8-sig": ["UTF-8"],
    "utf-16": ["UTF-16LE", "UTF-16BE"],
    "utf-16le": ["UTF-16LE"],
    "utf-16be": ["UTF-16BE"],
    "iso-8859-1": ["windows-1252"],
    "windows-1252": ["windows-1252"],
    "macroman": ["macintosh"],
    "iso-8859-2": ["ISO-8859-2"],
    "windows-1250": ["windows-1250"],
    "iso-8859-5": ["ISO-8859-5"],
    "windows-1251": ["windows-1251"],
    "koi8-r": ["KOI8-R"],
    "koi8-u": ["KOI8-U"],
    "ibm866": ["IBM866"],
    "maccyrillic": ["x-mac-cyrillic"],
    "iso-8859-6": ["ISO-8859-6"],
    "windows-1256": ["windows-1256"],
    "iso-8859-7": ["ISO-8859-7"],
    "windows-1253": ["windows-1253"],
    "iso-8859-8": ["ISO-8859-8"],
    "windows-1255": ["windows-1255"],
    "iso-8859-9": ["windows-1254"],
    "windows-1254": ["windows-1254"],
    "iso-8859-13": ["ISO-8859-13"],
    "windows-1257": ["windows-1257"],
    "iso-8859-15": ["ISO-8859-15"],
    "tis-620": ["windows-874"],
    "windows-874": ["windows-874"],
    "x-mac-cyrillic": ["x-mac-cyrillic"],
    "macintosh": ["macintosh"],
    "shift_jis": ["Shift_JIS"],
    "cp932": ["Shift_JIS"],
    "euc-jp": ["EUC-JP"],
    "iso-2022-jp": ["ISO-2022-JP"],
    "gb2312": ["GBK", "gb18030"],
    "gbk": ["GBK", "gb18030"],
    "gb18030": ["gb18030", "GBK"],
    "big5": ["Big5"],
    "euc-kr": ["EUC-KR"],
    "cp949": ["EUC-KR"],
}

OUTSIDE_WHATWG = {"utf-32", "utf-32le", "utf-32be", "euc-tw", "ibm855", "johab", "iso-2022-kr"}

# Language group of folders that do not name one.
GROUP_OF_LABEL = {
    "ascii": "western", "iso-8859-1": "western", "windows-1252": "western", "macroman": "western",
    "koi8-r": "russian", "ibm866": "russian", "maccyrillic": "russian", "ibm855": "russian",
    "shift_jis": "japanese", "cp932": "japanese", "euc-jp": "japanese", "iso-2022-jp": "japanese",
    "gb2312": "chinese", "gbk": "chinese", "gb18030": "chinese", "big5": "chinese", "euc-tw": "chinese",
    "euc-kr": "korean", "cp949": "korean", "johab": "korean", "iso-2022-kr": "korean",
    "tis-620": "thai", "windows-874": "thai",
}

# Any label a detector may answer (WHATWG labels, Python codec names,
# chardet's names) -> WHATWG name.
ANSWER = {}
for whatwg, labels in {
    "UTF-8": "utf-8 utf8 utf_8 unicode-1-1-utf-8 ascii us-ascii utf-8-sig utf_8_sig",
    "UTF-16LE": "utf-16le utf_16_le utf-16-le",
    "UTF-16BE": "utf-16be utf_16_be utf-16-be",
    "windows-1252": "windows-1252 cp1252 iso-8859-1 iso8859-1 iso8859_1 latin-1 latin_1 latin1 l1 "
                    "ascii-compat us-ascii-compat x-cp1252",
    "macintosh": "macintosh macroman mac-roman mac_roman x-mac-roman csmacintosh mac",
    "ISO-8859-2": "iso-8859-2 iso8859-2 iso8859_2 latin2 l2",
    "ISO-8859-3": "iso-8859-3 iso8859_3 latin3",
    "ISO-8859-4": "iso-8859-4 iso8859_4 latin4",
    "ISO-8859-5": "iso-8859-5 iso8859_5 cyrillic",
    "ISO-8859-6": "iso-8859-6 iso8859_6 arabic",
    "ISO-8859-7": "iso-8859-7 iso8859_7 greek",
    "ISO-8859-8": "iso-8859-8 iso8859_8 hebrew visual",
    "ISO-8859-8-I": "iso-8859-8-i logical",
    "ISO-8859-10": "iso-8859-10 iso8859_10 latin6",
    "ISO-8859-13": "iso-8859-13 iso8859_13",
    "ISO-8859-14": "iso-8859-14 iso8859_14",
    "ISO-8859-15": "iso-8859-15 iso8859_15 latin9 latin-9",
    "ISO-8859-16": "iso-8859-16 iso8859_16",
    "windows-1250": "windows-1250 cp1250 x-cp1250",
    "windows-1251": "windows-1251 cp1251 x-cp1251",
    "windows-1253": "windows-1253 cp1253",
    "windows-1254": "windows-1254 cp1254 iso-8859-9 iso8859_9 latin5",
    "windows-1255": "windows-1255 cp1255",
    "windows-1256": "windows-1256 cp1256",
    "windows-1257": "windows-1257 cp1257",
    "windows-1258": "windows-1258 cp1258",
    "windows-874": "windows-874 cp874 tis-620 tis_620 iso-8859-11 iso8859_11",
    "KOI8-R": "koi8-r koi8_r koi8",
    "KOI8-U": "koi8-u koi8_u koi8-ru",
    "IBM866": "ibm866 cp866 866",
    "x-mac-cyrillic": "x-mac-cyrillic maccyrillic mac-cyrillic mac_cyrillic x-mac-ukrainian",
    "Shift_JIS": "shift_jis shift-jis sjis cp932 ms932 windows-31j ms_kanji x-sjis shift_jis_2004 shift_jisx0213",
    "EUC-JP": "euc-jp euc_jp eucjp euc_jis_2004 euc_jisx0213",
    "ISO-2022-JP": "iso-2022-jp iso2022_jp iso2022_jp_1 iso2022_jp_2 iso2022_jp_ext",
    "GBK": "gbk gb2312 gb_2312 chinese cp936 x-gbk hz",
    "gb18030": "gb18030",
    "Big5": "big5 big5-hkscs big5hkscs cp950 x-x-big5",
    "EUC-KR": "euc-kr euc_kr cp949 uhc windows-949 ks_c_5601-1987 korean",
}.items():
    for label in labels.split():
        ANSWER[label] = whatwg
for label in ["utf-32", "utf_32", "utf-32le", "utf_32_le", "utf-32be", "utf_32_be"]:
    ANSWER[label] = "UTF-32"
ANSWER.update({"johab": "Johab", "iso-2022-kr": "ISO-2022-KR", "iso2022_kr": "ISO-2022-KR",
               "euc-tw": "EUC-TW", "cp855": "IBM855", "ibm855": "IBM855"})

def squeeze(label):
    """'ISO8859-15', 'iso_8859_15' and 'iso-8859-15' alike."""
    return label.lower().replace("-", "").replace("_", "")


SQUEEZED = {squeeze(label): whatwg for label, whatwg in ANSWER.items()}

# WHATWG name -> Python codec that decodes most like WHATWG does.
CODEC = {
    "UTF-8": "utf-8", "UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be",
    "windows-1252": "cp1252", "macintosh": "mac_roman", "KOI8-U": "koi8_u", "IBM866": "cp866",
    "x-mac-cyrillic": "mac_cyrillic", "Shift_JIS": "cp932", "EUC-KR": "cp949", "GBK": "gb18030",
    "gb18030": "gb18030", "Big5": "big5hkscs", "windows-874": "cp874", "ISO-8859-8-I": "iso8859_8",
    "ISO-2022-JP": "iso2022_jp_ext",
}

BOMS = [(b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE")]


def normalize_answer(answer, data):
    """A detector's answer as a WHATWG name (or its own, upper-cased, when unknown)."""
    if not answer:
        return None
    key = answer.strip().lower()
    if key in ("utf-16", "utf_16"):
        # Python's utf-16 means "by the BOM, else little-endian".
        return "UTF-16BE" if data.startswith(b"\xfe\xff") else "UTF-16LE"
    return ANSWER.get(key, SQUEEZED.get(squeeze(key), answer))


def decode(data, whatwg):
    """The text `whatwg` decodes `data` to, BOM sniffing first as WHATWG does."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            data, whatwg = data[len(bom):], encoding
            break
    codec = CODEC.get(whatwg, whatwg.lower())
    try:
        return data.decode(codec, errors="replace")
    except LookupError:
        return None


def folder_label(folder):
    """('windows-1251', 'russian') from 'windows-1251-russian'."""
    lower = folder.lower()
    for label in sorted(list(LABELS) + list(OUTSIDE_WHATWG), key=len, reverse=True):
        if lower == label or lower.startswith(label + "-"):
            language = lower[len(label) + 1:] or None
            if label.startswith("utf-"):
                group = "unicode"
            else:
                group = language or GROUP_OF_LABEL.get(label, "other")
            return label, group
    return None, None


def corpus_files(root):
    files = []
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        label, group = folder_label(folder)
        if label is None:
            print(f"score: skipping folder {folder}: unknown label", file=sys.stderr)
            continue
        for name in sorted(os.listdir(path)):
            files.append((os.path.join(path, name), folder, label, group))
    return files


def run_command(template, paths, batch=200):
    """Runs the detector over `paths`; returns {path: answer} and seconds taken."""
    answers = {}
    started = time.perf_counter()
    for i in range(0, len(paths), batch):
        chunk = paths[i:i + batch]
        command = template.replace("{paths}", " ".join(shlex.quote(p) for p in chunk))
        result = subprocess.run(command, shell=True, capture_output=True)
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            if line.startswith("{"):
                record = json.loads(line)
                answers[record.get("path")] = record.get("encoding")
            else:
                fields = line.split("\t")
                if len(fields) >= 2:
                    answers[fields[0]] = None if fields[1] == "-" else fields[1]
    return answers, time.perf_counter() - started


def score(root, template, name):
    files = corpus_files(root)
    paths = [f[0] for f in files]
    answers, seconds = run_command(template, paths)
    results = []
    for path, folder, label, group in files:
        with open(path, "rb") as handle:
            data = handle.read()
        answer = normalize_answer(answers.get(path), data)
        outside = label in OUTSIDE_WHATWG
        accepted = [] if outside else LABELS[label]
        exact = answer in accepted
        same = exact
        if not exact and answer and accepted:
            right = decode(data, accepted[0])
            same = right is not None and decode(data, answer) == right
        results.append({"path": path, "folder": folder, "label": label, "group": group,
                        "expected": accepted[0] if accepted else label.upper(),
                        "answer": answer, "exact": exact, "same": same, "outside": outside,
                        "bytes": len(data)})
    return {"name": name, "command": template, "seconds": seconds,
            "bytes": sum(r["bytes"] for r in results), "results": results}


def pct(part, whole):
    return f"{100.0 * part / whole:.1f} %" if whole else "-"


def summarize(run, out):
    scored = [r for r in run["results"] if not r["outside"]]
    exact = sum(r["exact"] for r in scored)
    same = sum(r["same"] for r in scored)
    out.write(f"## {run['name']}\n\n`{run['command']}`\n\n")
    out.write(f"{len(scored)} files ({run['bytes'] / 1e6:.1f} MB with the outside-WHATWG ones), "
              f"{run['seconds']:.2f} s\n\n")
    out.write(f"| | exact | same text |\n|---|---|---|\n")
    out.write(f"| all | {exact}/{len(scored)} = {pct(exact, len(scored))} "
              f"| {same}/{len(scored)} = {pct(same, len(scored))} |\n\n")
    for key, title in (("expected", "encoding"), ("group", "language group")):
        buckets = collections.defaultdict(list)
        for r in scored:
            buckets[r[key]].append(r)
        out.write(f"| {title} | files | exact | same text |\n|---|---|---|---|\n")
        for bucket in sorted(buckets):
            rs = buckets[bucket]
            out.write(f"| {bucket} | {len(rs)} | {pct(sum(r['exact'] for r in rs), len(rs))} "
                      f"| {pct(sum(r['same'] for r in rs), len(rs))} |\n")
        out.write("\n")
    confusions = collections.Counter(
        (r["expected"], r["answer"], r["same"]) for r in scored if not r["exact"])
    if confusions:
        out.write("| expected | answered | files | same text |\n|---|---|---|---|\n")
        for (expected, answer, same_text), count in confusions.most_common():
            out.write(f"| {expected} | {answer} | {count} | {'yes' if same_text else 'no'} |\n")
        out.write("\n")
    outside = [r for r in run["results"] if r["outside"]]
    if outside:
        answered = collections.Counter((r["folder"], r["answer"]) for r in outside)
        out.write("Outside WHATWG (not scored): " + ", ".join(
            f"{folder} → {answer} ×{count}" for (folder, answer), count in sorted(
                answered.items(), key=lambda item: (item[0][0], str(item[0][1])))) + "\n\n")


def table(runs, out):
    out.write("| detector | exact | same text | time |\n|---|---|---|---|\n")
    for run in runs:
        scored = [r for r in run["results"] if not r["outside"]]
        out.write(f"| {run['name']} | {pct(sum(r['exact'] for r in scored), len(scored))} "
                  f"| {pct(sum(r['same'] for r in scored), len(scored))} | {run['seconds']:.2f} s |\n")
    out.write("\n")
    for key, title in (("group", "language group"), ("expected", "encoding")):
        buckets = sorted({r[key] for run in runs for r in run["results"] if not r["outside"]})
        out.write(f"| {title} (same text / exact) | files | " +
                  " | ".join(run["name"] for run in runs) + " |\n")
        out.write("|---|---|" + "---|" * len(runs) + "\n")
        for bucket in buckets:
            cells = []
            count = 0
            for run in runs:
                rs = [r for r in run["results"] if not r["outside"] and r[key] == bucket]
                count = len(rs)
                cells.append(f"{pct(sum(r['same'] for r in rs), len(rs))} / "
                             f"{pct(sum(r['exact'] for r in rs), len(rs))}")
            out.write(f"| {bucket} | {count} | " + " | ".join(cells) + " |\n")
        out.write("\n")


# Script family of a language group -> encodings its text is re-encoded in
# by --transcode.
FAMILIES = {
    "russian": ["windows-1251", "KOI8-R", "IBM866", "ISO-8859-5", "x-mac-cyrillic"],
    "bulgarian": ["windows-1251", "ISO-8859-5", "IBM866", "x-mac-cyrillic"],
    "greek": ["windows-1253", "ISO-8859-7"],
    "hebrew": ["windows-1255"],
    "arabic": ["windows-1256", "ISO-8859-6"],
    "turkish": ["windows-1254"],
    "western": ["windows-1252", "ISO-8859-15", "macintosh"],
    "thai": ["windows-874"],
    "japanese": ["Shift_JIS", "EUC-JP", "ISO-2022-JP"],
    "korean": ["EUC-KR"],
}
for central in ("croatian", "czech", "hungarian", "polish", "romanian", "slovak", "slovene"):
    FAMILIES[central] = ["windows-1250", "ISO-8859-2"]
ENCODE_CODEC = dict(CODEC, **{"Shift_JIS": "shift_jis", "EUC-KR": "euc_kr", "GBK": "gbk",
                              "Big5": "big5", "ISO-2022-JP": "iso2022_jp", "windows-874": "cp874"})


def write_encoded(text, targets, out, group, name):
    """Writes `text` encoded in each of `targets` that can represent it, as
    out/<encoding>-<group>/<name>; returns the paths written."""
    paths = []
    for target in targets:
        try:
            encoded = text.encode(ENCODE_CODEC.get(target, target.lower()))
        except (UnicodeEncodeError, LookupError):
            continue
        folder = os.path.join(out, f"{target.lower()}-{group}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(encoded)
        paths.append(path)
    return paths


def transcode(root, out):
    """Re-encodes the text of every scored file in the other encodings of its
    script (and in UTF-16 without BOM), into out/<encoding>-<group>/: a
    harder test of telling the encodings of one script apart than the
    corpus's own label mix. Texts an encoding cannot represent are skipped;
    in-document declarations are removed."""
    written = set()
    for path, folder, label, group in corpus_files(root):
        if label in OUTSIDE_WHATWG or group == "unicode":
            continue
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            text = data.decode(CODEC.get(LABELS[label][0], LABELS[label][0].lower()))
        except (UnicodeDecodeError, LookupError):
            continue
        # The declarations inside (XML prolog, <meta charset>) named the
        # original encoding and would now lie: they are removed, so that
        # every detector is judged on the bytes alone.
        text = re.sub(r"""\s+encoding\s*=\s*["'][^"']*["']""", "", text)
        text = re.sub(r"""charset\s*=\s*["']?[\w.:-]+["']?""", "", text, flags=re.IGNORECASE)
        if group == "chinese":
            targets = ["Big5"] if LABELS[label][0] == "Big5" else ["GBK"]
        else:
            targets = FAMILIES.get(group, [])
        # Same-named files of two folders of one group: the later wins.
        written.update(write_encoded(text, targets + ["UTF-16LE", "UTF-16BE"], out, group,
                                     os.path.basename(path)))
    print(f"score: wrote {len(written)} files under {out}", file=sys.stderr)


# Language directories of /usr/share/man -> language group of FAMILIES.
MAN_LANGUAGES = {
    "da": "western", "de": "western", "es": "western", "fi": "western", "fr": "western",
    "it": "western", "nl": "western", "pt": "western", "pt_BR": "western", "sv": "western",
    "cs": "czech", "hr": "croatian", "hu": "hungarian", "pl": "polish", "ro": "romanian",
    "sl": "slovene", "ru": "russian", "tr": "turkish", "uk": "ukrainian",
}
FAMILIES["ukrainian"] = ["windows-1251", "KOI8-U", "ISO-8859-5"]


def man_pages(out, man_root="/usr/share/man"):
    """Builds a labelled corpus from the translated manual pages installed on
    this machine: each page rendered to plain text (groff), then encoded in
    the encodings of its language's script, into
    out/<encoding>-<language>/. Real text in many languages, with few
    accented letters in a lot of English (untranslated options, names):
    the case where the words around those letters must decide. Pages an
    encoding cannot represent, and pages that are all ASCII, are skipped.
    Nothing built here is ever committed (the pages have their own
    licences)."""
    import glob
    import gzip
    written = 0
    for language, group in sorted(MAN_LANGUAGES.items()):
        pages = sorted(glob.glob(os.path.join(man_root, language, "man*", "*.gz")))
        for page in pages:
            with gzip.open(page, "rb") as handle:
                source = handle.read()
            rendered = subprocess.run(
                ["groff", "-k", "-Kutf8", "-man", "-Tutf8", "-P-cbou"],
                input=source, capture_output=True, env=dict(os.environ, MANWIDTH="100"))
            lines = rendered.stdout.decode("utf-8", errors="replace").splitlines()
            text = "\n".join(line.strip() for line in lines if line.strip()) + "\n"
            if len(text) < 300 or text.isascii() or "\ufffd" in text:
                continue
            name = os.path.basename(page)[:-len(".gz")] + ".txt"
            written += len(write_encoded(text, FAMILIES[group], out, group, f"{language}-{name}"))
    print(f"score: wrote {written} files under {out}", file=sys.stderr)


def python_detector(module, paths):
    """Prints JSON Lines for `paths` as chardet or charset-normalizer sees them."""
    if module == "chardet":
        import chardet

        def detect(data):
            return chardet.detect(data)["encoding"]
    elif module in ("charset-normalizer", "charset_normalizer"):
        import charset_normalizer

        def detect(data):
            best = charset_normalizer.from_bytes(data).best()
            return best.encoding if best else None
    else:
        sys.exit(f"score: unknown Python detector {module}")
    for path in paths:
        with open(path, "rb") as handle:
            answer = detect(handle.read())
        print(json.dumps({"path": path, "encoding": answer}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="the corpus folder (or files, with --python-detector)")
    parser.add_argument("--cmd", default="target/release/artconv --detect -t json {paths}")
    parser.add_argument("--name", default=None, help="name of the detector in reports")
    parser.add_argument("--save", help="also write the per-file results to this JSON file")
    parser.add_argument("--table", nargs="+", metavar="RESULTS", help="side-by-side table of saved results")
    parser.add_argument("--python-detector", metavar="MODULE", help="act as a detector command")
    parser.add_argument("--transcode", metavar="OUT", help="re-encode the corpus's texts into OUT")
    parser.add_argument("--man-pages", metavar="OUT",
                        help="build a labelled corpus into OUT from this machine's translated man pages")
    args = parser.parse_args()
    if args.man_pages:
        man_pages(args.man_pages)
        return
    if args.python_detector:
        python_detector(args.python_detector, args.paths)
        return
    if args.transcode:
        transcode(args.paths[0], args.transcode)
        return
    if args.table:
        runs = []
        for path in args.table:
            with open(path) as handle:
                runs.append(json.load(handle))
        table(runs, sys.stdout)
        return
    if len(args.paths) != 1:
        parser.error("give one corpus folder")
    run = score(args.paths[0], args.cmd, args.name or args.cmd.split()[0])
    if args.save:
        with open(args.save, "w") as handle:
            json.dump(run, handle, indent=1)
    summarize(run, sys.stdout)


if __name__ == "__main__":
    main()
