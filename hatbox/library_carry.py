"""`push-library --replace` carries this laptop's own corrections of an older library to the new one (forty-eighth
stop, regression QA: week after week the producer's replacement was refused again for a correction this laptop
itself had made or sent, until it passed --fixes every week).

A correction of the old library (GET /libraries/{id}/fixes) whose maker is this laptop (``by_you``) is sent to the new
library through the box's own route (POST /libraries/{id}/fixes, as `--fixes` sends one: the box records this laptop
as its maker, which it was), by path, for a file the new library holds.  Not carried, so still counted as lost (the
refusal, or gone with --yes): another laptop's, the panel's or one not known whose (sent from here they would turn
"yours"), one of a file no longer in the folder or not kept by the new library, and one of a file that changed since
the old library was sent, where the laptop can tell: the folder's memory (hatbox.library_memory) keeps each file's
size and modification time as it was packed, and the old library's upload digest says whether that packing is the
one the box holds; else the box's record of the file's size.  Where neither tells (same size, no memory), the
correction follows its path, as a correction on the laptop does (`hatbox library fix`), and that is said.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from hatbox.box_client import _call, asked, safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words


class Plan:
    """What --replace does with one old library's corrections (those this push does not send again): ``carry``
    (this laptop's, to the new library), ``lost`` (the rest: deleted with it), and why some of this laptop's are in
    ``lost``: ``changed`` (the file changed since), ``gone`` (not in the new library); ``own``: neither carried nor
    lost, this push's own corrections send other tags for the file (they replace yours); ``unsure``: carried, not
    known whether the file changed."""

    def __init__(self) -> None:
        self.carry: list[dict[str, Any]] = []
        self.lost: list[dict[str, Any]] = []
        self.changed: list[str] = []
        self.gone: list[str] = []
        self.own: list[str] = []
        self.unsure: list[str] = []

    def why_not(self) -> str:
        """"; yours not carried: kit/s0.wav changed since it was sent, ..." for the refusal ("" when none)."""
        parts = [f"{_paths(self.changed)} changed since it was sent (a correction of the old sound)"
                 if self.changed else "",
                 f"{_paths(self.gone)} not in the new library" if self.gone else ""]
        said = [p for p in parts if p]
        return f"; yours not carried: {', '.join(said)}" if said else ""


def _paths(paths: list[str]) -> str:
    """"kit/s0.wav" for one path, "3 files (kit/a.wav, kit/b.wav ...)" for several."""
    if len(paths) == 1:
        return safe_text(paths[0])
    shown = ", ".join(safe_text(p) for p in paths[:3])
    return f"{count_words(len(paths), 'file')} ({shown}{' ...' if len(paths) > 3 else ''})"


class Carry:
    """The source of this push as it was before packing (``files``: path inside it -> (size, modification time in ns,
    None for an archive's member)) and the folder's memory then (``packed``: hatbox.library_memory.packings
    (digest -> marks)), read before packing, which remembers the new archive over it (within a push, the push's one
    read of pushed.json: hatbox.push_walk.one_reading, p50).  ``walked``: the folder's walk push-library took for its
    fingerprint (p49: one walk a push)."""

    def __init__(self, src: Path, walked: list[tuple[str, Any]] | None = None) -> None:
        from hatbox.library_memory import packings
        self.src = src
        self.files = source_files(src, walked)
        self.packed = packings(src) if src.is_dir() else {}

    def plan(self, client: Any, lib: dict[str, Any], fixes: list[dict[str, Any]], own: set[str],
             held: set[str] | None = None) -> Plan:
        """Which of old library ``lib``'s corrections ``fixes`` (those not sent again) are carried; ``own``: the
        paths this push's own corrections send (those go, not the box's); ``held``: the new library's files (None
        before the upload: the source's)."""
        plan, sizes = Plan(), _Sizes(client, lib)
        for fix in fixes:
            path = str(fix.get("path"))
            if fix.get("by_you") is not True:
                plan.lost.append(fix)
                continue
            why = self._why_not(path, lib, own, held, sizes)
            if why != "own":              # yours that this push re-tags: its tags replace them (R5: refused before)
                (plan.carry if why in ("", "unsure") else plan.lost).append(fix)
            if why:
                getattr(plan, why).append(path)
        return plan

    def _why_not(self, path: str, lib: dict[str, Any], own: set[str], held: set[str] | None,
                 sizes: _Sizes) -> str:
        """"" to carry the correction of ``path``, "unsure" to carry it not knowing whether the file changed, else
        the :class:`Plan` list it is not carried for."""
        now = self.files.get(path)
        if path in own:
            return "own"
        if now is None or (held is not None and path not in held):
            return "gone"
        marks = self.packed.get(str(lib.get("sha256") or ""))
        if marks is not None and now[1] is not None:
            from hatbox.library_memory import file_mark
            return "" if file_mark(path, now[0], now[1]) in marks else "changed"
        was = sizes.get(path)
        return "changed" if was is not None and was != now[0] else "unsure"


class _Sizes:
    """The sizes of old library ``lib``'s files as the box lists them (GET /libraries/{id}), read on first use ({}
    when the box does not say)."""

    def __init__(self, client: Any, lib: dict[str, Any]) -> None:
        self.client, self.lib, self.read = client, lib, None

    def get(self, path: str) -> int | None:
        if self.read is None:
            self.read = held_files(self.client, self.lib)
        return self.read.get(path)


def source_files(src: Path, walked: list[tuple[str, Any]] | None = None) -> dict[str, tuple[int, int | None]]:
    """The files of ``src`` as the box would list them (path inside: size in bytes, modification time in ns): a
    folder's (hatbox.library_memory.walk, as it is packed; ``walked``: that walk taken already), an archive's audio
    members (time not known: None)."""
    if src.is_dir():
        from hatbox.library_memory import walk
        return {rel: (st.st_size, st.st_mtime_ns) for rel, st in (walk(src) if walked is None else walked)}
    from hatbox.library_push import audio_members
    return {rel: (size, None) for rel, size in audio_members(src).items()}


def held_files(client: Any, lib: dict[str, Any]) -> dict[str, int]:
    """The files library ``lib`` holds (path: size in bytes): its record's ``files`` when it has them (an upload's
    answer), else GET /libraries/{id}'s; {} when the box does not say."""
    from urllib.parse import quote
    files = lib.get("files")
    if not isinstance(files, list):
        body = asked(client, f"/libraries/{quote(str(lib.get('id')), safe='')}")
        files = body.get("files") if isinstance(body, dict) else None
    return {str(f.get("path")): int(f.get("bytes") or 0) for f in files or []
            if isinstance(f, dict) and f.get("ok") and not f.get("not_audio")}


def carry_to(client: Any, new: dict[str, Any], lib: dict[str, Any], plan: Plan) -> None:
    """Send ``plan.carry`` (this laptop's corrections of old library ``lib``) to library ``new`` as this laptop's
    (POST /libraries/{id}/fixes) and say how many went; HatboxError when they did not (``lib`` is then kept)."""
    from urllib.parse import quote

    from hatbox.library_fixes import kept_on_box_lines, replaced_lines
    if plan.own:
        print(f"--replace: {_paths(plan.own)}: this push's own tags replace your earlier correction on the box")
    if not plan.carry:
        return
    nid, oid = safe_text(str(new.get("id"))), safe_text(str(lib.get("id")))
    sent = [{"path": f["path"], "tags": list(f.get("tags") or [])} for f in plan.carry]
    body = _call(client, "POST", f"/libraries/{quote(str(new.get('id')), safe='')}/fixes", json={"fixes": sent})
    print(f"--replace: carried your corrections of {count_words(int(body.get('kept', len(sent))), 'file')} from "
          f"library {oid} to {nid} (by path, as yours: hatbox box-library {shlex.quote(nid)} --tag TAG lists them)")
    for line in kept_on_box_lines(nid, body.get("kept_on_box") or []) + replaced_lines(nid, body.get("replaced") or []):
        print(line)
    if plan.unsure:
        print(f"  {_paths(plan.unsure)}: not known whether changed since library {oid} was sent (same size; this "
              "laptop did not remember that packing): the correction follows its path")


def let_go_lines(lib: dict[str, Any], plan: Plan) -> list[str]:
    """With --yes: what of this laptop's corrections of ``lib`` was not carried, and why (they go with it)."""
    why = plan.why_not()
    return [f"--replace: {why[2:]} (library {safe_text(str(lib.get('id')))}: deleted with it, --yes)"] if why else []


def not_carried_error(exc: HatboxError, lib: dict[str, Any], plan: Plan) -> str:
    """Why --replace keeps old library ``lib``: its corrections (``plan.carry``) did not reach the new one."""
    return (f"your corrections of {count_words(len(plan.carry), 'file')} did not reach the new library "
            f"({Exception.__str__(exc)}{'; ' + exc.hint if exc.hint else ''}): it stays beside the new library")
