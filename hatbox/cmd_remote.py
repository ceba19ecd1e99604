"""Laptop side of the device API: `hatbox pair`, `hatbox push`, `hatbox box-pack`, `hatbox status`
(`hatbox push-library` and `hatbox box-library`: hatbox/cmd_box_library.py; `hatbox box-pack`'s handler:
hatbox/box_packs.py; the stored config: hatbox/box_config.py).

The box's URL and token are kept in ``$XDG_CONFIG_HOME/hatbox/remote.json`` (default
``~/.config/hatbox/remote.json``, mode 600).  ``HATBOX_CONFIG`` points elsewhere;
``HATBOX_URL`` / ``HATBOX_TOKEN`` and ``--url`` / ``--token`` override what is stored.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatbox.box_client import CODE_PLACE, _box_reply, _call, _check_limit, _client, asked, check_pack_opens, \
    check_url, safe_text, upload
from hatbox.box_config import check_config_path, config_path, load_config, save_config, target
# confirm and _confirm_delete stay readable here for hatbox/cmd_kit.py and hatbox/library_delete.py (another helper's
# files); everything else that moved out is imported from its own module
from hatbox.box_packs import _checks_words, _confirm_delete, box_pack, confirm  # noqa: F401
from hatbox.box_packs import activate_anyway, mark_activating, nothing_sent_if_stopped, push_upload
from hatbox.box_packs import say_worse as _say_worse
from hatbox.errors import HatboxError
from hatbox.pack_names import twin_note
from hatbox.pack_who import replaced_since, replaced_words
from hatbox.push_checks import check_box_takes, on_box_already, pack_on_box, samples_archive, say_slot_warnings
from hatbox.status_report import knob_units, print_status
from hatbox.text import count_words

if TYPE_CHECKING:
    from export.manifest import Manifest


# ------------------------------------------------------------------------- commands
def pair(args: argparse.Namespace) -> int:
    url = check_url(args.url) if args.url else None
    code = _pairing_code(args.code) if args.code is not None else None    # a malformed --code: before the search
    if url is None:
        url = _discover(args.box)
    if code is None:
        code = _pairing_code(None)                 # asked once the box is found
    check_config_path(config_path())               # before the box spends its code on a token that cannot be kept
    with _client(url.rstrip("/"), None, args.ca or True) as c:
        body = _call(c, "POST", "/pair", json={"code": code, "name": args.name})
    with _box_reply("POST /pair"):
        cfg = {"url": url.rstrip("/"), "token": str(body["token"]), "token_id": str(body["token_id"]),
               "ca": str(Path(args.ca).resolve()) if args.ca else None}
        box = safe_text(body.get("box") or "the box")
    before = _old_config()
    old_url, old = before.get("url"), before.get("token_id")
    path = save_config(cfg)
    print(f"paired with {box} at {cfg['url']} (token {safe_text(cfg['token_id'])}, saved in {path})")
    if args.name == os.uname().nodename[:64]:     # the box says who deleted what by this name (p43 duo QA)
        print(f"  the box knows this computer as {safe_text(args.name)!r} (its host name): pair with --name NAME to "
              "be known by a name the other players know")
    if old and old != cfg["token_id"]:
        if _revoked(cfg, old):
            print(f"  this computer's earlier pairing with it ({safe_text(old)}) is revoked")
        elif old_url and old_url != cfg["url"]:          # another box: its pairing is no longer in the settings
            gone = "revoked there (nothing keeps its token now)" if _revoked(before, old) else (
                f"still valid there, its token no longer kept here: revoke it from a computer paired with that box "
                f"(hatbox box-devices --revoke {safe_text(old)})")
            print(f"  note: this computer was paired with {safe_text(old_url)}: that pairing is {gone}; the "
                  f"settings now hold this box (hatbox pair {safe_text(old_url)} to go back, or keep a settings file "
                  "per box: HATBOX_CONFIG=FILE)")
    return 0


def _old_config() -> dict[str, Any]:
    """The pairing this computer had before (read before the new one is saved; {} for none or a damaged file): at the
    new URL or at another address (a typo that reached the same box, its name and its IP, or another box).
    :func:`_revoked` revokes it where a box holds it."""
    try:
        old = load_config()
    except HatboxError:
        return {}
    keep = ("url", "token", "token_id", "ca")
    return {k: (str(old[k]) if old.get(k) else None) for k in keep} if old.get("url") and old.get("token") else {}


def _revoked(cfg: dict[str, Any], token_id: str) -> bool:
    """Revoke this computer's earlier pairing ``token_id`` with the new one when this box holds it (pairing again
    would leave one more token on the box that nothing uses; an earlier pairing with another box is left alone);
    False when the box did not (a token it does not hold, already gone, an old box)."""
    try:
        with _client(cfg["url"], cfg["token"], cfg["ca"] or True) as c:
            held = _call(c, "GET", "/tokens", expect=list)
            if not any(isinstance(t, dict) and t.get("id") == token_id for t in held):
                return False
            _call(c, "DELETE", f"/tokens/{token_id}", expect=None)
    except HatboxError:
        return False
    return True


def _pairing_code(given: str | None) -> str:
    """The code from --code, or asked for, as the box reads it (case, spaces and dashes ignored: "abc-234" ->
    "ABC234"); a clear error when there is none (closed stdin, empty answer), and, before the box is contacted (a
    wrong code there counts towards pausing pairing), when it cannot be a code: not CODE_LEN characters of the
    box's alphabet (device/api/auth.py)."""
    import string

    from device.api.auth import ALPHABET, CODE_LEN, normalize_code

    no_code = HatboxError("no pairing code given", hint=f"pass {CODE_PLACE}: --code ABC234")
    if given is None:
        from hatbox.ask import ask, end_line
        try:
            given = ask("pairing code shown on the box: ")     # on stderr (p47): stdout is what a script reads
        except EOFError:
            end_line()                      # end the question's line: the error goes on its own
            raise no_code from None
    if not given.strip():
        raise no_code
    code = normalize_code(given)
    if len(code) != CODE_LEN or any(c not in ALPHABET for c in code):
        *some, last = sorted(set(string.ascii_uppercase + string.digits) - set(ALPHABET))
        raise HatboxError(f"'{safe_text(given.strip())}' is not a pairing code: a pairing code has {CODE_LEN} "
                          f"letters and digits, as the box's panel shows it (never {', '.join(some)} or {last})",
                          hint=f"copy {CODE_PLACE}")
    return code


