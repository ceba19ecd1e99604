"""More of `hatbox push-library` and `hatbox box-library` (hatbox/cmd_box_library.py, kept under 600 lines): what a
re-tag on the box keeps (device.api.library_fixes: the old tags stay until a re-tag has gone through the library),
and the producer's corrections crossing between laptop and box: `push-library` sends the laptop's (``--fixes DB``;
by default the folder's own database, ``.hatbox-tags.sqlite``, when `hatbox tag` kept one there), and `box-library
ID --export-fixes CSV` brings the box's back as the CSV `hatbox train tagger` takes."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from device.library.fixes_csv import check_csv_out, refuse_foreign, write_fixes_csv
from hatbox.box_client import _call, asked, safe_text
from hatbox.errors import HatboxError
from hatbox.library_packs import Names, pack_said
from hatbox.names import quoted
from hatbox.text import count_words, display_name


def retag_started(body: dict[str, Any], names: Names | None = None) -> str:
    """What `box-library ID --retag` adds about the library's tags meanwhile (``body``: the box's record; ``names``:
    its packs' names, hatbox.library_packs: "mywords 0.1.1", not the pack's id; None: the id)."""
    old = body.get("tags_from")
    if not old:
        return ""
    return f"; until it has gone through every file the library keeps the tags of {pack_said(old, names)}"


def stopped_retag_line(lib: dict[str, Any], names: Names | None = None) -> str:
    """The listing's line for a library whose re-tag was stopped part way, or failed ("" for none); ``names``: as
    :func:`retag_words`."""
    words = retag_words(lib, names)
    return f"    {words[0]} ({words[1]})" if words else ""


def retag_words(lib: dict[str, Any], names: Names | None = None) -> tuple[str, str] | None:
    """What became of library ``lib``'s re-tag that stopped part way or failed (what, what next), None for none: "a
    re-tag with NEW failed at 3 of 6: the box's disk is full: ...; every file keeps its tags from OLD", the packs
    named by ``names`` (hatbox.library_packs.pack_said: "mywords 0.1.1"; None: by id)."""
    stopped = lib.get("stopped_retag")
    if not isinstance(stopped, dict):
        return None
    lid = safe_text(str(lib.get("id")))
    error, at = stopped.get("error"), f"{stopped.get('done', 0)} of {stopped.get('total', '?')}"
    how = (f"failed at {at}: {safe_text(str(error))}" if error else
           f"was cut off by a restart at {at}" if stopped.get("cut_off") else f"stopped at {at}")
    nxt = "tries again" if error else "goes on from there"
    return (f"a re-tag with {pack_said(stopped.get('tagger'), names)} {how}: every file keeps its tags from "
            f"{pack_said(lib.get('tagger'), names)}", f"hatbox box-library {lid} --retag {nxt}")


def retag_not_through(lib: dict[str, Any], names: Names | None = None) -> None:
    """After `--retag --wait` (or `--wait`) followed library ``lib`` to its end: HatboxError when the re-tag did not go
    through (stopped or failed: the library keeps its old tags), instead of "tagging done" and the old tags' counts;
    ``names``: as :func:`retag_words`."""
    words = retag_words(lib, names)
    if words is not None:
        raise HatboxError(words[0], hint=f"{words[1]} (hatbox box-logs shows the box's side)")


def push_fixes(src: Path, given: str | None, off: bool) -> LaptopFixes | None:
    """The laptop's corrections `push-library` sends with ``src``: ``--fixes FILE`` (``given``: a tag database or the
    corrections CSV --export-fixes wrote, hatbox.fixes_given), else the folder's own database (`hatbox tag FOLDER`
    without --out keeps it inside, device.library.db.IN_LIBRARY), none with ``--no-fixes`` (``off``; none found:
    :func:`say_no_fixes` says so after the upload).  HatboxError, before anything is sent, for a ``--fixes`` that is
    no file, or neither a tag database nor a corrections CSV (forty-sixth stop: read only after the upload), and for
    a folder's own database that cannot be read (p49 review: read lazily, it failed after the upload, in --fixes
    words the user never typed): that reading is the push's one (:class:`LaptopFixes`)."""
    from device.library.db import IN_LIBRARY
    if off:
        return None
    if given:
        db = Path(given)                        # a ~ expanded by its argument type (hatbox.argtypes.local_path)
        if not db.is_file():
            raise HatboxError(f"--fixes {safe_text(given)}: no such tag database; nothing was sent",
                              hint="give the database hatbox tag wrote (its --out; without --out it is "
                                   f"FOLDER/{IN_LIBRARY}), or the CSV hatbox box-library LIB --export-fixes wrote")
        return LaptopFixes(db, src, read_fixes(db))   # refused here, before a byte is packed or sent, when neither
    own = src / IN_LIBRARY
    if not (src.is_dir() and own.is_file()):
        return None
    try:
        return LaptopFixes(own, src, read_fixes(own))
    except HatboxError as exc:
        raise own_unreadable(src, own, exc) from None


