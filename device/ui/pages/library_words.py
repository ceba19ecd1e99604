"""What the Library page (device/ui/pages/library.py) says in words: its status line under the samples, the
sample column with nothing listed, the page with no tags.  Each is a tuple of wordings, longest first (the page
shows the first that fits: portrait is narrow), with its colour where it has one.  Functions of the page, so that
they read what it shows now; they change nothing."""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from device.library.closeness import alike_text
from device.ui import draw as D
from device.ui.data import Shelved
from device.ui.pages.library_alike import near_of
from device.ui.pages.library_fixers import held_as
from hatbox.text import count_words

Colour = tuple[int, int, int]
NO_LIBRARY = ("no tagged library on the box",)
NO_LIBRARY_HINTS = ("send a folder of samples from the laptop: hatbox push-library FOLDER",
                    "hatbox push-library FOLDER")


class Counts(dict):  # type: ignore[type-arg]
    """Tag -> files as the page lists them (:func:`files_first`), with the libraries on the box (``shelf``: those
    not tagged yet say so where no tags are); two are equal only when their libraries are too, so a refresh shows
    a tagging's progress even while its counts stand still."""

    def __init__(self, counts: dict[str, int], shelf: tuple[Shelved, ...] = ()) -> None:
        super().__init__(counts)
        self.shelf = shelf

    def __eq__(self, other: object) -> bool:
        return dict.__eq__(self, other) and self.shelf == getattr(other, "shelf", self.shelf)

    __hash__ = None  # type: ignore[assignment]


def tag_counts(data: Any) -> Counts:
    """The tag counts and libraries of ``data`` (a PanelData; on the page's reader: this reads the libraries)."""
    shelf = tuple(data.shelf()) if hasattr(data, "shelf") else ()
    return Counts(files_first(data.tags()), shelf)


def shelf_words(lib: Shelved) -> tuple[str, ...]:
    """What is said of a library whose tags are not all there (longest first): waiting for a tagger, being tagged
    ("tagging 3 of 9"), stopped part way, or not tagged and why not; () for one tagged."""
    n, name = count_words(lib.files, "file"), lib.name[:24]
    if lib.state == "waiting":
        return (f"{name} ({n}) is waiting for a tagger: activate one on Models",
                f"{name} is waiting for a tagger: activate one on Models", "waiting for a tagger: see Models")
    if lib.state == "tagging":
        return (f"{name}: tagging {lib.done} of {n}...", f"tagging {lib.done} of {lib.files}")
    if lib.state == "cancelled":
        return (f"{name}: tagging stopped at {lib.done} of {n}", f"tagging stopped at {lib.done} of {lib.files}")
    if lib.state in ("failed", "untagged"):
        return (f"{name} ({n}) could not be tagged", f"{name} could not be tagged", "could not be tagged")
    return ()


def unread_words(shelf: tuple[Shelved, ...]) -> tuple[str, ...]:
    """The files of the libraries on the box that were not tagged, counted over all of them (longest first; () for
    none): those that could not be read (refused when sent, or not decoded) apart from those read fine that hold
    nothing to tag (silent, too short), with the library they are in, or how many libraries (p46 QA: "2 files could
    not be read" named no library, and the 2 were silent.wav and a file one sample long, read fine)."""
    held = [lib for lib in shelf if lib.unread or lib.skipped]
    if not held:
        return ()
    unread, skipped = sum(lib.unread for lib in held), sum(lib.skipped for lib in held)
    where = held[0].name[:24] if len(held) == 1 else count_words(len(held), "library", "libraries")
    long = ([f"{count_words(unread, 'file')} could not be read"] if unread else []) \
        + ([f"{count_words(skipped, 'file')} skipped as silent or too short"] if skipped else [])
    short = ([f"{unread} unreadable"] if unread else []) + ([f"{skipped} silent/short"] if skipped else [])
    if len(held) > 1:
        return f"{', '.join(long)}, in {where}", f"{', '.join(short)} ({where})", ", ".join(short)
    return f"{where}: {', '.join(long)}", f"{where}: {', '.join(short)}", ", ".join(short)


def pressing(shelf: tuple[Shelved, ...]) -> Shelved | None:
    """The library the page tells of first: one being tagged, else waiting for a tagger, else not tagged whole."""
    for states in (("tagging",), ("waiting",), ("cancelled", "failed", "untagged")):
        found = [lib for lib in shelf if lib.state in states]
        if found:
            return found[0]
    return None


def shelf_of(page: Any) -> tuple[Shelved, ...]:
    return getattr(page.tag_counts, "shelf", ())


def files_first(counts: dict[str, int]) -> dict[str, int]:
    """Tag -> files, the tags that hold files first (in their order), then those none holds yet, which the list keeps
    for a retag to offer (QA: the page opened on "cymbal 0", the first tag alphabetically; with a 120-tag tagger 121
    of 126 rows were empty, and the encoder spent most detents on them)."""
    return {**{t: n for t, n in counts.items() if n}, **{t: n for t, n in counts.items() if not n}}