def _discover(box: str | None = None) -> str:
    """The URL of the one box on the network (or of the one named ``box``, case ignored); HatboxError naming what
    answered otherwise."""
    from device.api.discovery import browse_named

    interface = os.environ.get("HATBOX_MDNS_INTERFACE")
    try:
        found = browse_named(3.0, interface=interface)
    except (OSError, ValueError) as exc:          # no network, no multicast, an interface this computer lacks
        raise HatboxError(f"cannot look for boxes on this network ({exc})",
                          hint=(f"HATBOX_MDNS_INTERFACE={safe_text(interface)} must be an address of this computer; "
                                if interface else "") + "give the box's URL: hatbox pair http://BOX:8750") from None
    if not found:
        raise HatboxError("no box found on this network", hint="give its URL: hatbox pair http://BOX:8750")
    listed = ", ".join(f"{name} at {url}" for name, url in found)
    if box is not None:
        found = [(name, url) for name, url in found if name.casefold() == box.casefold()]
        if not found:
            raise HatboxError(f"no box named {box!r} answered (found: {listed})",
                              hint="give one of those names to --box, or its URL: hatbox pair URL")
    if len(found) > 1:
        raise HatboxError(f"several boxes answered: {listed}",
                          hint="pick one: hatbox pair --box NAME, or hatbox pair URL")
    name, url = found[0]
    print(f"found a box at {url} ({name})")
    return url


