"""One writer per store: a second writing process is refused at once, naming the holder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from newsweave.corpus import Ingestor, ingest
from newsweave.errors import StoreInUseError
from newsweave.store import Store

STORY = EXAMPLES / "kestrelholm-fire"


def newsweave(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m newsweave ARGS` in a process of its own, on this checkout's code."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "newsweave", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_second_writer_is_refused_readers_work_and_the_next_ingest_goes_on(tmp_path):
    db = tmp_path / "same.db"
    one_article = tmp_path / "one"
    one_article.mkdir()
    (one_article / "varnholt.txt").write_bytes((STORY / "varnholt-sentinel.txt").read_bytes())
    holder = Store(db)
    ingest([one_article], holder)  # its Ingestor holds the writer lease until close
    before = holder.counts()
    assert before["articles"] == 1

    refused = newsweave("ingest", str(STORY), "--db", str(db))
    assert refused.returncode == 75, refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        f"newsweave: error: store {db} is in use by pytest (pid {os.getpid()}); "
        "wait for it to finish"
    ]
    assert holder.counts() == before
    assert holder.check() == []

    reader = newsweave("stories", "--db", str(db), "--json")
    assert reader.returncode == 0, reader.stderr
    (story,) = json.loads(reader.stdout)  # the one story the holder has committed
    assert story["articles"] == 1 and story["sources"] == 1

    holder.close()  # releases the lease
    second = newsweave("ingest", str(STORY), "--db", str(db))
    assert second.returncode == 0, second.stderr
    with Store(db) as after:
        assert after.counts()["articles"] == 5
        assert after.check() == []


def test_the_lock_file_names_the_holder_and_is_shared_within_a_process(tmp_path):
    """The lock file holds "pid command" while held; one process may hold it through several Stores."""
    db = tmp_path / "held.db"
    with Store(db) as store:
        store.acquire_writer()
        lock = (tmp_path / "held.db.writer").read_text()
        assert lock == f"{os.getpid()} pytest\n"
    assert (tmp_path / "held.db.writer").read_text() == ""  # released: nobody holds it
    # the same process may open several writers on one store, one after another or at once
    with Store(db) as first, Store(db) as second:
        first.acquire_writer()
        second.acquire_writer()
    with Store(db) as again:
        again.acquire_writer()


HOLD = (
    "import sys\n"
    "from newsweave.store import Store\n"
    "store = Store(sys.argv[1])\n"
    "store.acquire_writer()\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)


def test_a_writer_killed_with_sigkill_leaves_no_stale_lease(tmp_path):
    db = tmp_path / "killed.db"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with Store(db) as store, pytest.raises(StoreInUseError) as refused:
            Ingestor(store)
        assert str(refused.value) == (
            f"store {db} is in use by python (pid {holder.pid}); wait for it to finish"
        )
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    with Store(db) as store:  # the OS dropped the dead holder's lock
        assert Ingestor(store).store is store
