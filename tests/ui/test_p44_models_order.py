"""The Models page in version order (p44 year QA: 150 versions of one effect sorted as text, 1.10.0 before 1.2.0, the
page opening on the oldest, the synth and tagger after every one of them)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore
from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry, StoreData
from device.ui.demo import manifest
from tests.ui.conftest import drawn, find_text, panel_on
from tests.ui.test_store_data import _install


def _entry(kind: str, name: str, version: str, active: bool = False, seq: int = 0) -> PackEntry:
    return PackEntry(f"{kind}-{name}-{version}-{seq:012x}", manifest(kind, name, version), f"/p/{name}-{version}",
                     active, seq)


def test_each_name_s_current_version_first_then_the_older_ones_newest_first(pg: Any) -> None:
    packs = [_entry("effect", "fuzz", v) for v in ("1.2.0", "1.10.0", "2.11.0", "2.100.0")]
    packs += [_entry("effect", "fuzz", "2.9.0", active=True), _entry("synth", "keys", "1.9.0"),
              _entry("synth", "keys", "1.18.0", active=True), _entry("tagger", "drums", "0.1.0", active=True)]
    panel = panel_on("Models", MemoryData(pack_list=packs))
    page = panel.page
    rows = [(p.manifest.name, p.manifest.version) for p in page.packs]
    assert rows == [("fuzz", "2.100.0"), ("fuzz", "2.9.0"), ("keys", "1.18.0"), ("drums", "0.1.0"),
                    ("fuzz", "2.11.0"), ("fuzz", "1.10.0"), ("fuzz", "1.2.0"), ("keys", "1.9.0")]
    assert page.selected == 0 and page.current == 4
    surface = drawn(pg, panel)
    assert find_text(surface, "keys  1.18.0", 28, D.TEXT) and find_text(surface, "fuzz  2.11.0", 28, D.DIM)


def test_the_store_s_install_sequence_breaks_a_tie_of_one_version(pg: Any, tmp_path: Path) -> None:
    """Two trainings of one version (other bytes): the one installed later is the current one."""
    store = PackStore(tmp_path / "box")
    first = _install(store, tmp_path, "Fuzz", "1.0.0")
    later = _install(store, tmp_path, "fuzz", "1.0.0")
    data = StoreData(tmp_path / "box")
    assert {p.id: p.seq for p in data.packs()} == {first: 1, later: 2}
    panel = panel_on("Models", data)
    assert [p.id for p in panel.page.packs] == [later, first] and panel.page.current == 1
