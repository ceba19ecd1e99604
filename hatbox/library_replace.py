"""`hatbox push-library FOLDER --replace` (forty-eighth stop): a producer who updates a library weekly sends the new
one, and the box keeps it instead of the old, not beside it.

What the box does with a library of a name it holds already: nothing of the old one goes to the new one.  Each
library has its own tag database on the box (``libraries/ID/tags.db``); a correction (the panel's retag, `box-library
--fix`, a push's --fixes) lives in that database, and the database's ``kept_tags`` (device.library.kept: a file's
corrections kept by its bytes' hash) serve a file that leaves and comes back within the same library only.  So
deleting the old library deletes its corrections.

This module carries only this laptop's own corrections of them (hatbox.library_carry: sent through the box's only way
in, ``POST /libraries/{id}/fixes``, which records the sender as their maker: right for this laptop's, wrong for
another laptop's or the panel's; by path, not to a file changed since).  For the rest, before the folder is packed,
:func:`check_before` refuses (nothing sent) when one of this laptop's older libraries of the name holds corrections
that this push neither sends again (its --fixes: same path, same tags) nor carries, unless ``--yes``; it counts
them, says whose, and names `box-library OLD --export-fixes` and `push-library --fixes CSV` that carry them over
(saying that they become this laptop's).

After the upload's answer (the library unpacked and checked: accepted), :func:`replace_older` deletes this laptop's
older libraries of the name (``uploaded_by_you``, hatbox.library_owners' rule); another laptop's, or one uploaded
before the box kept who, is left and said so.  A library being tagged has its tagging stopped by the deletion (as
`box-library ID --delete`).  An upload that fails or is interrupted deletes nothing (:meth:`Replacement.sending`);
files the box holds already (a push whose answer was lost, sent again) replace them all the same
(:func:`held_replace`).  :class:`Replacement` is the one object `push-library` holds for all of it.
"""
from __future__ import annotations

import shlex
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from hatbox.box_client import VERSION_HINT, BoxRefused, _call, safe_text
from hatbox.errors import HatboxError
from hatbox.library_carry import Carry, Plan, carry_to, held_files, let_go_lines, not_carried_error
from hatbox.text import count_words

if TYPE_CHECKING:
    from hatbox.library_fixes import LaptopFixes

REPLACE_HELP = ("once the box has accepted the new library, delete your older libraries of the same name (another "
                "laptop's are left), your own corrections of them carried to it; refused, nothing sent, when one "
                "holds corrections this push neither sends again nor carries (another laptop's, or yours of a file "
                "changed since or gone), unless --yes")


class Replaced:
    """What `--replace` did: ``replaced`` the ids it deleted, ``left`` the ids of the other libraries of the name it
    left (another laptop's, not known whose, or one of yours it could not delete: those also in ``failed``); None
    while it has not run."""

    def __init__(self) -> None:
        self.replaced: list[str] | None = None
        self.left: list[str] | None = None
        self.failed: list[str] = []          # the ids of yours it meant to delete and left (said as it left them)


def box_name(name: str) -> str:
    """``name`` as the box records it (stripped, cut at its length limit: device/api/library_routes.py)."""
    from device.library.archive import LIBRARY_NAME_MAX_CHARS
    return name.strip()[:LIBRARY_NAME_MAX_CHARS]


