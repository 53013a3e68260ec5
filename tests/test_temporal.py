"""Temporal expressions: detection boundaries, tense from the parse, normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from newsweave.analyze.temporal import (
    detect,
    detect_in_text,
    normalise,
    resolve,
    tense_of,
    value_label,
    value_start,
)
from newsweave.model import Article
from newsweave.nlp import annotate

MONDAY = date(2026, 4, 20)
TUESDAY = date(2026, 4, 21)


def parsed(text: str):
    (annotated,) = annotate([Article("t", (text,))])
    (sentence,) = annotated.sentences
    return sentence


def resolved(text: str, anchor: date | None) -> list[tuple[str, str | None]]:
    sentence = parsed(text)
    return [(e.text, resolve(sentence, e, anchor).value) for e in detect(sentence)]


# --------------------------------------------------------------------------- normaliser alone


@pytest.mark.parametrize(
    ("text", "tense", "value", "precision"),
    [
        ("Sunday", "past", "2026-04-19", "day"),
        ("Tuesday", "future", "2026-04-21", "day"),
        ("Tuesday", "past", "2026-04-14", "day"),
        ("last month", "none", "2026-03", "month"),
        ("in February", "past", "2026-02", "month"),
        ("in February", "future", "2027-02", "month"),
        ("last year", "none", "2025", "year"),
        ("this week", "none", "2026-W17", "week"),
        ("last week", "none", "2026-W16", "week"),
        ("this weekend", "future", "2026-W17-WE", "weekend"),
        ("this weekend", "past", "2026-W16-WE", "weekend"),
        ("later this month", "none", "2026-04", "month"),
        ("earlier this month", "past", "2026-04", "month"),
        ("last summer", "none", "2025-SU", "season"),
        ("yesterday", "none", "2026-04-19", "day"),
        ("a year ago", "none", "2025", "year"),
        ("two weeks ago", "none", "2026-W15", "week"),
        ("Nov. 17", "past", "2025-11-17", "day"),
        ("April 19", "past", "2026-04-19", "day"),
        ("4:50 a.m. Sunday", "past", "2026-04-19T04:50", "time"),
        ("Tuesday morning", "future", "2026-04-21TMO", "time"),
        ("three years", "none", "P3Y", "duration"),
        ("18 months", "none", "P18M", "duration"),
        ("a mere 24 hours", "none", "PT24H", "duration"),
        ("recent weeks", "none", "PXW", "duration"),
        ("the 1990s", "none", "199", "decade"),
        ("now", "none", "PRESENT_REF", "reference"),
    ],
)
def test_normalise_against_a_monday(text, tense, value, precision):
    timex = normalise(text, MONDAY, tense)
    assert (timex.value, timex.precision) == (value, precision)


def test_weekday_equal_to_the_anchor_is_the_anchor_day_in_past_and_future():
    assert normalise("Tuesday", TUESDAY, "past").value == "2026-04-21"
    assert normalise("Tuesday", TUESDAY, "future").value == "2026-04-21"
    assert normalise("last Tuesday", TUESDAY, "past").value == "2026-04-14"
    assert normalise("next Tuesday", TUESDAY, "future").value == "2026-04-28"


def test_on_a_sunday_last_week_is_the_week_ending_that_day():
    assert normalise("last week", date(2019, 11, 17)).value == "2019-W46"


@pytest.mark.parametrize("text", ["Sunday", "last month", "this weekend", "a year ago", "June"])
def test_without_an_anchor_relative_expressions_stay_unresolved(text):
    timex = normalise(text, None, "past")
    assert (timex.value, timex.precision) == (None, "unresolved")
    assert "publication date" in timex.why


@pytest.mark.parametrize(
    ("text", "value"),
    [("in 2018", "2018"), ("April 19, 2026", "2026-04-19"), ("19 April 2026", "2026-04-19"),
     ("May 2010", "2010-05"), ("the 20th century", "19")],
)  # fmt: skip
def test_absolute_dates_need_no_anchor(text, value):
    assert normalise(text, None).value == value


def test_value_start_orders_every_precision():
    assert value_start("2026-W17") == date(2026, 4, 20)
    assert value_start("2026-W17-WE") == date(2026, 4, 25)
    assert value_start("2025-SU") == date(2025, 6, 1)
    assert value_start("2026-AU") == value_start("2026-FA") == date(2026, 9, 1)
    assert value_start("2025-W53") is None  # 2025 has 52 ISO weeks
    assert value_start("197") == date(1970, 1, 1) and value_start("soon") is None
    assert value_start("2026-04-19T04:50") == date(2026, 4, 19)
    assert value_start(None) is None


# --------------------------------------------------------------------------- detection + tense


def test_detection_spans_follow_timeml_boundaries():
    sentence = parsed(
        "The pier, built in 1987, collapsed at about 6:15 a.m. on Friday, and the harbour "
        "master said later this month that repairs would take three years."
    )
    assert [e.text for e in detect(sentence)] == [
        "1987",
        "6:15 a.m. on Friday",
        "later this month",
        "three years",
    ]


def test_ages_and_modal_may_are_not_dates():
    sentence = parsed(
        "Dock worker Ilse Varga, 44, said the crane may fail, as children ages 6 months and older watched."
    )
    assert detect(sentence) == ()


def test_tense_comes_from_the_governing_verb():
    past = parsed("The harbour board met in February to discuss the dredging.")
    future = parsed("The harbour board will meet in February to discuss the dredging.")
    planned = parsed("The harbour board is scheduled to meet in February.")
    for sentence, tense in ((past, "past"), (future, "future"), (planned, "future")):
        (expr,) = detect(sentence)
        assert tense_of(sentence, expr) == tense


def test_tense_picks_the_right_february():
    assert resolved("The harbour board met in February.", MONDAY) == [("February", "2026-02")]
    assert resolved("The harbour board will meet in February.", MONDAY) == [("February", "2027-02")]
    assert resolved("The vote was postponed in February.", MONDAY) == [("February", "2026-02")]


def test_weekday_in_news_style_past_and_future():
    assert resolved("The mayor said Tuesday that the ferry would resume.", TUESDAY) == [
        ("Tuesday", "2026-04-21")
    ]
    assert resolved("The council will vote on Thursday.", MONDAY) == [("Thursday", "2026-04-23")]
    assert resolved("The council voted on Thursday.", MONDAY) == [("Thursday", "2026-04-16")]
    assert resolved("The match has been postponed until Saturday.", MONDAY) == [
        ("Saturday", "2026-04-25")
    ]


def test_no_anchor_in_context_keeps_relative_unresolved_and_absolute_resolved():
    assert resolved("The quay reopened on Sunday after a refit begun in 2018.", None) == [
        ("Sunday", None),
        ("2018", "2018"),
    ]


def test_dates_a_calendar_cannot_hold_stay_unresolved():
    from newsweave.analyze.temporal import normalise

    for text, anchor in [
        ("1000000 days ago", date(2020, 1, 1)),
        ("next week", date(9999, 12, 31)),
        ("next year", date(9999, 5, 5)),
        ("last weekend", date(1, 1, 2)),
    ]:
        timex = normalise(text, anchor)
        assert (timex.value, timex.precision) == (None, "unresolved"), text
        assert "outside the dates a calendar can hold" in timex.why


def test_value_label_says_each_precision_as_a_reader_would():
    assert value_label("2019-W46", "week") == "week of 11 Nov 2019"
    assert value_label("2019-W46-WE", "weekend") == "weekend of 16-17 Nov 2019"
    assert value_label("2019-W48-WE", "weekend") == "weekend of 30 Nov-1 Dec 2019"
    assert value_label("2022-W52-WE", "weekend") == "weekend of 31 Dec 2022-1 Jan 2023"
    assert value_label("2026-04-19TNI", "time") == "the night of 19 Apr 2026"
    assert value_label("2026-04-19T04:50", "time") == "19 Apr 2026, 04:50"
    assert value_label("2026-01", "month") == "January 2026"
    assert value_label("2026-FA", "season") == value_label("2026-AU", "season") == "autumn 2026"
    assert value_label("2025-WI", "season") == "winter 2025-26"
    assert value_label("2026-Q2", "quarter") == "Q2 2026"
    assert value_label("197", "decade") == "the 1970s"
    assert value_label("19", "century") == "the 20th century"
    assert value_label(None, "unresolved") is None


def test_period_ends_are_placed_at_their_period():
    anchor = date(2019, 11, 18)
    (found,) = detect_in_text("The North set a year-end deadline for Washington.")
    assert found.text == "year-end"
    assert normalise("year-end", anchor, "future").value == "2019-12"
    assert normalise("the end of the year", anchor, "none").value == "2019-12"
    assert normalise("the end of the quarter", anchor, "none").value == "2019-12"
    assert normalise("the end of this year", anchor, "future").value == "2019-12"


def test_absolute_dates_are_marked_as_needing_no_anchor():
    anchor = date(2026, 4, 20)
    assert normalise("1979", anchor).absolute
    assert normalise("January 2026", anchor).absolute
    assert normalise("autumn 2026", anchor).absolute
    assert not normalise("January", anchor, "past").absolute
    assert not normalise("last year", anchor).absolute


# --------------------------------------------------------------------------- French tense

FR_ANCHOR = date(2026, 3, 16)  # a Monday in March


def resolved_fr(text: str) -> dict[str, str | None]:
    (annotated,) = annotate([Article("t", (text,), language="fr")])
    (sentence,) = annotated.sentences
    return {e.text: resolve(sentence, e, FR_ANCHOR).value for e in detect(sentence)}


def test_french_waiting_for_a_season_points_to_the_coming_one():
    got = resolved_fr("Le maire a exigé que le pont soit réparé « sans attendre l'automne ».")
    assert got["l'automne"] == "2026-FA"
    # waited for, in the past: the season already gone
    assert resolved_fr("Les pêcheurs ont attendu l'hiver pour réparer les barques.") == {
        "l'hiver": "2025-WI"
    }


def test_french_plan_without_a_direction_is_left_unresolved():
    # "planned for October" in a bare participle: before or after publication? Unknown.
    got = resolved_fr(
        "Les réparations, prévues en octobre puis annulées le mois dernier, coûtent cher."
    )
    assert got["octobre"] is None
    assert got["le mois dernier"] == "2026-02"
    # a present plan points ahead; a future verb too; a compound past goes back
    assert resolved_fr("La visite du ministre est prévue jeudi.") == {"jeudi": "2026-03-19"}
    assert resolved_fr("Le syndicat votera en juin.") == {"juin": "2026-06"}
    assert resolved_fr("La mairie a fermé le marché en janvier.") == {"janvier": "2026-01"}


def test_french_infinitive_under_a_past_verb_has_no_direction():
    # "promised to come back in May": May of which year cannot be told from the verb
    assert resolved_fr("Le préfet a promis de revenir en mai.") == {"mai": None}
    assert resolved_fr("Le préfet va revenir en mai.") == {"mai": "2026-05"}
