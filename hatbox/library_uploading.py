"""Library uploads the box is taking now, as the laptop says them (p50 FC, QA "liveset": while kitB uploaded, `box-kit
--from kitB` and `box-library kitB --tag kick` said "the box has no library 'kitB'", and `box-library` listed no
upload).  The box lists them at ``GET /libraries/uploading`` (device/api/library_uploads_live.py); an older box has
no such route, and then nothing here says anything more than before.

`box-library kitB --wait` during kitB's upload waits for it (p50 M4: it said "try again when it is tagged", although
waiting is what was asked): :func:`awaited_upload` polls the box until the upload ends, then the command follows the
library's tagging as --wait does; so does :func:`upload_first` where the box holds a library kitB already (p51: an
upload that replaces it, `push-library --replace`)."""
from __future__ import annotations

import argparse
import shlex
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Collection

from hatbox.box_client import asked, safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words, part_of

if TYPE_CHECKING:
    from hatbox.library_find import Picks

WAIT_UPLOAD_S = 3600.0      # the longest --wait waits for an upload to end (the box gives up one idle for 60 s)
POLL_S = 0.5
UPLOADING_HINT = "hatbox box-library lists the libraries and the uploads in progress"


def uploads_now(client: Any) -> list[dict[str, Any]]:
    """The library uploads the box is taking now ([] from an older box, or when it does not answer)."""
    found = asked(client, "/libraries/uploading", expect=list) or []
    return [u for u in found if isinstance(u, dict) and isinstance(u.get("name"), str)]


def how_far(upload: dict[str, Any]) -> str:
    """"being uploaded (12 of 224 MiB)" or "being unpacked (224 MiB received)" (hatbox.text.part_of)."""
    got, total = upload.get("received"), upload.get("total")
    got = got if isinstance(got, int) else 0
    if upload.get("phase") == "unpacking":
        return f"being unpacked ({part_of(total if isinstance(total, int) and total else got)} received)"
    return f"being uploaded ({part_of(got, total if isinstance(total, int) else None)})"


def uploading_error(client: Any, given: str, missing: Callable[[], HatboxError]) -> HatboxError:
    """"'kitB' is still being uploaded (N of M MiB): try again when it is tagged" where the box is taking an upload of
    that name (any case) now; else ``missing()`` ("the box has no library 'kitB'"; called only then: it may ask the
    box, hatbox.library_owners.deleted_library_error)."""
    upload = _upload_named(client, given)
    return missing() if upload is None else _still_uploading(upload)


def awaited_upload(client: Any, args: argparse.Namespace, missing: Callable[[], HatboxError]) -> dict[str, Any]:
    """`hatbox box-library NAME ...` where the box has no library ``args.id``: with ``--wait`` and an upload of that
    name in progress, the library once the upload ends, picked as the command picks one (hatbox.library_find.
    picks_for: --retag, --fix, --cancel only this laptop's; p50 MF3) (:func:`until_received`; its tagging is followed
    next, as --wait follows one); else the refusal (:func:`uploading_error`'s; ``missing()`` where none is uploading,
    called only then)."""
    from hatbox.library_find import picks_for
    upload = _upload_named(client, args.id)
    if upload is None:
        raise missing()
    if not getattr(args, "wait", False):
        raise _still_uploading(upload)
    return until_received(client, args.id, upload, quiet=bool(getattr(args, "quiet", False)), picks=picks_for(args))


def upload_first(client: Any, args: argparse.Namespace) -> dict[str, Any] | None:
    """`hatbox box-library NAME --wait` (without --retag) while the box takes an upload called NAME: the library once
    that upload ends (:func:`until_received`, picked as the command picks one: the newest), whose tagging is followed
    next; None where no upload of that name is in progress (the library of that name is followed, as before).  (p51
    QA: during `push-library FOLDER --name NAME --replace`, `box-library NAME --wait` said at once how the old
    library's tagging had ended, a second before the push deleted it, and nothing of the upload.)  An upload that
    ends without a new library (cut off, refused) is a HatboxError naming the library kept (p51 review: the old one's
    "tagging done", exit 0)."""
    if not getattr(args, "wait", False) or getattr(args, "retag", False) or not args.id:
        return None
    before = _ids_named(client, args.id)       # first: an upload that commits after this is not of them (p51 MF1)
    upload = _upload_named(client, args.id)
    if upload is None:
        return None
    from hatbox.library_find import picks_for
    return until_received(client, args.id, upload, quiet=bool(getattr(args, "quiet", False)), picks=picks_for(args),
                          before=before)


