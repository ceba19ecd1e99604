"""p49 loops QA: "more like this" on the box read 1.00 / 0.99 for all ten files (the laptop 0.958-0.999): cosines of
the tagger's embeddings bunch near 1.  GET /libraries/{id}/similar now gives ``closeness`` 0-100 as well
(device/library/closeness.py: the cosine rescaled against the library's middle file), in the cosine's order, and
`box-library ID --like` prints it."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.api.libraries import default_tagger
from device.library.closeness import closeness, closeness_of, middle
from hatbox.listing import CLOSENESS_WORDS
from hatbox.cli import main
from tests.api.conftest import make_box, paired_server, zip_bytes  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.api.test_retag_p20 import _wait_done


def test_bunched_cosines_read_apart_in_the_same_order() -> None:
    top = [0.999, 0.995, 0.990, 0.984, 0.975, 0.970, 0.966, 0.962, 0.960, 0.958]
    rest = [0.95 - 0.01 * i for i in range(30)]          # the library's other files, less alike
    got = closeness_of(top + rest)[:10]
    assert got == sorted(got, reverse=True) and got[0] >= 95 and got[-1] <= 75, got
    assert len(set(got)) >= 8                                # ten 1.00/0.99 become numbers a musician tells apart
    assert closeness(middle(rest), middle(top + rest)) <= 20 and closeness(-0.3, 0.5) == 0
    assert closeness(1.0, 0.2) == 100 and closeness(1.0, 1.0) == 100


def _noise(seed: int, seconds: float = 0.2) -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(seed)
    sf.write(buf, (0.3 * rng.standard_normal(int(48000 * seconds))).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


@pytest.fixture
def library(tmp_path: Path) -> tuple[Any, str]:
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack", clip=64)).status_code == 201
    files = {f"breaks/b{i}.wav": _noise(i) for i in range(8)}
    lid = box.client.post("/libraries", content=zip_bytes(files), headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    return box, lid


def test_similar_gives_closeness_against_the_whole_library_on_every_page(library: tuple[Any, str]) -> None:
    box, lid = library
    every = box.client.get(f"/libraries/{lid}/similar", params={"path": "breaks/b0.wav", "k": 100},
                           headers=box.auth).json()
    scores, near = [h["score"] for h in every], [h["closeness"] for h in every]
    assert len(every) == 7 and near == closeness_of(scores) and near == sorted(near, reverse=True)
    assert scores == sorted(scores, reverse=True) and near[0] > near[-1] == 0
    two = box.client.get(f"/libraries/{lid}/similar", params={"path": "breaks/b0.wav", "k": 2, "offset": 2},
                         headers=box.auth).json()
    assert [h["closeness"] for h in two] == near[2:4]        # a page rescales by the whole library, not itself


def test_the_heading_says_the_scale() -> None:
    assert CLOSENESS_WORDS.startswith("closeness 0-100: 100 = the same to the tagger's ear, 0 = no more alike")


def test_box_library_like_prints_closeness(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=64)), "--activate", "--quiet"]) == 0
    folder = tmp_path / "Breaks"
    folder.mkdir()
    for i in range(5):
        (folder / f"b{i}.wav").write_bytes(_noise(i))
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    capsys.readouterr()
    assert main(["box-library", lid, "--like", "b0.wav"]) == 0
    lines = capsys.readouterr().out.splitlines()          # (the heading, on a terminal only, says the scale)
    shown = [int(line.split()[0]) for line in lines]        # a script reads "closeness path" rows, as before
    assert len(shown) == 4 and shown == sorted(shown, reverse=True) and all(0 <= n <= 100 for n in shown), lines
    assert shown[-1] == 0 and shown[0] > 0
