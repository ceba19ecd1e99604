"""`hatbox push` after its upload lost the box's answer: the box asked whether the pack arrived (p54 F4, MR2a).

A pack not listed in GET /packs yet is looked up in the box's record of its recent pack uploads (GET
/packs/uploads/{sha256}, p55 F1): one the box refused ends the asking with the box's reason; one it is still
checking is asked again, and said so at the end ("it is still checking it: it may still install it"); an older box
without the record (or a failed read of it) is said as before: "not on the box yet: it may still be checking it",
never gone, with how to see (hatbox box-pack) and, with --activate, that it may still become active and the way
back.  A pack found installed but not made active with --activate is looked up there too (the box's reason for
not making it active).  A pack found is handed back as the body of a push's answer (:func:`pack_asked`), for the
push's own lines (its checks, its notes), exit as a push's: found installed but not made active with --activate
is an error (exit 2), as the box's own answer would have been.

p55 M1 (review R1): a record older than the push (another push of the same bytes; the box never got this one's
body) is not taken for this push's; a refusal, and a last "still checking it", are said only once GET /packs, read
again, does not list the pack (a refusal to make it active leaves it installed: "not made active", and the way to).

p55 MF1 (final read FR1): a box with the record that answers its own 404 (:func:`no_record`: no record of this
digest) for :data:`GONE_AFTER_S` never got the whole body (it marks a push checking once its last byte is on its
card): "it did not arrive: nothing changed on the box; run the same command again", as a library's :data:`GONE`
says; an older box (no such route: the framework's 404) keeps the words above.  The last look runs inside the
asking's Ctrl-C guard, and a refusal whose second GET /packs failed is asked again when the record names the pack
the box holds (its activation was refused, not the pack).
"""
from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

from hatbox.box_client import BoxRefused, safe_text
from hatbox.errors import HatboxError
from hatbox.push_checks import pack_of
from hatbox import upload_asked as waits      # its PACK_WAIT_S and ACTIVE_WAIT_S, read when asked (tests set them)
from hatbox.upload_asked import (ARRIVED, BUSY, CHECKING, FAILED, GONE, REFUSED, UNKNOWN, UNREACHED, Look, asking,
                                 cut_words, failed_read, marked, not_asked_error, read, say_asking)


STALE_SLACK_S = 2.0     # a record of the upload older than this push by more than this is another push's (s)
NO_RECORD_ERROR = "no upload record"    # the box's own 404's error word (device/api/pack_uploads.py unrecorded)
NO_RECORD = "has no record of a pack upload"    # ... and its words: a box of the fifty-fifth stop says 'not found'
GONE_AFTER_S = 2.0      # the box without a record this long: its whole body never reached it (s; the box marks a
                        # push once its last byte is written and fsync'ed: a moment on a slow card)


class Unrecorded:
    """Since when (time.monotonic()) the box has said it has no record of the upload (:func:`no_record`), on every
    look since; None while it has one, or has not said so."""

    def __init__(self) -> None:
        self.since: float | None = None

    def gone(self, missing: bool) -> bool:
        """Whether the box, saying ``missing`` now, has had no record for :data:`GONE_AFTER_S` s: it never got
        the whole body."""
        if not missing:
            self.since = None
            return False
        now = time.monotonic()
        self.since = now if self.since is None else self.since
        return now - self.since >= GONE_AFTER_S


def pack_look(client: Any, path: Path, activate: bool, began: float | None = None) -> Look:
    """The look for the pack at ``path`` (GET /packs, by its SHA-256, hashed on the first look: inside the asking's
    Ctrl-C guard); found but not active with ``activate``: :data:`BUSY` (the box installs, then makes it active),
    or :data:`FAILED` when the box refused to (:func:`not_active`); not there: what the box's record of the upload
    says (:func:`upload_state`); ``began``: when the push began sending (time.monotonic(); None: not known), so an
    older record is not taken for this push's."""
    digest: list[str] = []
    unrecorded = Unrecorded()

    def look() -> tuple[str, dict[str, Any] | None]:
        if not digest:
            from device.store import file_sha256
            digest.append(file_sha256(path))
        packs, lost = read(client, "/packs")
        if packs is None:
            return failed_read(lost)
        found = pack_of(packs, digest[0])
        if found is None:
            return upload_state(client, digest[0], activate, began, unrecorded)
        return listed(client, digest[0], found, activate, began)
    return look


