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
from typing import Any

from device.versions import folded, newness     # folded: names compared as the box lists them
from hatbox.box_client import asked, one_named, safe_text
from hatbox.errors import HatboxError, NotOnBox
from hatbox.pack_who import activated_words
from hatbox.text import size_words, when_words


SHOW = "hatbox box-pack {}"             # the command a refusal's hint repeats, the id in place of the name ("{}")


def find_pack(packs: list[dict[str, Any]], given: str, pick: str = "active", again: str = SHOW) -> dict[str, Any]:
    """The pack of ``packs`` (GET /packs) that ``given`` names: its id, its name (any case: ``mypedal`` for
    ``effect-mypedal-0.1.0-2d24...``, as `hatbox box-pack` lists it), the start of its hash (4 hex digits or more:
    ``2d24``), or the start or the hash at the end of one id.  Of several versions of one name (:func:`_by_name`),
    ``pick`` "active": the active one, none active refused (`box-pack NAME --delete`; the box's fault line says
    "hatbox box-pack NAME --activate" to turn a bypassed pack back on); "active-or-newest": the active one, else the
    newest (`box-pack NAME --activate`), said on a line of their own; "newest": the newest, quietly (`box-midi
    --program N NAME`: the program follows the newest, and the box's answer says so).  HatboxError when none does;
    when several packs of one name share the version picked (:func:`twins_refused`: their ids, when each was
    installed, its scores; its hint is ``again``, the user's own command with "{}" where the name was: p53 QA, a
    hint that always said "--activate" swapped the live effect of a musician who had asked to delete or show one);
    when several ids start with ``given``."""
    if any(p.get("id") == given for p in packs):
        return next(p for p in packs if p.get("id") == given)
    named = [p for p in packs if folded(p.get("name", "")) == folded(given)]
    if len(named) > 1:
        return _by_name(given, named, pick, again)
    hashed = [p for p in packs if _hash_starts(p, given)] if not named else []
    if len(hashed) > 1:
        raise HatboxError(f"{len(hashed)} packs' hashes start with '{safe_text(given)}': "
                          f"{', '.join(safe_text(p['id']) for p in hashed)}", hint="give more of the hash, or the id")
    if hashed:
        return hashed[0]
    return one_named(packs, given, f"packs on the box match '{safe_text(given)}'", "give the id of the one you mean",
                     not_on_box(packs, given), id_starts=True)


def not_on_box(packs: list[dict[str, Any]], given: str) -> NotOnBox:
    """The refusal of ``given``, which names no pack of ``packs``, with "did you mean 'hatbox-drive' (pushed from
    effect-drive.hatpack)?" where a pack file of that name here holds a pack on the box (its bytes, else its
    manifest's name), else the close names (:func:`close_names`).  p47 soak QA: `hatbox push
    factory/effect-drive.hatpack`, then `box-pack effect-drive --activate` said only that the box has no such pack
    (the pack inside is hatbox-drive).  A hint only: the name given never becomes another pack's name."""
    guess = from_file(packs, given)
    names = [guess[0]] if guess else close_names(packs, given)
    said = ", ".join(f"'{safe_text(n)}'" for n in names) + (f" ({safe_text(guess[1])})" if guess else "")
    mean = f": did you mean {said}?" if names else ""
    return NoSuchPack(f"the box has no pack '{safe_text(given)}'", mean,
                      hint="hatbox box-pack lists the installed packs with their names and ids"
                           + (f"; hatbox box-pack {shlex.quote(safe_text(names[0]))} shows that one"
                              if len(names) == 1 else ""))


class NoSuchPack(NotOnBox):
    """:func:`not_on_box`'s refusal: ``alone``, "the box has no pack 'X'", then its guesses (": did you mean ...?").
    A deletion said with it (hatbox.pack_who.deleted_error) takes ``alone``: the guesses are other packs, and the
    deletion followed them as if they were deleted (p57 QA_D 8)."""

    def __init__(self, alone: str, guesses: str, hint: str) -> None:
        super().__init__(alone + guesses, hint=hint)
        self.alone = alone


def from_file(packs: list[dict[str, Any]], given: str) -> tuple[str, str] | None:
    """(the name of a pack on the box, how it came from the file: "pushed from effect-drive.hatpack" for its very
    bytes, "the pack inside effect-drive.hatpack" for a pack of the name its manifest gives) when ``given`` (or
    ``given``.hatpack, here or in factory/) is such a pack file; None otherwise."""
    from pathlib import Path
    base = Path(given) if given.endswith(".hatpack") else Path(f"{given}.hatpack")
    for path in dict.fromkeys([base, Path("factory") / base.name]):
        try:
            if not path.is_file():
                continue
            name, same = _on_box_as(packs, path)
        except (OSError, ValueError, HatboxError):
            continue
        if name:
            return name, f"{'pushed from' if same else 'the pack inside'} {path.name}"
    return None


