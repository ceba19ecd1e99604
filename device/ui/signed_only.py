"""The panel on a box started with --require-signature (p57 QA_B 2): which packs it will refuse, said before the tap.

Before, the Models page listed four unsigned packs with no mark, each "activate" answered only that the pack was not
signed, and Play sent the player to that page ("pick one on the Models page") where every choice refused.  Now the
Models page marks each pack the box will refuse ("unsigned: refused"), its activate says what to do instead, and
the Effect and Play pages' hint, when every pack of their kind would refuse, says that and what to do (sign one on
the laptop, or start the box without the flag).

Whether a pack is signed by a key the box trusts is checked as the API checks it (device/validate.py
``unsigned_now``: the key in the store's trusted_keys/ now), kept per pack while trusted_keys/ stands still (an
installed pack never changes), by jobs of the panel's reader, off the frame (R2 review 7).
"""
from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any, Callable

from device.store_layout import TRUSTED_KEYS
from device.ui.pages.base import NO_PACK_HINTS
from device.ui.reader import InlineReader, Reader

REFUSED_MARK = ("unsigned: refused", "unsigned")      # a Models row's mark, longest first
SIGNED_ONLY_HINTS = (          # no pack of a page's kind plays on this box: longest first (Play skips the first)
    "this box plays only signed packs; none is signed: sign one on the laptop (hatbox pack sign) or start without "
    "--require-signature",
    "only signed packs play here; none is: sign one (hatbox pack sign) or start without --require-signature",
    "only signed packs play here; none is: hatbox pack sign",
    "only signed packs play here",
)
HINT_KEEP_S = 2.0              # s a page's hint is kept before the store is read again (it is drawn every frame)


def refusal_lines(name: str, version: str) -> tuple[str, ...]:
    """What the Models page says when a pack the box refuses is activated, longest first: what happened, what stays
    and what to do next."""
    full = f"{name} {version}"
    return (f"{full} is not signed by a trusted key: this box plays only signed packs; sign it on the laptop "
            "(hatbox pack sign) and push it, or start the box without --require-signature",
            f"{full} is not signed: sign it (hatbox pack sign) or start without --require-signature",
            f"{name} is not signed: this box plays only signed packs", f"{name} is not signed")


