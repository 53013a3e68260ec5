"""Story linking on our own fictional articles: a story developing over three weeks as
four events, an unrelated story on the same beat, an undated follow-up, a bridge."""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

import pytest

from newsweave.cluster import ClusterInput, OnlineClusterer
from newsweave.stories import STORY_FEATURES, StoryLinker

ROOT = Path(__file__).resolve().parents[1]
DAY0 = datetime.date(2026, 3, 2)

# The Velmora dam story: collapse, rescue and toll, inquiry, arrest (over 3 weeks).
DAM = [
    (
        0,
        "The Velmora dam above Kerrowick gave way before dawn on Monday, sending a wall of "
        "water down the Aldane valley. Kerrowick mayor Ilse Fennick said the lower town was "
        "flooded within minutes and hundreds of homes were lost. The Velmora dam, built in "
        "the 1960s, held the Aldane reservoir. Fennick said rescue crews from Drumholt were "
        "on their way to Kerrowick and that the Velmora spillway had cracked in the night.",
    ),
    (
        0,
        "Water from the broken Velmora dam swept through Kerrowick on Monday. Mayor Ilse "
        "Fennick told reporters that the Aldane river rose six metres in the lower town. "
        "Residents of Kerrowick climbed onto roofs as the Velmora reservoir emptied into the "
        "valley. Engineers had warned of cracks in the Velmora spillway, Fennick said.",
    ),
    (
        8,
        "Rescue teams in Kerrowick pulled the last survivors from the mud on Tuesday, eight "
        "days after the Velmora dam collapse. The toll rose to 41 dead, Mayor Ilse Fennick "
        "said. Volunteers from Drumholt cleared the Aldane valley road and brought water to "
        "Kerrowick, where the Velmora flood destroyed the pumping station.",
    ),
    (
        16,
        "A public inquiry into the Velmora dam collapse opened in Drumholt on Tuesday. The "
        "inquiry will ask why warnings about cracks in the Velmora spillway were ignored. "
        "Kerrowick mayor Ilse Fennick testified that the Aldane water board had delayed "
        "repairs of the Velmora dam for three years.",
    ),
    (
        24,
        "Police in Drumholt arrested Corvin Asheldt, the chief engineer of the Aldane water "
        "board, over the Velmora dam collapse that killed 41 people in Kerrowick. The "
        "Velmora inquiry heard that Asheldt signed off the spillway despite the cracks. "
        "Mayor Ilse Fennick said Kerrowick families wanted answers about the Velmora dam.",
    ),
]
# The same beat (a flood, rescues, a toll), another place and people.
FLOOD = [
    (
        3,
        "Heavy rain flooded the port town of Saltmere on Thursday, and rescue boats took "
        "families from their homes along the Brannoch river. Harbour master Teodor Vasko "
        "said the Brannoch burst its banks at Saltmere quay. Rescue crews evacuated the "
        "Saltmere hospital as the water rose.",
    ),
]
# A follow-up with no date: it still belongs to the dam story.
UNDATED = (
    "Church bells rang across Kerrowick as families held funerals for victims of the Velmora "
    "flood. Mourners walked to the cemetery on the hill, where a memorial will be raised."
)


def _item(article_id: str, day: int | None, text: str) -> ClusterInput:
    date = DAY0 + datetime.timedelta(days=day) if day is not None else None
    return ClusterInput(article_id, None, text, date)


def _run(items: list[ClusterInput]) -> tuple[StoryLinker, dict[str, str], list]:
    clusterer, linker = OnlineClusterer(), StoryLinker()
    event_of, joins = {}, []
    for x in items:
        a = clusterer.add(x)
        joins.append(linker.add(x, a))
        event_of[x.article_id] = a.story_id
        folded = set(a.merged)  # events the clusterer merged, then splits
        event_of = {k: a.story_id if e in folded else e for k, e in event_of.items()}
        for new_id, moved in a.split:
            event_of.update(dict.fromkeys(moved, new_id))
    return linker, event_of, joins


