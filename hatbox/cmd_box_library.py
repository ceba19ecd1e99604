"""Laptop side of the box's sample libraries: `hatbox push-library` (a folder, zip or tar, checked here before a
byte is sent) and `hatbox box-library` (list, tags, corrections, re-tag, cancel, delete).  Pairing, the URL and
the token are hatbox.cmd_remote's."""
from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Callable

from hatbox import box_words, library_archive, library_browse, tagging_end_words, upload_asked
from hatbox.archive_look import look_archive
from hatbox.box_client import _box_reply, _call, _check_limit, _client, asked, safe_text, upload
from hatbox.box_library_args import box_library_options, push_library_options
from hatbox.cmd_remote import target
from hatbox.errors import HatboxError, NotOnBox
from hatbox.library_uploading import awaited_upload, no_library_words, upload_first, uploading_lines
from hatbox.library_audition import stop_command
from hatbox.library_delete import delete_library, deleted_while_tagged
from hatbox.library_find import find_library, newest_first, picks_for as _picks, state_words
from hatbox.library_path import check_not_two, retaken
from hatbox.library_fixes import LaptopFixes, export_fixes, fixes_in_folder, left_out_lines, push_fixes, \
    refused_names, retag_not_through, retag_started, say_no_fixes, say_sampler_warnings, send_fixes, \
    stopped_retag_line, without_members
from hatbox.library_packs import names_of, pack_names, pack_said
from hatbox.library_limits import check_archive, folder_fits, limits_from
from hatbox.library_memory import Earlier, Settle, file_marks, fingerprint, left_out_said, remember, \
    remember_name
from hatbox.library_push import before_sending, check_name, held_named, held_of, held_push, json_answer, \
    library_there, note_lines, remembered_there, report_lines, tagger_way, temp_folder
from hatbox.library_owners import UNNAMED_NOTE, PushSeen, deleted_library_error, fixes_by, hit_label, same_name_note, \
    unnamed_corrections, uploaded_words
from hatbox.library_replace import Replacement, box_name
from hatbox.listing import DOUBT_HEADING, UNSURE_HEADING, by_count, column_key, cut_line, doubt_line, footer, \
    heading, print_json, tag_heading, unsure_line
from hatbox.query_lines import all_heard_line
from hatbox.text import NO_TAGGER, count_words

NOT_AUDIO_NAMED = 5        # files left out for not being audio that an upload's summary names, the rest counted
FOLLOW_POLL_S = 0.5        # s between two reads of a library whose tagging is followed (--wait)


def push_library(args: argparse.Namespace) -> int:
    """`hatbox push-library SOURCE`: the source checked before the box is reached (:func:`_checked_source`), then
    :class:`_Push`'s steps with the box, all in one reading (hatbox.push_walk.one_reading: the folder walked once,
    pushed.json read once)."""
    from hatbox.push_walk import one_reading
    src = Path(args.source)
    name, fixes = _checked_source(src, args)
    replace = Replacement(args, name, src, fixes)     # --replace's steps: none without it (--yes alone: refused)
    with temp_folder() as tmp, _client(*target(args)) as c, one_reading(), \
            json_answer(c, args.json, replace.done) as pushed:
        return _Push(c, args, src, name, fixes, replace, pushed).run(Path(tmp))


def _checked_source(src: Path, args: argparse.Namespace) -> tuple[str, LaptopFixes | None]:
    """Before the box is reached: the library's name and the laptop's corrections that go with it (read once for the
    push: hatbox.library_fixes.push_fixes); HatboxError for a source that is not there or is a pack, a name the box
    refuses, a --fixes that is neither a tag database nor a corrections CSV."""
    if not src.exists():
        raise HatboxError(f"{safe_text(src)} does not exist; nothing was sent",
                          hint="give a folder of samples, a .zip or a .tar (check the path's spelling)")
    if src.is_file() and library_archive.is_pack(src):     # the box would take it, then refuse it
        raise HatboxError(f"{safe_text(src.name)} is a hatbox pack (a model), not a sample library; nothing was sent",
                          hint=f"send a pack with: hatbox push {shlex.quote(safe_text(src))} --activate")
    name = library_archive.name_for(src, args.name)      # before a byte is packed or sent
    check_name(name, args.name is not None, src)          # the box's rule, before any shortcut (p48 regression QA)
    return name, push_fixes(src, args.fixes, args.no_fixes)


