"""Laptop side of the device API: `hatbox pair`, `hatbox push`, `hatbox box-pack`, `hatbox push-library`,
`hatbox box-library`, `hatbox status`.

The box's URL and token are kept in ``$XDG_CONFIG_HOME/hatbox/remote.json`` (default
``~/.config/hatbox/remote.json``, mode 600).  ``HATBOX_CONFIG`` points elsewhere;
``HATBOX_URL`` / ``HATBOX_TOKEN`` and ``--url`` / ``--token`` override what is stored.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from hatbox.box_client import (  # noqa: F401  (re-exported: the HTTP client moved there)
    _CHUNK, _URL_HINT, CONNECT_TIMEOUT_S, READ_TIMEOUT_S, UPLOAD_ANSWER_S, UPLOAD_STALL_S, _box_reply, _call,
    _check_limit, _chunks, _client, _Interrupted, _size_words, _Upload, safe_text, upload)
from hatbox.errors import HatboxError



def library_name(src: Path) -> str:
    """The name a library gets on the box: a folder's own name ("Kit v1.2", "." -> the folder it means),
    an archive's without its .zip / .tar / .tar.gz / .tgz ..."""
    if src.is_dir():
        return src.resolve().name or "library"
    from device.library.archive import ARCHIVE_SUFFIXES

    name = src.name
    for ext in ARCHIVE_SUFFIXES:
        if name.lower().endswith(ext):
            return name[:-len(ext)] or "library"
    return src.stem or "library"


