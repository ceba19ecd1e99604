"""Laptop side of the device API: `hatbox pair`, `hatbox push`, `hatbox box-pack`, `hatbox status`
(`hatbox push-library` and `hatbox box-library`: hatbox/cmd_box_library.py).

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
from typing import Any

from hatbox.box_client import (  # noqa: F401  (re-exported: the HTTP client moved there)
    _CHUNK, _URL_HINT, CODE_PLACE, CONNECT_TIMEOUT_S, READ_TIMEOUT_S, UPLOAD_ANSWER_S, UPLOAD_STALL_S, BoxRefused,
    _box_reply, _call, _check_limit, _chunks, _client, _Interrupted, _size_words, _Upload, check_pack_opens,
    check_url, one_named, safe_text, same_box, upload)
from hatbox.errors import HatboxError
from hatbox.pack_names import find_pack, twin_note  # noqa: F401  (find_pack re-exported: it moved there)
from hatbox.pack_names import pack_line as _pack_line
from hatbox.pack_names import pack_words as _pack_words
from hatbox.pack_who import deleted_error, previous_words, replaced_since, replaced_words
from hatbox.push_checks import check_box_takes, on_box_already, pack_on_box, samples_archive, say_slot_warnings
from hatbox.status_report import knob_units, print_status
from hatbox.text import count_words


# --------------------------------------------------------------------------- config
def config_path() -> Path:
    if os.environ.get("HATBOX_CONFIG"):
        return Path(os.environ["HATBOX_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hatbox" / "remote.json"


REPAIR_HINT = "pair again to write it anew: hatbox pair http://BOX:8750 --code CODE"


def load_config() -> dict[str, Any]:
    """The paired box's settings ({} before pairing); HatboxError naming the file when it cannot be read or is
    damaged (it was taken for "no box configured")."""
    path = config_path()
    if path.is_dir():
        check_config_path(path)                     # says what is wrong with it
    try:
        cfg = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise HatboxError(f"cannot read the box settings in {path} ({exc.strerror or exc})") from None
    except ValueError:
        raise HatboxError(f"the box settings in {path} are damaged (not JSON)", hint=REPAIR_HINT) from None
    if not isinstance(cfg, dict):
        raise HatboxError(f"the box settings in {path} are damaged (not a JSON object)", hint=REPAIR_HINT)
    return cfg


def check_config_path(path: Path) -> None:
    """HatboxError when the box settings cannot live at ``path``: a folder there, or no file can be made in its
    folder (checked by `hatbox pair` before the code is sent: the box spends the code on the first try)."""
    from export.atomic import unwritable

    where = "HATBOX_CONFIG" if os.environ.get("HATBOX_CONFIG") else "the box settings"
    if path.is_dir():
        raise HatboxError(f"{where} {path} is a folder, not a file",
                          hint="point HATBOX_CONFIG at a file (e.g. ~/.config/hatbox/remote.json), or unset it")
    if path.is_symlink() and not path.resolve().parent.is_dir():     # written through: its target's folder
        raise HatboxError(f"{where} {path} is a link to {path.resolve()}, in a folder that does not exist",
                          hint="make that folder, or point HATBOX_CONFIG at a file you can write")
    why = unwritable(path.resolve() if path.is_symlink() else path)
    if why:
        raise HatboxError(f"cannot write {where} {path}: {why}", hint="point HATBOX_CONFIG at a file you can write")


def save_config(cfg: dict[str, Any]) -> Path:
    """Write the laptop's settings (they hold the token) whole, readable by this user only: through a new temporary
    file of its own beside them (export.atomic.atomic_output, mode 600 from its making, never a file or link already
    there: a stale ``.tmp`` of mode 644 left the token world-readable, and settings files sharing a stem shared one).
    A settings file that is a link is written through."""
    from export.atomic import atomic_output
    path = config_path()
    check_config_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, prefix=f".{path.name}.", mode=0o600) as fh:
        fh.write(json.dumps(cfg, indent=1).encode())
    return path


def target(args: argparse.Namespace) -> tuple[str, str | None, Any]:
    """(url, token, TLS verify) from flags > environment > config file (a damaged one matters only when the flags
    and environment do not give both the URL and the token)."""
    url = getattr(args, "url", None) or os.environ.get("HATBOX_URL")
    token = getattr(args, "token", None) or os.environ.get("HATBOX_TOKEN")
    try:
        cfg = load_config()
    except HatboxError:
        if not (url and token):
            raise
        cfg = {}
    url = check_url(url) if url else url           # a malformed address is said as such first
    if url and not token and cfg.get("token") and cfg.get("url") and not same_box(url, cfg["url"]):
        raise HatboxError(f"this computer is paired with the box at {safe_text(cfg['url'])}, not "
                          f"{safe_text(url)}: its token is not sent to another address",
                          hint=f"pair with that box (hatbox pair {safe_text(url)}; a box that moved there too), or "
                               "give its token with --token")
    url = url or cfg.get("url")
    token = token or cfg.get("token")
    if not url:
        raise HatboxError("no box configured", hint="pair first: hatbox pair http://BOX:8750")
    if not token:           # every call of these commands needs one: said here, not as the box's refusal
        raise HatboxError(f"this computer is not paired with the box at {safe_text(url)} (no token here)",
                          hint=f"pair first: hatbox pair {safe_text(url)}")
    ca = getattr(args, "ca", None) or cfg.get("ca")
    return check_url(url), token, ca or True


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
        try:
            given = input("pairing code shown on the box: ")
        except EOFError:
            print(flush=True)               # end the question's line: the error goes on its own
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
    check_pack_opens(path)
    check_box_takes(path)                       # NaN in its golden output...: the box's own checks, here
    where = target(args)
    with tempfile.TemporaryDirectory() as tmp, _client(*where) as c:
        if args.sign:
            path = _signed_copy(path, Path(args.sign), Path(tmp))
        _check_limit(c, path, "max_pack_bytes")
        if (known := pack_on_box(c, path)) is not None:     # sent before (a broken connection): not sent again
            return on_box_already(c, known, args.activate, where[0])
        body = upload(c, "/packs", path, {"activate": str(bool(args.activate)).lower()}, args.quiet)
        since = replaced_since(c, body.get("pack")) if body.get("activated") else ""    # another laptop's, already
    with _box_reply("POST /packs", note="; the pack may be installed all the same: see hatbox box-pack"):
        p = body["pack"]
        done = "was on the box already" if body.get("installed_before") else "installed on the box"
        print(f"{safe_text(p['name'])} {safe_text(p['version'])} ({safe_text(p['kind'])}) {done} at "
              f"{safe_text(where[0])} as {safe_text(p['id'])}: checked in {body['validate_seconds']:.2f} s, "
              f"{body['total_seconds']:.2f} s in all")
        print(f"  {_checks_words(p['checks'])} (what each found: hatbox box-pack {shlex.quote(safe_text(p['id']))})")
        if p.get("signed_by"):
            print(f"  signed by {safe_text(p['signed_by'])}")
        if body["activated"]:
            print(f"  {'made active' if since else 'now active'}{replaced_words(body.get('replaced'))}"
                  + (f", but {since}" if since else ""))
        elif p.get("active"):
            print(f"  it was already on the box, and is its active {safe_text(p['kind'])} pack")
        else:
            print(f"  make it active: hatbox box-pack {shlex.quote(safe_text(p['id']))} --activate")
    with _client(*where) as c:
        twin_note(c, p, bool(body["activated"] or p.get("active")))    # another pack of this name and version
        if body["activated"]:
            say_slot_warnings(c, str(p.get("kind")))          # a knob the player set that it did not take...
            if p.get("kind") == "tagger":
                _say_untagged(c, list(body.get("tagging") or []), str(p["id"]))
    return 0


def _say_untagged(client: Any, started: list[str], active: str) -> None:
    """After a tagger pack became active: the libraries the box started tagging with it (``started``: the answer's
    ``tagging``, those uploaded while no tagger was active), and those still not tagged, with the command that tags
    each; and how many keep the tags of a tagger pack other than ``active`` (the one just made active)."""
    try:
        libraries = _call(client, "GET", "/libraries", expect=list)
    except HatboxError:
        libraries = []                           # a hint only: the activation itself went through
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


def box_pack(args: argparse.Namespace) -> int:
    """The box's installed packs; one pack's checks, deleting it (never the active one: the box refuses), making it
    the active one of its kind, or putting back a slot's previous pack (``--rollback KIND``)."""
    if (args.delete or args.activate) and not args.id:
        raise HatboxError("which pack? give its id first", hint="hatbox box-pack lists them")
    if args.yes and not (args.delete or args.prune):
        raise HatboxError("--yes only goes with --delete or --prune", hint="hatbox box-pack ID --delete --yes")
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
    if args.deactivate:
        with _client(*target(args)) as c:
            body = _call(c, "POST", f"/slots/{args.deactivate}/deactivate")
            with _box_reply("POST /slots/KIND/deactivate"):
                was = f" (was {safe_text(body['previous'])}: it stays installed)" if body.get("previous") else ""
                print(f"the box's {args.deactivate} slot is empty{was}")
        return 0
    with _client(*target(args)) as c, _box_reply("GET /packs"):
        packs = _call(c, "GET", "/packs", expect=list)
        if args.json:                           # for scripts: the box's own answer, GET /packs (or one entry of it)
            from hatbox.listing import print_json
            print_json(find_pack(packs, args.id) if args.id else packs)
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
                footer(totals_line(c, packs))               # on stderr when piped: scripts read the pack lines
            return 0
        try:
            pack = find_pack(packs, args.id, "active" if args.delete else "active-or-newest")
        except HatboxError as exc:              # deleted a moment ago, by another laptop's prune? say so
            raise deleted_error(c, args.id, exc) if "has no pack" in Exception.__str__(exc) else exc from None
        if args.delete:
            return _delete_pack(c, pack, args.yes, packs)
        if args.activate:
            return _activate_pack(c, pack)
    with _box_reply("GET /packs"):
        print(_pack_line(pack) + (f", signed by {safe_text(pack['signed_by'])}" if pack.get("signed_by") else ""))
        for chk in pack["checks"]:
            mark = "FAIL" if not chk["ok"] else "-" if _skipped(chk) else "ok"
            print(f"  {mark:<4}{safe_text(chk['check']):<10} {safe_text(chk['detail'])}")
    return 0


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
        _say_untagged(client, list(body.get("tagging") or []), str(pack["id"]))
    return 0


