"""The Library page's layout and drawing (device/ui/pages/library.py, split from it to keep it under 500 lines): tags
on the left, samples on the right, buttons under them; each sample row with its tagger's score, or who made its
correction ("yours", "laptopB's": device/ui/pages/library_fixers.py).  A mixin of :class:`LibraryPage`: it reads
the page's state and changes none but the rectangles it lays out."""
from __future__ import annotations

from typing import Any

import pygame

from device.ui import draw as D
from device.ui.data import Sample
from device.ui.focus import draw_focus
from device.ui.pages.base import Page, rows, scroll_window
from device.ui.pages.library_buttons import button_rects
from device.ui.pages.library_words import draw_empty, nothing_listed, score_words, status_words
from device.ui.sample_names import row_labels

ROW = 46                                     # px a tag or sample row: a fingertip (~9 mm on a 7" panel)
BUTTONS_W = 120 + 12 + 200 + 12 + 120       # play, more like this, retag side by side (px)
COMPACT_BELOW = 320                          # px of page height under which the buttons go in one row across


class LibraryDrawing(Page):
    """Layout and drawing of the Library page (:class:`device.ui.pages.library.LibraryPage` holds the state:
    ``tags``, ``samples``, the rows and buttons, ``owners``...)."""

    # the page's state, set by LibraryPage (declared for the type checker)
    tag_counts: dict[str, int]
    tag: int
    samples: list[Any]
    sample: int
    similar_to: str | None
    pending: set[str] | None
    before: set[str]
    retag: Any
    owners: Any
    undoable: Any
    _labels: tuple[tuple[str, ...], list[str]]

    def layout(self, rect: Any) -> None:
        """Tags on the left, samples on the right, buttons under them: one row of buttons when the
        sample column is wide enough (landscape), else two (portrait)."""
        super().layout(rect)
        if rect.height < COMPACT_BELOW:
            self._layout_compact(rect)
            return
        width = int(rect.width * 0.3)
        sample_w = rect.right - (rect.x + 8 + width) - 20
        one_row = sample_w >= BUTTONS_W
        bottom = 100 if one_row else 158                 # space under the lists for the status line and buttons
        left = pygame.Rect(rect.x + 8, rect.y + 8, width, rect.height - bottom + 20)
        right = self._lists(left, pygame.Rect(left.right + 12, rect.y + 8, sample_w, rect.height - bottom))
        self.status_at = (right.x, right.bottom + 14)
        self.status_w = right.width
        y = right.bottom + 28
        if one_row:
            self.play_btn = pygame.Rect(right.x, y, 120, 46)
            self.more_btn = pygame.Rect(self.play_btn.right + 12, y, 200, 46)
            self.retag_btn = pygame.Rect(self.more_btn.right + 12, y, 120, 46)
        else:
            self.play_btn = pygame.Rect(right.x, y, int((right.width - 12) * 0.4), 46)
            self.more_btn = pygame.Rect(self.play_btn.right + 12, y, right.right - self.play_btn.right - 12, 46)
            self.retag_btn = pygame.Rect(right.x, y + 58, self.play_btn.width, 46)
        self.unsure_btn = pygame.Rect(left.x, y, left.width, 46)

    def _lists(self, left: Any, right: Any) -> Any:
        """The tag rows in ``left``, the sample rows in ``right`` (none while loading); returns ``right``."""
        self.tag_rows = rows(left, len(self.tags), ROW)
        self.sample_rows = rows(right, 0 if self.loading() else len(self.samples), ROW)
        self.sample_area = right
        return right

    def _layout_compact(self, rect: Any) -> None:
        """A short panel (480x320): the four buttons in one row across the page, under the status line, so the
        lists keep four rows (two buttons' rows under the samples had left them two)."""
        width = int(rect.width * 0.3)
        left = pygame.Rect(rect.x + 8, rect.y + 8, width, rect.height - 84)
        right = self._lists(left, pygame.Rect(left.right + 12, rect.y + 8, rect.right - left.right - 20,
                                              rect.height - 84))
        self.status_at, self.status_w = (right.x, right.bottom + 4), right.width
        y, gap = right.bottom + 22, 8
        w = (rect.width - 16 - 3 * gap) // 4
        self.unsure_btn, self.play_btn, self.more_btn, self.retag_btn = (
            pygame.Rect(rect.x + 8 + i * (w + gap), y, w, 46) for i in range(4))

    # -- drawing ----------------------------------------------------------------------
    def draw(self, surface: Any) -> None:
        f = self.ctx.fonts
        self._sync()
        if not self.tags:
            draw_empty(self, surface)               # the library on its way, waiting, being tagged, or none
            return
        first = scroll_window(self.tag, len(self.tags), len(self.tag_rows))
        for i, r in enumerate(self.tag_rows):
            tag = self.tags[first + i]
            _row(surface, r, first + i == self.tag)
            chosen = self.pending is not None and tag in self.pending
            count = f.draw(surface, str(self.tag_counts[tag]), (r.right - 10, r.centery), 22, D.DIM, "midright")
            name = D.fit(f, (tag,), 26, count.x - 8 - (r.x + 10))
            f.draw(surface, name, (r.x + 10, r.centery), 26, D.GOOD if chosen else D.TEXT, "midleft")
        D.scroll_marker(surface, self.tag_rows, first, len(self.tags))
        self._draw_samples(surface)
        if self.undoable():                         # retag mode over a correction: the way back to the tagger
            D.button(surface, f, self.unsure_btn, ("tagger's tags", "tagger's"), on=True, lit=D.GOOD)
        else:
            D.button(surface, f, self.unsure_btn, ("unsure first", "unsure"), on=self.review_on())
        listed = bool(self.samples) and not self.loading()
        D.button(surface, f, self.play_btn, "play", enabled=listed)
        D.button(surface, f, self.more_btn, ("more like this", "like this"), enabled=listed)
        saves = self.pending is not None and self.pending != self.before
        D.button(surface, f, self.retag_btn, "save" if saves else "retag", on=self.retag is not None,
                 enabled=listed or self.retag is not None)
        draw_focus(surface, f, button_rects(self)[self.focus.at])

    def labels(self) -> list[str]:
        """The sample rows' labels (:func:`row_labels`), worked out again only when the list changes."""
        paths = tuple(s.shown or s.path for s in self.samples)      # under the library's name, not the box's folder
        if paths != self._labels[0]:
            self._labels = (paths, row_labels(paths))
        return self._labels[1]

    def label(self, sample: Sample) -> str:
        """How the status line names ``sample``: as its row does (:meth:`labels`: "Kit3/Kick.wav" where
        another file of the list is a Kick.wav too), its bare name when it is not listed."""
        paths = [s.path for s in self.samples]
        return self.labels()[paths.index(sample.path)] if sample.path in paths else sample.name

    def _draw_samples(self, surface: Any) -> None:
        f = self.ctx.fonts
        labels = self.labels()
        first = scroll_window(self.sample, len(self.samples), len(self.sample_rows))
        for i, r in enumerate(self.sample_rows):
            s = self.samples[first + i]
            _row(surface, r, first + i == self.sample)
            like = self.similar_to is not None
            said = self.owners.words(s) if s.corrected else \
                score_words(s, like, like and first + i == 0 and s.name == self.similar_to)
            right = D.fit(f, said, 20, r.width * 0.4)
            mark = f.draw(surface, right, (r.right - 10, r.centery), 20, D.GOOD if s.corrected else D.DIM, "midright")
            name = D.fit(f, (labels[first + i],), 24, mark.x - 10 - (r.x + 10))
            f.draw(surface, name, (r.x + 10, r.centery), 24, D.TEXT, "midleft")
        D.scroll_marker(surface, self.sample_rows, first, len(self.samples))
        if not self.samples and not self.loading():
            f.draw(surface, D.fit(f, nothing_listed(self), 24, self.sample_area.width - 20),
                   self.sample_area.center, 24, D.DIM, "center")
        said = status_words(self)
        if said is not None:
            self._status(surface, *said)

    def _status(self, surface: Any, lines: tuple[str, ...], colour: tuple[int, ...]) -> None:
        """The first of ``lines`` (longest first) that fits the status line's width (portrait is narrow)."""
        self.ctx.fonts.draw(surface, D.fit(self.ctx.fonts, lines, 20, self.status_w), self.status_at, 20, colour,
                            "midleft")




def _row(surface: Any, r: Any, selected: bool) -> None:
    pygame.draw.rect(surface, D.ACCENT if selected else D.PANEL, r.inflate(0, -4), 0 if selected else 1,
                     border_radius=6)
    if selected:
        pygame.draw.rect(surface, D.PANEL, r.inflate(-6, -10), border_radius=5)
