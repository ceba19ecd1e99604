"""p59 Q2 finding 9 (the effect trainer's words): a silent take's refusal says the row may be dropped; a take recorded
ahead of its input gets the effect's words, not only the denoiser's; a DC offset taken out is the recording's (a
pedal's asymmetric clipping makes one), not "an interface's"."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect import checks, takes
from trainer.effect.align import OutputLeads
from trainer.effect.data import load_folder, load_single

X = plucks(1.0)


def test_a_silent_take_of_a_set_may_be_dropped(tmp_path: Path) -> None:
    write(tmp_path / "in.wav", X)
    write(tmp_path / "out_0.wav", drive(X, 0))
    write(tmp_path / "out_9.wav", np.zeros_like(X))
    (tmp_path / "pairs.csv").write_text("input,output,drive\nin.wav,out_0.wav,0\nin.wav,out_9.wav,9\n")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    assert "out_9.wav is silent" in caught.value.args[0]
    assert "delete its row from pairs.csv" in (caught.value.hint or ""), caught.value.hint
    with pytest.raises(DataError) as single:
        load_single(tmp_path / "in.wav", tmp_path / "out_9.wav")
    assert "pairs.csv" not in (single.value.hint or "")        # no row to drop


def test_an_output_ahead_of_its_input_is_said_in_the_effect_s_words() -> None:
    rate, lead = 200, 40
    x = np.random.default_rng(1).standard_normal(20_100).astype(np.float32)
    hint = takes.lead_hint(OutputLeads("leads", lead), x, x[lead:].copy(), rate, Path("set/out.wav"))
    assert hint is not None and hint.startswith("if the output was recorded ahead of its input (a DAW's latency "
                                                "compensation that overshot"), hint


def test_a_dc_offset_is_the_recording_s() -> None:
    said = checks.dc_note("pairs.csv line 2: out.wav", -0.011, 0.01) or ""
    assert "the recording's offset" in said and "interface" not in said, said