def _cut_out(client: Any, kind: str) -> str:
    """:func:`hatbox.status_line.cut_out_words` of the box's engine for pack kind ``kind`` ("" when it cannot say)."""
    from hatbox.status_line import cut_out_words
    try:
        engine = _call(client, "GET", "/status").get("engine") if kind in ("effect", "synth") else None
    except HatboxError:
        return ""
    return cut_out_words(engine, kind) if isinstance(engine, dict) else ""


def _rollback(args: argparse.Namespace) -> int:
    """Put back the pack that was active in slot ``args.rollback`` before the current one."""
    with _client(*target(args)) as c:
        body = _call(c, "POST", f"/slots/{args.rollback}/rollback")
        with _box_reply("POST /slots/KIND/rollback"):
            print(f"the box's active {args.rollback} pack is {safe_text(body['active'] or 'none')} again"
                  + (f" (was {safe_text(body['previous'])})" if body.get("previous") else "")
                  + (f" ({safe_text(body['went_past'])})" if body.get("went_past") else ""))
        if body.get("active"):
            say_slot_warnings(c, args.rollback)              # a knob the player set that it did not take...
        if args.rollback == "tagger" and body.get("active"):
            _say_untagged(c, list(body.get("tagging") or []), str(body["active"]))
    return 0


