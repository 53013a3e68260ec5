"""Actors on the Korea samples and on invented prose: names merged, roles, mentions per source."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, need

import newsweave
from newsweave.analyze.actors import find_actors
from newsweave.model import Article
from newsweave.nlp import annotate

WAPO, STRIPES = "The Washington Post", "Stars and Stripes"


@pytest.fixture(scope="module")
def korea():
    paths = [need(SAMPLES / "korea-drills-wapo.txt"), need(SAMPLES / "korea-drills-stripes.txt")]
    actors = find_actors(annotate(newsweave.extract(paths).articles))
    return {a.name: a for a in actors}


def test_esper_merged_with_role_and_mentions_in_both_outlets(korea):
    esper = korea["Mark Esper"]
    assert esper.kind == "person"
    assert "Defense Secretary" in esper.roles
    assert {"Esper", "Mark T. Esper"} <= set(esper.aliases)
    assert {m.source for m in esper.mentions} == {WAPO, STRIPES}
    assert esper.citations and "Esper" in esper.citations[0].text


def test_three_kims_stay_distinct_and_bare_kim_is_not_guessed_across_them(korea):
    assert {"Kim Jong Un", "Kim Yong Chol", "Kim Kye Gwan"} <= set(korea)
    assert "Former North Korean nuclear negotiator" in korea["Kim Yong Chol"].roles
    assert "North Korean Foreign Ministry official" in korea["Kim Kye Gwan"].roles
    assert "Kim" not in korea
    # Stripes names three Kims, so its bare "Kim" counts for nobody; WaPo names one.
    kim_jong_un = {m.source: m.count for m in korea["Kim Jong Un"].mentions}
    assert kim_jong_un == {STRIPES: 3, WAPO: 2}
    assert all(m.source == STRIPES for m in korea["Kim Yong Chol"].mentions)


def test_north_korea_folds_in_the_north_and_dprk(korea):
    nk = korea["North Korea"]
    assert nk.kind == "place"
    assert {"North", "DPRK", "Democratic People’s Republic of Korea"} <= set(nk.aliases)
    assert {m.source for m in nk.mentions} == {WAPO, STRIPES}


def test_united_states_merges_us_but_washington_stays_apart(korea):
    assert "U.S." in korea["United States"].aliases
    assert "Washington" in korea
    assert "Washington" not in korea["United States"].aliases


def test_jeong_and_his_role(korea):
    assert korea["Jeong Kyeong-doo"].roles == ("South Korean counterpart",)


def test_sorted_by_total_mentions_and_no_title_words(korea):
    totals = [sum(m.count for m in a.mentions) for a in korea.values()]
    assert totals == sorted(totals, reverse=True)
    assert "Defense" not in korea and "Vigilant Ace" not in korea


def _actors(*texts: str) -> dict:
    articles = [Article(f"doc{i}", (t,), outlet=f"Outlet {i}") for i, t in enumerate(texts)]
    return {a.name: a for a in find_actors(annotate(articles))}


def test_own_prose_titles_appositions_and_places():
    actors = _actors(
        "Police Chief Sarah Johnson closed the ferry on Monday. "
        "Johnson said the crossing would reopen soon. "
        "Jonas Velde, a spokesman for the Port of Lindau, said crews were at work.",
        "Sarah Johnson told reporters the ferry was safe.",
    )
    johnson = actors["Sarah Johnson"]
    assert johnson.roles[0] == "Police Chief"
    assert {m.source: m.count for m in johnson.mentions} == {"Outlet 0": 2, "Outlet 1": 1}
    assert "Johnson" in johnson.aliases
    assert "spokesman for the Port of Lindau" in actors["Jonas Velde"].roles
    assert "Monday" not in actors


def test_acronym_defined_by_the_text_joins_its_long_form():
    actors = _actors(
        "The Northern Rail Authority said trains would run again. "
        "The NRA blamed the storm for the delay.",
    )
    assert "NRA" in actors["Northern Rail Authority"].aliases


def test_variants_substances_places_and_nationality_words():
    actors = _actors(
        "Police said Tomas Ek-lund was attacked with VX nerve agent at Marrow Quay. "
        "The North Korean envoy declined to comment. "
        "Tomas Eklund had arrived at Marrow Quay from Lindau on Tuesday.",
        "Tomas Ek-lund died in hospital, police said. Investigators found traces of VX.",
    )
    kinds = {name: a.kind for name, a in actors.items()}
    assert "VX" not in actors or kinds["VX"] != "person"  # a substance, not a person
    assert kinds.get("Marrow Quay") == "place"  # a quay is a place, whatever the tagger says
    assert "North Korean" not in actors  # describes the envoy; it names no group


def test_substances_products_airlines_and_inhabitants_are_not_people_or_places():
    actors = _actors(
        "Investigators said Halvar Strand was killed with VX nerve agent at Marrow Quay. "
        "CCTV footage shows two women approaching him. Traces of VX were found on a cloth.",
        "Strand had flown in on Air Koryo, the state airline, a week earlier.",
        "For years the town has been a quiet destination for Northerners looking for work.",
        "Press secretary Ragna Waters said the inquiry would take months. Waters declined "
        "to say more.",
    )
    assert "VX" not in actors and "CCTV" not in actors  # a substance and a camera system
    assert actors["Air Koryo"].kind == "organisation" and "Koryo" not in actors
    assert actors["Northerners"].kind == "group"
    assert actors["Ragna Waters"].kind == "person" and "Waters" not in actors


def test_a_name_that_speaks_is_kept_even_before_a_thing_noun():
    actors = _actors(
        "Brenvik footage showed the harbour on fire. Brenvik said its crew was safe.",
    )
    assert "Brenvik" in actors


def test_spellings_plural_variants_and_crafts_are_one_actor_or_none():
    actors = _actors(
        "Rebels said Moammar Gaddafi had fled Tripoli. The Kenya Wildlife Service said it "
        "would send rangers.",
        "Moammar Gadhafi was last seen in the south, a spokesman for the Kenya Wildlife "
        "Services said. The Parker Solar Probe will launch next summer.",
        "Moammar Gadhafi has not been seen since. Engineers tested the Parker Solar Probe "
        "again on Monday.",
    )
    gaddafi = [name for name in actors if "Ga" in name and "Moammar" in name]
    assert gaddafi == ["Moammar Gadhafi"]  # two spellings, one person, the more used shown
    assert "Moammar Gaddafi" in actors["Moammar Gadhafi"].aliases
    wildlife = [name for name in actors if name.startswith("Kenya Wildlife")]
    assert len(wildlife) == 1 and actors[wildlife[0]].kind == "organisation"
    assert "Parker Solar Probe" not in actors or actors["Parker Solar Probe"].kind != "person"


def test_a_title_alone_is_the_person_it_names_and_ages_are_no_roles():
    actors = _actors(
        "The Harlow County Sheriff says the crash was a tragic accident.",
        "Harlow County Sheriff Marta Quinn said 7-year-old Eli Brandt was hurt. Deputies "
        "Tom Ashby (12 years) and Rosa Vell (3 years) were at the scene.",
        "Yesterday Marta Quinn visited the school. A tired Eli Brandt went home.",
    )
    assert "Harlow County Sheriff" not in actors
    quinn = actors["Marta Quinn"]
    assert quinn.roles == ("Harlow County Sheriff",)
    assert "Harlow County Sheriff" in quinn.aliases
    # "7-year-old", "(12 years)" and "Yesterday" say how old or when, not who
    roles = [r for name in ("Eli Brandt", "Tom Ashby", "Rosa Vell") for r in actors[name].roles]
    assert not any("year" in r or "Yesterday" in r for r in roles), roles
    assert actors["Rosa Vell"].roles == ()


def test_an_owned_paper_is_the_paper_and_an_initialism_is_no_persons_name():
    actors = _actors(
        "Norway's Fjordposten newspaper said the talks had failed. Fjordposten said the "
        "ministers met twice.",
        "Prime minister Ola Un said the U.N. sanctions would stay. Ola Un spoke for an hour.",
    )
    papers = [name for name in actors if "Fjordposten" in name]
    assert papers == ["Fjordposten"], papers
    assert "U.N." not in actors["Ola Un"].aliases


def test_streets_interjections_and_a_surname_tagged_as_a_place():
    actors = _actors(
        "The car left the road near Mellander Road just after midnight, police said. "
        "Residents of Mellander Road said the bend was dangerous. "
        "Kjell Ostby lives on Brandvik Avenue.",
        "“Ohhh, it was so loud,” said Lena Brask, who lives nearby. “Noooo,” Brask shouted.",
    )
    kinds = {name: a.kind for name, a in actors.items()}
    # the tagger makes the second "Mellander Road" a PERSON, "Brandvik Avenue" an ORG
    assert kinds["Mellander Road"] == "place" and kinds["Brandvik Avenue"] == "place"
    assert kinds["Kjell Ostby"] == "person"
    assert "Ohhh" not in actors and "Noooo" not in actors  # interjections, not people
    assert "Brask" not in actors  # the tagger's place "Brask" is Lena Brask
    assert kinds["Lena Brask"] == "person"
    assert {m.source: m.count for m in actors["Lena Brask"].mentions} == {"Outlet 1": 2}
