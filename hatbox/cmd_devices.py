"""`hatbox box-devices`: the computers paired with the box, and taking a pairing back (a lost or sold laptop).

Each pairing is a token the box keeps (only its SHA-256, device/api/auth.py), listed by ``GET /tokens`` with the
name the computer gave (`hatbox pair --name`, default its host name) and when it paired; ``DELETE /tokens/{id}``
revokes one at once (a request of that computer under way is refused before it changes anything).
"""
from __future__ import annotations

import argparse
import os
from typing import Any

from hatbox.ask import ask, end_line
from hatbox.box_client import BoxRefused, _box_reply, _call, _client, one_named, safe_text, same_box
from hatbox.cmd_remote import _common, load_config, save_config, target
from hatbox.errors import HatboxError, first_line
from hatbox.text import count_words, when_words


def _this_token_id() -> str | None:
    """The token id `hatbox pair` saved for this computer (None: not paired through the settings file)."""
    try:
        return load_config().get("token_id")
    except HatboxError:
        return None


def _line(token: dict[str, Any], mine: str | None) -> str:
    when = when_words(token["created"])
    this = "  (this computer)" if token["id"] == mine else ""
    return f"  {safe_text(token['id'])}  {safe_text(token['name']):<24} paired {when}{this}"


def find_token(tokens: list[dict[str, Any]], given: str) -> dict[str, Any]:
    """The pairing ``given`` names: its id, or a name only one pairing has (any case).  HatboxError otherwise."""
    return one_named(tokens, given, f"computers paired with the box are called '{safe_text(given)}'",
                     "give the id of the one to revoke (hatbox box-devices lists them)",
                     HatboxError(f"no computer paired with the box is called or has the id '{safe_text(given)}'",
                                 hint="hatbox box-devices lists them"))


OWN_QUESTION = "revoke this computer's own pairing? it will need the code on the box to pair again"


def _question(token: dict[str, Any], mine: str | None) -> str:
    """What `box-devices --revoke` asks before revoking ``token`` (its GET /tokens entry): this computer's own
    pairing (it then needs the code on the box), or another computer's, named, with when it paired (p57 QA_D 2: any
    laptop of a workshop revoked another's without a word)."""
    if token["id"] == mine:
        return OWN_QUESTION
    return (f"revoke the pairing of {safe_text(token['name'])} ({safe_text(token['id'])}, paired "
            f"{when_words(token['created'])})? that computer can no longer reach the box until it pairs again "
            "with the code on the box")


def _sure(question: str) -> bool:
    """Ask ``question`` (``[y/N]`` added): True on y/yes; HatboxError when stdin has no answer, pointing at --yes."""
    try:
        answer = ask(f"{question} [y/N] ")
    except EOFError:
        end_line()
        raise HatboxError(f"not revoked: no answer to '{question.split('?')[0]}?' (stdin is closed)",
                          hint="add --yes to revoke it without asking") from None
    return answer.strip().lower() in ("y", "yes")


def box_devices(args: argparse.Namespace) -> int:
    from hatbox.listing import print_json, refuse_json
    refuse_json(args.json, {"--revoke": args.revoke}, "hatbox box-devices --json")
    mine = _this_token_id()
    with _client(*target(args)) as c:
        tokens = _call(c, "GET", "/tokens", expect=list)
        if args.json:                               # for scripts: the box's own answer, GET /tokens
            print_json(tokens)
            return 0
        if args.revoke is None:
            with _box_reply("GET /tokens"):
                print(f"paired with the box: {count_words(len(tokens), 'computer')}")
                for t in tokens:
                    print(_line(t, mine))
                if len(tokens) > 1:
                    print("take one back (a lost or sold computer): hatbox box-devices --revoke ID")
            return 0
        with _box_reply("GET /tokens"):
            gone = find_token(tokens, args.revoke)
        if not args.yes and not _sure(_question(gone, mine)):
            print("not revoked: " + ("this computer" if gone["id"] == mine else safe_text(gone["name"]))
                  + " stays paired")
            return 0
        _call(c, "DELETE", f"/tokens/{gone['id']}", expect=None)
    if gone["id"] == mine:
        _forget_token()
    print(f"revoked {safe_text(gone['name'])} ({safe_text(gone['id'])}): it can no longer reach the box"
          + ("; this computer has to pair again (hatbox pair)" if gone["id"] == mine else ""))
    return 0


