"""Another laptop's change to the box's kit while `box-kit --from` or the panel makes it: stand-ins for
device.api.kit_routes.library_kit that let the making run, then change the kit (shared by the kit-remaking tests)."""
from __future__ import annotations

import threading
from typing import Any

import pytest

from device.api import kit_routes
from device.api.library_words_route import changed_words, kit_renamed


def rename_at_the_first_making(box: Any, library: str, old: str, new: str,
                               monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """After the first making, a laptop's rename of word ``old`` to ``new`` in ``library`` (tags.db, then kit.json under
    the kit's lock, from another thread); returns the list of the kits made, one per making."""
    made, makings = kit_routes.library_kit, []

    def renamed_meanwhile(*args: Any, **kw: Any) -> Any:
        kit = made(*args, **kw)
        makings.append(kit)
        if len(makings) == 1:
            def rename() -> None:
                changed_words(box.libraries.files_path(library).parent, [old, new], "")
                kit_renamed(box, library, old, new)
            late = threading.Thread(target=rename)
            late.start()
            late.join(10)
        return kit
    monkeypatch.setattr(kit_routes, "library_kit", renamed_meanwhile)
    return makings


def clear_a_note_at_each_making(box: Any, notes: list[int], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """After each making, another laptop's DELETE of the next of ``notes``; returns ``notes`` (emptied as they go)."""
    made = kit_routes.library_kit

    def cleared_meanwhile(*args: Any, **kw: Any) -> Any:
        kit = made(*args, **kw)
        box.kit.drop(box, [notes.pop(0)])
        return kit
    monkeypatch.setattr(kit_routes, "library_kit", cleared_meanwhile)
    return notes
