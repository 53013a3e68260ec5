"""Online story clustering: real articles in, stable story ids out."""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import zlib
from datetime import date
from itertools import repeat
from operator import mul
from pathlib import Path

import msgpack
import numpy as np
import pytest
from conftest import EXAMPLES, GULLS_OKAFOR, GULLS_VELDER, need

from newsweave.cluster import (
    FEATURES,
    Assignment,
    ClusterInput,
    ClusterSettings,
    ClusterStateError,
    OldStateError,
    OnlineClusterer,
    state,
)
from newsweave.cluster.dots import StoryDots
from newsweave.encoder import encode
from newsweave.pipeline import extract


def _item(article_id: str, title: str, text: str, published: date | None = None) -> ClusterInput:
    return ClusterInput(article_id, title, text, published)


# Short articles on three invented events, two reports each, written for these tests.
DAM = [
    _item(
        "dam0000001",
        "Orlava dam gives way, flooding three villages in the Sennet valley",
        "The Orlava dam on the Sennet river collapsed early on Tuesday after a week of heavy "
        "rain, sending a wall of water through the villages of Brask, Tolme and Hevrin.\n\n"
        "Rescue crews said 14 people were missing and about 2,600 residents had been moved "
        "to schools in Kadrun. The dam, built in 1962, had been listed for repairs.",
        date(2026, 4, 14),
    ),
    _item(
        "dam0000002",
        "Search for missing continues after Orlava dam collapse",
        "Divers and helicopters searched the flooded Sennet valley on Wednesday for the 14 "
        "people still missing after the Orlava dam burst.\n\nThe regional governor of Kadrun "
        "said engineers had warned in 2024 that the spillway of the Orlava dam was cracked, "
        "and that residents of Brask and Tolme would be housed in Kadrun for weeks.",
        None,
    ),
]
TRANSFER = [
    _item(
        "fc00000001",
        "Aldmoor United sign striker Tiago Revell for record fee",
        "Aldmoor United have signed the Portuguese striker Tiago Revell from Castel Verde "
        "for a club-record fee of 62 million euros, the club said on Thursday.\n\nRevell, 24, "
        "scored 31 goals last season and has agreed a five-year contract. Aldmoor manager "
        "Pia Lindqvist called him the final piece of the squad.",
        date(2026, 4, 16),
    ),
    _item(
        "fc00000002",
        "Revell completes medical as Aldmoor seal 62m euro deal",
        "Tiago Revell passed his medical at Aldmoor United on Thursday, completing his move "
        "from Castel Verde for 62 million euros.\n\nThe striker, who scored 31 league goals "
        "last season, said he had dreamed of playing for Aldmoor. Castel Verde will use the "
        "money to rebuild their defence, their sporting director said.",
        date(2026, 4, 17),
    ),
]
ELECTION = [
    _item(
        "vote000001",
        "Harrow Alliance wins Vessland election as turnout slumps",
        "The Harrow Alliance led by Margit Osk won 41 percent of the vote in Sunday's general "
        "election in Vessland, the electoral commission said, with turnout at 58 percent, "
        "the lowest since 1991.\n\nOsk said she would seek a coalition with the Green Left "
        "before parliament meets in Ostavia next month.",
        date(2026, 4, 13),
    ),
    _item(
        "vote000002",
        "Osk opens coalition talks after Vessland vote",
        "Margit Osk, whose Harrow Alliance came first in Vessland's general election with 41 "
        "percent, opened coalition talks with the Green Left on Monday in Ostavia.\n\nTurnout "
        "of 58 percent was the lowest since 1991, the electoral commission in Ostavia said.",
        date(2026, 4, 14),
    ),
]


VELDER = [_item(f"gull-v{i:04d}", *report) for i, report in enumerate(GULLS_VELDER)]
OKAFOR = [_item(f"gull-o{i:04d}", *report) for i, report in enumerate(GULLS_OKAFOR)]


@pytest.fixture(scope="module")
def fire() -> list[ClusterInput]:
    articles = extract([need(EXAMPLES / "kestrelholm-fire")]).articles
    assert len(articles) == 5
    return [
        ClusterInput(f"fire{i:06d}", a.title, a.text, a.published) for i, a in enumerate(articles)
    ]


