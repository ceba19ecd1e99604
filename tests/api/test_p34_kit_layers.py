"""A kit made from a library puts each drum's full hit on its pad, and knows a sample pack's drum words.

Before, each pad got its tag's most confident file; the tagger hears every file at one level, so that was often a
drum's softest velocity layer (The Black Pearl: Kick-Softest, 6 dB under Kick-Hardest; Millo's snare 23.9 dB under
its loudest layer): a pad hit at 127 played a ghost note.  And plural folder names (kicks, hats, toms) or "floor
tom", "pedal hat", "ride bell" got no General MIDI note: they landed from middle C up, out of a drum track's reach."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.kit import GM_NOTES, fullest_first, gm_note
from device.library.decode import peak_dbfs
from device.library.query import Hit
from tests.api.conftest import zip_bytes
from tests.api.test_kit import _tagged_library


def hit_wav(peak: float) -> bytes:
    """A 0.1 s decaying 80 Hz hit peaking at ``peak`` (linear), 48 kHz mono 16-bit."""
    t = np.arange(4800) / 48000.0
    x = np.sin(2 * np.pi * 80 * t) * np.exp(-t / 0.03)
    buf = io.BytesIO()
    sf.write(buf, (peak * x / np.abs(x).max()).astype(np.float32), 48000, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.mark.parametrize("word, note", [("kicks", 36), ("Kick Drum", 36), ("snares", 38), ("claps", 39),
                                        ("hats", 42), ("Closed_HiHats", 42), ("open hihats", 46), ("pedal hat", 44),
                                        ("toms", 45), ("floor tom", 41), ("high tom", 50), ("crashes", 49),
                                        ("crash cymbal", 49), ("ride bell", 53), ("percs", 56), ("shakers", 70)])
def test_sample_pack_drum_words_get_their_general_midi_notes(word: str, note: int) -> None:
    assert gm_note(word) == note


def test_other_words_still_get_none() -> None:
    assert gm_note("dusty vibes") is None and gm_note("s") is None and gm_note("bass") is None
    assert all(gm_note(word) == note for word, note in GM_NOTES.items())


def test_the_loudest_layer_near_the_best_score_comes_first() -> None:
    levels = {"soft.wav": -24.0, "hard.wav": -1.0, "mid.wav": -8.0, "other.wav": 0.0}
    hits = [("soft.wav", 0.97), ("mid.wav", 0.95), ("hard.wav", 0.90), ("other.wav", 0.60)]
    assert fullest_first(hits, levels.__getitem__) == ["hard.wav", "mid.wav", "soft.wav", "other.wav"]
    # within a dB it is the more confident; nothing near: the order stays
    assert fullest_first([("a", 0.9), ("b", 0.85)], {"a": -0.4, "b": 0.0}.__getitem__) == ["a", "b"]
    assert fullest_first([], levels.__getitem__) == []


def test_peak_dbfs_reads_the_file_and_says_minus_infinity_for_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "h.wav").write_bytes(hit_wav(0.5))
    (tmp_path / "bad.wav").write_bytes(b"RIFF nonsense")
    assert peak_dbfs(tmp_path / "h.wav") == pytest.approx(-6.02, abs=0.05)
    assert peak_dbfs(tmp_path / "bad.wav") == float("-inf")


def test_a_kit_from_a_library_plays_the_kick_s_hardest_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, _ = _tagged_library(tmp_path)
    layers = zip_bytes({"kick/Kick-Softest.wav": hit_wav(0.06), "kick/Kick-Soft.wav": hit_wav(0.25),
                        "kick/Kick-Hardest.wav": hit_wav(0.98)})
    lid = box.client.post("/libraries", content=layers, headers=box.auth).json()["id"]
    from tests.api.test_retag_p20 import _wait_done
    assert _wait_done(box, lid)["state"] == "done"
    files = box.store_dir / "libraries" / lid / "files"
    scores = {"Kick-Softest.wav": 0.96, "Kick-Soft.wav": 0.93, "Kick-Hardest.wav": 0.88}     # as the tagger had them

    def files_with_tag(db: object, tag: str, limit: int | None = None) -> list[Hit]:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return [Hit(files / "kick" / name, score) for name, score in ranked][:limit] if tag == "kick" else []
    monkeypatch.setattr("device.library.files_with_tag", files_with_tag)
    monkeypatch.setattr("device.library.list_tags", lambda db: {"kick": 3})
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert {n["note"]: n["file"] for n in r.json()["notes"]} == {36: "kick/Kick-Hardest.wav"}
