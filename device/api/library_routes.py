"""The box's library routes (device/api/app.py builds the app): upload a sample library (an archive, unpacked,
checked and tagged on the box), list, cancel, re-tag and delete it, browse it by tag, list what the tagger was
least sure of, and correct a file's tags.  Errors are :class:`~device.api.errors.ApiError` like every route's.
"""
from __future__ import annotations

import functools
import logging
import sqlite3
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Optional

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from device.api import models as M
from device.api.body_limit import declared_length
from device.api.cutoff import StopGate, receiving, stopped_error, until_cut
from device.api.errors import ApiError, _disk_error, _errors, _from_hatbox
from device.api.libraries import Libraries, LibraryBusy
from device.api.library_deletion import MOVED_TO, LibraryDeletedMoved
from device.api.library_deletion import delete_library as delete_with_kit
from device.api.library_uploads_live import UNPACKING, UploadInProgress
from device.api.library_once import ONCE, LibraryUpload, library_name, upload_answer, upload_errors
from device.api.library_owners import deleted_list, fixer_fields, fixers, no_library_words, note_fixers, uploader, \
    with_owner
from device.api.paging import OFFSET, page
from device.api.slot_routes import device_of
from device.api.state import box_of, say_in_log
from device.api.uploads import _BINARY, _new_upload, receive_upload, room_bytes
from device.library.archive import LIBRARY_NAME_MAX_CHARS
from device.library.db import DatabaseDamaged
from hatbox.errors import HatboxError, first_line
from hatbox.text import NO_TAGGER, count_words

log = logging.getLogger("hatbox.api")
AGAIN = "send it again: hatbox push-library"     # what the laptop does after a stop cut its upload off
NO_LIBRARY_HINT = "hatbox box-library lists the box's libraries with their ids (GET /libraries)"


class KeptOnBox(BaseModel):
    """A file corrected on the box otherwise than the laptop sent, since a laptop last sent one: the box's kept."""
    path: str
    box: list[str] = Field(description="its tags on the box (none: the tagger's)")
    yours: list[str] = Field(description="the tags the laptop sent, not kept")
    by: Optional[str] = Field(None, description="who made the box's correction: the device name of its pairing "
                                                "(None: made before the box kept who, or on the box's panel)")
    by_you: Optional[bool] = Field(None, description="whether the pairing asking made it (None: not known)")


class FixesKept(M.FixesTaken):
    """POST /libraries/{id}/fixes' answer: M.FixesTaken, and the files whose box correction was kept."""
    kept_on_box: list[KeptOnBox] = Field([], description="files corrected otherwise on the box since a laptop last "
                                                         "sent their correction: the box's kept, the laptop's not")
    replaced: list[KeptOnBox] = Field([], description="files another laptop had corrected otherwise (p46): the "
                                                      "laptop's kept now; box: the tags it had, by: whose they were")
    renamed_on_box: list[RenamedOnBox] = Field([], description="words of the corrections sent that were renamed "
                                                   "or dropped on the box since (p49): kept so")


class UntaggedOrNone(M.UntaggedFile):
    """GET /libraries/{id}/untagged's file: M.UntaggedFile, and whether the producer corrected it to none of the
    words (asked with ``nones``; an older laptop reads the fields it knows)."""
    none: bool = Field(False, description="corrected to none of the words (yours), not left so by the tagger")


class RenamedOnBox(BaseModel):
    """A word of the corrections a laptop sent that was renamed or dropped on the box: made so in them."""
    word: str = Field(description="the word as the box renamed or dropped it")
    to: Optional[str] = Field(None, description="what it became (None: dropped)")
    files: int = Field(description="how many of the corrections sent said it")


class FileFixTagged(M.FileFix):
    """GET /libraries/{id}/fixes' correction: M.FileFix, and whether the tagger has tagged the file (p47: an older
    laptop reads the fields it knows)."""
    tagged: Optional[bool] = Field(None, description="False: a file the library's tagging has not reached yet (no "
                                                     "tags of the tagger's; heard None)")


