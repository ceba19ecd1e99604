"""Forty-first stop (reports QA): the synth's curves ended at a fixed subset of the notes (0.784) while the summary
gave every note's figure (0.800), and nothing said why: the legend says it and the final figure is marked."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def test_the_curves_mark_the_report_s_figure_and_say_what_the_curve_is(tmp_path: Path, monkeypatch) -> None:
    import matplotlib.pyplot as plt

    from trainer.synth import report
    seen: list[list[str]] = []
    save = plt.Figure.savefig

    def keep(fig, *args, **kwargs):
        seen.append([t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()])
        return save(fig, *args, **kwargs)
    monkeypatch.setattr(plt.Figure, "savefig", keep)
    history = [{"t": 10.0, "train": 1.2, report.HELDOUT: 0.9}, {"t": 60.0, "train": 0.9, report.HELDOUT: 0.784}]
    report.curves_png(history, report.HELDOUT, tmp_path / "c.png", final=0.8)
    assert (tmp_path / "c.png").is_file()
    (labels,) = seen
    assert "held-out notes (a fixed subset of them)" in labels
    assert "final: 0.800, every held-out note (the report's figure)" in labels
