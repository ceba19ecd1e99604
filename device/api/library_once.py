"""One library per content: the upload of bytes the box holds already, asked to be kept once (p47 QA).

Two scripts pushing one folder at the same moment both asked the box whether it held the folder's archive, both
heard no, and both sent it: two copies, and the library's name no longer picked one.  The laptop's look before
sending stays (it saves sending the bytes), but the decision is now the box's, in one step: an upload with
``once=true`` is checked against the libraries the box holds on the worker thread that ingests uploads one at a
time (device/api/box.py ``Box.take_library``), so a second upload of the same archive, even one sent while the
first was being unpacked, is answered with the first library (``sent_before``: true, status 200) and keeps nothing.
An upload without ``once`` (an older laptop, ``push-library --again``) keeps a copy as before.
"""
from __future__ import annotations

from typing import Any

from pydantic import Field

from device.api import models as M

ONCE = ("true: when the box holds a library (not failed) uploaded from these very bytes (the archive's SHA-256), "
        "keep no second copy: the answer (200) is that library, with sent_before true")


class LibraryUpload(M.Library):
    """POST /libraries' answer: M.Library, and whether it is a library the box held already (``once``)."""
    sent_before: bool = Field(False, description="true: the box held this library already, uploaded from the same "
                                                 "bytes (the upload asked once=true): nothing new was kept")


def held_copy(libraries: list[dict[str, Any]], sha256: str | None) -> dict[str, Any] | None:
    """The newest of ``libraries`` (library records) uploaded from an archive of digest ``sha256`` and not failed (a
    failed one's own advice is to send it again); None for none, or no digest."""
    from device.versions import upload_order
    same = [lib for lib in libraries if sha256 and lib.get("sha256") == sha256 and lib.get("state") != "failed"]
    return max(same, key=upload_order) if same else None