def same_named(libs: list[Any], name: str, new: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The libraries of ``libs`` (GET /libraries) called ``name`` (any case, either Unicode form), oldest first, but
    ``new`` itself and any uploaded after it (device.versions.upload_order)."""
    from device.versions import upload_order
    from hatbox.library_owners import named
    same = named(libs, name)
    if new is not None:
        same = [lib for lib in same if lib.get("id") != new.get("id") and upload_order(lib) < upload_order(new)]
    return same


def is_mine(lib: dict[str, Any]) -> bool:
    """Whether this laptop uploaded library ``lib`` (the box says so: library_owners' rule; None is not known)."""
    return lib.get("uploaded_by_you") is True


def sent_again(fixes: LaptopFixes | None) -> set[tuple[str, tuple[str, ...]]]:
    """(path, tags) of the corrections this push sends with the new library (``fixes``: its database or CSV, read
    once for the push), tags case-folded and sorted: a correction on the box equal to one of them is not lost with
    the old library."""
    if fixes is None:
        return set()
    return {(f["path"], _tags_key(f["tags"])) for f in fixes.sent()[0]}


def _tags_key(tags: Any) -> tuple[str, ...]:
    return tuple(sorted(str(t).casefold() for t in tags)) if isinstance(tags, list) else ()


def lost_fixes(client: Any, lib: dict[str, Any], carried: set[tuple[str, tuple[str, ...]]]) -> list[dict[str, Any]]:
    """The corrections on the box of library ``lib`` (:func:`box_fixes`) that deleting it would lose: all but those
    in ``carried`` (:func:`sent_again`).  HatboxError when the box does not say which it holds."""
    return [f for f in box_fixes(client, lib) if isinstance(f, dict)
            and (str(f.get("path")), _tags_key(f.get("tags"))) not in carried]


def plan_for(client: Any, lib: dict[str, Any], carried: set[tuple[str, tuple[str, ...]]], carry: Carry | None,
             held: set[str] | None = None) -> Plan:
    """:func:`lost_fixes` of library ``lib``, this laptop's own among them carried where they can be
    (hatbox.library_carry: ``carry`` None carries none); ``held``: the new library's files (None: before it)."""
    lost = lost_fixes(client, lib, carried)
    if carry is None:
        plan = Plan()
        plan.lost = lost
        return plan
    return carry.plan(client, lib, lost, {path for path, _ in carried}, held)


def box_fixes(client: Any, lib: dict[str, Any]) -> list[Any]:
    """The corrections on the box of library ``lib`` (GET /libraries/{id}/fixes: also those of files not tagged
    yet); [] where it holds none: a library with no tag database and no correction waiting (409 "not tagged"), or
    one gone meanwhile (404: its deletion says so).  Any other failure (p48 review: a locked tag database's 500, a
    409 "library damaged", no answer) raises: corrections not read are not known to be none."""
    from urllib.parse import quote
    try:
        return _call(client, "GET", f"/libraries/{quote(str(lib.get('id')), safe='')}/fixes", expect=list)
    except BoxRefused as exc:
        if (exc.status == 409 and exc.error == "not tagged") or (exc.status == 404 and exc.hint != VERSION_HINT):
            return []
        raise


def unread_words(lib: dict[str, Any], exc: HatboxError) -> str:
    """Why --replace leaves library ``lib`` (yours) whose corrections made on the box it could not read (``exc``)."""
    return (f"the corrections made on the box of library {safe_text(str(lib.get('id')))} "
            f"('{safe_text(str(lib.get('name')))}', yours) could not be read ({Exception.__str__(exc)}): --replace "
            "deletes no library whose corrections it cannot see")


def whose_fixes(fixes: list[dict[str, Any]]) -> str:
    """"yours 2, laptopB's 1, not known whose 1" for the corrections ``fixes`` (GET .../fixes' ``by``/``by_you``)."""
    counts: dict[str, int] = {}
    for f in fixes:
        by = f.get("by")
        who = "yours" if f.get("by_you") is True else (f"{safe_text(str(by))}'s" if f.get("by_you") is False and by
                                                       else "not known whose")
        counts[who] = counts.get(who, 0) + 1
    return ", ".join(f"{who} {n}" for who, n in counts.items())


def keep_hint(lib: dict[str, Any], src: Path, name_given: bool, others: bool = False) -> str:
    """How to keep library ``lib``'s corrections and still replace it, or to let them go.  --fixes CSV sends that
    CSV in place of the folder's own database (p48 review: the laptop's own corrections were lost unsaid): said,
    with the plain push that sends those to the new library after.  ``others``: some are not this laptop's, and
    sent from here they become its own on the new library (p48 regression QA: said)."""
    from device.library.db import IN_LIBRARY
    lid, folder = shlex.quote(safe_text(str(lib.get("id")))), shlex.quote(safe_text(str(src)))
    again = push_again(lib, src, name_given)
    own = (f" (it sends FILE.csv in place of {safe_text(IN_LIBRARY)}: then {again} sends your corrections made on "
           "this laptop to the new library too; for a file in both, this laptop's)"
           if src.is_dir() and (src / IN_LIBRARY).is_file() else "")
    theirs = (" (they will be yours on the new library: the box records the laptop that sends a correction as its "
              "maker)" if others else "")
    return (f"keep them: hatbox box-library {lid} --export-fixes FILE.csv --folder {folder} (FILE.csv outside the "
            f"folder), then {again} --replace --fixes FILE.csv{theirs}{own}; or let them go: {again} --replace --yes")


def push_again(lib: dict[str, Any], src: Path, name_given: bool) -> str:
    """The same push-library of ``src`` (with --name when it was given: library ``lib``'s)."""
    return f"hatbox push-library {shlex.quote(safe_text(str(src)))}" + (
        f" --name {shlex.quote(safe_text(str(lib.get('name'))))}" if name_given else "")


def fixes_refusal(lib: dict[str, Any], lost: list[dict[str, Any]], src: Path, name_given: bool,
                  sent: bool, why: str = "") -> HatboxError:
    """The error for library ``lib`` (this laptop's, of the name) holding corrections ``lost`` that --replace would
    delete; ``sent``: said after the new library's upload (it stays, and so does ``lib``), else before any byte;
    ``why``: why this laptop's own among them are not carried (hatbox.library_carry.Plan.why_not)."""
    done = "it stays beside the new library" if sent else "nothing was sent, nothing deleted"
    others = any(f.get("by_you") is not True for f in lost)
    return HatboxError(f"library {safe_text(str(lib.get('id')))} ('{safe_text(str(lib.get('name')))}', yours) holds "
                       f"corrections of {count_words(len(lost), 'file')} made on the box ({whose_fixes(lost)}) that "
                       f"this push does not send again{why}: --replace would delete them; {done}",
                       hint=keep_hint(lib, src, name_given, others))


def check_before(client: Any, name: str, src: Path, fixes: LaptopFixes | None, yes: bool, name_given: bool,
                 carry: Carry | None = None) -> int:
    """Before a byte is packed or sent: HatboxError (nothing sent) when one of this laptop's libraries called
    ``name`` holds corrections made on the box that this push's ``fixes`` do not carry again and that are not this
    laptop's own to carry (``carry``: hatbox.library_carry), unless ``yes``, or when the box does not say which it
    holds (:func:`box_fixes`).  Returns how many of this laptop's libraries have the name."""
    carried = sent_again(fixes) if not yes else set()
    mine = [lib for lib in same_named(_call(client, "GET", "/libraries", expect=list), box_name(name)) if is_mine(lib)]
    for lib in [] if yes else mine:
        try:
            plan = plan_for(client, lib, carried, carry)
        except HatboxError as exc:
            raise HatboxError(f"{unread_words(lib, exc)}; nothing was sent, nothing deleted",
                              hint=f"{exc.hint or 'try again in a moment'}; or let them go: "
                                   f"{push_again(lib, src, name_given)} --replace --yes") from None
        if plan.lost:
            raise fixes_refusal(lib, plan.lost, src, name_given, sent=False, why=plan.why_not())
    return len(mine)


LOST_ANSWER = ("after all of", "may still", "may or may not")   # hatbox.box_client's words: every byte went


def answer_lost(exc: BaseException) -> bool:
    """Whether the upload that failed with ``exc`` sent every byte and lost the box's answer (the box may keep the
    library: hatbox.box_client._upload_error, _gone_error, a Ctrl-C after the last byte), not refused or cut short
    (the box keeps nothing).  Once the box was asked (hatbox.upload_asked.asked_state), what it said decides: it
    did not arrive, or arrived but failed, is not a lost answer, whatever the words."""
    from hatbox.upload_asked import FAILED, GONE, asked_state
    state = asked_state(exc)
    if state is not None:
        return state not in (GONE, FAILED)
    return isinstance(exc, HatboxError) and not isinstance(exc, BoxRefused) \
        and any(words in Exception.__str__(exc) for words in LOST_ANSWER)


def not_sent_words(exc: BaseException, name: str, mine: int, again: str) -> str:
    """What --replace says (stderr) when the upload failed with ``exc``: nothing was deleted; the box may hold the
    new library when its answer was lost (``again``: the push that finishes the replacement then), holds it when
    the box, asked, said it arrived (the push stopped after), or does not (it did not arrive, or failed: the box
    said so, hatbox.upload_asked.asked_state); ``mine``: this laptop's libraries called ``name`` (none: nothing
    said of them)."""
    from hatbox.upload_asked import ARRIVED, FAILED, GONE, asked_state
    state = asked_state(exc)
    if state == ARRIVED:
        return (f"--replace: the new library arrived, but the push stopped before the replacement: nothing was "
                f"deleted ({again} --replace again finishes the replacement)")
    yours = (f": your {'library' if mine == 1 else 'libraries'} called '{safe_text(box_name(name))}' "
             f"{'stays as it was' if mine == 1 else 'stay as they were'}") if mine else ""
    if state in (GONE, FAILED):
        what = "did not arrive" if state == GONE else "arrived but failed"
        return f"--replace: the new library {what}, so nothing was deleted{yours}"
    if answer_lost(exc):
        return (f"--replace: the box's answer did not come back: it may hold the new library; nothing was deleted "
                f"({again} --replace again finishes the replacement once the box holds it)")
    return f"--replace: the new library was not accepted, so nothing was deleted{yours}"


def held_replace(client: Any, held: dict[str, Any], src: Path, fixes: LaptopFixes | None, yes: bool, name_given: bool,
                 done: Replaced, carry: Carry | None = None) -> None:
    """--replace of files the box holds already as library ``held`` (an unchanged folder, the same archive, a push
    whose answer was lost, sent again): nothing new was sent, and ``held`` replaces this laptop's older libraries
    of its name (:func:`replace_older`; p48 review: they were all kept, exit 0); a newer one of yours is left,
    said."""
    print(f"--replace: nothing new was sent: library {safe_text(str(held.get('id')))} is these files already, and "
          "replaces your older libraries of its name")
    libs = replace_older(client, held, src, fixes, yes, name_given, done, carry)
    older = {str(lib.get("id")) for lib in same_named(libs, str(held.get("name") or ""), held)}
    for lib in same_named(libs, str(held.get("name") or "")):
        if is_mine(lib) and lib.get("id") != held.get("id") and str(lib.get("id")) not in older:
            done.left.append(str(lib.get("id")))
            print(f"--replace: left your newer library {safe_text(str(lib.get('id')))} (sent after "
                  f"{safe_text(str(held.get('id')))}: hatbox box-library ID --delete deletes it)")


def replace_older(client: Any, new: dict[str, Any], src: Path, fixes: LaptopFixes | None, yes: bool, name_given: bool,
                  done: Replaced, carry: Carry | None = None) -> list[Any]:
    """After the box accepted library ``new`` (the upload's answer): delete this laptop's older libraries of its
    name, each said (its tagging stopped, kit notes gone silent), once this laptop's own corrections of it went to
    ``new`` (``carry``: hatbox.library_carry; said how many); leave the others, said.  One holding corrections
    neither sent again nor carried (made while the upload ran) is left unless ``yes``, as is one whose corrections
    the box does not say, one whose carried corrections did not reach ``new``, or one the box would not delete: each
    in ``done.failed``.  Returns GET /libraries' answer it acted on."""
    held = set(held_files(client, new)) if carry is not None else None
    libs = _call(client, "GET", "/libraries", expect=list)
    new = next((lib for lib in libs if isinstance(lib, dict) and lib.get("id") == new.get("id")), new)
    older, carried = same_named(libs, str(new.get("name") or ""), new), sent_again(fixes)
    done.replaced, done.left = [], []
    for lib in older:
        if not is_mine(lib):
            done.left.append(str(lib.get("id")))
            print(f"--replace: left library {safe_text(str(lib.get('id')))}: {_not_yours(lib)}")
        elif _carried(client, new, lib, _plan_after(client, lib, carried, carry, held, yes, src, name_given, done),
                      done) and _delete(client, lib, done, str(new.get("id") or "")):
            done.replaced.append(str(lib.get("id")))
    if not older:
        print(f"--replace: no older library called '{safe_text(str(new.get('name')))}' on the box: nothing to delete")
    return libs


def _plan_after(client: Any, lib: dict[str, Any], carried: set[tuple[str, tuple[str, ...]]], carry: Carry | None,
                held: set[str] | None, yes: bool, src: Path, name_given: bool, done: Replaced) -> Plan | None:
    """After the upload: what becomes of library ``lib``'s corrections (:func:`plan_for`); None, ``lib`` left and
    said, when some would be lost (unless ``yes``) or the box does not say which it holds (``yes``: none carried,
    said, and it goes)."""
    try:
        plan = plan_for(client, lib, carried, carry, held)
    except HatboxError as exc:
        if yes:
            print(f"--replace: {unread_words(lib, exc)}; none carried, and --yes lets them go")
            return Plan()
        _left_yours(done, lib, f"{unread_words(lib, exc)}; it stays beside the new library")
        return None
    if plan.lost and not yes:
        err = fixes_refusal(lib, plan.lost, src, name_given, sent=True, why=plan.why_not())
        _left_yours(done, lib, f"{err.args[0]} ({err.hint})")
        return None
    for line in let_go_lines(lib, plan) if yes else ():
        print(line)
    return plan


def _carried(client: Any, new: dict[str, Any], lib: dict[str, Any], plan: Plan | None, done: Replaced) -> bool:
    """Whether library ``lib`` may go: its ``plan`` (None: left already) carried to ``new`` (False, ``lib`` left and
    said, when the corrections did not reach it)."""
    if plan is None:
        return False
    try:
        carry_to(client, new, lib, plan)
    except HatboxError as exc:
        _left_yours(done, lib, not_carried_error(exc, lib, plan))
        return False
    return True


def _left_yours(done: Replaced, lib: dict[str, Any], why: str) -> None:
    """Library ``lib`` of yours that --replace meant to delete is left: said now (stderr; a --wait that fails after
    must not hide it), and counted for :func:`raise_failed`."""
    done.left.append(str(lib.get("id")))
    done.failed.append(str(lib.get("id")))
    print(f"--replace: left your library {safe_text(str(lib.get('id')))}: {why}", file=sys.stderr)


def _not_yours(lib: dict[str, Any]) -> str:
    """Why --replace leaves library ``lib``: another laptop's, or not known whose."""
    by = lib.get("uploaded_by")
    if lib.get("uploaded_by_you") is False:
        return f"{safe_text(str(by)) if by else 'another computer'}'s library, not yours"
    return "uploaded before the box kept who uploaded each library: not known to be yours (hatbox box-library ID " \
           "--delete deletes it)"


def _delete(client: Any, lib: dict[str, Any], done: Replaced, to: str = "") -> bool:
    """Delete library ``lib`` (this laptop's older one) and say so; False, with why in ``done.failed``, when the box
    does not (another computer deleted it meanwhile counts as gone: True).  ``to``: the new library, which takes the
    kit's notes of the same files (``moved_to``: p50 FC, the kit went silent on stage; an older box ignores it and
    its notes go silent, said as before)."""
    from urllib.parse import quote

    from hatbox.box_client import BoxRefused
    from hatbox.library_delete import replaced_kit_lines
    lid = str(lib.get("id"))
    try:
        body = _call(client, "DELETE", f"/libraries/{quote(lid, safe='')}", expect=None,
                     headers={"Prefer": "return=representation"}, params={"moved_to": to} if to else None)
    except BoxRefused as exc:
        if exc.status == 404:
            print(f"--replace: library {safe_text(lid)} was gone already (deleted by another computer or the panel)")
            return True
        _left_yours(done, lib, f"the box did not delete it: {Exception.__str__(exc)}"
                    + (f" ({exc.hint})" if exc.hint else ""))
        return False
    except HatboxError as exc:
        _left_yours(done, lib, f"it may not have been deleted: {Exception.__str__(exc)} (hatbox box-library lists "
                               "what the box holds)")
        return False
    tagging = "; its tagging was stopped" if lib.get("state") == "tagging" else ""
    print(f"--replace: deleted your older library {safe_text(lid)} ('{safe_text(str(lib.get('name')))}', "
          f"{count_words(lib.get('accepted') or 0, 'file')}){tagging}")
    for line in replaced_kit_lines(body):
        print(line)
    return True


def raise_failed(done: Replaced) -> None:
    """HatboxError (exit 2) naming the libraries --replace meant to delete and left; nothing when there are none."""
    if not done.failed:
        return
    raise HatboxError("--replace left " + count_words(len(done.failed), "older library", "older libraries")
                      + " of yours, as said above: " + ", ".join(safe_text(lid) for lid in done.failed),
                      hint="the new library is on the box beside it; hatbox box-library lists them (ID --delete "
                           "deletes one)")


class Replacement:
    """`push-library --replace`'s part of one push (hatbox/cmd_box_library.py push_library calls each step; without
    --replace none does anything): :meth:`check` before the folder is packed, :meth:`sending` around the upload,
    :meth:`after` once the box accepted the new library, :meth:`held` for files the box holds already, :meth:`end`
    at the end (exit 2 for a library of yours it meant to delete and left).  ``done``: what --json reports.
    HatboxError, before the box is reached, for --yes without --replace."""

    def __init__(self, args: Any, name: str, src: Path, fixes: LaptopFixes | None) -> None:
        if args.yes and not args.replace:           # before the box is reached
            raise HatboxError("--yes goes with --replace (delete your older libraries of the name even where they "
                              "hold corrections made on the box)", hint="hatbox push-library FOLDER --replace --yes")
        self.on, self.yes, self.name_given = bool(args.replace), bool(args.yes), args.name is not None
        self.name, self.src, self.fixes, self.done = name, src, fixes, Replaced()
        self.mine = 0                   # this laptop's libraries of the name before the upload (:meth:`check`)
        self.carry: Carry | None = None     # the source and its memory before packing (hatbox.library_carry)
        self.walked: list[tuple[str, Any]] | None = None    # the folder's walk, taken once by push_library (p49)

    def keep_walk(self, walked: list[tuple[str, Any]]) -> None:
        """Keep the folder's walk ``walked`` (push_library's one) for :class:`Carry`, with --replace only: without
        it nothing takes it, and a push holds no walk past its marks (p49 review: 7.6 MB per 10,000 files)."""
        if self.on:
            self.walked = walked

    def check(self, client: Any) -> None:
        """Before the folder is packed (p48 regression QA: it packed all of it, then refused): the source as it is
        and the folder's memory read (:class:`Carry`), then :func:`check_before`."""
        if self.on and self.carry is None:
            self.carry = Carry(self.src, self.walked)
            self.mine = check_before(client, self.name, self.src, self.fixes, self.yes, self.name_given, self.carry)

    @contextmanager
    def sending(self, client: Any) -> Iterator[None]:
        """Around the upload (:meth:`check` first, where not done yet): when it fails or is interrupted, say
        (stderr) that nothing was deleted (:func:`not_sent_words`)."""
        self.check(client)
        try:
            yield
        except (HatboxError, KeyboardInterrupt) as exc:
            if self.on:
                again = push_again({"name": self.name}, self.src, self.name_given)
                print(not_sent_words(exc, self.name, self.mine, again), file=sys.stderr)
            raise

    def after(self, client: Any, new: dict[str, Any]) -> None:
        """The box accepted library ``new`` (and its corrections went): :func:`replace_older`."""
        if self.on:
            replace_older(client, new, self.src, self.fixes, self.yes, self.name_given, self.done,
                          self.carry or Carry(self.src, self.walked))

    def held(self, client: Any, lib: dict[str, Any]) -> None:
        """The box holds the files already as library ``lib``, its corrections sent: :func:`held_replace`."""
        if self.on:
            held_replace(client, lib, self.src, self.fixes, self.yes, self.name_given, self.done,
                         self.carry or Carry(self.src, self.walked))

    def end(self) -> None:
        """:func:`raise_failed`."""
        raise_failed(self.done)
