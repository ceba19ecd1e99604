"""Which library `hatbox box-kit --from NAME` may make the whole kit of, when the name picks none of this laptop's
(p57 QA_D 10: five laptops' libraries called "kit"; once laptop-s5 deleted laptop-s1's, `box-kit --from kit --yes`
on laptop-s1 replaced the kit with laptop-s4's samples, a note and exit 0).

The choice: refuse, with the id that picks the other library, rather than ask.  The replacement is of the whole kit
and `--yes` (a script, a workshop's copied command) asks nothing; a question "use laptop-s4's 'kit'?" would be
answered "y" out of habit to the question box-kit asks about replacing the kit.  The id is one word to type and says
exactly which library the producer means.  A name another laptop alone holds, with no library of the name deleted
lately (the teacher's shared "drums"), is used as before: that name means one library, and nothing of yours was
lost under it.
"""
from __future__ import annotations

import shlex
from typing import Any

from hatbox.box_client import safe_text
from hatbox.errors import HatboxError
from hatbox.library_owners import named, whose
from hatbox.pack_who import last_deleted


def check_kit_source(client: Any, libraries: list[dict[str, Any]], given: str) -> None:
    """HatboxError when name ``given`` (not an id) picks for `box-kit --from` only other laptops' libraries of
    ``libraries`` (GET /libraries) and either several share it, or a library of the name was deleted lately (GET
    /libraries/deleted: yours, maybe, as in the workshop); nothing when the name picks one of yours, picks a library
    whose uploader the box does not know (made before it kept who), or is an id."""
    if any(lib.get("id") == given for lib in libraries):
        return
    same = named(libraries, given)
    if not same or any(lib.get("uploaded_by_you") is not False for lib in same):
        return
    if len(same) > 1:
        raise HatboxError(f"none of the {len(same)} libraries called '{safe_text(given)}' is yours ("
                          + ", ".join(_described(lib) for lib in same) + "): the kit is as it was",
                          hint="give the id of the one you mean: hatbox box-kit --from ID")
    gone = last_deleted(client, "/libraries/deleted", given, match=_same_name)      # yours, maybe
    if gone is not None:
        raise _refused(same[0], gone, given)


def _described(lib: dict[str, Any]) -> str:
    """"lib-kit-239672, laptop-s4's"."""
    return ", ".join(w for w in (safe_text(str(lib.get("id"))), whose(lib)) if w)


def _same_name(gone: dict[str, Any], given: str) -> bool:
    """Whether deleted library ``gone`` (GET /libraries/deleted) is called ``given`` (any case): its name alone, not
    its id or hash as pack_who.names_deleted takes them."""
    from device.versions import folded
    return folded(gone.get("name")) == folded(given)


def _refused(lib: dict[str, Any], gone: dict[str, Any], given: str) -> HatboxError:
    """"library 'kit' (OLD) was deleted: laptop-s5 deleted it at 16:54 (2 s ago); the only library called 'kit' now is
    laptop-s4's (ID), not yours: the kit is as it was", and how to use that one or send yours again."""
    from hatbox.pack_who import gone_words
    lid, name = safe_text(str(lib.get("id"))), safe_text(given)
    owner = whose(lib) or "another computer's"
    return HatboxError(f"library '{name}' ({safe_text(str(gone.get('id')))}) was deleted: "
                       f"{gone_words({**gone, 'how': 'delete'})}; the only library called '{name}' now is {owner} "
                       f"({lid}), not yours: the kit is as it was",
                       hint=f"to make the kit of {owner} library: hatbox box-kit --from {shlex.quote(lid)}; to play "
                            "yours again, send it: hatbox push-library FOLDER")