def own_unreadable(src: Path, own: Path, exc: HatboxError) -> HatboxError:
    """The error for the folder ``src``'s own tag database ``own`` that :func:`read_fixes` refused (``exc``, said of
    ``--fixes``, which was not given): what it is, why, and the option that sends the library without it."""
    shown = safe_text(str(own))
    why = Exception.__str__(exc).removeprefix(f"--fixes {shown}").removeprefix(":").strip()
    why = why.removesuffix("; nothing was sent")
    return HatboxError(f"cannot read {shown}, the folder's own tag database (its corrections go with the library by "
                       f"default): {why}; nothing was sent",
                       hint=f"send the library without its corrections: hatbox push-library "
                            f"{quoted(safe_text(str(src)))} --no-fixes (or move the damaged file aside; hatbox tag "
                            "makes a new one, without the corrections it held)")


class LaptopFixes:
    """The corrections file ``path`` (a tag database or a corrections CSV) that one push of ``src`` sends, read once,
    before anything is sent, for the whole push (p49: its --replace check, the upload's corrections and the
    replacement each read it again; ``read``: :func:`read_fixes` of it)."""

    def __init__(self, path: Path, src: Path, read: dict[Path, list[str]]) -> None:
        self.path, self.src, self._read = path, src, read
        self._sent: tuple[list[dict[str, Any]], int] | None = None

    def sent(self) -> tuple[list[dict[str, Any]], int]:
        """:func:`laptop_fixes` of ``src``: the corrections of files sent ([{path, tags}]) and how many are not."""
        if self._sent is None:
            self._sent = laptop_fixes(self.path, self.src, self._read)
        return self._sent


def read_fixes(given: Path) -> dict[Path, list[str]]:
    """The corrections in ``given`` (a tag database or a corrections CSV, hatbox.fixes_given): file -> tags; a file
    corrected to none of the words is ``[""]`` (p49 F8: the box keeps it; :func:`send_fixes` holds such corrections
    back from an older box)."""
    import sqlite3

    from hatbox.fixes_given import TAKES, given_corrections
    shown = safe_text(str(given))
    try:
        return given_corrections(given, shown)
    except sqlite3.Error as exc:
        raise HatboxError(f"--fixes {shown}: cannot read it as a tag database ({exc}); nothing was sent",
                          hint=f"--fixes takes {TAKES}") from None


def fixes_in_folder(src: Path, fixes: Path | None) -> dict[str, str]:
    """The corrections file ``fixes`` as a path inside the folder ``src`` (a CSV --export-fixes wrote there), not
    packed with the samples ({path inside: ""}: it goes as corrections, and the box would leave it out as not
    audio); {} when it lies elsewhere (a database kept inside is hidden, never packed)."""
    if fixes is None or not src.is_dir():
        return {}
    try:
        return {fixes.resolve().relative_to(src.resolve()).as_posix(): ""}
    except ValueError:
        return {}


def say_no_fixes(src: Path, fixes: Path | None, off: bool, replacing: bool = False) -> None:
    """Once the library went: :func:`no_fixes_note` on stderr when no corrections went with it and --no-fixes was not
    given (a note beside the output: scripts read the library's lines; said after the upload, so that a refusal
    before it stays the message and its hint alone); ``replacing``: --replace with older libraries of this laptop's
    of the name to replace, whose corrections made on the box it carries on its own lines (p52 review R3: without
    any, the note pointed to lines that never came)."""
    if fixes is None and not off:
        print(no_fixes_note(src, replacing), file=sys.stderr)