def _on_box_as(packs: list[dict[str, Any]], path: Any) -> tuple[str, bool]:
    """(the name of the pack of ``packs`` with the bytes of the file at ``path``, True), else (the name its manifest
    gives where one of the box's packs is called so, False); ("", False) for none."""
    from device.store import file_sha256
    from export.pack import manifest_bytes_of, manifest_json
    digest = file_sha256(path)
    same = next((p for p in packs if p.get("sha256") == digest and p.get("name")), None)
    if same is not None:
        return str(same["name"]), True
    found = manifest_json(manifest_bytes_of(path))         # a stranger's pack: nested too deeply is a PackError
    name = found.get("name") if isinstance(found, dict) else None
    known = isinstance(name, str) and any(folded(p.get("name", "")) == folded(name) for p in packs)
    return (str(name), False) if known else ("", False)


def close_names(packs: list[dict[str, Any]], given: str, most: int = 3) -> list[str]:
    """The names of ``packs`` close to ``given``: with a kind's word in front ("effect-drive"), the packs of that
    kind whose name has the rest among its words (hatbox-drive); without, the names that have ``given``'s words
    among theirs ("drums": tagger-drums); else names difflib finds alike (a typo)."""
    import difflib
    import re

    from export.manifest import KINDS          # a pack file's usual name: KIND-NAME.hatpack (effect-drive.hatpack)
    names = list(dict.fromkeys(str(p.get("name")) for p in packs if p.get("name")))
    head, _, rest = folded(given).partition("-")
    kind, words = (head, rest) if head in KINDS and rest else (None, folded(given))
    wanted = set(re.split(r"[-_ .]+", words))
    fits = [str(p["name"]) for p in packs if p.get("name") and kind in (None, p.get("kind"))
            and wanted <= set(re.split(r"[-_ .]+", folded(str(p["name"]))))]
    if fits:
        return list(dict.fromkeys(fits))[:most]
    by_folded = {folded(n): n for n in names}
    return [by_folded[n] for n in difflib.get_close_matches(folded(given), list(by_folded), n=most, cutoff=0.75)]


def _hash_starts(pack: dict[str, Any], given: str) -> bool:
    """Whether ``given`` (4 hex digits or more) starts the hash at the end of ``pack``'s id (or its sha256)."""
    text = given.strip().lower()
    if len(text) < 4 or any(c not in "0123456789abcdef" for c in text):
        return False
    return str(pack.get("id", "")).rsplit("-", 1)[-1].startswith(text) or str(pack.get("sha256", "")).startswith(text)


def _by_name(given: str, named: list[dict[str, Any]], pick: str, again: str = SHOW) -> dict[str, Any]:
    """The one of ``named`` (several packs of the name ``given``) that :func:`find_pack`'s ``pick`` takes (``again``:
    the command a refusal's hint repeats)."""
    active = [p for p in named if p.get("active")]
    chosen = active[0] if len(active) == 1 and pick != "newest" else None
    how = "the active one"
    if chosen is None and pick != "active":
        chosen, how = max(named, key=newness), "the newest"
    twins = [p for p in named if chosen is not None and _same_release(p, chosen)]
    if len(twins) > 1 or (chosen is None and all(_same_release(p, named[0]) for p in named)):
        raise twins_refused(given, twins if len(twins) > 1 else named, again)
    if chosen is None:
        raise HatboxError(f"{len(named)} packs on the box match '{safe_text(given)}': "
                          f"{', '.join(safe_text(p['id']) for p in named)}",
                          hint="give the id of the one you mean (hatbox box-pack lists them)")
    if pick != "newest":
        others = sorted({safe_text(p.get("version", "?")) for p in named if p is not chosen})
        print(f"'{safe_text(given)}' names {len(named)} packs on the box (other versions: {', '.join(others)}): "
              f"using {how}, {safe_text(chosen['id'])} ({safe_text(chosen.get('version', '?'))})")
    return chosen


def release_key(pack: dict[str, Any]) -> tuple[str, str, str] | None:
    """(kind, name folded as the box compares names, version) of ``pack``: packs with one key are twins, which a
    name cannot tell apart, only their ids (their bytes differ).  None for a pack with no version (a box that lists
    no versions): it is no one's twin."""
    if pack.get("version") is None:
        return None
    return str(pack.get("kind")), folded(pack.get("name", "")), str(pack.get("version"))


