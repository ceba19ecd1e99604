"""`hatbox box-pack`: the packs on the box listed, activated, rolled back, deactivated and deleted (registered by
hatbox/cmd_remote.py, which re-exports these names), and the yes/no question a deletion asks (:func:`confirm`).
Light at import (``hatbox --help``): what a command needs beyond the HTTP client is imported when it runs."""
from __future__ import annotations

import argparse
import functools
import shlex
import sys
from pathlib import Path
from typing import Any, Callable

from hatbox.box_client import UploadInterrupted, _box_reply, _call, _client, asked, safe_text, upload
from hatbox.box_config import target
from hatbox.errors import HatboxError, Interrupted, stopped_by
from hatbox.pack_names import find_pack
from hatbox.pack_names import pack_line as _pack_line
from hatbox.pack_names import pack_words as _pack_words
from hatbox.pack_who import find_or_deleted, previous_words
from hatbox.push_checks import say_slot_warnings


def box_pack(args: argparse.Namespace) -> int:
    """The box's installed packs; one pack's checks, deleting it (never the active one: the box refuses), making it
    the active one of its kind, or putting back a slot's previous pack (``--rollback KIND``)."""
    if (args.delete or args.activate) and not args.id:
        raise HatboxError("which pack? give its id first", hint="hatbox box-pack lists them")
    if args.yes and not (args.delete or args.prune or args.activate or args.rollback):
        raise HatboxError("--yes only goes with --delete, --prune or --activate (and --rollback)",
                          hint="hatbox box-pack ID --delete --yes")
    if args.keep is not None and (not args.prune or args.keep < 0):
        raise HatboxError("--keep N goes with --prune, N 0 or more", hint="hatbox box-pack --prune --keep 2")
    if args.prune and (args.id or args.rollback or args.deactivate):
        raise HatboxError("--prune cleans up the whole box: it takes no pack id, --rollback or --deactivate",
                          hint="hatbox box-pack --prune [--keep N]")
    if args.history is not None and (not args.prune or args.history < 0):
        raise HatboxError("--history N goes with --prune, N 0 or more", hint="hatbox box-pack --prune --history 2")
    if args.prune:
        from hatbox.box_prune import prune
        from hatbox.listing import refuse_json
        refuse_json(args.json, {"--prune": True}, "hatbox box-pack --json (the listing)")
        with _client(*target(args)) as c:
            return prune(c, 1 if args.keep is None else args.keep, args.yes, confirm, args.history)
    if args.json and (args.delete or args.activate or args.rollback or args.deactivate):
        raise HatboxError("--json goes with the listing (or one pack's entry), not with a change",
                          hint="hatbox box-pack [ID] --json")
    for slot, flag in ((args.rollback, "--rollback"), (args.deactivate, "--deactivate")):
        if slot and args.id:
            raise HatboxError(f"{flag} takes a kind, not a pack id", hint=f"hatbox box-pack {flag} {slot}")
    if args.rollback:
        return _rollback(args)
    if args.deactivate:         # the box's answer says what it emptied out, who had made it active and when
        with _client(*target(args)) as c:
            body = _call(c, "POST", f"/slots/{args.deactivate}/deactivate")
            with _box_reply("POST /slots/KIND/deactivate"):
                print(f"the box's {args.deactivate} slot is empty{previous_words(body, ': it stays installed')}")
        return 0
    with _client(*target(args)) as c, _box_reply("GET /packs"):
        packs = _call(c, "GET", "/packs", expect=list)
        if args.json:                           # for scripts: the box's own answer, GET /packs (or one entry of it)
            from hatbox.listing import print_json
            print_json(find_pack(packs, args.id, again="hatbox box-pack {} --json") if args.id else packs)
            return 0
        if not args.id:
            from device.versions import packs_in_order
            from hatbox.box_prune import totals_line
            from hatbox.listing import footer
            if not packs:
                print("no packs on the box (send one: hatbox push PACK.hatpack)")
            for p in packs_in_order(packs):                 # by name, newest version first (as numbers)
                print(_pack_line(p))
            if packs:
                from hatbox.pack_scores import compare_notes
                for note in compare_notes(packs):           # one name's taggers: better only beyond chance (p49)
                    footer(note)
                footer(totals_line(c, packs))               # on stderr when piped: scripts read the pack lines
            return 0
        pack = find_or_deleted(c, packs, args.id, "active" if args.delete else "active-or-newest", _again(args))
        if args.delete:
            return _delete_pack(c, pack, args.yes, packs)
        if args.activate:
            return _activate_asked(c, pack, args.yes)
    with _box_reply("GET /packs"):
        print(_pack_line(pack) + (f", signed by {safe_text(pack['signed_by'])}" if pack.get("signed_by") else ""))
        from hatbox.pack_scores import words_line
        words = words_line(pack)                            # a tagger's words (p49 QA "month2")
        if words:
            print(words)
        for chk in pack["checks"]:
            mark = "FAIL" if not chk["ok"] else "-" if _skipped(chk) else "ok"
            print(f"  {mark:<4}{safe_text(chk['check']):<10} {safe_text(chk['detail'])}")
    return 0


