"""The clusterer's state as bytes and back: what a restart or a store needs to continue."""

from __future__ import annotations

import base64
import datetime
import json
import zlib
from dataclasses import asdict
from typing import Any

import numpy as np

from newsweave.cluster.records import SUMS, Member, Story
from newsweave.cluster.settings import ClusterSettings
from newsweave.errors import ClusterStateError

# 5: weights keyed by feature name; 4: the same state with weights as w_* settings fields
STATE_VERSION = 5
READABLE = (4, 5)
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


def member_json(m: Member) -> str:
    """A member as JSON, computed once: a member's record never changes."""
    if m.json is None:
        m.json = json.dumps(member_record(m), separators=(",", ":"))
    return m.json


def member_record(m: Member) -> dict[str, Any]:
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
    }


def member_from_json(record: dict[str, Any]) -> Member:
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
    )


def story_json(story: Story) -> str:
    """One story of the state as JSON, cached on the story until it changes."""
    if story.json is None:
        record: dict[str, Any] = {"id": story.story_id, "size": story.size}
        record.update((name, getattr(story, name)) for name in (*SUMS, "totals"))
        record["first"] = story.first.isoformat() if story.first else None
        record["last"] = story.last.isoformat() if story.last else None
        record["alive"] = story.alive
        record["active"] = story.active
        record["members"] = None
        text = json.dumps(record, separators=(",", ":"))
        if story.members is not None:  # members never change: each is serialised once
            members = ",".join(member_json(m) for m in story.members)
            text = text[: -len('"members":null}')] + f'"members":[{members}]}}'
        story.json = text
    return story.json


def read_state(state: bytes) -> dict[str, Any]:
    """The JSON of a state or header, checked to be of this version (OldStateError if older)."""
    try:
        data = json.loads(zlib.decompress(state).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise ClusterStateError(f"cluster state is not readable ({exc})") from exc
    if not isinstance(data, dict):
        raise ClusterStateError("cluster state is not readable (not a JSON object)")
    version = data.get("version")
    if isinstance(version, int) and 1 <= version < READABLE[0]:
        raise OldStateError(version)
    if version not in READABLE:
        raise ClusterStateError(
            f"cluster state version {version} is not one this newsweave reads "
            f"(up to {STATE_VERSION}); re-ingest into a new store"
        )
    return data


class OldStateError(ClusterStateError):
    """A clusterer state written by an earlier newsweave: replay the articles instead."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"cluster state version {version} predates this newsweave's scoring "
            f"(version {STATE_VERSION})"
        )
        self.version = version


def settings_record(settings: ClusterSettings) -> dict[str, Any]:
    """ClusterSettings as a JSON object."""
    return asdict(settings)


def settings_from_record(record: dict[str, Any], version: int) -> ClusterSettings:
    """The ClusterSettings a state saved (version 4 kept each weight as a field)."""
    fields = dict(record)
    if version == 4:
        weights = {
            _V4_WEIGHT_FIELDS[k]: fields.pop(k) for k in list(fields) if k in _V4_WEIGHT_FIELDS
        }
        fields["weights"] = weights
    try:
        return ClusterSettings(**fields)
    except (TypeError, ValueError) as exc:
        raise ClusterStateError(f"cluster state settings are not readable ({exc})") from None
