"""p57 M3 (review R3, 5): a second `hatbox demo --out D` while one runs removed the first one's store under it.
The demo's store is held as `hatbox device run` holds it (STORE/box.lock), and a held one is not cleared."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox import cmd_demo
from hatbox.box_store_lock import one_box
from hatbox.errors import HatboxError


def test_a_demo_store_in_use_is_refused_untouched(tmp_path: Path) -> None:
    assert cmd_demo._own_folder(tmp_path) == tmp_path / cmd_demo.FOLDER          # a first demo's folder
    store = tmp_path / cmd_demo.FOLDER / "store"
    store.mkdir()
    (store / "knobs.json").write_text("{}")
    with one_box(store):                                                         # that demo's box runs on it
        with pytest.raises(HatboxError) as refused:
            cmd_demo._own_folder(tmp_path)
    assert "is in use" in str(refused.value) and "nothing was removed" in str(refused.value)
    assert "--out" in refused.value.hint
    assert (store / "knobs.json").read_text() == "{}"
    cmd_demo._own_folder(tmp_path)                                               # once it ended: cleared
    assert not store.exists()