@pytest.fixture(scope="module")
def corpus(fire) -> list[ClusterInput]:
    encode(["warm up"])  # load the encoder once for the module
    # interleaved, as a feed would deliver them
    return [fire[0], DAM[0], TRANSFER[0], fire[1], ELECTION[0], fire[2], DAM[1], fire[3]] + [
        TRANSFER[1],
        ELECTION[1],
        fire[4],
    ]


def _partition(items: list[ClusterInput], assignments: list[Assignment]) -> set[frozenset[str]]:
    story_of: dict[str, str] = {}
    for item, a in zip(items, assignments, strict=True):
        for art, story in story_of.items():
            if story in a.merged:
                story_of[art] = a.story_id
        story_of[item.article_id] = a.story_id
    groups: dict[str, set[str]] = {}
    for art, story in story_of.items():
        groups.setdefault(story, set()).add(art)
    return {frozenset(g) for g in groups.values()}


EXPECTED = {
    frozenset(f"fire{i:06d}" for i in range(5)),
    frozenset(x.article_id for x in DAM),
    frozenset(x.article_id for x in TRANSFER),
    frozenset(x.article_id for x in ELECTION),
}


def test_fire_articles_share_a_story_and_other_events_get_their_own(corpus):
    assignments = OnlineClusterer(encode=encode).add_many(corpus)
    assert _partition(corpus, assignments) == EXPECTED
    by_id = {x.article_id: a.story_id for x, a in zip(corpus, assignments, strict=True)}
    assert by_id["fire000000"] == "s-fire000000"  # named after the story's first article
    assert by_id["dam0000002"] == "s-dam0000001"  # an undated article joins a dated story
    assert all(a.merged == () for a in assignments)


def test_partition_does_not_depend_on_input_order(corpus):
    for seed in range(3):
        shuffled = corpus[:]
        random.Random(seed).shuffle(shuffled)
        assignments = OnlineClusterer(encode=encode).add_many(shuffled)
        assert _partition(shuffled, assignments) == EXPECTED


def test_same_order_gives_same_ids(corpus):
    first = OnlineClusterer(encode=encode).add_many(corpus)
    second = [OnlineClusterer(encode=encode).add(x) for x in corpus[:1]]
    clusterer = OnlineClusterer(encode=encode)
    second = [clusterer.add(x) for x in corpus]  # one at a time: same as the batch
    assert first == second


def test_restart_from_state_continues_identically(corpus):
    whole = OnlineClusterer(encode=encode).add_many(corpus)
    head = OnlineClusterer(encode=encode)
    before = head.add_many(corpus[:6])
    resumed = OnlineClusterer.from_state(head.to_state(), encode=encode)
    after = resumed.add_many(corpus[6:])
    assert before + after == whole
    assert resumed.to_state() == OnlineClusterer.from_state(resumed.to_state()).to_state()


def test_undated_articles_cluster(fire):
    undated = [dataclasses.replace(x, published=None) for x in fire]
    assignments = OnlineClusterer(encode=encode).add_many(undated)
    assert {a.story_id for a in assignments} == {"s-fire000000"}


def test_time_window_keeps_a_stale_story_apart():
    late = dataclasses.replace(DAM[1], article_id="dam0000009", published=date(2026, 9, 1))
    assignments = OnlineClusterer(encode=encode).add_many([DAM[0], late])
    assert assignments[1].story_id != assignments[0].story_id