def _fixture() -> list[ClusterInput]:
    items = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    items.insert(2, _item("flood-0", *FLOOD[0]))
    items.append(_item("dam-undated", None, UNDATED))
    return items


def test_developing_story_is_one_story_of_four_events_and_the_same_beat_stays_apart():
    linker, event_of, _ = _run(_fixture()[:-1])
    story = {a: linker.resolve(linker.story_of(e)) for a, e in event_of.items()}
    assert event_of["dam-0"] == event_of["dam-1"]  # day 0 told twice: one event
    dam_events = {event_of[a] for a in event_of if a.startswith("dam-")}
    assert len(dam_events) == 4
    (dam_story,) = {story[a] for a in story if a.startswith("dam-")}
    assert linker.stories[dam_story] == ["s-dam-0", "s-dam-2", "s-dam-3", "s-dam-4"]
    assert story["flood-0"] != dam_story
    assert linker.stories[story["flood-0"]] == ["s-flood-0"]


def test_undated_article_still_joins_its_story():
    linker, event_of, _ = _run(_fixture())
    story = {a: linker.resolve(linker.story_of(e)) for a, e in event_of.items()}
    assert story["dam-undated"] == story["dam-0"] == story["dam-4"]
    assert story["flood-0"] != story["dam-0"]
    # the undated article bridged the dam events at event level (no time window without a
    # date): the folded events leave the story, which keeps one
    assert linker.stories[story["dam-0"]] == [event_of["dam-0"]]


def test_join_explanation_carries_score_features_and_shared_names():
    _, _, joins = _run(_fixture())
    by_article = {j.article_id: j for j in joins}
    assert by_article["dam-0"].opened and by_article["dam-0"].score is None
    assert by_article["flood-0"].opened
    inquiry = by_article["dam-4"]  # the arrest, 24 days on
    assert not inquiry.opened
    assert inquiry.score is not None and inquiry.score > 0
    assert set(inquiry.features) == set(STORY_FEATURES)
    assert "velmora" in inquiry.shared and "kerrowick" in inquiry.shared
    assert inquiry.features["recency"] > 0.5  # a week after the inquiry: little decay


def test_state_round_trips_through_json_and_continues_alike():
    items = _fixture()
    clusterer, linker = OnlineClusterer(), StoryLinker()
    for x in items[:-1]:
        linker.add(x, clusterer.add(x))
    restored = StoryLinker.from_state(json.loads(json.dumps(linker.to_state())))
    assert restored.stories == linker.stories
    last = clusterer.add(items[-1])
    assert restored.add(items[-1], last).story_id == linker.add(items[-1], last).story_id


def test_bridging_event_merges_two_stories_and_the_merged_id_resolves_to_the_older():
    mine = (
        "Fire broke out in the Corvane copper mine near Hallisk on Monday and 12 miners "
        "were trapped underground. Corvane mine manager Petra Oslund said rescuers were "
        "pumping air into the Corvane shafts. Hallisk hospital prepared for casualties."
    )
    strike = (
        "Miners of the Tessaly union walked out at the Orrin smelter on Wednesday over "
        "pay. Tessaly union leader Bram Kettering said the Orrin smelter strike would go "
        "on until the owners of the Orrin works met the Tessaly union."
    )
    bridge = (
        "The Tessaly union called off the Orrin smelter strike to send its members to the "
        "Corvane mine fire at Hallisk. Bram Kettering said Tessaly union miners joined "
        "Corvane rescuers and Petra Oslund thanked the Tessaly union. The Orrin smelter "
        "strike, the Corvane mine fire: Hallisk and Orrin now share one crisis, said "
        "Kettering. Corvane mine manager Petra Oslund said 12 miners are still trapped."
    )
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    clusterer = OnlineClusterer()
    # low bars, so the bridge joins its best story and, scoring the merge bar with the
    # second too, folds that one in (the younger story goes into the older)
    settings = replace(DEFAULT_STORY_SETTINGS, threshold=-1.0, merge_threshold=-1.0)
    linker = StoryLinker(settings)
    first = linker.add(a := _item("mine", 0, mine), clusterer.add(a))
    second = linker.add(b := _item("strike", 2, strike), clusterer.add(b))
    assert first.opened and second.opened and first.story_id != second.story_id
    joined = linker.add(c := _item("bridge", 3, bridge), clusterer.add(c))
    assert joined.merged == (second.story_id,)
    assert joined.story_id == first.story_id
    assert linker.resolve(second.story_id) == first.story_id
    assert set(linker.stories) == {first.story_id}


