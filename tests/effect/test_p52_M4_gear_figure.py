"""p52 review R4 #1-#3: a pack whose recordings were too quiet to measure the gear's gain (metric present, null) was
told it was "made by a hatbox before 2026-12-01 ... train it again", which writes null again; a percent hint rounded
past a knob's end suggested a value the knob refuses; `hatbox render`'s gain probe slept the loader's audio-thread
pauses for nothing."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from device.audio import swap
from device.audio.effect import knob_number
from device.audio.effect_render import box_gain_limits, no_gear_gain_line
from export.manifest import Knob
from export.pack import read_pack, write_pack
from hatbox.cli import main
from hatbox.errors import KnobError

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"


def _manifest(**metrics: object) -> SimpleNamespace:
    return SimpleNamespace(name="hatbox-drive", metrics=metrics)


def test_p52_M4_quiet_recordings_are_told_to_record_hotter_not_that_the_pack_is_old():
    line = no_gear_gain_line(_manifest(gear_max_gain_db=None))
    assert "-24 dBFS" in line and "Record hotter" in line and "2026-12-01" not in line
    old = no_gear_gain_line(_manifest(val_esr=0.01))
    assert "before 2026-12-01" in old and "train it again" in old and "hotter" not in old
    assert no_gear_gain_line(_manifest(gear_max_gain_db=30.6)) == ""
    assert "no number ('loud')" in no_gear_gain_line(_manifest(gear_max_gain_db="loud"))


def test_p52_M4_the_allowance_goes_to_a_quiet_pack_and_leaves_unity_gain_at_the_floor():
    """Deliberate: a pack with a null figure is guarded by its probe alone, as an old one, so it gets the allowance;
    a pack at unity gain keeps the 18 dB floor with it (swap.NO_GEAR_ALLOWANCE_DB's comment)."""
    assert swap.gear_gain_db(_manifest(gear_max_gain_db=None)) is None
    quiet = swap.gain_limits(14.0, None)
    assert quiet["gain_allowance_db"] == swap.NO_GEAR_ALLOWANCE_DB and quiet["gain_max_db"] == 32.0
    assert swap.gain_limits(0.0, None)["gain_max_db"] == 18.0 == swap.gain_limits(0.0, 0.0)["gain_max_db"]
    assert swap.gain_limits(14.0, 14.0)["gain_max_db"] == 20.0


def test_p52_M4_pack_inspect_says_record_hotter_for_a_null_figure(tmp_path, capsys):
    pack = read_pack(FACTORY_EFFECT)
    m = pack.manifest
    m.metrics = {**m.metrics, "gear_max_gain_db": None}
    path = write_pack(tmp_path / "quiet.hatpack", m, {k: v for k, v in pack.members.items() if k != "manifest.json"})
    assert main(["pack", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Record hotter" in out and "before 2026-12-01" not in out


@pytest.mark.parametrize("knob, text, value", [
    (Knob("drive", 0.0, 24.37, 12.0, "dB"), "100%", 24.37),      # rounded to 24.4 before: over the end
    (Knob("level", -0.049, 0.951, 0.2), "0%", -0.049),           # rounded to -0.05 before: under the end
    (Knob("level", -0.049, 0.951, 0.2), "100%", 0.95),
])
def test_p52_M4_the_percent_hint_stays_in_an_uneven_range(knob, text, value):
    with pytest.raises(KnobError) as caught:
        knob_number(knob, text)
    said = float(str(caught.value).rsplit(f"{knob.name}=", 1)[1])
    assert said == pytest.approx(value) and knob.check(said) == said


class _Boost:
    """A knobless +6 dB effect as the probe sees one."""

    knobs: list = []
    sample_rate = 48000
    manifest = SimpleNamespace(metrics={})

    def process(self, x: np.ndarray) -> np.ndarray:
        return 2.0 * x

    def reset(self) -> None:
        pass


def test_p52_M4_render_probes_without_the_loaders_pauses(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(swap.time, "sleep", slept.append)
    loader = swap.effect_gain_limit(_Boost(), _Boost.manifest, 128, 48000)
    assert slept and all(s == swap.YIELD_S for s in slept)          # the box's loader still leaves the GIL
    slept.clear()
    rendered = box_gain_limits(_Boost(), 128)
    assert slept == [] and rendered == loader and rendered["gain_measured_db"] == pytest.approx(6.0, abs=0.1)
