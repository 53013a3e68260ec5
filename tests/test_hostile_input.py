"""Hostile inputs at the reading stage: every path accounted for, nothing hangs, no forged line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsweave.cli import app, shown
from newsweave.ingest._decode import decode

STORY = (
    "The city council voted 7-2 on Tuesday to close the Old Harbour Bridge for six months of "
    "repairs after inspectors found corroded cables under the deck. Ferries will run every "
    "twenty minutes while the bridge is shut, the transport office said."
)


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def skipped_lines(stderr: str) -> dict[str, str]:
    lines = [line for line in stderr.splitlines() if line.startswith("newsweave: skipped ")]
    return dict(line.removeprefix("newsweave: skipped ").split(": ", 1) for line in lines)


def page(charset: str, body: str) -> bytes:
    html = f'<html><head><meta charset="{charset}"><title>Bridge</title></head><body><p>{body}</p></body></html>'
    return html.encode("cp1252")


@pytest.mark.parametrize("charset", ["hex", "base64", "rot13", "zlib", "idna", "bogus-charset"])
def test_a_declared_charset_that_is_not_a_text_encoding_is_ignored(charset):
    text, encoding = decode("p.html", page(charset, "Caf\xe9 owners said the closure hurts trade."))
    assert encoding == "cp1252"
    assert "Café owners said" in text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Öldmère est un café à Kestrelholm; le maire a déclaré « non » à la façade.", "cp1252"),
        ("Die Bürgermeisterin sagte, die Straße über die Brücke würde gesperrt.", "cp1252"),
        ("Zażółć gęślą jaźń. Prezydent powiedział, że wyłączy światło.", "cp1250"),
        ("Президент заявил, что переговоры продолжатся в понедельник.", "cp1251"),
    ],
)
def test_legacy_encodings_decode_to_the_right_letters(text, codec):
    decoded, _ = decode("doc.txt", text.encode(codec))
    assert decoded == text


def test_bad_json_lines_are_each_skipped_and_lone_surrogates_replaced(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    good = json.dumps(
        {"title": "Bridge \ud800 closes", "text": STORY + " \udfff"}, ensure_ascii=True
    )
    (tmp_path / "feed.jsonl").write_text(deep + "\n" + good + "\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    result = run("extract", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0
    assert skipped_lines(result.stderr) == {
        f"{tmp_path / 'empty.jsonl'}": "empty JSON Lines file (no records)",
        f"{tmp_path / 'feed.jsonl'}:1": "JSON nested too deeply to read",
    }
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["title"] == "Bridge \ufffd closes"


def test_a_huge_one_line_jsonl_is_refused_without_reading_it_whole(tmp_path):
    with (tmp_path / "dump.jsonl").open("wb") as f:
        f.write(b'{"text": "' + b"x" * (12 * 1024 * 1024) + b'"}\n')
        f.write(json.dumps({"text": STORY}).encode() + b"\n")
    result = run("extract", str(tmp_path / "dump.jsonl"), "--format", "jsonl")
    assert skipped_lines(result.stderr) == {
        f"{tmp_path / 'dump.jsonl'}:1": "too large (10.5 MB; the limit is 10 MB a document)"
    }
    assert len(result.stdout.splitlines()) == 1, "the line after the huge one is still read"


def warc_bytes(count: int) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for i in range(count):
        body = f"<html><body><article><p>{STORY} Report {i}.</p></article></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"http://outlet.test/{i}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def test_empty_and_truncated_warcs_are_reported(tmp_path):
    data = warc_bytes(3)
    (tmp_path / "cut.warc").write_bytes(data[:1250])
    (tmp_path / "cut-header.warc").write_bytes(data[:1065])
    (tmp_path / "empty.warc").write_bytes(b"")
    result = run("extract", str(tmp_path), "--format", "jsonl")
    skipped = skipped_lines(result.stderr)
    assert skipped[f"{tmp_path / 'empty.warc'}"] == "no HTTP response records in this WARC file"
    assert skipped[f"{tmp_path / 'cut.warc'}:2"] == (
        "WARC record cut short by the end of the file (http://outlet.test/1)"
    )
    assert skipped[f"{tmp_path / 'cut-header.warc'}:2"] == (
        "WARC file ends inside a record (355 bytes after the last whole record not read)"
    )
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        f"{tmp_path / 'cut-header.warc'}:1",
        f"{tmp_path / 'cut.warc'}:1",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can enter any folder")
def test_unenterable_folder_is_named(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(STORY)
    locked.chmod(0o600)
    try:
        result = run("extract", str(tmp_path), "--format", "jsonl")
    finally:
        locked.chmod(0o700)
    assert str(locked) in skipped_lines(result.stderr)


def test_special_files_hidden_files_and_symlink_loops_are_accounted_for(tmp_path):
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / ".draft.txt").write_text(STORY)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    result = run("extract", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0
    assert skipped_lines(result.stderr) == {
        f"{tmp_path / '.draft.txt'}": "hidden file, not read",
        f"{tmp_path / 'pipe.txt'}": "not a regular file (a named pipe), not read",
        f"{tmp_path / 'sub' / 'loop'}": "folder already read (a symlink loops back to it)",
        f"{tmp_path / 'zero.txt'}": "not a regular file (a character device), not read",
    }
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        str(tmp_path / "story.txt")
    ]


def test_file_names_cannot_forge_or_colour_messages(tmp_path):
    (tmp_path / "a\nnewsweave: 0 documents read.txt").write_bytes(b"")
    (tmp_path / "b\x1b[31mred.txt").write_bytes(b"")
    (tmp_path / "c.jsonl").write_text("not json :100:\n")
    result = run("extract", str(tmp_path))
    lines = result.stderr.splitlines()
    assert (
        f"newsweave: skipped {tmp_path}/a\\nnewsweave: 0 documents read.txt: empty document"
        in lines
    )
    assert f"newsweave: skipped {tmp_path}/b\\x1b[31mred.txt: empty document" in lines
    assert any(
        line.startswith(f"newsweave: skipped {tmp_path}/c.jsonl:1: invalid JSON") for line in lines
    )
    assert "\U0001f4af" not in result.stderr  # rich's :100: emoji


def test_shown_escapes_undecodable_file_names():
    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: a surrogate escape
    assert shown(name) == "caf\\udce9.txt"
    assert shown("Öldmère.txt") == "Öldmère.txt"


def _page(body: str, attributes: str = "") -> str:
    return (
        f"<html><head><title>Bridge</title></head><body><article{attributes}>"
        f"{body}<p>{STORY}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "shape",
    ["20,000 inline tags in one paragraph", "100,000 attributes on one element", "link farm"],
)
def test_pages_that_parse_super_linearly_are_bounded_and_keep_their_text(tmp_path, shape):
    """Before the parse limits these took 44-90 s, over 400 s and about a minute; the
    command's own time limit here is a generous bound for a slow, busy machine."""
    words = [f"w{i}" for i in range(20_000)]
    if shape.startswith("20,000"):
        html = _page("<p>" + " ".join(f"<b>{w}</b>" for w in words) + "</p>")
    elif shape.startswith("100,000"):
        html = _page("", " " + " ".join(f'data-a{i}="v"' for i in range(100_000)))
    else:
        html = _page("<div>" + " ".join(f"<a href='/t/{w}'>{w}</a>" for w in words) + "</div>")
    path = tmp_path / "page.html"
    path.write_text(html)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "newsweave", "extract", str(path), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    (article,) = [json.loads(line) for line in result.stdout.splitlines()]
    body = " ".join(article["paragraphs"])
    assert STORY in body
    if shape.startswith("20,000"):  # unwrapped, not lost
        assert " ".join(words) in body
    else:  # attributes dropped; a block that is nearly all links is not the article
        assert "w19999" not in body
