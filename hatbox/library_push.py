"""More of `hatbox push-library` (hatbox/cmd_box_library.py, kept under 600 lines): a folder the box holds already.

Sending the same folder again is refused (nothing is sent: the box keeps one copy), unless the laptop has
corrections of its files: those go to the library already there (POST /libraries/{id}/fixes gives each file the
tags it is sent, so sending them twice changes nothing).  Forty-first stop, QA: the power cut between an upload and
its corrections left the library on the box without them, and the retry was refused with no word of them."""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from hatbox.box_client import _call, safe_text
from hatbox.errors import HatboxError
from hatbox.library_fixes import laptop_fixes, send_fixes
from hatbox.text import NO_TAGGER, count_words


def library_there(client: Any, archive: Path) -> dict[str, Any] | None:
    """The box's library uploaded from the very bytes of ``archive`` (the same zip or tar, or a folder packed
    unchanged), unless that one failed (the box's own advice for it is to send it again); None when there is none.
    A box from before libraries kept their digest lists none: nothing is compared there."""
    from device.store import file_sha256

    digest = file_sha256(archive)
    for lib in _call(client, "GET", "/libraries", expect=list):
        if isinstance(lib, dict) and lib.get("sha256") == digest and lib.get("state") != "failed":
            return lib
    return None


def already_there(client: Any, lib: dict[str, Any], src: Path, fixes: Path | None) -> None:
    """``src`` is on the box already as library ``lib``: its files are not sent again.  The laptop's corrections of
    them (``fixes``, the database `push-library` sends them from) go to it, said in words; with none to send,
    HatboxError (nothing was sent) saying where the library is and what to do next."""
    lid = safe_text(str(lib.get("id", "?")))
    sending = laptop_fixes(fixes, src)[0] if fixes is not None else []
    if fixes is None or not sending:
        raise HatboxError(f"{_held_words(src, lib)}; nothing was sent",
                          hint=f"{_next_step(client, lib)}; to send a second copy all the same: hatbox push-library "
                               f"{shlex.quote(safe_text(str(src)))} --again")
    print(f"{_held_words(src, lib)}: its files were not sent again; sending your corrections of "
          f"{count_words(len(sending), 'file')} to it")
    send_fixes(client, str(lib.get("id")), fixes, src, went="went to it")
    print(f"  {_next_step(client, lib)}")
    if lib.get("state") == "tagging":
        print(f"  the box is tagging it: hatbox box-library {shlex.quote(lid)} --wait follows it")


def _held_words(src: Path, lib: dict[str, Any]) -> str:
    """"FOLDER is already on the box as library ID ('name', state, N files)"."""
    files = lib.get("accepted")
    held = f", {count_words(files, 'file')}" if isinstance(files, int) else ""
    return (f"{safe_text(str(src))} is already on the box as library {safe_text(str(lib.get('id', '?')))} "
            f"('{safe_text(str(lib.get('name', '')))}', {safe_text(str(lib.get('state', '?')))}{held})")


def _next_step(client: Any, lib: dict[str, Any]) -> str:
    """What to do with library ``lib`` the box holds: wait for a tagger, tag it, or list its tags."""
    lid, state = safe_text(str(lib.get("id", "?"))), lib.get("state")
    if state == "untagged" and lib.get("error") == NO_TAGGER:
        return f"the box tags it as soon as a tagger pack is active: {tagger_way(client)}"
    if state in ("untagged", "cancelled"):
        return f"tag it with the active tagger: hatbox box-library {lid} --retag"
    return f"its tags: hatbox box-library {lid}"


def tagger_way(client: Any) -> str:
    """How to make a tagger pack active on the box: the tagger pack it used last or its newest
    (:func:`device.store.to_activate`; ``box-pack ID --activate``), else sending one."""
    from device.store import to_activate
    try:
        pid = to_activate(_call(client, "GET", "/packs", expect=list), "tagger")
    except HatboxError:
        pid = None
    return (f"hatbox box-pack {shlex.quote(safe_text(pid))} --activate" if pid
            else "hatbox push TAGGER.hatpack --activate")