# --- real text: two DUC 2004 stories of one beat (Turkey and the Kurds, weeks apart) -------

DUC = ROOT.parent / "shared" / "evaldata" / "duc2004-topics" / "docs.jsonl"
# Two pairs of DUC 2004 stories on one beat: Turkish troops on the Syrian border (October)
# and the flight of the Kurdish leader Ocalan (November); Yeltsin's burnt hand (October) and
# the murder of a liberal lawmaker in St Petersburg (November).
PAIRS = [("d30028t", "d30044t"), ("d31032t", "d30059t")]


def duc_items(topics: tuple[str, ...], seed: int | None = None) -> list[tuple[str, ClusterInput]]:
    """(gold topic, article) for these topics, in date order or shuffled with `seed`."""
    rows = [json.loads(line) for line in DUC.read_text(encoding="utf-8").splitlines()]
    out = {
        r["doc_id"]: (
            r["topic"],
            ClusterInput(r["doc_id"], None, r["text"], datetime.date.fromisoformat(r["published"])),
        )
        for r in rows
        if r["topic"] in topics
    }
    items = sorted(out.values(), key=lambda x: (x[1].published, x[1].article_id))
    if seed is not None:
        random.Random(seed).shuffle(items)
    return items


# Shuffled orders 1 and 2 (and 3) keep both pairs apart; order 0 of the Turkish pair joins
# them (the Ocalan story's first event clears the low join bar with only one rival story):
# a known miss, docs/benchmarks.md "Developing stories".
@pytest.mark.parametrize("seed", [None, 1, 2])
@pytest.mark.parametrize("pair", PAIRS)
def test_two_duc_stories_of_one_beat_each_link_their_events_into_their_own_story(pair, seed):
    items = duc_items(pair, seed)
    linker, event_of, _ = _run([x for _, x in items])
    story_of = {
        x.article_id: linker.resolve(linker.story_of(event_of[x.article_id])) for _, x in items
    }
    stories = {t: {story_of[x.article_id] for topic, x in items if topic == t} for t in pair}
    assert [len(s) for s in stories.values()] == [1, 1]  # each story's 10 articles together
    assert stories[pair[0]] != stories[pair[1]]  # one country's names shared, weeks apart
    # and the linker did joining: the clusterer's events are more than the two stories
    assert sum(len(linker.stories[next(iter(s))]) for s in stories.values()) > 2


def test_a_grown_story_splits_off_the_events_that_do_not_belong_and_keeps_its_id():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    clusterer = OnlineClusterer()
    linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_bar=0.08))
    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    flood = _item("flood-0", *FLOOD[0])
    # a story that took a wrong event early (placed by hand, as calibration does)
    for x in (dam[0], dam[1], flood, dam[2]):
        linker.add_to(x, clusterer.add(x), "st-dam")
    assert linker.stories["st-dam"] == ["s-dam-0", "s-flood-0", "s-dam-2"]
    # the fourth event joins on its own and the story, now of 4, is tested
    join = linker.add(dam[3], clusterer.add(dam[3]))
    assert join.story_id == "st-dam" and not join.opened
    assert join.split == (("st-dam", "st-flood-0", ("s-flood-0",)),)
    assert linker.stories == {
        "st-dam": ["s-dam-0", "s-dam-2", "s-dam-3"],
        "st-flood-0": ["s-flood-0"],
    }
    assert linker.story_of("s-flood-0") == "st-flood-0"
    # the sums follow: the story's words are the dam events' only
    state = linker.to_state()
    dam_row = next(r for r in state["stories"] if r["id"] == "st-dam")
    assert "saltmere" not in dam_row["unit_sum"] and "velmora" in dam_row["unit_sum"]
    assert dam_row["first"] == DAY0.isoformat()
    # and the story goes on: the arrest joins it
    assert linker.add(dam[4], clusterer.add(dam[4])).story_id == "st-dam"


