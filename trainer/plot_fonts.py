"""Text in the trainers' report pictures (the tagger's confusion picture, the synth's and the effect's curves): a
tag, an instrument or a pack named in Japanese, Korean, Chinese (or with an emoji) is drawn with a font that has
those glyphs where one is installed (Debian's fonts-droid-fallback or fonts-noto-cjk, macOS's Hiragino, Windows'
Yu Gothic; none is a dependency), else as a box, and never with matplotlib's "Glyph ... missing from font(s)"
warning on the terminal (p43's names QA: twelve such lines after one synth report)."""
from __future__ import annotations

import functools
import shutil
import subprocess
import warnings
from typing import Any

# fonts tried after matplotlib's own for the glyphs it lacks, where installed (those fontconfig lists for Japanese
# come first: `fc-list :lang=ja`); colour emoji fonts are left out (matplotlib cannot draw them)
FALLBACK_FONTS = ("Droid Sans Fallback", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR", "Noto Sans JP",
                  "Source Han Sans", "WenQuanYi Zen Hei", "IPAexGothic", "IPAGothic", "TakaoGothic", "Hiragino Sans",
                  "Hiragino Kaku Gothic ProN", "Yu Gothic", "MS Gothic", "Malgun Gothic", "Noto Emoji", "Symbola")
MISSING_GLYPH = r"Glyph .* missing from (current )?font"       # matplotlib's warning for a character it lacks


def pyplot() -> Any:
    """matplotlib.pyplot, drawing off-screen (Agg), with :func:`font_families` as its fonts and no missing-glyph
    warning (:func:`quiet_missing_glyphs`): what every report picture is drawn with."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams["font.family"] = font_families()
    quiet_missing_glyphs()
    return plt


def quiet_missing_glyphs() -> None:
    """No "Glyph ... missing from font(s)" warning from here on: the glyph is drawn as a box, said nowhere."""
    warnings.filterwarnings("ignore", message=MISSING_GLYPH, category=UserWarning)


def font_families() -> list[str]:
    """matplotlib's sans-serif font (DejaVu Sans), then the fonts of this computer for Japanese (fontconfig's), then
    those of :data:`FALLBACK_FONTS`, each only where matplotlib knows it."""
    return ["DejaVu Sans", *_installed()]


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[str, ...]:
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in dict.fromkeys((*_fontconfig_japanese(), *FALLBACK_FONTS)) if f in have)


def _fontconfig_japanese() -> list[str]:
    """The families `fc-list :lang=ja` names (the first name of each), [] where there is no fc-list."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
