"""Names (synth QA of the fifty-second stop): a file named with a note name its audio does not play was refused
with "take the number out of the name" (finding 6: ``F4 mf.wav`` holds no number); docs/synth.md and docs/effect.md
named export/manifest.py ``pack_name`` and a rule ("my synth (v2)" -> ``my_synth__v2``) that no longer exist
(finding 5: ``hatbox.names.default_pack_name`` gives ``my synth v2``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from hatbox.names import default_pack_name
from trainer.synth.data import Note
from trainer.synth.note_names import check_name_pitches

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _note(path: str, pitch: float, measured: float) -> Note:
    return Note("piano", pitch, 80, np.zeros(8, np.float32), path=path, measured=measured)


@pytest.mark.parametrize("paths, words", [
    (["bad3/piano/F4 mf.wav"], "take the note name out of the name"),
    (["bad3/piano/take_30.wav"], "take the number out of the name"),
    (["bad3/piano/F4 mf.wav", "bad3/piano/take_30.wav"], "take the pitch (a note name or a number) out of the name"),
])
def test_the_hint_names_what_gives_the_pitch(paths: list[str], words: str) -> None:
    """Before: "take the number out of the name" for ``F4 mf.wav`` too."""
    with pytest.raises(DataError) as err:
        check_name_pitches([_note(p, 65.0 if "F4" in p else 30.0, 60.0) for p in paths])
    assert words in err.value.hint, err.value.hint


def test_the_docs_say_the_default_pack_name_as_it_is() -> None:
    assert default_pack_name("my synth (v2)", "synth") == "my synth v2"
    synth, effect = (DOCS / "synth.md").read_text(), (DOCS / "effect.md").read_text()
    assert "`my synth v2`" in synth and "my_synth__v2" not in synth
    for text in (synth, effect):
        assert "hatbox.names.default_pack_name" in text and "export/manifest.py `pack_name`" not in text
