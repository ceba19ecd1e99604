"""A training that writes over an older pack says how the two compare, and keeps the older one when the new one
scores worse (twenty-seventh stop's QA: a 15-step re-run replaced a pedal capture of held-out error 0.0069 with one
of 0.301, with no word and no copy left).  A pack of another kind is refused before the training starts, and a file
that is no readable pack is kept aside, said (thirty-ninth stop's QA: both were written over with no word).  The new
pack of the older one's name takes the next version (:func:`carry_version`)."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HIGHER_IS_BETTER = {"holdout_macro_f1"}      # of the trainers' headline scores (device.store.SCORE_WORDS)


@dataclass
class Older:
    """The file a training is about to replace: its bytes (kept in memory: packs are small), and, when it is a
    pack (``readable``), its kind and score; a file that is no readable pack is kept aside whole (:func:`aside_path`)
    once the new pack is written."""

    data: bytes
    kind: str
    score: float | None
    readable: bool = True
    name: str = ""              # its manifest's name and version (a readable pack's)
    version: str = ""
    held: tuple[str, Any] | None = None     # what its score was measured on (:func:`held_out_set`)


def older_pack(out: str | Path, kind: str | None = None) -> Older | None:
    """The pack at ``out`` as it is before a training, or None when there is none (or it is not a readable pack:
    nothing to compare with or to keep).  ``kind``: the kind of pack the training writes (thirty-ninth stop's QA:
    `train effect --out mytagger.hatpack` wrote over a tagger pack, and over any file, with no word and no copy):
    a pack of another kind is then refused (HatboxError) before any training, and a file that is no readable pack
    is returned to be kept aside (:func:`_not_a_pack`)."""
    from export.manifest import kind_phrase
    from export.pack import read_pack
    from hatbox.errors import HatboxError
    out = Path(out)
    try:
        if not out.is_file():
            return None
        data = out.read_bytes()
        manifest = read_pack(out).manifest
    except Exception:  # noqa: BLE001 - whatever was there, it is no pack to compare with
        return _not_a_pack(out, kind)
    if kind is not None and manifest.kind != kind:
        raise HatboxError(f"{out} is {kind_phrase(manifest.kind)}, not {kind_phrase(kind)}: the training would "
                          "write over it; nothing was done", hint="give another --out (or delete it first)")
    return Older(data, manifest.kind, _score(manifest.metrics)[1], name=manifest.name, version=manifest.version,
                 held=held_out_set(manifest.metrics))


def held_out_set(metrics: dict[str, Any]) -> tuple[str, Any] | None:
    """What a pack's headline score was measured on, as far as its metrics tell: an effect's held-out pairs (their
    names), a synth's held-out notes or a tagger's held-out samples (their count); None when they do not say."""
    pairs = metrics.get("val_esr_per_pair") if isinstance(metrics, dict) else None
    if isinstance(pairs, dict) and pairs:
        return "pair", frozenset(pairs)
    for key, what in (("heldout_notes", "note"), ("holdout_items", "sample")):
        value = metrics.get(key) if isinstance(metrics, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return what, value
    return None


def _other_set(older: Older, metrics: dict[str, Any]) -> str:
    """Words for a comparison of two scores measured on different held-out sets (more recordings given to the new
    training, another split): "" when the sets are the same or either is unknown."""
    from hatbox.text import count_words
    new = held_out_set(metrics)
    if older.held is None or new is None or older.held[0] != new[0] or older.held[1] == new[1]:
        return ""
    what, before, now = new[0], older.held[1], new[1]
    if isinstance(now, frozenset):
        before, now = len(before), len(now)
        if before == now:
            return f" (measured on other held-out {what}s: the two figures are not like for like)"
    return (f" (measured on other held-out sets, {count_words(before, what)} then, {now} now: the two figures are "
            "not like for like)")


def aside_path(out: Path) -> Path:
    """Where a file at a training's --out that was no readable pack is kept: ``x.hatpack`` -> ``x.hatpack.old``
    (not :func:`kept_path`: a later worse retrain would write an older pack over it there)."""
    return out.with_name(f"{out.name}.old")


def _not_a_pack(out: Path, kind: str | None) -> Older | None:
    """What :func:`older_pack` makes of a file at ``out`` that is no readable pack: None without ``kind`` (no
    training about to write there), for an empty file (nothing to lose) or a name export.atomic.check_out refuses
    anyway (not .hatpack: a recording's, a CSV's); else its bytes, for :func:`compare_and_keep` to keep aside at
    :func:`aside_path`, refused (HatboxError) before the training when that place is taken."""
    from export.atomic import PACK_SUFFIX
    from hatbox.errors import HatboxError
    try:
        data = out.read_bytes() if kind is not None and out.suffix.lower() == PACK_SUFFIX else b""
    except OSError:
        return None                                   # check_out or the writer says what is wrong with it
    if not data:
        return None
    aside = aside_path(out)
    if aside.exists() or aside.is_symlink():
        raise HatboxError(f"{out} is there and is not a readable pack, and {aside.name}, where it would be kept, is "
                          "taken too: nothing was done",
                          hint=f"give another --out (or move one of them away first; `hatbox pack inspect "
                               f"{shlex.quote(str(out))}` says what is wrong with it)")
    return Older(data, "", None, readable=False)


def _score(metrics: dict[str, Any]) -> tuple[str, float | None]:
    """(key, value) of the headline score a trainer wrote into a pack's metrics (device.store.SCORE_KEYS: the one
    `hatbox box-pack` lists); ("", None) when it has none."""
    from device.store import SCORE_KEYS
    for key in SCORE_KEYS:
        value = metrics.get(key) if isinstance(metrics, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return key, float(value)
    return "", None


def kept_path(out: Path) -> Path:
    """Where an older pack that scored better is kept: ``pedal.hatpack`` -> ``pedal.prev.hatpack``."""
    return out.with_name(f"{out.stem}.prev{out.suffix}")


VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def carry_version(older: Older | None, out: str | Path, pack: Any) -> str | None:
    """After a training wrote ``pack`` (export.pack.Pack, read back) at ``out`` over ``older``, a pack of the same kind
    and name whose version is the same or later: the new pack takes the next version (0.1.2 -> 0.1.3; the manifest
    rewritten, atomically), so the box's list and the panel tell retrained packs apart (effect QA of the fortieth
    stop: every capture of a pedal reached the box as "pedal 0.1.0").  Returns the summary's line, or None when
    nothing changed (no such older pack, a version that is not three numbers)."""
    import dataclasses

    from export.pack import MANIFEST, SIGNATURE, write_pack
    if older is None or not older.readable:
        return None
    old, new = VERSION_RE.fullmatch(older.version), VERSION_RE.fullmatch(pack.manifest.version)
    if old is None or new is None or (pack.manifest.kind, pack.manifest.name) != (older.kind, older.name):
        return None
    before = tuple(int(g) for g in old.groups())
    if tuple(int(g) for g in new.groups()) > before:
        return None
    version = f"{before[0]}.{before[1]}.{before[2] + 1}"
    write_pack(out, dataclasses.replace(pack.manifest, version=version),
               {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return f"note: {Path(out).name} is {older.name} {version} (the pack it replaced was {older.version})"


def compare_and_keep(older: Older | None, out: str | Path) -> list[str]:
    """Lines for the summary after a training wrote ``out`` over ``older``: both scores, better or worse, and, when the
    new pack scores worse at all, that the older one was kept beside it (:func:`kept_path`, written atomically; until
    the fortieth stop only when 10 % worse, and a pack 2-6 % better than its replacement was lost without a word).
    [] when there was no older pack, the kinds differ, or either has no score; a file that was no readable pack is
    kept aside (:func:`_keep_aside`); the new pack's version, when it took the next one (:func:`carry_version`)."""
    from export.pack import read_pack
    out = Path(out)
    if older is not None and not older.readable:
        return [_keep_aside(older, out)]
    if older is None:
        return []
    try:
        pack = read_pack(out)
    except Exception:  # noqa: BLE001 - the summary goes on without the comparison
        return []
    versioned = carry_version(older, out, pack)
    return ([versioned] if versioned else []) + _compared(older, out, pack.manifest)


