"""More of `hatbox push-library` (hatbox/cmd_box_library.py, kept under 600 lines): a folder the box holds already.

Sending the same folder again is refused (nothing is sent: the box keeps one copy), unless the laptop has
corrections of its files: those go to the library already there (POST /libraries/{id}/fixes gives each file the
tags it is sent, so sending them twice changes nothing).  Forty-first stop, QA: the power cut between an upload and
its corrections left the library on the box without them, and the retry was refused with no word of them."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from device.library.held import held_copy
from hatbox.box_client import _call, asked, safe_text
from hatbox.errors import HatboxError
from hatbox.library_fixes import LaptopFixes, archive_files, send_fixes
from hatbox.text import NO_TAGGER, count_words

if TYPE_CHECKING:
    from hatbox.archive_look import ArchiveLook


def library_there(client: Any, archive: Path, audio: dict[str, int] | None = None,
                  digest: str | None = None, name: str | None = None,
                  libs: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The box's library uploaded from the very bytes of ``archive`` (the same zip or tar, or a folder packed
    unchanged), unless that one failed (the box's own advice for it is to send it again); None when there is none.
    A library whose record the box made again from its files (a damaged or lost library.json: the upload's digest is
    gone; QA, a second copy was sent) is known by the digest of its audio files' paths and sizes instead
    (device.api.library_rebuild.files_digest): a folder changed since, or holding a file the box refused, is not it.
    A box from before libraries kept their digest lists none: nothing is compared there.  ``audio``: the archive's
    :func:`audio_members` when the caller has them already (hatbox.archive_look: not read again); ``digest``: the
    archive's SHA-256 when the caller has it already; ``name``: of several copies, one of that name first
    (:func:`named_copy`); ``libs``: the libraries to look in, when the caller read them (default: GET /libraries'
    but the failed: :func:`held_libraries`)."""
    from device.store import file_sha256

    libs = held_libraries(client) if libs is None else libs
    digest = digest or file_sha256(archive)
    found = named_copy(libs, digest, name)     # the box's own rule (device.library.held)
    if found is None and (mark := files_mark(libs, archive, audio)) is not None:
        found = named_copy(libs, mark, name)
    return found


def files_mark(libs: list[dict[str, Any]], archive: Path, audio: dict[str, int] | None) -> str | None:
    """The digest of ``archive``'s audio files (``audio``: its :func:`audio_members`, read when None) where one of
    ``libs`` is listed by its files' digest (a box that made the record again from its files), else None."""
    from device.api.library_rebuild import FILES_DIGEST, files_digest
    if not any(str(lib.get("sha256") or "").startswith(FILES_DIGEST) for lib in libs):
        return None
    return files_digest(audio_members(archive) if audio is None else audio)


def named_copy(libs: list[dict[str, Any]], digest: str | None, name: str | None) -> dict[str, Any] | None:
    """The box's library of digest ``digest`` (device.library.held.held_copy's rule: the newest not failed), but
    the newest of them called ``name`` (any case, either Unicode form) where one is: a push --name NAME of files
    the box holds twice, once under another name, finds its own."""
    from device.versions import folded
    named = [lib for lib in libs if name is not None and folded(lib.get("name")) == folded(name)]
    return held_copy(named, digest) or held_copy(libs, digest)


def held_libraries(client: Any) -> list[dict[str, Any]]:
    """The box's libraries (GET /libraries) but those that failed (the box's own advice for one: send it again)."""
    return held_of(_call(client, "GET", "/libraries", expect=list))


def held_of(libs: list[Any]) -> list[dict[str, Any]]:
    """The libraries of ``libs`` (GET /libraries, as read) but those that failed."""
    return [lib for lib in libs if isinstance(lib, dict) and lib.get("state") != "failed"]


def remembered_there(client: Any, src: Path, mark: str, name: str | None = None) -> dict[str, Any] | None:
    """The box's library of folder ``src``, unchanged (fingerprint ``mark``: hatbox.library_memory) since this laptop
    packed it into an archive the box holds, asked before packing it again (one called ``name`` first:
    :func:`named_copy`); None: not known, or not there."""
    from hatbox.library_memory import archive_digest
    digest = archive_digest(src, mark)
    return named_copy(held_libraries(client), digest, name) if digest else None


