"""The tagger's confusion picture (QA of the forty-first stop): long tag names, several tags per file, a tag with
nothing held out, colours by each row's share, many tags."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from trainer.tagger.report import PER_TAG_COLUMNS, confusion_png, evaluate, format_report

LONG = "floor tom low tuned very dark and boomy from the basement kit 1979"


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Figure, dict[str, Any]]]:
    """The figures confusion_png saves, with savefig's keywords."""
    seen: list[tuple[Figure, dict[str, Any]]] = []
    real = Figure.savefig

    def keep(self: Figure, *args: Any, **kwargs: Any) -> Any:
        seen.append((self, kwargs))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return seen


def _renderer(fig: Figure) -> Any:
    """A renderer for ``fig`` (closed by pyplot, which takes its canvas away)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _saved_box(fig: Figure, kwargs: dict[str, Any]) -> Any:
    """The part of ``fig`` the PNG holds, in pixels at the figure's dpi."""
    renderer = _renderer(fig)
    if kwargs.get("bbox_inches") == "tight":
        return fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans).padded(1)
    return fig.bbox


def _texts(fig: Figure) -> list[Any]:
    """Every text drawn that has words in it."""
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_visible() and t.get_text().strip()]


def _inside(fig: Figure, kwargs: dict[str, Any]) -> list[str]:
    """The texts not wholly in the saved picture."""
    box, renderer = _saved_box(fig, kwargs), _renderer(fig)
    out = []
    for t in _texts(fig):
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 or e.x1 > box.x1 or e.y0 < box.y0 or e.y1 > box.y1:
            out.append(t.get_text())
    return out


def test_long_names_and_several_tags_per_file_keep_a_readable_grid(tmp_path: Path, drawn: list) -> None:
    """QA: one long name took the width, the grid was a 40 px strip, the headings printed over each other and the
    title was cut ("held-out, macro-")."""
    tags = ["agogo bell", LONG, *(f"tag {i}" for i in range(17))]
    counts = np.tile([[2, 0, 1]], (len(tags), 1))
    confusion_png(counts, tags, tmp_path / "m.png", "held-out, macro-F1 0.52", columns=PER_TAG_COLUMNS)
    fig, kwargs = drawn[-1]
    assert not _inside(fig, kwargs)                                    # nothing cropped, the title whole
    ax = fig.axes[0]
    renderer = _renderer(fig)
    grid = ax.get_window_extent(renderer)
    assert grid.width >= 2.5 * fig.dpi                                 # three columns of room, not a strip
    heads = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    assert all(a.x1 <= b.x0 for a, b in zip(heads, heads[1:]))         # found / missed / given wrongly apart
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert max(map(len, names)) <= 30 and any("\u2026" in n for n in names)     # shortened in the picture only
    assert names[1].startswith("floor tom") and names[1].endswith("1979")


def test_a_matrix_with_a_long_name_keeps_its_labels_and_axis_names(tmp_path: Path, drawn: list) -> None:
    """QA: "ment 1979", "nare" cropped, "true" / "predicted" missing."""
    tags = ["closed hi-hat from the old vintage kit in the basement 1979", "kick", "snare"]
    confusion_png(np.eye(3, dtype=int) * 2, tags, tmp_path / "t.png", "held-out, macro-F1 1.00")
    fig, kwargs = drawn[-1]
    assert not _inside(fig, kwargs)
    texts = {t.get_text() for t in _texts(fig)}
    assert {"true", "predicted", "kick", "snare", "held-out, macro-F1 1.00"} <= texts


def test_a_tag_with_nothing_held_out_is_null_in_the_json_and_marked_in_the_picture(tmp_path: Path,
                                                                                  drawn: list) -> None:
    """QA: report.json stored precision / recall / F1 0.0 for support 0 (a script reads an always-wrong tag) and the
    picture drew its row of zeros like a scored tag's."""
    import json
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    truth = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]], np.float32)
    rep = json.loads(json.dumps(evaluate(probs, truth, ["hat", "kick", "snare"])))
    snare = rep["per_tag"]["snare"]
    assert snare["recall"] is None and snare["f1"] is None and snare["support"] == 0
    assert snare["precision"] == 0.0 and snare["predicted"] == 1         # given to a kick: wrongly, a real 0
    unseen = evaluate(probs[:2], truth[:2], ["hat", "kick", "snare"])["per_tag"]["snare"]
    assert unseen["precision"] is None and unseen["predicted"] == 0
    assert "none held out" in format_report(rep)
    confusion_png(np.array(rep["confusion"]), rep["tags"], tmp_path / "c.png", "held-out")
    texts = [t.get_text() for t in _texts(drawn[-1][0])]
    assert texts.count("none held out") == 1
    counts = np.array([[2, 0, 1], [0, 0, 3], [1, 1, 0]])
    confusion_png(counts, ["kick", "snare", "hat"], tmp_path / "m.png", "held-out", columns=PER_TAG_COLUMNS)
    texts = [t.get_text() for t in _texts(drawn[-1][0])]
    assert texts.count("none held out") == 1 and "3" in texts             # given wrongly still counted


def test_colours_follow_each_rows_share_and_empty_cells_stay_blank(tmp_path: Path, drawn: list) -> None:
    """QA: 1 of 1 right was drawn pale beside a dark 2 of 2; 40 tags drew 1,600 "0"s on a 3360 px picture."""
    cm = np.array([[2, 0, 0], [0, 1, 0], [0, 1, 1]])
    confusion_png(cm, ["kick", "snare", "hat"], tmp_path / "c.png", "held-out")
    image = drawn[-1][0].axes[0].get_images()[0].get_array()
    assert np.allclose(image[0, 0], image[1, 1])                        # all right, whatever the count
    assert np.allclose(image[0, 1][:3], 1.0)                            # nothing there: blank
    many = [f"ForzeeStereo Drum{i:02d}" for i in range(40)]
    big = np.eye(40, dtype=int)
    big[17, 17], big[17, 16] = 0, 1
    confusion_png(big, many, tmp_path / "many.png", "held-out")
    fig, kwargs = drawn[-1]
    texts = [t.get_text() for t in _texts(fig)]
    assert "0" not in texts and texts.count("1") == 40
    box = _saved_box(fig, kwargs)
    assert box.width < 2000 and box.height < 2000 and not _inside(fig, kwargs)


def test_the_summary_names_the_most_frequent_confusions() -> None:
    """QA: the table said a tag was missed, not what it was heard as."""
    tags = ["SnareOff", "SnareOffRim", "Kick"]
    truth = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    probs = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    text = format_report(evaluate(probs, truth, tags))
    assert text.splitlines()[-1] == "most frequent confusions: SnareOffRim heard as SnareOff x1"
    assert "confusions" not in format_report(evaluate(truth, truth, tags))   # none made: no line