def check_url(url: str) -> str:
    """``url`` without a trailing slash, or a HatboxError saying what a box address looks like."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:                      # a port that is not a number, a bad IPv6 literal
        ok = False
    if not ok:
        netloc = url.strip().split("://", 1)[-1].split("/", 1)[0]
        bare_ipv6 = netloc.count(":") > 1 and "[" not in netloc
        raise HatboxError(f"'{safe_text(url)}' is not a box address",
                          hint="an IPv6 address goes in brackets: http://[fe80::1]:8750" if bare_ipv6 else _URL_HINT)
    return url.strip().rstrip("/")


# --------------------------------------------------------------------------- config
def config_path() -> Path:
    if os.environ.get("HATBOX_CONFIG"):
        return Path(os.environ["HATBOX_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hatbox" / "remote.json"


def load_config() -> dict[str, Any]:
    try:
        return json.loads(config_path().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save_config(cfg: dict[str, Any]) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(cfg, fh, indent=1)
    os.replace(path.with_suffix(".tmp"), path)
    return path


def target(args: argparse.Namespace) -> tuple[str, str | None, Any]:
    """(url, token, TLS verify) from flags > environment > config file."""
    cfg = load_config()
    url = getattr(args, "url", None) or os.environ.get("HATBOX_URL") or cfg.get("url")
    token = getattr(args, "token", None) or os.environ.get("HATBOX_TOKEN") or cfg.get("token")
    if not url:
        raise HatboxError("no box configured", hint="pair first: hatbox pair http://BOX:8750")
    ca = getattr(args, "ca", None) or cfg.get("ca")
    return check_url(url), token, ca or True


# ------------------------------------------------------------------------- commands
# Where the owner reads the pairing code: a box without a panel (``hatbox device run --no-panel``,
# ``python -m device.api --sim``) logs it as "pairing code: XXXXXX"; one with a panel does both.
CODE_PLACE = "the code on the box's panel (or on its terminal: 'pairing code: ...')"


def pair(args: argparse.Namespace) -> int:
    url = check_url(args.url) if args.url else _discover(args.box)
    code = _pairing_code(args.code)
    with _client(url.rstrip("/"), None, args.ca or True) as c:
        body = _call(c, "POST", "/pair", json={"code": code, "name": args.name})
    with _box_reply("POST /pair"):
        cfg = {"url": url.rstrip("/"), "token": str(body["token"]), "token_id": str(body["token_id"]),
               "ca": str(Path(args.ca).resolve()) if args.ca else None}
        box = safe_text(body.get("box") or "the box")
    path = save_config(cfg)
    print(f"paired with {box} at {cfg['url']} (token {safe_text(cfg['token_id'])}, saved in {path})")
    return 0


def _pairing_code(given: str | None) -> str:
    """The code from --code, or asked for; a clear error when there is none (closed stdin, empty answer)."""
    no_code = HatboxError("no pairing code given", hint=f"pass {CODE_PLACE}: --code ABC123")
    if given is None:
        try:
            given = input("pairing code shown on the box: ")
        except EOFError:
            raise no_code from None
    if not given.strip():
        raise no_code
    return given.strip()


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
    if not path.is_file():
        raise HatboxError(f"no pack at {path}")
    with tempfile.TemporaryDirectory() as tmp, _client(*target(args)) as c:
        if args.sign:
            path = _signed_copy(path, Path(args.sign), Path(tmp))
        _check_limit(c, path, "max_pack_bytes")
        body = upload(c, "/packs", path, {"activate": str(bool(args.activate)).lower()}, args.quiet)
    with _box_reply("POST /packs", note="; the pack may be installed all the same: see hatbox box-pack"):
        p = body["pack"]
        print(f"installed {safe_text(p['name'])} {safe_text(p['version'])} ({safe_text(p['kind'])}) as "
              f"{safe_text(p['id'])}: validated in {body['validate_seconds']:.2f} s, "
              f"{body['total_seconds']:.2f} s in all")
        for chk in p["checks"]:
            print(f"  ok  {safe_text(chk['check']):<10} {safe_text(chk['detail'])}")
        print("  now active" if body["activated"] else f"  activate it with: hatbox push {path} --activate")
    return 0


def _signed_copy(path: Path, key_file: Path, tmp: Path) -> Path:
    from export.signing import sign_pack
    from hatbox.cmd_pack import signing_key

    return sign_pack(path, signing_key(key_file), tmp / path.name)


def keygen(args: argparse.Namespace) -> int:
    from export.signing import generate_key, key_id, private_pem, public_pem

    out = Path(args.path)
    if out.exists():
        raise HatboxError(f"{out} already exists; not overwriting a key")
    key = generate_key()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_pem(key))
    pub = out.with_suffix(".pub")
    pub.write_bytes(public_pem(key.public_key()))
    print(f"signing key {key_id(key.public_key())}: private {out} (keep it), public {pub} "
          "(copy it into the box's trusted_keys/)")
    return 0


def box_pack(args: argparse.Namespace) -> int:
    """The box's installed packs; one pack's checks, or deleting it (never the active one: the box refuses)."""
    if args.delete and not args.id:
        raise HatboxError("which pack? give its id first", hint="hatbox box-pack lists them")
    if args.yes and not args.delete:
        raise HatboxError("--yes only goes with --delete", hint="hatbox box-pack ID --delete --yes")
    with _client(*target(args)) as c, _box_reply("GET /packs"):
        packs = _call(c, "GET", "/packs", expect=list)
        if not args.id:
            if not packs:
                print("no packs on the box (send one: hatbox push PACK.hatpack)")
            for p in packs:
                print(_pack_line(p))
            return 0
        pack = next((p for p in packs if p["id"] == args.id), None)
        if pack is None:
            raise HatboxError(f"the box has no pack '{safe_text(args.id)}'",
                              hint="hatbox box-pack lists the installed packs with their ids")
        if args.delete:
            return _delete_pack(c, pack, args.yes)
    with _box_reply("GET /packs"):
        print(_pack_line(pack) + (f", signed by {safe_text(pack['signed_by'])}" if pack.get("signed_by") else ""))
        for chk in pack["checks"]:
            print(f"  {'ok' if chk['ok'] else 'FAIL':<4}{safe_text(chk['check']):<10} {safe_text(chk['detail'])}")
    return 0


def _pack_words(pack: dict[str, Any]) -> str:
    """How a pack is named in questions and answers: ``pack ID (name version, kind, size)``."""
    return (f"pack {safe_text(pack['id'])} ({safe_text(pack['name'])} {safe_text(pack['version'])}, "
            f"{safe_text(pack['kind'])}, {_size_words(pack['size'])})")


def _pack_line(pack: dict[str, Any]) -> str:
    """One installed pack as `hatbox box-pack` lists it: id, name, version, kind, size, active or not."""
    return (f"{safe_text(pack['id'])}  {safe_text(pack['name'])} {safe_text(pack['version'])}, "
            f"{safe_text(pack['kind'])}, {_size_words(pack['size'])}" + (", active" if pack["active"] else ""))


def _confirm_delete(what: str, question: str) -> bool:
    """Ask ``question`` (``[y/N]`` is added) on the terminal: True on y/yes; otherwise prints that ``what`` was not
    deleted and gives False; a HatboxError when stdin has no answer (EOF), pointing at --yes."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        raise HatboxError(f"{what} was not deleted: no answer to the question",
                          hint="pass --yes to delete without asking") from None
    if answer.strip().lower() not in ("y", "yes"):
        print(f"{what} was not deleted")
        return False
    return True