def _again(args: argparse.Namespace) -> str:
    """The user's `hatbox box-pack NAME ...` with "{}" where the name was, for a refusal's hint (--yes left out: a
    copied hint asks before it deletes)."""
    return "hatbox box-pack {}" + (" --delete" if args.delete else " --activate" if args.activate else "")


def _activate_asked(client: Any, pack: dict[str, Any], yes: bool) -> int:
    """`hatbox box-pack ID --activate`: :func:`_activate_pack`, asked first (as `hatbox push --activate` asks:
    :func:`activate_anyway`; not with ``yes``) where ``pack`` (its GET /packs entry), not active yet, is an effect pack
    that scored worse than no effect at all (:func:`worse_in_entry`), and said after its lines (p59 M8: push's
    hint installs such a pack without making it active, and box-pack then made it active with no word)."""
    worse = worse_in_entry(pack)
    what = _pack_words(pack)
    if worse and not pack.get("active") and not yes and not activate_anyway(
            worse, "box-pack --activate", f"{what} was not made active",
            f"make {what} the box's active effect pack all the same?"):
        return 0
    done = _activate_pack(client, pack)
    say_worse(worse)
    return done


def worse_in_entry(pack: dict[str, Any]) -> str:
    """hatbox.bypass_words.worse_than_bypass_words of installed effect pack ``pack`` (its GET /packs entry: its scores'
    ``val_esr`` against its ``bypass_esr``, which a box of before the fifty-ninth stop does not give); "" for any
    other pack, and one without both figures.  The entry read as a MIDI program change's outcome reads it
    (device.midi_programs.held_out_figures)."""
    from device.midi_programs import held_out_figures
    from hatbox.bypass_words import worse_than_bypass_words
    figures = held_out_figures(pack)
    return worse_than_bypass_words(figures) if figures is not None else ""


def activate_anyway(worse: str, command: str, not_done: str, question: str, other: str = "") -> bool:
    """Ask before ``command`` ("push --activate", "box-pack --activate") makes active a pack that scored worse than no
    effect at all (``worse``: its words, hatbox.bypass_words.worse_than_bypass_words, said first on stderr): True on y;
    False on anything else, ``not_done`` said ("nothing was sent") with ``other``, the way round it ("install it
    without making it active: hatbox push X"; "": none); a HatboxError, nothing done, with no one to ask (no
    terminal, or CI set), pointing at --yes (p59 M5, M8)."""
    from hatbox.ask import can_ask
    hint = "add --yes to make it active all the same" + (f", or {other}" if other else "")
    if not can_ask():
        raise HatboxError(f"{not_done}: {worse}; {command} asks before making such a pack active, and there is no "
                          "terminal to ask on (or CI is set)", hint=hint)
    print(f"warning: {worse}", file=sys.stderr, flush=True)
    return confirm(question, not_done + (f" (to {other})" if other else ""), hint)


