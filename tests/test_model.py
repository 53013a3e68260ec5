"""Typed provenance (model.py): each closed set in one Literal, documented, and true to
where a value really came from."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from newsweave import model
from newsweave.analyze.timeline import NO_EVENT_PRECISIONS
from newsweave.cli import app

SCHEMA_DOC = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")


def doc_row(field: str) -> str:
    # the article and briefing fields (a stored story's own `kind` is documented further on)
    fields = SCHEMA_DOC.split("## Stored stories", 1)[0]
    (row,) = [line for line in fields.splitlines() if line.startswith(f"| `{field}` |")]
    return row


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("outlet_source", get_args(model.OutletSource)),
        ("published_source", get_args(model.PublishedSource)),
        ("speaker_via", get_args(model.SpeakerVia)),
        ("kind", get_args(model.QuoteKind)),
        ("precision", [p for p in get_args(model.Precision) if p not in NO_EVENT_PRECISIONS]),
    ],
)
def test_every_allowed_value_is_documented(field, values):
    documented = set(re.findall(r"`([a-z-]+)`", doc_row(field)))
    assert set(values) <= documented


def test_actor_and_conflict_kinds_are_documented():
    actors = SCHEMA_DOC.split("`actors[]`", 1)[1].split("\n\n", 1)[0]
    conflicts = SCHEMA_DOC.split("`conflicts`", 1)[1].split("\n\n", 1)[0]
    assert all(f"`{k}`" in actors for k in get_args(model.ActorKind))
    assert all(f"`{k}`" in conflicts for k in get_args(model.ConflictKind))


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Portvale Gazette</title>
<item><title>Harbour bridge to close for repairs</title>
<link>https://portvale-gazette.example/bridge</link>
<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description><![CDATA[<p>PORTVALE - The city council voted 7-2 on Tuesday to close the Old
Harbour Bridge for six months of repairs after inspectors found corroded cables under the
deck, the council's transport office said.</p>
<p>Ferries will run every 20 minutes while the bridge is shut, and the closure will cost an
estimated 14 million euros, according to the office.</p>]]></description></item>
</channel></rss>
"""


def test_a_feed_outlet_is_labelled_feed_and_a_jsonl_one_jsonl(tmp_path):
    import json

    (tmp_path / "gazette.xml").write_text(FEED)
    text = (
        "The city council voted on Tuesday to close the Old Harbour Bridge for six months of "
        "repairs after inspectors found corroded cables under the deck of the bridge."
    )
    record = {"text": text, "outlet": "Portvale Post"}
    (tmp_path / "post.jsonl").write_text(json.dumps(record | {"published": "2026-03-03"}) + "\n")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    by_outlet = {r["outlet"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert by_outlet["Portvale Gazette"]["outlet_source"] == "feed"
    assert by_outlet["Portvale Gazette"]["published_source"] == "feed"
    assert by_outlet["Portvale Post"]["outlet_source"] == "jsonl"
    assert by_outlet["Portvale Post"]["published_source"] == "jsonl"