def no_fixes_note(src: Path, replacing: bool = False) -> str:
    """The line `push-library` says when no corrections go with ``src`` (no --fixes, and no database of the folder's
    own): a database kept elsewhere (`hatbox tag FOLDER --out DB`, the README's way) is not looked for, and p42's QA
    found its corrections left behind without a word.  Not said with --no-fixes.  With --replace of older libraries
    (``replacing``) it names the laptop's databases only: "no corrections go with it" beside "--replace: carried your
    corrections of 3 files" read as if those were lost (p52 QA1)."""
    from device.library.db import IN_LIBRARY
    where = f" ({safe_text(src.name or str(src))} holds no {IN_LIBRARY} of its own)" if src.is_dir() else ""
    what = ("no tag database of this laptop goes with it" if replacing else "no corrections go with it") + where
    carried = ("; those made on the box of your older libraries of the name are --replace's to carry (its own lines "
               "say any it carries)" if replacing else "")
    return (f"note: {what}{carried}; to send those of a tag database kept elsewhere "
            "(hatbox tag --out DB, hatbox library fix DB): --fixes DB")


def laptop_fixes(db: Path, src: Path, read: dict[Path, list[str]] | None = None) -> tuple[list[dict[str, Any]], int]:
    """The corrections in the laptop's database or corrections CSV ``db`` of files sent with ``src`` (path inside the
    folder sent, as the box lists it; an archive's: inside the folder ``db`` tagged, or the CSV's folder), and how
    many corrected files are not in it (outside the folder sent, or a name the box would refuse); ``read``: ``db``'s
    :func:`read_fixes` taken already."""
    from device.library.query import root_of, utf8_name
    from hatbox.fixes_given import is_database
    from hatbox.push_walk import twins_left_out
    base = (src if src.is_dir() else root_of(db) if is_database(db) else db.parent).resolve()
    found, outside, twins = [], 0, twins_left_out(src)    # a file left out as another's twin: hatbox.push_walk
    for path, tags in (read_fixes(db) if read is None else read).items():
        try:
            rel = Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            outside += 1
            continue
        if not utf8_name(rel) or rel in twins:
            outside += 1
            continue
        found.append({"path": rel, "tags": tags})
    return found, outside


def send_fixes(client: Any, lid: str, given: LaptopFixes, went: str = "went with it") -> None:
    """Send the laptop's corrections (``given``) of the files sent with its source to library ``lid``, which keeps them
    as its own (POST /libraries/{id}/fixes), and say so (``went``: how they went, "went with it" after an upload).
    When they do not reach it (the box went off after the upload) HatboxError says so and how to send them: the same
    push-library again (:mod:`hatbox.library_push`: the library there, only its corrections go)."""
    from urllib.parse import quote
    (fixes, outside), db, src = given.sent(), given.path, given.src
    shown = safe_text(str(db))
    if not fixes:
        if outside:
            print(f"  none of the corrections in {shown} is of a file sent here ({count_words(outside, 'file')} "
                  "elsewhere): none sent")
        from hatbox.library_push import say_own_empty
        say_own_empty(given)         # the folder's own database holds none: where the corrections are (p50 FG)
        return
    try:
        body = _sent_fixes(client, f"/libraries/{quote(lid, safe='')}/fixes", fixes, shown)
    except HatboxError as exc:
        from device.library.db import IN_LIBRARY
        own = src.is_dir() and db.resolve() == (src / IN_LIBRARY).resolve()     # found by the push itself
        raise not_sent(exc, lid, len(fixes), shown, src, given=not own) from None
    if body is None:                        # every one "none of my words", to a box that keeps none
        return
    if int(body["kept"]) or not body.get("kept_on_box"):
        print(f"  your corrections of {count_words(int(body['kept']), 'file')} (from {shown}) {went}: the box "
              f"keeps them as its own (hatbox box-library {safe_text(lid)} --tag TAG lists them first)")
    from hatbox.box_words import renamed_on_box_lines
    for line in renamed_on_box_lines(body, shown) + kept_on_box_lines(lid, body.get("kept_on_box") or []) + \
            replaced_lines(lid, body.get("replaced") or []):
        print(line)
    missing = body.get("not_in_library") or []
    if missing:
        print(f"  {count_words(len(missing), 'correction')} not kept: the box holds no such file (refused at "
              f"upload?): {', '.join(safe_text(p) for p in missing[:5])}{' ...' if len(missing) > 5 else ''}")