def check_name(name: str, given: bool, src: Path) -> None:
    """HatboxError, before a byte is packed or sent and before any look for the files on the box (p48 regression
    QA: the held shortcut took a --name the box refuses), for a library name the box refuses (device/api/
    library_once.py ``library_name``'s rule: nothing once stripped, or, once stripped, a character hatbox.text.
    unsafe_char refuses: p49, a leading tab the box strips and takes was refused here); ``given``: the --name's, else
    the folder's or archive's own name."""
    from hatbox.text import unsafe_char, unsafe_char_words
    bad = next((c for c in name.strip() if unsafe_char(c)), None)
    if name.strip() and bad is None:
        return
    what = "--name" if given else f"the library's name (the name of {safe_text(src.name or str(src))})"
    why = f"holds {unsafe_char_words(bad)}" if bad is not None else "is empty once its spaces are taken off"
    raise HatboxError(f"{what} {safe_text(repr(name))} {why}: the box refuses it; nothing was sent",
                      hint=("give a name of letters, digits, spaces and punctuation" if given else
                            "give another: --name NAME (letters, digits, spaces and punctuation)"))


def held_named(lib: dict[str, Any], name: str, src: Path, args: Any) -> None:
    """``src``'s files are on the box as library ``lib``: when under another name than ``name`` (p48 regression QA:
    `--name rock --replace` answered with '808', exit 0, 'rock' untouched), HatboxError (nothing sent) with
    --replace, which acts on ``name``; with a --name alone a note on stderr (the push answers with the library there,
    exit 0, as before: p23's one copy of a set of files).  Refused rather than sent again: the box keeps one copy of
    a set of files unless asked for a second (--again), which costs the card's room and a second tagging; the hint
    gives that push, and the library there."""
    from device.versions import folded
    from hatbox.library_replace import box_name
    if (args.name is None and not args.replace) or folded(lib.get("name")) == folded(box_name(name)):
        return
    lid, want = safe_text(str(lib.get("id"))), safe_text(box_name(name))
    again = (f"hatbox push-library {shlex.quote(safe_text(str(src)))}"
             + (f" --name {shlex.quote(safe_text(name))}" if args.name is not None else "")
             + " --again" + (" --replace" if args.replace else ""))
    there = f"library {lid} ('{safe_text(str(lib.get('name')))}'), not as '{want}'"
    if not args.replace:
        print(f"note: these files are on the box as {there}: a push does not rename it (a second copy called "
              f"'{want}': {again})", file=sys.stderr)
        return
    raise HatboxError(f"{safe_text(str(src))} is already on the box as {there}; nothing was sent, nothing deleted "
                      f"(--replace acts on '{want}')",
                      hint=f"a second copy of these files called '{want}', replacing your older '{want}': {again}; "
                           f"or use the one there: hatbox box-library {shlex.quote(lid)}")


def before_sending(src: Path, archive: Path, look: ArchiveLook | None = None) -> frozenset[str]:
    """What `push-library` says of ``src`` (a folder, or the zip or tar ``archive`` itself) before a byte is sent,
    by the box's own rules: an archive's members the box refuses for their names (:func:`say_refused_names`; a
    folder's are left out of its archive before, by hatbox.library_fixes.refused_names), and the samples that peak
    over full scale (hatbox.hot_samples; an archive's from ``look``, hatbox.archive_look's one reading of it, read
    here when not given).  Returns the paths it named (as the box's answer names them), which the box's answer then
    leaves unsaid.  HatboxError, nothing sent, when the box would refuse every audio file's name."""
    from hatbox.archive_look import look_archive
    from hatbox.hot_samples import hot_in_walk, hot_lines
    from hatbox.push_walk import done_walking, walked
    if src.is_dir():
        said, hot = set(), hot_in_walk(walked(src))     # the push's one walk of the folder: its last reader
        done_walking()
    else:
        look = look or look_archive(archive)
        said, hot = say_refused_names(src, archive, look), look.hot
    for line in hot_lines(hot):
        print(line)
    return frozenset(said | {rel for rel, _ in hot})


