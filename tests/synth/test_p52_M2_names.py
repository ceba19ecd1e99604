"""The "take ... out of the name" hint, review of the fifty-second stop (R2 F7): it looked for a note name in the
file name again instead of asking how the name was read, so ``C0 060.wav`` (C0 is out of range: the parser reads
the 060) was told to "take the note name out", which would leave the pitch in the name."""
from __future__ import annotations

import numpy as np
import pytest

from hatbox.errors import DataError
from trainer.synth.data import Note
from trainer.synth.note_names import check_name_pitches, pitch_from_name


@pytest.mark.parametrize("path, pitch, words", [
    ("x/piano/C0 060.wav", 60.0, "take the number out of the name"),
    ("x/piano/C4 12.wav", 60.0, "take the note name out of the name"),
])
def test_the_hint_follows_what_the_parser_read(path: str, pitch: float, words: str) -> None:
    assert pitch_from_name(path.rsplit("/", 1)[1][:-4])[0] == pitch
    note = Note("piano", pitch, 80, np.zeros(8, np.float32), path=path, measured=65.0)
    with pytest.raises(DataError) as err:
        check_name_pitches([note])
    assert words in err.value.hint and f"{path}: name says" in str(err.value), err.value.hint
