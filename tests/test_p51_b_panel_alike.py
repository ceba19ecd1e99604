"""p51 QA B1: the Library page's "more like this" said the raw cosine ("Kick-Hardest 94% alike", a snare "51% alike")
where `hatbox box-library Samples --like ...` said closeness 88 and 0.  The page now reads the one scale
(device/library/closeness.py) against the middle of the sample's own library, as the box's route and the laptop's
`library query --like` do, and says it in its words ("88/100 alike"; "cosine 0.999" where there is no closeness)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device import library
from device.audio import audiofile
from device.library.closeness import closeness_of
from device.ui.data import MemoryData, Sample, StoreData
from device.ui.pages.library_alike import Alike, alike_samples
from device.ui.pages.library_words import score_words, status_words
from hatbox.cli import main
from tests.test_p39_broken_packs import FACTORY
from tests.ui.conftest import find_text, panel_on, pg  # noqa: F401 - the fixture

PACK = FACTORY / "tagger-drums.hatpack"


def _drums(files: Path, kicks: int, hats: int) -> Path:
    """``kicks`` decaying sines and ``hats`` noise bursts (0.5 s, 48 kHz) in ``files``."""
    t = np.arange(24000) / 48000
    rng = np.random.default_rng(len(str(files)))
    for i in range(kicks):
        audiofile.write(files / f"kick{i}.wav", (0.8 * np.sin(2 * np.pi * (50 + 8 * i) * t)
                                                 * np.exp(-t * (15 + 5 * i))).astype(np.float32), 48000)
    for i in range(hats):
        audiofile.write(files / f"hat{i}.wav", (0.3 * rng.standard_normal(t.size)
                                                * np.exp(-t * (40 + 20 * i))).astype(np.float32), 48000)
    return files


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A box's store with two libraries tagged by one pack: Samples (8 files) and Other (a copy of kick1, 4 hats)."""
    root = tmp_path_factory.mktemp("p51b") / "box"
    a = _drums(root / "libraries" / "lib-samples-000001" / "files", 4, 4)
    library.tag_library(a, PACK, a.parent / "tags.db")
    b = _drums(root / "libraries" / "lib-other-000002" / "files", 0, 4)
    shutil.copy(a / "kick1.wav", b / "copy of kick1.wav")
    library.tag_library(b, PACK, b.parent / "tags.db")
    return root


def _cli_closeness(db: Path, ref: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    """File name -> the closeness `hatbox library query DB --like REF` prints."""
    capsys.readouterr()
    assert main(["library", "query", str(db), "--like", str(ref), "-k", "20"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    return {Path(r[-1]).name: int(r[0]) for r in rows if r[0].isdigit()}


def test_the_page_reads_a_pair_as_the_cli_does(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = store / "libraries" / "lib-samples-000001"
    cli = _cli_closeness(own / "tags.db", own / "files" / "kick0.wav", capsys)
    data = StoreData(store)
    ref = data._sample(own / "files" / "kick0.wav", 0.0)
    found = alike_samples(data, ref, k=20)                                # every file of the two
    mine = {s.name: s for s in found if "lib-samples" in s.path}
    assert len(mine) == 7 and len(found) == 12 and all(isinstance(s, Alike) for s in found)
    assert {n: s.closeness for n, s in mine.items()} == cli, (cli, mine)     # one number for one pair
    for s in mine.values():
        assert score_words(s, True) == (f"{cli[s.name]}/100 alike", f"{cli[s.name]} alike", str(cli[s.name]))
    assert min(cli.values()) == 0 and max(cli.values()) > 50                 # the hats read 0, not the cosine's %
    assert any(s.score > 0.5 and s.closeness == 0 for s in mine.values())   # (the raw cosine said "60% alike")
    copy = next(s for s in found if s.name == "copy of kick1.wav")          # another library's file: the same
    assert copy.closeness == mine["kick1.wav"].closeness                   # middle (its own library's, not Other's)


def test_the_page_shows_the_closeness_and_its_scale(store: Path, pg: Any, capsys: Any) -> None:  # noqa: F811
    own = store / "libraries" / "lib-samples-000001"
    cli = _cli_closeness(own / "tags.db", own / "files" / "kick0.wav", capsys)
    data = StoreData(store)
    panel = panel_on("Library", data)
    page = panel.page
    page._list([data._sample(own / "files" / "kick0.wav", 0.0)])
    page._more_like_this()
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    first = page.samples[1]
    assert first.name == "kick1.wav" or first.name == "copy of kick1.wav"
    said = f"{cli['kick1.wav']}/100 alike"
    assert find_text(surface.subsurface(page.sample_rows[1]), said, 20, (140, 146, 160)), said
    words, _ = status_words(page)
    assert words[0] == "like kick0.wav (100 = the same to the tagger's ear, 0 = no more alike than its library's " \
                       "middle file)" and words[-2:] == ("like kick0.wav", "like kick0.wav")


def test_too_few_files_read_as_the_cosine_the_cli_prints() -> None:
    data = MemoryData(library={"kick": [Sample("a.wav", 0.9), Sample("b.wav", 0.9)]},
                      embeddings={"a.wav": [1.0, 0.0], "b.wav": [0.9, 0.1]})
    found = alike_samples(data, Sample("a.wav", 0.9))
    assert len(found) == 1 and found[0].closeness is None                    # one other file: no middle
    assert score_words(found[0], True) == (f"cosine {found[0].score:.3f}", f"{found[0].score:.3f}")
    assert score_words(Sample("x.wav", 0.8), False) == ("80% sure", "80%")  # a tag's list: as it was
