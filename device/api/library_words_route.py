"""The words of a box library's corrections (forty-ninth stop, F8; the laptop's side: hatbox/box_words.py): ``GET
/libraries/{id}/words`` says which words they use and which of them the tagger that tagged the library lacks (a word
renamed or dropped in the training CSV since), ``POST /libraries/{id}/words`` renames one (``{"rename": [OLD,
NEW]}``) or drops one (``{"drop": WORD}``) in every correction of the library at once, as `hatbox library fix DB
--rename-word` does on the laptop (device.library.words): those of files that left the library, those waiting for its
tag database and those a laptop sent it last (device.api.library_fixes.change_kept_word: else the laptop's next push
would take its renamed corrections for ones made on the box) with them."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional, Union

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from device.api.errors import ApiError, _disk_error, _errors, _from_hatbox
from device.api.state import box_of, say_in_log
from hatbox.errors import HatboxError

log = logging.getLogger(__name__)

WORD_CHARS = 4096       # a word asked about, at most (a tag's own limit is the tag rules': export.manifest)


class RenameWord(BaseModel):
    """``POST /libraries/{id}/words`` renaming a word."""
    model_config = ConfigDict(extra="forbid")
    rename: list[Annotated[str, Field(min_length=1, max_length=WORD_CHARS)]] = Field(
        min_length=2, max_length=2, description="[OLD, NEW]: rename OLD to NEW in every correction")
    merge: bool = Field(False, description="NEW is already a word of the corrections: merge OLD into it (it cannot "
                                           "be undone; without it such a rename is refused, 409 word_in_use)")


class DropWord(BaseModel):
    """``POST /libraries/{id}/words`` dropping a word."""
    model_config = ConfigDict(extra="forbid")
    drop: str = Field(min_length=1, max_length=WORD_CHARS, description="take this word out of every correction (a "
                                                                       "file left with none: back to the tagger)")


WordsChange = Union[RenameWord, DropWord]       # one of the two (a body with both, or neither, is refused: 422)


class WordsChanged(BaseModel):
    """What ``POST /libraries/{id}/words`` changed."""
    word: str = Field(description="the word as the corrections spelled it")
    to: Optional[str] = Field(None, description="what it became (None: dropped)")
    files: int = Field(description="library files whose corrections changed (or, before the library's first "
                                   "tagging, corrections waiting for it)")
    kept: int = Field(0, description="files that left the library whose kept corrections changed")
    back: list[str] = Field([], description="files left with no correction: the tagger's tags stand again")
    merged: bool = Field(False, description="NEW was a word of the corrections already: the two are one word now")
    into: int = Field(0, description="when merged: the files that carried NEW before")
    both: int = Field(0, description="when merged: the files that carried both (one word each now)")


class LibraryWords(BaseModel):
    """``GET /libraries/{id}/words``."""
    uses: dict[str, int] = Field(description="each word of the corrections -> how many files carry it")
    tagger: list[str] = Field(description="the words of the tagger that tagged the library last ([]: not tagged)")
    foreign: dict[str, int] = Field(description="of uses, the words that tagger does not have, most used first")
    files_foreign: int = Field(description="how many corrected files use any of them")


def add_words_routes(app: FastAPI, auth: Any) -> None:
    """GET and POST ``/libraries/{id}/words`` on ``app`` (``auth``: the routes' token dependency)."""
    @app.get("/libraries/{library_id}/words", response_model=LibraryWords, responses=_errors(401, 404, 409))
    def library_words(request: Request, library_id: str, token_id: str = auth) -> LibraryWords:
        """The words the library's corrections use, and which of them its tagger lacks."""
        from device.api.library_routes import _whole_db
        folder = _folder(request, library_id)
        with _whole_db(library_id):
            return words_of(folder)

    @app.post("/libraries/{library_id}/words", response_model=WordsChanged,
              responses=_errors(401, 404, 409, 422, 500, 507))
    def change_words(request: Request, library_id: str, body: WordsChange, token_id: str = auth) -> WordsChanged:
        """Rename or drop a word in every correction of the library (`hatbox box-library ID --rename-word OLD NEW`,
        `--drop-word WORD`); 422 for a word no correction uses, naming those they use."""
        from device.api.library_routes import _whole_db
        folder = _folder(request, library_id)
        rename = body.rename if isinstance(body, RenameWord) else None
        box = box_of(request)
        with _whole_db(library_id), _answers(library_id):     # the kit's lock only around kit.json's change: a kit
            change = changed_words(folder, rename, body.drop if isinstance(body, DropWord) else "",  # made meanwhile
                                   merge=isinstance(body, RenameWord) and body.merge)    # is made again (MF3)
            if rename is not None and change.to:
                kit_renamed(box, library_id, change.word, change.to, change.merged)
        say_in_log(request, f"library {library_id}: {change_words_said(change)}")
        return WordsChanged(word=change.word, to=change.to if rename else None, files=change.files,
                            kept=change.kept, back=change.back, merged=change.merged, into=change.into,
                            both=change.both)


def kit_renamed(box: Any, lid: str, word: str, to: str, merged: bool = False) -> list[int]:
    """The kit's notes of library ``lid`` chosen for ``word`` renamed ``to`` where their file carries ``to`` now
    (device.api.kit_routes.KitKeeper.rename_word, under the kit's lock: the kit made again keeps the word on its
    note, p53 review; none when ``to`` has its own note, ``merged`` into it, or is a drum word); the notes renamed.
    A kit that cannot be kept (a full disk) is said in the box's log: the words were renamed."""
    from device.api.kit_tags import library_tags
    try:
        return box.kit.rename_word(lid, word, to, lambda entries: library_tags(box, lid, entries), merged)
    except ApiError as exc:
        log.warning("the kit's notes of '%s' were not renamed '%s': %s", word, to, exc.body.message)
        return []


def _folder(request: Request, lid: str) -> Path:
    """Library ``lid``'s folder on the box; 404 for no such library."""
    from device.api.library_routes import _lib
    libraries = box_of(request).libraries
    _lib(libraries.get, lid)
    return libraries.files_path(lid).parent


@contextmanager
def _answers(lid: str) -> Iterator[None]:
    """The API's answers for what a change of words of library ``lid`` meets: 422 for a word no correction uses
    (those they use named) or a NEW that cannot be a tag, 507 for a full disk, 409 for a tag database that takes no
    writes now (locked by a tagging, read-only)."""
    from device.api.library_fixes import no_room_for_fixes
    from device.library.fixes import DiskFull
    from device.library.words import NoSuchWord, WordInUse
    try:
        yield
    except WordInUse as exc:
        raise ApiError(409, "word_in_use", Exception.__str__(exc),
                       hint=f"hatbox box-library {lid} --rename-word OLD NEW --yes merges them") from None
    except NoSuchWord as exc:
        raise ApiError(422, "rejected", Exception.__str__(exc),
                       hint=f"give one of those words (hatbox box-library {lid} lists the library's tags)") from None
    except _BadWord as exc:
        raise _from_hatbox(422, "rejected", exc) from None
    except DiskFull:
        raise no_room_for_fixes("no word was changed") from None
    except OSError as exc:
        raise _disk_error(exc, "corrections", "changing a word of the corrections") from None
    except HatboxError as exc:
        raise _from_hatbox(409, "busy", exc) from None


class _BadWord(HatboxError):
    """A NEW word that cannot be a tag."""


def changed_words(folder: Path, rename: list[str] | None, drop: str, merge: bool = False) -> Any:
    """``rename`` ([OLD, NEW]; None: ``drop`` that word) made to library ``folder``'s corrections: in its tag database
    when it has one (device.library.words), and in those it keeps as JSON (device.api.library_fixes.change_kept_word);
    a device.library.words.WordChange.  WordInUse when NEW is a word of the corrections already, unless ``merge``."""
    from device.api.library_fixes import change_kept_word, fixes_locked, waiting_words
    from device.library.fixes import _check_tag
    from device.library.words import WordChange, drop_word, merge_into, rename_word, word_in
    if rename is not None:
        try:
            _check_tag(rename[1])
        except HatboxError as exc:
            raise _BadWord(f"{Exception.__str__(exc)}; nothing was changed", hint=exc.hint) from None
    db = folder / "tags.db"
    with fixes_locked():                # no push's read-modify-write of SENT between the two (p49 review)
        if db.is_file():                # tags.db first, SENT after: change_kept_word says why that order
            change = rename_word(db, *rename, merge=merge) if rename is not None else drop_word(db, drop)
            change_kept_word(folder, change.word, change.to)
            return change
        waiting = waiting_words(folder)
        word = word_in(sorted(waiting), rename[0] if rename is not None else drop)
        to = _check_tag(rename[1]) if rename is not None else ""
        into = merge_into(waiting, word, to, waiting[word], merge)
        return WordChange(files=change_kept_word(folder, word, to), word=word, to=to, merged=into is not None,
                          into=into or 0)


def change_words_said(change: Any) -> str:
    """The box's log words for ``change`` (device.library.words.WordChange)."""
    what = f"{'merged' if change.merged else 'renamed'} '{change.word}' {'into' if change.merged else 'to'} " \
        f"'{change.to}'" if change.to else f"dropped '{change.word}'"
    return f"{what} in the corrections of {change.files} file(s)" + (f", {len(change.back)} back to the tagger"
                                                                      if change.back else "")


def words_of(folder: Path) -> LibraryWords:
    """GET /libraries/{id}/words of library ``folder``: from its tag database, or (before its first tagging) from the
    corrections waiting for one, with no tagger's words."""
    from device.api.library_fixes import waiting_words
    from device.library.words import foreign_of, pack_words, word_uses
    db = folder / "tags.db"
    if not db.is_file():
        return LibraryWords(uses=waiting_words(folder), tagger=[], foreign={}, files_foreign=0)
    uses, tagger = word_uses(db), pack_words(db)
    foreign, files = foreign_of(db, tagger)
    return LibraryWords(uses=uses, tagger=tagger, foreign=foreign, files_foreign=files)
