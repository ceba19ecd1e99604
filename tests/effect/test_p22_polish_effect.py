"""p22 polish (a producer's QA pass): `train effect` says its held-out error in words, `render --knob` refuses a
knob given twice, and the warnings said before training go to stderr with the tagger's "training goes on" line
while the summary is on stdout (since p44 its warnings go to stderr, each said once: docs/terminal.md)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from hatbox.cli import main
from hatbox.cmd_effect import held_out_line, parse_knobs, print_summary
from hatbox.errors import KnobError
from hatbox.text import TRAINING_GOES_ON
from tests.effect.synth import drive, plucks, write
from trainer.effect import train as trainmod

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"


def _summary(metrics: dict, capsys: pytest.CaptureFixture[str], warnings: list[str] | None = None,
             said: tuple[str, ...] = ()) -> tuple[str, str]:
    """(stdout, stderr) of print_summary for a result with ``metrics`` (defaults filled in; ``said``: the warnings
    said on stderr before training)."""
    m = {"arch": "gru", "params": 10, "steps": 5, "train_seconds": 1, "val_esr_per_setting": {"fixed": 0.05444},
         "latency": {"pair di.wav -> amp.wav": 0}, **metrics}
    print_summary(SimpleNamespace(metrics=m, pack="amp.hatpack", notes=[], warnings=warnings or [], report=None,
                                  said=said), 5)
    captured = capsys.readouterr()
    return captured.out, captured.err


# ------------------------------------------------------------------ 1. the held-out error in words
def test_the_held_out_error_is_explained_not_jargon(capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _summary({"val_esr": 0.05444}, capsys)
    assert "held-out error 0.0544 (ESR: 0 = identical to your gear, under 0.02 is close)" in out.splitlines()
    assert "held-out ESR" not in out and "0.05444" not in out          # the figure, to three digits, explained


def test_several_recordings_say_the_figure_is_their_mean(capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = _summary({"val_esr": 0.0019, "val_esr_per_pair": {f"line {i}": 0.002 for i in range(9)},
                       "val_esr_per_setting": {"drive=0": 0.003, "drive=12": 0.001}}, capsys)
    assert "held-out error 0.0019 (ESR: 0 = identical to your gear, under 0.02 is close; mean over your 9 " \
           "recordings)" in out.splitlines()
    assert held_out_line(0.00046) == "held-out error 0.00046 (ESR: 0 = identical to your gear, under 0.02 is close)"


# ------------------------------------------------------------------ 3. a knob given twice
def test_a_knob_given_twice_is_refused_naming_both_values() -> None:
    with pytest.raises(KnobError) as err:
        parse_knobs(["drive=1", "drive=2"])
    assert str(err.value) == "--knob drive given twice (1 and 2): give each knob once"
    with pytest.raises(KnobError, match=r"--knob drive given twice \(6 dB and 7\)"):
        parse_knobs(["drive=6 dB", "tone=3000", " DRIVE = 7"])      # the pack reads knob names in any case
    assert parse_knobs(["drive=6", "tone=3500 Hz"]) == {"drive": "6", "tone": "3500 Hz"}


def test_render_refuses_a_repeated_knob_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = tmp_path / "in.wav", tmp_path / "out.wav"
    write(src, plucks(0.2))
    argv = ["render", str(FACTORY_EFFECT), "--input", str(src), "--out", str(dst)]
    assert main([*argv, "--knob", "drive=1", "--knob", "drive=2"]) == 2
    err = capsys.readouterr().err
    assert "--knob drive given twice (1 and 2): give each knob once" in err and len(err.strip().splitlines()) == 1
    assert not dst.exists()


# ------------------------------------------------------------------ 7. which warnings go where
def _pair_44k(tmp_path: Path) -> tuple[Path, Path]:
    x = plucks(8.0, rate=44_100)                 # long enough not to be warned of as short
    write(tmp_path / "di.wav", x, rate=44_100)
    write(tmp_path / "amp.wav", drive(x, 6.0), rate=44_100)
    return tmp_path / "di.wav", tmp_path / "amp.wav"


def test_a_warning_before_training_is_on_stderr_with_the_tagger_s_goes_on_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    di, amp = _pair_44k(tmp_path)

    def no_training(*_a: object, **_k: object) -> None:
        raise RuntimeError("training started")
    monkeypatch.setattr(trainmod, "fit", no_training)
    with pytest.raises(RuntimeError, match="training started"):
        trainmod.train_effect(None, tmp_path / "x.hatpack", input=di, target=amp, progress=False)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith("warning: the recordings are at 44100 Hz") and lines[1] == TRAINING_GOES_ON
    assert captured.out == ""                                          # nothing of it in the summary's stream

    write(tmp_path / "di48.wav", plucks(8.0))
    write(tmp_path / "amp48.wav", drive(plucks(8.0), 6.0))
    with pytest.raises(RuntimeError, match="training started"):
        trainmod.train_effect(None, tmp_path / "y.hatpack", input=tmp_path / "di48.wav",
                              target=tmp_path / "amp48.wav", progress=False)
    assert TRAINING_GOES_ON not in capsys.readouterr().err             # nothing to warn of: nothing said

    warned = "warning: the recordings are at 44100 Hz"
    out, err = _summary({"val_esr": 0.05}, capsys, warnings=["the recordings are at 44100 Hz"])
    assert err.splitlines() == [warned] and "warning" not in out        # p44: the summary's warning on stderr, once
    assert out.startswith("wrote amp.hatpack")                          # the summary itself: stdout
    out, err = _summary({"val_esr": 0.05}, capsys, warnings=["the recordings are at 44100 Hz"],
                        said=("the recordings are at 44100 Hz",))
    assert "warning" not in out + err                                   # said before training: not said again
