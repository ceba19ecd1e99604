"""Files the tagger gives no tags: a WAV with a header and no samples is skipped (not failed, not decoded
again until it changes); the producer's own tags on a file the tagger skipped can still be set and
cleared; silence is judged on the loudest channel, so a stereo drum in opposite phase is tagged."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.library.decode import first_sound, mix, read_head
from device.library.runner import SILENT_LEVEL, PackTagger, not_taggable
from hatbox.cli import main
from hatbox.errors import AudioFileError

from .conftest import kick_and_blank_zip, thump

REAL_KICK = Path("/usr/share/hydrogen/data/drumkits/BJA_Pacific/BD_06.aiff")     # Debian hydrogen-drumkits


def _empty_wav(path: Path, channels: int = 1) -> Path:
    """A WAV with a complete, honest header and no samples (what an editor saves for an empty selection)."""
    sf.write(path, np.zeros((0, channels), np.float32), 44100, subtype="PCM_16")
    return path


# ------------------------------------------------------------------------------------------ 1. empty WAV
def test_a_wav_with_no_samples_is_skipped_not_failed_and_not_decoded_again(library_dir, small_pack, tmp_path,
                                                                           monkeypatch, capsys):
    db = tmp_path / "lib.db"
    _empty_wav(library_dir / "kicks" / "empty.wav")
    _empty_wav(library_dir / "empty-stereo.wav", channels=2)
    rep = library.tag_library(library_dir, small_pack, db)
    assert dict(rep.skipped) == {"kicks/empty.wav": "empty (no samples)", "empty-stereo.wav": "empty (no samples)"}
    assert [f for f, _ in rep.failed] == ["hats/broken.wav"] and rep.tagged == 5
    assert library.file_status(db, library_dir / "kicks" / "empty.wav") == ("skipped", "empty (no samples)")
    assert [p.name for p, _ in library.failures(db, "skipped")] == ["empty-stereo.wav", "empty.wav"]
    assert [p.name for p, _ in library.failures(db, "error")] == ["broken.wav"]

    decoded: list[str] = []
    real = PackTagger.decode
    monkeypatch.setattr(PackTagger, "decode", lambda self, path: decoded.append(path.name) or real(self, path))
    again = library.tag_library(library_dir, small_pack, db)
    assert decoded == ["broken.wav"] and again.unchanged == 7 and not again.skipped

    assert main(["library", "query", str(db), "--failed"]) == 0
    out = capsys.readouterr().out
    failed, skipped = out.split("skipped (")
    assert "broken.wav" in failed and "empty.wav" not in failed
    assert skipped.startswith("2: nothing to tag") and "kicks/empty.wav\tempty (no samples)" in skipped

    sf.write(library_dir / "kicks" / "empty.wav", thump(44100, seed=3), 44100)          # it changes: tagged
    third = library.tag_library(library_dir, small_pack, db)
    assert third.tagged == 1 and library.file_status(db, library_dir / "kicks" / "empty.wav") == ("ok", "")


def test_a_wav_whose_header_counts_no_samples_but_that_holds_some_is_a_failure(library_dir, small_pack, tmp_path):
    """A recorder that never finished its header: 0 samples by the header, audio after it.  Not "empty":
    it fails with the reason and is tried again next run (once fixed, it is tagged)."""
    path = _empty_wav(library_dir / "unfinished.wav")
    with path.open("ab") as fh:
        fh.write((thump(44100) * 32767).astype("<i2").tobytes())
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    why = dict(rep.failed)["unfinished.wav"]
    assert "header says it holds no audio" in why and "never finished" in why and not rep.skipped
    with pytest.raises(AudioFileError, match="0 frames"):       # training still refuses a file with no samples
        read_head(_empty_wav(tmp_path / "e.wav"), 1.0)


# ------------------------------------------------------------------------------------------ 2. your tags
def test_your_tags_on_a_file_that_turned_silent_can_be_cleared_and_set(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    k1 = library_dir / "kicks" / "k1.wav"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, k1, ["boom"])
    sf.write(k1, np.zeros(22050, np.float32), 44100)                   # replaced by a silent file
    assert library.tag_library(library_dir, small_pack, db).skipped == [("kicks/k1.wav", "silent (all zeros)")]
    assert library.corrected_tags(db, k1) == ["boom"]
    assert [h.path.name for h in library.files_with_tag(db, "boom")] == ["k1.wav"]     # still listed: yours

    assert main(["library", "fix", str(db), "kicks/k1.wav", "--clear"]) == 0
    out = capsys.readouterr().out
    assert "your tags dropped" in out and "silent (all zeros)" in out
    assert library.corrected_tags(db, k1) == [] and library.current_tags(db, k1) == []
    assert "boom" not in library.list_tags(db)

    assert main(["library", "fix", str(db), "kicks/k1.wav", "blank"]) == 0        # and set again
    assert "blank (yours; not tagged by the tagger: silent (all zeros))" in capsys.readouterr().out
    assert library.current_tags(db, k1) == ["blank"] and library.file_status(db, k1)[0] == "skipped"
    assert main(["library", "export", str(db), "--out", str(tmp_path / "c.csv")]) == 0    # no training data
    out = capsys.readouterr().out                                                    # each named, with why
    assert "1 corrected file left out (no use as training data):" in out
    assert f"    {k1}: skipped: silent (all zeros)" in out
    assert (tmp_path / "c.csv").read_text().splitlines()[1:] == ["path,tags"]     # (under hatbox's comment line)
    assert main(["library", "fix", str(db), "kicks/nope.wav", "--clear"]) == 2     # not in the library
    assert "not a file of this library" in capsys.readouterr().err


def test_your_tags_on_a_file_that_does_not_decode_can_be_set_and_cleared(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    broken = library_dir / "hats" / "broken.wav"
    assert library.set_tags(db, broken, ["to-fix"]) == ["to-fix"]
    assert library.current_tags(db, broken) == ["to-fix"]
    assert library.set_tags(db, broken, []) == [] and library.current_tags(db, broken) == []


def test_the_box_api_sets_and_clears_your_tags_on_a_file_the_tagger_skipped(small_pack, tmp_path):
    """PUT /libraries/{id}/files/tags calls the same set_tags: it answered 422 for a skipped file."""
    import time

    from device.api.libraries import default_tagger
    from tests.api.conftest import make_box
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(small_pack).status_code in (200, 201)
    lid = box.client.post("/libraries", content=kick_and_blank_zip(), headers=box.auth).json()["id"]
    end = time.monotonic() + 30
    while box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "tagging":
        assert time.monotonic() < end
        time.sleep(0.05)
    put = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/blank.wav", "tags": ["silence"]},
                         headers=box.auth)
    assert put.status_code == 200 and put.json()["tags"] == ["silence"] and put.json()["model"] == {}
    assert box.client.get(f"/libraries/{lid}/tags/silence", headers=box.auth).json() == [
        {"path": "kit/blank.wav", "score": 1.0, "corrected": True, "by": "test", "by_you": True}]
    clear = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/blank.wav", "tags": []},
                           headers=box.auth)
    assert clear.status_code == 200 and clear.json()["tags"] == []
    assert "silence" not in box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()


# ------------------------------------------------------------------------------------------ 3. opposite phase
def _drum(rate: int, source: str) -> np.ndarray:
    """A mono drum hit [n] float32: a real kick from Hydrogen's BJA_Pacific kit, or the synthetic thump."""
    if source == "thump":
        return thump(rate, seed=4)
    if not REAL_KICK.is_file():
        pytest.skip(f"{REAL_KICK} not installed (Debian hydrogen-drumkits)")
    audio, file_rate = sf.read(REAL_KICK, dtype="float32", always_2d=True)
    assert file_rate == rate
    return np.ascontiguousarray(audio[:, 0])


