"""Thirtieth stop: a tagger trained only on lower-rate files hears every file at that rate.

Before, a tagger trained on 22.05 kHz files heard a 44.1 kHz recording of the same sound with an octave it had
never heard, and called full-band kicks cymbal (its statistics head read bands it had never heard).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.mel import tagger_clip
from device.audio.resample import resample
from device.library.runner import PackTagger, check_tagger_manifest
from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import PackError
from trainer.tagger.data import Item, heard_rate

from .conftest import hiss, tag_tree, thump


def _top_octave_share(clip: np.ndarray, rate: int, above: float) -> float:
    power = np.abs(np.fft.rfft(clip)) ** 2
    return float(power[np.fft.rfftfreq(clip.size, 1 / rate) > above].sum() / power.sum())


def test_heard_rate_is_the_highest_file_rate_when_all_are_under_the_front_end(tmp_path):
    low = [tmp_path / f"{r}.wav" for r in (22050, 11025)]
    for p, r in zip(low, (22050, 11025)):
        sf.write(p, thump(r), r)
    (tmp_path / "bad.wav").write_bytes(b"RIFF0000WAVEjunk")
    items = [Item(p, ("kick",)) for p in low] + [Item(tmp_path / "bad.wav", ("kick",))]
    assert heard_rate(items, 32000) == 22050                  # an unreadable file is passed over
    sf.write(tmp_path / "full.wav", thump(44100), 44100)
    assert heard_rate(items + [Item(tmp_path / "full.wav", ("hat",))], 32000) == 0   # one full-band file: none


def test_a_file_above_the_heard_rate_loses_what_lies_above_it():
    x = hiss(44100, seconds=1.0)
    full = tagger_clip(x, 44100, 32000, 32000)
    heard = tagger_clip(x, 44100, 32000, 32000, heard_rate=22050)
    assert _top_octave_share(full, 32000, 11500) > 0.1 and _top_octave_share(heard, 32000, 11500) < 1e-4
    assert np.array_equal(tagger_clip(x, 44100, 32000, 32000, heard_rate=48000), full)   # a higher cap: no change


@pytest.fixture(scope="module")
def low_rate_pack(tmp_path_factory) -> Path:
    """A tagger trained (2 steps) on 22.05 kHz files only."""
    root = tmp_path_factory.mktemp("heard")
    tree = tag_tree(root / "data", {"kick": thump, "hat": hiss}, 3, rate=22050)
    out = root / "t.hatpack"
    assert main(["train", "tagger", str(tree), "--out", str(out), "--steps", "2", "--threads", "1",
                 "--holdout", "0"]) == 0
    return out


def test_a_pack_trained_on_22k_files_hears_a_44k_recording_as_its_22k_copy(low_rate_pack, tmp_path):
    assert read_pack(low_rate_pack).manifest.extras["config"]["heard_rate"] == 22050
    x = hiss(44100, seconds=1.0, seed=3)
    sf.write(tmp_path / "full.wav", x, 44100, subtype="FLOAT")
    sf.write(tmp_path / "copy.wav", resample(x, 44100, 22050), 22050, subtype="FLOAT")
    tagger = PackTagger(low_rate_pack)
    full, copy = tagger.prepare(tmp_path / "full.wav"), tagger.prepare(tmp_path / "copy.wav")
    np.testing.assert_allclose(full, copy, atol=2e-4)
    np.testing.assert_allclose(tagger.run(full[None])[0], tagger.run(copy[None])[0], atol=1e-3)


def test_pack_inspect_says_what_band_it_hears(low_rate_pack, capsys):
    assert main(["pack", "inspect", str(low_rate_pack)]) == 0
    assert ("band: its training files were 22.05 kHz at most, so it hears every file up to 11 kHz, as it "
            "heard them") in capsys.readouterr().out
    from hatbox.cmd_pack import band_words
    assert band_words({"config": {"heard_rate": 11025}}).endswith("up to 5.5 kHz, as it heard them")
    assert band_words({"config": {}}) == band_words({}) == band_words({"config": {"heard_rate": 0}}) == ""


@pytest.mark.parametrize("bad", [-1, "22050", True, 10 ** 7])
def test_a_pack_with_a_bad_heard_rate_is_refused(low_rate_pack, bad):
    m = read_pack(low_rate_pack).manifest
    m.extras["config"]["heard_rate"] = bad
    with pytest.raises(PackError, match="heard_rate"):
        check_tagger_manifest(m)


def test_a_full_band_pack_is_tagged_as_before(small_pack, tmp_path):
    """Packs without a heard rate (all before this stop, and any trained on full-band files) keep their model id."""
    tagger = PackTagger(small_pack)
    assert tagger.heard_rate == 0
    from device.library.runner import tagger_model_id
    assert tagger.model_id == tagger_model_id(tagger.pack.model_bytes, tagger.tags, tagger.thresholds.tolist(),
                                              tagger.exclusive, tagger.rate, tagger.n)
    assert tagger.model_id != tagger_model_id(tagger.pack.model_bytes, tagger.tags, tagger.thresholds.tolist(),
                                              tagger.exclusive, tagger.rate, tagger.n, 22050)
