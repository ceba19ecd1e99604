"""p52 QA2 #1: `hatbox train effect . --out fuzz.hatpack` named the pack "effect" (Path(".").name is ""); the data
folder's own name is the default, whichever way the folder is written.  The synth and tagger trainers name their
packs after ``--out``'s file, so "." and ".." in that path change nothing there."""
from __future__ import annotations

from pathlib import Path

import pytest


class Named(Exception):
    """Raised by a stand-in check to stop a trainer once it has made its pack name."""


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "gear" / name
    folder.mkdir(parents=True)
    (folder / "pairs.csv").write_text("input,output\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("given, where", [(".", "fuzz"), ("./", "fuzz"), ("./pairs.csv", "fuzz"),
                                          ("pairs.csv", "fuzz"), ("..", "fuzz/sub"), ("../pairs.csv", "fuzz/sub"),
                                          ("../../fuzz", "fuzz/sub"), ("sub/..", "fuzz")])
def test_p52_E_effect_default_name_is_the_folders_own(tmp_path, monkeypatch, given, where):
    from trainer.effect.train import _default_name
    folder = _folder(tmp_path, "fuzz")
    (folder / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "gear" / where)
    assert _default_name(given, None, "out.hatpack") == "fuzz"


def test_p52_E_effect_default_name_of_an_unplain_folder_is_cleaned(tmp_path, monkeypatch):
    from trainer.effect.train import _default_name
    folder = _folder(tmp_path, "Big Muff (v2)")
    monkeypatch.chdir(folder)
    assert _default_name(".", None, None) == "Big Muff v2"


@pytest.mark.parametrize("out", ["../piano.hatpack", "./piano.hatpack", "sub/../piano.hatpack"])
def test_p52_E_synth_default_name_comes_from_out_with_dots(tmp_path, monkeypatch, out):
    import trainer.synth.pipeline as pipeline
    seen: list[str] = []

    def stop(out_path, name, report):
        seen.append(name)
        raise Named

    (tmp_path / "notes" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notes")
    monkeypatch.setattr(pipeline, "check_outputs", stop)
    with pytest.raises(Named):
        pipeline.train_to_pack(".", out, minutes=0.1)
    assert seen == ["piano"]


@pytest.mark.parametrize("out", ["../kicks.hatpack", "./kicks.hatpack", "sub/../kicks.hatpack"])
def test_p52_E_tagger_default_name_comes_from_out_with_dots(tmp_path, monkeypatch, out):
    import trainer.tagger.pipeline as pipeline
    seen: list[str] = []

    def stop(name, flag="--name"):
        seen.append(name)
        raise Named

    (tmp_path / "lib" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "lib")
    monkeypatch.setattr(pipeline, "check_pack_name", stop)
    with pytest.raises(Named):
        pipeline.train_and_export(Path("."), Path(out))
    assert seen == ["kicks"]
