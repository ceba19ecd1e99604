"""Thirty-second stop (QA pass on the panel): the files a tagger of several tags per file gave no tag are listed
under a "(no tag)" row of the Library page, each with the tagger's best guess; a player could not find them (only
far down the unsure list, looking like any other); "(no tag)" is not a tag a retag can give."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device import library
from device.ui.data import NO_TAG, StoreData


def _store(tmp_path: Path) -> Path:
    """A box store whose one library was tagged by a tagger sure of none of its words."""
    from tests.tagger.test_p32_own_words import _picky_pack
    store = tmp_path / "box"
    files = store / "libraries" / "lib-kit-000001" / "files"
    files.mkdir(parents=True)
    for i, n in enumerate((4800, 9600)):
        sf.write(files / f"s{i}.wav", np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    library.tag_library(files, _picky_pack(tmp_path), files.parent / "tags.db")
    return store


def test_the_files_with_no_tag_have_a_row_with_the_best_guesses(tmp_path):
    data = StoreData(_store(tmp_path))
    counts = data.tags()
    assert counts.get(NO_TAG) == 2 and list(counts)[-1] == NO_TAG
    found = data.samples(NO_TAG)
    assert sorted(s.name for s in found) == ["s0.wav", "s1.wav"]
    assert all(s.guess in ("kick", "hat") for s in found)
    assert len(data.samples(NO_TAG, limit=1)) == 1
    data.set_tags(found[0].path, ["kick"])                 # a retag from that row takes the file out of it
    assert data.tags()[NO_TAG] == 1 and data.tags()["kick"] == 1


def test_no_tag_is_not_a_tag_a_retag_gives(tmp_path, pg):
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    data = StoreData(_store(tmp_path))
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    page.retag = data.samples(NO_TAG)[0]
    page._choose(NO_TAG)
    assert "pick a tag to give it" in panel.state.toast
    assert NO_TAG not in library.list_tags(next((tmp_path / "box" / "libraries").glob("*/tags.db")))


def test_rows_name_a_file_under_its_librarys_name_not_the_boxs_folder(tmp_path, pg):
    """QA: with the same kit on the box twice, the rows read "lib-drums-725962/files/TR..." (the box's folders),
    and the file's name was cut off."""
    import json

    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    from tests.tagger.test_p32_own_words import _picky_pack
    store, pack = tmp_path / "box", _picky_pack(tmp_path)
    for lid in ("lib-drums-725962", "lib-drums-e2eb87", "lib-808-000001"):
        files = store / "libraries" / lid / "files" / "TR808"
        files.mkdir(parents=True)
        sf.write(files / "kick.wav", np.linspace(-0.5, 0.5, 4800 + len(lid), dtype=np.float32), 48000)
        (store / "libraries" / lid / "library.json").write_text(json.dumps({"id": lid, "name": lid.split("-")[1]}))
        library.tag_library(files.parent, pack, files.parent.parent / "tags.db")
    data = StoreData(store)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    page.samples = data.samples(NO_TAG)
    assert sorted(page.labels()) == ["808/TR808/kick.wav", "drums (725962)/TR808/kick.wav",
                                     "drums (e2eb87)/TR808/kick.wav"]
    assert all(Path(s.path).is_file() for s in page.samples)             # the path itself is still the file's
