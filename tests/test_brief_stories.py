"""`brief` on plain files holding several stories refuses, naming the groups that
the event clusterer ingest uses makes of them; one story briefs as before."""

from __future__ import annotations

from conftest import EXAMPLES
from typer.testing import CliRunner

from newsweave.cli import app

# Two invented, unrelated stories, two reports each.
STORIES = {
    "mill-1.txt": (
        "Glassmere Mill fire\n\nA fire destroyed the old Glassmere textile mill on Friday night, "
        "and forty firefighters fought the flames for six hours, the county fire service said. "
        "Nobody was hurt, but the mill's roof collapsed and smoke closed the Glassmere road.\n"
    ),
    "mill-2.txt": (
        "Glassmere mill burns down\n\nFirefighters in Glassmere spent six hours on Friday night "
        "fighting a fire at the disused textile mill, whose roof fell in. The county fire "
        "service said no one was injured and the road past the mill stayed shut because of smoke.\n"
    ),
    "chess-1.txt": (
        "Orlin chess title\n\nThe sixteen-year-old Mira Tolvay won the Orlin national chess "
        "championship on Sunday after beating the defending champion in the last round, the "
        "chess federation said. She is the youngest winner of the title.\n"
    ),
    "chess-2.txt": (
        "Teenager takes chess crown\n\nMira Tolvay, 16, became the youngest Orlin chess champion "
        "on Sunday, defeating the title holder in the ninth and final round, the national chess "
        "federation announced.\n"
    ),
}


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_brief_refuses_files_holding_two_stories_and_names_the_groups(tmp_path):
    for name, text in STORIES.items():
        (tmp_path / name).write_text(text)
    result = run("brief", str(tmp_path))
    assert result.exit_code == 1
    line = result.stderr.splitlines()[-1]
    named = [f"[{tmp_path / f'{s}-1.txt'}, {tmp_path / f'{s}-2.txt'}]" for s in ("chess", "mill")]
    assert line.startswith("newsweave: error: the input holds 2 stories: ")
    assert named[0] in line and named[1] in line
    assert line.endswith(
        "; brief each on its own, or `newsweave ingest` them and `newsweave show` each story"
    )
    assert result.stdout == ""


def test_brief_of_one_story_files_still_briefs(tmp_path):
    for name in ("mill-1.txt", "mill-2.txt"):
        (tmp_path / name).write_text(STORIES[name])
    result = run("brief", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "Glassmere" in result.stdout


def test_brief_of_the_example_story_is_unchanged():
    result = run("brief", str(EXAMPLES / "kestrelholm-fire"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "stories" not in result.stderr
