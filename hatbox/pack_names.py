"""Which installed pack a name on the laptop's command line means (`hatbox box-pack NAME`), and how packs are named
in `hatbox box-pack`'s list and answers; the note `hatbox push` gives when the box holds another pack of the same
name and version.

p43 upgrade QA: an old factory ``tagger-drums 0.1.0`` was active and a new factory ``tagger-drums 0.1.0`` (other
bytes) was just pushed; ``hatbox box-pack tagger-drums --activate`` quietly picked the old, active one ("is already
the box's active tagger pack") and the musician took it for the new one.  A name that several packs of one version
share is now refused with their ids (installed when, their held-out scores); a name several versions share still
means the active one (the box's fault line says ``hatbox box-pack NAME --activate``), and which one is said.
"""
from __future__ import annotations

import shlex
import unicodedata
from typing import Any

from device.versions import newness
from hatbox.box_client import _call, _size_words, one_named, safe_text
from hatbox.errors import HatboxError
from hatbox.text import number_words, when_words


def _folded(text: object) -> str:
    """A name as names are compared: NFC, any case ("Smäll" typed, or as a macOS folder gives it)."""
    return unicodedata.normalize("NFC", str(text)).casefold()


def find_pack(packs: list[dict[str, Any]], given: str) -> dict[str, Any]:
    """The pack of ``packs`` (GET /packs) that ``given`` names: its id, the start or the hash at the end of one id, or
    its name (any case: ``mypedal`` for ``effect-mypedal-0.1.0-2d24...``, as `hatbox box-pack` lists it).  Of several
    versions of one name, the active one (the box's fault line says "hatbox box-pack NAME --activate" to turn a
    bypassed pack back on: QA, six versions of it made that command an error), said on a line of its own.
    HatboxError when none does; when several packs of the name share one version (:func:`twins_refused`: their ids,
    when each was installed, its scores); when several others do and none is active (their ids listed)."""
    if any(p.get("id") == given for p in packs):
        return next(p for p in packs if p.get("id") == given)
    named = [p for p in packs if _folded(p.get("name", "")) == _folded(given)]
    active = [p for p in named if p.get("active")]
    pick = active[0] if len(active) == 1 else None
    twins = [p for p in named if pick is not None and _same_release(p, pick)]
    if len(twins) > 1 or (pick is None and len(named) > 1 and all(_same_release(p, named[0]) for p in named)):
        raise twins_refused(given, twins if len(twins) > 1 else named)
    if pick is not None and len(named) > 1:
        others = sorted({safe_text(p.get("version", "?")) for p in named if p is not pick})
        print(f"'{safe_text(given)}' names {len(named)} packs on the box (other versions: {', '.join(others)}): "
              f"using the active one, {safe_text(pick['id'])} ({safe_text(pick.get('version', '?'))})")
        return pick
    return one_named(packs, given, f"packs on the box match '{safe_text(given)}'", "give the id of the one you mean",
                     HatboxError(f"the box has no pack '{safe_text(given)}'",
                                 hint="hatbox box-pack lists the installed packs with their names and ids"),
                     id_starts=True)


def _same_release(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether packs ``a`` and ``b`` have one name (any case) and one version (and kind): a name cannot tell them
    apart, only their ids (their bytes differ).  A box that lists no versions has none alike."""
    return (a.get("version") is not None and _folded(a.get("name", "")) == _folded(b.get("name", ""))
            and a.get("version") == b.get("version") and a.get("kind") == b.get("kind"))


def twins_refused(given: str, twins: list[dict[str, Any]]) -> HatboxError:
    """The refusal of a name ``given`` that several packs of one name and version (``twins``) share: one line per
    pack (:func:`pack_line`: its id, installed when, its scores, active or not), and the command with an id."""
    first = twins[0]
    release = f"{safe_text(first.get('name', given))} {safe_text(first.get('version', '?'))}"
    newest = max(twins, key=newness)                   # the install order, not the box's clock (device.versions)
    lines = "".join(f"\n  {pack_line(p)}" for p in sorted(twins, key=newness))
    return HatboxError(f"{len(twins)} packs on the box are '{release}', with other bytes, and a name cannot tell "
                       f"them apart: nothing was done{lines}",
                       hint=f"give the id of the one you mean, e.g. the newest: hatbox box-pack "
                            f"{shlex.quote(safe_text(newest['id']))} --activate")


def twin_note(client: Any, pack: dict[str, Any], activated: bool) -> None:
    """After `hatbox push` installed ``pack`` (its entry in POST /packs' answer): one ``note:`` line for each other
    pack on the box of the same name, version and kind (other bytes: it has another id), saying when it was
    installed, whether it is the active one, and the command that makes this one active by its id (``activated``:
    this one was made active, and that is said instead).  Nothing when
    the box's list cannot be read: the push itself went through."""
    try:
        packs = _call(client, "GET", "/packs", expect=list)
    except HatboxError:
        return
    pid = safe_text(pack.get("id", "?"))
    for other in packs:
        if not isinstance(other, dict) or other.get("id") == pack.get("id") or not _same_release(other, pack):
            continue
        when = when_words(other.get("installed"))
        said = ", ".join(w for w in (safe_text(other.get("id", "?")), f"installed {when}" if when else "",
                                     "active" if other.get("active") else "") if w)
        what = f"'{safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))}'"
        todo = ("this one is the active one now" if activated
                else f"activate this one by its id: hatbox box-pack {shlex.quote(pid)} --activate")
        print(f"  note: the box holds another {what} ({said}), with other bytes: {todo}")


def pack_words(pack: dict[str, Any]) -> str:
    """How a pack is named in questions and answers: ``pack ID (name version, kind, size)``."""
    return (f"pack {safe_text(pack['id'])} ({safe_text(pack['name'])} {safe_text(pack['version'])}, "
            f"{safe_text(pack['kind'])}, {_size_words(pack['size'])})")


def pack_line(pack: dict[str, Any]) -> str:
    """One installed pack as `hatbox box-pack` lists it: id, name, version, kind, size, when it was installed (two
    trainings of one pedal differ there), its held-out scores, active or not."""
    from device.store import SCORE_WORDS
    when = when_words(pack.get("installed"))
    scores = pack.get("scores") if isinstance(pack.get("scores"), dict) else {}
    said = [f"{words} {number_words(float(scores[k]))}" for k, words in SCORE_WORDS.items()
            if isinstance(scores.get(k), (int, float))]
    size = f", {_size_words(pack['size'])}" if isinstance(pack.get("size"), int) else ""
    return (f"{safe_text(pack['id'])}  {safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))}, "
            f"{safe_text(pack.get('kind', '?'))}{size}" + "".join(f", {w}" for w in said)
            + (f", installed {when}" if when else "") + (", active" if pack.get("active") else ""))