class _Push:
    """One `push-library` with the box reached (``c``), step by step (:meth:`run`): the folder looked at and walked
    once (:meth:`_folder`), the box asked whether it holds it, packed and checked (:meth:`_pack`), sent
    (:meth:`_upload`), the box's answer said (:meth:`_accepted`); ``pushed``: what --json reports."""

    def __init__(self, c: Any, args: argparse.Namespace, src: Path, name: str, fixes: LaptopFixes | None,
                 replace: Replacement, pushed: Any) -> None:
        self.c, self.args, self.src, self.name, self.fixes = c, args, src, name, fixes
        self.replace, self.pushed = replace, pushed
        self.status = _box_status(c)     # read once (p47 leftover: twice): the box's limits, before a byte is packed
        self.limits = limits_from(self.status)
        self.seen = PushSeen(src, args.name is not None, Earlier(), fixes)     # for the same-name note
        self.settle: Settle | None = None
        self.box_as = box_name(name)     # the library's name on the box, remembered with the folder (p53)

    def run(self, tmp: Path) -> int:
        from device.store import file_sha256
        seen, leave, mark, marks = self._folder()
        there = None if self.args.again or mark is None else remembered_there(self.c, self.src, mark, self.name)
        if there is not None and mark is not None:    # unchanged since packed: what it left out, said again (p47)
            return self._held(there, left_out=left_out_said(self.src, mark))
        self.replace.check(self.c)    # --replace's corrections check, before packing (p48 regression QA: after it)
        archive, look, left, said = self._pack(tmp, seen, leave)
        digest = file_sha256(archive)
        if mark is not None:
            remember(self.src, mark, digest, left, marks)    # the box's name for it: once it holds it (p53 review)
        rc = self._send(archive, look.audio, digest, said)
        if self.settle is not None and rc == 0:     # a file too new to remember before packing: remembered now if
            self.settle.remember(self.src, set(leave), archive, digest, left, self.box_as)  # safe (p49), held (MF3)
        return rc

    def _send(self, archive: Path, audio: dict[str, int] | None, digest: str, said: frozenset[str]) -> int:
        """The packed ``archive`` (digest ``digest``): the box's library of it answered, else sent and accepted."""
        libs = _call(self.c, "GET", "/libraries", expect=list)      # read once: held already? held before sending?
        there = None if self.args.again else library_there(self.c, archive, audio, digest, self.name,
                                                           held_of(libs))    # libs, as read
        if there is not None:                     # its files are not sent again; the laptop's corrections go to it
            return self._held(there, said)
        body = self._upload(archive, audio, digest, {str(lib.get("id")) for lib in libs if isinstance(lib, dict)})
        self.box_as = str(body.get("name") or self.box_as)
        remember_name(self.src, self.box_as)    # the box holds it: its name for library export's note (p53 review)
        if self.pushed.sent_before:      # another push of the same files came first (device/api/library_once.py)
            return held_push(self.c, body, self.src, self.fixes, self.args, said, sent=True, replace=self.replace)
        self._accepted(body, said)
        self.replace.end()
        return 0

    def _folder(self) -> tuple[Any, dict[str, str], str | None, dict[str, str] | None]:
        """A folder's census and what it leaves out (hatbox.library_limits.folder_fits), its size checked before the
        copy into a temporary archive; one walk (p49: three) for its fingerprint (unchanged since it was packed?), its
        files' marks as packed (taken before packing) and --replace's :class:`Carry` (kept with --replace only); the
        census and the packing read the same walk (hatbox.push_walk.walked).  An archive:
        (None, {}, None, None)."""
        src, given = self.src, self.fixes.path if self.fixes is not None else None
        if not src.is_dir():
            return None, {}, None, None
        seen, leave = folder_fits(src, given, fixes_in_folder(src, given), self.limits)
        if seen is not None:
            _check_limit(self.c, src, "max_library_bytes", size=seen.packed, what=safe_text(src.name or src),
                         status=self.status)
        from hatbox import push_walk
        w = push_walk.walked(src)
        started, walked = w.started_ns, w.files()      # the push's one walk began then: its files' stats are that old
        self.replace.keep_walk(walked)
        mark = fingerprint(src, set(leave), walked, since_ns=started)
        self.settle = Settle(walked, started) if mark is None else None
        marks = file_marks(src, walked) if mark is not None else None
        self.seen.earlier = Earlier(src, marks)           # the push before, read before this one is remembered
        return seen, leave, mark, marks

    def _held(self, there: dict[str, Any], said: frozenset[str] = frozenset(), left_out: list[str] | None = None
              ) -> int:
        """The box holds the files as library ``there``: under another name refused (p48 regression QA), else the
        lines ``left_out`` said and hatbox.library_push.held_push (the corrections go to it); the name it has there
        remembered for the folder (a push under another name does not rename it: library export's note names it)."""
        held_named(there, self.name, self.src, self.args)
        if there.get("name"):
            self.box_as = str(there["name"])
            remember_name(self.src, self.box_as)
        for line in left_out or ():
            print(line)
        self.pushed.lid = there["id"]
        return held_push(self.c, there, self.src, self.fixes, self.args, said, replace=self.replace)

    def _pack(self, tmp: Path, seen: Any, leave: dict[str, str]) -> tuple[Path, Any, list[str], frozenset[str]]:
        """The source packed into an archive in ``tmp`` and checked by the box's rules before a byte is sent: its
        size, the names the box refuses (left out, said), its samples; (archive, its look, the left-out lines said,
        the files named before sending)."""
        src = self.src
        archive, skipped = library_archive.as_archive(src, tmp, seen, leave, self.args.quiet)
        if not src.is_dir():                      # a size the box refuses is said before the archive is read
            _check_limit(self.c, archive, "max_library_bytes", status=self.status)
        refused = refused_names(archive) if src.is_dir() else []    # the box's own rule, before a byte is sent
        if refused:
            without_members(archive, {name for name, _ in refused})
        skipped += [(name, f"the box refuses its name ({why}): rename it, then send it again") for name, why in refused]
        look = look_archive(archive, not src.is_dir(), self.limits)  # one reading for the checks below (a folder's
        check_archive(src, look.refusal)                     # samples over 0 dBFS are read from the folder)
        library_archive.check_has_audio(src, archive, look)
        left = left_out_lines(src, skipped)
        for line in left:
            print(line)
        if src.is_dir():
            _check_limit(self.c, archive, "max_library_bytes", status=self.status)
        return archive, look, left, before_sending(src, archive, look)  # by the box's rules: names, over 0 dBFS

    def _upload(self, archive: Path, audio: dict[str, int] | None, digest: str, held: set[str]) -> dict[str, Any]:
        """Send ``archive`` (--replace guards it: a failed upload deletes nothing); the box's answer, or, when the
        connection was cut once every byte was sent, the library the box was asked for (hatbox.upload_asked; ``held``:
        the ids the box held before sending: with --again none of them is the new copy, and a failed one not among
        them is this upload's)."""
        with self.replace.sending(self.c):
            try:
                body = upload(self.c, "/libraries", archive, {"name": self.name, **({} if self.args.again else
                                                                                    {"once": True})},
                              self.args.quiet, listing="hatbox box-library",
                              shown=str(self.src) if self.src.is_dir() else None)   # the folder, not the archive
            except HatboxError as exc:
                if not upload_asked.lost_answer(exc):
                    raise
                look = upload_asked.library_look(self.c, self.name, archive, digest, audio,
                                                 held if self.args.again else (), held)
                body = upload_asked.library_asked(self.c, exc, look, self.name, quiet=bool(self.args.quiet))
        self.pushed.lid, self.pushed.sent_before = body["id"], bool(body.get("sent_before"))
        return body

    def _accepted(self, body: dict[str, Any], said: frozenset[str]) -> None:
        """The box accepted the new library ``body``: said, the corrections sent to it, --replace's older libraries
        deleted, its tagging followed with --wait."""
        c, args = self.c, self.args
        with _box_reply("POST /libraries", note="; the library may be on the box all the same: see hatbox box-library"):
            _print_library(c, body, said, args.wait)
            say_no_fixes(self.src, self.fixes, args.no_fixes, replacing=bool(args.replace) and self.replace.mine > 0)
            if not args.replace:
                same_name_note(c, body, self.seen)
            if self.fixes is not None:
                send_fixes(c, str(body["id"]), self.fixes)
            if body["state"] == "tagging" and not args.wait:
                print(f"  the box is tagging it: hatbox box-library {shlex.quote(safe_text(body['id']))} --wait "
                      "follows it")
            self.replace.after(c, body)  # the new library accepted (and its corrections sent): the older ones go
            if args.wait:           # as box-library ID --wait: untagged (no tagger active) fails the command
                _follow_to_end(c, body["id"], args.quiet, str(body.get("name") or ""))