def say_refused_names(src: Path, archive: Path, look: ArchiveLook | None = None) -> set[str]:
    """Print the members of the zip or tar ``archive`` (``src``) whose names the box refuses, each with why and
    what to do (device.library.member_names: the box's own rule, its reading of the archive's names; from ``look``,
    hatbox.archive_look's one reading of the archive, read here when not given), and return them; HatboxError
    (nothing sent) when that leaves no audio file for the box to keep (p43 leftovers: the box said it after the
    whole upload)."""
    if look is None:
        from hatbox.archive_look import look_archive
        look = look_archive(archive, hot=False)
    refused = look.refused
    if not refused:
        return set()
    if not look.audio:
        raise HatboxError(f"the box refuses the name of every audio file of {safe_text(src.name)} (as "
                          f"{safe_text(refused[0][0])}: {safe_text(refused[0][1])}); nothing was sent",
                          hint="rename the files (letters, digits, spaces, punctuation; UTF-8 names), make the "
                               "archive again, then send it again")
    print(f"note: the box will refuse {count_words(len(refused), 'file')} of {safe_text(src.name)} for "
          f"{'its name' if len(refused) == 1 else 'their names'}, and keep the rest:")
    for name, why in refused:
        print(f"  refused {safe_text(name)}: {safe_text(why)}: rename it in the archive, then send it again")
    return {name for name, _ in refused}


def audio_members(archive: Path) -> dict[str, int]:
    """The audio files the box would keep of ``archive`` (path as it lists them: size in bytes), by its own reading
    of the archive (device.library.archive): safe names, audio extensions, no hidden or operating-system file;
    {} when it cannot be read (the box says why)."""
    from device.library.archive import AUDIO_EXTENSIONS, is_metadata
    from device.library.member_checks import safe_relpath
    found = {}
    for name, size in archive_files(archive):
        rel = safe_relpath(name)
        if not isinstance(rel, str) and not is_metadata(rel) and rel.suffix.lower() in AUDIO_EXTENSIONS:
            found[str(rel)] = size
    return found


def already_there(client: Any, lib: dict[str, Any], src: Path, fixes: LaptopFixes | None,
                  said: frozenset[str] | set[str] = frozenset(), wait: bool = False, sent: bool = False,
                  later: bool = False) -> None:
    """``src`` is on the box already as library ``lib``: its files are not sent again, said in a line (exit 0: a
    re-run of the same push, e.g. after a power cut, finds its work done).  What the box's checks found when it was
    sent is said again (:func:`earlier_checks`; but the files in ``said``, which the laptop has just named).  The
    laptop's corrections of them (``fixes``, the database `push-library` sends them from, read once) go to it, said.
    ``wait``: the caller follows its tagging next (a library tagging or tagged), said here instead of the hint.
    ``sent``: the files went, and the box answered that it held them already (another push of the same folder at
    the same moment: device/api/library_once.py), so it kept no second copy.  ``later``: lines come between this and
    the tagging followed (--replace's), so the caller says :func:`following_words` after them (p49 month QA: "its
    tags as the box has them:" stood over the --replace lines)."""
    earlier_checks(client, src, lib, said)
    sending = fixes.sent()[0] if fixes is not None else []
    follows = wait and lib.get("state") in FOLLOWED
    following = following_words(lib) if follows and not later else ""
    nothing = ("another push sent the same files a moment before: the box kept no second copy" if sent
               else "nothing was sent again")
    if not sending:
        print(f"{_held_words(src, lib)}; {nothing}" + (f"; {following}" if following else ""))
        say_own_empty(fixes)
        if not follows:
            print(f"  {_next_step(client, lib)}; to send a second copy all the same: hatbox push-library "
                  f"{shlex.quote(safe_text(str(src)))} --again")
        return
    print(f"{_held_words(src, lib)}: its files were not sent again; sending your corrections of "
          f"{count_words(len(sending), 'file')} to it")
    send_fixes(client, str(lib.get("id")), fixes, went="went to it")
    if following or not follows:
        print(f"  {following}" if following else f"  {_next_step(client, lib)}")


