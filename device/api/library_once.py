"""One library per content: the upload of bytes the box holds already, asked to be kept once (p47 QA).

Two scripts pushing one folder at the same moment both asked the box whether it held the folder's archive, both
heard no, and both sent it: two copies, and the library's name no longer picked one.  The laptop's look before
sending stays (it saves sending the bytes), but the decision is now the box's, in one step: an upload with
``once=true`` is checked against the libraries the box holds on the worker thread that ingests uploads one at a
time (device/api/box.py ``Box.take_library``), so a second upload of the same archive, even one sent while the
first was being unpacked, is answered with the first library (``sent_before``: true, status 200) and keeps nothing.
An upload without ``once`` (an older laptop, ``push-library --again``) keeps a copy as before.  Which library is held
is device.library.held's rule, the laptop's too.  Here also POST /libraries' name check, error words and answer
(:func:`library_name`, :func:`upload_errors`, :func:`upload_answer`: device/api/library_routes.py kept under 600 lines).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from fastapi import Response
from pydantic import Field

from device.api import models as M
from device.api.auth import AuthError
from device.api.errors import ApiError, _disk_error, _from_hatbox, _unauthorized
from device.api.libraries import SentTwice
from device.api.library_owners import with_owner
from device.library.archive import NoSpace, StorageFailed

from hatbox.errors import HatboxError
from hatbox.text import count_words

log = logging.getLogger("hatbox.api")
ONCE = ("true: when the box holds a library (not failed) uploaded from these very bytes (the archive's SHA-256), "
        "keep no second copy: the answer (200) is that library, with sent_before true")


class LibraryUpload(M.Library):
    """POST /libraries' answer: M.Library, and whether it is a library the box held already (``once``)."""
    sent_before: bool = Field(False, description="true: the box held this library already, uploaded from the same "
                                                 "bytes (the upload asked once=true): nothing new was kept")



@contextmanager
def upload_errors(upload: Path) -> Iterator[None]:
    """Around POST /libraries' receiving and unpacking: what stops it said as the route's ApiError (never a bare 500
    and a traceback: an unforeseen error is logged and answered in a word), and the received ``upload`` removed."""
    try:
        yield
    except AuthError as exc:
        raise _unauthorized(exc, "the library was not kept") from None
    except SentTwice as exc:
        raise _from_hatbox(409, "sent twice", exc) from None
    except NoSpace as exc:
        raise _from_hatbox(507, "no space", exc) from None
    except StorageFailed as exc:
        log.error("library upload: %s", exc)
        raise _from_hatbox(500, "storage failed", exc) from None
    except ApiError:
        raise
    except HatboxError as exc:             # ArchiveError among them
        raise _from_hatbox(422, "archive rejected", exc) from None
    except Exception as exc:  # noqa: BLE001 - never a bare 500 and a traceback: log it, answer in a word
        log.exception("library upload failed")
        if isinstance(exc, OSError):        # writing the library's record: a full disk, or failing storage
            raise _disk_error(exc, "library", "storing the library") from None
        raise ApiError(422, "archive rejected", f"the box could not take the library ({type(exc).__name__})",
                       hint="the upload was not kept; the box's log has the details") from None
    finally:
        upload.unlink(missing_ok=True)


def upload_answer(box: Any, info: dict[str, Any], held: bool, token_id: str, response: Response) -> LibraryUpload:
    """POST /libraries' answer for the library record ``info``: ``held`` (the same bytes, held already: 200,
    ``sent_before``, nothing kept), else the new library, logged, its record read again: its tagger is picked at its
    commit (Libraries.ingest, under ``Libraries.starting``), and a tagger made active just after may have started
    its tagging since (Box.tag_waiting_libraries)."""
    if held:
        response.status_code = 200
        return LibraryUpload(**with_owner(info, token_id, box.tokens), sent_before=True)
    log.info("library %s uploaded by %r: %s accepted, %d rejected", info["id"], box.tokens.name(token_id),
             count_words(info["accepted"], "file"), info["rejected"])
    try:        # as it is now: a tagger made active since its commit may have started its tagging (p53 M2)
        info = box.libraries.get(info["id"])
    except KeyError:                    # deleted meanwhile: the record as it was kept
        pass
    return LibraryUpload(**with_owner(info, token_id, box.tokens))


def library_name(name: str) -> str:
    """The ``name`` query of a library upload, stripped; 400 when nothing is left, or it holds a control, bidi or
    other invisible character (the box's listings and the panel show it), before a byte is received."""
    from hatbox.text import is_safe_text
    name = name.strip()
    if not name:
        raise ApiError(400, "bad request", "the library's name is empty",
                       hint="leave name out (the library is then called 'library'), or give one")
    if not is_safe_text(name):
        raise ApiError(400, "bad request", f"the library's name {name!r} holds a control or invisible character",
                       hint="give a name of letters, digits, spaces and punctuation")
    return name
