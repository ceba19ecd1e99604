"""p50 FF (newcomer QA) on the box: `box-library LIB --fix F bom` (boom a word of the tagger) gets "did you mean
'boom'?" and the command that puts it right; a rename into a word in use is refused without the API's field name
("merge: true"); `box-library LIB --unsure` says what its margin column is."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


@pytest.fixture
def lib(paired_server: PairedServer, tmp_path: Path) -> str:  # noqa: F811
    """A folder of three samples pushed to the box and tagged by a pack of the words boom and snare; its name."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", tags=("boom", "snare"))), "--activate",
                 "--quiet"]) == 0
    root = tmp_path / "Samples"
    (root / "kit").mkdir(parents=True)
    for i, n in enumerate((4800, 7200, 9600)):
        sf.write(root / "kit" / f"s{i}.wav", np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    assert main(["push-library", str(root), "--wait", "--quiet"]) == 0
    return "Samples"


def test_a_slip_on_the_box_gets_the_command_that_puts_it_right(lib: str, capsys: Any) -> None:
    rc, out, err = _run(capsys, "box-library", lib, "--fix", "kit/s0.wav", "bom")
    assert rc == 0, err
    assert "'bom' is a new word (the tagger's words: boom, snare); did you mean 'boom'?" in out
    assert "if it is a slip, `hatbox box-library Samples --fix kit/s0.wav boom` puts it right" in out


def test_a_rename_into_a_word_in_use_on_the_box_names_no_api_field(lib: str, capsys: Any) -> None:
    assert _run(capsys, "box-library", lib, "--fix", "kit/s0.wav", "thud")[0] == 0
    assert _run(capsys, "box-library", lib, "--fix", "kit/s1.wav", "thump")[0] == 0
    rc, _, err = _run(capsys, "box-library", lib, "--rename-word", "thud", "thump")
    assert rc != 0
    assert "add --yes to merge them (the 1 file of 'thud' becomes 'thump'; this cannot be undone)" in err, err
    assert "merge: true" not in err


def test_the_boxs_unsure_listing_says_what_the_margin_is(lib: str, capsys: Any) -> None:
    rc, out, err = _run(capsys, "box-library", lib, "--unsure")
    assert rc == 0, err
    assert len(out.splitlines()) == 3
    assert err.count("margin: the gap between the two best guesses, 0-1; small = unsure") == 1, err