def push(args: argparse.Namespace) -> int:
    path = Path(args.pack)
    if path.is_dir():
        raise HatboxError(f"{safe_text(str(path))} is a folder, not a pack; nothing was sent",
                          hint=f"a folder of samples goes with: hatbox push-library {shlex.quote(str(path))}")
    if not path.is_file():
        raise HatboxError(f"no pack at {safe_text(str(path))}", hint="a pack is the .hatpack file hatbox train writes")
    samples = samples_archive(path)
    if samples:
        raise HatboxError(f"{safe_text(path.name)} is {samples}, not a pack; nothing was sent",
                          hint=f"a sample library goes with: hatbox push-library {shlex.quote(str(path))}")
    manifest = check_pack_opens(path)
    check_box_takes(path)                       # NaN in its golden output...: the box's own checks, here
    worse = _worse_than_bypass(manifest)
    if worse and args.activate and not args.yes and not _activate_anyway(worse, path):
        return 0                                # answered no: confirm() said "nothing was sent"
    where = target(args)
    with tempfile.TemporaryDirectory() as tmp, _client(*where) as c:
        if args.sign:
            path = _signed_copy(path, Path(args.sign), Path(tmp))
        _check_limit(c, path, "max_pack_bytes")
        packs = asked(c, "/packs", list)            # one read: the pack held already, the active one (way back)
        if packs is not None and (known := pack_on_box(c, path, packs)) is not None:   # sent before: not again
            if args.activate:
                mark_activating(args, known, packs)     # a Ctrl-C now: the box may have made it active (p50 M3)
            done = on_box_already(c, known, args.activate, where[0])
            _say_worse(worse)
            return done
        body = push_upload(c, path, args, upload, packs)  # a Ctrl-C said as what the box may still do (p50 FE)
        since = replaced_since(c, body.get("pack")) if body.get("activated") else ""    # another laptop's, already
    with _box_reply("POST /packs", note="; the pack may be installed all the same: see hatbox box-pack"):
        p = body["pack"]
        done = "was on the box already" if body.get("installed_before") else "installed on the box"
        if not body.get("asked"):           # an answer lost, the box asked: its line said it (hatbox.upload_asked)
            print(f"{safe_text(p['name'])} {safe_text(p['version'])} ({safe_text(p['kind'])}) {done} at "
                  f"{safe_text(where[0])} as {safe_text(p['id'])}: checked in {body['validate_seconds']:.2f} s, "
                  f"{body['total_seconds']:.2f} s in all")
        print(f"  {_checks_words(p['checks'])} (what each found: hatbox box-pack {shlex.quote(safe_text(p['id']))})")
        if p.get("signed_by"):
            print(f"  signed by {safe_text(p['signed_by'])}")
        if body["activated"]:
            print(f"  {'made active' if since else 'now active'}{replaced_words(body.get('replaced'), p)}"
                  + (f", but {since}" if since else ""))
        elif p.get("active"):
            print(f"  it was already on the box, and is its active {safe_text(p['kind'])} pack")
        else:
            print(f"  make it active: hatbox box-pack {shlex.quote(safe_text(p['id']))} --activate")
    if p.get("kind") == "effect":
        _say_no_gear(manifest)                  # an old pack's wider limit: said where every user looks (p52 FR2 #4)
    _say_worse(worse)
    with _client(*where) as c:
        twin_note(c, p, bool(body["activated"] or p.get("active")))    # another pack of this name and version
        if body["activated"]:
            say_slot_warnings(c, str(p.get("kind")))          # a knob the player set that it did not take...
            if p.get("kind") == "tagger":
                _say_untagged(c, list(body.get("tagging") or []), str(p["id"]))
    return 0


def _worse_than_bypass(manifest: Manifest) -> str:
    """hatbox.bypass_words.worse_than_bypass_words for an effect pack of ``manifest`` whose own training metrics say it
    scored no better than no effect at all (p59 Q2 5: one at held-out error 1.28 against bypass's 0.743 was pushed
    and made active with "passed every check ... now active"); "" for any other pack."""
    from hatbox.bypass_words import worse_than_bypass_words
    return worse_than_bypass_words(manifest.metrics) if manifest.kind == "effect" else ""


def _activate_anyway(worse: str, path: Path) -> bool:
    """Ask before `push --activate` makes active the pack at ``path``, which scored worse than bypass (``worse``: its
    words): hatbox.box_packs.activate_anyway (box-pack --activate's question too): True on y; False (nothing sent,
    said) on anything else; a HatboxError, nothing sent, with no one to ask (no terminal, or CI set: pass --yes)."""
    item = shlex.quote(safe_text(str(path)))
    return activate_anyway(worse, "push --activate", "nothing was sent",
                           "send it and make it the box's active effect pack all the same?",
                           f"install it without making it active: hatbox push {item}")


