"""p55 final read FR2 #8: an instrument whose only note lies in a folder the system will not enter was told to chmod
the file (trainer/synth/data._lost_hint worked the hint out again from the file), which does not let it be read;
the refusal's own hint (the folder's chmod -R) is now the one given."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.p54_M3_denied import refuse_folder
from tests.synth.test_musician_data_p20 import _notes, _tone, _write
from trainer.synth.data import load_notes

RATE = 16000


def test_an_instrument_lost_to_a_folder_that_may_not_be_entered_is_told_the_folder_s_chmod(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _notes(tmp_path / "notes")
    takes = root / "lead" / "takes"
    _write(takes / "64.wav", _tone(64, n_harm=2))
    files = [("bright", f) for f in sorted((root / "bright").glob("*.wav"))]
    refuse_folder(monkeypatch, takes)
    with pytest.raises(DataError) as caught:
        load_notes([*files, ("lead", takes / "64.wav")], RATE, 0.5, warn=lambda _w: None)
    assert "no note of instrument lead can be used" in caught.value.args[0]
    assert caught.value.hint.startswith(f"let your user read it: chmod -R u+rX {takes};"), caught.value.hint