# A blackout and a substation fire reported apart, then one article that ties them together.
BLACKOUT = [
    _item(
        "blk0000001",
        "Blackout leaves Lorvik without power",
        "Most of Lorvik lost electricity on Friday evening. Trams stopped, traffic lights went "
        "dark and the Lorvik city hospital ran on generators.\n\nThe grid operator Nordnet said "
        "power would return overnight for most of the 90,000 homes affected.",
        date(2026, 4, 17),
    ),
    _item(
        "blk0000002",
        "Lorvik hospital on generators as power cut hits 90,000 homes",
        "A power cut across Lorvik left 90,000 homes dark on Friday. Nordnet, the grid "
        "operator, said crews were working to restore electricity, and that the city "
        "hospital was running on generators.",
        date(2026, 4, 17),
    ),
]
SUBSTATION = [
    _item(
        "sub0000001",
        "Fire breaks out at Hessel substation",
        "Firefighters fought a blaze at the Hessel electrical substation on Friday evening. "
        "Thick smoke rose over the Hessel industrial estate and nearby streets were closed.\n\n"
        "Fire chief Anja Rudd said a transformer had caught fire.",
        date(2026, 4, 17),
    ),
    _item(
        "sub0000002",
        "Transformer fire at Hessel substation put out",
        "A transformer fire at the Hessel substation was put out after three hours, fire "
        "chief Anja Rudd said on Friday night. Nobody was hurt.",
        date(2026, 4, 17),
    ),
]
BRIDGE = _item(
    "brg0000001",
    "Hessel substation fire caused Lorvik blackout, Nordnet says",
    "The blackout that left 90,000 homes in Lorvik without power on Friday evening was caused "
    "by a transformer fire at the Hessel substation, the grid operator Nordnet said. Trams "
    "stopped and the Lorvik city hospital ran on generators.\n\nFire chief Anja Rudd said the "
    "transformer fire at the Hessel substation was put out after three hours and nobody was "
    "hurt. Nordnet said electricity had been restored to most homes overnight.",
    date(2026, 4, 18),
)


def test_bridging_article_merges_two_stories():
    clusterer = OnlineClusterer(encode=encode)
    before = clusterer.add_many(BLACKOUT + SUBSTATION)
    assert [a.story_id for a in before] == ["s-blk0000001"] * 2 + ["s-sub0000001"] * 2
    bridge = clusterer.add(BRIDGE)
    assert bridge == Assignment("s-blk0000001", merged=("s-sub0000001",))  # the older id stays
    assert clusterer.stories == {"s-blk0000001": 5}
    later = clusterer.add(dataclasses.replace(SUBSTATION[1], article_id="sub0000003"))
    assert later == Assignment("s-blk0000001")