def _say_no_gear(manifest: Manifest) -> None:
    """The note render and pack inspect print for an effect pack of ``manifest`` (read by check_pack_opens before
    sending) with no gear-gain figure (the box guards it by its probe, device.audio.swap.NO_GEAR_ALLOWANCE_DB wider;
    train it again), indented; nothing else."""
    from device.audio.effect_render import no_gear_gain_line
    note = no_gear_gain_line(manifest)
    if note:
        print(f"  {note}")


def _say_untagged(client: Any, started: list[str], active: str) -> None:
    """After a tagger pack became active: the libraries the box started tagging with it (``started``: the answer's
    ``tagging``, those uploaded while no tagger was active), and those still not tagged, with the command that tags
    each; and how many keep the tags of a tagger pack other than ``active`` (the one just made active)."""
    libraries = asked(client, "/libraries", expect=list) or []     # a hint only: the activation itself went through
    for lib in libraries:
        if not isinstance(lib, dict):
            continue
        name, lid = safe_text(lib.get("name", "?")), shlex.quote(safe_text(lib.get("id", "?")))
        if lib.get("id") in started:
            files = lib.get("accepted")
            held = f" ({count_words(files, 'file')})" if isinstance(files, int) else ""
            print(f"  library {name}{held}, sent before a tagger was active, is being tagged with it: "
                  f"hatbox box-library {lid} --wait follows it")
        elif lib.get("state") == "untagged":
            print(f"  library {name} is not tagged yet: hatbox box-library {lid} --retag")
    others = [lib for lib in libraries if isinstance(lib, dict) and lib.get("state") in ("done", "cancelled")
              and lib.get("id") not in started and lib.get("tagger") and lib.get("tagger") != active]
    if others:
        print(f"  {count_words(len(others), 'library on the box keeps', 'libraries on the box keep')} the tags of "
              "another tagger pack (hatbox box-library lists which): hatbox box-library ID --retag tags one with this "
              "one")


def _signed_copy(path: Path, key_file: Path, tmp: Path) -> Path:
    from export.signing import sign_pack
    from hatbox.cmd_pack import signing_key

    return sign_pack(path, signing_key(key_file), tmp / path.name)


def keygen(args: argparse.Namespace) -> int:
    from export.signing import generate_key, key_id, private_pem, public_pem

    out = Path(args.path)
    if out.suffix.lower() == ".pub":            # the public key would be written over the private one
        raise HatboxError(f"{out} is where the public key goes: give the private key's name; nothing was written",
                          hint=f"hatbox keygen {shlex.quote(str(out.with_suffix('.pem')))} (writes "
                               f"{out.with_suffix('.pem').name} and {out.name})")
    pub = out.with_suffix(".pub")
    if out.is_dir():
        raise HatboxError(f"{out} is a folder: give the name of the key file to write; nothing was written",
                          hint=f"hatbox keygen {shlex.quote(str(out / 'KEY.pem'))} (writes KEY.pem and KEY.pub in it)")
    for path in (out, pub):
        if path.exists() or path.is_symlink():
            raise HatboxError(f"{path} already exists; not overwriting a key, nothing was written",
                              hint="give the new key another name, or move the old one away first")
    key = generate_key()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_pem(key))
    try:
        fd = os.open(pub, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(public_pem(key.public_key()))
    except OSError as exc:                      # a folder of that name made meanwhile, a full disk
        out.unlink(missing_ok=True)             # no private key without its public half
        raise HatboxError(f"cannot write {pub} ({exc.strerror or exc}); nothing was kept") from None
    print(f"signing key {key_id(key.public_key())}: private {out} (keep it), public {pub} "
          "(copy it into trusted_keys/ in the box's store folder, ~/.hatbox/trusted_keys/ by default; a box started "
          "with --require-signature then takes only packs signed with it)")
    return 0


def status(args: argparse.Namespace) -> int:
    where = target(args)
    with _client(*where) as c:
        s = _call(c, "GET", "/status")
        units = {} if args.json else knob_units(c)          # the knobs line in box-knob's words: "12 dB"
    if args.json:
        print(json.dumps(s, indent=2, sort_keys=True))
        return 0
    with _box_reply("GET /status"):
        print_status(s, where[0], units)
    return 0


# ------------------------------------------------------------------------- register
def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="the box's URL (default: the paired box)")
    p.add_argument("--token", help="the token (default: the one saved by hatbox pair)")
    p.add_argument("--ca", help="certificate to trust for an https box (self-signed)")