def _compared(older: Older, out: Path, manifest: Any) -> list[str]:
    """:func:`compare_and_keep`'s lines once the older file is known to be a readable pack and the new one's
    ``manifest`` (export.manifest.Manifest) is read."""
    from export.atomic import write_atomic
    if older.score is None:
        return []
    key, new = _score(manifest.metrics)
    if manifest.kind != older.kind or new is None:
        return []
    from device.store import SCORE_WORDS
    words, higher = SCORE_WORDS[key], key in HIGHER_IS_BETTER
    words = words if words.startswith("held-out") else f"held-out {words}"
    change = (new - older.score) if higher else (older.score - new)         # above 0: the new pack is better
    line = f"replaced {out.name}: its {words} was {older.score:.4g}, the new pack's is {new:.4g}" + \
        _other_set(older, manifest.metrics)
    if change >= -1e-9:
        return [f"note: {line}" + (" (better)" if change > 1e-9 else " (the same)")]
    kept = kept_path(out)
    before = older_pack(kept)
    if before is not None and before.kind == older.kind and before.score is not None and \
            (before.score >= older.score if higher else before.score <= older.score):
        return [f"warning: {line}: worse; {kept.name} (its {words} {before.score:.4g}) was kept before and stays"]
    try:
        write_atomic(kept, older.data)
    except OSError as exc:
        return [f"warning: {line}: worse, and the older pack could not be kept ({exc.strerror or exc})"]
    return [f"warning: {line}: worse; the older pack is kept as {kept} (rename it back to use it)"]


def _keep_aside(older: Older, out: Path) -> str:
    """The summary's line once a pack was written over ``older``, a file at ``out`` that was no readable pack:
    what it held is written to :func:`aside_path` (atomically), so that nothing is lost."""
    from export.atomic import write_atomic
    aside = aside_path(out)
    try:
        write_atomic(aside, older.data)
    except OSError as exc:
        return f"warning: {out.name} held no readable pack, and what it held could not be kept ({exc.strerror or exc})"
    return (f"warning: {out.name} held no readable pack before; what it held is kept as {aside} (the new pack is "
            f"{out.name})")
