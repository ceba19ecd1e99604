"""Library: samples by tag, audition through the engine's sampler, "more like this", the samples the tagger was
least sure of ("unsure": check these first), and retag, the producer's own correction (kept when the library is
tagged again; device.library.query.set_tags): with one tag per file the selected sample moves to the tag tapped
next; in a multi-label library each tap adds or removes a tag and pressing retag again saves them.

The page never waits on a library database: every query and write goes to the context's reader (device/ui/
reader.py; on the box a worker thread) and its answer is shown at a later frame, the latest request winning.
Until the list asked for arrives the page is *loading*: its sample rows are hidden, nothing acts on them (a tap
never hits a row that is being replaced) and the status line says "reading the library...", or "library busy"
after :data:`BUSY_S` (a tagging run holding it).  A read that fails is a message; with no tags read yet the page
says the library could not be read (not that there is none) until its periodic refresh reads it.

One list is shown at a time, in one mode: the samples of the tag under the cursor, "more like this"
one sample, or "unsure first"; every list goes through :meth:`LibraryPage._list`, so the lit button
and the status line always name the list on screen.  The "unsure first" button is a toggle: pressed
on the unsure list (or while it is on its way, the button lit already) it lists the tag under the
cursor again.

A sample the sampler cut (``active["sampler"]["warnings"]``) has its words on the status line while it is
selected (device/ui/faults.py).  Rows show file names, with enough of the path where two share one
(device/ui/sample_names.row_labels: "Kit3/Kick.wav")."""
from __future__ import annotations

import time
from typing import Any, Callable

from device.control import msg
from device.ui import draw as D
from device.ui.data import NO_TAG, Sample
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.focus import ButtonFocus, pressed, turned
from device.ui.faults import cut_sample, sample_label, slot_warnings, warning_lines
from device.ui.sample_names import path_tail, row_labels  # noqa: F401  (re-exported)
from device.ui.pages.base import ListDrag, Message, hit, scroll_window
from device.ui.pages.library_alike import alike_samples
from device.ui.pages.library_buttons import BUTTONS, HOME, button_rects, press_button
from device.ui.pages.library_draw import BUTTONS_W, COMPACT_BELOW, ROW, LibraryDrawing  # noqa: F401  (re-exported)
from device.ui.pages.library_fixers import CorrectionOwners
from device.ui.pages.library_words import back_words, log_retag, tag_counts
from device.ui.library_tagger import known_tagger_tags
from hatbox.errors import first_line

PAGE = 200                                   # samples read at a time; more when the selection reaches the end
BUSY_S = 1.0                                 # s a list may take before the page says the library is busy
READING = ("reading the library...",)
BUSY = ("library busy (being tagged?), waiting for it...", "library busy, waiting...", "library busy")

Shown = tuple[dict[str, int], str | None, list[Sample] | None]   # tag counts, the tag read, its samples


