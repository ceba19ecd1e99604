"""p43 regression QA, item 2: the three trainers refuse a pack name in one wording (hatbox.names.check_pack_name:
the manifest's rule and the character, "nothing was trained"), and their --help says how the default name is made
(accents dropped, spaces kept), not the old "characters other than letters, digits, _ - . made _"."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.manifest import NAME_RULE
from hatbox.cli import main

TRAINERS = ["effect", "synth", "tagger"]


@pytest.mark.parametrize("trainer", TRAINERS)
@pytest.mark.parametrize("name, bad", [("Mein Pedal 🎸", "🎸"), ("Flöte", "ö")])
def test_every_trainer_refuses_a_name_in_the_same_words(trainer, name, bad, tmp_path: Path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "x.hatpack"
    assert main(["train", trainer, str(data), "--out", str(out), "--name", name]) == 2
    err = capsys.readouterr().err
    assert f"--name {name!r} is not a valid pack name; nothing was trained" in err
    assert NAME_RULE in err and f"{bad!r} is not one of them" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.parametrize("trainer", TRAINERS)
def test_every_trainers_help_says_how_the_default_name_is_made(trainer, capsys):
    with pytest.raises(SystemExit):
        main(["train", trainer, "--help"])
    words = " ".join(capsys.readouterr().out.split())
    assert "made _)" not in words and "accents dropped and spaces kept" in words
    assert "Flöte -> Flote" in words and " ".join(NAME_RULE.split()) in words