def _sent_fixes(client: Any, route: str, fixes: list[dict[str, Any]], shown: str) -> dict[str, Any] | None:
    """POST ``fixes`` to ``route`` (a library's /fixes), the box's answer; a box from before p49 F8 refuses a
    correction to none of the words (``[""]``: "'' (for kit/a.wav) cannot be a tag", every correction refused): they
    are sent again without those, which stay here, said in one line (hatbox.fixes_given.say_nones_not_sent); None
    when they were all such."""
    from hatbox.box_client import BoxRefused
    from hatbox.fixes_given import say_nones_not_sent
    from hatbox.library_browse import OLDER_BOX
    try:
        return _call(client, "POST", route, json={"fixes": fixes})
    except BoxRefused as exc:
        tags = [f for f in fixes if f["tags"] != [""]]
        said = Exception.__str__(exc)             # "the box refused: '' (for kit/a.wav) cannot be a tag: ..."
        if exc.status != 422 or "'' (for " not in said or "cannot be a tag" not in said or len(tags) == len(fixes):
            raise
    say_nones_not_sent(len(fixes) - len(tags), shown, box=OLDER_BOX)
    return _call(client, "POST", route, json={"fixes": tags}) if tags else None


KEPT_NAMED = 5             # files corrected otherwise on the box that push-library names, the rest counted


def kept_on_box_lines(lid: str, kept: list[dict[str, Any]]) -> list[str]:
    """push-library's lines for the files library ``lid`` holds another correction of, made on the box since a
    laptop last sent one (POST /fixes' ``kept_on_box``: path, box, yours, and from a box of the forty-sixth stop on
    ``by``/``by_you``, whose): the box's was kept, said with whose it is when another laptop's, and how to change
    it (QA: a re-sent folder silently put the laptop's tag back over the box's newer one)."""
    if not kept:
        return []
    lines = [f"  {count_words(len(kept), 'file')} corrected differently on the box: kept the box's (hatbox "
             f"box-library {safe_text(lid)} --fix PATH TAG to change it)"]
    for k in kept[:KEPT_NAMED]:
        whose = _other_laptop(k)
        held = f" ({whose} correction, kept)" if whose else ""
        lines.append(f"    {safe_text(str(k.get('path')))}: {_tags(k.get('box'))} on the box{held}, "
                     f"{_tags(k.get('yours'))} here")
    return lines + _more(kept)


def replaced_lines(lid: str, replaced: list[dict[str, Any]]) -> list[str]:
    """push-library's lines for the files of library ``lid`` another laptop had corrected otherwise (POST /fixes'
    ``replaced``: path, box, yours, by), whose correction this laptop's replaced: one line a file, naming the laptop
    and saying the box keeps this laptop's (p46: both sides' corrections, said of neither)."""
    if not replaced:
        return []
    lines = [f"  {count_words(len(replaced), 'file')} corrected otherwise by another laptop: the box keeps yours now "
             f"(hatbox box-library {safe_text(lid)} --fix PATH TAG to change it)"]
    for r in replaced[:KEPT_NAMED]:
        whose = _other_laptop(r) or "another laptop's"
        lines.append(f"    {safe_text(str(r.get('path')))}: {_tags(r.get('yours'))} here (kept), {_tags(r.get('box'))} "
                     f"on the box ({whose} correction, replaced)")
    return lines + _more(replaced)


def _other_laptop(side: dict[str, Any]) -> str:
    """"laptopB's" when another laptop made the box's correction of ``side`` (its ``by``, ``by_you`` false); ""."""
    by = side.get("by")
    return f"{safe_text(by)}'s" if side.get("by_you") is False and isinstance(by, str) and by else ""


def _tags(tags: Any) -> str:
    """A correction's tags in words ("kick, tom"; none: "the tagger's tags")."""
    return ", ".join(safe_text(str(t)) for t in (tags if isinstance(tags, list) else [])) or "the tagger's tags"


def _more(listed: list[Any]) -> list[str]:
    """"    and N more" past the first :data:`KEPT_NAMED` of ``listed``."""
    return [f"    and {len(listed) - KEPT_NAMED} more"] if len(listed) > KEPT_NAMED else []


