"""p60 QA A finding 5: `hatbox render --help` (and docs/effect.md) said render runs a pack "exactly as the box does",
but the box's output rises from silence over its first 10 ms (engine.fade_in, a live stream's start ramp) and a file
take glides to 0 over its last 10 ms (take_end.EndGlide), and render does neither (QA's first 10 ms: peak -10.9 dBFS
from the box, -3.3 from render).  A render is the whole take: it keeps its first and last 10 ms as the pack gives
them (a running box playing the take), and the words now say that difference; between the ramps the two differ
only by what the output stage remembers of the box's start."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.engine.helpers import RATE, device_run_in_process

RAMP = RATE // 100                      # the box's 10 ms (engine.VOLUME_GLIDE_S, take_end's glide)
TAKE = RATE // 4                        # 0.25 s: it ends on a part block of 128 (the box's take is whole blocks)


def _full_level_take() -> np.ndarray:
    """[TAKE] float32: a 230 Hz cosine at 0.5, at full level on its first and its last sample."""
    t = np.arange(TAKE) / RATE
    return (0.5 * np.cos(2 * np.pi * 230.0 * t)).astype(np.float32)


def _rms_db(x: np.ndarray) -> float:
    return 20.0 * np.log10(max(float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))), 1e-12))


def _peak_db(x: np.ndarray) -> float:
    return 20.0 * np.log10(max(float(np.max(np.abs(x))), 1e-12))


def _box_and_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    capfd: pytest.CaptureFixture[str]) -> tuple[np.ndarray, np.ndarray]:
    """[N] each: `hatbox device run --sim --effect g.hatpack --input in.wav` (a -6 dB gain pack) and `hatbox render`
    of the same 0.25 s take (:func:`_full_level_take`); the box's cut to the take's length (its last block's rest is
    silence)."""
    from hatbox.cli import main
    run = device_run_in_process(tmp_path, monkeypatch, capfd, ["--sim"])
    sf.write(tmp_path / "in.wav", _full_level_take(), RATE, subtype="FLOAT")
    assert run(["--input", "in.wav", "--output", "box.wav"]).returncode == 0
    assert main(["render", "g.hatpack", "--input", "in.wav", "--out", "ren.wav"]) == 0
    box, _ = sf.read(tmp_path / "box.wav", dtype="float32")
    ren, _ = sf.read(tmp_path / "ren.wav", dtype="float32")
    assert ren.shape == (TAKE,) and box.shape[0] == -(-TAKE // 128) * 128 and not box[TAKE:].any()
    return box[:TAKE], ren


def test_render_is_the_box_s_take_but_for_its_start_and_end_ramps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capfd: pytest.CaptureFixture[str]) -> None:
    box, ren = _box_and_render(tmp_path, monkeypatch, capfd)
    apart = box - ren
    assert _peak_db(apart[RAMP:-RAMP]) < -70.0                 # the same take between the ramps: -76.3 dB (the
    assert _peak_db(apart[RATE * 3 // 20:-RAMP]) < -90.0       # DC blocker's memory of the fade), -91.6 from 0.15 s
    assert abs(box[0]) < 0.01 and abs(ren[0]) > 0.2                      # the box rises from silence, render not
    assert _rms_db(box[:RAMP]) < _rms_db(ren[:RAMP]) - 3.0
    assert box[-1] == 0.0 and abs(ren[-1]) > 0.05                        # the box's take glides to 0, render not
    assert _rms_db(box[-RAMP:]) < _rms_db(ren[-RAMP:]) - 3.0


def test_render_s_words_say_the_difference() -> None:
    from hatbox.cli import _sub_choices, build_parser
    top = build_parser()
    said = _sub_choices(top)["render"].description             # `hatbox render --help`
    listed = next(a for a in top._subparsers._group_actions[0]._choices_actions if a.dest == "render").help
    for words in (said, listed):
        assert "exactly as the box does" not in words and "as a running box plays it" in words, words   # p60 QA A
        assert "10 ms" in words and "fade" in words, words
    assert "fades in over its first 10 ms and glides to silence over its last 10 ms" in said
    assert "a render keeps the take's first and last 10 ms as the pack gives them" in said
    doc = (Path(__file__).resolve().parents[2] / "docs" / "effect.md").read_text()
    assert "all but the box's ramps" in doc and "first and last 10 ms as the pack gives them" in doc
