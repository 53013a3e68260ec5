"""Readers: every input form ends as the same RawDocument."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

from conftest import EVALDATA, need

from newsweave.ingest import read_sources
from newsweave.model import RawDocument, SkippedDocument

ARTICLE = "The council voted on Tuesday to close the old harbour bridge for repairs."


def docs(items):
    return [i for i in items if isinstance(i, RawDocument)]


def skips(items):
    return [i for i in items if isinstance(i, SkippedDocument)]


def test_text_and_html_files_by_extension(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.htm").write_text(f"<html><body><p>{ARTICLE}</p></body></html>")
    items = list(read_sources([tmp_path / "a.txt", tmp_path / "b.htm"]))
    assert [(d.doc_id, d.kind) for d in items] == [
        (str(tmp_path / "a.txt"), "text"),
        (str(tmp_path / "b.htm"), "html"),
    ]
    assert items[0].text == ARTICLE


def test_gzipped_files_are_read_as_what_they_hold(tmp_path):
    page = f"<html><body><p>{ARTICLE}</p></body></html>"
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page.encode()))
    record = json.dumps({"id": "r1", "text": ARTICLE, "outlet": "Harbour Post"})
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(record.encode() + b"\n"))
    (tmp_path / "note.txt.gz").write_bytes(gzip.compress(ARTICLE.encode("cp1252")))
    items = list(read_sources([tmp_path]))
    assert [(d.doc_id, d.kind) for d in items] == [
        (f"{tmp_path / 'feed.jsonl.gz'}#r1", "text"),
        (str(tmp_path / "note.txt.gz"), "text"),
        (str(tmp_path / "page.html.gz"), "html"),
    ]
    assert items[0].hints.outlet == "Harbour Post"
    assert items[1].text == ARTICLE
    assert ARTICLE in items[2].text


def test_broken_gzip_files_are_skipped_with_their_reason(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a-plain.html.gz").write_text(f"<p>{ARTICLE}</p>")  # named .gz, not gzip
    (folder / "b-cut.html.gz").write_bytes(gzip.compress(ARTICLE.encode() * 50)[:40])
    (folder / "c-bomb.txt.gz").write_bytes(gzip.compress(b" " * (11 * 1024 * 1024)))
    (folder / "d-bundle.tar.gz").write_bytes(gzip.compress(b"not an article"))
    reasons = {s.doc_id.rsplit("/", 1)[1]: s.reason for s in skips(read_sources([folder]))}
    assert reasons["a-plain.html.gz"] == "named .gz but not gzip data"
    assert reasons["b-cut.html.gz"].startswith("truncated or corrupt gzip data (")
    assert reasons["c-bomb.txt.gz"] == (
        "too large (over 10 MB once decompressed; that is the limit a document)"
    )
    assert reasons["d-bundle.tar.gz"] == "unsupported file type '.gz'"
    assert len(reasons) == 4


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "deep.txt").write_text(ARTICLE)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    items = list(read_sources([tmp_path]))
    assert [d.doc_id for d in docs(items)] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "z" / "deep.txt"),
    ]
    assert [(s.doc_id, s.reason) for s in skips(items)] == [
        (str(tmp_path / ".hidden.txt"), "hidden file, not read"),
        (str(tmp_path / "notes.pdf"), "unsupported file type '.pdf'"),
    ]


def test_jsonl_records_carry_hints_and_bad_lines_are_reported(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {
                "url": "https://ex.org/a",
                "title": "Bridge shut",
                "outlet": "Harbour Post",
                "published": "2026-03-03T10:00:00Z",
                "text": ARTICLE,
            }
        ),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps({"html": f"<html><body><p>{ARTICLE}</p></body></html>"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_sources([path]))
    first, html = docs(items)
    assert first.doc_id == f"{path}:1"
    assert first.hints.title == "Bridge shut" and first.hints.outlet == "Harbour Post"
    assert first.hints.published == date(2026, 3, 3) and first.hints.published_source == "jsonl"
    assert html.kind == "html" and html.doc_id == f"{path}:4"
    reasons = {s.doc_id: s.reason for s in skips(items)}
    assert reasons[f"{path}:2"].startswith("invalid JSON")
    assert reasons[f"{path}:3"].startswith("no text field")


def test_jsonl_common_field_names_give_id_title_outlet_and_date(tmp_path):
    path = tmp_path / "export.jsonl"
    lines = [
        # a news-API shape: nested source, camelCase date, "content"
        {
            "source": {"id": None, "name": "Harbour Post"},
            "headline": "Bridge shut for repairs",
            "publishedAt": "2026-03-03T10:00:00Z",
            "link": "https://ex.org/bridge",
            "content": ARTICLE,
            "uuid": "hp-0042",
        },
        # a crawler shape: snake_case names, "maintext", a numeric id
        {
            "date_publish": "2026-03-04 08:15:00",
            "source_domain": "ex.org",
            "maintext": ARTICLE,
            "id": 7,
        },
        # a wire-archive shape: doc_id and agency; the same doc_id again falls back to the line
        {
            "doc_id": "WIRE20260305.0012",
            "agency": "WIRE",
            "published": "2026-03-05",
            "text": ARTICLE,
        },
        {"doc_id": "WIRE20260305.0012", "agency": "WIRE", "text": ARTICLE},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    api, crawl, wire, again = docs(read_sources([path]))
    assert api.doc_id == f"{path}#hp-0042"
    assert (api.hints.title, api.hints.outlet, api.hints.url) == (
        "Bridge shut for repairs",
        "Harbour Post",
        "https://ex.org/bridge",
    )
    assert api.hints.published == date(2026, 3, 3) and api.hints.outlet_source == "jsonl"
    assert api.text == ARTICLE
    assert crawl.doc_id == f"{path}#7" and crawl.hints.outlet == "ex.org"
    assert crawl.hints.published == date(2026, 3, 4) and crawl.hints.title is None
    assert wire.doc_id == f"{path}#WIRE20260305.0012" and wire.hints.outlet == "WIRE"
    assert again.doc_id == f"{path}:4" and again.hints.published is None


def test_stdin_is_sniffed(tmp_path):
    html = f"<!DOCTYPE html><html><body><p>{ARTICLE}</p></body></html>".encode()
    (doc,) = read_sources(["-"], stdin=io.BytesIO(html))
    assert doc.doc_id == "-" and doc.kind == "html"
    (doc,) = read_sources(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert doc.kind == "text"


def test_date_option_matches_path_or_file_name(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE)
    (doc,) = read_sources([path], dates={"story.txt": date(2026, 2, 1)})
    assert doc.hints.published == date(2026, 2, 1) and doc.hints.published_source == "cli"


def test_multinews_separators_one_cluster_per_line(tmp_path):
    path = tmp_path / "test.src"
    cluster1 = "First report. NEWLINE_CHAR NEWLINE_CHAR Second para. ||||| Another outlet's story."
    cluster2 = "One story_separator_special_tag Two"
    path.write_text(cluster1 + "\n" + cluster2 + "\n")
    items = docs(read_sources([path]))
    assert [(d.doc_id, d.text) for d in items] == [
        (f"{path}:1/1", "First report.\n\nSecond para."),
        (f"{path}:1/2", "Another outlet's story."),
        (f"{path}:2/1", "One"),
        (f"{path}:2/2", "Two"),
    ]


def test_longbench_multinews_jsonl():
    path = need(EVALDATA / "multinews200" / "multi_news.jsonl")
    items = list(read_sources([path]))
    assert not skips(items)
    clusters = {d.doc_id.rsplit("/", 1)[0] for d in items}
    assert len(clusters) == 200
    first = [d for d in items if d.doc_id.startswith(f"{path}:1/")]
    assert first[0].text.startswith("Members of Occupy Philadelphia remain on site")
    assert "NEWLINE_CHAR" not in first[0].text and "\n\n" in first[0].text
    assert not any(d.text.startswith("Passage ") for d in items)
    # mean 2.85 documents a cluster (INDEX.md)
    assert 560 <= len(items) <= 580


def test_cp1252_file_is_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("The mayor said the café’s “reopening” was near. ".encode("cp1252") * 5)
    (doc,) = read_sources([path])
    assert doc.encoding == "cp1252"
    assert doc.text.startswith("The mayor said the café’s “reopening” was near.")


def test_utf16_with_bom_is_decoded(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    (doc,) = read_sources([path])
    assert doc.text == ARTICLE


def test_count_documents_is_exact_when_known_and_none_otherwise(tmp_path):
    from newsweave.ingest.sources import count_documents

    for name in ("a.txt", "b.txt", "c.md", "README.txt"):
        (tmp_path / name).write_text("The council voted on Tuesday to close the bridge.")
    (tmp_path / "d.html").write_text("<html><body><p>The bridge closes in March.</p></body></html>")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    paths = [str(tmp_path), str(tmp_path / "missing.txt")]
    assert count_documents(paths) == len(list(read_sources(paths))) == 7
    (tmp_path / "packed.txt").write_text("one story ||||| another copy of it")
    assert count_documents(paths) is None  # a Multi-News file holds several documents
    (tmp_path / "packed.txt").unlink()
    (tmp_path / "more.jsonl").write_text('{"text": "one"}\n{"text": "two"}\n')
    assert count_documents(paths) is None
    assert count_documents(["-"]) is None