def say_worse(worse: str) -> None:
    """The line after a push's or an activation's own, for a pack that scored worse than bypass (``worse``: its
    words; "" says nothing)."""
    if worse:
        print(f"  warning: {worse}")


def _activate_pack(client: Any, pack: dict[str, Any]) -> int:
    """Make the installed ``pack`` (its entry in GET /packs) the active one of its kind; says so when it is already."""
    from urllib.parse import quote

    what, kind = _pack_words(pack), safe_text(pack["kind"])
    cut = _cut_out(client, str(pack["kind"])) if pack["active"] else ""
    if pack["active"] and not cut:
        print(f"{what} is already the box's active {kind} pack")
        return 0
    body = _call(client, "POST", f"/packs/{quote(pack['id'], safe='')}/activate")   # loaded anew: it plays again
    with _box_reply("POST /packs/ID/activate"):
        before = previous_words(body)
        print(f"{what} was {cut}; it is loaded again and plays" if cut
              else f"{what} is now the box's active {kind} pack{before}")
    say_slot_warnings(client, str(pack["kind"]))
    if pack["kind"] == "tagger":
        from hatbox.cmd_remote import _say_untagged       # (push's too; it stays there)
        _say_untagged(client, list(body.get("tagging") or []), str(pack["id"]))
    return 0


def _cut_out(client: Any, kind: str) -> str:
    """:func:`hatbox.status_line.cut_out_words` of the box's engine for pack kind ``kind`` ("" when it cannot say)."""
    from hatbox.status_line import cut_out_words
    status = asked(client, "/status") if kind in ("effect", "synth") else None
    engine = status.get("engine") if status is not None else None
    return cut_out_words(engine, kind) if isinstance(engine, dict) else ""


def _rollback(args: argparse.Namespace) -> int:
    """Put back the pack that was active in slot ``args.rollback`` before the current one; asked first (as `hatbox
    box-pack ID --activate` asks: :func:`activate_anyway`; not with ``args.yes``) where that is an effect pack that
    scored worse than no effect at all (:func:`worse_in_entry`), and said after its lines (p60 F3: a roll back made
    such a pack active with no word)."""
    with _client(*target(args)) as c:
        packs = _effect_packs(c, args.rollback)
        to = _by_id(packs, _rollback_target(c, args.rollback)) if packs else None
        worse = worse_in_entry(to) if to is not None else ""
        if worse and not args.yes and not activate_anyway(
                worse, "box-pack --rollback", f"the box's {args.rollback} slot was not rolled back",
                f"roll the {args.rollback} slot back to {_pack_words(to)} all the same?"):
            return 0
        body = _call(c, "POST", f"/slots/{args.rollback}/rollback")
        with _box_reply("POST /slots/KIND/rollback"):
            print(f"the box's active {args.rollback} pack is {safe_text(body['active'] or 'none')} again"
                  + (f" (was {safe_text(body['previous'])})" if body.get("previous") else "")
                  + (f" ({safe_text(body['went_past'])})" if body.get("went_past") else ""))
        if to is None or body.get("active") != to.get("id"):     # another than asked of (a change meanwhile)
            to = _by_id(_effect_packs(c, args.rollback), body.get("active"))
        say_worse(worse_in_entry(to) if to is not None else "")
        if body.get("active"):
            say_slot_warnings(c, args.rollback)              # a knob the player set that it did not take...
        if args.rollback == "tagger" and body.get("active"):
            from hatbox.cmd_remote import _say_untagged   # (push's too; it stays there)
            _say_untagged(c, list(body.get("tagging") or []), str(body["active"]))
    return 0


