"""The fluid-soundfont-gm drum recipe: preset table, MIDI layout, attack check, a real one-preset build."""
from __future__ import annotations

import csv
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.errors import DataError
from trainer.tagger import gm_drums
from trainer.tagger.hydrogen import TAGS

needs_soundfont = pytest.mark.skipif(
    shutil.which("fluidsynth") is None or not gm_drums.SOUNDFONT.is_file(),
    reason="fluidsynth / fluid-soundfont-gm not installed")


def _fake_sf2(path: Path, entries: list[tuple[str, int, int]]) -> Path:
    """A RIFF sfbk file holding only a phdr chunk (plus the terminal EOP record)."""
    recs = b"".join(struct.pack("<20sHHHIII", n.encode(), prog, bank, 0, 0, 0, 0)
                    for n, prog, bank in [*entries, ("EOP", 0, 0)])
    body = b"sfbk" + b"LIST" + struct.pack("<I", 4 + 8 + len(recs)) + b"pdta" + b"phdr" + \
        struct.pack("<I", len(recs)) + recs
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def test_presets_read_from_the_phdr_chunk(tmp_path):
    sf2 = _fake_sf2(tmp_path / "x.sf2", [("Piano", 0, 0), ("Jazz", 32, 128), ("Standard", 0, 128)])
    assert [p.name for p in gm_drums.presets(sf2)] == ["Piano", "Jazz", "Standard"]
    assert [(p.program, p.name) for p in gm_drums.drum_presets(sf2)] == [(0, "Standard"), (32, "Jazz")]


def test_a_file_that_is_not_a_soundfont_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.sf2"
    bad.write_bytes(b"not a soundfont at all")
    with pytest.raises(DataError, match="not an SF2"):
        gm_drums.presets(bad)
    with pytest.raises(DataError, match="cannot read"):
        gm_drums.presets(tmp_path / "missing.sf2")


def test_every_gm_drum_note_has_a_hydrogen_tag_and_side_stick_is_left_out():
    assert set(gm_drums.GM_TAGS.values()) == set(TAGS)
    assert 37 not in gm_drums.GM_TAGS
    assert gm_drums.GM_TAGS[36] == "kick" and gm_drums.GM_TAGS[42] == "hihat" and gm_drums.GM_TAGS[63] == "percussion"


def test_kit_midi_spaces_notes_on_channel_10():
    mid = gm_drums.kit_midi(25, 90, [36, 38, 42])
    ons, t = [], 0
    for msg in mid.tracks[0]:
        t += msg.time
        if msg.type == "program_change":
            assert (msg.channel, msg.program) == (9, 25)
        if msg.type == "note_on":
            assert msg.channel == 9 and msg.velocity == 90
            ons.append(t / 960)
    assert ons == pytest.approx([0.5, 0.5 + gm_drums.SPACING_S, 0.5 + 2 * gm_drums.SPACING_S])


def test_has_attack_rejects_silence_and_a_previous_notes_tail():
    rate = 16000
    t = np.arange(rate) / rate
    hit = np.where(t > 0.01, np.exp(-(t - 0.01) * 20), 0) * np.sin(2 * np.pi * 200 * t)
    assert gm_drums.has_attack(hit.astype(np.float32), rate)
    assert not gm_drums.has_attack((1e-4 * hit).astype(np.float32), rate)          # silent note
    tail = 0.05 * np.exp(-t * 0.5) * np.sin(2 * np.pi * 200 * t)
    late = tail + np.where(t > 0.5, 0.5, 0) * np.sin(2 * np.pi * 300 * t)           # sound only after 0.5 s
    assert not gm_drums.has_attack(late.astype(np.float32), rate)


def test_cut_notes_starts_each_cut_just_before_its_note():
    rate = 1000
    n = 3
    audio = np.zeros(int((0.5 + gm_drums.SPACING_S * n) * rate), np.float32)
    for i in range(n):
        audio[int((0.5 + i * gm_drums.SPACING_S) * rate)] = i + 1
    cuts = gm_drums.cut_notes(audio, n, rate)
    assert [len(c) for c in cuts] == [int(gm_drums.KEEP_S * rate)] * n
    assert [int(np.argmax(c)) for c in cuts] == [10] * n and [c.max() for c in cuts] == [1, 2, 3]


@needs_soundfont
def test_build_one_preset_writes_tagged_audible_one_shots(tmp_path):
    counts = gm_drums.build(tmp_path, velocities=(100,), programs={25})       # TR-808
    assert list(counts) == ["TR-808"] and counts["TR-808"] > 20
    rows = list(csv.reader((tmp_path / "all_gm.csv").open()))
    assert len(rows) == counts["TR-808"] and rows == list(csv.reader((tmp_path / "gm_TR-808.csv").open()))
    assert {tag for _, tag in rows} <= set(TAGS) and {"kick", "snare", "hihat"} <= {tag for _, tag in rows}
    for path, _ in rows[:8]:
        audio, rate = audiofile.read(path, mono=True)
        assert rate == gm_drums.RATE and audio.shape[1] == int(gm_drums.KEEP_S * rate)
        assert gm_drums.has_attack(audio[0], rate)


@needs_soundfont
def test_build_renders_with_the_soundfont_it_was_given(tmp_path, monkeypatch):
    """The preset table and the render both come from ``sf2``: a soundfont that fluidsynth cannot load
    is a clear error, never a silent fallback to fluidsynth's default soundfont (FluidR3)."""
    fake = _fake_sf2(tmp_path / "fake.sf2", [("Standard", 0, 128)])
    used = []
    real = gm_drums.render
    monkeypatch.setattr(gm_drums, "render", lambda mid, s, soundfont: used.append(soundfont) or real(mid, s, soundfont=soundfont))
    with pytest.raises(DataError, match="Failed to load"):
        gm_drums.build(tmp_path / "out", velocities=(100,), sf2=fake)
    assert used == [fake]


def test_a_missing_soundfont_is_a_clear_error(tmp_path):
    from trainer.data.fluid import render
    with pytest.raises(DataError, match="soundfont not found"):
        render(gm_drums.kit_midi(0, 100, [36]), 1.0, soundfont=tmp_path / "nope.sf2")