class TaggedFileBy(M.TaggedFile):
    """GET /libraries/{id}/tags/{tag}'s file: M.TaggedFile, and who made a correction (as GET .../fixes says it;
    p46: an older laptop reads the fields it knows, and asks /fixes)."""
    by: Optional[str] = Field(None, description="a correction's maker: the device name of the pairing that made it "
                                                "(None: not a correction, or made before the box kept who)")
    by_you: Optional[bool] = Field(None, description="whether the pairing asking made the correction (None: not "
                                                     "known)")


class DeletedLibrary(BaseModel):
    """``GET /libraries/deleted``: a library the box deleted lately (the last 16, kept on the card: p46)."""
    id: str
    name: str
    by: str = Field(description="the paired device that deleted it, as the box's log names it; \"\" for the box")
    ago_s: float = Field(description="how long ago, counted on the box")


def _library(info: dict[str, Any]) -> M.Library:
    return M.Library(**info)


class SimilarFile(M.SimilarFile):
    closeness: Optional[int] = Field(description="how alike, 0-100 (device/library/closeness.py): 100 = the same to "
                                                 "the tagger's ear, 0 = no more alike than the library's middle file; "
                                                 "the order is the cosine's; null under 4 other files or when they "
                                                 "are all as alike (read score)")


def _add_library_routes(app: FastAPI, auth: Any) -> None:
    from device.api.audition import add_audition_routes
    add_audition_routes(app, auth)              # DELETE /audition: stops what POST /libraries/{id}/play started
    @app.post("/libraries", status_code=201, response_model=LibraryUpload, openapi_extra=_BINARY,
              responses={200: {"model": LibraryUpload, "description": "held already (once)"},
                         **_errors(401, 408, 409, 413, 415, 422, 500, 507)})
    async def upload_library(request: Request, response: Response,
                             name: str = Query("library", max_length=LIBRARY_NAME_MAX_CHARS),
                             once: bool = Query(False, description=ONCE), token_id: str = auth) -> LibraryUpload:
        box = box_of(request)
        name = library_name(name)
        upload, began = _new_upload(box, ".archive", "library"), time.time()
        with upload_errors(upload), box.libraries.uploads.track(name, upload, declared_length(request.scope) or None,
                                                                box.tokens.name(token_id)) as live:
            _, sha256 = await receiving(receive_upload(request, upload, box.config.max_library_bytes, "library"),
                                        lambda: stopped_error("received the library", "library", AGAIN))
            live.phase = UNPACKING              # GET /libraries/uploading says it (p50 FC)
            gate = StopGate()                   # the box stopping cuts the unpacking off before its commit
            hold = gate.guard(functools.partial(box.tokens.held, token_id))  # before unpacking and at the commit
            room = functools.partial(room_bytes, box.libraries.root)  # read on the worker, just before unpacking
            by = uploader(box.tokens.name(token_id), token_id)          # kept in its record: who sent it
            ingest = functools.partial(box.libraries.ingest, upload, name, None, None, hold, room, sha256, began,
                                       gate.committing, by, box.active_tagger)     # its tagger: at its commit
            info, held = await until_cut(gate, box.take_library, once, sha256, ingest, executor=box.library_worker,
                                         stopped=lambda: stopped_error("unpacked the library", "library", AGAIN))
        return upload_answer(box, info, held, token_id, response)

    @app.get("/libraries", response_model=list[M.LibrarySummary], responses=_errors(401))
    def list_libraries(request: Request, token_id: str = auth) -> list[M.LibrarySummary]:
        box = box_of(request)
        return [M.LibrarySummary(**with_owner(i, token_id, box.tokens)) for i in box.libraries.list()]

    @app.get("/libraries/uploading", response_model=list[UploadInProgress], dependencies=[auth],
             responses=_errors(401))
    def libraries_uploading(request: Request) -> list[UploadInProgress]:
        return box_of(request).libraries.uploads.listed()

    @app.get("/libraries/deleted", response_model=list[DeletedLibrary], dependencies=[auth], responses=_errors(401))
    def deleted_libraries(request: Request) -> list[DeletedLibrary]:
        return [DeletedLibrary(**d) for d in deleted_list(box_of(request).libraries.deleted)]

    @app.get("/libraries/{library_id}", response_model=M.Library, responses=_errors(401, 404))
    def get_library(request: Request, library_id: str, token_id: str = auth) -> M.Library:
        box = box_of(request)
        return _library(with_owner(_lib(box.libraries.get, library_id), token_id, box.tokens))

    @app.post("/libraries/{library_id}/cancel", response_model=M.Library, dependencies=[auth],
              responses=_errors(401, 404))
    def cancel_library(request: Request, library_id: str) -> M.Library:
        return _library(_lib(box_of(request).libraries.cancel, library_id))

    @app.post("/libraries/{library_id}/retag", status_code=202, response_model=M.Library, dependencies=[auth],
              responses=_errors(401, 404, 409, 500, 507))
    def retag_library(request: Request, library_id: str) -> M.Library:
        box = box_of(request)
        record = _lib(box.libraries.get, library_id)
        with box.libraries.starting:            # the tagger active now, its pack kept while it starts (p53 M2)
            return _retag(request, box, record, library_id)

    def _retag(request: Request, box: Any, record: dict[str, Any], library_id: str) -> M.Library:
        """POST /libraries/{id}/retag's work, under ``Libraries.starting``."""
        tagger = box.store.active().get("tagger")
        if not tagger:
            first = tagger_way(box)
            waits = record.get("state") == "untagged" and record.get("error") == NO_TAGGER
            then = "; the box tags this library then" if waits else f", then: hatbox box-library {library_id} --retag"
            raise ApiError(409, "no tagger", f"no tagger pack is active, so library '{library_id}' cannot be tagged "
                           "again; nothing was changed", hint=first + then)
        retag = functools.partial(box.libraries.retag, tagger_pack=box.store.pack_path(tagger), tagger_id=tagger,
                                  by=device_of(request))          # who, for a second re-tag's refusal (p57 QA_D 7)
        try:
            started = _library(_lib(retag, library_id))
            say_in_log(request, f"library {library_id}: tagging again with {tagger}")
            return started
        except LibraryBusy as exc:
            raise _from_hatbox(409, "conflict", exc) from None
        except OSError as exc:      # writing its record: nothing was changed
            log.error("re-tagging library %s failed: %s", library_id, exc)
            raise _disk_error(exc, "library", f"starting to tag library '{library_id}' again",
                              "nothing was changed: the library, its tags and your corrections are as they were"
                              ) from None

    @app.delete("/libraries/{library_id}", status_code=204, responses={
        **_errors(401, 404, 409, 422, 500),
        200: {"model": LibraryDeletedMoved, "description": "with Prefer: return=representation: the kit notes it "
                                                            "emptied (and moved, with moved_to)"}})
    def delete_library(request: Request, library_id: str, token_id: str = auth,
                       prefer: Optional[str] = Header(None, description="return=representation: answer 200 with "
                                                                         "the kit notes the deletion emptied"),
                       moved_to: Optional[str] = Query(None, max_length=128, description=MOVED_TO)) -> Response:
        return delete_with_kit(request, library_id, token_id, moved_to, "return=representation" in (prefer or ""))

    @app.get("/libraries/{library_id}/tags", response_model=dict[str, int], dependencies=[auth],
             responses=_errors(401, 404, 409))
    def library_tags(request: Request, library_id: str) -> dict[str, int]:
        from device.library import list_tags
        with _whole_db(library_id):
            return list_tags(_tag_db(request, library_id))

    @app.get("/libraries/{library_id}/tags/{tag}", response_model=list[TaggedFileBy], responses=_errors(401, 404, 409))
    def library_files_with_tag(request: Request, response: Response, library_id: str, tag: str, token_id: str = auth,
                               limit: int = Query(200, ge=1, le=10000), offset: int = OFFSET) -> list[TaggedFileBy]:
        """The files carrying ``tag``, corrections first, each correction with who made it (``by``, ``by_you``, as
        GET .../fixes answers them); while the library is being tagged a tag no file carries yet is no file yet (p45
        duo QA: a 404 "not one of this library's tags ()" at 0 of 17, a 409 before that)."""
        from device.library import files_with_tag
        box = box_of(request)
        if _being_tagged(box, library_id) and not (box.libraries.root / library_id / "tags.db").is_file():
            return []
        db, files = _tag_db(request, library_id), box.libraries.files_path(library_id)
        try:
            with _whole_db(library_id):
                hits = page(response, files_with_tag(db, tag), offset, limit)
        except HatboxError as exc:
            if _being_tagged(box, library_id):
                return []
            raise _from_hatbox(404, "not found", exc) from None
        by = fixers(files.parent) if any(h.corrected for h in hits) else {}
        return [_tagged_file(_rel(h.path, files), h, by, token_id, box.tokens) for h in hits]

    @app.get("/libraries/{library_id}/unsure", response_model=list[M.UnsureFile], dependencies=[auth],
             responses=_errors(401, 404, 409))
    def library_unsure(request: Request, response: Response, library_id: str, k: int = Query(20, ge=1, le=1000),
                       offset: int = OFFSET) -> list[M.UnsureFile]:
        from device.library import is_exclusive, unsure
        db, files = _tag_db(request, library_id), box_of(request).libraries.files_path(library_id)
        with _whole_db(library_id):
            found = page(response, unsure(db, None), offset, k)
            one = is_exclusive(db) if found else True
        return [M.UnsureFile(path=_rel(u.path, files), margin=u.margin, guesses=u.guesses, exclusive=one,
                             in_doubt=u.doubt)
                for u in found]

    @app.get("/libraries/{library_id}/untagged", response_model=list[UntaggedOrNone], dependencies=[auth],
             responses=_errors(401, 404, 409))
    def library_untagged(request: Request, library_id: str, k: Optional[int] = Query(None, ge=1, le=100000),
                         nones: bool = Query(False, description="also the files you corrected to none of the "
                                                                "words, after them, each ``none`` true (p49)")
                         ) -> list[UntaggedOrNone]:
        """The (first ``k``) files the tagger heard but gave no tag (a tagger of several tags per file sure of none
        of them); with ``nones``, then those corrected to none of the words (the tagger's best guess kept)."""
        from device.library import untagged
        from device.library.query import none_untagged
        db, files = _tag_db(request, library_id), box_of(request).libraries.files_path(library_id)
        with _whole_db(library_id):
            found = untagged(db)[:k]
            yours = none_untagged(db) if nones else []
        return [UntaggedOrNone(path=_rel(p, files), best_guess=t, score=sc) for p, t, sc in found] + \
            [UntaggedOrNone(path=_rel(p, files), best_guess=t, score=sc, none=True) for p, t, sc in yours]

    @app.get("/libraries/{library_id}/similar", response_model=list[SimilarFile], dependencies=[auth],
             responses=_errors(401, 404, 409, 422))
    def library_similar(request: Request, response: Response, library_id: str, offset: int = OFFSET,
                        path: str = Query(..., max_length=4096, description="a file of the library, relative to its "
                                                                            "folder"),
                        k: int = Query(10, ge=1, le=1000)) -> list[M.SimilarFile]:
        """"More like this": the ``k`` files of the library that sound most like ``path`` to the tagger (its
        embedding; the panel's Library page does the same)."""
        from device.library.closeness import closeness, middle
        from device.library.query import NotInLibrary, similar
        box = box_of(request)
        db, files = _tag_db(request, library_id), box.libraries.files_path(library_id)
        wanted, rel = _library_file(files, path)
        state = _lib(box.libraries.get, library_id).get("state")
        if state != "done":                   # (being) re-tagged part way: its files' embeddings are of two packs
            said = "the library is being tagged" if state == "tagging" else f"the library's tagging is {state}"
            raise ApiError(409, "not tagged yet", f"more like {rel} waits for the library's tagging: {said}",
                           hint=(f"wait for it (hatbox box-library {library_id} --wait)" if state == "tagging" else
                                 f"tag it (hatbox box-library {library_id} --retag carries on where it stopped)"))
        try:
            with _whole_db(library_id):
                every = similar(db, wanted, None)         # every other file: the middle closeness rescales by
                hits = page(response, every, offset, k)
        except NotInLibrary:
            raise (_refused_at_upload(request, library_id, rel) or _not_tagged_yet(request, library_id, rel)
                   or ApiError(404, "not found", f"{rel} is not a file of library '{library_id}'",
                               hint=f"hatbox box-library {library_id} --tag TAG lists its files")) from None
        except HatboxError as exc:            # not heard (silent, undecodable): nothing to compare it by
            raise ApiError(422, "rejected", first_line(exc).replace(str(wanted), rel),
                           hint=f"hatbox box-library {library_id} --tag TAG lists the files it tagged") from None
        mid = middle(h.score for h in every)
        return [SimilarFile(path=_rel(h.path, files), score=h.score, closeness=closeness(h.score, mid)) for h in hits]

    @app.post("/libraries/{library_id}/play", status_code=204, dependencies=[auth],
              responses=_errors(401, 404, 422, 503))
    def play_library_file(request: Request, library_id: str, body: M.PlayRequest) -> Response:
        """Audition a file of the library on the box's speakers, as the panel's Library page does: a new audition
        replaces the one still sounding (a quick fade); DELETE /audition stops it (device/api/audition.py)."""
        from device.api.audition import note_played
        from device.api.errors import _engine_stopped
        from device.control import EngineStoppedError, msg
        box = box_of(request)
        _lib(box.libraries.get, library_id)                  # 404 for no such library
        files = box.libraries.files_path(library_id)
        wanted, rel = _library_file(files, body.path)
        if not wanted.is_file():
            raise (_refused_at_upload(request, library_id, rel, "play")
                   or ApiError(404, "not found", f"{rel} is not a file of library '{library_id}'",
                               hint=f"hatbox box-library {library_id} --tag TAG lists its files"))
        try:
            box.control.send(msg("sample", path=str(wanted), velocity=body.velocity))
        except EngineStoppedError as exc:
            raise _engine_stopped(exc, f"{rel} was not played", "nothing changed",
                                  "it may still play once the engine answers") from None
        except HatboxError as exc:              # the sampler's refusal: not audio it can play
            raise ApiError(422, "rejected", f"{rel} was not played: {first_line(exc).replace(str(wanted), rel)}",
                           hint="fix or convert the file (a WAV, FLAC, AIFF or OGG the box can read), then upload "
                                "the library again") from None
        note_played(request, library_id, rel, wanted)
        return Response(status_code=204)

    @app.put("/libraries/{library_id}/files/tags", response_model=M.FileTags,
             responses=_errors(401, 404, 409, 422, 507))
    def set_file_tags(request: Request, library_id: str, body: M.FileTagsRequest, token_id: str = auth
                      ) -> M.FileTags:
        from device.api.library_fixes import no_room_for_fixes, not_on_box_hint, tagger_said
        from device.library import tags_of
        from device.library.fixes import set_sent_tags
        from device.library.query import DiskFull, NotInLibrary
        db = _tag_db(request, library_id)
        if not _nameable(unicodedata.normalize("NFC", body.path)):     # a Mac's long decomposed name fits composed
            raise ApiError(422, "rejected", f"{body.path!r} is not a file of library '{library_id}'",
                           hint=f"hatbox box-library {library_id} --tag TAG lists its files")
        files, who = box_of(request).libraries.files_path(library_id), box_of(request).tokens.name(token_id)
        try:
            with _whole_db(library_id):         # a damaged database a 409 (no lock: note_fixers takes its own, p45)
                now = set_sent_tags(db, body.path, body.tags)  # [""]: none of my words (p49)
                model, said = tags_of(db, body.path), tagger_said(db, body.path)    # the laptop's fix line's (p53)
                note_fixers(files.parent, [(_as_held(files, body.path.strip()), now)], who, token_id)
        except NotInLibrary as exc:
            raise (_refused_at_upload(request, library_id, body.path) or _not_tagged_yet(request, library_id, body.path)
                   or ApiError(422, "rejected", Exception.__str__(exc), hint=not_on_box_hint(library_id))) from None
        except DiskFull:
            raise no_room_for_fixes(f"the correction of {body.path} was not kept") from None
        except HatboxError as exc:
            raise _from_hatbox(422, "rejected", exc) from None
        say_in_log(request, f"library {library_id}: {body.path} tagged {', '.join(now) or 'nothing'} (a correction)")
        return M.FileTags(path=body.path, tags=now, model=model, **said)

    @app.get("/libraries/{library_id}/fixes", response_model=list[FileFixTagged], responses=_errors(401, 404, 409))
    def library_fixes(request: Request, library_id: str, token_id: str = auth) -> list[FileFixTagged]:
        """The producer's corrections of the library's files (`hatbox box-library ID --export-fixes` makes them
        the CSV `hatbox train tagger` takes), each with who made it (``by``; None: before the box kept who), also
        those of files its tagging has not reached yet (``tagged`` false; p47)."""
        from device.api.library_fixes import listed_fixes, waits_for_tagging
        box = box_of(request)
        folder = box.libraries.files_path(library_id).parent
        try:
            db: Path | None = _tag_db(request, library_id)
        except ApiError as exc:             # no tag database yet: the corrections sent, waiting for one
            if exc.status != 409 or not waits_for_tagging(folder):
                raise
            db = None
        with _whole_db(library_id):
            found = listed_fixes(folder, db)
        by = fixers(folder)
        return [FileFixTagged(**f, **fixer_fields(by.get(f["path"]), token_id, box.tokens)) for f in found]

    @app.post("/libraries/{library_id}/fixes", response_model=FixesKept,
              responses=_errors(401, 404, 409, 422, 500, 507))
    def take_library_fixes(request: Request, library_id: str, body: M.FixesRequest, token_id: str = auth
                           ) -> FixesKept:
        """Corrections sent with a library (`hatbox push-library`: the laptop's own), kept as the box's own."""
        from device.api.library_fixes import checked_fixes, no_room_for_fixes, put_fixes_sides
        from device.library.query import DiskFull
        libraries = box_of(request).libraries
        info, files = _lib(libraries.get, library_id), libraries.files_path(library_id)
        wanted = [(f.path.strip().replace("\\", "/"), f.tags) for f in body.fixes]
        spelled = {p: _as_held(files, p) for p, _ in wanted}      # a Mac's decomposed names: as the box holds them
        held = [(spelled[p], t) for p, t in wanted if _nameable(spelled[p]) and _inside(files, spelled[p])]
        renamed: list[dict[str, Any]] = []          # words renamed or dropped on the box (p49 M9)
        try:
            fixes = checked_fixes(held)
            has_db = info.get("state") == "tagging" or (files.parent / "tags.db").is_file()
            with _whole_db(library_id):
                before = fixers(files.parent)
                on_box, replaced = put_fixes_sides(files.parent, fixes, has_db, renamed)
                theirs = {k["path"] for k in on_box}
                note_fixers(files.parent, [f for f in fixes if f[0] not in theirs],
                            box_of(request).tokens.name(token_id), token_id)
        except DiskFull:
            raise no_room_for_fixes("the corrections sent were not kept") from None
        except OSError as exc:                  # fixes.json, kept while the library has no tag database
            raise _disk_error(exc, "corrections", "keeping the corrections sent") from None
        except HatboxError as exc:
            raise _from_hatbox(422, "rejected", exc) from None
        if fixes:
            say_in_log(request, f"library {library_id}: {count_words(len(fixes), 'correction')} sent from a laptop"
                       + (f", {len(on_box)} of them corrected otherwise on the box: the box's kept" if on_box else ""))
        kept, tokens = {p for p, _ in held}, box_of(request).tokens
        sides = [KeptOnBox(**k, **fixer_fields(before.get(k["path"]), token_id, tokens)) for k in on_box]
        others = [KeptOnBox(**r, **who) for r in replaced
                  if (who := fixer_fields(before.get(r["path"]), token_id, tokens))["by_you"] is False]
        return FixesKept(kept=len(fixes) - len(on_box), not_in_library=[p for p, _ in wanted if spelled[p] not in kept],
                         kept_on_box=sides, replaced=others, renamed_on_box=[RenamedOnBox(**r) for r in renamed])