def test_precomputed_embedding_is_used_instead_of_the_encoder():
    calls: list[int] = []

    def encode(texts):
        calls.append(len(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    clusterer = OnlineClusterer(ClusterSettings().with_weights(embed=0.1), encode=encode)
    given = ClusterInput(
        "a" * 40,
        "Dam fails above Orsk",
        "The dam above Orsk failed.",
        None,
        embedding=np.ones(4, dtype=np.float32),
    )
    plain = ClusterInput(
        "b" * 40, "Dam fails above Orsk", "The dam above Orsk failed at dawn.", None
    )
    clusterer.add_many([given, plain])
    assert calls == [1]  # only the article without a vector was encoded


def test_default_settings_never_call_the_encoder():
    def encode(texts):
        raise AssertionError("the encoder was called")

    assignments = OnlineClusterer(encode=encode).add_many(DAM + TRANSFER)
    assert [a.story_id for a in assignments] == ["s-dam0000001"] * 2 + ["s-fc00000001"] * 2


# Two invented earthquakes of the same week, two reports each: same kind of event, different
# towns, magnitudes and tolls. They must not share a story; reports of one quake must.
QUAKES = [
    _item(
        "qk-velm-01",
        "Magnitude 6.1 earthquake kills 23 in Velmora",
        "A magnitude 6.1 earthquake struck the hill town of Velmora before dawn on Monday, "
        "killing 23 people and collapsing the bell tower of the Santa Irene church, the "
        "civil protection agency said.\n\nMayor Corrado Baldi said 400 residents had spent "
        "the night in tents on the Velmora football ground.",
        date(2026, 3, 9),
    ),
    _item(
        "qk-tash-01",
        "Earthquake of magnitude 5.4 hits Tashkel, 7 dead",
        "An earthquake of magnitude 5.4 shook the port city of Tashkel on Thursday, killing "
        "seven people when a warehouse roof fell in at the Ostrin docks, regional governor "
        "Nadia Ferhat said.\n\nThe Tashkel harbour was closed while engineers checked the "
        "quay walls.",
        date(2026, 3, 12),
    ),
    _item(
        "qk-velm-02",
        "Velmora death toll rises to 23 as aftershocks rattle town",
        "Rescuers in Velmora pulled a last body from the rubble on Tuesday, bringing the toll "
        "of Monday's magnitude 6.1 earthquake to 23, civil protection officials said. Mayor "
        "Corrado Baldi asked for more tents as aftershocks kept residents outdoors, and the "
        "Santa Irene church tower was declared beyond repair.",
        date(2026, 3, 10),
    ),
    _item(
        "qk-tash-02",
        "Tashkel docks reopen after deadly quake",
        "Part of the Ostrin docks in Tashkel reopened on Saturday, two days after the "
        "magnitude 5.4 earthquake that killed seven warehouse workers. Governor Nadia Ferhat "
        "said the quay walls of the Tashkel harbour had held.",
        date(2026, 3, 14),
    ),
]


def test_two_earthquakes_in_one_week_stay_apart():
    for seed in range(4):
        items = QUAKES[:]
        random.Random(seed).shuffle(items)
        assignments = OnlineClusterer().add_many(items)
        assert _partition(items, assignments) == {
            frozenset({"qk-velm-01", "qk-velm-02"}),
            frozenset({"qk-tash-01", "qk-tash-02"}),
        }


def _lines(blob: bytes) -> list[dict]:
    """A state or a part of one as the JSON objects it holds, one a line (cluster.state)."""
    return [json.loads(line) for line in zlib.decompress(blob).split(b"\n")]


def _pack(lines: list[dict]) -> bytes:
    return zlib.compress(b"\n".join(json.dumps(line).encode() for line in lines))


def test_earlier_state_versions_ask_for_a_replay_and_an_unknown_one_is_refused():
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM[:1] + TRANSFER)
    lines = _lines(clusterer.to_state())
    for version in (1, 2):  # the scoring before average-link sums: other story fields
        lines[0]["version"] = version
        with pytest.raises(OldStateError, match=f"version {version} predates"):
            OnlineClusterer.from_state(_pack(lines))
    lines[0]["version"] = 99
    with pytest.raises(ClusterStateError, match="version 99") as caught:
        OnlineClusterer.from_state(_pack(lines))
    assert not isinstance(caught.value, OldStateError)


def test_a_damaged_state_raises_a_cluster_state_error_naming_the_part():
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM)
    lines = _lines(clusterer.to_state())
    assert lines[1]["members"] == 2  # the story's line, then one line per member
    with pytest.raises(ClusterStateError, match="not readable .*fewer members than counted"):
        OnlineClusterer.from_state(_pack(lines[:-1]))
    lines[0]["settings"]["w_body"] = 1.0  # a version 4 field in a version 5 state
    with pytest.raises(ClusterStateError, match="w_body"):
        OnlineClusterer.from_state(_pack(lines))
    delta = clusterer.state_delta()
    ((row, blob, _),) = delta.stories
    with pytest.raises(ClusterStateError, match="story row 0 is not readable"):
        OnlineClusterer.from_parts(delta.header, [(row, blob[:-9], None)])


def test_add_to_places_an_article_and_reports_its_features():
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM[:1] + TRANSFER)
    seen: list[tuple[list[str], np.ndarray]] = []
    placed = clusterer.add_to(
        DAM[1], "s-fc00000001", on_features=lambda ids, m: seen.append((ids, m))
    )
    assert placed == Assignment("s-fc00000001")  # where it was put, not where it fits best
    ids, matrix = seen[0]
    assert matrix.shape == (len(ids), len(FEATURES))
    by_story = dict(zip(ids, matrix, strict=True))
    body, names = FEATURES.index("body"), FEATURES.index("names")
    # the dam report is far closer to the dam story than to the transfer story
    assert by_story["s-dam0000001"][body] > 2 * by_story.get("s-fc00000001", np.zeros(9))[body]
    assert by_story["s-dam0000001"][names] > 0.3
    assert clusterer.stories == {"s-dam0000001": 1, "s-fc00000001": 3}


