"""What `hatbox tag` and `hatbox library query` say of a re-tag with a new pack kept apart until it has gone through
every file (device.library.retag, p54 F3): the old pack's tags stay listed meanwhile, the same command goes on."""
from __future__ import annotations

import shlex
from pathlib import Path

from hatbox.tag_run import shown
from hatbox.text import count_words

KEPT = "the listings keep its tags until every file is tagged again, then the new ones replace them at once"


def _retag(db: str | Path):
    """The re-tag of ``db`` part way (device.library.retag.Retag), or None."""
    from device.library.retag import retag_of
    return retag_of(db)


def start_line(db: Path, again: str, pack: str) -> str:
    """The line `hatbox tag` says before a re-tag with the pack file ``pack`` (``again``: hatbox.tag_run.retag_line's,
    "" for none): that the old tags stay listed meanwhile, or, when a stopped re-tag with it goes on, how far it had
    got."""
    if not again:
        return ""
    part = _retag(db)
    if part is None or not part.done or part.pack_file != str(Path(pack).resolve()):
        return f"{again}; {KEPT}"
    return (f"going on with the re-tag with {shown(part.pack)}: {part.done} of {count_words(part.total, 'file')} were "
            f"done; {KEPT}")


def stopped_line(db: Path, old: str, by: str) -> str:
    """What `hatbox tag` says when a re-tag stopped part way (``by``: "Ctrl-C", "SIGTERM"), ``old`` the pack whose
    tags the library keeps listing."""
    part = _retag(db)
    far = f"{part.done} of {count_words(part.total, 'file')}" if part is not None else "the files"
    return (f"re-tag stopped ({by}): {far} tagged with the new pack so far, saved apart; {shown(str(db))} still lists "
            f"the tags of {shown(old)} (and your own tags) until the re-tag has gone through every file; run the same "
            "command again to continue where it stopped")


def merged_line(db: Path, old: str) -> str:
    """What `hatbox tag` says when a re-tag of ``db`` went through every file and its tags replaced ``old``'s."""
    from device.library.db import connect_readonly, get_meta
    con = connect_readonly(db)
    try:
        new = get_meta(con, "pack") or "the new pack"
    finally:
        con.close()
    return f"the tags of {shown(new)} replaced those of {shown(old)} in one go; your own tags stay as they were"


def query_note(db: str) -> str:
    """The note `hatbox library query` prints on stderr while a re-tag of ``db`` is part way: whose tags it lists,
    how far the re-tag got and the command that finishes it; "" when none is."""
    part = _retag(db)
    if part is None:
        return ""
    old = shown(part.old) if part.old else "the pack before"
    if part.running:
        return (f"note: a re-tag with {shown(part.pack)} is running now ({part.done} of "
                f"{count_words(part.total, 'file')} so far): what follows is the tags of {old} until it ends")
    return (f"note: a re-tag with {shown(part.pack)} is part way ({part.done} of {count_words(part.total, 'file')}): "
            f"what follows is the tags of {old} until it has gone through every file; `{_command(db, part)}` "
            "finishes it")


def _command(db: str, part) -> str:
    """The `hatbox tag` command that goes on with the re-tag ``part`` of ``db``."""
    from device import library
    from hatbox.errors import HatboxError
    try:
        root = shlex.quote(shown(str(library.root_of(db))))
    except HatboxError:
        root = "LIBRARY"
    pack = shlex.quote(shown(part.pack_file)) if part.pack_file else "NEW.hatpack"
    return f"hatbox tag {root} --pack {pack} --out {shlex.quote(shown(db))}"