def _tagged_file(rel: str, hit: Any, by: dict[str, dict[str, str]], token_id: str | None,
                 tokens: Any) -> TaggedFileBy:
    """A file under a tag (``hit``: device.library's, ``rel``: its path in the library) as the API answers it: who
    made it a correction (``by``: library_owners.fixers) when it is one."""
    who = fixer_fields(by.get(rel), token_id, tokens) if hit.corrected else {}
    return TaggedFileBy(path=rel, score=hit.score, corrected=hit.corrected, **who)


def _being_tagged(box: Any, lid: str) -> bool:
    """Whether library ``lid`` is being tagged (or re-tagged) now (False for an unknown one: its 404 comes after)."""
    try:
        return box.libraries.get(lid).get("state") == "tagging"
    except KeyError:
        return False


def _inside(files: Path, path: str) -> bool:
    """Whether ``path`` (relative) is a file of the library whose files are under ``files``."""
    rel = PurePosixPath(path)
    if not rel.parts or rel.is_absolute() or ".." in rel.parts:
        return False
    try:
        return (files / rel).is_file()
    except (OSError, ValueError):
        return False


def _as_held(files: Path, path: str) -> str:
    """``path`` (relative, as sent) spelled as the library under ``files`` holds it: composed (NFC), as uploads
    keep names since the forty-third stop, or decomposed where an older library's folder holds it so."""
    from device.library.paths import nfc, on_disk
    try:
        return on_disk(files, PurePosixPath(nfc(path))).as_posix()
    except (OSError, ValueError):
        return path