def _skipped(check: dict[str, Any]) -> bool:
    """Whether a pack's check did not apply to its kind (device/validate.py says "skipped: ..." for those)."""
    return str(check.get("detail", "")).startswith("skipped")


def _checks_words(checks: list[dict[str, Any]]) -> str:
    """The checks an installed pack passed, in one line; those that do not apply to its kind (detail "skipped: ...":
    a tagger has no knobs, no real-time budget) said apart: "passed every check that applies: a, b (c, d do not
    apply to this kind)".  A signature that was not verified (an unsigned pack, no trusted key to check it with) is
    not counted as passed: it is said after the rest ("; signature: unsigned")."""
    unverified = [c for c in checks if c.get("check") == "signature" and not _skipped(c)
                  and not str(c.get("detail", "")).startswith("signed by")]
    ran = [safe_text(c["check"]) for c in checks if not _skipped(c) and c not in unverified]
    skipped = [safe_text(c["check"]) for c in checks if _skipped(c)]
    sig = "".join(f"; signature: {safe_text(str(c.get('detail', '')).split(' (')[0])}" for c in unverified)
    if not skipped:
        return f"passed every check: {', '.join(ran)}{sig}"
    return (f"passed every check that applies: {', '.join(ran)} ({', '.join(skipped)} "
            f"{'does' if len(skipped) == 1 else 'do'} not apply to this kind){sig}")