class LibraryPage(LibraryDrawing):
    title = "Library"
    tab_short = "Lib"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.tag_counts: dict[str, int] = {}
        self.tag = 0
        self.samples: list[Sample] = []
        self.sample = 0
        self.similar_to: str | None = None
        self.tag_rows: list[Any] = []
        self.sample_rows: list[Any] = []
        self._labels: tuple[tuple[str, ...], list[str]] = ((), [])     # the sample list's paths, their row labels
        self.play_btn: Any = None
        self.more_btn: Any = None
        self.retag_btn: Any = None
        self.retag: Sample | None = None     # the sample waiting for its new tag
        self.tagger_had: list[str] | None = None   # ... the tags the tagger gave it (None: not known)
        self.drag = ListDrag()                # a finger dragging the tags or the samples along
        self._tapped_tag: str | None = None   # in retag mode, the tag a finger went down on (chosen on its up)
        self.pending: set[str] | None = None  # multi-label libraries: the tags being chosen for it
        self.before: set[str] = set()         # ... and the ones it had
        self.reviewing = False               # the sample list is the "unsure" list
        self.unsure_btn: Any = None
        self._review_ticket = -1               # the request that asked for the "unsure" list (a ticket)
        self.status_at: tuple[int, int] = (0, 0)
        self.status_w = 0                      # px the status line may take
        self.sample_area: Any = None           # where the sample rows go (an empty list says so there)
        self._stale = False                    # the tag moved (encoder 1) and its samples are not asked for yet
        self._asked = 0                        # the last request made of the library (a ticket)
        self._answered = 0                     # the last one answered (shown, or failed)
        self._quiet = False                    # the request on its way leaves the list on screen usable
        self._since = 0.0                      # when it was made (time.monotonic)
        self.read_error = ""                   # why the last read of the library failed ("" when it worked)
        self.played: set[str] = set()          # the paths of the samples played from this page
        self.focus = ButtonFocus(BUTTONS, HOME)  # the button encoder 4's press does (library_buttons.py)
        self.owners = CorrectionOwners()         # who made each correction listed (read with the samples)

    @property
    def tags(self) -> list[str]:
        return list(self.tag_counts)

    # -- the library, off the frame loop -----------------------------------------------
    def loading(self) -> bool:
        """The list on screen is not the one last asked for (that one is on its way): its rows are
        hidden and nothing acts on them."""
        return self._stale or (self._asked != self._answered and not self._quiet)

    def _ask(self, job: Callable[[], Any], show: Callable[[Any], None], *, quiet: bool = False,
             failed: Callable[[], None] | None = None) -> None:
        """Run ``job`` (it reads the library) on the context's reader; ``show(result)`` runs on the
        panel's thread, unless the page asked for something else meanwhile (the latest wins).  An
        error is shown instead (after ``failed()``).  Until then the page is loading, unless
        ``quiet`` (a refresh, a sample's tags: the list on screen stays as it is)."""
        self._asked += 1
        ticket, self._quiet, self._since = self._asked, quiet, time.monotonic()

        def done(value: Any, error: BaseException | None) -> None:
            if ticket != self._asked:
                return                                   # a newer request is on its way
            self._answered = ticket
            self.read_error = "" if error is None else first_line(error)
            if error is None:
                show(value)
            else:
                if failed is not None:
                    failed()
                self.ctx.fail(error)
            self._relayout()

        self.ctx.reader.submit(job, done)
        self._relayout()

    def _forget(self) -> None:
        """Answers on their way are for a list no longer wanted: they are dropped when they come."""
        self._asked += 1

    def _relayout(self) -> None:
        """Lay the page out again (rows follow the list and whether it is loading)."""
        if self.rect is not None:
            self.layout(self.rect)

    def _list(self, samples: list[Sample], *, similar_to: str | None = None, reviewing: bool = False,
              at: int = 0) -> None:
        """Show ``samples`` with the sample ``at`` selected, and the mode that list belongs to: the tag
        under the cursor (the default), "more like this" ``similar_to`` a sample, or the "unsure"
        list (``reviewing``).  Every list shown goes through here, so the buttons and the status line
        always name the list on screen."""
        self.samples, self.sample = samples, min(max(0, at), max(0, len(samples) - 1))
        self.similar_to, self.reviewing = similar_to, reviewing

    def _browse(self, samples: list[Sample]) -> None:
        """Show ``samples`` (of the tag under the cursor) from the first."""
        self._list(samples)

    def _clear(self) -> None:
        """The list asked for did not come: show none rather than another tag's."""
        self._list([])

    # -- what is read --------------------------------------------------------------------
    def enter(self) -> None:
        """Read the tag counts and the samples of the tag under the cursor."""
        data, at = self.ctx.data, self.tag
        self._stale = False

        def job() -> tuple[dict[str, int], int, list[Sample]]:
            counts = tag_counts(data)
            i = min(at, max(0, len(counts) - 1))
            return counts, i, self._read(data, list(counts)[i], PAGE) if counts else []

        def show(result: tuple[dict[str, int], int, list[Sample]]) -> None:
            self.tag_counts, self.tag, samples = result
            self._browse(samples)

        self._ask(job, show)

    def refresh(self) -> None:
        """Re-read the tag counts (a library being tagged grows); the tag and sample under the
        cursor stay selected.  A "more like this" or "unsure" list is left as it is.  Nothing is
        asked while another request is on its way (it brings what is new)."""
        self._sync()
        if self._asked != self._answered:
            return
        data, before, at = self.ctx.data, dict(self.tag_counts), self.tag
        current = self.tags[self.tag] if self.tags else None
        browsing = self.similar_to is None and not self.reviewing
        limit = max(len(self.samples), PAGE)                  # as far as the list had been read

        def job() -> Shown:
            counts = tag_counts(data)
            if counts == before or not browsing:
                return counts, None, None
            if not counts:
                return counts, None, []
            name = current if current in counts else list(counts)[min(at, len(counts) - 1)]
            return counts, name, self._read(data, name, limit)

        self._ask(job, self._refreshed, quiet=True)

    def _refreshed(self, result: Shown) -> None:
        """New tag counts, and the list of the tag under the cursor read again (None: kept)."""
        counts, name, samples = result
        if counts == self.tag_counts:
            return
        current = self.tags[self.tag] if self.tags else None
        self.tag_counts = counts
        self.tag = self.tags.index(current) if current in counts else min(self.tag, max(0, len(counts) - 1))
        if samples is None:
            return
        if name is not None:
            self.tag = self.tags.index(name)
        path = self.samples[self.sample].path if 0 <= self.sample < len(self.samples) else None
        self._browse(samples)
        paths = [s.path for s in samples]
        if path in paths:
            self.sample = paths.index(path)

    def _load_tag(self) -> None:
        """Ask for the first :data:`PAGE` samples of the tag under the cursor."""
        self.similar_to, self.reviewing, self._stale = None, False, False
        name, data = (self.tags[self.tag] if self.tags else None), self.ctx.data
        self._ask(lambda: self._read(data, name, PAGE) if name is not None else [], self._browse, failed=self._clear)

    def _sync(self) -> bool:
        """Ask for the samples of the tag the encoder turned to, once for all the detents since the
        last frame (one query, not one per detent); True when it asked."""
        if not self._stale:
            return False
        self._load_tag()
        return True

    def _read(self, data: Any, name: str, limit: int | None) -> list[Sample]:
        """The first ``limit`` samples of tag ``name`` (on the reader), with who made their corrections."""
        return self.owners.read(data.samples(name, limit))

    def total(self) -> int:
        """How many samples the tag on screen has (the list reads them :data:`PAGE` at a time)."""
        if self.similar_to is not None or self.reviewing or not self.tags:
            return len(self.samples)
        return max(len(self.samples), self.tag_counts.get(self.tags[self.tag], 0))

    def _step_sample(self, delta: int) -> None:
        """Move the selection; past the last sample read, ask for the next :data:`PAGE` and select
        there when they come (else wrap)."""
        if not self.samples or self.loading():
            return
        want = self.sample + delta
        if want >= len(self.samples) and len(self.samples) < self.total():
            name, limit, data = self.tags[self.tag], len(self.samples) + PAGE, self.ctx.data

            def show(more: list[Sample]) -> None:
                if len(more) > len(self.samples):
                    self.samples = more
                self.sample = want % len(self.samples) if self.samples else 0
                self._pick()

            self._ask(lambda: self._read(data, name, limit), show)
            return
        self.sample = want % len(self.samples)
        self._pick()

    def _pick(self) -> None:
        """The selected sample, chosen by the musician (turned to, tapped, played), is the Kit page's pick."""
        if not self.loading() and 0 <= self.sample < len(self.samples):
            self.ctx.state.picked = self.samples[self.sample].path

    # -- events -----------------------------------------------------------------------
    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn) and event.index == 0 and self.tags:
            self._tag_cursor((self.tag + event.delta) % len(self.tags))
            return []
        if isinstance(event, Touch) and event.kind == "move" and self.drag.which == "tags":
            at = self.drag.follow(event, ROW, len(self.tags))          # a finger dragged along the tags
            if at is not None and at != self.tag:
                self._tag_cursor(at)
            return []
        self._sync()
        if isinstance(event, EncoderTurn) and event.index == 1 and self.samples:
            self._step_sample(event.delta)
        elif isinstance(event, EncoderPress) and event.pressed and event.index == 0 and self.retag and self.tags:
            self._choose(self.tags[self.tag])
        elif isinstance(event, EncoderPress) and event.pressed and event.index == 1:
            return self._audition()
        elif pressed(event):
            return press_button(self, self.focus.at)
        elif turned(event):
            self.focus.turn(turned(event))
        elif isinstance(event, EncoderPress) and event.pressed and event.index == 2:
            self._more_like_this()
        elif isinstance(event, Touch) and event.kind == "down":
            return self._tap(event)
        elif isinstance(event, Touch) and event.kind == "move" and self.drag.which == "samples":
            at = self.drag.follow(event, ROW, len(self.samples))       # a finger dragged along the samples
            if at is not None and at != self.sample:
                self._step_sample(at - self.sample)
        elif isinstance(event, Touch) and event.kind == "up":
            chosen, tapped = self._tapped_tag, self.drag.end(event)
            self._tapped_tag = None
            if tapped and chosen is not None and self.retag is not None and chosen in self.tags:
                self._choose(chosen)            # in retag mode a tag is chosen by a tap, so a drag can scroll
        return []

    def _tag_cursor(self, at: int) -> None:
        """Put the tag cursor on tag ``at`` (encoder 1, a drag): its samples are asked for at the next frame or the
        next event that needs them, once for all the steps since; a retag waiting keeps its sample."""
        self.tag = at
        self.similar_to, self.reviewing = None, False
        self._stale = True
        self._forget()

    def leave(self) -> None:
        self.drag, self._tapped_tag = ListDrag(), None
        self.focus.reset()

    def _tap(self, touch: Touch) -> list[Message]:
        x, y = touch.x, touch.y
        first_tag = scroll_window(self.tag, len(self.tags), len(self.tag_rows))
        for i, r in enumerate(self.tag_rows):
            if hit(r, x, y):
                if self.retag is not None:      # chosen when the finger comes up without dragging
                    self._tapped_tag = self.tags[first_tag + i]
                else:
                    self.tag = first_tag + i
                    self._load_tag()
                self.drag.start(touch, "tags", self.tag)
                return []
        first = scroll_window(self.sample, len(self.samples), len(self.sample_rows))
        for i, r in enumerate(self.sample_rows):
            if hit(r, x, y):
                self.sample = first + i
                self.drag.start(touch, "samples", self.sample)
                return self._audition()
        tapped = [name for name, r in button_rects(self).items() if hit(r, x, y)]
        return press_button(self, tapped[0]) if tapped else []

    def review_on(self) -> bool:
        """The "unsure first" button is on: the unsure list is on screen, or on its way (the last
        request made, not answered yet)."""
        asking = self._review_ticket == self._asked and self._asked != self._answered
        return self.reviewing or asking

    def _toggle_review(self) -> None:
        """The "unsure first" button: the unsure list, or when it is on (:meth:`review_on`) the
        samples of the tag under the cursor again, from the first (the unsure list on its way is
        dropped when it comes)."""
        if self.review_on():
            self._load_tag()
        else:
            self._review()

    def _review(self) -> None:
        """Ask for the samples the tagger was least sure of, least sure first."""
        def show(samples: list[Sample]) -> None:
            self._list(samples, reviewing=True)
            if not samples:
                self.ctx.state.say("nothing left to check")

        self._ask(self.ctx.data.unsure, show)
        self._review_ticket = self._asked

    def _toggle_retag(self) -> None:
        """Retag mode on for the selected sample (once its tags are read), or off again; in a
        multi-label library, off saves the tags chosen when they changed."""
        if self.retag is not None:
            moving, chosen, self.retag, self.pending = self.retag, self.pending, None, None
            if chosen is not None and chosen != self.before:
                if chosen:
                    self._save(moving, sorted(chosen))
                else:
                    self.ctx.state.say("a sample keeps at least one tag: nothing changed")
            return
        if not self.samples or self.loading():
            return
        sample, data = self.samples[self.sample], self.ctx.data

        def show(found: tuple[tuple[list[str], bool], list[str] | None]) -> None:
            (tags, multi), self.tagger_had = found
            self.retag, self.before = sample, set(tags)
            self.pending = set(tags) if multi else None

        self._ask(lambda: (data.file_tags(sample.path), known_tagger_tags(data, sample.path)), show, quiet=True)

    def _choose(self, tag: str) -> None:
        """A tag tapped in retag mode: the sample moves there (one tag per file), or the tag is added to
        or taken from the ones being chosen (multi-label).  The row of files with no tag is not a tag to give."""
        if tag == NO_TAG:
            self.ctx.state.say(f"{NO_TAG} lists the files the tagger gave no tag: pick a tag to give it",
                               "pick a tag to give it")
            return
        if self.pending is None:
            self._move_to(tag)
        else:
            self.pending ^= {tag}

    def undoable(self) -> bool:
        """Retag mode on a sample that carries a correction (yours, or a laptop's): "unsure first" reads "tagger's
        tags" and gives it back to the tagger (p57 QA_B 6: a retag undone by hand stayed a correction, "yours",
        that trains the next pack); only where the tagger's own tags are known and not none (p57 R1 2: a file the
        tagger gave none was left with no tag, on no list, out of the panel's reach)."""
        return self.retag is not None and self.retag.corrected and bool(self.tagger_had)

    def _back_to_tagger(self) -> None:
        """"tagger's tags": the waiting sample's correction goes (set_tags with no tags, as `hatbox library fix
        --clear`), and it shows under the tagger's own tags again, with its score."""
        moving, self.retag, self.pending = self.retag, None, None
        if moving is not None:
            self._save(moving, [])

    def _move_to(self, tag: str) -> None:
        """Give the waiting sample ``tag`` (replacing its tags), then show that tag with it first."""
        moving, self.retag = self.retag, None
        if moving is not None:
            self._save(moving, [tag])

    def _save(self, moving: Sample, tags: list[str]) -> None:
        """Write ``tags`` as the sample's own (a write, never dropped; none: the tagger's again), then show it under
        the tag on screen if it kept that one, else its first (the "unsure" list stays, the next sample moving up)."""
        data, wrote, by = self.ctx.data, [], self.owners.by.get(moving.path, "")    # whose correction it was

        def write() -> None:
            data.set_tags(moving.path, tags)
            self.owners.forget(moving.path)         # made on the panel: no laptop's correction now
            wrote.append(True)
            log_retag(moving.path, tags, by)        # in changes.log, as a laptop's fix is (p57 QA_C 7)

        def written(_: Any, error: BaseException | None) -> None:
            if error is not None:
                self.ctx.fail(error)
            elif tags:
                self.ctx.state.say(f"{moving.name} -> {', '.join(tags)}")
            else:
                self.ctx.state.say(*back_words(moving.name, by))

        self.ctx.reader.submit(write, written, write=True)
        current = self.tags[self.tag] if self.tags else None
        reviewing, at = self.reviewing, self.sample

        def job() -> Shown | None:
            if not wrote:                            # the write failed: the list stays
                return None
            counts = tag_counts(data)
            if reviewing:
                return counts, None, data.unsure()
            now = tags or data.file_tags(moving.path)[0]        # (given back: the tagger's)
            keep = current if current in now else now[0] if now else None
            name = keep if keep in counts else next(iter(counts), None)
            return counts, name, self._read(data, name, PAGE) if name is not None else []

        def show(result: Shown | None) -> None:
            if result is None:
                return
            counts, name, samples = result
            self.tag_counts, samples = counts, samples or []
            if reviewing:                            # stay on the list: the next unsure sample moves up
                self._list(samples, reviewing=True, at=at)
                self._pick()                         # the Kit page's pick is the sample selected here, as shown
                if not samples:
                    self.ctx.state.say("nothing left to check")
                return
            self.tag = self.tags.index(name) if name is not None else 0
            self._browse(samples)
            paths = [s.path for s in samples]
            self.sample = paths.index(moving.path) if moving.path in paths else 0

        self._ask(job, show)

    def _audition(self) -> list[Message]:
        if self.loading() or not 0 <= self.sample < len(self.samples):
            return []
        path = self.samples[self.sample].path
        self.played.add(path)
        self._pick()
        return [msg("sample", path=path, velocity=100)]

    def cut_words(self) -> tuple[str, ...] | None:
        """What the status line says of the selected sample when it was played from here and the
        sampler cut it (its warning in the engine status names the file by its last two path parts,
        :func:`sample_label`, so Kit3/Kick.wav's warning is not Kit7/Kick.wav's; :func:`warning_lines`,
        longest first), else None."""
        if self.loading() or not 0 <= self.sample < len(self.samples):
            return None
        sample = self.samples[self.sample]
        if sample.path not in self.played:
            return None
        said = [t for t in slot_warnings(self.ctx.state.status) if cut_sample(t) == sample_label(sample.path)]
        return warning_lines(said[-1]) if said else None

    def _more_like_this(self) -> None:
        """Ask for the samples nearest the selected one; they list under it when they come."""
        if not self.samples or self.loading():
            return
        ref, data = self.samples[self.sample], self.ctx.data

        def show(similar: list[Sample]) -> None:
            if similar:                              # a list of its own: no longer the "unsure" one
                self._list([ref, *similar], similar_to=ref.name)
            else:
                self.ctx.state.say(f"nothing like {ref.name} in the library")

        self._ask(lambda: alike_samples(data, ref), show)      # on the laptop's scale (p51)

    def _waiting(self) -> tuple[str, ...]:
        """What the page says while the list it asked for is on its way (longest wording first)."""
        return READING if time.monotonic() - self._since < BUSY_S else BUSY

    def _waiting_colour(self) -> tuple[int, int, int]:
        """Dim while reading, the accent once the library is busy."""
        return D.DIM if self._waiting() is READING else D.ACCENT
