"""A musician's own recordings are never overwritten by an output (twenty-third stop's QA): `train effect --out` that
names the --target, the --input or the set's pairs.csv is refused before training (it replaced the gear recording
with a zip); a pack named like a recording or a CSV is refused for every trainer; `render --out` naming its own input
is refused (it replaced the dry take); a folder of pairs and --input/--target together are refused."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from export.atomic import check_out, same_path
from hatbox.cli import main
from hatbox.errors import HatboxError

ROOT = Path(__file__).resolve().parents[1]
RATE = 48000


def _pair(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    x = (0.3 * np.sin(2 * np.pi * 110 * np.arange(RATE) / RATE)).astype(np.float32)
    sf.write(folder / "di.wav", x, RATE)
    sf.write(folder / "amp.wav", np.tanh(3 * x), RATE)
    return folder / "di.wav", folder / "amp.wav"


def test_same_path_follows_links_and_names_not_there_yet(tmp_path: Path) -> None:
    a = tmp_path / "a.wav"
    a.write_bytes(b"x")
    (tmp_path / "link.wav").symlink_to(a)
    assert same_path(a, tmp_path / "link.wav") and same_path(tmp_path / "sub" / ".." / "n.wav", tmp_path / "n.wav")
    assert not same_path(a, tmp_path / "b.wav")


@pytest.mark.parametrize("which", ["target", "input"])
def test_train_effect_never_writes_over_a_recording(tmp_path: Path, which: str, capsys) -> None:
    di, amp = _pair(tmp_path)
    before = (di.read_bytes(), amp.read_bytes())
    out = amp if which == "target" else di
    assert main(["train", "effect", "--input", str(di), "--target", str(amp), "--out", str(out),
                 "--max-steps", "2"]) == 2
    err = capsys.readouterr().err
    assert f"is the --{which} recording: the pack would be written over it; nothing was done" in err
    assert (di.read_bytes(), amp.read_bytes()) == before


def test_train_effect_never_writes_over_pairs_csv(tmp_path: Path, capsys) -> None:
    _pair(tmp_path / "set")
    (tmp_path / "set" / "pairs.csv").write_text("input,output\ndi.wav,amp.wav\n")
    before = (tmp_path / "set" / "pairs.csv").read_bytes()
    assert main(["train", "effect", str(tmp_path / "set"), "--out", str(tmp_path / "set" / "pairs.csv")]) == 2
    assert "is the set's pairs.csv" in capsys.readouterr().err
    assert (tmp_path / "set" / "pairs.csv").read_bytes() == before


@pytest.mark.parametrize("name", ["x.wav", "X.FLAC", "take.csv"])
def test_a_pack_is_not_named_like_a_recording_or_a_csv(tmp_path: Path, name: str) -> None:
    with pytest.raises(HatboxError) as err:
        check_out(tmp_path / name)
    assert "not a pack" in str(err.value) and err.value.hint.endswith(".hatpack")
    assert check_out(tmp_path / "x.hatpack") == tmp_path / "x.hatpack"


def test_train_synth_refuses_a_pack_named_like_audio(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes" / "sine"
    notes.mkdir(parents=True)
    for name, hz in (("C4.wav", 261.6), ("G4.wav", 392.0)):
        sf.write(notes / name, (0.3 * np.sin(2 * np.pi * hz * np.arange(RATE) / RATE)).astype(np.float32), RATE)
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(tmp_path / "x.wav")]) == 2
    assert "named like a recording, not a pack" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()


def test_a_folder_and_a_single_pair_together_are_refused(tmp_path: Path, capsys) -> None:
    di, amp = _pair(tmp_path / "set")
    (tmp_path / "set" / "pairs.csv").write_text("input,output\ndi.wav,amp.wav\n")
    assert main(["train", "effect", str(tmp_path / "set"), "--input", str(di), "--target", str(amp),
                 "--out", str(tmp_path / "a.hatpack"), "--max-steps", "2"]) == 2
    assert "or --input/--target, not both" in capsys.readouterr().err
    assert not (tmp_path / "a.hatpack").exists()


def test_render_never_writes_over_its_input(tmp_path: Path, capsys) -> None:
    di, _ = _pair(tmp_path)
    link = tmp_path / "same.wav"
    link.symlink_to(di)
    before = di.read_bytes()
    pack = ROOT / "factory" / "effect-drive.hatpack"
    for out in (di, link):
        assert main(["render", str(pack), "--input", str(di), "--out", str(out)]) == 2
        assert "is the input file: the render would be written over your take" in capsys.readouterr().err
    assert di.read_bytes() == before
    shutil.copy(di, tmp_path / "copy.wav")
    assert main(["render", str(pack), "--input", str(di), "--out", str(tmp_path / "copy.wav"), "--force"]) == 0


@pytest.mark.parametrize("name", ["important.txt", "song.mid", "notes", "x.hatpack.bak"])
def test_a_pack_name_must_end_in_hatpack_and_a_file_there_is_kept(tmp_path: Path, name: str) -> None:
    """Before (twenty-sixth stop's QA): `train effect --out important.txt` wrote the pack over the musician's file."""
    mine = tmp_path / name
    mine.write_text("my notes")
    with pytest.raises(HatboxError) as err:
        check_out(mine)
    assert "does not end in .hatpack (a file that is there would be written over)" in str(err.value)
    assert err.value.hint.endswith(".hatpack") and mine.read_text() == "my notes"
    assert check_out(tmp_path / "X.HATPACK") == tmp_path / "X.HATPACK"


def test_train_effect_leaves_a_file_that_is_not_a_pack_alone(tmp_path: Path, capsys) -> None:
    di, amp = _pair(tmp_path)
    (tmp_path / "important.txt").write_text("hello")
    assert main(["train", "effect", "--input", str(di), "--target", str(amp), "--out", str(tmp_path / "important.txt"),
                 "--max-steps", "2"]) == 2
    assert "does not end in .hatpack" in capsys.readouterr().err
    assert (tmp_path / "important.txt").read_text() == "hello"


def test_a_recording_whose_name_is_not_utf8_gets_its_report(tmp_path: Path, capsys) -> None:
    """Before (twenty-sixth stop's QA): matplotlib refused the plot's title after the whole training ('caf\\udce9.wav'):
    an internal error, and no pack."""
    import os
    di, amp = _pair(tmp_path)
    latin = Path(os.fsdecode(bytes(tmp_path / "amp") + b"_caf\xe9.wav"))
    amp.rename(latin)
    out, report = tmp_path / "x.hatpack", tmp_path / "rep"
    assert main(["train", "effect", "--input", str(di), "--target", str(latin), "--out", str(out), "--report",
                 str(report), "--max-steps", "3"]) == 0, capsys.readouterr().err
    assert out.is_file() and (report / "spectrogram.png").stat().st_size > 1000
    assert "caf\\xe9" in (report / "report.md").read_text()


def test_the_tagger_confusion_picture_takes_a_tag_that_is_not_utf8(tmp_path: Path) -> None:
    import os

    from trainer.tagger.report import confusion_png
    tag = os.fsdecode(b"sn\xe9re")
    confusion_png(np.eye(2, dtype=int), ["kick", tag], tmp_path / "c.png", title=f"tags {tag}")
    assert (tmp_path / "c.png").stat().st_size > 1000