DB_SUFFIXES = (".db", ".sqlite", ".sqlite3")     # a tag database kept elsewhere (`hatbox tag FOLDER --out lib.db`)
LOOKED_AT = 200                                 # files of a folder looked at for one, at most


def own_empty_note(fixes: LaptopFixes | None) -> str:
    """The note when the corrections that go with a folder are its own database's (``fixes``: no --fixes given) and
    it holds none (p50 QA: an early `hatbox tag FOLDER` without --out left an empty one; the corrections were made in
    lib.db, as docs/tagger.md's steps do, and push-library said nothing of them): what to add, naming a tag database
    of the folder that holds corrections where one lies beside it (:func:`databases_of`); "" otherwise."""
    from device.library.db import IN_LIBRARY
    if fixes is None or not fixes.src.is_dir() or fixes.sent() != ([], 0):
        return ""
    src, own = fixes.src, fixes.path
    if own.resolve() != (src / IN_LIBRARY).resolve():
        return ""
    found = databases_of(src, own)
    if not found:
        return ("note: no corrections go with it (the folder's own database has none; corrections in another "
                "database: --fixes DB)")
    db, n = found[0]
    shown = shlex.quote(safe_text(_near(db)))
    return (f"note: no corrections go with it (the folder's own database has none; {shown} holds your corrections "
            f"of {count_words(n, 'file')} of it: hatbox push-library {shlex.quote(safe_text(str(src)))} "
            f"--fixes {shown})")


def say_own_empty(fixes: LaptopFixes | None) -> None:
    """Print :func:`own_empty_note` on stderr (a note beside the library's lines), when there is one."""
    note = own_empty_note(fixes)
    if note:
        print(note, file=sys.stderr)


def databases_of(src: Path, own: Path) -> list[tuple[Path, int]]:
    """Tag databases of folder ``src`` (their library folder is ``src``) that hold corrections, but ``own``: looked
    for where docs/tagger.md's steps keep one (the working folder, the folder's parent), each with how many files
    it corrects, most first.  The laptop keeps no list of its databases (pushed.json records folders)."""
    top, seen, found = src.resolve(), {own.resolve()}, []
    for where in dict.fromkeys([Path.cwd(), top.parent]):
        for db in _candidates(where):
            if db.resolve() in seen:
                continue
            seen.add(db.resolve())
            n = _corrections_of(db, top)
            if n:
                found.append((db, n))
    return sorted(found, key=lambda f: -f[1])


def _candidates(where: Path) -> list[Path]:
    """The files of folder ``where`` named as a tag database may be (:data:`DB_SUFFIXES`), at most
    :data:`LOOKED_AT` of its entries looked at."""
    try:
        with os.scandir(where) as listing:
            names = [e.name for _, e in zip(range(LOOKED_AT), listing)]
    except OSError:
        return []
    return [where / n for n in sorted(names) if n.lower().endswith(DB_SUFFIXES)]


def _corrections_of(db: Path, top: Path) -> int:
    """How many files of the library folder ``top`` the tag database ``db`` corrects (0: none, another folder's,
    or not a tag database)."""
    from device.library.query import root_of
    from hatbox.fixes_given import is_database
    from device.library.fixes import corrections
    try:
        return len(corrections(db)) if is_database(db) and root_of(db).resolve() == top else 0
    except Exception:  # noqa: BLE001 - HatboxError, OSError, sqlite3's: one that is not a tag database says nothing
        return 0


