"""An effect pack whose manifest declares fewer or more knobs than its model's ``knobs`` input takes is refused by
the box's contract check and by `hatbox render`, in one line (thirty-third stop's QA: with the manifest's knobs
emptied it passed all eight checks, then the engine refused it as "a bug in hatbox" and render printed an internal
error)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.test_p22_pack_manifest import edited

CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "no knobs declared": (lambda d: d.update(knobs=[]), "its model has a 'knobs' input but its manifest declares "
                                                        "no knobs"),
    "one knob too many": (lambda d: d["knobs"].append({**d["knobs"][0], "name": "tone"}),
                          "its manifest declares 2 knobs but its 'knobs' input has shape [1, 'T', 1]"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_box_refuses_it_at_its_contract_check(tmp_path: Path, case: str) -> None:
    from device.validate import validate_pack
    from tests.api.conftest import FAST_ENGINE
    edit, words = CASES[case]
    bad = edited(tmp_path, edit)
    read_pack(bad)                                  # a well-formed manifest: only the contract is wrong
    with pytest.raises(PackError) as err:
        validate_pack(bad, FAST_ENGINE)
    assert err.value.check == "contract" and words in str(err.value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_says_it_in_one_line(tmp_path: Path, capsys, case: str) -> None:
    from device.audio import audiofile
    edit, words = CASES[case]
    bad = edited(tmp_path, edit)
    wav = audiofile.write(tmp_path / "in.wav", np.zeros(4800, np.float32), 48_000)
    assert main(["render", str(bad), "--input", str(wav), "--out", str(tmp_path / "out.wav")]) == 2
    err = capsys.readouterr().err
    assert words in err and "internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "out.wav").exists()
