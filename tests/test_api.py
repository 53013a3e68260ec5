"""The web service (api.py) with FastAPI's TestClient on a real corpus of the example story."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="the web extra is part of the test extra")
from fastapi.testclient import TestClient  # noqa: E402

from newsweave.api import ServiceSettings, create_app  # noqa: E402
from newsweave.cli import app as cli_app  # noqa: E402
from newsweave.render.html import story_to_html  # noqa: E402
from newsweave.store import MIGRATIONS, SCHEMA_VERSION, Store  # noqa: E402

LOCAL = "http://127.0.0.1"  # the service answers loopback Host headers only

STORY = EXAMPLES / "kestrelholm-fire"

# Our own fictional follow-up to the example story (a sixth outlet, two days later).
FOLLOW_UP = {
    "title": "Kestrelholm terminal stays shut as styrene clean-up of Veldt Quay continues",
    "outlet": "Osterholm Evening Herald",
    "url": "https://herald.osterholm.example/2026/04/22/veldt-quay-cleanup",
    "published": "2026-04-22",
    "text": (
        "KESTRELHOLM, Brenmark - The Veldt Quay chemical terminal in Kestrelholm will stay closed "
        "until at least June while contractors pump styrene residue out of the ruptured tank, "
        "the port authority said on Wednesday, three days after the explosion that killed two "
        "workers.\n\n"
        "Harrow-Lind Terminals, which operates the terminal, said it had removed about 400 cubic "
        "metres of contaminated foam and water from the quay since the fire was put out on "
        "Monday.\n\n"
        "\u201cNobody goes back onto that quay until every tank has been inspected,\u201d said "
        "Lotta Vireen, a spokeswoman for the Kestrelholm port authority.\n\n"
        "Prosecutors investigating the deaths of Piet Arnholm and Dario Falkstad said they had "
        "seized maintenance records from the company's offices on Tuesday."
    ),
}


@pytest.fixture()
def client(db):
    with TestClient(create_app(ServiceSettings(db=db)), base_url=LOCAL) as c:
        yield c


def story_id(client) -> str:
    (story,) = client.get("/api/stories").json()["stories"]
    return story["id"]


def test_story_list_pages_and_searches_headlines_and_bodies(client):
    listing = client.get("/api/stories").json()
    assert listing["total"] == 1 and listing["offset"] == 0 and listing["limit"] == 50
    (story,) = listing["stories"]
    assert story["headline"] == "Tank that exploded in Kestrelholm had missed its safety inspection"
    assert (story["sources"], story["articles"]) == (5, 5)
    # a body-only word, a headline word, a prefix, two words of one article
    for q in ("herring", "Tank", "styr", "Saelen herring"):
        assert client.get("/api/stories", params={"q": q}).json()["total"] == 1, q
    assert client.get("/api/stories", params={"q": "zeppelin"}).json()["total"] == 0
    # FTS5 syntax in a search box is plain text, never a 500
    for q in ('"NEAR(', "tank OR -", "*"):
        response = client.get("/api/stories", params={"q": q})
        assert response.status_code == 200, q
    assert client.get("/api/stories", params={"since": "2026-04-22"}).json()["total"] == 0
    assert client.get("/api/stories", params={"since": "2026-04-21"}).json()["total"] == 1
    assert client.get("/api/stories", params={"offset": 1}).json()["stories"] == []


def test_bad_query_parameters_are_json_errors(client):
    response = client.get("/api/stories", params={"limit": 0})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and "limit" in error["message"]
    response = client.get("/api/stories", params={"since": "last week"})
    assert response.status_code == 422 and "since" in response.json()["error"]["message"]


def test_story_is_the_show_json_briefing(client, db):
    sid = story_id(client)
    response = client.get(f"/api/stories/{sid}")
    assert response.status_code == 200
    record = response.json()
    shown = CliRunner().invoke(cli_app, ["show", sid, "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0
    assert record == json.loads(shown.stdout)
    assert record["story"] == sid and record["schema"] == "newsweave.briefing/1"
    cited = record["summary"][0]["citations"][0]
    assert cited["source"] == "Brenmark Daily Courier" and cited["sentence"] == 1
    assert cited["text"].startswith("The storage tank that exploded at the Veldt Quay")


def test_unknown_story_and_article_are_404_json(client):
    response = client.get("/api/stories/s-0000000000")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "message": response.json()["error"]["message"]}
    }
    assert "s-0000000000" in response.json()["error"]["message"]
    response = client.get("/api/articles/999")
    assert response.status_code == 404 and response.json()["error"]["message"] == "no article 999"
    assert client.get("/api/articles/first").status_code == 422


def test_article_by_id(client):
    sid = story_id(client)
    article = client.get("/api/articles/1").json()
    assert article["article_id"] == 1 and article["story"] == sid
    assert article["schema"] == "newsweave.article/1" and article["paragraphs"]
    assert article["duplicate_of"] is None


def test_post_article_joins_the_story_then_is_recognised(client):
    sid = story_id(client)
    response = client.post("/api/articles", json=FOLLOW_UP)
    assert response.status_code == 201, response.text
    posted = response.json()
    assert posted["status"] == "new" and posted["story"] == sid
    assert posted["outlet"] == "Osterholm Evening Herald" and posted["published"] == "2026-04-22"
    assert posted["id"] == FOLLOW_UP["url"]
    stored = client.get(f"/api/articles/{posted['article_id']}").json()
    assert stored["title"] == FOLLOW_UP["title"] and stored["story"] == sid
    # outlet and date were given by the request, and are labelled so (not "jsonl")
    assert (stored["outlet_source"], stored["published_source"]) == ("api", "api")
    assert client.get("/api/stories", params={"q": "Vireen"}).json()["total"] == 1
    # the very same article again: nothing new
    again = client.post("/api/articles", json=FOLLOW_UP)
    assert again.status_code == 200 and again.json()["status"] == "already_stored"
    assert again.json()["article_id"] == posted["article_id"]
    # the same text from another outlet: a copy of the first
    copy = client.post(
        "/api/articles", json=FOLLOW_UP | {"outlet": "Brenmark Wire", "url": None}
    ).json()
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == posted["article_id"]
    assert copy["story"] == sid
    story = client.get(f"/api/stories/{sid}").json()
    assert [c["source"] for c in story["also_published_by"]] == ["Brenmark Wire"]
    assert any(s["outlet"] == "Osterholm Evening Herald" for s in story["sources"])


def test_a_cached_story_list_is_never_older_than_the_posters_article(client):
    """Pages are shared between commits (api._Memo); a commit shows in the next read."""
    from test_brief_stories import STORIES

    for _ in range(3):  # read, and read again from the shared copy
        assert client.get("/api/stories").json()["total"] == 1
    story = client.get(f"/api/stories/{story_id(client)}").json()
    title, _, text = STORIES["chess-1.txt"].partition("\n\n")
    posted = client.post("/api/articles", json={"title": title, "text": text}).json()
    listing = client.get("/api/stories").json()
    assert listing["total"] == 2 and listing["stories"][0]["id"] == posted["story"]
    assert client.get("/api/stories", params={"q": "Tolvay"}).json()["total"] == 1
    # the untouched story is served from its encoded copy, byte for byte as before
    assert client.get(f"/api/stories/{story['story']}").json() == story


def test_readers_get_the_previous_briefing_while_the_new_one_is_built(client):
    """Under load a story changes with every batch: its readers are not queued behind
    its rebuild; they get the previous JSON at once, marked as such, while a reader who
    asks for the current one (Cache-Control: no-cache) waits for it."""
    import threading

    sid = story_id(client)
    before = client.get(f"/api/stories/{sid}")
    assert "x-newsweave-briefing" not in before.headers
    assert client.post("/api/articles", json=FOLLOW_UP).status_code == 201
    corpus = client.app.state.corpus
    answers = []
    with corpus._analysis_lock:  # the new briefing cannot be built yet
        meanwhile = client.get(f"/api/stories/{sid}")
        assert meanwhile.headers["x-newsweave-briefing"] == "previous; rebuilding"
        assert meanwhile.json() == before.json()
        fresh = threading.Thread(
            target=lambda: answers.append(
                client.get(f"/api/stories/{sid}", headers={"Cache-Control": "no-cache"})
            )
        )
        fresh.start()
        fresh.join(timeout=1.0)
        assert fresh.is_alive() and not answers  # it waits for the build
        # a second reader meanwhile shares that one build (one per story in flight)
        assert client.get(f"/api/stories/{sid}").headers["x-newsweave-briefing"]
        assert len(corpus._builds) == 1
    fresh.join(timeout=120)
    (built,) = answers
    assert "x-newsweave-briefing" not in built.headers
    assert any(s["outlet"] == "Osterholm Evening Herald" for s in built.json()["sources"])
    again = client.get(f"/api/stories/{sid}")
    assert "x-newsweave-briefing" not in again.headers and again.json() == built.json()
    # the same bytes again: a client holding them is told so without the body
    unchanged = client.get(f"/api/stories/{sid}", headers={"If-None-Match": again.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    listing = client.get("/api/stories")
    assert (
        client.get("/api/stories", headers={"If-None-Match": listing.headers["etag"]}).status_code
        == 304
    )
    assert before.headers["etag"] != again.headers["etag"]


def test_post_article_as_uploaded_file(client):
    html = (STORY / "brenmark-courier.html").read_bytes()
    response = client.post(
        "/api/articles",
        files={"file": ("../../etc/courier.html", html, "text/html")},
        data={"outlet": "Courier reprint desk"},
    )
    assert response.status_code == 201, response.text
    posted = response.json()
    # the upload's name is a label only; the same text as a stored article is a duplicate
    assert posted["id"].startswith("upload:courier.html#")
    assert posted["status"] == "duplicate" and posted["outlet"] == "Courier reprint desk"
    stored = client.get(f"/api/articles/{posted['article_id']}").json()
    assert stored["outlet_source"] == "api"  # the form's outlet, not the page's
    assert stored["published_source"] == "html-meta"  # the date is still the page's own


def test_an_article_in_another_language_is_stored_with_its_language(client):
    french = (
        "Le conseil municipal de Portvale a voté mardi la fermeture du pont du vieux port "
        "pendant six mois, après que des inspecteurs ont trouvé des câbles rouillés. Les ferries "
        "circuleront toutes les vingt minutes pendant les travaux, selon la mairie."
    )
    response = client.post("/api/articles", json={"text": french, "id": "portvale-fr"})
    assert response.status_code == 201
    posted = response.json()
    assert posted["language"] == "fr"
    stored = client.get(f"/api/articles/{posted['article_id']}").json()
    assert stored["language"] == "fr"
    assert 0.5 < stored["language_confidence"] <= 1


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"json": {"text": "   "}}, "no article text found"),
        ({"files": {"file": ("empty.txt", b"  \n")}}, "upload:empty.txt: empty document"),
        ({"json": {"title": "no body"}}, "needs a 'text' or 'html'"),
        ({"json": ["not", "an", "object"]}, "JSON object"),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            "invalid JSON",
        ),
        (
            {"files": {"file": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)}},
            "binary file",
        ),
    ],
)
def test_bad_documents_are_422_with_the_reason(client, kwargs, reason):
    response = client.post("/api/articles", **kwargs)
    assert response.status_code == 422, response.text
    assert reason in response.json()["error"]["message"]
    assert client.get("/api/health").json()["articles"] == 5


def test_token_is_required_for_post_only(db):
    settings = ServiceSettings(db=db, token="s3cret-token")
    with TestClient(create_app(settings), base_url=LOCAL) as c:
        assert c.get("/api/stories").status_code == 200
        response = c.post("/api/articles", json=FOLLOW_UP)
        assert response.status_code == 401
        assert "token" in response.json()["error"]["message"]
        assert response.headers["www-authenticate"] == "Bearer"
        wrong = c.post("/api/articles", json=FOLLOW_UP, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert c.post("/api/brief", json={"articles": [FOLLOW_UP]}).status_code == 401
        ok = c.post(
            "/api/articles", json=FOLLOW_UP, headers={"Authorization": "Bearer s3cret-token"}
        )
        assert ok.status_code == 201


def test_request_bodies_over_the_limit_get_413(db):
    with TestClient(
        create_app(ServiceSettings(db=db, max_request_bytes=2000)), base_url=LOCAL
    ) as c:
        big = FOLLOW_UP | {"text": FOLLOW_UP["text"] * 3}
        response = c.post("/api/articles", json=big)
        assert response.status_code == 413
        assert response.json()["error"]["message"] == "request body over 2000 bytes"

        def chunks():  # no Content-Length: the limit holds on a streamed body too
            for _ in range(10):
                yield b"x" * 500

        streamed = c.post(
            "/api/articles", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        assert c.get("/api/health").json()["articles"] == 5
        assert c.post("/api/articles", json=FOLLOW_UP).status_code == 201  # under the limit


def test_adhoc_brief_stores_nothing(client):
    articles = [
        json.loads((STORY / "meridian-press.jsonl").read_text().splitlines()[0]),
        FOLLOW_UP,
        {"text": ""},
    ]
    response = client.post("/api/brief", json={"articles": articles, "words": 60})
    assert response.status_code == 200, response.text
    briefing = response.json()
    assert briefing["schema"] == "newsweave.briefing/1" and briefing["word_budget"] == 60
    assert [s["outlet"] for s in briefing["sources"]] == [
        "Meridian Press Agency",
        "Osterholm Evening Herald",
    ]
    assert briefing["summary"] and all(s["citations"] for s in briefing["summary"])
    assert briefing["skipped"] == [{"id": "api:3", "reason": "no article text found"}]
    assert client.get("/api/health").json()["articles"] == 5
    nothing = client.post("/api/brief", json={"articles": [{"text": ""}]})
    assert nothing.status_code == 422 and "no posted article" in nothing.json()["error"]["message"]


def test_brief_body_is_validated_once_and_a_bad_article_is_skipped_with_its_reason(client):
    """BriefBody validates each article by ArticleBody and keeps an article's error as its
    skip reason; a body that is not a BriefBody is a 422 naming the field."""
    good = json.loads((STORY / "meridian-press.jsonl").read_text().splitlines()[0])
    for body, message in (
        ({"articles": "x"}, "articles: Input should be a valid list"),
        ({"articles": [good], "words": True}, "words: Input should be a valid integer"),
        ({"articles": [good] * 51}, "articles: List should have at most 50 items"),
        ([good], "the body must be a JSON object"),
    ):
        response = client.post("/api/brief", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["message"].startswith(message)
    response = client.post(
        "/api/brief", json={"articles": [good, {"title": 7, "text": "x"}, [1]], "words": 5000}
    )
    assert response.status_code == 200, response.text
    briefing = response.json()
    assert briefing["word_budget"] == 2000  # held to the range, as the query's would be
    assert briefing["skipped"] == [
        {"id": "api:2", "reason": "title: Input should be a valid string"},
        {"id": "api:3", "reason": "the article must be a JSON object"},
    ]


def test_upload_form_fields_are_validated_by_article_upload(client):
    text = FOLLOW_UP["text"].encode()
    response = client.post(
        "/api/articles", files={"file": ("a.txt", text), "title": ("t.txt", b"a file")}
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "title: Input should be a valid string"
    two = client.post("/api/articles", files=[("file", ("a.txt", text)), ("file", ("b.txt", text))])
    assert two.status_code == 422
    assert two.json()["error"]["message"] == "post one article at a time (got 2)"
    assert client.get("/api/health").json()["articles"] == 5


def test_adhoc_brief_of_two_stories_is_a_422_naming_the_groups(client):
    """As the CLI's `brief`: articles the event clusterer puts in two stories are refused,
    not merged into one briefing (issue 17 item 2)."""
    from test_brief_stories import STORIES

    def body(name: str) -> dict[str, str]:
        title, _, text = STORIES[name].partition("\n\n")
        return {"title": title, "text": text}

    order = ("mill-1.txt", "chess-1.txt", "mill-2.txt", "chess-2.txt")
    response = client.post("/api/brief", json={"articles": [body(n) for n in order]})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"] == (
        "the posted articles hold 2 stories: [api:1, api:3] and [api:2, api:4]; brief each "
        "on its own, or POST them to /api/articles and read each story from /api/stories"
    )
    files = [("files", (n, STORIES[n].encode())) for n in order[:2]]
    uploaded = client.post("/api/brief", files=files)
    assert uploaded.status_code == 422
    assert "[upload:mill-1.txt] and [upload:chess-1.txt]" in uploaded.json()["error"]["message"]
    one = client.post("/api/brief", json={"articles": [body("mill-1.txt"), body("mill-2.txt")]})
    assert one.status_code == 200, one.text
    assert "Glassmere" in json.dumps(one.json()["summary"])


def test_pages_render_and_escape_article_text(client, db):
    page = client.get("/", params={"q": "styrene"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Tank that exploded in Kestrelholm had missed its safety inspection" in page.text
    assert "1 story matching" in page.text
    sid = story_id(client)
    story = client.get(f"/stories/{sid}")
    assert story.status_code == 200
    assert 'class="cite"' in story.text and "Brenmark Daily Courier" in story.text
    missing = client.get("/stories/nope")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    hostile = FOLLOW_UP | {
        "title": "Kestrelholm <script>alert('x')</script> terminal styrene clean-up",
        "url": "https://herald.osterholm.example/hostile",
        "outlet": "Herald <b>bold</b>",
    }
    assert client.post("/api/articles", json=hostile).status_code == 201
    text = client.get(f"/stories/{sid}").text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    assert "<b>bold</b>" not in text and "Herald &lt;b&gt;bold&lt;/b&gt;" in text


def test_story_page_model_places_dates_and_keeps_unresolved_apart():
    from newsweave.model import Article, Briefing, Citation, StoryRecord, TimelineEvent

    source = Article("a", ("The council voted.",), title="T", outlet="Portvale Gazette")
    cited = (Citation("a", "Portvale Gazette", 2, "x"),)
    timeline = (
        TimelineEvent(
            "the council voted",
            "Tuesday",
            "2026-03-03",
            "day",
            "published 2026-03-04 (jsonl)",
            cited,
        ),
        TimelineEvent("the bridge opened", "1979", "1979", "year", None, ()),
        TimelineEvent(
            "repairs end", "later this year", None, "unresolved", "no publication date", ()
        ),
    )
    record = StoryRecord("s-1", Briefing(sources=(source,), summary=(), timeline=timeline))
    html = story_to_html(record)
    axis = html.split('<ol class="axis"', 1)[1].split("</ol>", 1)[0]
    assert axis.index("1979") < axis.index("2026-03-03")
    assert "later this year" not in axis
    # Spaced by rank; the 47 empty years are one labelled break, not a long blank.
    assert '<li class="axis-break">47 years later</li>' in axis
    assert axis.index("47 years later") < axis.index(
        '<time datetime="2026-03-03">3 Mar 2026</time>'
    )
    unresolved = html.split('<ul class="unresolved">', 1)[1].split("</ul>", 1)[0]
    assert "“later this year” · unresolved (no publication date)" in unresolved


def test_show_html_is_the_story_page(db, tmp_path):
    with Store(db) as store:
        (story,) = store.stories()
    out = tmp_path / "story.html"
    result = CliRunner().invoke(
        cli_app, ["show", story.id, "--db", str(db), "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert 'href="/"' not in html  # standalone: no links into a server
    assert "Tank that exploded in Kestrelholm had missed its safety inspection" in html
    assert html.count('class="cite"') > 10


def test_existing_version_1_database_gains_search(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    conn.execute("INSERT INTO schema_migrations VALUES (1, '2026-11-30T00:00:00+00:00')")
    conn.execute("PRAGMA application_id = 1314346582")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO articles (doc_id, title, paragraphs, content_hash, text_hash, ingested) "
        "VALUES ('old.txt', 'Harbour bridge to close', '[\"Ferries will run every 20 minutes.\"]', "
        "'c1', 't1', '2026-11-30')"
    )
    conn.execute("INSERT INTO stories VALUES ('s-old', '2026-11-30', '2026-11-30', NULL, NULL)")
    conn.execute("INSERT INTO story_members VALUES (1, 's-old')")
    conn.close()
    with Store(path) as store:
        versions = store.query("SELECT version FROM schema_migrations")
        assert versions == [(n,) for n in range(1, SCHEMA_VERSION + 1)]
        old = store.article(1)
        assert old is not None and (old.article.language, old.article.language_confidence) == (
            "und",  # stored before languages were detected: undetermined, not guessed
            None,
        )
        assert store.search_stories("ferries") == {"s-old"}
        assert store.search_stories("bridge") == {"s-old"}
        assert store.search_stories("tram") == set()


def test_serve_without_the_web_extra_names_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli_app, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "newsweave: error: serve needs the web extra (uvicorn is missing): "
        "pip install 'newsweave[web]'"
    )


FLOOD = {
    "title": "River Halsen floods low streets in Torvale",
    "outlet": "Torvale Observer",
    "published": "2026-05-04",
    "text": (
        "TORVALE - The river Halsen burst its banks in Torvale on Monday after 120 millimetres "
        "of rain fell in two days, flooding 30 streets and forcing about 900 residents to leave "
        "their homes.\n\n"
        "Firefighters used boats to reach people trapped on upper floors, and the regional "
        "emergency office said no one had been seriously hurt.\n\n"
        "\u201cThe water rose faster than anyone expected,\u201d said Greta Holst, the town's "
        "emergency coordinator."
    ),
}


def test_concurrent_posts_are_committed_consistently(client, db):
    import asyncio

    import httpx

    sid = story_id(client)
    bodies = [FOLLOW_UP, FOLLOW_UP | {"outlet": "Brenmark Wire", "url": None}, FOLLOW_UP, FLOOD]

    async def post_all():
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as c:
            return await asyncio.gather(*(c.post("/api/articles", json=b) for b in bodies))

    responses = asyncio.run(post_all())
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses == ["already_stored", "duplicate", "new", "new"]
    flood = responses[3].json()
    assert flood["status"] == "new" and flood["story"] != sid
    assert {r.json()["story"] for r in responses[:3]} == {sid}
    with Store(db) as store:
        assert store.check() == []
        assert store.counts()["articles"] == 8


def test_a_corrupt_clusterer_state_answers_a_json_error_not_a_crash(db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE clusterer_state SET state = x'00112233'")
    with TestClient(create_app(ServiceSettings(db=db)), base_url=LOCAL) as client:
        response = client.post("/api/articles", json=FOLLOW_UP)
    assert response.status_code == 503  # the store's fault, not the request's
    assert response.json()["error"]["message"] == (
        "cluster state is not readable (Error -3 while decompressing data: incorrect header check)"
    )


def test_openapi_schema_is_generated_from_the_body_models(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert {"ArticleBody", "ArticleUpload", "BriefBody", "BriefUpload"} <= components.keys()
    assert set(components["ArticleBody"]["properties"]) == {
        "text",
        "html",
        "url",
        "title",
        "outlet",
        "published",
    }
    assert components["ArticleUpload"]["required"] == ["file"]
    assert components["BriefBody"]["properties"]["articles"]["items"] == {
        "$ref": "#/components/schemas/ArticleBody"
    }
    for path, json_model, form_model in (
        ("/api/articles", "ArticleBody", "ArticleUpload"),
        ("/api/brief", "BriefBody", "BriefUpload"),
    ):
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith("/" + json_model)
        assert content["multipart/form-data"]["schema"]["$ref"].endswith("/" + form_model)


def test_a_non_string_field_is_a_422_naming_it(client):
    response = client.post("/api/articles", json=FOLLOW_UP | {"title": 7})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "api:1: title: Input should be a valid string"


# --- browser-facing safety (issue 18 item 6) ----------------------------------------------


def test_a_foreign_host_header_is_refused(db):
    """DNS rebinding: a page whose own name resolves to 127.0.0.1 sends its Host."""
    with TestClient(create_app(ServiceSettings(db=db)), base_url="http://evil.example") as c:
        response = c.get("/api/stories")
    assert response.status_code == 400
    assert response.text == "Invalid host header"


def test_a_cross_site_post_is_refused_and_nothing_is_stored(client, db):
    for body in ({"json": FOLLOW_UP}, {"files": {"file": ("a.txt", FOLLOW_UP["text"])}}):
        response = client.post("/api/articles", headers={"Origin": "http://evil.example"}, **body)
        assert response.status_code == 403
        assert response.json()["error"]["message"] == (
            "cross-site request refused (its Origin is not this server)"
        )
    with Store(db) as store:
        assert store.counts()["articles"] == 5
    same_site = client.post("/api/articles", json=FOLLOW_UP, headers={"Origin": LOCAL})
    assert same_site.status_code == 201


def test_pages_carry_a_content_security_policy_and_no_sniff_headers(client):
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    for response in (page, client.get("/api/stories"), client.get("/docs")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_an_article_id_past_sqlites_range_is_a_422_not_a_crash(client):
    response = client.get("/api/articles/99999999999999999999999")
    assert response.status_code == 422
    assert client.get("/api/articles/0").status_code == 422


def test_briefings_built_in_a_child_process_survive_its_death(db, caplog):
    """`serve` builds briefings in a child process (briefing_worker): the same record as
    `show`; killed, the child is replaced and reported, and no post is lost."""
    import os
    import signal

    settings = ServiceSettings(db=db, briefing_process=True)
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        sid = story_id(client)
        record = client.get(f"/api/stories/{sid}").json()
        shown = CliRunner().invoke(cli_app, ["show", sid, "--db", str(db), "--format", "json"])
        assert record == json.loads(shown.stdout)  # built by the child, cached in the store
        health = client.get("/api/health").json()["briefing_process"]
        assert health["restarts"] == 0 and health["pid"] not in (None, os.getpid())
        os.kill(health["pid"], signal.SIGKILL)
        posted = client.post("/api/articles", json=FOLLOW_UP)
        assert posted.status_code == 201 and posted.json()["story"] == sid
        # its story changed: rebuilt by a new child, after the dead one is noticed
        rebuilt = client.get(f"/api/stories/{sid}", headers={"Cache-Control": "no-cache"})
        assert rebuilt.status_code == 200, rebuilt.text
        assert any(s["outlet"] == "Osterholm Evening Herald" for s in rebuilt.json()["sources"])
        health = client.get("/api/health").json()
        assert health["articles"] == 6
        assert health["briefing_process"]["restarts"] == 1
        assert health["briefing_process"]["pid"] not in (None, os.getpid())
    (message,) = [r.getMessage() for r in caplog.records if "briefing process" in r.getMessage()]
    assert f"pid {os.getpid()}" not in message and "exit code -9" in message
    assert "a new one is started (restart 1)" in message


def test_fast_reads_answer_as_the_routes_do(client):
    """FastReads answers plain list and story GETs itself; what it does not take on
    (a repeated or unknown parameter, a bad value) the route answers, with the same
    bytes for the same page."""
    fast = client.get("/api/stories", params={"limit": 20, "q": "styrene"})
    routed = client.get("/api/stories?limit=20&q=styrene&limit=20&extra=1")  # via FastAPI
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content and fast.headers["etag"] == routed.headers["etag"]
    assert fast.json()["total"] == 1 and fast.json()["limit"] == 20
    assert fast.headers["x-content-type-options"] == "nosniff"  # Guard's headers too
    for bad in ("limit=0", "limit=201", "offset=-1", "since=2026-13-01", "limit=ten"):
        response = client.get(f"/api/stories?{bad}")
        assert response.status_code == 422, bad
        assert response.json()["error"]["status"] == 422
    sid = story_id(client)
    assert client.get(f"/api/stories/{sid}").json()["story"] == sid
    assert client.get("/api/stories/st-0000000000").status_code == 404
    assert client.get("/api/stories/" + "s" * 101).status_code == 422


def test_story_answers_are_served_gzipped_once_compressed_with_etags_per_encoding(client):
    """A story's answer (hundreds of KB for a large story) is compressed once when it is
    made: a client accepting gzip gets those bytes (a tenth of the size), one that does
    not gets the JSON itself; each representation has its own ETag, and either one held
    is a 304. A short answer (a page of the list) is sent as it is."""
    import gzip

    from newsweave.briefing_worker import GZIP_LEVEL

    sid = story_id(client)
    plain = client.get(f"/api/stories/{sid}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    raw = client.get(f"/api/stories/{sid}", headers={"Accept-Encoding": "br, gzip;q=0.5"})
    assert raw.headers["content-encoding"] == "gzip"
    # httpx decodes it: the same JSON; on the wire it is the gzip of the plain bytes
    assert raw.content == plain.content and raw.json()["story"] == sid
    wire = int(raw.headers["content-length"])
    packed = gzip.compress(plain.content, compresslevel=GZIP_LEVEL, mtime=0)
    assert wire < len(plain.content) / 3 and len(packed) == wire
    assert raw.headers["etag"] != plain.headers["etag"]
    for held in (raw.headers["etag"], plain.headers["etag"]):
        again = client.get(f"/api/stories/{sid}", headers={"If-None-Match": held})
        assert again.status_code == 304 and again.content == b""
    refused = client.get(f"/api/stories/{sid}", headers={"Accept-Encoding": "gzip;q=0, *;q=1"})
    assert "content-encoding" not in refused.headers and refused.content == plain.content
    # the routed answer (a query FastReads leaves to FastAPI) negotiates the same way
    routed = client.get(f"/api/stories/{sid}?via=route", headers={"Accept-Encoding": "gzip"})
    assert routed.headers["content-encoding"] == "gzip" and routed.content == plain.content
    assert routed.headers["etag"] == raw.headers["etag"]
    assert routed.headers["x-content-type-options"] == "nosniff"
    short = client.get("/api/stories", params={"limit": 1}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in short.headers and short.json()["limit"] == 1


def test_accept_encoding_is_read_with_its_q_values():
    from newsweave.api import accepts_gzip

    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.2")
    assert accepts_gzip("*")
    assert accepts_gzip("GZIP")
    assert not accepts_gzip("")
    assert not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("gzip;q=0, *")
    assert not accepts_gzip("*;q=0")
    assert not accepts_gzip("gzip;q=zero")


def test_a_stories_key_from_its_id_pairs_is_its_developing_hash(db):
    """The service keys a story's briefing by its (event, article) id pairs without
    reading its articles; that key is the one its cached record is stored under."""
    from newsweave.api import developing_key
    from newsweave.corpus.reader import _developing_members, developing_hash

    store = Store(db)
    try:
        (story,) = [s.id for s in store.developing_stories()]
        members = _developing_members(store, store.story_events([story]))
        pairs = store.developing_member_ids(story)
        assert len(pairs) == sum(len(rows) for rows in members.values()) > 1
        assert developing_key(pairs) == developing_hash(members)
        assert developing_key(pairs[1:]) != developing_hash(members)
    finally:
        store.close()


def test_posted_articles_are_prepared_in_a_child_process_that_survives_its_death(db, caplog):
    """`serve` prepares posted articles (cleaning, fingerprint) in a second child, off the
    server's GIL: the same outcome as on a thread (an unusable one is a 422 with its
    reason, an ad-hoc briefing lists it as skipped); killed, the child is replaced and
    reported, and the post it would have prepared is stored."""
    import os
    import signal

    settings = ServiceSettings(db=db, briefing_process=True)
    assert settings.prepare_process is None  # follows briefing_process, as under `serve`
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        empty = client.post("/api/articles", json={"text": "   "})
        assert empty.status_code == 422 and "no article text found" in empty.text
        health = client.get("/api/health").json()
        preparing = health["preparing_process"]
        assert preparing["restarts"] == 0
        assert preparing["pid"] not in (None, os.getpid(), health["briefing_process"]["pid"])
        os.kill(preparing["pid"], signal.SIGKILL)
        posted = client.post("/api/articles", json=FOLLOW_UP)
        assert posted.status_code == 201, posted.text
        assert posted.json()["title"] == FOLLOW_UP["title"]
        brief = client.post("/api/brief", json={"articles": [FOLLOW_UP, {"text": "  "}]})
        assert brief.status_code == 200, brief.text
        assert [s["reason"] for s in brief.json()["skipped"]] == ["no article text found"]
        health = client.get("/api/health").json()
        assert health["articles"] == 6 and health["preparing_process"]["restarts"] == 1
    (message,) = [r.getMessage() for r in caplog.records if "preparing process" in r.getMessage()]
    assert "exit code -9" in message and "a new one is started (restart 1)" in message