def status_words(page: Any) -> tuple[tuple[str, ...], Colour] | None:
    """The status line: the list on its way, a retag waiting (the tags chosen so far in a multi-label library), the
    sampler's words for a sample it cut, what a "more like this" or "unsure" list is, else where the selection is in
    the tag's samples; None with nothing to say."""
    if page.loading():
        return page._waiting(), page._waiting_colour()
    if page.retag is not None and page.pending is not None:
        chosen = " + ".join(sorted(page.pending)) or "no tag"
        return (f"{page.label(page.retag)[:20]}: {chosen} (tap tags, then save)",
                f"{chosen} (tap tags, then save)", chosen), D.ACCENT
    if page.retag is not None and page.undoable():      # yours or a laptop's: the way back is said
        name = page.label(page.retag)
        return (f"retag {name[:28]}: tap its tag, or tagger's tags to undo the correction",
                f"retag {name[:28]}: tap its tag, or tagger's tags", "tap its tag, or tagger's tags",
                "tap its tag"), D.ACCENT
    if page.retag is not None:
        name = page.label(page.retag)
        return (f"retag {name[:28]}: tap its tag (drag the tags, or turn knob 1, for more)",
                f"retag {name[:28]}: tap its tag", f"retag {name[:12]}: tap its tag", "tap its tag"), D.ACCENT
    if (cut := page.cut_words()) is not None:
        return cut, D.ACCENT
    if page.similar_to:
        like = page.label(page.samples[0]) if page.samples and page.samples[0].name == page.similar_to \
            else page.similar_to                 # a "more like this" list starts with the sample it is like
        return like_status(page, like), D.DIM
    if page.reviewing:
        return ("least sure first: play, then retag the wrong ones", "least sure first"), D.DIM
    if page.samples:
        n, shown, total = page.sample + 1, len(page.samples), page.total()
        more = f" ({shown} read, more as you scroll)" if shown < total else ""
        return (*_with_shelf(f"sample {n} of {total}{more}", shelf_of(page), f"sample {n} of {total}"),
                f"{n} of {total}"), D.DIM
    return None


def _with_shelf(position: str, shelf: tuple[Shelved, ...], short: str = "") -> tuple[str, ...]:
    """``position`` ("sample 3 of 12 (200 read, ...)") with, after it, a library not tagged yet, else the files not
    tagged (:func:`unread_words`), longest first: each wording after ``position``, then after ``short`` ("sample 3 of
    12"), so the library's words give way to the position's detail first; ``position`` alone last."""
    lib = pressing(shelf)
    more = shelf_words(lib) if lib is not None else unread_words(shelf)
    heads = [position, short] if short and short != position else [position]
    return (*(f"{head} - {m}" for m in more for head in heads), position)


def nothing_listed(page: Any) -> tuple[str, ...]:
    """What the sample column says when the list on screen is empty: a tag with no files (yet: a library being
    tagged), an "unsure" list with nothing left, or a read that failed."""
    if page.reviewing:
        return ("nothing left to check", "nothing to check")
    if page.read_error:
        return (f"could not read the samples ({page.read_error})", "could not read the samples")
    tag = page.tags[page.tag] if 0 <= page.tag < len(page.tags) else ""
    return (f"no samples tagged {tag} yet", "no samples in this tag yet", "no samples yet")


def empty_words(page: Any) -> tuple[tuple[str, ...], Colour]:
    """What the page says while it has no tags, and in which colour: the library on its way, unreadable (the page's
    refresh asks again every few seconds), or none (:data:`NO_LIBRARY`, with :data:`NO_LIBRARY_HINTS` under it)."""
    if page.loading():
        return page._waiting(), page._waiting_colour()
    if page.read_error:
        return (f"could not read the library ({page.read_error}), retrying...",
                "could not read the library, retrying...", "library unreadable, retrying..."), D.BAD
    lib = pressing(shelf_of(page))
    if lib is not None:
        return shelf_words(lib), D.BAD if lib.state in ("failed", "untagged") else D.ACCENT
    return NO_LIBRARY, D.DIM


def empty_hint(page: Any, lines: tuple[str, ...]) -> tuple[str, ...]:
    """The line under :func:`empty_words`' ``lines``: what to do with no library, why one could not be tagged, else
    the files none could read and the other libraries waiting; () for nothing."""
    if lines is NO_LIBRARY:
        return NO_LIBRARY_HINTS
    shelf = shelf_of(page)
    lib = pressing(shelf)
    if lib is None or page.loading() or page.read_error:
        return ()
    if lib.error and lib.state in ("failed", "untagged"):
        return (lib.error,)
    others = sum(1 for x in shelf if x is not lib and x.state in ("tagging", "waiting"))
    to_tag = f"{count_words(others, 'more library', 'more libraries')} to tag" if others else ""
    said = tuple("; ".join(w for w in (words, to_tag) if w) for words in unread_words(shelf) or ("",))
    return said if said != ("",) else ()


