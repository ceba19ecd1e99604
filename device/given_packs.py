"""Packs named on the command line (`hatbox device run --effect PACK --synth PACK`) join the box's pack store.

A pack given at start is checked as an upload is (device/validate.py, the same checks and the same engine
settings), installed in the store (a copy: the given file is never moved) and made the active pack of its
kind, as `hatbox push --activate` would.  So the panel's Effect and Models pages, `hatbox status`, the
API and the next start all agree on what plays, and `hatbox box-pack --rollback effect` goes back to the
pack that was active before.  Every given pack is checked before any is installed: a refused one leaves
the store as it was.

:func:`engine_packs` is what the engine loads at start: the store's active effect and synth packs
(whether they came from the command line or from an earlier push).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from export.manifest import kind_phrase
from hatbox.errors import HatboxError, PackError, first_line

SLOT_KINDS = ("effect", "synth")       # command-line option == pack kind == engine slot


def _checked(slot: str, path: Path, rate: int, block: int, trusted: list[Any], required: bool) -> Any:
    """The validation report of the pack given with ``--<slot>``; HatboxError naming the option otherwise."""
    from device.validate import EngineSpec, validate_pack
    if not path.is_file():
        what = ("no such file" if not path.exists() else "is a folder" if path.is_dir() else
                "is not a regular file")
        raise HatboxError(f"--{slot} {path}: {what}", hint=f"give {kind_phrase(slot)} file (.hatpack), e.g. "
                                                           f"--{slot} factory/{slot}-*.hatpack")
    try:
        report = validate_pack(path, EngineSpec(sample_rate=rate, block_size=block), trusted=trusted,
                               require_signature=required)
    except PackError as exc:
        reason = first_line(exc).removeprefix(f"{exc.check}: ")
        raise HatboxError(f"--{slot} {path.name} refused by the box's check '{exc.check}': {reason}; nothing was "
                          "installed, the box was not started", hint=exc.hint) from None
    kind = report.pack.manifest.kind
    if kind != slot:
        hint = (f"give it as --{kind} {path.name}" if kind in SLOT_KINDS else
                f"a {kind} plays no sound: send it to the box with hatbox push {path.name} --activate")
        raise HatboxError(f"--{slot} {path.name} is {kind_phrase(kind)}, not {kind_phrase(slot)}", hint=hint)
    return report


def open_store(store_dir: Any) -> Any:
    """The pack store at ``store_dir`` (made if missing, recovered); HatboxError in one line when it cannot be.
    A store opened already (device.store.PackStore) is used as it is: `hatbox device run` opens and recovers its
    store once, for :func:`install_given` and :func:`engine_packs` both."""
    from device.store import PackStore
    if isinstance(store_dir, PackStore):
        return store_dir
    try:
        store = PackStore(store_dir)
        store.recover()
    except OSError as exc:
        raise unusable_store(store_dir, exc) from None
    return store


STORE_FOLDERS = {"packs": "installed packs", "tmp": "uploads in progress", "trash": "deletions in progress",
                 "libraries": "sample libraries"}      # what the box keeps in each folder of its store


def unusable_store(store_dir: str | Path, exc: OSError) -> HatboxError:
    """The one-line error for a --store folder that cannot be made or written (a file on its way, no permission);
    a file standing where one of the store's own folders goes is named, with what to do."""
    blocked = in_the_way(Path(store_dir))
    if blocked is not None:
        return HatboxError(f"--store {store_dir} cannot be used: {blocked} is a file, where the box keeps its "
                           f"{STORE_FOLDERS[blocked.name]}", hint="move that file out of the way (the box makes the "
                                                                  "folder again); nothing else in the store is lost")
    return HatboxError(f"--store {store_dir} cannot be used: {exc.strerror or exc}",
                       hint="give the box's data folder, one that can be created and written")


def not_a_store(store_dir: Path) -> list[str]:
    """The names in ``store_dir`` when it holds things and none of them is a box store's own (its folders,
    active.json, tokens.json, trusted_keys/, logs/): a folder of samples or a copy of packs/ given as --store by
    mistake; [] otherwise (a store, a new empty folder, an unreadable one)."""
    from device.store import LOCK_FILE, POINTER, TRUSTED_KEYS
    own = set(STORE_FOLDERS) | {POINTER, "tokens.json", TRUSTED_KEYS, "logs", "box.lock", LOCK_FILE}
    try:
        names = sorted(p.name for p in store_dir.iterdir() if not p.name.startswith("."))
    except OSError:
        return []
    return [] if not names or own & set(names) else names


def in_the_way(store_dir: Path) -> Path | None:
    """The first of the store's own folders (:data:`STORE_FOLDERS`) that something other than a folder stands in
    for (a file, a link to one); None when there is none."""
    for name in STORE_FOLDERS:
        path = store_dir / name
        if os.path.lexists(path) and not path.is_dir():
            return path
    return None


def _install(store: Any, path: Path, report: Any) -> tuple[str, bool]:
    """Copy the checked pack at ``path`` into ``store`` (the given file is never moved); (its id, whether it was
    not there before).  OSError from the store, which keeps nothing of it (device/store.py)."""
    from device.store import file_sha256, pack_id
    sha = file_sha256(path)
    pid = pack_id(report.pack.manifest, sha)
    if pid in store.ids():
        return pid, False
    upload = store.new_upload(".hatpack")
    try:
        shutil.copyfile(path, upload)
    except BaseException:
        upload.unlink(missing_ok=True)
        raise
    store.install(upload, report.pack.manifest, sha, {"checks": report.checks, "signed_by": report.signed_by})
    return pid, True


