"""device.store_layout.json_dict: the one reading of the box's small note files (who mapped a MIDI program, who
made a library correction, a deleted roll-back target): {} for none, a damaged file or another JSON value."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.store_layout import json_dict


@pytest.mark.parametrize(("text", "read"), [(None, {}), ('{"a": 1}', {"a": 1}), ("[1, 2]", {}), ("{cut", {}),
                                            ("\udcff", {})])
def test_a_note_file_reads_as_an_object_or_nothing(tmp_path: Path, text: str | None, read: dict) -> None:
    path = tmp_path / "note.json"
    if text is not None:
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert json_dict(path) == read
