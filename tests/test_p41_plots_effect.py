"""The effect report's pictures and words (QA of the forty-first stop): the chart per knob setting, the spectrogram,
a run stopped early, what the curves' held-out figure is, the noise floor of a stretch without gaps."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from export.manifest import Knob
from trainer.effect import report
from trainer.effect.data import EffectData, Pair

RATE = 8000


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """The figures the report saves."""
    seen: list[Figure] = []
    real = Figure.savefig

    def keep(self: Figure, *args: Any, **kwargs: Any) -> Any:
        seen.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return seen


def _texts(fig: Figure) -> list[str]:
    """Every text drawn in ``fig`` that has words in it."""
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text().strip()]


def _data(knobs: bool = True) -> EffectData:
    """Two pairs: drive 0 and 20 dB at tone 1500 Hz, or one without knobs."""
    x = np.zeros(RATE, np.float32)
    if not knobs:
        return EffectData(RATE, [], [Pair("pair a", x, x, {}, 0)])
    return EffectData(RATE, [Knob("drive", 0, 20, 0, "dB"), Knob("tone", 500, 6000, 1500, "Hz")],
                      [Pair("pair a", x, x, {"drive": 0.0, "tone": 1500.0}, 0),
                       Pair("pair b", x, x, {"drive": 20.0, "tone": 1500.0}, 0)])


def _metrics(data: EffectData, **more: Any) -> dict[str, Any]:
    """What _markdown reads of a run's metrics."""
    per_pair = {p.name: 0.01 * (i + 1) for i, p in enumerate(data.pairs)}
    return {"arch": "gru", "params": 100, "steps": 10, "train_seconds": 3.0, "val_esr": 0.0163,
            "val_esr_per_pair": per_pair, "val_bypass_esr_per_pair": {n: 0.5 for n in per_pair},
            "val_bypass_esr": 0.5, "val_rows": [{"pair": n, "esr": e, "bypass_esr": 0.5, "x_median": 1.0}
                                                 for n, e in per_pair.items()],
            "spectrogram_pair": "pair b", **more}


def test_the_chart_per_setting_says_its_figures_in_units_beside_bypass(tmp_path: Path, drawn: list) -> None:
    """QA: log bars with an automatic bottom, no figures, "drive=0 tone=1500" for "drive 0 dB, tone 1500 Hz", no
    bypass beside the pack."""
    data = _data()
    metrics = _metrics(data)
    per_setting = {p.key: metrics["val_esr_per_pair"][p.name] for p in data.pairs}
    report.plot_esr_bars(per_setting, tmp_path / "e.png", report.setting_bypass(metrics, data),
                         report.setting_labels(data))
    texts = _texts(drawn[-1])
    assert "drive 0 dB, tone 1500 Hz" in texts and "drive 20 dB, tone 1500 Hz" in texts
    assert {"0.0100", "0.0200", "0.5000"} <= set(texts)
    assert any("bypass" in t for t in texts)
    assert not drawn[-1].axes[0].patches                            # no bars whose length a log axis makes up


def test_a_pack_without_knobs_has_no_chart_of_one_bar() -> None:
    """QA: a one-bar chart "fixed" filled the plot; report.md says why there is none."""
    data = _data(knobs=False)
    said = report._markdown(_metrics(data), data, {"val_fraction": 0.15})
    assert "esr_per_setting.png" not in said and "no knobs" in said
    assert "esr_per_setting.png" in report._markdown(_metrics(_data()), _data(), {"val_fraction": 0.15})


def test_the_spectrograms_have_a_db_scale_and_a_log_frequency_axis(tmp_path: Path, drawn: list) -> None:
    """QA: no colour bar (the synth's has one) and a linear 0-24 kHz axis squeezing the guitar's range."""
    t = np.arange(RATE) / RATE
    x = np.sin(2 * np.pi * 110 * t).astype(np.float32)
    x[: RATE // 4] = 0.0                                              # digital silence: drawn at the floor
    report.plot_spectrograms(x, x * 0.5, RATE, tmp_path / "s.png", "worst held-out pair")
    fig = drawn[-1]
    pictures = [ax for ax in fig.axes if ax.get_title()]
    assert len(pictures) == 2 and all(ax.get_yscale() == "log" for ax in pictures)
    assert pictures[0].get_ylim()[0] < 100                            # a low E's 82 Hz is in the picture
    assert any(ax.get_ylabel() == "dB" for ax in fig.axes)            # the colour bar


def test_a_run_stopped_early_is_said_and_the_curves_tell_their_held_out_figures_apart(tmp_path: Path,
                                                                                       drawn: list) -> None:
    """QA: report.md did not say a run was stopped with Ctrl-C (the terminal, pack inspect and metrics.json did);
    the curves' held-out line (the trainer's check windows, 0.0205) read as the summary's 0.0163."""
    data = _data()
    said = report._markdown(_metrics(data, stopped_early="Ctrl-C after 28 s of the 60 s budget, 356 steps"), data,
                            {"val_fraction": 0.15})
    assert "stopped early (Ctrl-C after 28 s of the 60 s budget, 356 steps)" in said
    assert "stopped early" not in report._markdown(_metrics(data), data, {"val_fraction": 0.15})
    history = [{"t": 1.0, "loss": 0.1, "train_esr": 0.1}, {"t": 2.0, "val_esr": 0.0205}]
    report.plot_curves(history, tmp_path / "c.png", final=0.0163)
    legend = " | ".join(t.get_text() for t in drawn[-1].axes[0].get_legend().get_texts())
    assert "check windows" in legend and "0.0163" in legend and "whole held-out stretch" in legend
