"""Thirtieth stop: a file's DC offset is no sound and moves no tag; dither is no sound.

- A DC offset (an old converter's, a careless edit's) put the leading silence within 40 dB of a quiet sound's
  peak, so the onset was found at the file's first sample; a file of nothing but an offset was tagged.
- Dithered 16-bit silence (+-1-3 steps: -90 to -81 dBFS) and 8-bit silence passed the -90 dBFS check and were
  tagged (mostly "cymbal" by the factory pack); a quiet export's rounding noise the same.
"""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.audio.mel import fit_clip, onset_index, tagger_clip, without_dc
from device.library.decode import grid_bits, quiet_level
from device.library.runner import PackTagger, not_taggable
from trainer.tagger.data import Item, decode_clips

from .conftest import hiss, thump, write_wav


def _dither(n: int, steps: int, bits: int, seed: int = 0) -> np.ndarray:
    """[n] float32 on a ``bits``-bit grid: integers in [-steps, steps] (TPDF-like), scaled to full scale 1."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(-steps, steps + 1, n)
    codes[n // 2] = steps                                     # the peak is exactly ``steps``
    return (codes / 2.0 ** (bits - 1)).astype(np.float32)


# ------------------------------------------------------------------------------------------ the DC offset
def test_without_dc_takes_the_mean_and_leaves_a_sound_alone():
    x = thump(32000, seconds=1.0)
    assert np.array_equal(without_dc(x), x)                           # no offset: left exactly as it is
    assert np.allclose(without_dc(x + np.float32(0.02)), x, atol=1e-4)   # within the tail's own mean, -80 dB
    assert abs(float(np.mean(x))) < 0.005 * float(np.max(np.abs(x)))   # a kick's own mean: -46 dB re its peak
    lead = np.concatenate([np.zeros(1000, np.float32), x])
    assert onset_index(without_dc(lead)) == onset_index(lead) > 900
    assert without_dc(np.zeros(0, np.float32)).shape == (0,)


def test_a_quiet_sound_on_an_offset_is_aligned_as_without_it():
    rate, n = 32000, 16000
    sound = np.concatenate([np.zeros(3200, np.float32), 0.1 * thump(rate)])      # 0.1 s of silence, then a kick
    on_dc = sound + np.float32(0.01)
    assert onset_index(on_dc) == 0                                   # the old preparation's onset: the first sample
    assert not np.allclose(fit_clip(on_dc, n), fit_clip(sound, n), atol=1e-3)
    np.testing.assert_allclose(tagger_clip(on_dc, 44100, rate, n), tagger_clip(sound, 44100, rate, n), atol=1e-4)


def test_a_file_on_an_offset_gets_the_tags_of_the_same_file_without_it(library_dir, small_pack, tmp_path):
    hit = 0.1 * thump(44100, seed=9) * np.exp(-np.arange(22050) / 44100 * 20).astype(np.float32)   # dies within the head
    sound = np.concatenate([np.zeros(2205, np.float32), hit])
    sf.write(library_dir / "clean.wav", sound, 44100, subtype="FLOAT")
    sf.write(library_dir / "offset.wav", sound + np.float32(0.01), 44100, subtype="FLOAT")
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    clean, offset = (library.tags_of(db, library_dir / f) for f in ("clean.wav", "offset.wav"))
    assert clean and offset == pytest.approx(clean, abs=2e-3)


def test_a_constant_offset_is_no_sound():
    audio = np.full((2, 16000), 0.05, np.float32)
    assert not_taggable(audio, 16000) == "silent (a constant DC offset, -26 dBFS)"
    dithered = _dither(16000, 2, 16) + np.float32(0.25)              # dither on an offset (still on the grid)
    assert not_taggable(dithered, 16000) == ("silent (only dither or rounding noise on a DC offset of -12 dBFS: "
                                             "peak 2 steps of 16-bit, -84 dBFS)")
    hum = (1e-5 * np.sin(np.arange(16000) / 5) + 0.1).astype(np.float32)   # off the grid: judged by its peak
    assert not_taggable(hum, 16000) == "silent (peak -100 dBFS on a DC offset of -20 dBFS, under -90)"


# ------------------------------------------------------------------------------------------ dither
@pytest.mark.parametrize("bits,steps", [(16, 1), (16, 2), (16, 3), (8, 1), (8, 3)])
def test_dither_on_an_integer_grid_is_silence(bits, steps):
    x = _dither(20000, steps, bits)
    assert grid_bits(x) == bits
    why = not_taggable(x, 16000)
    db = 20 * np.log10(steps / 2 ** (bits - 1))
    assert why == (f"silent (only dither or rounding noise: peak {steps} step{'' if steps == 1 else 's'} of "
                   f"{bits}-bit, {db:.0f} dBFS)")


def test_a_quiet_sound_above_the_dither_is_tagged():
    x16 = np.round(thump(16000) / 0.8 * 10) / 32768                  # a kick peaking 10 steps: -70 dBFS
    assert grid_bits(x16) == 16 and not_taggable(x16.astype(np.float32), 16000) == ""
    x8 = np.round(hiss(16000) / np.abs(hiss(16000)).max() * 6) / 128   # an 8-bit hat peaking 6 steps: -27 dBFS
    assert grid_bits(x8) == 8 and not_taggable(x8.astype(np.float32), 16000) == ""
    fine = (thump(16000) * 1e-4).astype(np.float32)                  # -82 dBFS, off any grid (24-bit, float)
    assert grid_bits(fine) is None and not_taggable(fine, 16000) == ""
    assert quiet_level(fine, 0.5) == quiet_level(x16, 0.5)           # a loud file's grid is never looked at


def test_hatbox_tag_skips_dithered_and_8_bit_silence_and_tags_a_quiet_kick(library_dir, small_pack, tmp_path):
    write_wav(library_dir / "dither16.wav", _dither(44100, 2, 16), 44100, "PCM_16")
    write_wav(library_dir / "dither8.wav", _dither(22050, 1, 8), 22050, "PCM_U8")
    write_wav(library_dir / "quiet.wav", (thump(44100) * 10 ** (-60 / 20)).astype(np.float32), 44100, "PCM_16")
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    skipped = dict(rep.skipped)
    assert skipped == {"dither16.wav": "silent (only dither or rounding noise: peak 2 steps of 16-bit, -84 dBFS)",
                       "dither8.wav": "silent (only dither or rounding noise: peak 1 step of 8-bit, -42 dBFS)"}
    assert library.tags_of(tmp_path / "lib.db", library_dir / "quiet.wav")


def test_a_long_file_of_dither_says_where_its_sound_starts(library_dir, small_pack, tmp_path):
    """The rest of the file is scanned against the dither's level, not -90 dBFS (the dither's first step)."""
    head = (8000 + 64) / PackTagger(small_pack).rate
    late = np.concatenate([_dither(24000, 2, 16), np.round(thump(16000) * 32767) / 32768]).astype(np.float32)
    write_wav(library_dir / "late.wav", late, 16000, "PCM_16")
    offset = np.concatenate([np.zeros(24000, np.float32), thump(16000)]) + np.float32(0.02)
    sf.write(library_dir / "offset_late.wav", offset, 16000, subtype="FLOAT")
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    assert head < 1.5 and not rep.skipped    # since p46 a sound after a silent head is tagged from it
    for name in ("late.wav", "offset_late.wav"):
        assert PackTagger(small_pack).heard(library_dir / name).start == pytest.approx(1.49, abs=1e-3)


def test_training_leaves_dither_out_with_the_same_words(tmp_path):
    kick = write_wav(tmp_path / "kick.wav", thump(16000), 16000, "PCM_16")
    hiss_ = write_wav(tmp_path / "dither.wav", _dither(16000, 3, 16), 16000, "PCM_16")
    kept, clips, failed, silent = decode_clips([Item(kick, ("kick",)), Item(hiss_, ("hat",))], 16000, 8000)
    assert [i.path.name for i in kept] == ["kick.wav"] and not failed
    assert silent == [(hiss_, "silent (only dither or rounding noise: peak 3 steps of 16-bit, -81 dBFS)")]


# ------------------------------------------------------------------------------------------ the QA pass's cases
def test_a_head_of_zeros_proves_no_grid_and_the_sound_after_it_is_found(library_dir, small_pack, tmp_path):
    """Zeros lie on every grid: a 24-bit file of 1.1 s of zeros and a snare at -32 dBFS was "8-bit dither"."""
    assert grid_bits(np.zeros(100, np.float32)) is None
    head = (8000 + 64) / PackTagger(small_pack).rate
    late = np.concatenate([np.zeros(17600, np.float32), 0.025 * hiss(16000)])      # 1.1 s, then about -32 dBFS
    sf.write(library_dir / "late24.wav", late, 16000, subtype="PCM_24")
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    assert head < 1.1 and not rep.skipped    # since p46 a sound after a silent head is tagged from it
    assert PackTagger(small_pack).heard(library_dir / "late24.wav").start == pytest.approx(1.09, abs=1e-3)


def test_channels_that_cancel_are_found_under_a_shared_offset(library_dir, small_pack, tmp_path):
    """[k + o, -k + o] mixed to the constant o: the tagger heard nothing (hihat 0.9 for a kick, in the QA pass)."""
    from device.library.decode import mix
    k = thump(44100)
    for o in (0.05, 0.3):
        both = np.stack([k + np.float32(o), -k + np.float32(o)])
        m = mix(both)                                              # a channel, as without the offset
        assert np.array_equal(m, both[0]) or np.array_equal(m, both[1])
    sf.write(library_dir / "inv.wav", np.stack([k + np.float32(0.1), -k + np.float32(0.1)], 1), 44100, subtype="FLOAT")
    sf.write(library_dir / "mono.wav", k, 44100, subtype="FLOAT")
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    inv, mono = (library.tags_of(db, library_dir / f) for f in ("inv.wav", "mono.wav"))
    assert inv == pytest.approx(mono, abs=2e-3)


def test_a_short_one_sided_sound_keeps_its_shape():
    """The offset is read from the tail: a 0.12 s sound whose own mean is -27 dB re its peak is not shifted (the
    mean's removal left a step where the file ends and the zero padding begins)."""
    t = np.arange(3840) / 32000
    shaker = (np.abs(np.sin(2 * np.pi * 900 * t)) * np.exp(-t / 0.02)).astype(np.float32)   # one-sided
    assert abs(float(np.mean(shaker))) > 0.04 * float(shaker.max())
    np.testing.assert_array_equal(tagger_clip(shaker, 32000, 32000, 8000), fit_clip(shaker, 8000))
    from device.audio.mel import dc_offset
    ringing = thump(32000, seconds=1.0)                        # a decaying tone swings around zero: no offset
    assert dc_offset(ringing) == 0.0 and dc_offset(ringing + np.float32(0.01)) == pytest.approx(0.01, abs=1e-4)


def test_steps_and_dbfs_agree_and_are_never_zero():
    t = np.zeros(16000, np.float32)
    t[::2] = 1 / 32768                                          # samples reaching 1 step, on a half-step mean
    assert not_taggable(t, 16000) == "silent (only dither or rounding noise: peak 1 step of 16-bit, -90 dBFS)"
    few = np.full(16000, 2 / 32768, np.float32)
    assert not_taggable(few, 16000) == "silent (a constant DC offset, -84 dBFS)"


def test_the_heard_rate_is_of_the_files_trained_on_not_the_ones_left_out(tmp_path):
    from export.pack import read_pack
    from hatbox.cli import main
    from .conftest import tag_tree
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 3, rate=22050)
    write_wav(tree / "hat" / "quiet44.wav", _dither(44100, 2, 16), 44100, "PCM_16")     # left out: dither
    out = tmp_path / "t.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1",
                 "--holdout", "0"]) == 0
    assert read_pack(out).manifest.extras["config"]["heard_rate"] == 22050