def _near(path: Path) -> str:
    """``path`` as typed from the working folder: relative when it lies under it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def following_words(lib: dict[str, Any]) -> str:
    """What `push-library --wait` says before the tagging of library ``lib`` (held already) it follows."""
    return "following its tagging" if lib.get("state") == "tagging" else "its tags as the box has them:"


FOLLOWED = ("tagging", "done")      # a library held already that push-library --wait follows (done: says its tags)


def report_lines(body: dict[str, Any], said: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The ``  rejected PATH: why`` and ``  warning PATH: what`` lines of a library's report (the box's answer to its
    upload, or GET /libraries/ID), but for the files in ``said`` (the laptop named them before it sent them: a name
    the box refuses, a sample over full scale)."""
    out = []
    for f in body.get("files") or []:
        if not isinstance(f, dict) or f.get("path") in said:
            continue
        if not f.get("ok") and not f.get("not_audio"):
            out.append(f"  rejected {safe_text(str(f.get('path')))}: {safe_text(str(f.get('reason')))}")
        elif f.get("warning"):
            out.append(f"  warning {safe_text(str(f.get('path')))}: {safe_text(str(f['warning']))}")
    return out


def note_lines(body: dict[str, Any]) -> list[str]:
    """The ``  note: ...`` lines of the box's notes on a library's archive as a whole (its ``notes``: "names read as
    Shift-JIS (a Japanese Windows zip)"), in an upload's answer or GET /libraries/ID."""
    notes = body.get("notes")
    return [f"  note: {safe_text(str(n))}" for n in (notes if isinstance(notes, list) else [])]


def earlier_checks(client: Any, src: Path, lib: dict[str, Any], said: frozenset[str] | set[str]) -> None:
    """Print what the box's checks found when library ``lib`` (a GET /libraries entry: ``src`` sent before) was sent:
    its files rejected, those kept with a warning, its notes on the archive (GET /libraries/ID), but for the files in
    ``said``.  p43 leftovers: a push of the same bytes answered "already there" and never these again.  Nothing when
    there are none, or the library cannot be read (the answer that it is there goes on)."""
    from urllib.parse import quote
    body = asked(client, f"/libraries/{quote(str(lib.get('id', '')), safe='')}")
    if body is None:
        return
    lines = report_lines(body, said) + note_lines(body)
    if lines:
        print(f"{safe_text(str(src))} as the box's checks found it when it was sent "
              f"(library {safe_text(str(lib.get('id', '?')))}):")
        for line in lines:
            print(line)


def _held_words(src: Path, lib: dict[str, Any]) -> str:
    """"FOLDER is already on the box as library ID ('name', state, N files)"."""
    files = lib.get("accepted")
    held = f", {count_words(files, 'file')}" if isinstance(files, int) else ""
    return (f"{safe_text(str(src))} is already on the box as library {safe_text(str(lib.get('id', '?')))} "
            f"('{safe_text(str(lib.get('name', '')))}', {safe_text(str(lib.get('state', '?')))}{held})")


def _next_step(client: Any, lib: dict[str, Any]) -> str:
    """What to do with library ``lib`` the box holds: wait for a tagger, tag it, follow its tagging, or list its
    tags."""
    lid, state = shlex.quote(safe_text(str(lib.get("id", "?")))), lib.get("state")
    if state == "tagging":
        return f"the box is tagging it: hatbox box-library {lid} --wait follows it"
    if state == "untagged" and lib.get("error") == NO_TAGGER:
        return f"the box tags it as soon as a tagger pack is active: {tagger_way(client)}"
    if state in ("untagged", "cancelled"):
        return f"tag it with the active tagger: hatbox box-library {lid} --retag"
    return f"its tags: hatbox box-library {lid}"


def tagger_way(client: Any) -> str:
    """How to make a tagger pack active on the box: the tagger pack it used last or its newest
    (:func:`device.store.to_activate`; ``box-pack ID --activate``), else sending one."""
    from device.store import to_activate
    packs = asked(client, "/packs", list)
    pid = to_activate(packs, "tagger") if packs is not None else None
    return (f"hatbox box-pack {shlex.quote(safe_text(pid))} --activate" if pid
            else "hatbox push TAGGER.hatpack --activate")


TEMP_PREFIX = "hatbox-push-library-"     # the temporary folder of a folder's archive (a full copy of the library)
STALE_S = 24 * 3600                      # one of them untouched this long was left by a push that was killed
OWNER = "owner.json"                     # in it: the push's pid, boot id and start time (p50 FG; the archive: *.tar)


