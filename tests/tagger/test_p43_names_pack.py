"""p43 names QA, item 1: a tagger pack's name is checked before any training, and a default one is made of a
non-ASCII file name the way every trainer makes it (hatbox.names.default_pack_name: spaces kept)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.names import check_pack_name, default_pack_name
from hatbox.errors import HatboxError

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def seen(monkeypatch) -> dict:
    """What the tagger's training was asked to do (it does not run): its ``name``."""
    from trainer.tagger import pipeline
    got: dict = {}

    def fake(source, out, **kw):
        got.update(name=kw["name"])
        return "trained"
    monkeypatch.setattr(pipeline, "_train_and_export", fake)
    return got


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return tag_tree(tmp_path / "tags", {"kick": thump, "hat": hiss}, 2)


def test_train_tagger_names_the_pack_after_a_non_ascii_out_keeping_spaces(tree, tmp_path, seen, capsys):
    out = tmp_path / "Mein Tagger 🥁.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out)]) == 0, capsys.readouterr().err
    assert seen["name"] == "Mein Tagger"


@pytest.mark.parametrize("name", ["キック探し", "Mein Tagger 🥁"])
def test_train_tagger_refuses_a_bad_name_before_training(tree, tmp_path, seen, capsys, name):
    assert main(["train", "tagger", str(tree), "--out", str(tmp_path / "k.hatpack"), "--name", name]) == 2
    err = capsys.readouterr().err
    assert "is not a valid pack name" in err and "nothing was trained" in err
    assert seen == {} and not (tmp_path / "k.hatpack").exists()


def test_the_check_is_the_manifests_own(monkeypatch):
    """Whatever rule export.manifest has decides: were it to take kana, the early check would too."""
    import export.manifest as manifest
    with pytest.raises(HatboxError):
        check_pack_name("キック探し")
    monkeypatch.setattr(manifest, "is_plain_name", lambda name: isinstance(name, str) and 0 < len(name) <= 64)
    check_pack_name("キック探し")
    assert default_pack_name("キック探し", "tagger") == "キック探し"


@pytest.mark.parametrize("stem, name", [("Mein Tagger 🥁", "Mein Tagger"), ("キック探し", "tagger"),
                                        ("Flöte", "Flote"), ("my synth (v2)", "my synth v2"), ("a&b", "a_b"),
                                        ("Klänge サンプル", "Klange"), ("x" * 80, "x" * 64)])
def test_default_names(stem, name):
    assert default_pack_name(stem, "tagger") == name


def test_train_effect_and_synth_make_their_defaults_by_the_same_function():
    from trainer.effect.train import _default_name
    assert _default_name(Path("/x/Mein Pedal 🎸"), None) == "Mein Pedal"