def test_a_tag_whose_only_file_starts_late_says_to_trim_it(tmp_path, capsys):
    from hatbox.cli import main
    from .conftest import tag_tree
    tree = tag_tree(tmp_path / "data", {"kick": thump}, 3, rate=16000)
    (tree / "hat").mkdir()
    sf.write(tree / "hat" / "late.wav", np.concatenate([np.zeros(31 * 16000, np.float32), hiss(16000)]), 16000)
    assert main(["train", "tagger", str(tree), "--out", str(tmp_path / "t.hatpack"), "--steps", "2",
                 "--threads", "1"]) == 2     # (since p46 a sound within 30 s is heard from where it starts)
    err = capsys.readouterr().err
    assert "silent (all zeros) in its first 30 s" in err and "trim the silence before its sound" in err


def test_an_offset_under_a_tail_that_still_rings_is_found():
    """A cymbal still ringing in the head's last quarter swings around the offset: the tail does not sit on it
    (its mean under 3x its swing), but its four parts hold it steadily (a second QA pass: 420 of 941 drum
    samples at +0.01 kept their offset)."""
    from device.audio.mel import dc_offset
    rng = np.random.default_rng(4)
    t = np.arange(32000) / 32000
    ring = (0.5 * np.diff(rng.standard_normal(32001)) * np.exp(-t / 1.5)).astype(np.float32)   # bright, like a cymbal
    assert dc_offset(ring) == 0.0
    assert dc_offset(ring + np.float32(0.01)) == pytest.approx(0.01, abs=2e-3)
    assert dc_offset(ring - np.float32(0.1)) == pytest.approx(-0.1, abs=2e-3)
    fall = (np.exp(-t / 0.1) * 0.2).astype(np.float32)          # a one-sided fall: its tail's parts fall away
    assert dc_offset(fall) == 0.0


def test_offset_levels_read_plainly():
    assert not_taggable(np.full(16000, 0.9999, np.float32), 16000) == "silent (a constant DC offset, 0 dBFS)"
    assert not_taggable(np.full(16000, 1e-40, np.float32), 16000) == \
        "silent (a constant DC offset, under -200 dBFS)"
