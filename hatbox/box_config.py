"""The laptop's record of the box it is paired with (hatbox.cmd_remote re-exports these): the box's URL and token in
``$XDG_CONFIG_HOME/hatbox/remote.json`` (default ``~/.config/hatbox/remote.json``, mode 600; ``HATBOX_CONFIG``
points elsewhere), and the box a command talks to (:func:`target`: ``--url`` / ``--token`` and ``HATBOX_URL`` /
``HATBOX_TOKEN`` over what is stored).  Light at import (``hatbox --help``)."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from hatbox.box_client import check_url, safe_text, same_box
from hatbox.errors import HatboxError


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
