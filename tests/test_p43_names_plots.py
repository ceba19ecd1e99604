"""p43 names QA, item 7: report pictures with Japanese or emoji in their titles print no "Glyph ... missing from
font(s)" warnings, and draw with a font that has CJK glyphs where one is installed."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from trainer import plot_fonts
from trainer.synth.report import spectrogram_png


def test_a_synth_picture_of_japanese_and_emoji_titles_warns_of_no_glyph(tmp_path: Path):
    x = np.sin(np.arange(4800) * 0.05).astype(np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectrogram_png([("ピアノ 🥁", x), ("Bass 🥁 キック", x)], 24000, tmp_path / "s.png")
    assert (tmp_path / "s.png").is_file()
    assert not [w for w in caught if "missing from" in str(w.message)], [str(w.message) for w in caught]


def test_fonts_with_cjk_glyphs_are_used_where_installed(monkeypatch):
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    families = plot_fonts.font_families()
    assert families[0] == "DejaVu Sans" and all(f in have for f in families)
    if not set(plot_fonts.FALLBACK_FONTS) & have and not plot_fonts._fontconfig_japanese():
        pytest.skip("no font with CJK glyphs here")
    assert len(families) > 1


def test_the_fontconfig_list_is_read(monkeypatch):
    class Done:
        stdout = "Droid Sans Fallback\nNoto Sans CJK JP,Noto Sans CJK JP Regular\n"
    monkeypatch.setattr(plot_fonts.shutil, "which", lambda _n: "/usr/bin/fc-list")
    monkeypatch.setattr(plot_fonts.subprocess, "run", lambda *a, **k: Done())
    assert plot_fonts._fontconfig_japanese() == ["Droid Sans Fallback", "Noto Sans CJK JP"]