# Another story of no relation: a dock strike in a third town.
STRIKE = (
    5,
    "Dock workers at the port of Ostrava Nuova walked out on Saturday over pay, leaving "
    "twelve container ships waiting in the roads. Union leader Mirela Tansk said the "
    "Ostrava Nuova harbour company had refused a wage offer for the third time, and "
    "pickets blocked the crane yard gates.",
)


def test_a_story_that_took_two_stories_events_comes_apart_into_three_at_once():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    clusterer = OnlineClusterer()
    linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_bar=0.08))
    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    flood, strike = _item("flood-0", *FLOOD[0]), _item("strike-0", *STRIKE)
    for x in (dam[0], dam[1], flood, strike):  # two wrong events, placed by hand
        linker.add_to(x, clusterer.add(x), "st-dam")
    assert linker.stories["st-dam"] == ["s-dam-0", "s-flood-0", "s-strike-0"]
    join = linker.add(dam[2], clusterer.add(dam[2]))  # the fourth event: a test
    assert join.story_id == "st-dam"
    assert join.split == (
        ("st-dam", "st-flood-0", ("s-flood-0",)),
        ("st-dam", "st-strike-0", ("s-strike-0",)),
    )
    assert linker.stories == {
        "st-dam": ["s-dam-0", "s-dam-2"],
        "st-flood-0": ["s-flood-0"],
        "st-strike-0": ["s-strike-0"],
    }
    # with two groups only (the earlier test), one wrong event is split off at a time
    clusterer = OnlineClusterer()
    linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_bar=0.08, split_multi=False))
    for x in (dam[0], dam[1], flood, strike):
        linker.add_to(x, clusterer.add(x), "st-dam")
    assert len(linker.add(dam[2], clusterer.add(dam[2])).split) == 1


def test_the_split_test_is_due_when_a_story_passes_a_power_of_two_however_it_grew():
    from newsweave.stories import _split_due

    assert [n for n in range(1, 20) if _split_due(n, n)] == [4, 8, 16]
    assert _split_due(4, 5)  # 3 -> 5 events (a join that re-attached a small story)
    assert _split_due(7, 9) and not _split_due(5, 7) and not _split_due(9, 15)


# A dam story article that shares little with the collapse itself: the engineer who
# signed the spillway reports steps down (it belongs to the story the inquiry builds).
RESIGNATION = (
    20,
    "Corvin Asheldt, chief engineer of the Aldane water board, resigned on Sunday. Board "
    "chairman Halvard Stenmark said Asheldt had asked to step down while questions about "
    "the spillway reports he signed were answered. Asheldt joined the water board in 1998.",
)


def dam_with_resignation() -> list[ClusterInput]:
    """The collapse, the resignation (before the story has grown toward it), the toll and
    the inquiry, then the unrelated flood."""
    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    resignation = _item("resign-0", *RESIGNATION)
    return [dam[0], dam[1], resignation, dam[2], dam[3], _item("flood-0", *FLOOD[0])]


def test_a_small_story_is_placed_again_later_and_joins_the_story_that_grew_toward_it():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    def run(retry_first: int) -> tuple[StoryLinker, list]:
        clusterer = OnlineClusterer()
        # re-attaching off: only the later placement can take the resignation in
        settings = replace(DEFAULT_STORY_SETTINGS, retry_first=retry_first, reattach_articles=0)
        linker = StoryLinker(settings)
        return linker, [linker.add(x, clusterer.add(x)) for x in dam_with_resignation()]

    linker, joins = run(0)
    assert joins[2].opened  # the resignation shares little with the collapse: its own
    assert linker.stories["st-resign-0"] == ["s-resign-0"]
    linker, joins = run(3)
    assert joins[2].opened
    # three articles later (the flood's, unrelated) it is placed again: the toll and the
    # inquiry (the spillway, the water board) have grown the dam story toward it
    assert joins[5].article_id == "flood-0" and joins[5].merged == ("st-resign-0",)
    assert linker.resolve("st-resign-0") == "st-dam-0"
    assert linker.stories["st-dam-0"] == ["s-dam-0", "s-dam-2", "s-dam-3", "s-resign-0"]
    assert linker.story_of("s-flood-0") != "st-dam-0"


