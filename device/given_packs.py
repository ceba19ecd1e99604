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

import shutil
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError, PackError, first_line

SLOT_KINDS = ("effect", "synth")       # command-line option == pack kind == engine slot


def _a(word: str) -> str:
    """``word`` with its article: "an effect", "a synth", "a tagger"."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _checked(slot: str, path: Path, rate: int, block: int, trusted: list[Any], required: bool) -> Any:
    """The validation report of the pack given with ``--<slot>``; HatboxError naming the option otherwise."""
    from device.validate import EngineSpec, validate_pack
    if not path.is_file():
        raise HatboxError(f"--{slot} {path}: no such file" if not path.exists() else f"--{slot} {path} is a folder",
                          hint=f"give a {slot} pack file (.hatpack), e.g. --{slot} factory/{slot}-*.hatpack")
    try:
        report = validate_pack(path, EngineSpec(sample_rate=rate, block_size=block), trusted=trusted,
                               require_signature=required)
    except PackError as exc:
        raise HatboxError(f"--{slot} {path.name} refused by the box's check '{exc.check}': {first_line(exc)}",
                          hint=exc.hint or "nothing was installed; the box was not started") from None
    kind = report.pack.manifest.kind
    if kind != slot:
        hint = (f"give it as --{kind} {path.name}" if kind in SLOT_KINDS else
                f"a {kind} plays no sound: send it to the box with hatbox push {path.name}")
        raise HatboxError(f"--{slot} {path.name} is {_a(kind)} pack, not {_a(slot)} pack", hint=hint)
    return report


def install_given(store_dir: str | Path, packs: dict[str, str], rate: int, block: int, *,
                  require_signature: bool = False) -> list[str]:
    """Check, install and activate the packs ``packs`` ({"effect" | "synth": path}) in the store at
    ``store_dir``, for an engine at ``rate`` Hz with ``block`` samples; returns one line per pack for the
    terminal ("effect: Drive 1.0.0 (effect-drive-1.0.0-0123456789ab) installed and active");
    ``require_signature``: refuse a pack not signed by a key in STORE/trusted_keys (`device run --require-signature`).

    HatboxError, the store untouched, when a pack is missing, refused by a check (its name and the check's)
    or of another kind than its option; OSError from the store (a full disk) after the checks."""
    from device.store import PackStore, file_sha256, pack_id
    from export.signing import load_trusted
    store = PackStore(store_dir)
    store.recover()
    trusted = load_trusted(store.root / "trusted_keys")
    reports = {slot: _checked(slot, Path(path), rate, block, trusted, require_signature)
               for slot, path in packs.items()}
    lines = []
    for slot, report in reports.items():
        path = Path(packs[slot])
        try:
            sha = file_sha256(path)
            pid = pack_id(report.pack.manifest, sha)
            fresh, was = pid not in store.ids(), store.active().get(slot)
            if fresh:
                upload = store.new_upload(".hatpack")
                try:
                    shutil.copyfile(path, upload)
                except BaseException:
                    upload.unlink(missing_ok=True)
                    raise
                store.install(upload, report.pack.manifest, sha,
                              {"checks": report.checks, "signed_by": report.signed_by})
            store.activate(pid)
        except OSError as exc:                  # the store took nothing of it (device/store.py)
            raise HatboxError(f"--{slot} {path.name} passed every check but could not be installed in {store.root}: "
                              f"{exc.strerror or exc}", hint="make room on that disk (hatbox box-pack lists the "
                              "packs there, --delete removes an old one), or give another --store") from None
        m = report.pack.manifest
        how = "installed and active" if fresh else ("active (installed already)" if was != pid else "active")
        lines.append(f"{slot}: {m.name} {m.version} ({pid}) {how}, from --{slot}")
    return lines


def engine_packs(store_dir: str | Path, require_signature: bool = False) -> tuple[dict[str, str], list[str]]:
    """({engine slot: pack path} of the store's active effect and synth packs: what the engine loads at start,
    warning lines); with ``require_signature`` an active pack installed without a trusted signature is left out,
    with a warning (it stays installed: a box started so plays only signed packs)."""
    from device.store import PackStore
    store = PackStore(store_dir)
    out, warnings = {}, []
    for slot, pid in store.active().items():
        if not (pid and slot in SLOT_KINDS and store.pack_path(pid).is_file()):
            continue
        if require_signature and not store.meta(pid).get("signed_by"):
            warnings.append(f"warning: the active {slot} pack {pid} is not signed by a trusted key: not played "
                            f"(--require-signature); sign it and push it again, or make a signed one active")
            continue
        out[slot] = str(store.pack_path(pid))
    return out, warnings