def _effect_packs(client: Any, kind: str) -> list[dict[str, Any]]:
    """The box's packs (GET /packs) for a roll back of slot ``kind`` to look in: only for the effect slot (the one
    whose packs can score worse than no effect at all); [] for the others, or when the box does not answer (the roll
    back goes on as before)."""
    return (asked(client, "/packs", list) or []) if kind == "effect" else []


def _rollback_target(client: Any, kind: str) -> str | None:
    """The id of the pack a roll back of slot ``kind`` makes active, as GET /slots says (``rollback_to``); None
    where it says none, or does not answer."""
    slots = asked(client, "/slots", list)
    found = [s for s in slots or [] if isinstance(s, dict) and s.get("slot") == kind]
    return found[0].get("rollback_to") if found else None


def _by_id(packs: list[dict[str, Any]], pid: Any) -> dict[str, Any] | None:
    """The entry of ``packs`` (GET /packs) with id ``pid``, or None."""
    return next((p for p in packs if isinstance(p, dict) and pid and p.get("id") == pid), None)


def _skipped(check: dict[str, Any]) -> bool:
    """Whether a pack's check did not apply to its kind (device/validate.py says "skipped: ..." for those)."""
    return str(check.get("detail", "")).startswith("skipped")


def _checks_words(checks: list[dict[str, Any]]) -> str:
    """The checks an installed pack passed, in one line; those that do not apply to its kind (detail "skipped: ...":
    a tagger has no knobs, no real-time budget) said apart: "passed every check that applies: a, b (c, d do not
    apply to this kind)".  A signature that was not verified (an unsigned pack, no trusted key to check it with) is
    not counted as passed: it is said after the rest ("; signature: unsigned"), in the box's words but for its note
    on boxes that do not require signatures (p53 QA Q4: all after the first " (" was cut, the box's "(tampered with,
    or signed by a key this box does not trust)" with it)."""
    unverified = [c for c in checks if c.get("check") == "signature" and not _skipped(c)
                  and not str(c.get("detail", "")).startswith("signed by")]
    ran = [safe_text(c["check"]) for c in checks if not _skipped(c) and c not in unverified]
    skipped = [safe_text(c["check"]) for c in checks if _skipped(c)]
    sig = "".join(f"; signature: {safe_text(_signature_words(str(c.get('detail', ''))))}" for c in unverified)
    if not skipped:
        return f"passed every check: {', '.join(ran)}{sig}"
    return (f"passed every check that applies: {', '.join(ran)} ({', '.join(skipped)} "
            f"{'does' if len(skipped) == 1 else 'do'} not apply to this kind){sig}")


def _signature_words(detail: str) -> str:
    """The box's words on a signature it did not verify, less its note for a box that does not require signatures
    ("... (this box does not require signatures; with --require-signature it would refuse it)")."""
    from device.signature_words import without_note     # plain text: not device.validate, which loads numpy
    return without_note(detail)


def _confirm_delete(what: str, question: str) -> bool:
    """Ask ``question`` before deleting ``what`` (:func:`confirm`)."""
    return confirm(question, f"{what} was not deleted", "pass --yes to delete without asking")


def confirm(question: str, not_done: str, hint: str) -> bool:
    """Ask ``question`` (``[y/N]`` is added) on stderr (hatbox.ask.ask): True on y/yes; otherwise prints
    ``not_done`` ("library L was not deleted") and gives False; a HatboxError when stdin has no answer (EOF),
    pointing at --yes with ``hint`` (on a line of its own: the question's line is ended first)."""
    from hatbox.ask import ask, end_line
    try:
        answer = ask(f"{question} [y/N] ")   # on stderr (p47): stdout is what a script reads
    except EOFError:
        end_line()                          # the question has no newline: the error goes on a line of its own
        raise HatboxError(f"{not_done}: no answer to the question", hint=hint) from None
    except KeyboardInterrupt:               # Ctrl-C at the question: "hatbox: interrupted" on a line of its own
        end_line()
        raise
    if answer.strip().lower() not in ("y", "yes"):
        print(not_done)
        return False
    return True


