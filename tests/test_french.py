"""A French briefing end to end through the CLI: examples/breval-crue (our own fictional
story in three noisy outlets)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsweave.cli import app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "breval-crue"


def test_french_briefing_has_quotes_dates_outlets_and_a_clean_headline():
    result = CliRunner().invoke(app, ["brief", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    # the headline is the article's, not the masthead slogan
    assert out.startswith("# Inondations à Bréval : « L'eau est montée")
    assert "Toute l'actualité de Bréval" not in out
    # quotes with their speakers
    who = out.split("## Who said what", 1)[1].split("## Timeline", 1)[0]
    garrigue = who.split("**Hélène Garrigue**", 1)[1].split("\n\n", 1)[0]
    assert "“Nous avons perdu la digue en moins d'une heure” _(said)_" in garrigue
    assert "[Le Courrier de la Vélanne, s5]" in garrigue
    assert "“C'était une erreur, et je l'assume”" in garrigue
    ferrand = who.split("**Marc Ferrand**", 1)[1].split("\n\n", 1)[0]
    assert "“Nous avions écrit au préfet il y a six mois” _(said)_" in ferrand
    # a resolved date with its anchor; a plan with no direction stays unresolved
    timeline = out.split("## Timeline", 1)[1].split("## Actors", 1)[0]
    assert (
        "- **17 Mar 2026** Le conseil municipal se réunira mardi en séance extraordinaire"
        in timeline
    )
    assert "(“mardi” — resolved against published 2026-03-16 (jsonl))" in timeline
    assert "**summer 2026** sans attendre l'été" in timeline
    assert "2027" not in timeline and "summer 2025" not in timeline
    assert "- **unresolved** Des travaux de renforcement devaient commencer en février" in timeline
    # the summary cites outlets (the plain-text one named by its own masthead), no dash leaks
    summary = out.split("## Summary", 1)[1].split("## Who said what", 1)[0]
    assert summary.lstrip().startswith("- Une enquête administrative a été ouverte lundi")
    assert "[Hexa-Presse, s1" in summary  # the lead, maybe with other outlets beside it
    assert "Bréval Infos, s6" in summary  # s6: the stamp "Mis à jour à 07h12" is chrome
    assert "breval-infos.txt," not in out and "- **Bréval Infos** — " in out
