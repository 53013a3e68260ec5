"""Faults of the machine, not of a document: a full disk, a read-only database, a database
deleted while in use. Each is one clear line and a non-zero exit (or a 503), and the store
is left as it was: consistent, holding exactly what had been committed before."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EXAMPLES, SAMPLES, need
from fastapi.testclient import TestClient

from newsweave.api import ServiceSettings, create_app

LOCAL = "http://127.0.0.1"
NEW_ARTICLES = [need(SAMPLES)]  # two articles the example corpus does not hold


def newsweave(*args: str, file_limit: int | None = None) -> subprocess.CompletedProcess:
    """The real command in its own process (a file-size limit applies to that process only)."""

    def limit() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "newsweave", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env=env,
        timeout=300,
    )


def contents(db: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(db)
    try:
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        (stories,) = conn.execute("SELECT count(*) FROM stories").fetchone()
    finally:
        conn.close()
    return check, articles, stories


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if "error" in line]


def test_full_disk_is_one_line_and_leaves_the_store_as_it_was(db):
    before = contents(db)
    assert before == ("ok", 5, 1)
    # SQLite's write-ahead log may not grow past 48 KiB: the new articles' batch cannot be
    # written, as on a full disk (the process gets EFBIG where a full disk gives ENOSPC;
    # SQLite reports both as an I/O error on write).
    result = newsweave("ingest", *map(str, NEW_ARTICLES), "--db", str(db), file_limit=48 * 1024)
    assert result.returncode == 1
    assert error_lines(result) == [
        f"newsweave: error: cannot write to {db}: disk I/O error (is the disk full or a "
        "file size limit reached?); the unfinished batch was not stored"
    ]
    assert contents(db) == before
    # Nothing half-written is left to trip the next run: with room, the same input goes in.
    again = newsweave("ingest", *map(str, NEW_ARTICLES), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert contents(db) == ("ok", 7, 2)


@contextmanager
def read_only(path: Path):
    """Make `path` unwritable for this machine's user: permissions for a normal user; for
    root, who ignores permissions (CI runs as root), the file system's immutable flag."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    flag = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    assert flag.returncode == 0, f"cannot make {path} read-only as root: {flag.stderr}"
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_database_refuses_writes_in_one_line_and_still_reads(db):
    before = contents(db)
    with read_only(db):
        result = newsweave("ingest", *map(str, NEW_ARTICLES), "--db", str(db))
        listing = newsweave("stories", "--db", str(db), "--json")
    assert result.returncode == 1
    assert error_lines(result) == [
        f"newsweave: error: database is read-only: {db} "
        "(check the permissions of the file and its folder)"
    ]
    assert listing.returncode == 0, listing.stderr  # readers keep working
    assert "Tank that exploded" in listing.stdout
    assert contents(db) == before


def test_read_only_folder_is_one_line_naming_it(db, tmp_path):
    folder = tmp_path / "sealed"
    folder.mkdir()
    shutil.copy(db, folder / "corpus.db")
    with read_only(folder):
        result = newsweave("ingest", *map(str, NEW_ARTICLES), "--db", str(folder / "corpus.db"))
    assert result.returncode == 1
    assert error_lines(result) == [
        f"newsweave: error: cannot open database {folder}/corpus.db: its folder {folder} is "
        "not writable (SQLite writes its -wal and -shm files beside the database)"
    ]
    assert contents(folder / "corpus.db") == contents(db)


@pytest.mark.parametrize("writer_open", [False, True], ids=["before-first-post", "mid-run"])
def test_database_deleted_while_serving_is_a_503_naming_it(db, writer_open):
    text = (EXAMPLES / "kestrelholm-fire" / "saltgate-observer.txt").read_text()
    with TestClient(
        create_app(ServiceSettings(db=db)), raise_server_exceptions=False, base_url=LOCAL
    ) as client:
        if writer_open:  # the service's writer has the file open when it goes
            posted = client.post("/api/articles", json={"text": text.replace("Saltgate", "Pell")})
            assert posted.status_code == 201
        for suffix in ("", "-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        response = client.post("/api/articles", json={"text": text.replace("Saltgate", "Orm")})
        assert response.status_code == 503
        assert response.json()["error"]["message"] == (
            f"database {db} was deleted or moved while in use; nothing more was written"
        )
        assert client.get("/api/stories").status_code in (200, 503)  # answered, not a 500
    assert not db.exists()  # no empty corpus was started under the old name
