"""A full-velocity chord no longer silences a synth on the box (thirty-third stop's QA: sixteen notes at velocity 127
on a synth trained from notes peaking at -6 dBFS peaked at +12.4 dBFS, the engine's slot guard took that for a
runaway model, and the synth stayed silent until turned back on).  The voices' sum now goes through the sources'
bus limiter (+6 dBFS), as the sampler's does."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from device.audio.limiter import SOURCE_CEILING, SourceLimiter
from device.audio.protect import ProtectConfig, SlotGuard
from export.pack import read_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


def _louder(tmp: Path, db: float) -> Path:
    """The factory synth as if trained from notes ``db`` louder (its velocity map raised; checksums still hold)."""
    dst = tmp / "loud.hatpack"
    with zipfile.ZipFile(FACTORY) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                m["extras"]["velocity_map"]["db_at_127"] += db
                data = json.dumps(m).encode()
            zout.writestr(info.filename, data)
    return dst


def test_sixteen_notes_at_full_velocity_stay_under_the_slot_guard(tmp_path: Path) -> None:
    from device.audio.synth import SynthSource
    src = SynthSource(read_pack(_louder(tmp_path, 12.0)), 48_000)
    for note in range(96, 112):
        src.handle({"op": "note_on", "note": note, "velocity": 127})
    guard, peak, faults = SlotGuard(48_000, ProtectConfig()), 0.0, []
    for _ in range(400):                                   # about 1 s in the engine's 128-sample blocks
        out = np.zeros(128, np.float32)
        src.render(out)
        peak = max(peak, float(np.abs(out).max()))
        faults += [f for f in [guard.check(out, dc=False)] if f]
    assert faults == []
    assert 0.5 * SOURCE_CEILING < peak <= SOURCE_CEILING * 1.0001     # loud, and levelled at the bus ceiling


def test_a_quiet_chord_passes_the_limiter_untouched() -> None:
    from device.audio.synth import SynthSource
    a, b = SynthSource(read_pack(FACTORY), 48_000), SynthSource(read_pack(FACTORY), 48_000)
    b.limiter = SourceLimiter(48_000, ceiling=1e9)         # no limiting at all
    for src in (a, b):
        src.handle({"op": "note_on", "note": 60, "velocity": 64})
    x, y = np.zeros(9600, np.float32), np.zeros(9600, np.float32)
    a.render(x)
    b.render(y)
    assert np.abs(x).max() > 0.01 and np.array_equal(x, y)


def test_a_block_holding_nan_reaches_the_guard_as_it_is() -> None:
    lim = SourceLimiter(48_000)
    x = np.full(64, 5.0, np.float32)
    x[3] = np.nan
    lim.level(x)
    assert np.isnan(x[3]) and x[0] == 5.0 and lim.env == 0.0        # untouched, the envelope still finite
    y = np.full(64, 5.0, np.float32)
    lim.level(y)
    assert np.abs(y).max() <= SOURCE_CEILING * 1.0001