def _delete_pack(client: Any, pack: dict[str, Any], yes: bool, packs: list[dict[str, Any]]) -> int:
    """Delete ``pack`` (its entry in GET /packs) from the box, after asking unless ``yes``; a HatboxError, nothing
    asked or sent, when it is the active pack of its kind (the box answers 409 to that)."""
    from urllib.parse import quote

    what, kind = _pack_words(pack), safe_text(pack["kind"])
    if pack["active"]:
        raise HatboxError(f"{what} is the box's active {kind} pack, and the box does not delete an active pack: "
                          "nothing was deleted",
                          hint=f"make another {kind} pack active first (hatbox box-pack OTHER-ID --activate, or on "
                               f"the box's Models page), or empty the slot (hatbox box-pack --deactivate {kind}), then "
                               "delete this one")
    from hatbox.midi_program_words import program_note, programs_changed
    from hatbox.slot_words import owner_clause, played_note, rollback_note
    notes = played_note(pack, packs) + rollback_note(client, pack) + program_note(client, pack, packs)   # p43, p44
    owner = owner_clause(pack)                  # whose it is, as a library's question says it (p57 QA_D 3)
    if not yes and not _confirm_delete(what, f"delete {what}{owner} from the box{notes}?"):
        return 0
    body = _call(client, "DELETE", f"/packs/{quote(pack['id'], safe='')}", expect=None,
                 headers={"Prefer": "return=representation"})
    print(f"deleted {what}{owner.rstrip(',')}{played_note(pack, packs, done=True)}"
          + "".join(f"\n  {w}" for w in programs_changed(body)))
    return 0


SENDING = "hatbox_push_sending"      # set on push's args once its upload begins: a Ctrl-C then is said by the upload
ACTIVATING = "hatbox_push_activating"    # set on push's args before a pack on the box already is made active


def push_upload(client: Any, path: Path, args: argparse.Namespace, send: Callable[..., Any] = upload,
                packs: list[Any] | None = None) -> Any:
    """`hatbox push`'s upload of the pack at ``path`` (``send``: hatbox.box_client.upload, as the caller names it;
    ``args.activate``: make it active; ``packs``: the box's GET /packs list the push read, None when it could not),
    a Ctrl-C in it said as what the box may do (p50 QA: "the box may still keep it", when with --activate the box
    installs AND activates it): with --activate, the pack of its kind active before, for the way back.  An upload
    whose answer was lost asks the box (hatbox.upload_asked_pack.pack_asked): a pack found is the answer."""
    import time
    kind = _pack_kind(path) if args.activate else ""        # manifest.json alone (p50 M3: not the whole pack again)
    setattr(args, SENDING, True)
    began = time.monotonic()        # a record of the upload older than this is another push's (p55 M1)
    try:
        return send(client, "/packs", path, {"activate": str(bool(args.activate)).lower()}, args.quiet)
    except UploadInterrupted as exc:
        _reword_interrupted(exc, kind, bool(args.activate), _way_back(kind, packs))
        raise
    except HatboxError as exc:      # cut once every byte went (p54 F4): the box asked whether it arrived, said
        from hatbox import upload_asked
        if not upload_asked.lost_answer(exc):
            raise
        from hatbox.upload_asked_pack import pack_asked     # its entry as the answer: the push's own lines follow
        return pack_asked(client, exc, path, bool(args.activate), kind, _way_back(kind, packs),
                          bool(getattr(args, "quiet", False)), began=began)


def mark_activating(args: argparse.Namespace, pack: dict[str, Any], packs: list[Any] | None) -> None:
    """Before `hatbox push --activate` makes ``pack`` (its GET /packs entry: on the box already, nothing to send)
    active: a Ctrl-C from here on is said as the box may have made it active, with the way back from ``packs`` (the
    list the push read), not as "nothing was sent" (:func:`nothing_sent_if_stopped`)."""
    kind = str(pack.get("kind") or "")
    active = active_in(packs, kind)
    back = (f"it was the box's active {safe_text(kind)} pack already" if active and active.get("id") == pack.get("id")
            else _way_back(kind, packs))
    setattr(args, ACTIVATING, (safe_text(f"{pack.get('name', '?')} {pack.get('version', '')}".strip()), back))


