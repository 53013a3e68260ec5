"""The state codec: the clusterer's state as bytes and back, so a restart or a store continues.

Values are serialised, never text: each record (Header, Story, Member) becomes a dict,
each dict one line of JSON (JSON Lines), zlib-compressed (level 1: a snapshot costs
about its size). A story's block is its line followed by one line per kept member
(`"members"` counts them); a member never changes, so its line is encoded once and
cached on it, and a story's block is cached until the story changes.

- a whole state (`encode_whole`): the header line (`"part": "whole"`, with the summed
  embeddings), then every story's block;
- a state in parts (what a store keeps): the header (`"part": "header"`) and one
  block per story row, with that row's summed embedding as float32 bytes beside it.

Version 6 writes the header of a state in parts as msgpack, not compressed: a store
rewrites it with every batch and it carries every document frequency, so JSON and zlib
cost 40 ms a batch at 60,000 terms, msgpack 6 ms (bench/ingest_throughput.py); story
rows and whole states are as in version 5. Version 5 headers (zlib JSON) are still read.
Version 4 (newsweave up to 63a4f21) wrote each part as one JSON object, members
inside their story, and weights as `w_*` settings fields: it is still read. Versions
1-3 scored otherwise and raise OldStateError (the store replays its articles); any
unreadable state raises ClusterStateError, a NewsweaveError the CLI and API report.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import msgpack
import numpy as np

from newsweave.cluster.records import SUMS, Member, Story
from newsweave.cluster.settings import ClusterSettings
from newsweave.errors import ClusterStateError

# 6: the header of a state in parts as msgpack; 5: JSON Lines, weights keyed by feature
# name; 4: one JSON object a part, w_* weights
STATE_VERSION = 6
READABLE = (4, 5, 6)
# The settings fields of a version 4 state that held a weight, by feature name.
_V4_WEIGHT_FIELDS = {
    "w_body": "body",
    "w_lead": "lead",
    "w_names": "names",
    "w_lead_names": "lead_names",
    "w_number": "numbers",
    "w_date": "dates",
    "w_year": "year_agree",
    "w_year_conflict": "year_conflict",
    "w_names_missing": "names_missing",
    "w_embed": "embed",
}
# What a damaged state raises while it is decoded: each becomes a ClusterStateError.
_DECODE_ERRORS = (
    zlib.error,
    UnicodeDecodeError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    binascii.Error,
    msgpack.UnpackException,
)


class OldStateError(ClusterStateError):
    """A clusterer state written by an earlier newsweave: replay the articles instead."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"cluster state version {version} predates this newsweave's scoring "
            f"(version {STATE_VERSION})"
        )
        self.version = version


@dataclass(frozen=True)
class Header:
    """The global part of a state: settings, document frequencies, the number of stories."""

    settings: ClusterSettings
    n_docs: int
    df: Counter[str]
    name_df: Counter[str]
    story_rows: int
    sums_dim: int  # width of the summed lead embeddings kept per story; 0: none


@dataclass(frozen=True)
class Whole:
    """A whole state decoded: the header, every story, their summed embeddings (a row each)."""

    header: Header
    stories: list[Story]
    sums: np.ndarray


# --- values -> bytes ---------------------------------------------------------------------


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, separators=(",", ":")).encode("utf-8")


def _header_record(header: Header, part: str) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "part": part,
        "settings": asdict(header.settings),
        "n_docs": header.n_docs,
        "df": header.df,
        "name_df": header.name_df,
        "story_rows": header.story_rows,
        "sums_dim": header.sums_dim,
    }


def member_record(m: Member) -> dict[str, Any]:
    """A Member as a JSON object."""
    return {
        "id": m.article_id,
        "date": m.published.isoformat() if m.published else None,
        "units": m.units,
        "numbers": sorted(m.numbers),
        "dates": sorted(m.dates),
        "years": sorted(m.years),
        "salient": list(m.salient),
        "vector": (
            base64.b64encode(np.asarray(m.vector, np.float32).tobytes()).decode("ascii")
            if m.vector is not None
            else None
        ),
        "language": m.language,
    }


def story_record(story: Story) -> dict[str, Any]:
    """A Story as a JSON object, its members counted (their lines follow it)."""
    record: dict[str, Any] = {"id": story.story_id, "size": story.size}
    record.update((name, getattr(story, name)) for name in (*SUMS, "totals"))
    record["first"] = story.first.isoformat() if story.first else None
    record["last"] = story.last.isoformat() if story.last else None
    record["alive"] = story.alive
    record["active"] = story.active
    record["members"] = None if story.members is None else len(story.members)
    return record


def _member_line(m: Member) -> bytes:
    if m.encoded is None:  # a member's record never changes: encoded once
        m.encoded = _line(member_record(m))
    return m.encoded


def _story_block(story: Story) -> bytes:
    """A story's line and its members' lines, cached on the story until it changes."""
    if story.encoded is None:
        lines = [_line(story_record(story))]
        lines += [_member_line(m) for m in story.members or ()]
        story.encoded = b"\n".join(lines)
    return story.encoded


def encode_header(header: Header) -> bytes:
    """The header of a state in parts (msgpack; floats and counts exact)."""
    record = _header_record(header, "header")
    record["df"], record["name_df"] = dict(header.df), dict(header.name_df)
    return msgpack.packb(record)