def listed(client: Any, digest: str, found: dict[str, Any], activate: bool, began: float | None,
           record: dict[str, Any] | None = None) -> tuple[str, dict[str, Any] | None]:
    """The look's answer for pack ``found`` (of ``digest``), listed in GET /packs: :data:`ARRIVED`, or with
    ``activate`` and not active what :func:`not_active` says (``record``: the box's record of the upload, read
    already)."""
    if activate and not found.get("active"):
        return not_active(client, digest, found, began, record)
    return ARRIVED, found


def upload_record(client: Any, digest: str, began: float | None = None) -> dict[str, Any] | None:
    """The box's record of its upload of the pack of SHA-256 ``digest`` (GET /packs/uploads/{digest}: ``state``
    checking, installed or refused, ``refused`` the box's answer); None when it gives none (an older box: 404, or
    a failed read) or when it is older than this push, which began at ``began`` (:func:`stale`)."""
    return record_read(client, digest, began)[0]


def record_read(client: Any, digest: str, began: float | None = None) -> tuple[dict[str, Any] | None, bool]:
    """(:func:`upload_record`, whether the box said it has no record of the upload: :func:`no_record`)."""
    record, why = read(client, f"/packs/uploads/{digest}", dict)
    return (record if record is not None and not stale(record, began) else None), no_record(why)


def no_record(exc: HatboxError | None) -> bool:
    """Whether ``exc`` is a box's own 404 for an upload it has no record of, not an older box's 404 for a route it
    does not have (the framework's "Not Found", said "the box does not offer GET ..."): its error word
    (:data:`NO_RECORD_ERROR`) first, else its words (:data:`NO_RECORD`: a box of the fifty-fifth stop gives the
    generic 'not found')."""
    if not (isinstance(exc, BoxRefused) and exc.status == 404):
        return False
    return exc.error == NO_RECORD_ERROR or NO_RECORD in Exception.__str__(exc)


def stale(record: dict[str, Any], began: float | None) -> bool:
    """Whether the box's ``record`` of an upload is older than the push that began at ``began`` (time.monotonic();
    None: not known), by more than :data:`STALE_SLACK_S`: another push's (its ``ago_s`` and the time since
    ``began`` are both durations: no clocks need to agree).  The box never got this push's body (a proxy took it
    and failed to reach the box): its older answer is not this push's."""
    ago = record.get("ago_s")
    if began is None or not isinstance(ago, (int, float)):
        return False
    return ago > time.monotonic() - began + STALE_SLACK_S


def upload_state(client: Any, digest: str, activate: bool = False, began: float | None = None,
                 unrecorded: Unrecorded | None = None) -> tuple[str, dict[str, Any] | None]:
    """The look's answer for a pack of ``digest`` not listed: :data:`CHECKING` (the box still checks it: asked
    again), :data:`FAILED` (it refused it: its record, ``refused`` the box's answer; :func:`refused_look`),
    :data:`GONE` (the box has had no record of it for :data:`GONE_AFTER_S` s, ``unrecorded``: it never got the whole
    body), else :data:`UNKNOWN` (no record of this push: an older box, or one older than it, or none yet; or
    installed since GET /packs was read: found at the next look)."""
    record, missing = record_read(client, digest, began)
    state = record.get("state") if record else None
    if (unrecorded or Unrecorded()).gone(missing):
        return GONE, None
    if state == "checking":
        return CHECKING, record
    if state == "refused" and record is not None:
        return refused_look(client, digest, record, activate, began)
    return UNKNOWN, None


