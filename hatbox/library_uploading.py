"""Library uploads the box is taking now, as the laptop says them (p50 FC, QA "liveset": while kitB uploaded, `box-kit
--from kitB` and `box-library kitB --tag kick` said "the box has no library 'kitB'", and `box-library` listed no
upload).  The box lists them at ``GET /libraries/uploading`` (device/api/library_uploads_live.py); an older box has
no such route, and then nothing here says anything more than before."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import asked, safe_text
from hatbox.errors import HatboxError

MIB = 1024 * 1024


def uploads_now(client: Any) -> list[dict[str, Any]]:
    """The library uploads the box is taking now ([] from an older box, or when it does not answer)."""
    found = asked(client, "/libraries/uploading", expect=list) or []
    return [u for u in found if isinstance(u, dict) and isinstance(u.get("name"), str)]


def how_far(upload: dict[str, Any]) -> str:
    """"being uploaded (12 MiB of 224)" or "being unpacked (224 MiB received)"."""
    got, total = int(upload.get("received") or 0), upload.get("total")
    if upload.get("phase") == "unpacking":
        return f"being unpacked ({_mib(total or got)} received)"
    of = f"{_mib(got).removesuffix(' MiB')} of {_mib(total)}" if isinstance(total, int) and total else _mib(got)
    return f"being uploaded ({of})"


def uploading_error(client: Any, given: str, missing: HatboxError) -> HatboxError:
    """``missing`` ("the box has no library 'kitB'") as "'kitB' is still being uploaded (N MiB of M): try again when
    it is tagged" where the box is taking an upload of that name (any case) now; ``missing`` itself otherwise."""
    wanted = given.strip().casefold()
    upload = next((u for u in uploads_now(client) if u["name"].strip().casefold() == wanted), None)
    if upload is None:
        return missing
    return HatboxError(f"'{safe_text(upload['name'])}' is still {how_far(upload)}: try again when it is tagged",
                       hint="hatbox box-library lists the libraries and the uploads in progress")


def uploading_lines(client: Any) -> list[str]:
    """`hatbox box-library`'s lines for the uploads in progress, one each ([] for none)."""
    return [f"(uploading)  {safe_text(u['name'])}  {how_far(u)}"
            + (f", from {safe_text(str(u['by']))}" if u.get("by") else "") for u in uploads_now(client)]


def _mib(n: Any) -> str:
    value = (n if isinstance(n, int) else 0) / MIB
    return f"{value:.1f} MiB" if value < 10 else f"{value:.0f} MiB"
