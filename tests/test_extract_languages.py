"""HTML articles in other languages: language, title without the site suffix, no teasers.

Our own fictional pages live in tests/data/; a few real pages are read at test time from
../shared/evaldata/trafilatura-dev (never copied into the repository).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.extract.meta import clean_title
from newsweave.extract.teasers import teaser_kind
from newsweave.ingest import read_sources
from newsweave.model import Article
from newsweave.pipeline import clean

DATA = Path(__file__).parent / "data"
DEV = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata" / "trafilatura-dev"


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("name", "language", "title", "teaser"),
    [
        ("bericht-de.html", "de", "Osterholm sperrt die alte Hafenbrücke", "Lesen Sie auch"),
        ("article-fr.html", "fr", "Portvale ferme le pont du vieux port pour six mois", "lire"),
        ("artykul-pl.html", "pl", "Brenmark zamyka stary most portowy", "Czytaj też"),
    ],
)
def test_our_articles_in_three_languages(name, language, title, teaser):
    result = run("extract", str(DATA / name), "--format", "json")
    assert result.exit_code == 0
    (record,) = json.loads(result.stdout)
    assert record["language"] == language
    assert record["language_confidence"] > 0.5
    assert record["title"] == title
    assert len(record["paragraphs"]) == 3  # the three paragraphs of the story, nothing else
    body = "\n".join(record["paragraphs"])
    assert teaser.lower() not in body.lower()
    assert "newsletter" not in body.lower()
    assert "Ilse Marten" in body


def test_a_german_briefing_says_what_it_could_not_do():
    result = run("brief", str(DATA / "bericht-de.html"))
    assert result.exit_code == 0
    assert (
        "> **Who said what**: not computed for 1 article (de): quotes and speakers are read "
        "in English and French only." in result.stdout
    )
    assert "> **Timeline**: not computed for 1 article (de): dates are read in" in result.stdout
    assert "> **Coverage**: sentences of 1 article (de) are compared by wording only" in (
        result.stdout
    )
    assert "- Der Stadtrat von Osterholm hat am Dienstag" in result.stdout  # the summary works
    assert "language de (" in result.stdout


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Berlin returns artefacts | DW | 19.01.2020", "DW", None, "Berlin returns artefacts"),
        ("Markets fall - Reuters", None, "https://www.reuters.com/x", "Markets fall"),
        ("SPIEGEL ONLINE - Die Lage am Morgen", None, "https://spiegel.de/a", "Die Lage am Morgen"),
        (
            "Ultium erhöht Kapazität - Battery-News.de",
            None,
            None,
            "Ultium erhöht Kapazität - Battery-News.de",
        ),
        # the headline's own dashes and a site-free title stay
        ("Covid-19 - what we know", "Coast Daily", None, "Covid-19 - what we know"),
        ("Crowd - and what it wants", "DW", "https://dw.com/a", "Crowd - and what it wants"),
        ("DW", "DW", None, "DW"),  # never the whole title
    ],
)
def test_titles_lose_the_site_suffix(title, site, url, expected):
    assert clean_title(title, site, url) == expected


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Read more: Germany to set up new contact office", "cross-reference"),
        ("Lesen Sie auch: Neue Radwege im Süden", "cross-reference"),
        ("À lire aussi : Le tramway prolongé jusqu'à la gare", "cross-reference"),
        ("LEE MÁS | El juicio continuará en mayo", "cross-reference"),
        ("Czytaj też:", "cross-reference"),
        ("Leggi anche", "cross-reference"),
        ("Abonnieren Sie unseren Newsletter", "newsletter"),
        ("Inscrivez-vous à notre newsletter pour recevoir l'essentiel.", "newsletter"),
        ("Sign up for our daily newsletter.", "newsletter"),
        # article text that merely uses the words
        ("Read more books, the minister told pupils on Tuesday, and fewer screens at night.", None),
        ("The newsletter's editor, Ana Ruiz, said the paper would close in March.", None),
    ],
)
def test_teasers_and_newsletter_prompts_are_recognised(line, kind):
    assert teaser_kind(line) == kind


def _dev_article(url: str) -> Article:
    if not (DEV / "evaldata.json").exists():
        pytest.skip("trafilatura-dev evaluation data not present")
    record = json.loads((DEV / "evaldata.json").read_text(encoding="utf-8"))[url]
    raw = gzip.decompress((DEV / "html" / f"{record['file']}.gz").read_bytes())
    (document,) = list(read_sources(["-"], stdin=io.BytesIO(raw)))
    article = clean(document)
    assert isinstance(article, Article)
    return article


def test_real_english_page_title_and_teasers():
    article = _dev_article("hard::dw.com.colonial.html")
    assert article.language == "en"
    assert article.title == "Berlin confronts Germany's colonial past with new initiative"
    assert not any(p.lower().startswith("read more") for p in article.paragraphs)
    assert not any("sign up" in p.lower() and "newsletter" in p.lower() for p in article.paragraphs)


@pytest.mark.parametrize(
    ("url", "language"),
    [
        (
            "https://www.drk.de/presse/pressemitteilungen/meldung/"
            "drk-immer-mehr-menschen-wegen-klimawandel-auf-hilfe-angewiesen/",
            "de",
        ),
        (
            "https://klubjagiellonski.pl/2021/04/22/"
            "nowa-zelandia-platny-urlop-dla-rodzicow-poronionego-dziecka-jak-to-wyglada-w-polsce/",
            "pl",
        ),
    ],
)
def test_real_pages_are_extracted_in_their_language(url, language):
    article = _dev_article(url)
    assert article.language == language
    assert len(article.text) > 2000  # the whole article, not a fragment


def test_a_fragment_from_the_fast_pass_makes_trafilatura_run_again():
    """A print-edition page where trafilatura's fast pass keeps 121 words (mostly the
    footer) of an article readability reads in full: the rerun with trafilatura's fallbacks
    brings the article back (the page's own "with" snippets), without the footer."""
    article = _dev_article("https://www.spiegel.de/spiegel/print/d-161500790.html")
    assert "Wie konnte es dazu kommen?" in article.text
    assert "Die Geschichte beginnt am 26. Oktober" in article.text
    assert len(article.text.split()) > 1500
    assert "Vervielfältigung nur mit Genehmigung" not in article.text


def test_a_cue_alone_takes_the_headline_under_it():
    from newsweave.extract.teasers import drop_teasers

    paragraphs = [
        "Der Stadtrat hat die Sperrung der Brücke beschlossen.",
        "Mehr zum Thema:",
        "Neue Radwege für den Osterholmer Süden",
        "Die Reparatur beginnt im März.",
        "See also",
        "The bridge will reopen in September, the council said.",  # a sentence: kept
    ]
    assert drop_teasers(paragraphs) == [
        "Der Stadtrat hat die Sperrung der Brücke beschlossen.",
        "Die Reparatur beginnt im März.",
        "The bridge will reopen in September, the council said.",
    ]


def test_the_story_page_shows_the_english_only_notes(tmp_path):
    db = tmp_path / "c.db"
    assert run("ingest", str(DATA / "artykul-pl.html"), "--db", str(db)).exit_code == 0
    (story,) = json.loads(run("stories", "--db", str(db), "--json").stdout)
    result = run("show", story["id"], "--db", str(db), "--format", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert [n["section"] for n in record["notes"]] == ["quotes", "timeline", "actors", "coverage"]
    assert record["sources"][0]["language"] == "pl"
    page = run("show", story["id"], "--db", str(db), "--format", "html").stdout
    assert "<strong>Who said what</strong>: not computed for 1 article (pl): quotes" in page
    assert "language pl" in page


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Foto: Jan Brenmark / Agencja Portowa", "credit"),
        ("Titelbild: Lea Osterholm/Hafenbild", "credit"),
        ("Crédit photo : Marie Vale", "credit"),
        ("© 2026 Portvale Courier. Tous droits réservés.", "copyright"),
        (
            "To read the full story, subscribe to the Portvale Courier for 3 euros a week.",
            "paywall",
        ),
        ("Déjà abonné ? Connectez-vous pour lire la suite de cet article.", "paywall"),
        ("Sie haben bereits ein Abo? Dann melden Sie sich hier an, um weiterzulesen.", "paywall"),
        ("Zaloguj się, aby uzyskać dostęp do pełnej treści dla prenumeratorów.", "paywall"),
        ("Sign up to get our best stories of the week in your inbox.", "sign-up"),
        ("Courier Morning Newsletter", "sign-up"),
        ("Wesprzyj nas darowizną – każde 10 zł pomaga.", "donation"),
        ("Unterstütze unsere Redaktion schon mit 2,50 Euro im Monat!", "donation"),
        # article text that uses the same words
        (
            "The paper said subscribers would keep access to the archive until the merger closes, "
            "a spokeswoman said on Monday, and that prices would not rise this year or next.",
            None,
        ),
        ("- Sign up for the ferry pass at the harbour office before Friday", None),
        ("Le photographe a quitté le port à l'aube, a raconté son frère.", None),
        ("Copyrights on the harbour photographs belong to the city, the court ruled.", None),
    ],
)
def test_chrome_of_html_bodies_is_recognised(line, kind):
    from newsweave.extract.teasers import chrome_kind

    assert chrome_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Le PUEDE INTERESAR: El puerto de Portvale cierra su puente",
        "Das könnte dich auch interessieren: Neue Fähre ab März",
        "Auch lesen: Der Hafen bekommt eine zweite Brücke",
        "Les plus lus",
    ],
)
def test_more_cross_reference_cues(line):
    assert teaser_kind(line) == "cross-reference"


def test_chrome_lines_leave_the_html_body():
    from newsweave.extract.teasers import drop_teasers

    paragraphs = [
        "Le conseil municipal a voté mardi la fermeture du pont pour six mois de travaux.",
        "Crédit photo : Marie Vale",
        "Déjà abonné ? Connectez-vous pour lire la suite de cet article.",
        "Les travaux commenceront en mars, a précisé la mairie.",
        "© 2026 Portvale Courier. Tous droits réservés.",
    ]
    assert drop_teasers(paragraphs) == [paragraphs[0], paragraphs[3]]
