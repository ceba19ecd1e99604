"""The Sonic Pi / LMMS / freepats data recipe: name rules, the GUS patch reader, the CSVs it writes."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.errors import DataError
from tests.tagger.conftest import hiss, thump
from trainer.tagger import debian_samples as ds
from trainer.tagger.data import load_items
from trainer.tagger.hydrogen import tag_for


@pytest.mark.parametrize("stem, tag", [
    ("bd_haus", "kick"), ("drum_heavy_kick", "kick"), ("sn_dolf", "snare"), ("elec_hi_snare", "snare"),
    ("drum_tom_lo_hard", "tom"), ("drum_cymbal_closed", "hihat"), ("drum_splash_soft", "cymbal"),
    ("tabla_ghe3", "percussion"), ("drum_cymbal_open", None), ("drum_roll", None), ("loop_amen", None),
])
def test_sonic_pi_names_map_to_tags(stem, tag):
    assert tag_for(stem, ds.SONIC_PI_RULES) == tag


@pytest.mark.parametrize("stem, tag", [
    ("bassdrum_acoustic01", "kick"), ("snare_muffled02", "snare"), ("snare_rim01", None), ("tom_hi01", "tom"),
    ("hihat_foot_pedal01", "hihat"), ("ride02", "cymbal"), ("clap03", "percussion"), ("zap01", None),
])
def test_lmms_names_map_to_tags(stem, tag):
    assert tag_for(stem, ds.LMMS_RULES) == tag


def _pat(path: Path, samples: np.ndarray, rate: int, *, sixteen: bool = True, unsigned: bool = False) -> Path:
    """Write a minimal one-sample GF1PATCH110 file holding ``samples`` (float in [-1, 1])."""
    if sixteen:
        ints = np.round(samples * 32767).astype(np.int32) + (32768 if unsigned else 0)
        raw = ints.astype("<u2" if unsigned else "<i2").tobytes()
    else:
        ints = np.round(samples * 127).astype(np.int32) + (128 if unsigned else 0)
        raw = ints.astype(np.uint8 if unsigned else np.int8).tobytes()
    header = bytearray(ds._PAT_FIRST_SAMPLE + ds._PAT_SAMPLE_HEADER)
    header[:12] = b"GF1PATCH110\0"
    h = ds._PAT_FIRST_SAMPLE
    struct.pack_into("<I", header, h + 8, len(raw))
    struct.pack_into("<H", header, h + 20, rate)
    header[h + 55] = (1 if sixteen else 0) | (2 if unsigned else 0)
    path.write_bytes(bytes(header) + raw)
    return path


@pytest.mark.parametrize("sixteen, unsigned", [(True, False), (True, True), (False, False), (False, True)])
def test_read_pat_decodes_every_sample_format(tmp_path, sixteen, unsigned):
    x = (0.8 * np.sin(np.arange(500) / 7)).astype(np.float32)
    audio, rate = ds.read_pat(_pat(tmp_path / "p.pat", x, 22050, sixteen=sixteen, unsigned=unsigned))
    assert rate == 22050 and audio.shape == (500,)
    np.testing.assert_allclose(audio, x, atol=1.0 / (100 if sixteen else 60))


def test_read_pat_refuses_what_is_not_a_patch(tmp_path):
    (tmp_path / "x.pat").write_bytes(b"RIFF" + bytes(400))
    with pytest.raises(DataError, match="not a GUS patch"):
        ds.read_pat(tmp_path / "x.pat")
    p = _pat(tmp_path / "cut.pat", np.zeros(1000, np.float32), 44100)
    p.write_bytes(p.read_bytes()[:-10])                       # truncated: the header promises more
    with pytest.raises(DataError, match="out of range"):
        ds.read_pat(p)


def test_build_writes_one_loadable_csv_per_collection(tmp_path):
    sp = tmp_path / "sonic"
    sp.mkdir()
    audiofile.write(sp / "bd_x.flac", thump(44100), 44100, subtype="PCM_16")
    audiofile.write(sp / "bd_copy.flac", thump(44100), 44100, subtype="PCM_16")    # same bytes: kept once
    audiofile.write(sp / "drum_cymbal_closed.wav", hiss(44100), 44100)
    audiofile.write(sp / "loop_amen.wav", hiss(44100), 44100)                       # no rule: left out
    (sp / "sn_broken.wav").write_bytes(b"RIFF" + bytes(60))                          # does not decode
    pats = tmp_path / "pats"
    pats.mkdir()
    _pat(pats / "038_Snare_1.pat", 0.5 * hiss(22050)[:4000], 22050)
    _pat(pats / "037_Stick_Rim.pat", 0.5 * hiss(22050)[:4000], 22050)               # no GM tag
    coll = (ds.Collection("sonic", sp, ds.SONIC_PI_RULES, "sonic-pi-samples"),
            ds.Collection("absent", tmp_path / "nope", ds.LMMS_RULES, "lmms-common"))
    counts = ds.build(tmp_path / "out", coll, freepats_dir=pats)
    assert counts == {"sonic": 2, "freepats": 1}
    sonic = load_items(tmp_path / "out" / "sonic.csv")
    assert sorted((i.path.name, i.tags) for i in sonic) == [("bd_copy.flac", ("kick",)),
                                                           ("drum_cymbal_closed.wav", ("hihat",))]
    fp = load_items(tmp_path / "out" / "freepats.csv")
    assert [(i.path.name, i.tags) for i in fp] == [("038_Snare_1.wav", ("snare",))]
    assert audiofile.read(fp[0].path)[1] == 22050


def test_build_says_which_packages_to_install(tmp_path):
    coll = (ds.Collection("absent", tmp_path / "nope", ds.LMMS_RULES, "lmms-common"),)
    with pytest.raises(DataError) as e:
        ds.build(tmp_path / "out", coll, freepats_dir=tmp_path / "nope2")
    assert "lmms-common" in e.value.hint and "freepats" in e.value.hint