def _box_status(client: Any) -> dict[str, Any]:
    """The box's GET /status, read once by `push-library` (its limits on a library: hatbox.library_limits; the bytes
    it takes at most, box_client._check_limit), its first word with the box: one not reached is said before a byte
    is packed."""
    return _call(client, "GET", "/status")


def _print_library(client: Any, body: dict[str, Any], said: frozenset[str] = frozenset(), wait: bool = False) -> None:
    """The box's answer to a library's upload; ``said``: files the laptop named before sending (not named again);
    ``wait``: the caller follows its tagging next, which says why a library is not tagged (not said here)."""
    print(f"library {safe_text(body['id'])}: {count_words(body['accepted'], 'file')} accepted, "
          f"{body['rejected']} rejected")
    _say_notes(body)
    if body.get("skipped"):
        print(f"  skipped {count_words(body['skipped'], 'hidden or operating-system file')} "
              "(__MACOSX, ._*, .DS_Store...)")
    others = [safe_text(f["path"]) for f in body["files"] if f.get("not_audio")]
    if others:
        more = f" and {len(others) - NOT_AUDIO_NAMED} more" if len(others) > NOT_AUDIO_NAMED else ""
        print(f"  left out {count_words(len(others), 'file')} that {'is' if len(others) == 1 else 'are'} not audio: "
              f"{', '.join(others[:NOT_AUDIO_NAMED])}{more}")
    for line in report_lines(body, said):
        print(line)
    if body["state"] != "tagging" and not wait:
        print(f"  not tagged: {safe_text(body.get('error') or body['state'])}")
    if body["state"] == "untagged" and body.get("error") == NO_TAGGER and not wait:
        print(f"  the box tags it as soon as a tagger pack is active: {tagger_way(client)}")