def temp_folder() -> tempfile.TemporaryDirectory:
    """The temporary folder a folder is packed into for `push-library`, named ``hatbox-push-library-*`` in the
    system's temporary folder (TMPDIR); removed when the command ends, however it ends but SIGKILL (or a power cut).
    Those are left behind: this push first removes them (:func:`sweep_stale`: those whose push is gone, p50 QA
    "165-224 MiB each"), said in one line on stderr; its own holds :data:`OWNER`, which says whose it is."""
    gone = sweep_left()
    if gone:
        print(swept_words(gone), file=sys.stderr)
    tmp = tempfile.TemporaryDirectory(prefix=TEMP_PREFIX)
    write_owner(Path(tmp.name))
    return tmp


def write_owner(folder: Path, pid: int | None = None) -> None:
    """Write :data:`OWNER` into ``folder``: the pid of its push (``pid``, this process by default), the boot id and
    the process's start time (clock ticks since boot), so that a later push knows it from a live one (a pid used
    again after a reboot or by another process is not its push).  Never raises (a folder without it is swept by
    age, :data:`STALE_S`)."""
    pid = os.getpid() if pid is None else pid
    try:
        (folder / OWNER).write_text(json.dumps({"pid": pid, "boot": boot_id(), "start": process_start(pid)}))
    except OSError:
        pass


def boot_id() -> str:
    """This boot's id (Linux's /proc/sys/kernel/random/boot_id); "" where there is none (macOS)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_start(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, /proc/PID/stat's 22nd field); None where that cannot
    be read (no such process, or no /proc)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        return int(stat_line.rpartition(")")[2].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def owner_gone(folder: Path) -> bool | None:
    """Whether the push that made the temporary folder ``folder`` is gone (its :data:`OWNER`: another boot's, no
    such process, or another process under its pid); None when it does not say (no owner file: an older hatbox's, or
    one just made)."""
    try:
        owner = json.loads((folder / OWNER).read_text())
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if owner.get("boot") and boot_id() and owner["boot"] != boot_id():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False                           # there, another user's: not ours to judge
    start = owner.get("start")
    return start is not None and process_start(pid) not in (None, start)


def sweep_stale(root: Path | None = None, now: float | None = None) -> list[Path]:
    """:func:`sweep_left`'s folders removed."""
    return [folder for folder, _ in sweep_left(root, now)]


def sweep_left(root: Path | None = None, now: float | None = None) -> list[tuple[Path, int]]:
    """Remove the ``hatbox-push-library-*`` folders of this user in ``root`` (the temporary folder) whose push is
    gone (:func:`owner_gone`: killed, or the computer restarted), never another live push's; one that does not say
    whose it is when neither it nor anything in it changed for :data:`STALE_S`.  Returns (folder, bytes freed) of
    each removed.  Never raises."""
    root, now = Path(root or tempfile.gettempdir()), time.time() if now is None else now
    gone = []
    for folder in root.glob(TEMP_PREFIX + "*"):
        try:
            st = folder.lstat()
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            dead = owner_gone(folder)
            if dead is None:
                dead = now - max([st.st_mtime] + [e.lstat().st_mtime for e in folder.iterdir()]) > STALE_S
        except OSError:
            continue
        if dead:
            size = _bytes_in(folder)
            shutil.rmtree(folder, ignore_errors=True)
            gone.append((folder, size))
    return gone


def _bytes_in(folder: Path) -> int:
    """Bytes of the files in ``folder`` (and its folders; links not followed)."""
    total = 0
    for top, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(top, name)).st_size
            except OSError:
                pass
    return total


def swept_words(gone: list[tuple[Path, int]]) -> str:
    """The line for the temporary folders :func:`sweep_left` removed: "removed 2 temporary folders left by
    push-library runs that were killed or cut off (389 MiB freed, in /tmp)"."""
    from device.library.archive_members import bytes_words
    runs = "a push-library run that was" if len(gone) == 1 else "push-library runs that were"
    return (f"note: removed {count_words(len(gone), 'temporary folder')} left by {runs} killed or cut off "
            f"({bytes_words(sum(size for _, size in gone))} freed, in {safe_text(str(gone[0][0].parent))})")