def test_a_story_whose_events_belong_together_does_not_split():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    def stories(split_bar: float) -> tuple[dict[str, list[str]], list]:
        clusterer = OnlineClusterer()
        linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_bar=split_bar))
        joins = [linker.add(x, clusterer.add(x)) for x in _fixture()[:-1]]
        return linker.stories, joins

    (off, _), (on, joins) = stories(0.0), stories(0.08)
    assert all(not j.split for j in joins)  # the dam story of 4 events was tested, kept
    assert on == off and len(max(on.values(), key=len)) == 4


def test_a_small_story_left_out_is_taken_in_when_a_joined_event_bridges_to_it():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    flood = _item("flood-0", *FLOOD[0])

    def run(reattach_articles: int) -> tuple[dict[str, list[str]], object]:
        clusterer = OnlineClusterer()
        settings = replace(  # merging by the joined event's second score off
            DEFAULT_STORY_SETTINGS,
            merge_threshold=98.0,
            reattach_articles=reattach_articles,
            reattach_bar=-1.0,
        )
        linker = StoryLinker(settings)
        # the collapse, and the arrest 24 days on left in a story of its own (as a join
        # refused over the gap would leave it), and the flood of the same beat
        for x, story in ((dam[0], "st-a"), (dam[4], "st-b"), (flood, "st-f")):
            linker.add_to(x, clusterer.add(x), story)
        # the inquiry (day 16) joins one of the dam stories and reaches the other
        join = linker.add(dam[3], clusterer.add(dam[3]))
        return linker.stories, join

    kept_apart, join = run(0)
    assert join.merged == () and len(kept_apart) == 4 - 1  # the inquiry joined st-a or st-b
    stories, join = run(3)
    assert join.story_id == "st-a" and join.merged == ("st-b",)
    assert stories == {"st-a": ["s-dam-0", "s-dam-4", "s-dam-3"], "st-f": ["s-flood-0"]}


def test_an_events_cohesion_is_the_length_of_its_articles_mean_vector():
    clusterer, linker = OnlineClusterer(), StoryLinker()
    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    for x in dam[:3]:
        linker.add(x, clusterer.add(x))
    state = linker.to_state()
    cohesion = {r["id"]: r["cohesion"] for r in state["events"]}
    # one article: its own unit vector; two tellings of day 0: their mean is shorter
    assert cohesion["s-dam-2"] == pytest.approx(1.0)
    assert 0.7 < cohesion["s-dam-0"] < 0.95
    restored = StoryLinker.from_state(json.loads(json.dumps(state)))
    assert {r["id"]: r["cohesion"] for r in restored.to_state()["events"]} == cohesion


def test_the_split_tests_link_on_articles_is_the_centroid_cosine_scaled_by_both_cohesions():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    links = {}
    for articles in (False, True):
        clusterer = OnlineClusterer()
        linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_articles=articles))
        for x in dam[:3]:  # day 0 told twice (one event of two articles), then day 8
            linker.add(x, clusterer.add(x))
        two, one = linker._events["s-dam-0"], linker._events["s-dam-2"]
        links[articles] = linker._link(two, one)
    # the two-article event's mean vector is shorter than its centroid: the link between
    # its articles and the day-8 article is lower by exactly that length
    assert 0.0 < links[True] < links[False]
    assert links[True] == pytest.approx(links[False] * two.cohesion * one.cohesion)


