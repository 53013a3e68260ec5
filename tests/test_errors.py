"""One exception tree (errors.py), met by users only as one-line messages: exit codes from
the CLI, 4xx/503 JSON errors from the API, never a traceback or a 500."""

from __future__ import annotations

import inspect
import sqlite3

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

import newsweave
from newsweave import errors
from newsweave.cli import EXIT_TEMPFAIL, app
from newsweave.store import Store

LOCAL = "http://127.0.0.1"  # the service answers loopback Host headers only

STORY = EXAMPLES / "kestrelholm-fire"
ONE_ARTICLE = STORY / "saltgate-observer.txt"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def error_classes() -> list[type]:
    return [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]


def test_every_error_is_in_the_tree_and_its_diagram():
    diagram = errors.__doc__ or ""
    for cls in error_classes():
        assert issubclass(cls, errors.NewsweaveError), cls
        assert f"── {cls.__name__} " in diagram or cls is errors.NewsweaveError, cls
        assert getattr(newsweave, cls.__name__) is cls, f"{cls.__name__} not exported"
    assert issubclass(errors.DatabaseLockedError, errors.StoreError)
    assert issubclass(errors.ModelMissingError, errors.MissingDependencyError)


@pytest.fixture()
def corrupt_db(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x13garbage" * 600)
    return path


def test_cli_corrupt_database_is_one_line_for_every_command(corrupt_db):
    expected = f"newsweave: error: not a newsweave database or corrupt: {corrupt_db}\n"
    for args in (
        ("stories", "--db", str(corrupt_db)),
        ("show", "s-0000000000", "--db", str(corrupt_db)),
        ("ingest", str(ONE_ARTICLE), "--db", str(corrupt_db)),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr == expected, args
        assert result.stdout == ""


def test_cli_locked_database_exits_tempfail(db):
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for the whole run
    try:
        result = run("ingest", str(ONE_ARTICLE), "--db", str(db))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == EXIT_TEMPFAIL == 75
    assert result.stderr.splitlines()[-1] == (
        f"newsweave: error: database is locked by another process: {db}"
    )
    assert "Traceback" not in result.output


def _break_cluster_state(db) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE clusterer_state SET state = ?", (b"not zlib",))
    conn.commit()
    conn.close()


def test_cli_corrupt_cluster_state_is_one_line(db, tmp_path):
    _break_cluster_state(db)
    (tmp_path / "new.txt").write_text(ONE_ARTICLE.read_text().replace("Saltgate", "Pellham"))
    result = run("ingest", str(tmp_path / "new.txt"), "--db", str(db))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("newsweave: error: ")
    assert "cluster state" in result.stderr


fastapi = pytest.importorskip("fastapi", reason="the web extra is part of the test extra")
from fastapi.testclient import TestClient  # noqa: E402

from newsweave import api  # noqa: E402
from newsweave.api import ServiceSettings, create_app  # noqa: E402


def test_api_corrupt_database_is_503_json(db):
    application = create_app(ServiceSettings(db=db))
    for suffix in ("", "-wal", "-shm"):  # damaged after start-up: every read meets it
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.write_bytes(b"SQLite format 3\x00" + b"\x13garbage" * 600)
    with TestClient(application, raise_server_exceptions=False, base_url=LOCAL) as client:
        response = client.get("/api/stories")
    assert response.status_code == 503
    assert response.json() == {
        "error": {"status": 503, "message": f"not a newsweave database or corrupt: {db}"}
    }


def test_api_locked_database_is_503_with_retry_after(db, monkeypatch):
    monkeypatch.setattr(api, "BUSY_TIMEOUT", 0.2)  # wait a fifth of a second, not a minute
    article = {"text": ONE_ARTICLE.read_text().replace("Saltgate", "Pellham"), "outlet": "Pellham"}
    with TestClient(
        create_app(ServiceSettings(db=db)), raise_server_exceptions=False, base_url=LOCAL
    ) as client:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            response = client.post("/api/articles", json=article)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json()["error"]["message"] == (
            f"database is locked by another process: {db}"
        )
        assert client.post("/api/articles", json=article).status_code == 201  # lock gone


def test_api_unknown_story_and_bad_body_are_4xx_json(db):
    with TestClient(
        create_app(ServiceSettings(db=db)), raise_server_exceptions=False, base_url=LOCAL
    ) as client:
        missing = client.get("/api/stories/s-0000000000")
        assert missing.status_code == 404
        assert missing.json()["error"]["message"] == f"no story 's-0000000000' in {db}"
        bad = client.post("/api/articles", json={"title": "no body"})
        assert bad.status_code == 422
        assert bad.json()["error"]["message"] == (
            "api:1: the article needs a 'text' or 'html' string field"
        )


def test_api_corrupt_cluster_state_is_503(db):
    _break_cluster_state(db)
    article = {"text": ONE_ARTICLE.read_text().replace("Saltgate", "Pellham")}
    with TestClient(
        create_app(ServiceSettings(db=db)), raise_server_exceptions=False, base_url=LOCAL
    ) as client:
        response = client.post("/api/articles", json=article)
    assert response.status_code == 503
    assert "cluster state" in response.json()["error"]["message"]


def test_store_errors_name_the_file(corrupt_db):
    with pytest.raises(errors.CorruptDatabaseError, match=str(corrupt_db)):
        Store(corrupt_db)
