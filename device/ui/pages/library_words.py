"""What the Library page (device/ui/pages/library.py) says in words: its status line under the samples, the
sample column with nothing listed, the page with no tags.  Each is a tuple of wordings, longest first (the page
shows the first that fits: portrait is narrow), with its colour where it has one.  Functions of the page, so that
they read what it shows now; they change nothing."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D

Colour = tuple[int, int, int]
NO_LIBRARY = ("no tagged library on the box",)
NO_LIBRARY_HINTS = ("send a folder of samples from the laptop: hatbox push-library FOLDER",
                    "hatbox push-library FOLDER")


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
    if page.retag is not None:
        name = page.label(page.retag)
        return (f"retag {name[:28]}: tap its tag (drag the tags, or turn knob 1, for more)",
                f"retag {name[:28]}: tap its tag", f"retag {name[:12]}: tap its tag", "tap its tag"), D.ACCENT
    if (cut := page.cut_words()) is not None:
        return cut, D.ACCENT
    if page.similar_to:
        like = page.label(page.samples[0]) if page.samples and page.samples[0].name == page.similar_to \
            else page.similar_to                 # a "more like this" list starts with the sample it is like
        return (f"like {like}", f"like {like[:16]}"), D.DIM
    if page.reviewing:
        return ("least sure first: play, then retag the wrong ones", "least sure first"), D.DIM
    if page.samples:
        n, shown, total = page.sample + 1, len(page.samples), page.total()
        more = f" ({shown} read, more as you scroll)" if shown < total else ""
        return (f"sample {n} of {total}{more}", f"{n} of {total}"), D.DIM
    return None


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
    return NO_LIBRARY, D.DIM


def score_words(sample: Any, alike: bool, reference: bool = False) -> tuple[str, ...]:
    """What a sample row says at its right, longest first: "yours" for the producer's own tag, the tagger's guess
    ("kick / tom?") in the "unsure" list, "this one" for the sample a "more like this" list starts with, else the
    score in words: how sure the tagger is of the tag ("93% sure"), or in a "more like this" list how alike the
    sample sounds ("81% alike"; cosine similarity, below 0 shown as 0%).  The bare figure ("93%") where the row is
    narrow.  (A bare "0.93" said neither, and the two lists' figures mean different things.)"""
    if sample.corrected:
        return ("yours",)
    if sample.guess:
        return (f"{sample.guess}?",)
    if reference:
        return ("this one",)
    pct = f"{round(100 * min(max(float(sample.score), 0.0), 1.0))}%"
    return (f"{pct} alike" if alike else f"{pct} sure", pct)