def _say_notes(body: dict[str, Any]) -> None:
    """The box's notes on a library's archive as a whole (its ``notes``: "names read as Shift-JIS (a Japanese Windows
    zip)"; p43 regression QA: GET /libraries/ID held it, the laptop never said it)."""
    for line in note_lines(body):
        print(line)


def _active_tagger(packs: list[Any] | None) -> str | None:
    """The id of the active tagger pack of ``packs`` (GET /packs; None: none, or the box did not say)."""
    from hatbox.box_packs import active_in
    active = active_in(packs, "tagger")
    return None if active is None else str(active["id"])


def _follow(client: Any, lid: str, quiet: bool) -> dict[str, Any]:
    import time

    from hatbox.box_client import BoxRefused
    from hatbox.progress import progress_bar

    body = _call(client, "GET", f"/libraries/{lid}")
    if body["state"] != "tagging":
        return body                             # ended already: no bar flashed at 0 of its files
    try:
        with progress_bar(total=body["progress"]["total"], desc="tagging", unit="files", disable=quiet,
                          leave=False) as bar:
            while body["state"] == "tagging":
                time.sleep(FOLLOW_POLL_S)
                try:
                    body = _call(client, "GET", f"/libraries/{lid}")
                except BoxRefused:
                    raise
                except HatboxError as exc:    # the box went away (stopped, restarted, off the network)
                    shown = safe_text(body.get("id", lid))
                    raise HatboxError(f"{Exception.__str__(exc)} while following library {shown} "
                                      f"({state_words(body)})",
                                      hint=f"a box that starts again carries on tagging it: hatbox box-library "
                                           f"{shlex.quote(shown)} --wait follows it again "
                                           f"({exc.hint or 'is the box on?'})"
                                      ) from None
                bar.update(body["progress"]["done"] - bar.n)
        if body["state"] == "cancelled":      # a deletion stops the tagging first: gone a moment later (a 404)
            time.sleep(0.5)
            body = _call(client, "GET", f"/libraries/{lid}")
    except KeyboardInterrupt as exc:          # only the watching stops: the box goes on tagging
        from hatbox.box_client import _Interrupted
        from hatbox.errors import stopped_by
        shown = safe_text(body.get("id", lid))
        typed = shlex.quote(shown)
        raise _Interrupted(f"stopped following ({stopped_by(exc)}): the box goes on tagging library {shown} "
                           f"({state_words(body)})", hint=f"follow it again: hatbox box-library {typed} --wait; stop "
                                                          f"it: hatbox box-library {typed} --cancel") from None
    return body