def register(cli: Any) -> None:
    p = cli.command("pair", "pair this computer with a box (enter the code on its panel, or on its terminal)", pair)
    p.add_argument("url", nargs="?", help="e.g. http://hatbox.local:8750 (default: look on the network)")
    p.add_argument("--code", help="the pairing code (asked for if missing)")
    p.add_argument("--name", default=os.uname().nodename[:64], help="this computer's name on the box")
    p.add_argument("--ca", help="certificate to trust for an https box (self-signed)")
    p.add_argument("--box", help="with several boxes on the network: the name of the one to pair with "
                                 "(as `hatbox pair` lists them)")
    p = cli.command("push", "send a .hatpack to the box (validated there before install)",
                    nothing_sent_if_stopped(push))
    p.add_argument("pack", help="the .hatpack to send (hatbox train ... --out wrote it)")
    p.add_argument("--activate", action="store_true", help="make it the active pack of its kind (an effect pack "
                   "whose own scores are worse than no effect at all: asks first)")
    p.add_argument("--yes", "--force", dest="yes", action="store_true",
                   help="with --activate: do not ask, even for a pack that scored worse than no effect at all")
    p.add_argument("--sign", metavar="KEY.pem", help="sign the pack with this ed25519 key before sending")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(p)
    p = cli.command("box-pack", "list the packs installed on the box, show one's checks, make one active, roll a "
                                "slot back, delete one, clean up old versions", box_pack)
    p.add_argument("id", nargs="?", help="a pack (its name or id, from the list); without it: list the packs")
    p.add_argument("--delete", action="store_true",
                   help="delete the pack from the box (asks first; the active pack of a kind is refused)")
    p.add_argument("--yes", action="store_true", help="with --delete or --prune: do not ask; with --activate or "
                   "--rollback: do not ask, even for an effect pack that scored worse than no effect at all")
    p.add_argument("--prune", action="store_true",
                   help="delete the versions nothing reaches: not active, not reachable by a roll back, not mapped "
                        "to a MIDI program (lists them and the space freed, then asks)")
    p.add_argument("--keep", type=int, metavar="N", help="with --prune: keep the newest N of each name as well "
                                                         "(default 1)")
    p.add_argument("--history", type=int, metavar="N", help="with --prune: keep only the N most recent roll-back "
                                                             "steps of each slot (default: all, up to 16)")
    p.add_argument("--activate", action="store_true", help="make this installed pack the active one of its kind (no "
                   "need to send it again; a name several versions share: the active one, else the newest; an effect "
                   "pack whose own scores are worse than no effect at all: asks first)")
    p.add_argument("--rollback", choices=("effect", "synth", "tagger"), metavar="KIND",
                   help="put back the pack that was active in this slot before (effect, synth or tagger; an effect "
                   "pack whose own scores are worse than no effect at all: asks first)")
    p.add_argument("--deactivate", choices=("effect", "synth", "tagger"), metavar="KIND",
                   help="empty this slot: nothing plays (or tags) there, and its pack can then be deleted")
    p.add_argument("--json", action="store_true", help="print the box's answer as JSON (for scripts): its packs "
                   "(GET /packs), or with ID that pack's entry, its checks included")
    _common(p)
    p = cli.command("keygen", "make an ed25519 key pair for signing packs (hatbox push --sign)", keygen)
    p.add_argument("path", help="where to write the private key (the public key goes beside it as .pub)")
    from hatbox import cmd_box_library        # it uses this module's target() and delete prompt
    cmd_box_library.register(cli, _common)
    p = cli.command("status", "what the box has installed and active, engine load, xruns (audio dropouts), disk",
                    status)
    p.add_argument("--json", action="store_true", help="print the box's status as JSON (for scripts)")
    _common(p)
