"""A training never writes over a pack of another kind, nor loses a file that is no pack (thirty-ninth stop's QA:
`train effect --out mytagger.hatpack` replaced a tagger pack with an effect pack, no word, no .prev copy): the
first is refused before any training, the file left as it was; the second is kept aside as NAME.hatpack.old once
the new pack is written, and said (hatbox/replaced.py older_pack)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.replaced import compare_and_keep, older_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory"
TRAINERS = {"effect": ("trainer.effect.train", "train_effect"), "synth": ("trainer.synth.pipeline", "train_to_pack")}


@pytest.fixture
def trained(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The trainers replaced by a stand-in that only notes it was called (a refusal must come before it)."""
    import importlib
    calls: list[str] = []
    for kind, (module, name) in TRAINERS.items():
        def stand_in(*_args, _kind=kind, **_kwargs):
            calls.append(_kind)
            raise KeyboardInterrupt                       # stops the command before anything is written
        monkeypatch.setattr(importlib.import_module(module), name, stand_in)
    return calls


def _train(kind: str, out: Path, data: Path) -> int:
    """The exit code of `hatbox train KIND DATA --out OUT` (130: the stand-in trainer was reached)."""
    return main(["train", kind, str(data), "--out", str(out)])


@pytest.mark.parametrize("kind, other", [("effect", "tagger-drums"), ("synth", "tagger-drums"),
                                         ("effect", "synth-gm4"), ("synth", "effect-drive")])
def test_a_pack_of_another_kind_is_refused_before_training(tmp_path: Path, trained: list[str], capsys,
                                                           kind: str, other: str) -> None:
    out = tmp_path / "mine.hatpack"
    shutil.copy(FACTORY / f"{other}.hatpack", out)
    before = out.read_bytes()
    assert _train(kind, out, tmp_path) == 2
    err = capsys.readouterr().err
    other_kind = other.split("-")[0]
    article = "an" if kind == "effect" else "a"
    assert f"{out} is {'an' if other_kind == 'effect' else 'a'} {other_kind} pack, not {article} {kind} pack" in err
    assert "give another --out" in err and "Traceback" not in err
    assert trained == [] and out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_a_file_that_is_no_pack_is_kept_aside_once_the_pack_is_written(tmp_path: Path) -> None:
    from hatbox.replaced import aside_path
    out = tmp_path / "setlist.hatpack"
    out.write_text("my set list, not a pack\n")
    older = older_pack(out, "effect")                       # as `train effect` reads it before training
    shutil.copy(FACTORY / "effect-drive.hatpack", out)         # what the training wrote
    (line,) = compare_and_keep(older, out)
    assert line == (f"warning: setlist.hatpack held no readable pack before; what it held is kept as "
                    f"{tmp_path / 'setlist.hatpack.old'} (the new pack is setlist.hatpack)")
    assert aside_path(out).read_text() == "my set list, not a pack\n"
    assert older_pack(out, "effect") is not None               # the new pack, and no .prev: nothing to compare


@pytest.mark.parametrize("kind", ["effect", "synth"])
def test_a_file_that_is_no_pack_with_its_place_aside_taken_is_refused(tmp_path: Path, trained: list[str], capsys,
                                                                     kind: str) -> None:
    out = tmp_path / "setlist.hatpack"
    aside = out.with_name("setlist.hatpack.old")
    out.write_text("my set list, not a pack\n")
    aside.write_text("kept last time\n")
    assert _train(kind, out, tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{out} is there and is not a readable pack, and setlist.hatpack.old, where it would be kept, is taken " \
           "too: nothing was done" in err and "Traceback" not in err
    assert trained == [] and out.read_text() == "my set list, not a pack\n"
    assert aside.read_text() == "kept last time\n"


@pytest.mark.parametrize("kind", ["effect", "synth"])
def test_a_pack_of_its_own_kind_or_an_empty_file_goes_on_to_training(tmp_path: Path, trained: list[str],
                                                                      kind: str) -> None:
    out = tmp_path / "mine.hatpack"
    shutil.copy(FACTORY / f"{'effect-drive' if kind == 'effect' else 'synth-gm4'}.hatpack", out)
    assert _train(kind, out, tmp_path) == 130 and trained == [kind]      # compared and kept as before
    out.write_bytes(b"")
    assert _train(kind, out, tmp_path) == 130 and trained == [kind, kind]
    out.write_text("not a pack")                                            # kept aside once the pack is written
    assert _train(kind, out, tmp_path) == 130 and trained == [kind] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]          # not before


def test_train_tagger_refuses_a_pack_of_another_kind_before_training(tmp_path: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.tagger import pipeline
    monkeypatch.setattr(pipeline, "train_and_export", lambda *a, **k: pytest.fail("trained"))
    out = tmp_path / "mine.hatpack"
    shutil.copy(FACTORY / "synth-gm4.hatpack", out)
    before = out.read_bytes()
    assert main(["train", "tagger", str(tmp_path), "--out", str(out)]) == 2
    assert f"{out} is a synth pack, not a tagger pack" in capsys.readouterr().err and out.read_bytes() == before