# Two more days of the Saltmere flood, each its own event (over a week apart).
FLOOD_LATER = [
    (
        11,
        "Boats from Saltmere searched the Brannoch river mouth on Sunday for two fishermen "
        "missing since the flood. Harbour master Teodor Vasko said the Saltmere quay was "
        "still under water and the hospital remained closed.",
    ),
    (
        19,
        "Saltmere counted the cost of the Brannoch flood on Wednesday: 300 homes damaged and "
        "the quay wrecked. Teodor Vasko, the harbour master, said rebuilding the Saltmere "
        "harbour wall would take a year.",
    ),
]


def test_the_split_test_parts_two_tight_groups_that_link_far_below_their_inner_links():
    from dataclasses import replace

    from newsweave.stories import DEFAULT_STORY_SETTINGS

    dam = [_item(f"dam-{i}", day, text) for i, (day, text) in enumerate(DAM)]
    flood = [_item("flood-0", *FLOOD[0])]
    flood += [_item(f"flood-{i + 1}", day, text) for i, (day, text) in enumerate(FLOOD_LATER)]
    splits = {}
    for ratio in (0.0, 0.5):
        # a bar so low that the dam and the flood link above it (a beat story)
        clusterer = OnlineClusterer()
        linker = StoryLinker(replace(DEFAULT_STORY_SETTINGS, split_bar=0.01, split_ratio=ratio))
        for x in (dam[0], dam[1], flood[0], flood[1]):  # placed by hand: one story
            linker.add_to(x, clusterer.add(x), "st-dam")
        assert linker.stories["st-dam"] == ["s-dam-0", "s-flood-0", "s-flood-1"]
        join = linker.add(dam[2], clusterer.add(dam[2]))  # the fourth event: a test
        assert join.story_id == "st-dam"
        splits[ratio] = (join.split, linker.stories)
    assert splits[0.0] == ((), {"st-dam": ["s-dam-0", "s-flood-0", "s-flood-1", "s-dam-2"]})
    # the two flood days link far better with each other than with the dam: they part
    assert splits[0.5] == (
        (("st-dam", "st-flood-0", ("s-flood-0", "s-flood-1")),),
        {"st-dam": ["s-dam-0", "s-dam-2"], "st-flood-0": ["s-flood-0", "s-flood-1"]},
    )


# A long report on the dam inquiry whose last paragraph, past the lead, names the flood town.
INQUIRY_LONG = (
    16,
    "The public inquiry into the Velmora dam collapse heard on Tuesday from Kerrowick mayor "
    "Ilse Fennick, who said the Aldane water board had put off repairs to the Velmora "
    "spillway for three years. Fennick told the inquiry in Drumholt that engineers had "
    "written to the board twice about cracks in the Velmora dam. The board's lawyers said "
    "the letters never reached its members. The inquiry will sit for six weeks and hear "
    "from forty witnesses, among them the engineers who inspected the Velmora spillway. "
    "Families of the 41 dead filled the public gallery. Outside, a few protesters held "
    "signs about river safety across the region, and one speaker recalled the flooding in "
    "Saltmere earlier in the month, where the Brannoch river had also burst its banks.",
)


def test_names_in_an_articles_lead_weigh_more_in_its_event_and_persist():
    clusterer, linker = OnlineClusterer(), StoryLinker()
    x = _item("dam-inquiry", *INQUIRY_LONG)
    event = linker._events[linker.add(x, clusterer.add(x)).event_id]
    assert {"velmora", "fennick", "kerrowick"} <= set(event.lead)
    assert "saltmere" in event.names and "saltmere" not in event.lead
    named = linker._name_weights(event)
    weights = dict(zip(named.names, named.values, strict=True))
    bonus = linker.settings.lead_bonus
    assert bonus > 0
    # each name's idf x its articles, a lead name's x (1 + bonus)
    assert weights["velmora"] / linker._name_weight("velmora") == pytest.approx(1 + bonus)
    assert weights["saltmere"] / linker._name_weight("saltmere") == pytest.approx(1.0)
    state = json.loads(json.dumps(linker.to_state()))
    restored = StoryLinker.from_state(state)
    assert restored._events[event.event_id].lead == event.lead