def encode_story(story: Story) -> bytes:
    """One story row of a state in parts.

    The block is not cached on the story (a store rewrites a story only when it changed,
    so the cache would only hold memory: every quiet story's block, for ever); its
    members' lines are.
    """
    block = story.encoded
    if block is None:
        lines = [_line(story_record(story))]
        lines += [_member_line(m) for m in story.members or ()]
        block = b"\n".join(lines)
    return zlib.compress(block, 1)


def encode_whole(header: Header, stories: list[Story], sums: np.ndarray) -> bytes:
    """A whole state: the header with the summed embeddings, then every story."""
    sums = np.ascontiguousarray(sums, dtype=np.float32)
    record = _header_record(header, "whole")
    record["sums_shape"] = list(sums.shape)
    record["sums"] = base64.b64encode(sums.tobytes()).decode("ascii")
    blocks = [_line(record), *(_story_block(s) for s in stories)]
    return zlib.compress(b"\n".join(blocks), 1)


# --- bytes -> values ---------------------------------------------------------------------


def _lines(blob: bytes, what: str) -> list[dict[str, Any]]:
    try:
        lines = [json.loads(line) for line in zlib.decompress(blob).split(b"\n")]
    except _DECODE_ERRORS as exc:
        raise ClusterStateError(f"{what} is not readable ({exc})") from None
    if not all(isinstance(line, dict) for line in lines):
        raise ClusterStateError(f"{what} is not readable (not JSON objects)")
    return lines


def _check_version(record: dict[str, Any]) -> int:
    version = record.get("version")
    if isinstance(version, int) and 1 <= version < READABLE[0]:
        raise OldStateError(version)
    if version not in READABLE:
        raise ClusterStateError(
            f"cluster state version {version} is not one this newsweave reads "
            f"(up to {STATE_VERSION}); re-ingest into a new store"
        )
    return version


def _settings(record: dict[str, Any], version: int) -> ClusterSettings:
    fields = dict(record)
    if version == 4:
        weights = {
            _V4_WEIGHT_FIELDS[k]: fields.pop(k) for k in list(fields) if k in _V4_WEIGHT_FIELDS
        }
        fields["weights"] = weights
    return ClusterSettings(**fields)


def _header(record: dict[str, Any], version: int, rows: int) -> Header:
    return Header(
        _settings(record["settings"], version),
        int(record["n_docs"]),
        Counter(record["df"]),
        Counter(record["name_df"]),
        rows,
        int(record.get("sums_dim", 0)),
    )


def member_from_record(record: dict[str, Any]) -> Member:
    """A Member from `member_record`'s JSON object."""
    vector = record["vector"]
    return Member(
        record["id"],
        datetime.date.fromisoformat(record["date"]) if record["date"] else None,
        record["units"],
        set(record["numbers"]),
        set(record["dates"]),
        set(record["years"]),
        tuple(record["salient"]),
        np.frombuffer(base64.b64decode(vector), np.float32) if vector else None,
        record.get("language", "en"),  # states written before languages were kept
    )


def _stories(lines: Iterator[dict[str, Any]]) -> Iterator[Story]:
    """Stories from their lines (version 5) or objects with members inside (version 4)."""
    for record in lines:
        members = record["members"]
        if isinstance(members, int):
            members = [next(lines, None) for _ in range(members)]
            if members and members[-1] is None:
                raise ValueError("cut short: fewer members than counted")
        story = Story(
            story_id=record["id"],
            size=record["size"],
            first=datetime.date.fromisoformat(record["first"]) if record["first"] else None,
            last=datetime.date.fromisoformat(record["last"]) if record["last"] else None,
            alive=record["alive"],
            active=record["active"],
            members=None if members is None else [member_from_record(m) for m in members],
        )
        for name in (*SUMS, "totals"):
            setattr(story, name, Counter(record[name]))
        yield story


def decode(state: bytes) -> Header | Whole:
    """A header of a state in parts, or a whole state (OldStateError if of an older scoring)."""
    if state[:1] and (0x80 <= state[0] <= 0x8F or state[0] in (0xDE, 0xDF)):
        return _packed_header(state)  # a msgpack map: a version 6 header
    first, *rest = _lines(state, "cluster state")
    version = _check_version(first)
    try:
        whole = first.get("part") == "whole" or isinstance(first.get("stories"), list)
        if not whole:
            return _header(first, version, int(first["story_rows"]))
        stories = list(_stories(iter(first["stories"] if version == 4 else rest)))
        raw = base64.b64decode(first["sums"])
        sums = np.frombuffer(raw, dtype=np.float32).reshape(first["sums_shape"]).copy()
        return Whole(_header(first, version, len(stories)), stories, sums)
    except _DECODE_ERRORS as exc:
        raise ClusterStateError(f"cluster state is not readable ({exc!r})") from None


def _packed_header(state: bytes) -> Header:
    try:
        record = msgpack.unpackb(state)
    except _DECODE_ERRORS as exc:
        raise ClusterStateError(f"cluster state is not readable ({exc!r})") from None
    if not isinstance(record, dict):
        raise ClusterStateError("cluster state is not readable (not a header)")
    version = _check_version(record)
    try:
        return _header(record, version, int(record["story_rows"]))
    except _DECODE_ERRORS as exc:
        raise ClusterStateError(f"cluster state is not readable ({exc!r})") from None


def decode_story(row: int, blob: bytes) -> Story:
    """One story row of a state in parts (as version 4 or 5 wrote it)."""
    what = f"cluster state story row {row}"
    lines = _lines(blob, what)
    try:
        (story,) = _stories(iter(lines))
    except _DECODE_ERRORS as exc:
        raise ClusterStateError(f"{what} is not readable ({exc!r})") from None
    return story