def refused_look(client: Any, digest: str, record: dict[str, Any], activate: bool, began: float | None
                 ) -> tuple[str, dict[str, Any] | None]:
    """The look's answer when the box's ``record`` of the upload of ``digest`` says refused and GET /packs, read
    before it, did not list the pack: GET /packs read again (a refusal to make it active leaves the pack installed,
    and its install may have landed between the two reads): listed, the pack's answer (:func:`listed`: not active
    with ``activate``, the box's reason for not making it active); else :data:`FAILED`, the record (a failed read
    when the record names the pack the box holds: :data:`UNREACHED`, asked again)."""
    packs, lost = read(client, "/packs")
    if packs is None and record.get("pack"):        # it holds the pack (its activation was refused): asked again
        return failed_read(lost)
    found = pack_of(packs, digest) if packs is not None else None
    return (FAILED, record) if found is None else listed(client, digest, found, activate, began, record)


def not_active(client: Any, digest: str, found: dict[str, Any], began: float | None = None,
               record: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The look's answer for pack ``found`` (of ``digest``) installed but not active, pushed with --activate:
    :data:`FAILED` when the box's record of the upload (``record``, else read now) says it refused (its activation
    failed: ``found`` with the record as ``upload``), else :data:`BUSY` (it makes it active a moment later)."""
    record = record or upload_record(client, digest, began)
    if record is not None and record.get("state") == "refused":
        return FAILED, {**found, "upload": record}
    return BUSY, found


def last_look(look: Look, state: str, pack: dict[str, Any] | None, *guard: Any) -> tuple[str, dict[str, Any] | None]:
    """The asking ended with the box still checking the pack (``state`` :data:`CHECKING`, ``pack`` its record):
    one more look, as the record says checking until the push's own answer while GET /packs lists the pack from
    its install; what it finds listed, installed or refused, else what was said.  ``guard``: :func:`asking`'s
    arguments after its limit (the look runs inside its Ctrl-C guard: a Ctrl-C says what is known)."""
    if state != CHECKING:
        return state, pack
    again = asking(look, 0, *guard)
    return again if again[0] in (ARRIVED, BUSY, FAILED) else (state, pack)


def pack_asked(client: Any, exc: HatboxError, path: Path, activate: bool, kind: str = "", back: str = "",
               quiet: bool = False, limit_s: float | None = None, began: float | None = None) -> dict[str, Any]:
    """After `hatbox push`'s upload of the pack at ``path`` (of ``kind``; ``back``: the way back with ``activate``,
    --activate) failed with ``exc``, its answer lost: the box asked (:func:`pack_look`, for
    hatbox.upload_asked.PACK_WAIT_S), said first on stderr unless ``quiet``.  Arrived: the line that says so, and
    a push's answer made of its GET /packs entry (``pack``, ``activated``, ``asked``: True) for the push's own
    lines.  Otherwise a HatboxError, marked
    (hatbox.upload_asked.asked_state): the box refused it (its reason), installed but not made active (with
    ``activate``; the box's reason when it gives one), still being checked, did not arrive (the box has no record
    of it: :data:`GONE_AFTER_S`), not on the box yet (an older box, or none of its records is this push's: it may
    still be checking it), or the box could not be asked.  ``began``:
    when the push began sending (time.monotonic(); None: not known), so that an older record of the same bytes is
    not taken for this push's (:func:`stale`)."""
    limit = waits.PACK_WAIT_S if limit_s is None else limit_s
    say_asking(exc, limit, quiet)
    may = (f"the box may still install it and make it the active {kind or 'pack of its kind'}"
           f"{' pack' if kind else ''}" if activate else "it may or may not have kept it")
    look, guard = pack_look(client, path, activate, began), (exc, "hatbox box-pack", may, back if activate else "")
    state, pack = last_look(look, *asking(look, limit, *guard), *guard)
    if state == BUSY:                   # installed, made active a moment later: looked at a little longer
        state, pack = asking(look, waits.ACTIVE_WAIT_S, exc, "hatbox box-pack", may, back)
    if state == ARRIVED and pack is not None:
        print(f"{cut_words(exc)}; asked the box: it arrived: {arrived_pack_words(pack)}")
        return {"pack": pack, "activated": bool(activate and pack.get("active")), "asked": True}
    raise marked(pack_not_known(exc, state, pack, kind if activate else None, back, limit), state)