def _pack_kind(path: Path) -> str:
    """The kind of the pack at ``path`` ("effect", "synth", "tagger"; "" when its manifest cannot be read), from its
    manifest.json alone (the pack was read and checked whole before: hatbox.box_client.check_pack_opens)."""
    from export.pack import manifest_bytes_of, manifest_json
    from hatbox.errors import PackError
    try:
        manifest = manifest_json(manifest_bytes_of(path))
    except (PackError, OSError):
        return ""
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    return kind if isinstance(kind, str) else ""


def active_in(packs: list[Any] | None, kind: str) -> dict[str, Any] | None:
    """The active pack of ``kind`` in ``packs`` (the box's GET /packs list), None when there is none."""
    return next((p for p in packs or [] if isinstance(p, dict) and p.get("active") and p.get("kind") == kind
                 and p.get("id")), None)


def _reword_interrupted(exc: UploadInterrupted, kind: str, activate: bool, back: str) -> None:
    """Say in ``exc`` (the upload's Ctrl-C, with what was sent) what the box may still do: after the last byte with
    --activate, install the pack and make it the active ``kind`` pack, and ``back``, the way back; before the first
    byte, that nothing was sent.  A Ctrl-C part-way is left as the upload says it."""
    name = safe_text(exc.name)
    if exc.done and activate:
        exc.args = (f"interrupted ({exc.how}) after all of {name} was sent: the box may still install it and make it "
                    f"the active {kind or 'pack of its kind'}{' pack' if kind else ''}",)
        exc.hint = f"see whether it did: hatbox box-pack; {back}"
    elif exc.sent == 0 and not exc.done:
        exc.args = (f"interrupted ({exc.how}) before any of {name} was sent: nothing was sent",)


def _way_back(kind: str, packs: list[Any] | None) -> str:
    """How to put back the pack of ``kind`` active in ``packs`` (the box's list before the push), or to empty the
    slot (none was); how to pick one when the list could not be read (None) or the kind is not known."""
    if packs is None or not kind:
        return "to go back: hatbox box-pack lists the packs; hatbox box-pack ID --activate makes one active"
    before = active_in(packs, kind)
    if before is None:                  # a tagger tags the libraries waiting for one at once (device/api/box.py)
        kept = " (the libraries it started tagging stay tagged by it)" if kind == "tagger" else ""
        return f"to empty the slot again: hatbox box-pack --deactivate {safe_text(kind)}{kept}"
    name = safe_text(f"{before.get('name', '?')} {before.get('version', '')}".strip())
    return f"to go back to {name} (active before): hatbox box-pack {shlex.quote(safe_text(before['id']))} --activate"


def nothing_sent_if_stopped(push: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``push`` (the handler of `hatbox push`), a Ctrl-C before its upload began (reading and checking the pack, asking
    the box) said as "nothing was sent" (it was "hatbox: interrupted" alone); one while a pack on the box already is
    made active (:func:`mark_activating`) as the box may have made it active, and the way back."""
    @functools.wraps(push)
    def run(args: argparse.Namespace) -> int:
        try:
            return push(args)
        except KeyboardInterrupt as exc:
            if getattr(args, SENDING, False):
                raise
            if activating := getattr(args, ACTIVATING, None):
                what, back = activating
                raise Interrupted(f"interrupted ({stopped_by(exc)}) as the box was asked to make {what} active (it "
                                  "was on the box already: nothing was sent): the box may have made it active: see "
                                  "hatbox box-pack", hint=back) from exc
            raise Interrupted(f"interrupted ({stopped_by(exc)}) before the pack was sent: nothing was sent") from exc
    return run
