"""The panel on a box started with --require-signature (p57 QA_B 2): which packs it will refuse, said before the tap.

Before, the Models page listed four unsigned packs with no mark, each "activate" answered only that the pack was not
signed, and Play sent the player to that page ("pick one on the Models page") where every choice refused.  Now the
Models page marks each pack the box will refuse ("unsigned: refused"), its activate says what to do instead, and
the Effect and Play pages' hint, when every pack of their kind would refuse, says that and what to do (sign one on
the laptop, or start the box without the flag).

Whether a pack is signed by a key the box trusts is checked as the API checks it (device/validate.py
``unsigned_now``: the key in the store's trusted_keys/ now), kept per pack while trusted_keys/ stands still (an
installed pack never changes; reading every pack for each frame would not do).
"""
from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

from device.ui.pages.base import NO_PACK_HINTS

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
    """Which of a panel's packs (a device.ui.data.StoreData started with ``require_signature``) its box refuses."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, tuple[Any, ...]], bool] = {}
        self._hints: dict[str, tuple[float, tuple[str, ...]]] = {}

    def refused(self, data: Any, ids: list[str]) -> set[str]:
        """The ids of ``ids`` the box refuses to play: none on a box that plays unsigned packs (or a panel with no
        store: MemoryData)."""
        store = getattr(data, "store", None)
        if not getattr(data, "require_signature", False) or store is None:
            return set()
        from device.store import TRUSTED_KEYS
        from device.validate import unsigned_now
        stamp, trusted = _stamp(store.root / TRUSTED_KEYS), None
        self._kept = {k: v for k, v in self._kept.items() if k[1] == stamp}     # a key added or taken out: again
        for pid in ids:
            if (pid, stamp) not in self._kept:
                trusted = store.trusted() if trusted is None else trusted
                self._kept[(pid, stamp)] = unsigned_now(store, pid, trusted)
        return {pid for pid in ids if self._kept[(pid, stamp)]}

    def hints(self, data: Any, kind: str) -> tuple[str, ...]:
        """What a page with no ``kind`` pack active tells the player to do, longest first: :data:`NO_PACK_HINTS`,
        or :data:`SIGNED_ONLY_HINTS` where packs of that kind are on the box and every one of them is refused."""
        if not getattr(data, "require_signature", False):
            return NO_PACK_HINTS
        at, kept = self._hints.get(kind, (float("-inf"), NO_PACK_HINTS))
        if time.monotonic() - at > HINT_KEEP_S:
            ids = [p.id for p in data.packs() if p.manifest.kind == kind]
            kept = SIGNED_ONLY_HINTS if ids and self.refused(data, ids) == set(ids) else NO_PACK_HINTS
            self._hints[kind] = (time.monotonic(), kept)
        return kept


_MARKS: "weakref.WeakKeyDictionary[Any, SignatureMarks]" = weakref.WeakKeyDictionary()


def marks_of(data: Any) -> SignatureMarks:
    """The :class:`SignatureMarks` of the panel's ``data`` (one per data, shared by its pages)."""
    try:
        return _MARKS.setdefault(data, SignatureMarks())
    except TypeError:                  # a data that takes no weak reference: marks of its own each time
        return SignatureMarks()


def no_pack_hints(data: Any, kind: str) -> tuple[str, ...]:
    """:meth:`SignatureMarks.hints` of ``data``: the Effect and Play pages' hint with no ``kind`` pack active."""
    return marks_of(data).hints(data, kind)


def _stamp(folder: Path) -> tuple[Any, ...]:
    """What changes when a key is copied into or taken out of ``folder`` (names, sizes, modification times)."""
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()))
    except OSError:
        return ()