class SignatureMarks:
    """Which of a panel's packs (a device.ui.data.StoreData started with ``require_signature``) its box refuses.

    The checks read each pack whole (device/validate.py ``unsigned_now``: every member hashed, the model too), so
    they run as jobs of the panel's reader (device/ui/reader.py: the worker its store reads use), never on the
    frame (R2 review 7, R1 finding 3): a page draws what is known, and the answer comes at a later frame.  A job the
    reader dropped for a newer read is asked again after :data:`HINT_KEEP_S`."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, tuple[Any, ...]], bool] = {}
        self._hints: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._asked: dict[Any, float] = {}     # what the reader was asked (and when), its answer not in yet

    def refused(self, data: Any, ids: list[str], reader: Reader | None = None,
                then: Callable[[set[str]], None] | None = None) -> set[str]:
        """The ids of ``ids`` known to be refused now: none on a box that plays unsigned packs (or a panel with no
        store: MemoryData).  Those not known yet are checked by ``reader`` (None: at once, here), and ``then`` gets
        the whole answer on the panel's thread once it is in."""
        store = getattr(data, "store", None)
        if not getattr(data, "require_signature", False) or store is None:
            return set()
        stamp = _stamp(store.root / TRUSTED_KEYS)
        self._kept = {k: v for k, v in self._kept.items() if k[1] == stamp}     # a key added or taken out: again
        unknown = tuple(pid for pid in ids if (pid, stamp) not in self._kept)

        def done(found: Any, error: BaseException | None) -> None:
            self._asked.pop(("refused", stamp, unknown), None)
            if error is None:
                self._kept.update({(pid, stamp): bad for pid, bad in found.items()})
                if then is not None:
                    then(self._known(ids, stamp))
        if unknown and self._ask(("refused", stamp, unknown)):
            (reader or InlineReader()).submit(lambda: _unsigned(store, unknown), done)
        return self._known(ids, stamp)

    def _known(self, ids: list[str], stamp: tuple[Any, ...]) -> set[str]:
        return {pid for pid in ids if self._kept.get((pid, stamp))}

    def _ask(self, key: Any) -> bool:
        """Whether to ask the reader ``key`` now (not asked, or asked more than :data:`HINT_KEEP_S` ago: dropped)."""
        now = time.monotonic()
        if now - self._asked.get(key, float("-inf")) <= HINT_KEEP_S:
            return False
        self._asked[key] = now
        return True

    def hints(self, data: Any, kind: str, reader: Reader | None = None) -> tuple[str, ...]:
        """What a page with no ``kind`` pack active tells the player to do, longest first: :data:`NO_PACK_HINTS`,
        or :data:`SIGNED_ONLY_HINTS` where packs of that kind are on the box and every one of them is refused.
        Worked out by ``reader`` (None: at once) every :data:`HINT_KEEP_S` (a page draws it every frame); the last
        answer meanwhile."""
        if not getattr(data, "require_signature", False):
            return NO_PACK_HINTS
        at, kept = self._hints.get(kind, (float("-inf"), NO_PACK_HINTS))
        if time.monotonic() - at > HINT_KEEP_S and self._ask(("hints", kind)):
            def done(found: Any, error: BaseException | None) -> None:
                self._asked.pop(("hints", kind), None)
                if error is None:
                    ids, stamp, checked = found
                    self._kept.update({(pid, stamp): bad for pid, bad in checked.items()})
                    every = bool(ids) and self._known(ids, stamp) == set(ids)
                    self._hints[kind] = (time.monotonic(), SIGNED_ONLY_HINTS if every else NO_PACK_HINTS)
            known = dict(self._kept)
            (reader or InlineReader()).submit(lambda: _kind_refused(data, kind, known), done)
        return self._hints.get(kind, (at, kept))[1]


def _unsigned(store: Any, ids: tuple[str, ...]) -> dict[str, bool]:
    """``{pid: refused}`` of ``ids``, each read whole (a reader's job, off the panel's thread)."""
    from device.validate import unsigned_now
    trusted = store.trusted()
    return {pid: bool(unsigned_now(store, pid, trusted)) for pid in ids}


def _kind_refused(data: Any, kind: str, known: dict[tuple[str, tuple[Any, ...]], bool]
                  ) -> tuple[list[str], tuple[Any, ...], dict[str, bool]]:
    """(the ids of ``data``'s ``kind`` packs, trusted_keys/'s stamp, ``{pid: refused}`` of those not in ``known``):
    a reader's job (the store's packs listed, the unknown ones read whole)."""
    ids = [p.id for p in data.packs() if p.manifest.kind == kind]
    stamp = _stamp(data.store.root / TRUSTED_KEYS)
    unknown = tuple(pid for pid in ids if (pid, stamp) not in known)
    return ids, stamp, _unsigned(data.store, unknown) if unknown else {}


_MARKS: "weakref.WeakKeyDictionary[Any, SignatureMarks]" = weakref.WeakKeyDictionary()


def marks_of(data: Any) -> SignatureMarks:
    """The :class:`SignatureMarks` of the panel's ``data`` (one per data, shared by its pages)."""
    try:
        return _MARKS.setdefault(data, SignatureMarks())
    except TypeError:                  # a data that takes no weak reference: marks of its own each time
        return SignatureMarks()


def no_pack_hints(data: Any, kind: str, reader: Reader | None = None) -> tuple[str, ...]:
    """:meth:`SignatureMarks.hints` of ``data``: the Effect and Play pages' hint with no ``kind`` pack active,
    worked out by the panel's ``reader``."""
    return marks_of(data).hints(data, kind, reader)


def _stamp(folder: Path) -> tuple[Any, ...]:
    """What changes when a key is copied into or taken out of ``folder`` (names, sizes, modification times)."""
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()))
    except OSError:
        return ()
