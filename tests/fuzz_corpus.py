"""A generator of odd documents: the hostile folder a crawl, a user or an attacker hands us.

`build(folder)` writes one file (or special file) per kind below, with random content
drawn from a seeded generator, plus a copy of the shipped example story; it returns what
it wrote, so a test or a benchmark can check that every input is accounted for (output,
or skipped with a reason) and that the good examples come out as they do alone.

Used by tests/test_fuzz.py (small: seconds) and bench/fuzz_corpus.py (larger, several
seeds, peak memory). All text here is generated or our own; nothing is copied in.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD_STORY = ROOT / "examples" / "kestrelholm-fire"

SENTENCES = (
    "The harbour board met on Tuesday to discuss the new ferry timetable.",
    "Residents said the late-night crossings had been cancelled twice this month.",
    "A spokesman for the operator said repairs to the pier would finish in March.",
    "Councillor Imre Vasko called the delays unacceptable for shift workers.",
    "The board will publish its decision next week, officials said.",
)


@dataclass(frozen=True)
class Generated:
    """One input written by `build`."""

    path: Path
    kind: str
    # "article": must come out as an article; "skipped": must be named with a reason;
    # "any": either, but accounted for
    expect: str


def _text(rng: random.Random, sentences: int = 8) -> str:
    return "\n\n".join(rng.choice(SENTENCES) for _ in range(sentences))


def _random_bytes(rng: random.Random, size: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(size))


def _html(body: str, head: str = "<title>Ferry timetable</title>") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def _warc_record(url: str, html: str) -> bytes:
    payload = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html).encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\n"
        "WARC-Date: 2026-11-30T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return head + payload + b"\r\n\r\n"


def build(folder: Path, *, seed: int = 0, scale: int = 1) -> list[Generated]:
    """Write the odd corpus into `folder` (created); `scale` multiplies the big sizes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Generated] = []

    def write(name: str | bytes, data: bytes | str, kind: str, expect: str) -> None:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
        raw = data.encode("utf-8") if isinstance(data, str) else data
        with open(os.fsencode(path), "wb") as handle:
            handle.write(raw)
        made.append(Generated(path, kind, expect))

    text = _text(rng)
    # --- plain text --------------------------------------------------------------
    write("empty.txt", b"", "empty", "skipped")
    write("blank.txt", " \n\t\n  \r\n", "whitespace only", "skipped")
    write("noise.txt", _random_bytes(rng, 4096 * scale), "binary", "skipped")
    write("nul.txt", text.replace(" ", "\x00 ", 3), "NUL bytes in text", "any")
    write("utf16.txt", ("\ufeff" + text).encode("utf-16-le"), "UTF-16 with BOM", "article")
    write("cp1252.txt", ("Caf\u00e9 owners in \u00d6ldm\u00e8re said: " + text).encode("cp1252"),
          "cp1252 text", "article")  # fmt: skip
    write("cut-utf8.txt", (text + " na\u00efve").encode()[:-1], "UTF-8 cut mid-letter", "article")
    write("japanese.txt", ("港の新しい時刻表について委員会が火曜日に協議した。" * 12).encode("shift_jis"),
          "Shift JIS Japanese", "any")  # fmt: skip
    write("chinese.txt", ("港务委员会周二讨论了新的渡轮时刻表。" * 12).encode("gb18030"),
          "GB18030 Chinese", "any")  # fmt: skip
    one_line = " ".join(rng.choice(SENTENCES) for _ in range(16_000 * scale))
    write("one-line.txt", one_line, "one paragraph of about a million characters", "article")
    write("huge.txt", (text + "\n\n") * (30_000 * scale), "over the 10 MB limit", "skipped")

    # --- HTML ----------------------------------------------------------------------
    page = _html("".join(f"<p>{s}</p>" for s in text.split("\n\n")))
    for codec in ("hex", "base64", "rot13"):
        head = f'<meta charset="{codec}"><title>Ferry timetable</title>'
        write(f"charset-{codec}.html", _html(page, head), f"charset {codec} declared", "article")
    write("truncated.html", page[: len(page) // 2], "HTML cut in half", "any")
    write("deep.html", _html("<div>" * 40_000 + text + "</div>" * 40_000), "nesting 40,000 deep",
          "any")  # fmt: skip
    inline = " ".join(f"<b>w{i}</b>" for i in range(20_000))
    write("inline.html", _html(f"<p>{inline}</p><p>{text}</p>"), "20,000 inline tags", "article")
    attributes = " ".join(f'data-k{i}="v"' for i in range(50_000 * scale))
    write("attributes.html", _html(f"<p {attributes}>{text}</p>"), "50,000 attributes", "article")
    write("script-only.html", "<html><script>" + "var a=1;" * 5000 + "</script></html>",
          "script only", "skipped")  # fmt: skip
    write("tag-soup.html", "".join(rng.choice("<>/=\"' abcp") for _ in range(20_000)),
          "tag soup", "any")  # fmt: skip

    # --- JSON Lines ------------------------------------------------------------------
    write("empty.jsonl", b"", "empty JSONL", "skipped")
    lines = [
        json.dumps({"text": text, "title": "Ferry timetable", "outlet": "Harbour Post"}),
        "{not json",
        "[" * 100_000 + "]" * 100_000,
        '{"text": "\\ud800 lone surrogate ' + text.replace("\n", " ") + '", "title": "\\udfff"}',
        json.dumps([1, 2, 3]),
        json.dumps({"title": "no text field"}),
        json.dumps({"text": text, "published": "9999-12-31", "title": "Far future"}),
        json.dumps({"text": "Inspected 1000000 days ago. " + text, "published": "0001-01-01"}),
    ]
    write("mixed.jsonl", "\n".join(lines) + "\n", "JSONL: good, broken, deep, odd lines", "any")

    # --- WARC, feeds -------------------------------------------------------------------
    write("empty.warc", b"", "empty WARC", "skipped")
    record = _warc_record("https://harbour.example/ferry", page)
    write("cut.warc", record + record[: len(record) // 2], "WARC with a cut record", "any")
    write("garbage.warc.gz", gzip.compress(_random_bytes(rng, 2048)), "gzip of noise", "skipped")
    write("broken.rss", "<rss><channel><item><title>x</title><description>" + text,
          "RSS cut short", "any")  # fmt: skip
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>&x;</title><description>" + text + "</description>"
        "</item></channel></rss>"
    )
    write("xxe.rss", xxe, "feed with an external entity", "any")

    # --- names and special files ---------------------------------------------------------
    write(b"latin1-\xe9\xff.txt", text, "file name not UTF-8", "article")
    write("ansi-\x1b[31mred\x1b[0m.txt", text, "ANSI escapes in the name", "article")
    write("[bold red]markup.txt", text, "console markup in the name", "article")
    write("new\nline.txt", text, "newline in the name", "article")
    write(".hidden.txt", text, "hidden file", "skipped")
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    made.append(Generated(fifo, "FIFO", "skipped"))
    zero = folder / "zero.txt"
    zero.symlink_to("/dev/zero")
    made.append(Generated(zero, "symlink to /dev/zero", "skipped"))
    loop = folder / "loop"
    loop.mkdir()
    (loop / "again").symlink_to("..", target_is_directory=True)
    made.append(Generated(loop / "again", "symlink loop", "skipped"))
    dangling = folder / "dangling.txt"
    dangling.symlink_to(folder / "nowhere.txt")
    made.append(Generated(dangling, "dangling symlink", "skipped"))

    # --- the good examples, which must come out as they do alone --------------------------
    good = folder / "good"
    shutil.copytree(GOOD_STORY, good, ignore=shutil.ignore_patterns("README*"))
    made += [Generated(p, "good example", "article") for p in sorted(good.iterdir())]
    return made