def twinned(packs: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """The :func:`release_key` that several of ``packs`` share (those packs need their ids to be told apart)."""
    seen: dict[tuple[str, str, str], int] = {}
    for key in filter(None, map(release_key, packs)):
        seen[key] = seen.get(key, 0) + 1
    return {key for key, n in seen.items() if n > 1}


def _same_release(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether packs ``a`` and ``b`` are twins (one :func:`release_key`; none for a pack with no version)."""
    key = release_key(a)
    return key is not None and key == release_key(b)


def twins_refused(given: str, twins: list[dict[str, Any]], again: str = SHOW) -> HatboxError:
    """The refusal of a name ``given`` that several packs of one name and version (``twins``) share: one line per
    pack (:func:`pack_line`: its id, installed when, its scores, active or not), and ``again`` (the user's own
    command, "{}" where the name was: "hatbox box-pack {} --delete") with an id: the newest's, or for a deletion the
    oldest one not active (the box deletes no active pack; a clean-up drops the old twin)."""
    first = twins[0]
    release = f"{safe_text(first.get('name', given))} {safe_text(first.get('version', '?'))}"
    example, which = _example(twins, " --delete" in again)
    lines = "".join(f"\n  {pack_line(p)}" for p in sorted(twins, key=newness))
    return HatboxError(f"{len(twins)} packs on the box are '{release}', with other bytes, and a name cannot tell "
                       f"them apart: nothing was done{lines}",
                       hint=f"give the id of the one you mean, e.g. {which}: "
                            + again.format(shlex.quote(safe_text(example['id']))))


def _example(twins: list[dict[str, Any]], deleting: bool) -> tuple[dict[str, Any], str]:
    """(the twin a refusal's hint names, how: "the newest"): the newest (the install order, not the box's clock:
    device.versions); for a deletion the oldest not active ("the oldest not active")."""
    idle = [p for p in twins if not p.get("active")]
    if deleting and idle:
        return min(idle, key=newness), "the oldest not active"
    return max(twins, key=newness), "the newest"


def twin_note(client: Any, pack: dict[str, Any], activated: bool) -> None:
    """After `hatbox push` installed ``pack`` (its entry in POST /packs' answer): one ``note:`` line when other packs
    on the box have its name, version and kind (other bytes: other ids), however many: the one other said with its
    id, when it was installed and whether it is active; several counted, their short ids (:func:`short_id`) listed
    when they are few (p53 QA: a sixth push printed five lines with one tail); and the command that makes this one
    active by its id (``activated``: this one was made active, and that is said instead).  Nothing when the box's
    list cannot be read: the push itself went through."""
    packs = asked(client, "/packs", list)
    if packs is None:
        return
    others = [o for o in packs if isinstance(o, dict) and o.get("id") != pack.get("id") and _same_release(o, pack)]
    if not others:
        return
    what = f"'{safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))}'"
    todo = ("this one is the active one now" if activated
            else f"activate this one by its id: hatbox box-pack {shlex.quote(safe_text(pack.get('id', '?')))} "
                 "--activate")
    head = f"another {what} ({_other_words(others[0])})" if len(others) == 1 else \
        f"{len(others)} other {what} packs ({_others_words(others)})"
    print(f"  note: the box holds {head}, with other bytes: {todo}")


def _other_words(other: dict[str, Any]) -> str:
    """"effect-my-amp-0.1.0-3535ee245dc9, installed 2 h ago by laptopA, active": the one other pack of a release."""
    when = when_words(other.get("installed"))
    when = f"installed {when}{_by(other)}" if when else ""
    return ", ".join(w for w in (safe_text(other.get("id", "?")), when, "active" if other.get("active") else "") if w)


def _others_words(others: list[dict[str, Any]], most: int = 3) -> str:
    """"3535ee245dc9 (active), 7d375cfd1eb5" for a few other packs of a release (oldest first); more than ``most``:
    which is active and where they are listed."""
    if len(others) <= most:
        return ", ".join(short_id(o) + (" (active)" if o.get("active") else "") for o in sorted(others, key=newness))
    active = next((o for o in others if o.get("active")), None)
    said = f"{short_id(active)} active among them; " if active else ""
    return f"{said}hatbox box-pack lists them with their ids"


def short_id(pack: dict[str, Any]) -> str:
    """The short form of ``pack``'s id that `hatbox box-pack` also takes: the hash at its end (``3535ee245dc9`` of
    effect-my-amp-0.1.0-3535ee245dc9); the whole id where it ends in no such hash."""
    pid = safe_text(pack.get("id", "?"))
    tail = pid.rsplit("-", 1)[-1]
    return tail if tail != pid and len(tail) >= 8 and all(c in "0123456789abcdef" for c in tail) else pid


def pack_words(pack: dict[str, Any]) -> str:
    """How a pack is named in questions and answers: ``pack ID (name version, kind, size)``."""
    return (f"pack {safe_text(pack['id'])} ({safe_text(pack['name'])} {safe_text(pack['version'])}, "
            f"{safe_text(pack['kind'])}, {size_words(pack['size'])})")


def pack_line(pack: dict[str, Any]) -> str:
    """One installed pack as `hatbox box-pack` lists it: id, name, version, kind, size, when it was installed (two
    trainings of one pedal differ there), its held-out scores, active or not."""
    from hatbox.pack_scores import score_words
    when = when_words(pack.get("installed"))
    said = score_words(pack)            # a tagger's macro-F1 with its held-out files (p49 QA "month2")
    size = f", {size_words(pack['size'])}" if isinstance(pack.get("size"), int) else ""
    return (f"{safe_text(pack['id'])}  {safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))}, "
            f"{safe_text(pack.get('kind', '?'))}{size}" + "".join(f", {w}" for w in said)
            + (f", installed {when}" if when else "") + _by(pack)
            + (activated_words(pack, ", {}") + ", active" if pack.get("active") else ""))


def _by(pack: dict[str, Any]) -> str:
    """" by laptopA" after when ``pack`` was installed, where the box knows who installed it (p45 duo QA)."""
    by = pack.get("installed_by")
    return f" by {safe_text(by)}" if isinstance(by, str) and by else ""
