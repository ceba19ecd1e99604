"""What `hatbox push` (hatbox/cmd_remote.py) checks before it sends a pack's bytes, and a pack the box holds already.

p42 network QA: push sent a pack that `hatbox pack inspect` already said the box would refuse (NaN in its golden
output), and, after a broken connection that "may or may not have kept it", sent all of a pack the box held again
before saying "was on the box already".  Now the box's checks of the pack's output run here first (as for `render`
and `play`), and the box's list of packs is read before a byte is sent.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from hatbox.box_client import asked, safe_text
from hatbox.errors import PackError


def check_box_takes(path: Path) -> None:
    """PackError, nothing sent, when the box's checks of the pack's output (golden run, an effect's knob settings
    and its output on silence: what `hatbox pack inspect` runs and `render` and `play` refuse on,
    device.validate.check_box_plays) refuse the pack at ``path`` here: NaN in its golden output, a runaway.  The
    checks that depend on the box (its engine's rate, its keys, its speed) and the model's form (operators, contract)
    are left to the box, which says them in its words; so is a pack these checks cannot run.  A model whose weights
    name external data (/etc/passwd, ``../..``) is refused as the box refuses it, before onnxruntime is handed it
    and looks the path up (device.audio.runtime.make_session: device.validate.refuse_external_data, p48 QA)."""
    from device.validate import EngineSpec, Report, check_golden_run, check_knob_settings, check_silence, \
        refusal_words
    from export.pack import read_pack
    report = Report(pack=read_pack(path))
    try:
        check_golden_run(report, EngineSpec())
        if report.pack.manifest.kind == "effect":
            check_knob_settings(report, EngineSpec())
            check_silence(report, EngineSpec())
    except PackError as exc:
        raise PackError(f"the box would refuse {safe_text(path.name)} ({safe_text(refusal_words(exc))}); nothing was "
                        "sent", check=exc.check,
                        hint=(safe_text(exc.hint) + "; " if exc.hint else "") + "build the pack again (export or "
                        f"train it again); hatbox pack inspect {shlex.quote(safe_text(str(path)))} shows its checks"
                        ) from None
    except Exception:  # noqa: BLE001 - a model these checks cannot run: the box checks it and says why
        return


def pack_on_box(client: Any, path: Path, packs: list[Any] | None = None) -> dict[str, Any] | None:
    """The box's entry (GET /packs) for the very bytes of the pack at ``path`` (its sha256), None when it holds no
    such pack (or, a box of another version, lists no digests, or its list cannot be read).  ``packs``: that list,
    when the caller read it already (hatbox push, p50 M3: one GET /packs)."""
    from device.store import file_sha256
    packs = asked(client, "/packs", list) if packs is None else packs   # unreadable: the upload goes, the box answers
    if packs is None:
        return None
    return pack_of(packs, file_sha256(path))


def pack_of(packs: list[Any], digest: str) -> dict[str, Any] | None:
    """The entry of ``packs`` (GET /packs, as read) for the pack whose SHA-256 is ``digest``, None for none."""
    return next((p for p in packs if isinstance(p, dict) and p.get("sha256") == digest and p.get("id")), None)


def on_box_already(client: Any, pack: dict[str, Any], activate: bool, url: str) -> int:
    """Say that ``pack`` (its GET /packs entry) was on the box at ``url`` already, so nothing was sent, and what the
    box's checks found when it was installed (:func:`say_earlier_checks`); with ``activate`` make it the active pack
    of its kind (as `hatbox box-pack ID --activate`)."""
    from hatbox.box_packs import _activate_pack
    from hatbox.pack_names import twin_note
    pid = shlex.quote(safe_text(pack["id"]))
    print(f"{safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))} ({safe_text(pack.get('kind'))}) "
          f"was on the box already at {safe_text(url)} as {safe_text(pack['id'])}: nothing was sent again")
    say_earlier_checks(client, pack)
    twin_note(client, pack, bool(activate or pack.get("active")))     # another pack of its name and version
    if activate:
        return _activate_pack(client, pack)
    if pack.get("active"):
        print(f"  it was already on the box, and is its active {safe_text(pack.get('kind'))} pack")
        say_slot_warnings(client, str(pack.get("kind")))             # a knob the player set that it did not take...
    else:
        print(f"  make it active: hatbox box-pack {pid} --activate")
    return 0


def say_earlier_checks(client: Any, pack: dict[str, Any]) -> None:
    """The line a push prints of the box's checks (hatbox.cmd_remote._checks_words), for installed ``pack`` (its
    GET /packs entry) as the box checked it when it was installed, its signature as the box's keys see it now
    (GET /packs/ID; the entry's own checks when that cannot be read).  p43 leftovers: a push of the same bytes said
    "was on the box already" and never what the box's checks found."""
    from urllib.parse import quote

    from hatbox.cmd_remote import _checks_words
    pack = asked(client, f"/packs/{quote(str(pack['id']), safe='')}") or pack
    checks = [c for c in pack.get("checks") or [] if isinstance(c, dict) and "check" in c]
    if checks:
        print(f"  when it was installed it {_checks_words(checks)} (what each found: hatbox box-pack "
              f"{shlex.quote(safe_text(str(pack['id'])))})")


def say_slot_warnings(client: Any, kind: str) -> None:
    """The engine's notes on the pack just made active in slot ``kind`` (``engine.active[kind].warnings`` of
    ``GET /status``: a knob the player set that the pack did not take, with the default it starts at), one
    ``  warning:`` line each, as `hatbox status` prints them (p42 regression QA: push --activate and a rollback said
    "now active" and never these).  Nothing for a kind without an engine slot (tagger), or a status that cannot be
    read: the activation itself went through."""
    if kind not in ("effect", "synth"):
        return
    engine = (asked(client, "/status") or {}).get("engine")
    active = engine.get("active") if isinstance(engine, dict) else None
    info = active.get(kind) if isinstance(active, dict) else None
    words = info.get("warnings") if isinstance(info, dict) else None
    for text in words if isinstance(words, list) else ():
        if isinstance(text, str) and text:
            print(f"  warning: {safe_text(text)}")


def samples_archive(path: Path) -> str:
    """"a zip of samples" (or tar) when ``path`` is an archive that holds audio files and no pack manifest; ""
    otherwise (a pack, or anything else: the pack reader says what is wrong with it)."""
    import tarfile
    import zipfile

    from device.library.archive import ARCHIVE_SUFFIXES, AUDIO_EXTENSIONS
    from device.library.archive_kind import is_zip

    try:
        if is_zip(path):
            with zipfile.ZipFile(path) as zf:
                names, kind = zf.namelist(), "a zip of samples"
        elif path.name.lower().endswith(ARCHIVE_SUFFIXES) and tarfile.is_tarfile(path):
            with tarfile.open(path) as tf:
                names, kind = tf.getnames(), "a tar of samples"
        else:
            return ""
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError):
        return ""
    from export.pack import MANIFEST
    if MANIFEST in names:
        return ""
    return kind if any(Path(n).suffix.lower() in AUDIO_EXTENSIONS for n in names) else ""