def _confirm_delete(what: str, question: str) -> bool:
    """Ask ``question`` before deleting ``what`` (:func:`confirm`)."""
    return confirm(question, f"{what} was not deleted", "pass --yes to delete without asking")


def confirm(question: str, not_done: str, hint: str) -> bool:
    """Ask ``question`` (``[y/N]`` is added) on the terminal: True on y/yes; otherwise prints ``not_done`` ("library
    L was not deleted") and gives False; a HatboxError when stdin has no answer (EOF), pointing at --yes with
    ``hint`` (on a line of its own: the question's line is ended first)."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        print(flush=True)                   # the prompt went to stdout without a newline: end its line
        raise HatboxError(f"{not_done}: no answer to the question", hint=hint) from None
    except KeyboardInterrupt:               # Ctrl-C at the question: "hatbox: interrupted" on a line of its own
        print(flush=True)
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
    from hatbox.slot_words import rollback_note
    notes = rollback_note(client, pack) + program_note(client, pack, packs)      # what it breaks (p43, p44 QA)
    if not yes and not _confirm_delete(what, f"delete {what} from the box{notes}?"):
        return 0
    body = _call(client, "DELETE", f"/packs/{quote(pack['id'], safe='')}", expect=None,
                 headers={"Prefer": "return=representation"})
    print(f"deleted {what}" + "".join(f"\n  {w}" for w in programs_changed(body)))
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
    p = cli.command("push", "send a .hatpack to the box (validated there before install)", push)
    p.add_argument("pack", help="the .hatpack to send (hatbox train ... --out wrote it)")
    p.add_argument("--activate", action="store_true", help="make it the active pack of its kind")
    p.add_argument("--sign", metavar="KEY.pem", help="sign the pack with this ed25519 key before sending")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(p)
    p = cli.command("box-pack", "list the packs installed on the box, show one's checks, make one active, roll a "
                                "slot back, delete one, clean up old versions", box_pack)
    p.add_argument("id", nargs="?", help="a pack (its name or id, from the list); without it: list the packs")
    p.add_argument("--delete", action="store_true",
                   help="delete the pack from the box (asks first; the active pack of a kind is refused)")
    p.add_argument("--yes", action="store_true", help="with --delete or --prune: do not ask")
    p.add_argument("--prune", action="store_true",
                   help="delete the versions nothing reaches: not active, not reachable by a roll back, not mapped "
                        "to a MIDI program (lists them and the space freed, then asks)")
    p.add_argument("--keep", type=int, metavar="N", help="with --prune: keep the newest N of each name as well "
                                                         "(default 1)")
    p.add_argument("--history", type=int, metavar="N", help="with --prune: keep only the N most recent roll-back "
                                                             "steps of each slot (default: all, up to 16)")
    p.add_argument("--activate", action="store_true", help="make this installed pack the active one of its kind (no "
                   "need to send it again; a name several versions share: the active one, else the newest)")
    p.add_argument("--rollback", choices=("effect", "synth", "tagger"), metavar="KIND",
                   help="put back the pack that was active in this slot before (effect, synth or tagger)")
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