NOT_TAGGED_SHOWN = 10       # files a tagging left untagged (silent, undecodable) named one by one


def _follow_to_end(client: Any, lid: str, quiet: bool, name: str = "") -> None:
    """Follow library ``lid``'s tagging to its end and say how it ended; a deletion meanwhile (another computer, the
    panel) said as that (hatbox.library_delete.deleted_while_tagged)."""
    from urllib.parse import unquote
    with deleted_while_tagged(unquote(lid), name):
        _tagging_ended(client, _follow(client, lid, quiet))


def _tagging_ended(client: Any, body: dict[str, Any]) -> None:
    """Say how library ``body``'s tagging ended: when done, how many files carry each tag and how to list them;
    otherwise a HatboxError with its state and why (the command fails: it was asked to wait for a tagging)."""
    from urllib.parse import quote

    lid = safe_text(body["id"])
    retag_not_through(body, pack_names(client) if body.get("stopped_retag") else None)
    if body["state"] == "untagged" and body.get("error") == NO_TAGGER:
        raise HatboxError(f"library {lid} is not tagged: {NO_TAGGER}",
                          hint=f"the box tags it as soon as one is: {tagger_way(client)}")
    if body["state"] != "done":
        error, hint = tagging_end_words.tagging_not_done(body)
        raise HatboxError(error, hint=hint)
    counts = _call(client, "GET", f"/libraries/{quote(body['id'], safe='')}/tags")
    used = sorted(((n, t) for t, n in counts.items() if n), key=lambda nt: (-nt[0], nt[1]))
    shown = ", ".join(f"{safe_text(t)} {n}" for n, t in used) or "no file carries a tag"
    print(f"tagging done: {shown}")
    results = body.get("results") if isinstance(body.get("results"), dict) else {}
    from device.library.long_files import long_files_line     # files longer than the tagger hears (p49 loops QA)
    long = long_files_line(results) if tagging_end_words.long_count_true(results) else ""
    if long:
        print(f"  note: {long}")
    left = [(p, w) for kind in ("failed", "skipped") for p, w in (results.get(kind) or []) if isinstance(p, str)]
    for path, why in left[:NOT_TAGGED_SHOWN]:          # else a silent sample was under no tag and never named
        print(f"  not tagged: {safe_text(path)}: {safe_text(str(why))}")
    if len(left) > NOT_TAGGED_SHOWN:
        print(f"  ... and {len(left) - NOT_TAGGED_SHOWN} more not tagged")
    box_words.say_foreign_words(lambda path: _call(client, "GET", path), quote(body["id"], safe=""))  # p49 F8
    none = len(_call(client, "GET", f"/libraries/{quote(body['id'], safe='')}/untagged", expect=list))
    if none:
        print(f"  note: {count_words(none, 'file')} got no tag: the tagger was sure of none of its words "
              f"(hatbox box-library {lid} --untagged lists them)")
    if used:
        tag = shlex.quote(safe_text(used[0][1]))
        tag_arg = f"--tag={tag}" if tag.startswith("-") else f"--tag {tag}"     # "--tag -snare": argparse refuses it
        print(f"  list a tag's files: hatbox box-library {lid} {tag_arg}; the least "
              f"sure first: hatbox box-library {lid} --unsure")