def _delete_pack(client: Any, pack: dict[str, Any], yes: bool) -> int:
    """Delete ``pack`` (its entry in GET /packs) from the box, after asking unless ``yes``; a HatboxError, nothing
    asked or sent, when it is the active pack of its kind (the box answers 409 to that)."""
    from urllib.parse import quote

    what, kind = _pack_words(pack), safe_text(pack["kind"])
    if pack["active"]:
        raise HatboxError(f"{what} is the box's active {kind} pack, and the box does not delete an active pack: "
                          "nothing was deleted",
                          hint=f"make another {kind} pack active first (on the box's Models page, or hatbox push "
                               "OTHER.hatpack --activate), then delete this one")
    if not yes and not _confirm_delete(what, f"delete {what} from the box?"):
        return 0
    _call(client, "DELETE", f"/packs/{quote(pack['id'], safe='')}", expect=None)
    print(f"deleted {what}")
    return 0


def push_library(args: argparse.Namespace) -> int:
    src = Path(args.source)
    name = _library_name_for(src, args.name)      # before a byte is packed or sent
    with tempfile.TemporaryDirectory() as tmp, _client(*target(args)) as c:
        archive, skipped = _as_archive(src, Path(tmp))
        if src.is_dir():
            _check_has_audio(src, archive)
        if skipped:
            print(f"note: left out of {safe_text(src.name or src)}: {len(skipped)}")
            for path, why in skipped:
                print(f"  skipped {safe_text(path)}: {safe_text(why)}" if path else f"  {safe_text(why)}")
        _check_limit(c, archive, "max_library_bytes")
        body = upload(c, "/libraries", archive, {"name": name}, args.quiet, listing="hatbox box-library")
        with _box_reply("POST /libraries", note="; the library may be on the box all the same: see hatbox box-library"):
            _print_library(body)
            if args.wait and body["state"] == "tagging":
                _tagging_ended(c, _follow(c, body["id"], args.quiet))
    return 0


def _library_name_for(src: Path, given: str | None) -> str:
    """The library's name on the box: ``given`` (HatboxError if the box would refuse it), else the folder's
    or archive's own name, shortened to what the box takes (with a note)."""
    from device.library.archive import LIBRARY_NAME_MAX_CHARS, library_name_problem

    if given:
        why = library_name_problem(given)
        if why:
            raise HatboxError(f"--name: {why}; nothing was sent",
                              hint=f"give a shorter --name (at most {LIBRARY_NAME_MAX_CHARS} characters)")
        return given
    name = library_name(src)
    if library_name_problem(name):
        name = name[:LIBRARY_NAME_MAX_CHARS].rstrip() or "library"
        print(f"note: the library is named {safe_text(name)!r} on the box (a name is at most "
              f"{LIBRARY_NAME_MAX_CHARS} characters; --name gives another)")
    return name