class Pushed:
    """What `push-library --json` prints at its end: the library the push left on the box (None: none yet); what
    --replace deleted and left (hatbox.library_replace.Replaced: lists of None without --replace)."""

    def __init__(self, replace: Any = None) -> None:
        from hatbox.library_replace import Replaced
        self.lid: str | None = None
        self.sent_before = False
        self.replace = replace if replace is not None else Replaced()


@contextmanager
def json_answer(client: Any, on: bool, replace: Any = None) -> Iterator[Pushed]:
    """`push-library --json`: the command's lines go to stderr, and at its end, also when it fails after the box
    kept the library (a --wait with no tagger active), stdout gets one JSON object: ``{"id", "name", "files",
    "state", "sent_before", "same_name"}`` (files: accepted; sent_before: the box held these files already, nothing
    new kept; same_name: the ids of the box's other libraries of its name, oldest first), from the box's listing
    then (:func:`pushed_record`); with --replace also ``replaced`` and ``left`` (the ids it deleted, and those of the
    other libraries of the name it left: another laptop's, or one it could not delete; ``replace``: the
    hatbox.library_replace.Replaced the push fills).  Off: nothing changes."""
    pushed = Pushed(replace)
    if not on:
        yield pushed
        return
    try:
        with redirect_stdout(sys.stderr):
            yield pushed
    finally:
        if pushed.lid is not None:
            print(json.dumps(pushed_record(client, pushed), ensure_ascii=False), flush=True)


def pushed_record(client: Any, pushed: Pushed) -> dict[str, Any]:
    """`push-library --json`'s object for library ``pushed.lid``, as the box lists it now (``state``: "unknown",
    the rest null, where the box cannot be asked)."""
    from hatbox.library_owners import named
    libs = asked(client, "/libraries", list) or []
    lib = next((x for x in libs if isinstance(x, dict) and x.get("id") == pushed.lid), {})
    same = [x for x in named(libs, lib.get("name")) if x.get("id") != pushed.lid] if lib else []
    record = {"id": pushed.lid, "name": lib.get("name"), "files": lib.get("accepted"),
              "state": lib.get("state", "unknown"), "sent_before": pushed.sent_before,
              "same_name": [x.get("id") for x in same]}
    done = pushed.replace
    if done.replaced is not None:
        record.update(replaced=list(done.replaced), left=list(done.left or []))
    return record


def held_push(client: Any, lib: dict[str, Any], src: Path, fixes: LaptopFixes | None, args: Any,
              said: frozenset[str] = frozenset(), sent: bool = False, replace: Any = None) -> int:
    """`push-library` of files the box holds already as library ``lib``: said (:func:`already_there`), the laptop's
    corrections sent to it; with --replace (``replace``: hatbox.library_replace.Replacement), ``lib`` replaces this
    laptop's older libraries of its name (p48 review: a push whose answer was lost, sent again, kept them all, exit
    0); with ``--wait``, as `box-library ID --wait` does: its tagging followed to its end, and a library left
    untagged (no tagger active) or cancelled fails the command (exit 2: the tags waited for are not there)."""
    from urllib.parse import quote

    from hatbox.cmd_box_library import _follow_to_end
    from hatbox.push_walk import done_walking
    done_walking()                   # nothing packed: the push's walk is not held while its tagging is followed
    replacing = replace is not None and bool(getattr(replace, "on", False))
    already_there(client, lib, src, fixes, said, wait=args.wait, sent=sent, later=replacing)
    if replace is not None:
        replace.held(client, lib)
    if replacing and args.wait and lib.get("state") in FOLLOWED:    # over the tags it heads, not --replace's lines
        print(following_words(lib))
    if args.wait:
        _follow_to_end(client, quote(str(lib["id"]), safe=""), args.quiet, str(lib.get("name") or ""))
    if replace is not None:
        replace.end()
    return 0