def box_library(args: argparse.Namespace) -> int:
    """The box's libraries; one library's tags, the files under a tag, a correction, re-tagging it with the active
    tagger pack, stopping its tagging, or deleting it."""
    from urllib.parse import quote

    from export.manifest import TAG_RULE, tag_problem

    if args.stop:                   # the box's one audition: no library needed (hatbox.library_audition)
        return stop_command(args)
    lists = args.tag or args.fix or args.unsure or args.untagged or args.like or args.play or args.export_fixes
    asks = lists or args.delete or args.retag or args.cancel or box_words.changes_words(args)
    box_words.check(args)                           # --none with --fix PATH alone (p49 F8)
    if (asks or args.wait) and not args.id:
        raise HatboxError("which library? give its id or name first, before the options (hatbox box-library LIB "
                          "--fix PATH TAG: a name after --fix is read as a tag)", hint="hatbox box-library lists them")
    if args.yes and not (args.delete or args.export_fixes or args.rename_word):
        raise HatboxError("--yes goes with --delete, --force with --export-fixes", hint="ID --delete --yes")
    if args.folder and not args.export_fixes:
        raise HatboxError("--folder goes with --export-fixes (where the library's files are on this computer)",
                          hint="hatbox box-library ID --export-fixes fixes.csv --folder FOLDER")
    if args.wait and (lists or args.delete or args.cancel):
        raise HatboxError("--wait follows a tagging: give it alone (hatbox box-library ID --wait) or with --retag",
                          hint="hatbox box-library ID --wait")
    problem = tag_problem(args.tag) if args.tag is not None else None
    if problem:                     # a slash would not even reach the route: the box would answer 404
        raise HatboxError(f"'{safe_text(args.tag)}' cannot be a tag" + ("" if problem == TAG_RULE else f": {problem}"),
                          hint=TAG_RULE)
    library_browse.check_json(args)
    if args.k is None and not args.json:            # --json without -k: every file
        args.k = library_browse.TEXT_K
    with _client(*target(args)) as c, _box_reply("a library call"):
        if not args.id:
            libraries = newest_first(_call(c, "GET", "/libraries", expect=list))
            if args.json:
                print_json(libraries)
                return 0
            uploads = uploading_lines(c)            # uploads in progress first (p50 FC)
            for line in uploads:
                print(line)
            if not libraries:
                footer(no_library_words(len(uploads)))      # "no library yet: 1 upload in progress" (p50 M4)
                return 0
            packs = asked(c, "/packs", list)
            active, names = _active_tagger(packs), names_of(packs)       # packs named as the laptop names them (p53)
            for lib in libraries:
                print(f"{safe_text(lib['id'])}  {safe_text(lib['name'])}  {state_words(lib)}, "
                      f"{count_words(lib['accepted'], 'file')}{uploaded_words(lib)}")
                if lib.get("error") and lib.get("state") in ("failed", "untagged", "cancelled"):
                    print(f"    {safe_text(lib['error'])}")
                if stopped_retag_line(lib, names):
                    print(stopped_retag_line(lib, names))
                elif active and lib.get("tagger") and lib["tagger"] != active and lib.get("state") in ("done",
                                                                                                       "cancelled"):
                    print(f"    tagged by {pack_said(lib['tagger'], names)}, not the active tagger "
                          f"({pack_said(active, names)}): "
                          f"hatbox box-library {shlex.quote(safe_text(lib['id']))} --retag tags it with the active one")
            return 0
        try:
            lib = upload_first(c, args) or find_library(_call(c, "GET", "/libraries", expect=list), args.id,
                                                        picks=_picks(args))     # --wait: one uploading first (p51)
        except NotOnBox as exc:         # one deleted lately is said so: who deleted it, and when; one uploading too
            lib = awaited_upload(c, args, lambda: deleted_library_error(c, args.id, exc))   # --wait: waits (p50 M4)
        return _one_library(c, args, quote(lib["id"], safe=""), lib)