NAME_MAX = 255                 # bytes in one file name (Linux): a longer one cannot be a file of the library


def _nameable(path: str) -> bool:
    """Whether a file could be called ``path``: no NUL, no part longer than a file name may be (the file system
    refuses to even look such a name up)."""
    return "\0" not in path and all(len(part.encode("utf-8", "surrogateescape")) <= NAME_MAX
                                     for part in PurePosixPath(path).parts)


def _library_file(files: Path, path: str) -> tuple[Path, str]:
    """(library file ``path`` on the box, resolved; ``path`` as the library lists it): a path relative to the
    library's folder ``files`` (a Windows ``\\`` taken as ``/``, as the kit takes it); 422 for one that leaves the
    folder (absolute, through .., or a link inside it pointing out) or that no file could have (a NUL, a name longer
    than a file name may be)."""
    rel = PurePosixPath(_as_held(files, path.strip().replace("\\", "/")))
    if not rel.parts or rel.is_absolute() or ".." in rel.parts or not _nameable(rel.as_posix()):
        raise ApiError(422, "rejected", f"{path!r} is not a path inside the library",
                       hint="give the file's path relative to the library's folder, as the box lists it")
    inside = files.resolve()
    try:
        wanted = (files / rel).resolve()
    except (OSError, RuntimeError):          # a link loop: refused below
        wanted = inside
    if inside not in wanted.parents:
        raise ApiError(422, "rejected", f"{rel.as_posix()} leads out of the library (a link inside it)",
                       hint="give a file the library itself holds")
    return wanted, rel.as_posix()


