"""Sample library tagging on the box (no torch): tag a folder with a tagger pack into SQLite,
then list it by tag and search it by similarity.

    from device.library import tag_library, files_with_tag, similar
    report = tag_library("/srv/lib", "tagger.hatpack", "/srv/lib.db", progress=lambda d, t: ..., cancel=event)

The names below are loaded on first use (PEP 562 ``__getattr__``): importing one submodule of the package
(the sampler's ``device.library.decode``, the laptop's ``device.library.fixes_csv``) loads only that one, not
SQLite, the tagger's runner and onnxruntime (p44 review: the engine process and ``hatbox --help`` loaded them).
"""
from __future__ import annotations

import importlib
from typing import Any

_QUERY = ("Hit", "NotInLibrary", "Unsure", "corrected_tags", "corrections", "current_tags", "export_csv", "failures",
          "file_status", "files_with_tag", "is_exclusive", "list_tags", "root_of", "set_tags", "similar",
          "similar_to_file", "tagging_run", "tags_of", "unsure", "untagged", "untagged_count")
_TAG = ("LibraryReport", "tag_library")
_HOME = {**{name: "query" for name in _QUERY}, **{name: "tag" for name in _TAG}}   # name -> its submodule

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """``device.library.NAME`` for a name of :data:`__all__`: imported from its submodule on first use, then kept
    as the package's attribute (so ``monkeypatch.setattr(device.library, NAME, ...)`` works as before)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
