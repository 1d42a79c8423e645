#!/usr/bin/env python3
"""Writes a mixed corpus of news-like files for the map-mode test.

Usage: make_corpus.py DIR [COUNT]

The texts are made up here from small word lists (nothing is copied from a
real corpus), with a fixed seed, so every run writes the same bytes:
UTF-8 (English, Arabic, some with CRLF or a BOM), windows-1256 Arabic,
UTF-16 (LE and BE with a BOM, LE without), HTML pages, one empty file, and
binary files (a PNG header, NUL-laden bytes). One file sits in a subfolder.
Prints one relative path per line, in sorted order (the manifest).
"""

import os
import random
import sys

EN_SUBJECTS = ["The council", "The ministry", "Local traders", "The port authority",
               "Teachers", "The weather office", "Farmers", "The city's mayor",
               "Rail workers", "The health board", "Fishermen", "The museum"]
EN_VERBS = ["approved", "rejected", "delayed", "announced", "questioned",
            "welcomed", "reviewed", "postponed", "criticised", "funded"]
EN_OBJECTS = ["the harbour plan", "a new bus line", "the school budget",
              "repairs to the old bridge", "a study of river levels",
              "longer opening hours", "the wind farm proposal",
              "a ban on night flights", "the market square project"]
EN_TAILS = ["on Monday", "after a long debate", "for the third time this year",
            "despite strong protests", "with a narrow majority",
            "before the summer break", "according to officials"]

AR_SUBJECTS = ["قالت الوزارة", "أعلن المجلس البلدي", "ذكرت هيئة الأرصاد",
               "أكد رئيس البلدية", "أوضح المتحدث الرسمي", "قال التجار",
               "أشار المعلمون", "أفادت إدارة الميناء"]
AR_BODIES = ["إن الأمطار ستستمر حتى نهاية الأسبوع في المدن الساحلية",
             "أن العمل في الجسر القديم سيبدأ في الربيع المقبل",
             "أن أسعار الخضار ارتفعت بشكل ملحوظ خلال الشهر الماضي",
             "أن المدارس ستفتح أبوابها مبكرا هذا العام",
             "أن خط الحافلات الجديد سيربط الأحياء الشمالية بوسط المدينة",
             "أن المتحف سيستقبل الزوار مجانا يوم الجمعة",
             "أن درجات الحرارة ستنخفض قليلا في المساء"]
AR_TITLES = ["تقرير عن الطقس", "أخبار المدينة", "خطة جديدة للنقل",
             "افتتاح السوق الشعبي", "ميزانية المدارس", "مشروع الميناء"]


def english(rng, n):
    title = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)} ({n})"
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        sentences = [f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} "
                     f"{rng.choice(EN_OBJECTS)} {rng.choice(EN_TAILS)}."
                     for _ in range(rng.randint(2, 4))]
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.3:
        paragraphs.insert(1, "\u201cWe will keep working on it,\u201d a spokesperson said.")
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def arabic(rng, n):
    title = f"{rng.choice(AR_TITLES)} {n}"
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        sentences = [f"{rng.choice(AR_SUBJECTS)} {rng.choice(AR_BODIES)}."
                     for _ in range(rng.randint(2, 4))]
        paragraphs.append(" ".join(sentences))
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def html_page(rng, n):
    text = english(rng, n)
    title, *paragraphs = text.strip().split("\n\n")
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head>\n<body><nav><a href=\"/\">Home</a></nav>"
            f"<article><h1>{title}</h1>\n{body}\n</article><footer>Contact us</footer>"
            f"</body></html>\n")


def main():
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 220
    rng = random.Random(4)
    os.makedirs(os.path.join(root, "sub"), exist_ok=True)
    files = {}
    for n in range(count - 4):
        kind = n % 10
        if kind in (0, 1, 2):
            files[f"en-{n:04d}.txt"] = english(rng, n).encode("utf-8")
        elif kind == 3:
            files[f"en-crlf-{n:04d}.txt"] = english(rng, n).replace("\n", "\r\n").encode("utf-8")
        elif kind == 4:
            files[f"ar-{n:04d}.txt"] = arabic(rng, n).encode("utf-8")
        elif kind == 5:
            files[f"ar-bom-{n:04d}.txt"] = b"\xef\xbb\xbf" + arabic(rng, n).encode("utf-8")
        elif kind == 6:
            files[f"ar-1256-{n:04d}.txt"] = arabic(rng, n).encode("windows-1256")
        elif kind == 7:
            variant = (n // 10) % 3
            text = arabic(rng, n) if n % 20 == 7 else english(rng, n)
            data = {0: b"\xff\xfe" + text.encode("utf-16-le"),
                    1: b"\xfe\xff" + text.encode("utf-16-be"),
                    2: text.encode("utf-16-le")}[variant]
            files[f"utf16-{n:04d}.txt"] = data
        elif kind == 8:
            files[f"page-{n:04d}.html"] = html_page(rng, n).encode("utf-8")
        else:
            text = english(rng, n).replace("said", "said \u2028") + "Line\u2029end.\n"
            files[f"sep-{n:04d}.txt"] = text.encode("utf-8")
    files["empty.txt"] = b""
    files["image.png"] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0" + bytes(rng.randrange(256) for _ in range(200))
    files["blob.bin"] = bytes(rng.randrange(256) if i % 3 else 0 for i in range(4096))
    files["sub/nested-ar-1256.txt"] = arabic(rng, 9999).encode("windows-1256")
    for name, data in sorted(files.items()):
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
        print(name)


if __name__ == "__main__":
    main()