def _as_archive(src: Path, tmp: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The archive to upload, and what was left out of a folder (path inside it, why)."""
    import tarfile
    import zipfile

    from device.library.archive import AUDIO_EXTENSIONS, pack_directory

    if src.is_dir():
        skipped: list[tuple[str, str]] = []
        return pack_directory(src, tmp / f"{src.name or 'library'}.tar", skipped), skipped
    if not src.is_file():
        raise HatboxError(f"{safe_text(src)} is neither a folder nor an archive")
    try:
        is_archive = zipfile.is_zipfile(src) or tarfile.is_tarfile(src)
    except OSError as exc:
        raise HatboxError(f"cannot read {safe_text(src)} ({exc.strerror or exc})") from None
    if not is_archive:
        if src.suffix.lower() in AUDIO_EXTENSIONS:
            raise HatboxError(f"{safe_text(src.name)} is a single audio file, not a library",
                              hint="give a folder of samples, a .zip or a .tar (.tar.gz, .tar.bz2, .tar.xz)")
        raise HatboxError(f"{safe_text(src.name)} is not a zip or tar archive",
                          hint="give a folder of samples, a .zip or a .tar (.tar.gz, .tar.bz2, .tar.xz)")
    return src, []


def _check_has_audio(src: Path, archive: Path) -> None:
    """HatboxError (nothing sent) when the tar packed from the folder ``src`` holds no file the box takes
    as audio: an empty folder, or one of documents only."""
    import tarfile

    from device.library.archive import AUDIO_EXTENSIONS, is_metadata

    with tarfile.open(archive) as tf:
        names = [PurePosixPath(m.name) for m in tf if m.isfile()]
    if any(n.suffix.lower() in AUDIO_EXTENSIONS and not is_metadata(n) for n in names):
        return
    held = f" (only {len(names)} other file(s))" if names else ""
    raise HatboxError(f"{safe_text(src)} holds no audio file{held}; nothing was sent",
                      hint=f"the box takes {' '.join(AUDIO_EXTENSIONS)}: put samples in the folder "
                           "(convert other formats to WAV or FLAC), then send it again")


def _print_library(body: dict[str, Any]) -> None:
    print(f"library {safe_text(body['id'])}: {body['accepted']} files accepted, {body['rejected']} rejected")
    if body.get("skipped"):
        print(f"  skipped {body['skipped']} hidden or operating-system file(s) (__MACOSX, ._*, .DS_Store...)")
    for f in body["files"]:
        if not f["ok"]:
            print(f"  rejected {safe_text(f['path'])}: {safe_text(f['reason'])}")
        elif f.get("warning"):
            print(f"  warning {safe_text(f['path'])}: {safe_text(f['warning'])}")
    if body["state"] != "tagging":
        print(f"  not tagged: {safe_text(body.get('error') or body['state'])}")
    if body["state"] == "untagged":
        print(f"  to tag it: push a tagger pack with --activate, then: hatbox box-library {safe_text(body['id'])} "
              "--retag")


def _follow(client: Any, lid: str, quiet: bool) -> dict[str, Any]:
    import time

    from tqdm import tqdm

    body = _call(client, "GET", f"/libraries/{lid}")
    with tqdm(total=body["progress"]["total"], desc="tagging", unit="file", disable=quiet, leave=False) as bar:
        while body["state"] == "tagging":
            time.sleep(0.5)
            body = _call(client, "GET", f"/libraries/{lid}")
            bar.update(body["progress"]["done"] - bar.n)
    return body


def _tagging_ended(client: Any, body: dict[str, Any]) -> None:
    """Say how library ``body``'s tagging ended: when done, how many files carry each tag and how to list them;
    otherwise its state and why."""
    from urllib.parse import quote

    lid = safe_text(body["id"])
    if body["state"] != "done":
        print(f"tagging {safe_text(body['state'])}" + (f": {safe_text(body['error'])}" if body.get("error") else ""))
        return
    counts = _call(client, "GET", f"/libraries/{quote(body['id'], safe='')}/tags")
    used = sorted(((n, t) for t, n in counts.items() if n), key=lambda nt: (-nt[0], nt[1]))
    shown = ", ".join(f"{safe_text(t)} {n}" for n, t in used) or "no file carries a tag"
    print(f"tagging done: {shown}")
    if used:
        print(f"  list a tag's files: hatbox box-library {lid} --tag {safe_text(used[0][1])}; the least sure first: "
              f"hatbox box-library {lid} --unsure")


def box_library(args: argparse.Namespace) -> int:
    """The box's libraries; one library's tags, the files under a tag, a correction, re-tagging it with the active
    tagger pack, or deleting it."""
    from urllib.parse import quote

    from export.manifest import TAG_RULE, tag_problem

    if (args.tag or args.fix or args.unsure or args.delete or args.retag) and not args.id:
        raise HatboxError("which library? give its id first", hint="hatbox box-library lists them")
    if args.yes and not args.delete:
        raise HatboxError("--yes only goes with --delete", hint="hatbox box-library ID --delete --yes")
    if args.wait and not args.retag:
        raise HatboxError("--wait only goes with --retag", hint="hatbox box-library ID --retag --wait")
    problem = tag_problem(args.tag) if args.tag is not None else None
    if problem:                     # a slash would not even reach the route: the box would answer 404
        raise HatboxError(f"'{safe_text(args.tag)}' cannot be a tag" + ("" if problem == TAG_RULE else f": {problem}"),
                          hint=TAG_RULE)
    with _client(*target(args)) as c, _box_reply("a library call"):
        if not args.id:
            for lib in _call(c, "GET", "/libraries", expect=list):
                print(f"{safe_text(lib['id'])}  {safe_text(lib['name'])}  {safe_text(lib['state'])}, "
                      f"{lib['accepted']} files")
            return 0
        lid = quote(args.id, safe="")
        if args.delete:
            return _delete_library(c, lid, args.yes)
        if args.retag:
            return _retag_library(c, lid, args.wait, args.quiet)
        if args.fix:
            path, tags = args.fix[0], args.fix[1:]
            body = _call(c, "PUT", f"/libraries/{lid}/files/tags", json={"path": path, "tags": tags})
            print(f"{safe_text(path)}: {safe_text(', '.join(body['tags'])) or 'back to the tagger'}")
        elif args.unsure:
            for u in _call(c, "GET", f"/libraries/{lid}/unsure", expect=list, params={"k": args.k}):
                guesses = " or ".join(f"{safe_text(t)} {p:.2f}" for t, p in u["guesses"])
                print(f"{u['margin']:6.3f}  {guesses:<28}  {safe_text(u['path'])}")
        elif args.tag:
            for hit in _call(c, "GET", f"/libraries/{lid}/tags/{quote(args.tag, safe='')}", expect=list,
                             params={"limit": args.k}):
                print(f"{'yours' if hit['corrected'] else format(hit['score'], '.3f'):>6}  {safe_text(hit['path'])}")
        else:
            for tag, n in _call(c, "GET", f"/libraries/{lid}/tags").items():
                print(f"{n:6d}  {safe_text(tag)}")
    return 0


def _delete_library(client: Any, lid: str, yes: bool) -> int:
    """Delete library ``lid`` (quoted for the URL) from the box, after asking unless ``yes``."""
    lib = _call(client, "GET", f"/libraries/{lid}")
    what = (f"library {safe_text(lib['id'])} ({safe_text(lib['name'])}, {lib['accepted']} files"
            + (", being tagged: that stops" if lib["state"] == "tagging" else "") + ")")
    if not yes and not _confirm_delete(what, f"delete {what} from the box, with its tags and your corrections?"):
        return 0
    _call(client, "DELETE", f"/libraries/{lid}", expect=None)
    print(f"deleted {what}")
    return 0


def _retag_library(client: Any, lid: str, wait: bool, quiet: bool) -> int:
    """Have the box tag library ``lid`` (quoted for the URL) again with its active tagger pack (your corrections
    stay); ``wait``: follow the tagging until it ends."""
    body = _call(client, "POST", f"/libraries/{lid}/retag")
    print(f"library {safe_text(body['id'])} ({safe_text(body['name'])}, {body['accepted']} files): tagging again "
          f"with {safe_text(body.get('tagger') or 'the active tagger pack')}; your corrections stay")
    if wait:
        _tagging_ended(client, _follow(client, body["id"], quiet))
    return 0


def status(args: argparse.Namespace) -> int:
    with _client(*target(args)) as c:
        s = _call(c, "GET", "/status")
    if args.json:
        print(json.dumps(s, indent=2, sort_keys=True))
        return 0
    with _box_reply("GET /status"):
        _print_status(s)
    return 0


_STATUS_FIELDS = ("name", "version", "versions", "active", "engine", "disk", "packs", "libraries")


def _print_status(s: dict[str, Any]) -> None:
    """What `hatbox status` prints of the box's ``GET /status``; a field a box of another hatbox version leaves out
    (or gives in another form) shows as '?', with a note naming them."""
    from device.control import slot_warnings
    from hatbox import __version__

    def part(key: str, kind: type) -> Any:
        value = s.get(key)
        return value if isinstance(value, kind) else kind()

    print(f"{safe_text(s.get('name', '?'))} (hatbox {safe_text(s.get('version', '?'))}, onnxruntime "
          f"{safe_text(part('versions', dict).get('onnxruntime', '?'))})")
    for slot, pid in part("active", dict).items():
        print(f"  {safe_text(slot):<7} {safe_text(pid or '-')}")
    eng = part("engine", dict)
    load = eng.get("load_mean", 0 if eng else None)
    print(f"  engine: load {format(load, '.0%') if isinstance(load, (int, float)) else '?'}, "
          f"xruns {safe_text(eng.get('xruns', '?'))}" + (f" ({safe_text(eng['error'])})" if "error" in eng else ""))
    for text in slot_warnings(eng):
        print(f"  warning: {safe_text(text)}")
    free = part("disk", dict).get("free_bytes")
    packs = s.get("packs")
    libs = s.get("libraries", "?")
    print(f"  {len(packs) if isinstance(packs, list) else '?'} packs installed, {safe_text(libs)} "
          f"librar{'y' if libs == 1 else 'ies'}, " + (f"{free / 2**30:.1f} GiB free" if isinstance(free, int)
                                                       else "free space unknown (the box cannot read its disk)"))
    missing = [key for key in _STATUS_FIELDS if key not in s]
    if missing:
        print(f"  note: the box's status lacks {', '.join(missing)}: it may run another hatbox version than this "
              f"computer ({__version__})")


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
    p.add_argument("pack")
    p.add_argument("--activate", action="store_true", help="make it the active pack of its kind")
    p.add_argument("--sign", metavar="KEY.pem", help="sign the pack with this ed25519 key before sending")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(p)
    p = cli.command("box-pack", "list the packs installed on the box, show one's checks, delete one", box_pack)
    p.add_argument("id", nargs="?", help="a pack id (from the list); without it: list the packs")
    p.add_argument("--delete", action="store_true",
                   help="delete the pack from the box (asks first; the active pack of a kind is refused)")
    p.add_argument("--yes", action="store_true", help="with --delete: do not ask")
    _common(p)
    p = cli.command("keygen", "make an ed25519 key pair for signing packs (hatbox push --sign)", keygen)
    p.add_argument("path", help="where to write the private key (the public key goes beside it as .pub)")
    p = cli.command("push-library", "send a sample library (folder, zip or tar) to the box", push_library)
    p.add_argument("source", help="a folder of samples, or a .zip / .tar(.gz) archive")
    p.add_argument("--name", help="the library's name on the box (default: the folder's name)")
    p.add_argument("--wait", action="store_true", help="follow tagging until it ends")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    _common(p)
    p = cli.command("box-library", "list the box's sample libraries, their tags, correct a file's tags, "
                                   "tag a library again, delete a library", box_library)
    p.add_argument("id", nargs="?", help="a library id (from the list); without it: list the libraries")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--tag", help="list the files under this tag (your corrections first)")
    g.add_argument("--unsure", action="store_true", help="the files the tagger was least sure of (check these first)")
    g.add_argument("--fix", nargs="+", metavar=("PATH", "TAG"),
                   help="give a file (path inside the library) your tags; no TAG gives it back to the tagger")
    g.add_argument("--delete", action="store_true",
                   help="delete the library from the box: its files, tags and your corrections (asks first; "
                        "tagging in progress is stopped)")
    g.add_argument("--retag", action="store_true",
                   help="tag the library again with the box's active tagger pack (after you pushed a new one); "
                        "your corrections stay")
    p.add_argument("--yes", action="store_true", help="with --delete: do not ask")
    p.add_argument("--wait", action="store_true", help="with --retag: follow tagging until it ends")
    p.add_argument("--quiet", action="store_true", help="with --retag --wait: no progress bar")
    p.add_argument("-k", type=int, default=50, help="how many files --tag or --unsure list (default 50)")
    _common(p)
    p = cli.command("status", "what the box has installed and active, engine load, xruns, disk", status)
    p.add_argument("--json", action="store_true")
    _common(p)