def _story_rows(delta) -> dict[int, dict]:
    return {row: _lines(data)[0] for row, data, _ in delta.stories}


def test_state_delta_carries_only_the_stories_that_changed():
    clusterer = OnlineClusterer()
    clusterer.add_many([DAM[0], TRANSFER[0], ELECTION[0]])
    first = clusterer.state_delta()
    assert {row: s["id"] for row, s in _story_rows(first).items()} == {
        0: "s-dam0000001",
        1: "s-fc00000001",
        2: "s-vote000001",
    }
    assert clusterer.state_delta().stories == []  # nothing changed since
    assert clusterer.add(DAM[1]) == Assignment("s-dam0000001")
    delta = clusterer.state_delta()
    assert [(row, s["id"], s["size"]) for row, s in _story_rows(delta).items()] == [
        (0, "s-dam0000001", 2)
    ]
    header = msgpack.unpackb(delta.header)  # version 6: the header is msgpack
    assert (header["version"], header["n_docs"], header["story_rows"], delta.rows) == (6, 4, 3, 3)
    assert header["part"] == "header"
    # a story row is the very lines the whole state holds for that story
    assert zlib.decompress(delta.stories[0][1]) in zlib.decompress(clusterer.to_state())


def _fake_encode(texts):
    """A deterministic 8-d vector per text, so embedding sums take part without MiniLM."""
    return np.stack(
        [np.random.default_rng(sum(map(ord, t))).random(8, dtype=np.float32) for t in texts]
    )


@pytest.mark.parametrize("settings", [ClusterSettings(), ClusterSettings().with_weights(embed=0.5)])
def test_state_rebuilt_from_parts_equals_state_rebuilt_whole(settings):
    clusterer = OnlineClusterer(settings, encode=_fake_encode)
    saved: dict[int, tuple[int, bytes, bytes | None]] = {}  # what a store keeps

    def save():
        delta = clusterer.state_delta()
        saved.update((s[0], s) for s in delta.stories)
        for row in [r for r in saved if r >= delta.rows]:
            del saved[row]
        return delta

    clusterer.add_many(BLACKOUT + SUBSTATION)
    save()
    bridge = clusterer.add(BRIDGE)
    assert bridge.merged == ("s-sub0000001",)
    delta = save()
    assert sorted(_story_rows(delta)) == [0, 1]  # the fold changed both stories, no other
    assert _story_rows(delta)[1]["alive"] is False
    clusterer.add_many(DAM)
    delta = save()
    assert sorted(_story_rows(delta)) == [2]
    if settings.embeds:
        assert all(len(emb) == 4 * 8 for _, _, emb in delta.stories)
    else:
        assert all(emb is None for _, _, emb in delta.stories)

    from_parts = OnlineClusterer.from_parts(
        delta.header, [saved[row] for row in sorted(saved)], encode=_fake_encode
    )
    whole = OnlineClusterer.from_state(clusterer.to_state(), encode=_fake_encode)
    assert from_parts.to_state() == whole.to_state() == clusterer.to_state()
    assert from_parts.state_delta().stories == []  # rebuilt: nothing unsaved
    # both continue identically
    later = dataclasses.replace(SUBSTATION[1], article_id="sub0000003")
    assert from_parts.add(later) == whole.add(later) == Assignment("s-blk0000001")
    assert from_parts.to_state() == whole.to_state()


def test_whole_state_read_as_parts_marks_every_story_unsaved_and_gaps_are_refused():
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM + TRANSFER)
    state = clusterer.to_state()
    legacy = OnlineClusterer.from_parts(state, [])  # a store written before parts
    assert legacy.to_state() == state
    delta = legacy.state_delta()
    assert sorted(_story_rows(delta)) == [0, 1]
    with pytest.raises(ClusterStateError, match="use from_parts"):
        OnlineClusterer.from_state(delta.header)
    with pytest.raises(ClusterStateError, match="1 story rows, not the 2"):
        OnlineClusterer.from_parts(delta.header, delta.stories[1:])