def _one_library(c: Any, args: argparse.Namespace, lid: str, lib: dict[str, Any] | None = None) -> int:
    """`hatbox box-library ID ...`: what the options ask of library ``lid`` (quoted for the URL; ``lib``: its record in
    GET /libraries).  A --like, --play or --fix PATH the box does not take as a path of the library is asked again as
    the file it means, when it means one (p51 QA B3: a laptop path in the folder pushed, a bare file name:
    hatbox.library_path.retaken); one that is a path of the library and, from the working folder, a file of the
    folder pushed as it that is another of its files is refused, naming both (library_path.check_not_two)."""
    check_not_two(c, lid, args, lib)
    try:
        return _act(c, args, lid)
    except HatboxError as exc:
        if not retaken(c, lid, args, lib, exc):
            raise
    return _act(c, args, lid)


def _act(c: Any, args: argparse.Namespace, lid: str) -> int:
    """:func:`_one_library`'s one try."""
    with _box_reply("a library call"):
        if args.json:
            return library_browse.json_answer(c, lid, args)
        if args.delete:
            return delete_library(c, lid, args.yes)
        if args.retag:
            return _retag_library(c, lid, args.wait, args.quiet)
        if args.wait:                                 # follow a tagging going on (one a --wait left, one at start)
            _follow_to_end(c, lid, args.quiet)
            return 0
        if args.cancel:
            return _cancel_library(c, lid)
        if args.fix:
            return box_words.fix_file(c, lid, args)             # tags, none: back to the tagger, or --none (p49)
        elif box_words.changes_words(args):
            return box_words.change_words(c, lid, args)         # --rename-word / --drop-word (p49 F8)
        elif args.export_fixes:
            return export_fixes(c, lid, Path(args.export_fixes), args.folder, force=args.yes)
        elif args.play:
            return library_browse.play(c, lid, args.play) or say_sampler_warnings(c, args.play) or 0
        else:
            _print_listing(c, args, lid, *library_browse.asked_listing(c, lid, args))
    return 0