def not_sent(exc: HatboxError, lid: str, count: int, shown: str, src: Path, given: bool = True) -> HatboxError:
    """The error of corrections (``count`` files, from ``shown``) that did not reach library ``lid`` (``exc``: why):
    the library is on the box without them; the same push-library sends them to it (with ``--fixes`` and the file
    unless ``given`` is False: the database the push finds in the folder itself)."""
    import shlex
    fixes = f" --fixes {shlex.quote(shown)}" if given else ""
    again = f"hatbox push-library {shlex.quote(safe_text(str(src)))}{fixes}"
    first = Exception.__str__(exc)
    return HatboxError(f"{first}; library {safe_text(lid)} is on the box, but your corrections of "
                       f"{count_words(count, 'file')} (from {shown}) did not reach it",
                       hint=(f"{exc.hint}; then " if exc.hint else "once the box answers again, ")
                       + f"send them to it: {again} (the library is there: only the corrections go)")


def export_fixes(client: Any, lid: str, out: Path, folder: str | None, force: bool = False) -> int:
    """`box-library ID --export-fixes CSV [--folder DIR]`: the box's corrections of library ``lid`` (quoted for the
    URL) as the CSV `hatbox train tagger` takes (``path,tag[,tag...]``): each path the file's under ``folder`` (the
    library's folder on this laptop; default the CSV's own), written relative to the CSV's folder."""
    check_csv_out(out, flag="--export-fixes", show=lambda p: safe_text(str(p)), example="fixes.csv")
    refuse_foreign(out, force, safe_text(str(out)), "--export-fixes")
    fixes = _call(client, "GET", f"/libraries/{lid}/fixes", expect=list)
    base = Path(folder).resolve() if folder else out.parent.resolve()
    rows = [f for f in fixes if f.get("heard") or f.get("tagged") is False]       # a none: [""], written `path,`
    write_fixes_csv(out, [(os.path.relpath(base / f["path"], out.parent.resolve()), f["tags"]) for f in rows],
                    safe_text(str(out)))
    print(f"{count_words(len(rows), 'corrected file')} -> {safe_text(str(out))} (paths inside "
          f"{safe_text(str(base))})" + ("" if rows or fixes else f" (none yet: hatbox box-library {lid} --fix PATH "
                                                              "TAG)"))
    say_not_tagged(rows)
    nones = sum(1 for f in rows if f.get("tags") == [""])
    if nones:
        print(f"  {nones} of them {'carries' if nones == 1 else 'carry'} none of your words (box-library --fix PATH "
              "--none): written as the path and an empty tag, `path,`")
    if len(fixes) > len(rows):
        print(f"  {count_words(len(fixes) - len(rows), 'corrected file')} left out: the tagger could not hear "
              "it (silent, empty or undecodable): no use as training data")
    missing = sum(1 for f in rows if not (base / f["path"]).is_file())
    if missing:
        print(f"note: {count_words(missing, 'file')} of it {'is' if missing == 1 else 'are'} not under "
              f"{safe_text(str(base))} on this laptop: give --folder the folder you sent with hatbox push-library",
              file=sys.stderr)
    elif rows:
        print(f"  train the next tagger with it: hatbox train tagger YOUR-TAGS/ {quoted(safe_text(str(out)))}")
        inside_note(out, base)
    return 0


def say_not_tagged(rows: list[dict[str, Any]]) -> None:
    """The line `--export-fixes` adds when some of the corrections it wrote (``rows``, GET /libraries/{id}/fixes')
    are of files the box's tagging has not reached yet (``tagged`` false, a box of p47 on): written all the same,
    whether the tagger could hear them is not known yet (training leaves out a file it cannot hear)."""
    count = sum(1 for f in rows if f.get("tagged") is False)
    if count:
        print(f"  {count} of them {'is' if count == 1 else 'are'} not tagged on the box yet (its tagging has not "
              f"reached {'it' if count == 1 else 'them'}): written all the same (hatbox train tagger leaves out a "
              "file it cannot hear)")


def inside_note(out: Path, base: Path) -> None:
    """A note on stderr when the CSV ``out`` was written inside ``base``, the library's folder (forty-sixth stop's
    QA: the next push-library of the folder sent it with the samples, and the box left it out as not audio): how it
    goes as corrections instead, and a place outside the folder."""
    import shlex
    try:
        out.resolve().relative_to(base)
    except ValueError:
        return
    folder, shown = shlex.quote(safe_text(str(base))), shlex.quote(safe_text(str(out)))
    print(f"note: {shown} is inside the library's folder: hatbox push-library {folder} --fixes {shown} sends it as "
          "your corrections and leaves it out of the files; pushed without --fixes it goes with the samples and the "
          "box leaves it out as not audio (write it outside the folder, e.g. --export-fixes "
          f"{shlex.quote(safe_text(str(base.parent / (base.name + '-fixes.csv'))))} --folder {folder}, to keep the "
          "folder as it is)", file=sys.stderr)