@pytest.mark.parametrize("source", ["hydrogen", "thump"])
def test_a_stereo_drum_in_opposite_phase_is_tagged_not_called_silent(library_dir, small_pack, tmp_path, source):
    """Right = -left cancels to all zeros in the mono mix: it was "silent (all zeros)"."""
    rate = 44100
    drum = _drum(rate, source)
    assert float(np.max(np.abs(drum))) > 0.1
    sf.write(library_dir / "kicks" / "anti.wav", np.stack([drum, -drum], 1), rate, subtype="FLOAT")
    sf.write(library_dir / "kicks" / "same.wav", drum, rate, subtype="FLOAT")
    db = tmp_path / "lib.db"
    rep = library.tag_library(library_dir, small_pack, db)
    assert not rep.skipped and rep.tagged == 7
    anti, same = (library.tags_of(db, library_dir / "kicks" / name) for name in ("anti.wav", "same.wav"))
    assert set(anti) == {"kick", "hat"} and anti == pytest.approx(same, abs=1e-6)   # it hears the drum itself


def test_silence_is_judged_on_the_loudest_channel(tmp_path):
    drum = thump(16000, seed=2)
    anti = np.stack([drum, -drum])                                       # [2, n]
    assert not_taggable(anti, 16000) == "" and not_taggable(anti.mean(axis=0), 16000) == "silent (all zeros)"
    assert np.array_equal(mix(anti), drum)                              # the mix cancels: the loudest channel
    half = np.stack([drum, 0.5 * drum])
    assert np.allclose(mix(half), 0.75 * drum)                           # otherwise the mean, as before
    tick = np.tile(np.array([1e-6, -1e-6], np.float32), 50)              # a tone at 1e-6, not an offset
    quiet = np.stack([tick, -tick])
    assert not_taggable(quiet, 16000).startswith("silent (peak -120 dBFS") and np.all(mix(quiet) == 0)
    late = tmp_path / "late.wav"                                         # 1 s of nothing, then the drum
    sf.write(late, np.concatenate([np.zeros((16000, 2), np.float32), anti.T]), 16000, subtype="FLOAT")
    onset, _ = first_sound(late, SILENT_LEVEL)
    assert onset == pytest.approx(1.0, abs=1e-3)