def test_an_earlier_state_version_in_a_parts_header_asks_for_a_replay():
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM)
    delta = clusterer.state_delta()
    data = msgpack.unpackb(delta.header)
    data["version"] = 2
    with pytest.raises(OldStateError, match="version 2 predates"):
        OnlineClusterer.from_parts(msgpack.packb(data), delta.stories)
    with pytest.raises(OldStateError, match="version 2 predates"):  # as zlib JSON wrote it
        OnlineClusterer.from_parts(_pack([data]), delta.stories)


def test_a_version_5_header_is_still_read():
    """A store written before version 6 holds its header as zlib JSON: it reads the same."""
    clusterer = OnlineClusterer()
    clusterer.add_many(DAM)
    delta = clusterer.state_delta()
    data = msgpack.unpackb(delta.header) | {"version": 5}
    old = OnlineClusterer.from_parts(_pack([data]), delta.stories)
    new = OnlineClusterer.from_parts(delta.header, delta.stories)
    assert old.to_state() == new.to_state()
    assert old.add(DAM[1]) == new.add(DAM[1])


def test_two_arrests_of_one_team_stay_two_stories():
    clusterer = OnlineClusterer()
    stream = [VELDER[0], OKAFOR[0], VELDER[1], OKAFOR[1], VELDER[2], OKAFOR[2]]
    assert [clusterer.add(x).final for x in stream] == [
        "s-gull-v0000",
        "s-gull-o0000",
    ] * 3


@pytest.mark.parametrize("restored", [False, True])
def test_a_story_holding_two_events_splits_when_it_is_reclustered(restored):
    clusterer = OnlineClusterer()
    # an early wrong join, placed by hand: one Velder report, one Okafor report, one Velder
    for x in (VELDER[0], OKAFOR[0], VELDER[1]):
        clusterer.add_to(x, "s-wrong")
    if restored:  # the members survive a restart, so the story can still split
        clusterer = OnlineClusterer.from_state(clusterer.to_state())
    # The second Okafor report is drawn in by the first (the story's average holds it);
    # with it the story has 4 members, is re-clustered, and the Okafor pair splits off.
    assignment = clusterer.add(OKAFOR[1])
    assert assignment == Assignment(
        "s-wrong", (), (("s-gull-o0000", ("gull-o0000", "gull-o0001")),)
    )
    assert assignment.final == "s-gull-o0000"
    assert clusterer.stories == {"s-wrong": 2, "s-gull-o0000": 2}
    assert clusterer.add(VELDER[2]).final == "s-wrong"
    assert clusterer.add(OKAFOR[2]).final == "s-gull-o0000"


def test_without_reclustering_the_wrong_story_keeps_growing():
    clusterer = OnlineClusterer(ClusterSettings(split_every=0))
    for x in (VELDER[0], OKAFOR[0], VELDER[1]):
        clusterer.add_to(x, "s-wrong")
    assert clusterer.add(OKAFOR[1]) == Assignment("s-wrong")
    assert clusterer.stories == {"s-wrong": 4}


def test_quiet_stories_stop_keeping_their_members():
    clusterer = OnlineClusterer(ClusterSettings(split_idle=2))
    for item in (DAM[0], TRANSFER[0], ELECTION[0], ELECTION[1]):
        clusterer.add(item)
    # at the 4th article the dam story has had none for 3 arrivals: more than split_idle
    whole = state.decode(clusterer.to_state())
    members = {s.story_id: s.members for s in whole.stories}
    assert members["s-dam0000001"] is None
    assert [m.article_id for m in members["s-fc00000001"]] == ["fc00000001"]
    assert [m.article_id for m in members["s-vote000001"]] == ["vote000001", "vote000002"]
    # a restored clusterer goes on from there
    restored = OnlineClusterer.from_state(clusterer.to_state())
    assert restored.to_state() == clusterer.to_state()


