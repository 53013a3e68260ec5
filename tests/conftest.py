"""Shared paths and fixtures. Real data only: our examples and ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
EVALDATA = SHARED / "evaldata"
EXAMPLES = ROOT / "examples"


def need(path: Path) -> Path:
    """Skip a test whose shared data is not beside the repo."""
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture()
def wapo() -> Path:
    return need(SAMPLES / "korea-drills-wapo.txt")


@pytest.fixture()
def stripes() -> Path:
    return need(SAMPLES / "korea-drills-stripes.txt")


# Two invented events of one kind, three reports each (title, body), written for the tests:
# two players of one team arrested on suspicion of drunk driving, weeks apart. A story
# that wrongly holds both must split (newsweave.cluster re-clustering).
GULLS_VELDER = [
    (
        "Gulls receiver Tomas Velder arrested on suspicion of drunk driving",
        "Harbour City Gulls wide receiver Tomas Velder was arrested early on Sunday on "
        "suspicion of driving under the influence, the Marrow County sheriff's office said."
        "\n\nDeputies stopped Velder, 26, on the Quayside bridge at about 2:40 a.m. after his "
        "car drifted across two lanes. He was booked and released on a 5,000 dollar bond. The "
        "Gulls said they were aware of the arrest of Velder and would not comment further.",
    ),
    (
        "Velder will play in Gulls playoff game despite DUI arrest",
        "Tomas Velder will start for the Harbour City Gulls in Saturday's playoff game at "
        "Redmarsh, coach Ilse Brandauer said, two days after the receiver was arrested on "
        "suspicion of drunk driving.\n\nVelder was stopped on the Quayside bridge and released "
        "on a 5,000 dollar bond. Brandauer said Velder had apologised to the team.",
    ),
    (
        "Marrow County charges Tomas Velder with DUI",
        "Prosecutors in Marrow County charged Gulls receiver Tomas Velder with driving under "
        "the influence on Tuesday. Velder, 26, was stopped on the Quayside bridge at 2:40 a.m. "
        "on Sunday.\n\nHis lawyer said Velder would plead not guilty. The Harbour City Gulls "
        "play at Redmarsh on Saturday.",
    ),
]
GULLS_OKAFOR = [
    (
        "Gulls lineman Brann Okafor arrested on suspicion of DUI",
        "Harbour City Gulls defensive lineman Brann Okafor was arrested on suspicion of "
        "driving under the influence late on Friday, the Harbour City police said.\n\n"
        "Officers stopped Okafor, 31, on Lantern Street after he ran a red light. Okafor was "
        "booked into the city jail and released on a 2,500 dollar bond. The Gulls said they "
        "had spoken to Okafor.",
    ),
    (
        "Second Gulls player in a month arrested as Okafor faces DUI charge",
        "Brann Okafor, the Harbour City Gulls defensive lineman, was arrested on suspicion of "
        "drunk driving on Lantern Street on Friday night, police said.\n\nOkafor, 31, was "
        "released on a 2,500 dollar bond. The Gulls said they would deal with Okafor "
        "internally.",
    ),
    (
        "Okafor apologises to Gulls fans after DUI arrest",
        "Brann Okafor apologised to Harbour City Gulls fans on Monday for his arrest on "
        "Lantern Street, where police stopped the lineman after he ran a red light.\n\n"
        "Okafor, 31, who was released on a 2,500 dollar bond, said he would attend a "
        "treatment programme. Harbour City police said a court date was set for June.",
    ),
]


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The example story ingested once (and its briefing cached); tests take copies (`db`)."""
    from newsweave.corpus import ingest, read_story
    from newsweave.store import Store

    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(path) as store:
        summary = ingest([EXAMPLES / "kestrelholm-fire"], store)
        assert summary.new == 5
        (story,) = store.stories()
        read_story(store, story.id)
    return path


@pytest.fixture()
def db(corpus_db: Path, tmp_path: Path) -> Path:
    """A copy of the example corpus this test may change."""
    import shutil

    path = tmp_path / "corpus.db"
    shutil.copy(corpus_db, path)
    return path


@pytest.fixture()
def site():
    """A real HTTP server on 127.0.0.1 (tests/loopback.py), stopped after the test."""
    from loopback import LoopbackSite

    with LoopbackSite() as server:
        yield server
