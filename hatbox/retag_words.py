"""What `hatbox tag` and `hatbox library query` say of a re-tag with a new pack kept apart until it has gone through
every file (device.library.retag, p54 F3): the old pack's tags stay listed meanwhile, the same command goes on."""
from __future__ import annotations

import shlex
from pathlib import Path

from hatbox.tag_run import shown
from hatbox.text import count_words

def kept_words(old: str = "") -> str:
    """That the listings keep the tags of pack ``old`` ("name version"; "": the old tags, the pack the line names
    before) until the re-tag has gone through every file (p54 final read: "keep its tags" read as the new pack's)."""
    whose = f"the tags of {shown(old)}" if old else "the old tags"
    return f"the listings keep {whose} until every file is tagged again, then the new ones replace them at once"


def _retag(db: str | Path):
    """The re-tag of ``db`` part way (device.library.retag.Retag), or None."""
    from device.library.retag import retag_of
    return retag_of(db)


def start_line(db: Path, again: str, model: str) -> str:
    """The line `hatbox tag` says before a re-tag with the pack whose model id is ``model`` (``again`` and ``model``:
    hatbox.tag_run.retag_said's, "" for no line): that the old tags stay listed meanwhile, or, when a stopped re-tag
    with it goes on, how far it had got (decided by the model id, as the stage keeps its rows by it: a pack exported
    again to the same file starts over, the same pack copied elsewhere goes on)."""
    if not again:
        return ""
    part = _retag(db)
    if part is None or not part.done or part.model != model:
        return f"{again}; {kept_words()}"
    return (f"going on with the re-tag with {shown(part.pack)}: {part.done} of {count_words(part.total, 'file')} were "
            f"done; {kept_words(part.old)}")


def interrupted_line(db: Path, report, by: str, links: str | None) -> str:
    """What `hatbox tag` says when a re-tag of ``db`` (device.library.tag.LibraryReport ``report``) was stopped
    (``by``: "Ctrl-C", "SIGTERM"): part way (:func:`stopped_line`), or after its merge was committed, while the
    ``links`` folder was rewritten (None: no --links): the new tags are in, only the links are not."""
    if not report.retagged:
        return stopped_line(db, report.retag_from, by)
    done = f"the re-tag went through: {merged_line(db, report.retag_from)}; then it stopped ({by})"
    if not links:
        return done
    return f"{done} before the links in {shown(links)} were rewritten: run the same command again to write them"


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


def end_lines(db: Path, report) -> list[str]:
    """What `hatbox tag` says after its summary of a re-tag of ``db`` (device.library.tag.LibraryReport ``report``):
    a stage of an earlier database dropped, the new tags in (:func:`merged_line`), or the merge held back by files
    not reached (:func:`held_line`)."""
    lines = []
    if report.stage_dropped:
        lines.append(f"note: a re-tag with {shown(report.stage_dropped)} left part way beside {shown(str(db))} was of "
                     "an earlier database there (deleted since): dropped, as this database never began it")
    if report.retagged:
        lines.append(merged_line(db, report.retag_from))
    elif report.retag_from and not report.cancelled:
        lines.append(held_line(db, report))
    return lines


def held_line(db: Path, report) -> str:
    """What `hatbox tag` says when a re-tag of ``db`` went through every file it reached but not those under the
    folders that could not be opened (``report.unopened``): no merge, the old tags stay listed, what to do."""
    part = _retag(db)
    new = shown(part.pack) if part is not None else "the new pack"
    folders = ", ".join(shown(rel) for rel, _why in report.unopened[:3]) + (", ..." if len(report.unopened) > 3 else "")
    return (f"the re-tag with {new} is not finished: {count_words(report.kept_unopened, 'file')} of the library under "
            f"{folders} could not be reached, so {shown(str(db))} still lists the tags of {shown(report.retag_from)} "
            "(and your own tags); once the folder opens again (its drive plugged in, its permissions right), run the "
            "same command again: the files tagged so far are kept apart, not tagged again (if its files are gone for "
            "good, take the folder or link out of the library folder first)")


def query_note(db: str) -> str:
    """The note `hatbox library query` prints on stderr while a re-tag of ``db`` is part way: whose tags it lists,
    how far the re-tag got and the command that finishes it; "" when none is."""
    part = _retag(db)
    if part is None:
        return ""
    old = shown(part.old) if part.old else "the pack before"
    if part.held:
        return (f"note: a re-tag with {shown(part.pack)} went through every file it could reach ({part.done} of "
                f"{count_words(part.total, 'file')}), not those under a folder that could not be opened: what follows "
                f"is the tags of {old} until it has gone through every file; `{_command(db, part)}` finishes it once "
                "the folder opens again")
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