def _forget_token() -> None:
    """This computer's own pairing was revoked: its token leaves the settings file (the box's address stays, for
    `hatbox pair`), so a later command says "pair first", not that the box refused a wrong token."""
    cfg = load_config()
    if cfg.get("token") or cfg.get("token_id"):
        save_config({k: v for k, v in cfg.items() if k not in ("token", "token_id")})


def unpair(args: argparse.Namespace) -> int:
    """`hatbox unpair`: revoke this computer's pairing on the box (when it answers) and forget it here."""
    cfg = load_config()
    mine = cfg.get("token_id")
    if not cfg.get("url") or not cfg.get("token"):
        print("this computer is not paired with a box: nothing to undo")
        return 0
    given = getattr(args, "url", None) or os.environ.get("HATBOX_URL")
    if given and not same_box(given, str(cfg["url"])):
        raise HatboxError(f"this computer is paired with {safe_text(cfg['url'])}, not {safe_text(given)}; nothing was "
                          "done", hint="hatbox unpair (without --url) undoes the pairing this computer keeps")
    try:
        if not mine:                             # settings written by hand, or by a hatbox before token ids
            raise HatboxError("this computer's settings do not say which pairing is its own")
        with _client(*target(args)) as c:
            _call(c, "DELETE", f"/tokens/{mine}", expect=None)
        done = "revoked on the box"
    except BoxRefused as exc:
        if exc.status != 401:
            done = _not_revoked(exc, mine)
        else:                                    # revoked already (from another computer), or the box was reset
            done = "the box no longer accepted its token (revoked from another computer, or the box was reset)"
    except HatboxError as exc:
        if mine and not getattr(args, "force", False):     # the token could still reach the box: keep it
            raise HatboxError(f"cannot revoke this computer's pairing with {safe_text(cfg['url'])}: "
                              f"{first_line(exc)}; the pairing is kept (its token still opens that box)",
                              hint="try again when the box answers, or hatbox unpair --force to forget it here "
                                   "all the same (then revoke it from another paired computer: hatbox box-devices "
                                   f"--revoke {safe_text(mine)})") from None
        done = _not_revoked(exc, mine)
    _forget_token()
    print(f"unpaired from {safe_text(cfg['url'])}: {done}; pair again with hatbox pair {safe_text(cfg['url'])}")
    return 0


def _not_revoked(exc: Exception, mine: str | None) -> str:
    """How `unpair` says the box kept this computer's pairing (``exc``: why), with the command that revokes it."""
    return (f"not revoked on the box ({first_line(exc)}): hatbox box-devices --revoke {mine or 'ID'} from a paired "
            "computer" + ("" if mine else " (hatbox box-devices lists the ids)"))


def register(cli: Any) -> None:
    p = cli.command("box-devices", "list the computers paired with the box; revoke one (a lost laptop)", box_devices)
    p.add_argument("--revoke", metavar="ID|NAME", help="take back the pairing of the computer named (its id, or its "
                                                       "name when only one pairing has it): it can no longer reach "
                                                       "the box")
    p.add_argument("--yes", action="store_true", help="with --revoke: do not ask")
    p.add_argument("--json", action="store_true", help="print the box's answer as JSON (for scripts): the pairings "
                                                       "(GET /tokens)")
    _common(p)
    p = cli.command("unpair", "revoke this computer's pairing with the box and forget it here", unpair)
    p.add_argument("--force", action="store_true", help="forget the pairing here even when the box cannot be reached "
                                                         "to revoke it (its token then stays valid on the box)")
    _common(p)
