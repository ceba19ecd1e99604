"""p50 FB: `hatbox tag` and the tagger's training folders take .amb / .bwf / .rf64 samples (before: .amb skipped
without a word, .bwf and .rf64 named as "convert them") and leave recycle bins and DAW / NAS leftovers alone
(before: a Synology #recycle's deleted samples were tagged)."""
from __future__ import annotations

from pathlib import Path

import soundfile as sf

from hatbox.cli import main
from tests.library.test_p50_fb_names import write_odd_wavs
from tests.tagger.conftest import thump


def _library(root: Path) -> Path:
    write_odd_wavs(root / "Kit")
    sf.write(root / "Kit" / "kick.wav", thump(44100, seed=1), 44100)
    for rel in ("#recycle/Kit/deleted clap.wav", "$RECYCLE.BIN/S-1-5-21-1001/$RZ3K9QX.wav"):   # before: 3 files
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        sf.write(root / rel, thump(44100, seed=2), 44100)
    for rel in ("Kit/kick.wav.asd", "Kit/kick.wav.reapeaks", "Kit/@eaDir/kick.wav@SynoEAStream", "Icon\r"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"\x00sidecar" * 40)
    return root


def test_tag_takes_the_odd_wavs_and_skips_the_recycle_bins(tmp_path: Path, small_pack: Path, capsys) -> None:
    lib = _library(tmp_path / "lib")
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(tmp_path / "o.sqlite")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 files: 4 tagged"), out
    assert "does not read" not in out and "convert" not in out, out


def test_training_folders_take_the_odd_wavs_and_count_no_leftover(tmp_path: Path) -> None:
    from device.audio.audiofile import READABLE_SUFFIXES
    from trainer.tagger.data import load_items
    root = tmp_path / "train"
    write_odd_wavs(root / "kick")
    for rel in ("hat/h.wav.asd", "hat/Thumbs.db", "hat/#recycle/old.wav", "hat/Icon\r"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"\x00" * 64)
    (root / "hat" / "readme.txt").write_text("hats")
    notes: list[str] = []
    items = load_items(root, notes)
    assert sorted(it.path.name for it in items) == ["long.rf64", "room.amb", "take.bwf"]
    assert [n for n in notes if "hat" in n] == [
        f"warning: tag folder {root / 'hat'} holds no audio files (only 1 other file), so it adds nothing to tag "
        f"'hat' (audio: {' '.join(READABLE_SUFFIXES)})"], notes
