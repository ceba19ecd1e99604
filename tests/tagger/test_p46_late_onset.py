"""A one-shot whose sound starts after the head the tagger reads (p46 QA: a snare after 1.2 s of silence was
skipped as "silent where the tagger listens"): it is tagged, on the laptop and on the box, and trained on, from its
first sound (device.library.runner.from_first_sound, the one rule of all three)."""
from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.library.decode import SILENT_LEVEL, first_sound, read_channels
from device.library.runner import BEYOND_WORDS, PRE_ROLL_SECONDS, Heard, PackTagger
from trainer.tagger.data import Item, decode_clips, load_clip

from .conftest import hiss, thump

RATE = 16000
LATE = int(1.2 * RATE)            # 1.2 s of digital silence before the sound, past the small pack's 0.5 s head
SOON = int(PRE_ROLL_SECONDS * RATE)   # a late sound is heard as the same sound this far (10 ms) into a file


def _late(sound: np.ndarray, silence: int = LATE) -> np.ndarray:
    return np.concatenate([np.zeros(silence, np.float32), sound])


def _lib(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    sf.write(root / "snare.wav", _late(hiss(RATE), SOON), RATE, subtype="PCM_24")
    sf.write(root / "late snare.wav", _late(hiss(RATE)), RATE, subtype="PCM_24")
    return root


def test_a_late_one_shot_is_tagged_as_the_same_sound_at_once(small_pack, tmp_path):
    root, db = _lib(tmp_path / "lib"), tmp_path / "lib.db"
    rep = library.tag_library(root, small_pack, db)
    assert rep.tagged == 2 and rep.skipped == []
    late, soon = library.tags_of(db, root / "late snare.wav"), library.tags_of(db, root / "snare.wav")
    assert late and late == pytest.approx(soon, abs=1e-6)
    tagger = PackTagger(small_pack)
    heard = tagger.heard(root / "late snare.wav")
    assert heard.why == "" and heard.start == pytest.approx(1.19, abs=1e-6)
    clip = tagger.prepare(root / "late snare.wav")
    assert np.abs(clip).max() > 0.1 and np.array_equal(clip, tagger.prepare(root / "snare.wav"))


def test_hatbox_tag_finds_the_late_one_shot_by_its_tag(small_pack, tmp_path, capsys):
    from hatbox.cli import main
    root = _lib(tmp_path / "lib")
    sf.write(root / "zeros.wav", np.zeros(RATE, np.float32), RATE)
    db = tmp_path / "lib.db"
    assert main(["tag", str(root), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 tagged" in out and "skipped late snare.wav" not in out and "skipped zeros.wav: silent (all zeros)" in out
    assert "--failed lists skipped files, --untagged only files the tagger heard" in out
    tagged = {h.path.name for tag in library.list_tags(db) for h in library.files_with_tag(db, tag)}
    assert "late snare.wav" in tagged


def test_the_box_tags_an_uploaded_late_one_shot(small_pack, tmp_path):
    from device.api.libraries import Libraries
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, audio in (("kit/kick.wav", thump(RATE)), ("kit/late.wav", _late(thump(RATE)))):
            wav = io.BytesIO()
            sf.write(wav, audio, RATE, format="WAV")
            zf.writestr(name, wav.getvalue())
    (tmp_path / "up.zip").write_bytes(buf.getvalue())
    libs = Libraries(tmp_path / "libraries")
    info = libs.wait(libs.ingest(tmp_path / "up.zip", "kit", small_pack, "t1")["id"], timeout=60)
    assert info["state"] == "done" and info["results"]["tagged"] == 2 and info["results"]["skipped"] == []


def test_training_hears_a_late_file_from_its_sound(tmp_path):
    plain = tmp_path / "kick.wav"
    late = tmp_path / "late.wav"
    kick = thump(RATE)[1:]                                   # its first sample is its first sound (not 0)
    sf.write(plain, _late(kick, SOON), RATE, subtype="FLOAT")
    sf.write(late, _late(kick), RATE, subtype="FLOAT")
    kept, clips, failed, silent = decode_clips([Item(late, ("kick",)), Item(plain, ("kick",))], RATE, 8000)
    assert [i.path.name for i in kept] == ["late.wav", "kick.wav"] and not failed and not silent
    assert np.abs(clips[0]).max() > 0.1 and np.array_equal(clips[0], clips[1])
    assert np.array_equal(load_clip(late, RATE, 8000), clips[1])


def test_what_comes_after_the_head_decides(small_pack, tmp_path):
    """Silence all through stays "silent"; a long file is looked at for 30 s only; dither after the head is no
    sound, and a sound after that dither is found."""
    root = tmp_path / "lib"
    root.mkdir()
    sf.write(root / "zeros.wav", np.zeros(3 * RATE, np.float32), RATE)
    sf.write(root / "long.wav", np.zeros(40 * 8000, np.float32), 8000)
    beyond = np.zeros(33 * 8000, np.float32)
    beyond[32 * 8000:32 * 8000 + 4000] = thump(8000)[:4000]
    sf.write(root / "beyond.wav", beyond, 8000)
    dither = np.round(np.random.default_rng(0).uniform(-2, 2, 3 * RATE)) / 32768
    dither[:LATE] = 0
    sf.write(root / "dither.wav", dither, RATE, subtype="PCM_16")
    then = dither.copy()
    then[2 * RATE:2 * RATE + 8000] += np.round(hiss(RATE) * 16000) / 32768
    sf.write(root / "dither then hiss.wav", then, RATE, subtype="PCM_16")
    rep = library.tag_library(root, small_pack, tmp_path / "lib.db")
    assert rep.tagged == 1 and library.tags_of(tmp_path / "lib.db", root / "dither then hiss.wav")
    far = f"silent (all zeros) in its first 30 s; {BEYOND_WORDS}"
    assert dict(rep.skipped) == {
        "zeros.wav": "silent (all zeros)", "long.wav": far, "beyond.wav": far,
        "dither.wav": "silent (only dither or rounding noise: peak 2 steps of 16-bit, -84 dBFS) where the tagger "
                      "listens, from 1.20 s on"}


def test_the_search_is_bounded(tmp_path):
    x = np.zeros(35 * 8000, np.float32)
    x[32 * 8000] = 0.5
    sf.write(tmp_path / "x.wav", x, 8000, subtype="FLOAT")
    assert first_sound(tmp_path / "x.wav", SILENT_LEVEL) == (32.0, 0.5)
    assert first_sound(tmp_path / "x.wav", SILENT_LEVEL, until=30.0) == (None, 0.0)
    assert first_sound(tmp_path / "x.wav", SILENT_LEVEL, start=32.5) == (None, 0.0)
    got, rate = read_channels(tmp_path / "x.wav", 0.5, start=31.75)
    assert rate == 8000 and got.shape == (1, 4000) and got[0, 2000] == 0.5


def test_a_late_file_an_older_hatbox_skipped_is_tagged_on_the_next_run(small_pack, tmp_path, monkeypatch):
    """A database tagged before p46 holds the late file as skipped ("its sound starts at"): it is not left so."""
    root, db = _lib(tmp_path / "lib"), tmp_path / "lib.db"
    sf.write(root / "zeros.wav", np.zeros(RATE, np.float32), RATE)
    real = PackTagger.heard
    old = "silent where the tagger listens (its first 0.50 s); its sound starts at 1.20 s"

    def before_p46(self: PackTagger, path: Path) -> Heard:
        heard = real(self, path)
        return heard._replace(why=old) if heard.start else heard
    monkeypatch.setattr(PackTagger, "heard", before_p46)
    assert dict(library.tag_library(root, small_pack, db).skipped)["late snare.wav"] == old
    monkeypatch.setattr(PackTagger, "heard", real)
    again = library.tag_library(root, small_pack, db)
    assert again.tagged == 1 and again.skipped == [] and again.still_skipped == [("zeros.wav", "silent (all zeros)")]
    assert library.tags_of(db, root / "late snare.wav")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM files WHERE status = 'skipped'").fetchone()[0] == 1
