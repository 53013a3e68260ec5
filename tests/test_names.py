"""Role stripping, name keys and story-wide name resolution."""

from __future__ import annotations

import pytest

from newsweave.analyze.names import NameResolver, name_key, split_role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Defense Secretary Mark T. Esper", ("Defense Secretary", "Mark T. Esper")),
        (
            "Former North Korean nuclear negotiator Kim Yong Chol",
            ("Former North Korean nuclear negotiator", "Kim Yong Chol"),
        ),
        ("Esper", (None, "Esper")),
        ("Mayor Marit Ellesund", ("Mayor", "Marit Ellesund")),
        ("Dr. Amara Lindqvist-Hale", ("Dr.", "Amara Lindqvist-Hale")),
        ("Fire Chief Joren Maaskant", ("Fire Chief", "Joren Maaskant")),
        ("Esper's", (None, "Esper")),
        ("the President", (None, "the President")),
    ],
)
def test_split_role(text, expected):
    assert split_role(text) == expected


def test_name_key_drops_case_punctuation_initials_and_possessive():
    assert name_key("Mark T. Esper") == "mark esper"
    assert name_key("MARK ESPER’s") == "mark esper"
    assert name_key("Defense Secretary Mark T. Esper") == "mark esper"
    assert name_key("Dr. Amara Lindqvist-Hale") == "amara lindqvist hale"


def test_resolver_maps_short_and_titled_mentions_to_the_full_name():
    r = NameResolver()
    for name in ("Defense Secretary Mark T. Esper", "Esper", "Mark Esper"):
        r.add(name)
    assert r.canonical("Esper") == "Mark Esper"
    assert r.canonical("Mark T. Esper") == "Mark Esper"
    assert r.canonical("Mr. Esper") == "Mark Esper"


def test_a_bare_surname_shared_by_several_people_is_ambiguous():
    r = NameResolver()
    for name in ("Kim Jong Un", "Kim Yong Chol", "Kim Kye Gwan"):
        r.add(name)
    assert r.canonical("Kim") is None
    assert r.canonical("Kim Yong Chol") == "Kim Yong Chol"
    assert r.candidates("Kim") == ["Kim Jong Un", "Kim Yong Chol", "Kim Kye Gwan"]


def test_unknown_names_come_back_cleaned():
    r = NameResolver()
    r.add("Oskar Vennli")
    assert r.canonical("Councillor Brit Halvorsen's") == "Brit Halvorsen"


def test_organisation_resolver_keeps_role_like_words():
    r = NameResolver(people=False)
    r.add("North Korean Foreign Ministry")
    assert r.canonical("Foreign Ministry") == "North Korean Foreign Ministry"


def test_given_name_gender_only_for_one_gender_names():
    from newsweave.analyze.names import given_name_gender

    assert given_name_gender("Tony Blair") == "m"
    assert given_name_gender("Mary Kay Henry") == "f"
    assert given_name_gender("Mr. Harold Vik") == "m"  # the honorific is not a given name
    assert given_name_gender("Robin Roberts") is None  # carried by both
    assert given_name_gender("Blair") is None  # a surname alone says nothing