def install_given(store_dir: Any, packs: dict[str, str], rate: int, block: int, *,
                  require_signature: bool = False) -> list[str]:
    """Check, install and activate the packs ``packs`` ({"effect" | "synth": path}) in the store at
    ``store_dir`` (a path, or a store :func:`open_store` opened), for an engine at ``rate`` Hz with ``block``
    samples; returns one line per pack for the terminal ("effect: Drive 1.0.0 (effect-drive-1.0.0-0123456789ab)
    installed and active");
    ``require_signature``: refuse a pack not signed by a key in STORE/trusted_keys (`device run --require-signature`).

    HatboxError, the active packs unchanged, when a pack is missing, refused by a check (its name and the check's)
    or of another kind than its option, or when the store cannot take one (a full disk: a pack installed before
    it stays installed, not active)."""
    store = open_store(store_dir)
    trusted = store.trusted()
    reports = {slot: _checked(slot, Path(path), rate, block, trusted, require_signature)
               for slot, path in packs.items()}
    installed: dict[str, tuple[str, bool]] = {}
    slot, before = "", None
    try:
        for slot, report in reports.items():          # every pack in the store first, then the pointer
            installed[slot] = _install(store, Path(packs[slot]), report)
        before = store.pointer()
        for slot, (pid, _fresh) in installed.items():
            store.activate(pid)
    except OSError as exc:
        kept = "its active packs are as they were"
        if before is not None:                         # the pointer failed: put back the one there was
            try:
                store.restore_pointer(before)
            except OSError:
                kept = f"its active packs may have changed ({store.root / 'active.json'})"
        raise HatboxError(f"--{slot} {Path(packs[slot]).name} passed every check but the store {store.root} could "
                          f"not take it: {exc.strerror or exc}; the box was not started, {kept}",
                          hint="make room on that disk, or give another --store") from None
    lines = []
    for slot, (pid, fresh) in installed.items():
        m = reports[slot].pack.manifest
        was = before.slots.get(slot) if before is not None else None
        how = "installed and active" if fresh else ("active (installed already)" if was != pid else "active")
        lines.append(f"{slot}: {m.name} {m.version} ({pid}) {how}, from --{slot}")
    return lines


def engine_packs(store_dir: Any, require_signature: bool = False) -> tuple[dict[str, str], list[str]]:
    """({engine slot: pack path} of the store's active effect and synth packs: what the engine loads at start,
    lines for the terminal); with ``require_signature`` an active pack (the tagger's too) signed by no key trusted now
    is left out and its slot emptied for this run, with a warning: it stays installed, the panel, the status and the
    API say nothing plays there (a box started so plays only signed packs), and the store keeps it as held
    (PackStore.hold), so the next start that may play it (without the flag, or once a key that signed it is trusted)
    makes it active again, said in a line (p57 QA_B 2: one start with the flag forgot every active pack)."""
    from device.validate import unsigned_now
    store = open_store(store_dir)
    trusted = store.trusted() if require_signature else []
    out, lines = {}, _unheld(store, lambda pid: not (require_signature and unsigned_now(store, pid, trusted)))
    for slot, pid in store.active().items():
        # the tagger too: it has no engine slot, but an unsigned one went on tagging uploads (thirty-third stop's QA)
        if not (pid and slot in (*SLOT_KINDS, "tagger") and store.pack_path(pid).is_file()):
            continue
        if require_signature and unsigned_now(store, pid, trusted):
            lines.append(_held(store, slot, pid))
            continue
        if slot in SLOT_KINDS:
            out[slot] = str(store.pack_path(pid))
    return out, lines


def _unheld(store: Any, may_play: Any) -> list[str]:
    """Make active again the packs an earlier start with --require-signature held (PackStore.unhold); a line each,
    and a warning each for a held pack gone from the box since (pruned, deleted, removed as damaged: R2 review 1)
    and for one this start holds still (R2 review 5: a second start with the flag said nothing)."""
    try:
        found = store.unhold(may_play)
    except OSError as exc:
        return [f"warning: the packs a start with --require-signature did not play could not be made active again "
                f"({exc.strerror or exc}): hatbox box-pack ID --activate makes one active"]
    return [*(f"{slot}: {pid} active again (a start with --require-signature did not play it)"
              for slot, pid in found.back),
            *(f"warning: {slot}: {pid}, not played by a start with --require-signature, is no longer on the box: no "
              f"{slot} is active (hatbox box-pack ID --activate makes one active)" for slot, pid in found.gone),
            *(f"warning: the {slot} pack {pid} is still not played: it is not signed by a trusted key "
              f"(--require-signature); {HELD_KEPT}" for slot, pid in found.still)]


HELD_KEPT = ("its slot plays nothing while the box runs so, and the pack is kept: the next start without "
             "--require-signature plays it again (or sign it: hatbox pack sign, and push it)")


def _held(store: Any, slot: str, pid: str) -> str:
    """Empty ``slot`` for this run, pack ``pid`` kept as held (PackStore.hold); the warning line that says so."""
    try:                                   # so the panel, the status and the API say nothing plays there
        store.hold(slot)
        undone = HELD_KEPT
    except OSError:
        undone = "the box still lists it as active"
    return (f"warning: the active {slot} pack {pid} is not signed by a trusted key: not played "
            f"(--require-signature); {undone}")
