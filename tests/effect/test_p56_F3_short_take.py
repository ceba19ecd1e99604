"""p56 QA_B finding 4: a wet take shorter than its DI got neither a cause nor a command, where a longer one got a sox
trim line.  The refusal now says what is short and by how much, and the hint gives the way forward: record it again
for the whole input, or give the row its own copy of the input cut to the take's length (the DI itself is shared by
the other rows, so it is never trimmed)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks, write
from trainer.effect.data import load_folder


def _set(folder: Path, seconds_short: float) -> tuple[str, str]:
    x = plucks(2.0)
    write(folder / "di.wav", x)
    write(folder / "out_0.wav", drive(x, 0))
    write(folder / "out_12.wav", drive(x, 12)[: x.size - int(seconds_short * RATE)])
    (folder / "pairs.csv").write_text("input,output,drive\ndi.wav,out_0.wav,0\ndi.wav,out_12.wav,12\n")
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return caught.value.args[0], caught.value.hint or ""


def test_a_short_take_says_by_how_much_and_what_to_do(tmp_path: Path) -> None:
    said, hint = _set(tmp_path, 0.5)
    assert "pairs.csv line 3: input is 2.00 s but output is 1.50 s" in said, said
    assert "0.50 s shorter" in said and "stopped early" in said, said
    assert "record" in hint and f"sox {tmp_path / 'di.wav'} " in hint and "trim 0 1.5" in hint, hint
    assert "other rows" in hint, hint                       # the DI itself is left as it is


def test_the_cut_copy_of_the_input_the_hint_names_loads(tmp_path: Path) -> None:
    import shlex
    import soundfile as sf
    _said, hint = _set(tmp_path, 0.5)
    words = shlex.split(hint[hint.index("(sox ") + 1:hint.index(")", hint.index("(sox "))])
    src, dst, _trim, start, length = words[1:]
    x, rate = sf.read(src, dtype="float32")
    sf.write(dst, x[int(float(start) * rate):int((float(start) + float(length)) * rate)], rate, subtype="FLOAT")
    (tmp_path / "pairs.csv").write_text(f"input,output,drive\ndi.wav,out_0.wav,0\n{Path(dst).name},out_12.wav,12\n")
    assert np.isclose(sf.info(dst).duration, 1.5)
    assert len(load_folder(tmp_path).pairs) == 2