def until_received(client: Any, given: str, upload: dict[str, Any], quiet: bool = False,
                   limit_s: float | None = None, poll_s: float = POLL_S, picks: Picks = "newest",
                   before: Collection[str] = ()) -> dict[str, Any]:
    """Wait (polling every ``poll_s`` s, at most ``limit_s``: :data:`WAIT_UPLOAD_S` for None) until the box's upload
    ``upload`` of ``given`` ends, then the library of that name (GET /libraries; of several so called, the one
    ``picks`` picks among those not of ``before``: hatbox.library_find.find_library).  HatboxError when it ends with
    none (cut off, refused, its files held already under another name), when every one of that name is of ``before``
    (the ids of that name as the wait began, read before the upload was: the upload made no new one), or when it
    takes over ``limit_s``; Ctrl-C (exit 130) says how far it was and
    that the upload goes on."""
    if not quiet:
        print(f"waiting for '{safe_text(upload['name'])}': {how_far(upload)}; then its tagging", file=sys.stderr)
    limit_s = WAIT_UPLOAD_S if limit_s is None else limit_s
    end, last = time.monotonic() + limit_s, upload
    try:
        while upload is not None:
            if time.monotonic() > end:
                raise HatboxError(f"'{safe_text(given)}' was still {how_far(upload)} after {limit_s:g} s: stopped "
                                  "waiting (the upload goes on)", hint=_wait_again(given))
            time.sleep(poll_s)
            upload = _upload_named(client, given)
            last = upload or last
    except KeyboardInterrupt as exc:
        from hatbox.box_client import _Interrupted
        from hatbox.errors import stopped_by
        raise _Interrupted(f"stopped waiting ({stopped_by(exc)}): '{safe_text(given)}' was {how_far(last)} (the "
                           "upload goes on)", hint=_wait_again(given)) from None
    return _library_after(client, given, picks, before)


def _ids_named(client: Any, given: str) -> set[str]:
    """The ids of the box's libraries called ``given`` (any case, spaces around ignored; none when it does not
    answer)."""
    wanted = given.strip().casefold()
    found = asked(client, "/libraries", expect=list) or []
    return {str(lib.get("id")) for lib in found if isinstance(lib, dict) and isinstance(lib.get("name"), str)
            and lib["name"].strip().casefold() == wanted}


def _library_after(client: Any, given: str, picks: Picks, before: Collection[str] = ()) -> dict[str, Any]:
    """The library ``given`` names once its upload ended, of those not of ``before`` (there before the upload ended;
    of several so called, the one ``picks`` picks); HatboxError when the box holds none but those.  (p51 review: the
    pick among all of the name took this laptop's old library over another laptop's new upload, and said "ended
    without a new library".)"""
    from hatbox.box_client import _call
    from hatbox.errors import NotOnBox
    from hatbox.library_find import find_library
    libraries = _call(client, "GET", "/libraries", expect=list)
    fresh = [lib for lib in libraries if not (isinstance(lib, dict) and str(lib.get("id")) in before)]
    try:
        return find_library(fresh, given, picks=picks)
    except NotOnBox:
        raise _no_new_library(given, [str(lib.get("id")) for lib in libraries
                                      if isinstance(lib, dict) and str(lib.get("id")) in before]) from None


def _no_new_library(given: str, kept: list[str]) -> HatboxError:
    """The upload of ``given`` ended and the box holds no new library of that name; ``kept``: the ids of the ones
    there before it, still on the box."""
    if not kept:
        return HatboxError(f"the upload of '{safe_text(given)}' ended, and the box holds no library of that name: it "
                           "was cut off or refused (hatbox box-logs says why), or its files were on the box already "
                           "under another name", hint="hatbox box-library lists the libraries; send it again: hatbox "
                                                      "push-library FOLDER --wait")
    which = (f"library {safe_text(kept[0])} from before is unchanged" if len(kept) == 1 else
             f"libraries {', '.join(safe_text(k) for k in kept)} from before are unchanged")
    return HatboxError(f"the upload of '{safe_text(given)}' ended without a new library (cut off or refused: hatbox "
                       f"box-logs); {which}", hint=f"send it again: hatbox push-library FOLDER --name "
                                                   f"{shlex.quote(safe_text(given))} --replace --wait")


def uploading_lines(client: Any) -> list[str]:
    """`hatbox box-library`'s lines for the uploads in progress, one each ([] for none)."""
    return [f"(uploading)  {safe_text(u['name'])}  {how_far(u)}"
            + (f", from {safe_text(str(u['by']))}" if u.get("by") else "") for u in uploads_now(client)]


def no_library_words(uploads: int) -> str:
    """`hatbox box-library`'s footer when the box holds no library, ``uploads`` uploads listed above it."""
    if uploads:
        return f"no library yet: {count_words(uploads, 'upload')} in progress (hatbox box-library NAME --wait waits " \
               "for one and its tagging)"
    return "no libraries on the box (send a folder of samples: hatbox push-library FOLDER)"


def _upload_named(client: Any, given: str) -> dict[str, Any] | None:
    """The box's upload in progress called ``given`` (any case, spaces around ignored), None for none."""
    wanted = given.strip().casefold()
    return next((u for u in uploads_now(client) if u["name"].strip().casefold() == wanted), None)


def _still_uploading(upload: dict[str, Any]) -> HatboxError:
    return HatboxError(f"'{safe_text(upload['name'])}' is still {how_far(upload)}: try again when it is tagged",
                       hint=f"or wait for it: hatbox box-library {shlex.quote(safe_text(upload['name']))} --wait; "
                            + UPLOADING_HINT)


def _wait_again(given: str) -> str:
    return f"wait again: hatbox box-library {shlex.quote(safe_text(given))} --wait; {UPLOADING_HINT}"