def test_a_state_written_by_version_4_still_loads_and_scores_as_it_did():
    # tests/data/cluster_state_v4.json: DAM[:1] + TRANSFER as newsweave 63a4f21 saved
    # them (weights as w_* settings), whole and in parts, and what it then computed
    saved = json.loads((Path(__file__).parent / "data" / "cluster_state_v4.json").read_text())
    whole = OnlineClusterer.from_state(base64.b64decode(saved["whole"]))
    rows = [(r, base64.b64decode(b), None) for r, b, _ in saved["rows"]]
    parts = OnlineClusterer.from_parts(base64.b64decode(saved["header"]), rows)
    assert whole.settings == parts.settings == ClusterSettings()
    assert whole.stories == parts.stories == saved["stories"]
    seen = []
    whole.add_to(DAM[1], "s-dam0000001", on_features=lambda ids, m: seen.append((ids, m)))
    assert seen[0][0] == saved["then_features"]["story_ids"]
    width = len(saved["then_features"]["rows"][0])  # the features of 63a4f21, in order
    # as then, up to the idf prior: wordfreq's small lists (cluster/idf.py) give words
    # rarer than 1e-6 a prior of 0 where the large ones gave them under 4e-4 of documents
    then_rows = saved["then_features"]["rows"]
    for now, then in zip(seen[0][1][:, :width].tolist(), then_rows, strict=True):
        assert now == pytest.approx(then, abs=1e-3)
    assert not seen[0][1][:, width:].any()  # features added since (cross-lingual) read 0
    assert parts.add(DAM[1]) == Assignment(saved["then"]["story_id"])


def test_recluster_schedule_thins_out_past_split_dense():
    """Re-clustering every 4 articles up to 64 members, then every 8, then every 16: the
    cost per article of a big live story grows with its size, not with its square."""
    settings = ClusterSettings()
    due = [n for n in range(1, 201) if settings.split_due(n)]
    assert due[:16] == list(range(4, 65, 4))
    assert due[16:] == [72, 80, 88, 96, 104, 112, 120, 128, 144, 160, 176, 192]
    assert [n for n in range(1, 80) if ClusterSettings(split_dense=0).split_due(n)] == list(
        range(4, 80, 4)
    )
    assert not any(ClusterSettings(split_every=0).split_due(n) for n in range(1, 100))


class _LoopDots(StoryDots):
    """The dict loop the cosine features ran before cluster.dots, kept for comparison."""

    def dots(self, name, rows, sums, query):
        terms, weights = list(query), list(query.values())
        return [sum(map(mul, weights, map(s.get, terms, repeat(0.0)))) for s in sums]


def test_story_sums_as_arrays_give_the_dict_loops_floats_bit_for_bit(corpus, monkeypatch):
    import newsweave.cluster.dots

    # every dot product through the arrays (these few stories would go the dict loop)
    monkeypatch.setattr(newsweave.cluster.dots, "ARRAY_MIN", 0)
    monkeypatch.setattr(newsweave.cluster.dots, "ARRAY_SHARE", 0.0)
    fast, slow = OnlineClusterer(), OnlineClusterer()
    slow._dots = _LoopDots()
    # the corpus, then its reports again under new ids: every story grows (and its arrays
    # are rebuilt) after its arrays were first built
    again = [dataclasses.replace(x, article_id="re" + x.article_id) for x in corpus]
    for batch in (corpus[:4], corpus[4:], again[::2], again[1::2]):
        assert fast.add_many(batch) == slow.add_many(batch)
    assert fast._dots._arrays  # the arrays were used
    seen: dict[str, list[tuple[list[str], np.ndarray]]] = {"fast": [], "slow": []}
    for probe in (corpus[0], DAM[1], TRANSFER[0]):
        probe = dataclasses.replace(probe, article_id="probe" + probe.article_id)
        for name, clusterer in (("fast", fast), ("slow", slow)):
            clusterer.add_to(
                probe, "s-probe", on_features=lambda ids, m, n=name: seen[n].append((ids, m))
            )
    assert len(seen["fast"]) == 3
    for (ids, matrix), (slow_ids, slow_matrix) in zip(seen["fast"], seen["slow"], strict=True):
        assert ids == slow_ids
        assert matrix.shape[0] >= 1
        assert np.array_equal(matrix, slow_matrix)  # exactly, not approximately
    assert fast.to_state() == slow.to_state()