def sampler_warnings(client: Any, rel: str, tries: int = 4, wait_s: float = 0.2) -> list[str]:
    """The box's sampler warnings (GET /status, device.control.slot_warnings) about library file ``rel`` (as
    box-library lists it) just mapped or played: "Loops/amen.wav is 4:00 long: the sampler plays only its first
    60 s".  The engine reports them a moment after it decodes the file: asked up to ``tries`` times, ``wait_s``
    apart; [] when there are none or the box does not say."""
    import time

    from device.control import file_label, slot_warnings
    label = file_label(rel.replace("\\", "/"))       # how the sampler's warnings name a library's file
    for attempt in range(tries):
        status = asked(client, "/status")       # words the command adds: none when the box does not say
        if status is None:
            return []
        engine = status.get("engine") if isinstance(status, dict) else None
        found = [t for t in slot_warnings(engine if isinstance(engine, dict) else {}) if t.startswith(label + " ")]
        if found or attempt == tries - 1:
            return found
        time.sleep(wait_s)
    return []


def say_sampler_warnings(client: Any, rel: str) -> None:
    """Print the box's sampler warnings about library file ``rel`` (:func:`sampler_warnings`), one a line."""
    for text in sampler_warnings(client, rel):
        print(f"warning: {safe_text(text)}")


def archive_files(archive: Path) -> list[tuple[str, int]]:
    """(name, size in bytes) of each file member of the tar or zip ``archive``, as the box's own reader lists them
    (device.library.archive, its limits included); [] when it cannot be read (the box says why)."""
    from device.library.archive import ArchiveError, each_member
    try:
        return [(e.name, int(e.size)) for e in each_member(archive) if e.kind == "file"]
    except (ArchiveError, OSError):
        return []


def refused_names(archive: Path) -> list[tuple[str, str]]:
    """(name, why) of each file of the tar or zip ``archive`` whose name the box's upload refuses, by the box's own
    rule (device.library.member_checks.safe_relpath: a Latin-1 name that is not valid UTF-8, a control character),
    leaving out what the box skips as metadata (member_checks.is_metadata_member: macOS's ``Icon\\r`` too); [] when
    it cannot be read (the box says why)."""
    from device.library.member_checks import is_metadata_member, safe_relpath
    return [(name, why) for name, _ in archive_files(archive)
            if not is_metadata_member(name) and isinstance(why := safe_relpath(name), str)]


def without_members(tar: Path, names: set[str]) -> None:
    """Write the tar ``tar`` (one `push-library` packed from a folder) again without the members ``names``."""
    import shutil
    import tarfile
    part = tar.with_name(tar.name + ".partial")
    with tarfile.open(tar) as src, tarfile.open(part, "w") as dst:
        for member in src.getmembers():
            if member.name not in names:
                data = src.extractfile(member) if member.isfile() else None
                dst.addfile(member, data)
    shutil.move(part, tar)


def left_out_lines(src: Path, skipped: list[tuple[str, str]]) -> list[str]:
    """`push-library`'s lines for what was left out of folder ``src`` ((path inside it, why); a path of "" is a count
    said in ``why``, such as the links to files sent once), each counted by what it is; a name that is not UTF-8
    shown as ``caf\\xe9.wav``, as hatbox tag shows it (hatbox.text.display_name)."""
    shown = safe_text(src.name or str(src))
    named = [(p, why) for p, why in skipped if p]
    lines = [f"note: left out of {shown}: {safe_text(why)}" for p, why in skipped if not p]
    if named:
        folders = sum(1 for p, _ in named if (src / p).is_dir())
        noun = count_words(len(named) - folders, "file") if not folders else (
            count_words(len(named), "file or folder", "files or folders"))
        lines.append(f"note: left out of {shown}: {noun}, not sent:")
        lines += [f"  skipped {safe_text(display_name(p))}: {safe_text(display_name(why))}" for p, why in named]
    return lines
