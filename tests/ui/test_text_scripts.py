"""Tags and pack names in any script: the panel draws each string with a face that has its glyphs
(no missing-glyph boxes), measures it with that face, and runs without the font packages."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.ui import draw as D

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")                  # fonts-dejavu-core
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")              # fonts-droid-fallback
SYMBOLA = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")           # fonts-symbola
NOTDEF = "\u0378"            # an unassigned code point: no face has it, every face draws its box

TAGS = {
    "japanese": ("キック 太鼓", DROID),
    "greek": ("κρουστά", None),         # pygame's built-in font has Greek and Cyrillic
    "cyrillic": ("барабан", None),
    "hebrew": ("תוף", DEJAVU),
    "arabic": ("طبلة", DEJAVU),
}


def _needs(path: Path | None) -> None:
    if path is not None and not path.is_file():
        pytest.skip(f"{path} is not installed (bash scripts/setup.sh installs its Debian package); "
                    "test_without_font_files_the_builtin_font_draws_everything covers this machine")


def _pixels(surface: Any) -> np.ndarray:
    import pygame
    rgb, alpha = pygame.surfarray.array3d(surface), pygame.surfarray.array_alpha(surface)
    return np.concatenate([rgb, alpha[..., None]], -1)                              # [w, h, 4]


@pytest.mark.parametrize("script", list(TAGS))
def test_a_tag_in_another_script_draws_without_boxes(pg: Any, script: str) -> None:
    tag, needs = TAGS[script]
    _needs(needs)
    fonts = D.Fonts()
    face = fonts.face(tag) if hasattr(fonts, "face") else None    # the old Fonts: the built-in font only
    import pygame.freetype
    pygame.freetype.init()
    probe = pygame.freetype.Font(face, 24)
    missing = [ch for ch, m in zip(tag, probe.get_metrics(tag)) if m is None and not ch.isspace()]
    assert not missing, f"{script}: {face or 'built-in font'} has no glyph for {missing}"
    drawn = fonts.render(tag, 24, D.TEXT)
    boxes = fonts.render("".join(ch if ch.isspace() else NOTDEF for ch in tag), 24, D.TEXT)
    assert drawn.get_size() != boxes.get_size() or not np.array_equal(_pixels(drawn), _pixels(boxes))


def test_an_emoji_in_a_name_is_drawn_by_symbola_and_the_rest_by_the_panel_s_own_face(pg: Any) -> None:
    """Forty-first stop's panel QA: "break 🥁 120bpm.wav" drew a box; the whole name in Symbola (a serif face, it
    has Latin too) would not look like the panel, so Symbola draws only what no other face has."""
    _needs(SYMBOLA)
    from device.ui.fonts import FaceChain, find_faces
    chain = FaceChain(find_faces())
    name = "break 🥁 120bpm.wav"
    pieces = chain.faces(name)
    symbola = chain.paths.index(str(SYMBOLA))
    assert chain.face_for(name) == 0 and [p for f, p in pieces if f == symbola] == ["🥁"], pieces
    assert all(chain.covers(ch)[f] for f, piece in pieces for ch in piece)


@pytest.mark.parametrize("script", list(TAGS))
def test_a_tag_is_measured_as_drawn_and_cut_to_fit(pg: Any, script: str) -> None:
    tag, needs = TAGS[script]
    _needs(needs)
    fonts = D.Fonts()
    assert fonts.size(tag, 22)[0] == fonts.render(tag, 22, D.DIM).get_width()
    long = tag * 12
    cut = D.fit(fonts, (long,), 22, 150)
    assert cut.endswith("...") and long.startswith(cut[:-3])
    assert fonts.render(cut, 22, D.DIM).get_width() <= 150


def test_without_font_files_the_builtin_font_draws_everything(pg: Any, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font" * 20)
    gone = D.FaceFile(f"fonts-gone-{tmp_path.name}", (str(tmp_path / "none.ttf"),), "test")
    junk = D.FaceFile(f"fonts-junk-{tmp_path.name}", (str(bad),), "test")
    with caplog.at_level(logging.INFO, logger="device.ui.fonts"):
        fonts = D.Fonts((gone, junk))
        D.Fonts((gone,))                                                     # logged once per process
    assert [r.getMessage().count(gone.package) for r in caplog.records].count(1) == 1
    assert any(str(bad) in r.getMessage() for r in caplog.records)
    for tag, _ in TAGS.values():
        assert fonts.face(tag) is None                                       # the built-in font, boxes and all
        surf = fonts.render(tag, 24, D.TEXT)
        assert surf.get_width() > 0 and fonts.size(tag, 24)[0] == surf.get_width()
    screen = pg.Surface((200, 40))
    assert fonts.draw(screen, "キック", (5, 5)).width > 0


def test_right_to_left_runs_in_visual_order() -> None:
    from device.ui.fonts import runs
    assert [(r.text, r.rtl) for r in runs("kick")] == [("kick", False)]
    assert [(r.text, r.rtl, r.script) for r in runs("שלום עולם")] == [("שלום עולם", True, "Hebr")]
    arabic = [(r.text, r.rtl) for r in runs("عام 2024 جديد")]            # right to left, a number inside
    assert arabic == [(" جديد", True), ("2024", False), ("عام ", True)]
    mixed = [(r.text, r.rtl) for r in runs("pad עולם 2")]                 # left to right, a Hebrew word inside
    assert mixed == [("pad ", False), ("עולם", True), (" 2", False)]


def test_hebrew_is_drawn_right_to_left(pg: Any) -> None:
    _needs(DEJAVU)
    fonts = D.Fonts()
    word = "שלום"
    assert fonts.face(word) == str(DEJAVU)
    ltr = fonts.chain.font(fonts.chain.face_for(word), 24)                   # the same face, unshaped
    assert np.array_equal(_pixels(fonts.render(word, 24, D.TEXT)), _pixels(ltr.render(word[::-1], True, D.TEXT)))


def test_a_frame_does_not_measure_again(pg: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = D.Fonts()
    fonts.size("κρουστά", 22), fonts.render("κρουστά", 22, D.TEXT)
    calls = []
    monkeypatch.setattr(fonts.chain, "covers", lambda ch: calls.append(ch))
    monkeypatch.setattr(fonts.chain, "size", lambda *a: calls.append(a))
    fonts.size("κρουστά", 22), fonts.render("κρουστά", 22, D.TEXT)
    assert calls == []
