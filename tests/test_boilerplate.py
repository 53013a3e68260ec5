"""extract/boilerplate.py: the plain-text line classifier, on the real scrapes and on
short texts written for these tests (every rule, every "must keep" case)."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import EVALDATA, EXAMPLES, ROOT, need

from newsweave.extract.boilerplate import PlainTextResult, clean_plain_text
from newsweave.model import RemovedLine

BODY_1 = "PORTVALE — The town council voted on Monday to close the old harbour bridge for repairs."
BODY_2 = "The bridge carries about 4,000 cars a day, according to the transport office."
BODY_3 = "Work is expected to start in April and to last at least six months."


def clean(*lines: str, sep: str = "\n\n") -> PlainTextResult:
    return clean_plain_text(sep.join(lines))


def reasons(result: PlainTextResult) -> dict[str, str]:
    return {item.text: item.reason for item in result.removed}


# --- The two real scrapes --------------------------------------------------


@pytest.fixture()
def wapo_result(wapo) -> PlainTextResult:
    return clean_plain_text(wapo.read_text(encoding="utf-8"))


@pytest.fixture()
def stripes_result(stripes) -> PlainTextResult:
    return clean_plain_text(stripes.read_text(encoding="utf-8"))


def test_wapo_title_body_and_outlet(wapo_result):
    r = wapo_result
    assert r.title == (
        "U.S. and South Korea postpone military drills in bid to save North Korea dialogue"
    )
    assert r.outlet == "The Washington Post"
    assert r.byline is None
    assert len(r.paragraphs) == 16
    assert r.paragraphs[0].startswith(
        "TOKYO — The United States and South Korea have postponed joint air drills"
    )
    assert "North Korea, however, did not respond positively." in r.paragraphs
    assert r.paragraphs[-1].startswith(
        "Washington insists North Korea must show sincere commitment to denuclearize"
    )


def test_wapo_chrome_removed_with_its_rule(wapo_result):
    removed = reasons(wapo_result)
    assert removed["The Washington PostDemocracy Dies in Darkness"] == "masthead"
    caption = [t for t in removed if t.endswith("(Video: Reuters)")]
    assert len(caption) == 1 and removed[caption[0]] == "caption"
    assert removed["Min Joo Kim in Seoul contributed to this report."] == "contributor"
    related = [t for t, why in removed.items() if why == "related-headlines"]
    assert related == [
        "U.S. ‘flexible’ on military exercises with South Korea as North demands cancellation",
        "North Korea threatens military escalation as clock ticks on year-end deadline",
        "In South Korea, military cost dispute and Trump’s Syria moves fuel doubts over U.S. "
        "alliance",
        "Today’s coverage from Post correspondents around the world",
    ]
    facebook = "Like Washington Post World on Facebook and stay updated on foreign news"
    assert removed[facebook] == "social"
    body = "\n".join(wapo_result.paragraphs)
    for text in removed:
        assert text not in body


def test_stripes_has_no_title_and_drops_both_caption_copies(stripes_result):
    r = stripes_result
    assert r.title is None
    assert r.outlet == "Stars and Stripes"
    assert r.paragraphs[0].startswith(
        "SEOUL, South Korea — North Korea stepped up pressure Tuesday on the United States"
    )
    captions = [i.text for i in r.removed if i.reason == "duplicate-caption"]
    assert len(captions) == 2
    assert all(c.startswith("North Korean leader Kim Jong Un observes") for c in captions)
    assert captions[1].endswith("(KCNA)")
    assert not any("undated photo" in p for p in r.paragraphs)


def test_stripes_twitter_handle_stripped_and_signup_removed(stripes_result):
    r = stripes_result
    assert len(r.paragraphs) == 16
    assert r.paragraphs[-1] == (
        "The North Koreans have previously avoided direct criticism of Trump as he insists "
        "that he maintains a good relationship with Kim Jong Un."
    )
    assert RemovedLine("Twitter: @kimgamel", "social") in r.removed
    removed = reasons(r)
    assert removed["Support our mission"] == "signup-prompt"
    assert removed["Sign Up for Daily Headlines"] == "signup-prompt"
    assert removed["Sign up"] == "signup-prompt"
    assert removed["stars and stripes videos"] == "section-label"
    assert removed["around the web"] == "section-label"
    assert not any("Sign" in p or "@" in p for p in r.paragraphs)


# --- Rules, on invented text ------------------------------------------------


def test_glued_masthead_gives_outlet_and_headline_becomes_title():
    r = clean(
        "The Harbour HeraldNews You Can Trust",
        "Council shuts old harbour bridge for repairs",
        BODY_1,
        BODY_2,
    )
    assert r.outlet == "The Harbour Herald"
    assert r.title == "Council shuts old harbour bridge for repairs"
    assert r.paragraphs == (BODY_1, BODY_2)
    assert r.removed == (RemovedLine("The Harbour HeraldNews You Can Trust", "masthead"),)


def test_outlet_name_and_slogan_lines_at_the_top():
    r = clean(
        "The Valley Courier",
        "Light For Every Valley",
        "Council shuts old harbour bridge for repairs",
        BODY_1,
    )
    assert r.outlet == "The Valley Courier"
    assert r.title == "Council shuts old harbour bridge for repairs"
    assert [i.reason for i in r.removed] == ["masthead", "masthead"]


def test_signup_prompts_and_outlet_named_in_them():
    r = clean(
        BODY_1,
        "Support local journalism",
        "Subscribe to our morning newsletter",
        "Sign up to receive the day's top stories from The Valley Courier every morning.",
        "Thanks for subscribing!",
        "Become a member today",
        BODY_2,
    )
    assert r.paragraphs == (BODY_1, BODY_2)
    assert set(reasons(r).values()) == {"signup-prompt"}
    assert r.outlet == "The Valley Courier"


def test_social_lines_and_trailing_handle():
    r = clean(
        BODY_1,
        "Share this:",
        "Facebook",
        "Follow us on Instagram",
        "Like Valley Courier Sports on Facebook",
        "Twitter: @janeroe",
        "Work starts in April, she said. Follow Jane Roe on Twitter @janeroe",
    )
    assert r.paragraphs == (BODY_1, "Work starts in April, she said.")
    assert set(reasons(r).values()) == {"social"}
    assert "Follow Jane Roe on Twitter @janeroe" in reasons(r)
    assert r.outlet == "Valley Courier"  # "Sports" is the section page, not the outlet


def test_media_credits_and_captions():
    r = clean(
        "Workers inspect a crack under the harbour bridge on Monday. (Photo: Ana Ruiz/Courier)",
        "(AP Photo/Tom Field)",
        "Maria Lopez/Reuters",
        "Photo by Sam Hill",
        "(Video: Portvale Council)",
        BODY_1,
        "The old bridge seen from the north bank last spring. REUTERS/Maria Lopez",
        BODY_2,
    )
    assert r.title is None  # a caption is never taken for the headline
    assert r.paragraphs == (BODY_1, BODY_2)
    got = reasons(r)
    assert got["(AP Photo/Tom Field)"] == "media-credit"
    assert got["Maria Lopez/Reuters"] == "media-credit"
    assert got["Photo by Sam Hill"] == "media-credit"
    assert got["The old bridge seen from the north bank last spring. REUTERS/Maria Lopez"] == (
        "caption"
    )


def test_parenthesised_name_after_a_sentence_is_not_a_caption_without_picture_words():
    live_blog = "9:40 A.M. Ferry services resume on the east route. (Jane Roe)"
    r = clean(BODY_1, live_blog, BODY_2)
    assert r.paragraphs == (BODY_1, live_blog, BODY_2)
    spoken = "(Laughter)"
    quote = f"“We will not build another bridge like that,” the mayor said. {spoken}"
    assert clean(BODY_1, quote).paragraphs == (BODY_1, quote)


def test_caption_printed_twice_drops_both_copies():
    caption = "Firefighters spray water on the burning warehouse in this photo taken Tuesday."
    r = clean(caption, caption + " (Portvale Fire Service)", BODY_1, BODY_2)
    assert r.paragraphs == (BODY_1, BODY_2)
    assert [i.reason for i in r.removed] == ["duplicate-caption", "duplicate-caption"]


def test_paragraph_reused_as_caption_keeps_the_paragraph():
    lede = (
        "Rescue crews searched the flooded valley on Sunday as the river rose to its "
        "highest level in forty years."
    )
    caption = (
        "Rescue crews searched the flooded valley on Sunday as the river rose to its "
        "highest level in 40 years. Photo: Ana Ruiz"
    )
    r = clean(lede, caption, BODY_2)
    assert r.paragraphs == (lede, BODY_2)
    assert r.removed == (RemovedLine(caption, "caption"),)


def test_repeated_paragraph_keeps_first_copy():
    r = clean(BODY_1, BODY_2, BODY_3, BODY_2)
    assert r.paragraphs == (BODY_1, BODY_2, BODY_3)
    assert r.removed == (RemovedLine(BODY_2, "duplicate"),)


def test_list_items_differing_in_names_and_numbers_are_not_duplicates():
    first = "Tom Poe, 19, of Portvale, was charged with two counts of arson and one of burglary."
    second = "Ann Poe, 21, of Portvale, was charged with two counts of arson and one of burglary."
    assert clean(BODY_1, first, second).paragraphs == (BODY_1, first, second)


def test_contributor_lines_and_trailing_contributor_sentence():
    r = clean(
        BODY_1,
        BODY_2 + " Ali Khan in Lahore contributed to this report.",
        "Staff writer Ana Ruiz contributed reporting.",
        "(Reporting by Ana Ruiz; Editing by Tom Field)",
        "Ruiz reported from Portvale.",
    )
    assert r.paragraphs == (BODY_1, BODY_2)
    assert set(reasons(r).values()) == {"contributor"}
    assert "Ali Khan in Lahore contributed to this report." in reasons(r)


def test_reporting_by_sentence_in_the_body_is_kept():
    line = "Reporting by The Valley Courier found the bridge had not been inspected since 2009."
    assert clean(BODY_1, line).paragraphs == (BODY_1, line)


def test_trailing_related_headlines_run():
    r = clean(
        "Council shuts old harbour bridge for repairs",
        BODY_1,
        BODY_2,
        "Ferry company adds evening sailings as bridge closes",
        "How the harbour bridge was built in 1931",
        "Five things to know about the repair plan",
    )
    assert r.paragraphs == (BODY_1, BODY_2)
    assert [i.reason for i in r.removed] == ["related-headlines"] * 3


def test_trailing_list_and_single_last_line_are_kept():
    listed = (
        BODY_1,
        "Drivers can use these routes instead:",
        "North Road via Hillcrest",
        "The coast road",
    )
    assert clean(*listed).paragraphs == listed
    single = (BODY_1, BODY_2, "Work begins in April")
    assert clean(*single).paragraphs == single


def test_labelled_related_links():
    r = clean(
        BODY_1,
        "Related: Ferry company adds evening sailings",
        "READ MORE:",
        "[How the harbour bridge was built in 1931]",
        "Ferry timetable changes for the summer Read more",
        BODY_2,
    )
    assert r.paragraphs == (BODY_1, BODY_2)
    assert set(reasons(r).values()) == {"related-headlines"}


def test_section_labels_but_not_subheads_inside_the_body():
    r = clean("World", "Asia & Pacific", BODY_1, "POLITICS", BODY_2, "more local videos")
    assert r.paragraphs == (BODY_1, "POLITICS", BODY_2)
    assert reasons(r) == {
        "World": "section-label",
        "Asia & Pacific": "section-label",
        "more local videos": "section-label",
    }


def test_page_furniture_advertising_and_timestamps():
    r = clean(
        "Updated: March 4, 2024 10:15 a.m.",
        "Advertisement",
        BODY_1 + " Story continues below advertisement",
        "Please enable JavaScript to watch this video",
        "Click here to see the full repair plan.",
        "© 2024 Portvale Press. All rights reserved.",
        BODY_2,
    )
    assert r.paragraphs == (BODY_1, BODY_2)
    assert reasons(r) == {
        "Updated: March 4, 2024 10:15 a.m.": "timestamp",
        "Advertisement": "advertisement",
        "Story continues below advertisement": "advertisement",
        "Please enable JavaScript to watch this video": "page-ui",
        "Click here to see the full repair plan.": "navigation",
        "© 2024 Portvale Press. All rights reserved.": "copyright",
    }
    assert r.outlet == "Portvale Press"


def test_archive_boilerplate_needs_two_cues():
    notice = (
        "This page was saved by the Wayback Machine from crawl data that a partner "
        "donates to the Internet Archive every day."
    )
    news = "The Internet Archive said on Tuesday it would appeal the ruling."
    r = clean(notice, news)
    assert r.paragraphs == (news,)
    assert r.removed == (RemovedLine(notice, "archive-boilerplate"),)


def test_byline_is_returned_and_removed():
    r = clean("Council shuts old harbour bridge", "By Jane Roe and Tom Poe, Staff Writers", BODY_1)
    assert r.byline == "Jane Roe and Tom Poe"
    assert r.removed == (RemovedLine("By Jane Roe and Tom Poe, Staff Writers", "byline"),)
    kept = "By Monday, officials had closed both lanes."
    assert clean(BODY_1, kept).paragraphs == (BODY_1, kept)


def test_short_and_quote_paragraphs_are_kept():
    lines = (
        BODY_1,
        "The mayor, however, did not comment.",
        "“We will rebuild,” she said.",
        "No one was hurt.",
        BODY_2,
    )
    r = clean(*lines)
    assert r.paragraphs == lines
    assert r.removed == ()


# --- Input shapes -------------------------------------------------------------


def test_windows_newlines_and_non_breaking_spaces():
    text = "Council shuts bridge\u00a0for repairs\r\n\r\n" + BODY_1.replace(" ", "\u00a0", 3)
    text += "\r\n\r\n" + BODY_2 + "\r\n"
    r = clean_plain_text(text)
    assert r.title == "Council shuts bridge for repairs"
    assert r.paragraphs == (BODY_1, BODY_2)


def test_single_newlines_and_no_blank_lines_give_the_same_paragraphs():
    lines = ("Council shuts old harbour bridge", BODY_1, "Advertisement", BODY_2, BODY_3)
    assert clean(*lines, sep="\n") == clean(*lines, sep="\n\n")
    assert clean(*lines, sep="\n").paragraphs == (BODY_1, BODY_2, BODY_3)


def test_hard_wrapped_lines_are_joined():
    text = (
        "The town council voted on Monday to close the old harbour\n"
        "bridge for repairs, officials said.\n\n"
        "The bridge carries about 4,000 cars a day, according to the trans-\n"
        "port office."
    )
    assert clean_plain_text(text).paragraphs == (
        "The town council voted on Monday to close the old harbour bridge for repairs, "
        "officials said.",
        "The bridge carries about 4,000 cars a day, according to the transport office.",
    )


def test_empty_and_whitespace_only_text():
    empty = PlainTextResult(title=None, paragraphs=(), byline=None, outlet=None, removed=())
    assert clean_plain_text("") == empty
    assert clean_plain_text(" \r\n\u00a0\n\u200b") == empty


def test_long_single_paragraph_is_linear():
    paragraph = "The council met on Tuesday and said the bridge would close. " * 20_000
    started = time.perf_counter()
    r = clean_plain_text(paragraph)
    assert time.perf_counter() - started < 5
    assert len(r.paragraphs) == 1


def test_multinews_archive_notice_is_flagged():
    """The archive notices Multi-News carries in place of some articles."""
    path = need(EVALDATA / "multinews200" / "multi_news.jsonl")
    flagged = 0
    with path.open(encoding="utf-8") as rows:
        for row in rows:
            for doc in re.split(r"(?:^|\n)Passage \d+:\n", json.loads(row)["context"]):
                if "Alexa Internet has been donating" in doc:
                    result = clean_plain_text(doc.replace("NEWLINE_CHAR", "\n\n"))
                    assert not any("Alexa Internet" in p for p in result.paragraphs)
                    flagged += 1
    assert flagged >= 10


def test_story_highlights_block_is_removed_and_not_taken_for_the_title():
    r = clean(
        "Story highlights The council closes the harbour bridge for six months",
        "Ferries add evening sailings",
        BODY_1,
        BODY_2,
    )
    assert r.title is None
    assert r.paragraphs == (BODY_1, BODY_2)
    assert [i.reason for i in r.removed] == ["highlights", "highlights"]


def test_photo_gallery_glued_before_the_text_is_cut():
    gallery = (
        "Photos: The bridge over the years The bridge opened in 1931. Hide Caption 1 of 2 "
        "Photos: The bridge over the years Cars queue on the bridge in 1990. Hide Caption 2 of 2 "
    )
    r = clean(gallery + BODY_2, BODY_3)
    assert r.paragraphs == (BODY_2, BODY_3)
    assert r.removed == (RemovedLine(gallery.strip(), "caption"),)


def test_glued_masthead_of_any_name_needs_the_name_elsewhere():
    text = (
        "The Ferrow LanternEvery Corner of the Valley\n\n"
        "Mill fire forces evacuation of riverside homes\n\n"
        "Flames spread through the old paper mill on Friday night, and about 200 residents were told to leave.\n\n"
        "© 2026 The Ferrow Lantern"
    )
    result = clean_plain_text(text)
    assert result.outlet == "The Ferrow Lantern"
    assert result.title == "Mill fire forces evacuation of riverside homes"
    assert result.removed[0] == RemovedLine(
        "The Ferrow LanternEvery Corner of the Valley", "masthead"
    )
    # without a second mention, a glued first line is left alone
    lone = clean_plain_text(
        "McDonald's opens a new kitchen\n\nThe chain said on Monday it would hire 40 cooks."
    )
    assert lone.outlet is None and lone.title == "McDonald's opens a new kitchen"


def test_membership_appeal_and_reprint_notice_are_removed():
    text = (
        "Good reporting costs money and depends on readers like you. Become a supporter\n\n"
        "The senator said on Monday that the bill would pass before the recess, according to aides.\n\n"
        "Reprints: This copy is for your personal, non-commercial use only."
    )
    result = clean_plain_text(text)
    assert result.paragraphs == (
        "The senator said on Monday that the bill would pass before the recess, according to aides.",
    )
    assert [r.reason for r in result.removed] == ["signup-prompt", "reprints"]


def test_capitals_masthead_and_a_longer_slogan_naming_the_town():
    r = clean(
        "ORVILLE MATIN",
        "Toutes les nouvelles d'Orville et de ses environs",
        "Orville : le marché couvert rouvre après deux ans de travaux",
        BODY_1,
        "Abonnez-vous à Orville Matin pour recevoir nos lettres.",
    )
    assert r.outlet == "Orville Matin"
    assert r.title == "Orville : le marché couvert rouvre après deux ans de travaux"
    assert [i.reason for i in r.removed][:2] == ["masthead", "masthead"]


# --- Our labelled example scrapes in seven languages ------------------------------

LABELS = json.loads((ROOT / "bench" / "boilerplate_labels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_labelled_examples_lose_exactly_their_chrome(name):
    """Every line of our example scrapes was labelled by hand (bench/boilerplate_labels.json,
    also scored by `bench/boilerplate_audit.py --labelled`): the cleaner removes the chrome
    lines and keeps every article line."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    chrome = set(LABELS[name]["chrome"])
    removed = {item.text for item in clean_plain_text(text).removed}
    lines = {line.strip() for line in text.splitlines() if line.strip()}
    assert chrome <= lines  # the labels were read on this text
    assert sorted(chrome - removed) == []
    assert sorted(removed & (lines - chrome)) == []


@pytest.mark.parametrize(
    "line",
    ["Mis à jour à 07h12", "Aktualisiert um 8:15 Uhr", "Updated 10:45", "Actualizado: 21.30 h"],
)
def test_an_update_stamp_needs_no_year(line):
    r = clean(line, BODY_1, BODY_2)
    assert r.paragraphs == (BODY_1, BODY_2)
    assert reasons(r) == {line: "timestamp"}


def test_a_sentence_opening_with_the_stamp_verb_is_kept():
    line = "Updated figures released at 10:45 showed the bridge carries more traffic than thought."
    assert clean(line, BODY_1).paragraphs == (line, BODY_1)