def _refused_at_upload(request: Request, lid: str, path: str, doing: str = "tag") -> ApiError | None:
    """422 saying why, when ``path`` is a file the library's upload refused (not audio, undecodable...): it has no
    tags to correct, and "not a file of this library" would send the producer looking for a typo; else None.
    ``doing``: what the box holds no copy of it to do ("tag", "play": QA, a play was told it could not tag)."""
    try:
        files = box_of(request).libraries.get(lid).get("files") or []
    except KeyError:
        return None
    reason = next((f.get("reason", "") for f in files if not f.get("ok") and f.get("path") == path.strip()), None)
    if reason is None:
        return None
    return ApiError(422, "rejected", f"{path} was refused when the library was uploaded ({reason}): the box holds no "
                    f"copy of it to {doing}", hint="fix or convert the file, then upload the library again")


def _not_tagged_yet(request: Request, lid: str, path: str) -> ApiError | None:
    """409 saying so, when ``path`` is a file the library holds that its tagging has not reached (being tagged,
    cancelled, untagged; a done one should not have any): its correction waits for the tagging, not for a typo's fix
    (nor for device.library's laptop hint, `hatbox tag`); else None."""
    libraries = box_of(request).libraries
    try:
        state = libraries.get(lid)["state"]
    except KeyError:
        return None
    rel = PurePosixPath(path.strip())
    try:
        if rel.is_absolute() or ".." in rel.parts or not (libraries.root / lid / "files" / rel).is_file():
            return None
    except (OSError, ValueError):           # a name no file could have (too long, a NUL): not one of the library's
        return None
    if state == "tagging":
        return ApiError(409, "not tagged yet", f"{path} is not tagged yet: the library is being tagged",
                        hint=f"wait for it (hatbox box-library {lid} --wait), then fix the file")
    said = "its tagging did not reach it" if state == "done" else f"the library's tagging is {state}"
    return ApiError(409, "not tagged yet", f"{path} is not tagged yet: {said}",
                    hint=f"tag it (hatbox box-library {lid} --retag carries on where it stopped), then fix the file")