def _print_listing(c: Any, args: argparse.Namespace, lid: str, which: str, answer: Any) -> None:
    """`hatbox box-library ID` with a listing (--like, --unsure, --untagged, --tag, else the library's tags): the box's
    ``answer`` to it (hatbox.library_browse.asked_listing; --json: library_browse.json_answer), in lines."""
    if which == "like":
        library_browse.like_lines(answer, args.like)
    elif which == "unsure":
        found = answer
        doubt = bool(found) and not found[0].get("exclusive", True) and bool(found[0].get("in_doubt"))
        if found:
            column_key(DOUBT_HEADING if doubt else UNSURE_HEADING)
        for u in found:
            guesses = [(safe_text(t), p) for t, p in u["guesses"]]
            print(doubt_line(u["margin"], guesses, safe_text(u["path"])) if doubt and u.get("in_doubt") else
                  unsure_line(u["margin"], guesses, u.get("exclusive", True), safe_text(u["path"])))
    elif which == "untagged":
        every, found = answer, answer[:args.k]
        if found:
            heading(f"no tag ({len(every)}): the tagger's best guess, under its threshold")
        else:                                       # one wording with the laptop's library query (p54 QA)
            footer(all_heard_line(len(getattr(answer, "nones", []))))
        for u in found:
            print(f"  {safe_text(u['best_guess']) or '-'} {u['score']:.2f}  {safe_text(u['path'])}")
        if len(every) > len(found):
            footer(cut_line(len(found), len(every)))
        library_browse.say_nones(answer)          # corrected to none of the words: apart, after (p49)
    elif which == "tag":
        hits = answer
        if hits:
            heading(tag_heading(safe_text(args.tag)))
        fixes = fixes_by(c, lid, hits)               # who made each correction listed
        for hit in hits:
            print(f"{hit_label(hit, fixes.get(hit['path'])):>6}  {safe_text(hit['path'])}")
        if unnamed_corrections(hits, fixes):
            footer(UNNAMED_NOTE)
        library_browse.tag_list_note(c, lid, args.tag, len(hits), args.k)    # none, cut at -k, more to come?
    else:
        lib = answer["library"]
        refused = f", {lib['rejected']} refused at upload" if lib.get("rejected") else ""
        heading(f"library {safe_text(lib['id'])} ('{safe_text(lib['name'])}', {state_words(lib)}, "
                f"{count_words(lib['accepted'], 'file')}{refused}); files per tag:")
        for tag, n in by_count(answer["tags"]):
            print(f"{n:6d}  {safe_text(tag)}")
        _say_notes(lib)
        if lib.get("state") == "done":
            none = len(_call(c, "GET", f"/libraries/{lid}/untagged", expect=list))
            if none:                               # under no tag above: said, or never seen (QA)
                print(f"note: {count_words(none, 'file')} got no tag: the tagger was sure of none of its words "
                      f"(hatbox box-library {lid} --untagged lists them)", file=sys.stderr)
        if lib.get("state") != "done":             # said on stderr: a script reads the counts on stdout
            why = f": {safe_text(lib['error'])}" if lib.get("error") else ""
            print(f"note: the library is {state_words(lib)}{why}", file=sys.stderr)


def _retag_library(client: Any, lid: str, wait: bool, quiet: bool) -> int:
    """Have the box tag library ``lid`` (quoted for the URL) again with its active tagger pack (your corrections
    stay); ``wait``: follow the tagging until it ends."""
    body = _call(client, "POST", f"/libraries/{lid}/retag")
    names = pack_names(client) if body.get("tagger") or body.get("tags_from") else None    # a pack to name: ask
    new = pack_said(body["tagger"], names) if body.get("tagger") else "the active tagger pack"
    print(f"library {safe_text(body['id'])} ({safe_text(body['name'])}, {count_words(body['accepted'], 'file')}): "
          f"tagging again with {new}; your corrections stay" + retag_started(body, names))
    if wait:
        _follow_to_end(client, body["id"], quiet, str(body.get("name") or ""))
    return 0


def _cancel_library(client: Any, lid: str) -> int:
    """Stop the tagging of library ``lid`` (quoted for the URL) on the box: it stops after the file it is on;
    the tags made so far stay and ``--retag`` resumes it.  A library not being tagged is left as it is."""
    body = _call(client, "POST", f"/libraries/{lid}/cancel")
    what = f"library {safe_text(body['id'])} ({safe_text(body['name'])})"
    if body["state"] != "tagging":
        print(f"{what} is not being tagged ({safe_text(body['state'])}); nothing to stop")
        return 0
    print(f"{what}: {tagging_end_words.stop_words(body, pack_names(client) if body.get('tags_from') else None)}")
    return 0


def register(cli: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """The two library commands on ``cli``; ``common``: cmd_remote's --url/--token/--ca options."""
    p = cli.command("push-library", "send a sample library (folder, zip or tar) to the box", push_library)
    push_library_options(p)
    common(p)
    p = cli.command("box-library", "list the box's sample libraries, their tags, correct a file's tags, "
                                   "tag a library again or stop its tagging, delete a library", box_library)
    box_library_options(p)
    common(p)
