"""A synth pack's playing level (p58 QA finding 5: at default settings the factory synth's note peaked about 18 dB
under a hit of the factory kit, so a player going from pads to keys rode the volume by 18 dB).  A pack may say its
level (``extras.level_db``, optional: an older pack plays as before); the box's synth multiplies its output by it;
trainer.synth.level measures a pack as the box plays it and writes that level; the factory synth is levelled so a
note at velocity 100 peaks among the kit's hits."""
from __future__ import annotations

import json
import math
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from export.pack import Pack, read_pack
from hatbox.errors import PackError

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


def _with_extras(src: Path, dst: Path, **extras: object) -> Path:
    """``src`` with ``extras`` set in its manifest (checksums cover the members, not the manifest: they hold)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                m["extras"].update(extras)
                for key in [k for k, v in extras.items() if v is None]:
                    del m["extras"][key]
                data = json.dumps(m).encode()
            zout.writestr(info.filename, data)
    return dst


def _note(pack: Pack, note: int = 67, velocity: int = 100, blocks: int = 150) -> np.ndarray:
    from device.audio.synth import SynthSource
    src = SynthSource(pack, 48_000)
    src.handle({"op": "note_on", "note": note, "velocity": velocity})
    out = np.zeros((blocks, 256), np.float32)
    for row in out:
        src.render(row)
    return out.ravel()


def _db(x: np.ndarray) -> float:
    return 20.0 * math.log10(float(np.abs(x).max()))


def test_a_pack_without_a_level_plays_as_before(tmp_path: Path) -> None:
    from device.audio.synth_pack import synth_extras
    old = read_pack(_with_extras(FACTORY, tmp_path / "old.hatpack", level_db=None, level_fit=None))
    assert "level_db" not in old.manifest.extras
    assert synth_extras(old).level_db == 0.0
    zero = read_pack(_with_extras(FACTORY, tmp_path / "zero.hatpack", level_db=0.0))
    assert np.array_equal(_note(old), _note(zero))


def test_the_box_plays_a_pack_at_its_level(tmp_path: Path) -> None:
    base = read_pack(_with_extras(FACTORY, tmp_path / "base.hatpack", level_db=-10.0))
    up = read_pack(_with_extras(FACTORY, tmp_path / "up.hatpack", level_db=-4.0))
    a, b = _note(base), _note(up)
    assert np.abs(a).max() > 0.01
    np.testing.assert_allclose(b, a * 10 ** (6.0 / 20.0), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("bad", [100.0, -61.0, "loud", True])
def test_a_level_out_of_range_is_refused_when_the_pack_is_read(tmp_path: Path, bad: object) -> None:
    from device.audio.synth_pack import synth_extras
    pack = read_pack(_with_extras(FACTORY, tmp_path / "bad.hatpack", level_db=bad))
    with pytest.raises(PackError, match=r"extras\.level_db") as err:
        synth_extras(pack)
    assert err.value.check == "contract"


def test_the_factory_synth_plays_among_the_kits_hits(tmp_path: Path) -> None:
    """A note at velocity 100 on each factory timbre peaks within 3 dB of a full-scale drum sample the sampler plays
    at velocity 100 (the QA: 18 dB under it)."""
    from device.audio.sampler import SamplerSource
    hit = np.zeros(9600, np.float32)
    hit[:4800] = np.sin(2 * np.pi * 60 * np.arange(4800) / 48_000) * np.linspace(1, 0, 4800)
    sf.write(tmp_path / "kick.wav", hit / np.abs(hit).max(), 48_000, subtype="FLOAT")
    sampler = SamplerSource(48_000)
    sampler.handle({"op": "sample", "path": str(tmp_path / "kick.wav"), "velocity": 100})
    out = np.zeros((40, 256), np.float32)
    for row in out:
        sampler.render(row)
    kit = _db(out)
    from trainer.synth.level import note_peak
    pack = read_pack(FACTORY)
    peaks = [note_peak(pack, t, 67) for t in pack.manifest.extras["names"]]
    assert all(abs(p - kit) <= 3.0 for p in peaks), (kit, peaks)


def test_levelling_a_pack_sets_its_level_and_keeps_its_model(tmp_path: Path, synth_pack: Pack,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.synth import level
    monkeypatch.setattr(level, "FALLBACK_NOTES", (60,))          # one note a timbre: a quick measure
    src = shutil.copy(synth_pack.path, tmp_path / "mine.hatpack")
    fit = level.level_pack(src, tmp_path / "levelled.hatpack", peak_dbfs=-9.0, version="0.2.0")
    out = read_pack(tmp_path / "levelled.hatpack")
    assert out.manifest.version == "0.2.0" and out.manifest.extras["level_db"] == fit["level_db"]
    assert out.manifest.extras["level_fit"]["target_peak_dbfs"] == -9.0
    assert {k: v for k, v in out.members.items() if k != "manifest.json"} == \
        {k: v for k, v in read_pack(src).members.items() if k != "manifest.json"}
    assert abs(level.measure(out).median_dbfs + 9.0) < 0.1
    again = level.level_pack(tmp_path / "levelled.hatpack", peak_dbfs=-9.0)       # levelled again: stays
    assert abs(again["level_db"] - fit["level_db"]) <= 0.1


def test_a_level_out_of_reach_writes_nothing(tmp_path: Path, synth_pack: Pack, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.synth import level
    monkeypatch.setattr(level, "FALLBACK_NOTES", (60,))
    src = shutil.copy(synth_pack.path, tmp_path / "mine.hatpack")
    before = Path(src).read_bytes()
    assert level.main([str(src), "--peak", "-100"]) == 2         # a target under what a level reaches
    err = capsys.readouterr().err
    assert err.startswith("error: synth pack 'small' would need a level of") and "nothing written" in err
    assert "Traceback" not in err and Path(src).read_bytes() == before