def _not_deleted(libraries: Libraries, lid: str) -> str:
    """What the box kept of library ``lid`` after deleting it failed: all of it (device/api/libraries.py)."""
    try:
        stopped = libraries.get(lid)["state"] == "cancelled"
    except KeyError:                # not listed any more: the rename went through after all
        return "the library may be gone: hatbox box-library lists what the box holds"
    return ("nothing was deleted: the library is still there, whole"
            + (f" (its tagging is stopped: hatbox box-library {lid} --retag starts it again)" if stopped else ""))


@contextmanager
def _whole_db(lid: str) -> Iterator[None]:
    """409 "library damaged" (its tag database, which SQLite finds damaged: a cut write, a bad block) in place of a
    500 from reading it; a re-tag makes it again (:meth:`Libraries.retag` sets the damaged file aside)."""
    try:
        yield
    except sqlite3.OperationalError:
        raise                                       # locked, busy: not damage
    except (DatabaseDamaged, sqlite3.DatabaseError) as exc:
        reason = exc.reason if isinstance(exc, DatabaseDamaged) else str(exc)
        raise ApiError(409, "library damaged", f"the tag database of library '{lid}' is damaged ({reason})",
                       hint=f"tag it again to make a new one: hatbox box-library {lid} --retag (corrections made "
                            "on the box are lost with the damaged database; the samples are kept)") from None


