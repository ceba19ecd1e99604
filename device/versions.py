"""The one order of pack versions and of pack lists, shared by the box (device/store.py, device/midi_programs.py), the
panel (device/ui/pages/models.py) and the laptop (`hatbox box-pack`).

Versions are compared part by part, numbers as numbers: ``1.10.0`` is after ``1.2.0`` and ``2.100.0`` after
``2.11.0`` (as text they sort the other way round: the year QA's Models page opened on the oldest of 150 versions).
A pre-release (``1.0.0-rc.1``, after a ``-``) comes before its release, as semver has it; what follows a ``+`` (build
data) only breaks ties.  A part that is not a number sorts after the numbers at its place (semver's rule) and as
text among other text.  Trailing ``.0`` parts do not count: ``1.2`` and ``1.2.0`` are one version.

"Which of two installs came later" is a pack record's ``seq`` (device/store.py, the store's install sequence): the
box's wall clock says nothing reliable on a board with no battery clock (a pack pushed while it read 1970 was the
"oldest"), so no order here reads ``installed`` but as the last tie-break of :func:`newness`.  A record without
``seq`` (installed before the sequence existed) counts as 0: before every pack installed since.  Uploaded sample
libraries keep one sequence of their own (device/api/libraries.py), and "oldest first" among them is
:func:`upload_order`, by the same rule.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")
Part = tuple[int, int, str]          # (0, number, "") for a number, (1, 0, text) for text
VersionKey = tuple[tuple[Part, ...], int, tuple[Part, ...], str]
_SPLIT = re.compile(r"[.\-_]")


def _parts(text: str) -> tuple[Part, ...]:
    """``"1.10.0"`` -> ((0, 1, ""), (0, 10, "")), trailing zero parts dropped; text parts folded to lower case."""
    parts = [(0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in _SPLIT.split(text) if p != ""]
    while parts and parts[-1] == (0, 0, ""):
        parts.pop()
    return tuple(parts)


def version_key(version: object) -> VersionKey:
    """A sort key for a version string: larger is newer (see the module doc).  Any value is taken (``str()``)."""
    text = str(version if version is not None else "").strip().lstrip("vV")
    text, _, build = text.partition("+")
    release, dash, pre = text.partition("-")
    return (_parts(release), 0 if dash else 1, _parts(pre), build)


def folded(name: object) -> str:
    """A name as lists sort and compare it, on the box and the laptop (hatbox/pack_names.py): NFC, any case ("Smäll"
    typed, or as a macOS folder gives it).  None is no name, "", as a record without a name is (``get("name", "")``):
    not the word "none", which a pack without a name would otherwise answer to (and which `box-midi --program N none`
    keeps for clearing a program)."""
    return unicodedata.normalize("NFC", str(name if name is not None else "")).casefold()


def install_seq(pack: dict[str, Any]) -> int:
    """A pack's (or a library's) record's install sequence number (0: installed before the store kept one, or a record
    without it)."""
    seq = pack.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 else 0


def upload_order(library: dict[str, Any]) -> tuple[int, float, str]:
    """A sort key for library records (``library.json``, GET /libraries' items), oldest first: the upload's install
    sequence (``seq``: 1 + the largest of the libraries on the box when it came, device/api/libraries.py), then,
    among libraries uploaded before the sequence existed (all 0: before every library since), the ``uploaded`` wall
    time, then the id.  The wall clock decides nothing between two libraries that have a sequence: a box with no
    battery clock may read 1970 for one upload and 2026 for the next, or the other way round."""
    uploaded = library.get("uploaded")
    when = float(uploaded) if isinstance(uploaded, (int, float)) and not isinstance(uploaded, bool) else 0.0
    return (install_seq(library), when if math.isfinite(when) else 0.0, str(library.get("id", "")))


def newness(pack: dict[str, Any]) -> tuple[int, VersionKey, float]:
    """How new an installed pack record is, to pick "the newest" of several: its install sequence (the later install
    wins), then its version (what decides among packs installed before the sequence existed, all 0); only for two
    such packs of one version (or records of a box that lists neither) the ``installed`` time, the one thing left."""
    installed = pack.get("installed")
    when = float(installed) if isinstance(installed, (int, float)) and not isinstance(installed, bool) else 0.0
    return (install_seq(pack), version_key(pack.get("version")), when)


def newest(packs: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest of ``packs`` (:func:`newness`); None for none."""
    return max(packs, key=newness, default=None)


def in_version_order(items: Iterable[T], name: Callable[[T], object], version: Callable[[T], object],
                     group: Callable[[T], object] = lambda _: "", later: Callable[[T], int] = lambda _: 0) -> list[T]:
    """``items`` by ``group`` (e.g. the kind; as given: str), then name (any case), newest version first within a
    name, ties (one version installed twice, other bytes) by ``later`` (the install sequence), larger first."""
    newest_first = sorted(items, key=lambda i: (version_key(version(i)), later(i)), reverse=True)
    return sorted(newest_first, key=lambda i: (str(group(i)), folded(name(i))))


def packs_in_order(packs: Iterable[dict[str, Any]], by_kind: bool = False) -> list[dict[str, Any]]:
    """Pack records (the store's list, GET /packs) by name, newest version first (:func:`in_version_order`); with
    ``by_kind`` the kinds apart first (effect, synth, tagger: alphabetical)."""
    return in_version_order(packs, lambda p: p.get("name", ""), lambda p: p.get("version", ""),
                            (lambda p: p.get("kind", "")) if by_kind else (lambda _: ""), install_seq)