def pack_not_known(exc: HatboxError, state: str, pack: dict[str, Any] | None, kind: str | None, back: str,
                   waited: float) -> HatboxError:
    """The error of a pack push whose answer was lost (``state``: what the asking found, ``waited`` s; ``pack``: the
    entry found installed, not active, when :data:`BUSY`, the box's record of the upload when :data:`FAILED`
    (:func:`refused_error`) or :data:`CHECKING`; ``kind``: the pack's, with --activate, else None; ``back``: the
    way back then)."""
    cut = cut_words(exc)
    if state == FAILED and pack is not None:
        return refused_error(cut, pack)
    if state == BUSY and pack is not None:
        pid = shlex.quote(safe_text(str(pack.get("id"))))
        return HatboxError(f"{cut}; asked the box: it arrived: {arrived_pack_words(pack)}, but it was not made "
                           f"active ({waits.ACTIVE_WAIT_S:g} s later): the box may have refused to play it "
                           "(hatbox box-logs says why)", hint=f"make it active: hatbox box-pack {pid} --activate")
    if state in (UNREACHED, REFUSED):
        return not_asked_error(exc, state, pack, "hatbox box-pack (it lists the packs)")
    if state == GONE:
        return HatboxError(f"{cut}; asked the box: it did not arrive: nothing changed on the box; run the same command "
                           "again", hint="it sends nothing the box holds already, so it is safe to repeat")
    slot = f"{kind} pack" if kind else "pack of its kind"
    if state == CHECKING:
        active = f" and make it the active {slot} ({back})" if kind is not None else ""
        return HatboxError(f"{cut}; asked the box: it is still checking it ({waited:g} s later): it may still "
                           f"install it{active}",
                           hint="see in a while: hatbox box-pack; if it is not there then, run the same command again "
                                "(the box says why if it refuses it)")
    active = f"; with --activate it may still make it the active {slot} ({back})" if kind is not None else ""
    return HatboxError(f"{cut}; asked the box: it is not on the box yet ({waited:g} s later): it may still be "
                       f"checking it (the box lists no pack under check){active}",
                       hint="see in a while: hatbox box-pack; if it is not there, run the same command again (it "
                            "sends nothing the box holds already)")


def refused_error(cut: str, record: dict[str, Any]) -> HatboxError:
    """The error of a pack push (whose answer was lost: ``cut``, what happened) the box refused: ``record`` is its
    record of the upload (GET /packs/uploads/{sha256}, ``refused``: the box's answer), or the pack's GET /packs
    entry with that record as ``upload`` when it installed the pack but refused to make it active."""
    upload = record.get("upload") if isinstance(record.get("upload"), dict) else record
    said = upload.get("refused") if isinstance(upload.get("refused"), dict) else {}
    reason = safe_text(str(said.get("message") or f"the box gives no reason (HTTP {upload.get('status', '?')})"))
    hint = safe_text(str(said.get("hint") or "hatbox box-logs says why"))
    if upload is record:
        return HatboxError(f"{cut}; asked the box: it arrived, and the box refused it: {reason}", hint=hint)
    pid = shlex.quote(safe_text(str(record.get("id"))))
    return HatboxError(f"{cut}; asked the box: it arrived: {arrived_pack_words(record)}, but the box refused to make "
                       f"it active: {reason}", hint=f"make it active: hatbox box-pack {pid} --activate ({hint})")


def arrived_pack_words(pack: dict[str, Any]) -> str:
    """"fx 1.0.0 (effect), installed as effect-fx-1.0.0-ab12"."""
    pid = safe_text(str(pack.get("id")))
    what = safe_text(f"{pack.get('name', '?')} {pack.get('version', '')}".strip())
    return f"{what} ({safe_text(str(pack.get('kind', '?')))}), installed as {pid}"