def draw_empty(page: Any, surface: Any) -> None:
    """The page with no tags to list: :func:`empty_words` in the middle, :func:`empty_hint` under it."""
    f, rect = page.ctx.fonts, page.rect
    lines, colour = empty_words(page)
    hint = empty_hint(page, lines)
    centre = (rect.centerx, rect.centery - (20 if hint else 0))
    f.draw(surface, D.fit(f, lines, 30, rect.width - 20), centre, 30, colour, "center")
    if hint:
        f.draw(surface, D.fit(f, hint, 22, rect.width - 20), (rect.centerx, rect.centery + 20), 22, D.DIM, "center")


def score_words(sample: Any, alike: bool, reference: bool = False) -> tuple[str, ...]:
    """What a sample row says at its right, longest first: "yours" for the producer's own tag, the tagger's guess
    ("kick / tom?") in the "unsure" list, "this one" for the sample a "more like this" list starts with, else the
    score in words: how sure the tagger is of the tag ("93% sure"), or in a "more like this" list how alike the
    sample sounds (:func:`alike_words`).  The bare figure ("93%") where the row is narrow.  (A bare "0.93" said
    neither, and the two lists' figures mean different things.)"""
    if sample.corrected:
        return ("yours",)
    if sample.guess:
        return (f"{sample.guess}?",)
    if reference:
        return ("this one",)
    if alike:
        return alike_words(sample)
    pct = f"{round(100 * min(max(float(sample.score), 0.0), 1.0))}%"
    return (f"{pct} sure", pct)


def alike_words(sample: Any) -> tuple[str, ...]:
    """How alike a file of a "more like this" list sounds, longest first, on the laptop's and the box's one scale
    (device/library/closeness.py; p51 QA: the page showed the raw cosine as "94% alike" where `hatbox box-library
    --like` said 88): its closeness ("88/100 alike", "88 alike", "88"), or where it has none (a library of under 4
    other files, or all as alike) its cosine as the listings print it ("cosine 0.999", "0.999")."""
    near = near_of(sample)
    if near is None:
        cos = alike_text(None, float(sample.score))
        return (f"cosine {cos}", cos)
    return (f"{near}/100 alike", f"{near} alike", str(near))


def like_status(page: Any, like: str) -> tuple[str, ...]:
    """The status line of a "more like this" list of ``like`` (longest first): with the scale its figures are on
    (:func:`alike_words`), the closeness's or, where none has one, the cosine's."""
    if any(near_of(s) is not None for s in page.samples):
        scale = ("100 = the same to the tagger's ear, 0 = no more alike than its library's middle file",
                 "100 = the same, 0 = like the library's middle file", "100 = the same")
    else:
        scale = ("cosine: 1.000 = the same to the tagger's ear", "cosine: 1.000 = the same")
    return (*(f"like {like} ({words})" for words in scale), f"like {like}", f"like {like[:16]}")


def back_words(name: str, by: str = "") -> tuple[str, ...]:
    """What the tab bar says once ``name``'s correction went back to the tagger's tags, longest first: the player's
    own ("no longer yours"), or the laptop ``by``'s, said as that one's (p57 R1 2: a laptop's deliberate correction
    was removed in words meant for the player's own slip)."""
    if by:
        return (f"{name}: {by}'s correction removed, back to the tagger's tags", f"{name}: {by}'s correction removed",
                "the tagger's tags")
    return f"{name}: back to the tagger's tags (no longer yours)", f"{name}: the tagger's tags", "the tagger's tags"


def log_retag(path: str, tags: list[str], by: str = "") -> None:
    """Log a panel retag, or its correction given back, in box.log and changes.log (:func:`retag_change`)."""
    from device.panel_log import said_change
    said_change(retag_change(path, tags, by))


def retag_change(path: str, tags: list[str], by: str = "") -> str:
    """The change log's words (device/panel_log.py ``said_change``: "panel: ...") for a retag on the panel, as the
    laptop's correction is logged (device/api/library_routes.py: "library ID: FILE tagged snare (a correction)"), and
    for its correction given back to the tagger, saying whose it was (``by``: the laptop's name; "": the panel's own)
    (p57 QA_C 7: neither left a line in changes.log).  ``path``: the sample's file under its library's ``files/``."""
    held = held_as(path) or held_as(path, need_record=False)      # a library whose library.json is not there (yet)
    where = f"library {held[0].name}: {held[1]}" if held is not None else PurePosixPath(path).name
    if tags:
        return f"{where} tagged {', '.join(tags)} (a correction)"
    whose = f"{by}'s" if by else "the panel's"
    return f"{where} back to the tagger's tags ({whose} correction removed)"