def _tag_db(request: Request, lid: str) -> Path:
    """The library's tag database: 404 for an unknown library, 409 while it has none."""
    return tag_db_of(box_of(request), lid)


def tag_db_of(box: Any, lid: str) -> Path:
    """:func:`_tag_db` for a box in hand (the panel's kit works without a request).  A library waiting for a tagger
    is told which one the box holds (:func:`tagger_way`)."""
    try:
        return box.libraries.db_path(lid)
    except KeyError as exc:
        raise ApiError(404, "not found", no_library_words(lid, getattr(exc, "record", None)),
                       hint=NO_LIBRARY_HINT) from None
    except HatboxError as exc:
        info = box.libraries.get(lid)
        if info.get("state") == "untagged" and info.get("error") == NO_TAGGER:
            raise ApiError(409, "not tagged", Exception.__str__(exc),
                           hint=f"{tagger_way(box)}: the box tags it then") from None
        raise _from_hatbox(409, "not tagged", exc) from None


def tagger_way(box: Any) -> str:
    """How to make a tagger pack active on ``box``: the tagger pack it used last or its newest
    (:func:`device.store.to_activate`), else sending one."""
    from device.store import to_activate
    pid = to_activate(box.store.list(), "tagger")
    return (f"make the tagger pack on the box active (hatbox box-pack {pid} --activate)"
            if pid else "push a tagger pack and make it active (hatbox push TAGGER.hatpack --activate)")


def _rel(path: Path, files: Path) -> str:
    try:
        return path.relative_to(files.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _lib(fn: Callable[[str], dict[str, Any]], lid: str) -> dict[str, Any]:
    try:
        return fn(lid)
    except KeyError as exc:
        raise ApiError(404, "not found", no_library_words(lid, getattr(exc, "record", None)),
                       hint=NO_LIBRARY_HINT) from None
