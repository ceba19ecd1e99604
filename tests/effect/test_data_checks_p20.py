"""A musician's slips in a pairs.csv set are said before training: refused when the result would mean nothing
(input and output one file; outputs swapped between rows), warned when they may be meant (one output at two
settings, knobs that move together, a clipped-then-normalised or inverted output), and a European Excel's
semicolons and decimal commas are read (or named)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.cli import main
from hatbox.errors import DataError, HatboxError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder, load_single


def _csv(folder: Path, header: str, *rows: str) -> Path:
    (folder / "pairs.csv").write_text("\n".join([header, *rows]) + "\n")
    return folder


def _set(folder: Path, outputs: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """in.wav (1 s of plucks) and, by default, a.wav / b.wav: the drive at 6 and 0 dB."""
    x = plucks(1.0)
    write(folder / "in.wav", x)
    for name, y in (outputs or {"a.wav": drive(x, 6), "b.wav": drive(x, 0)}).items():
        write(folder / name, y)
    return x


# --------------------------------------------------------------------------- 1: one file twice
def test_input_used_as_output_is_refused_naming_the_row(tmp_path: Path) -> None:
    _set(tmp_path)
    with pytest.raises(DataError, match=r"line 3: input and output are the same file \(in.wav\)"):
        load_folder(_csv(tmp_path, "input,output,drive", "in.wav,a.wav,6", "in.wav,./in.wav,0"))
    with pytest.raises(DataError, match="same file"):
        load_single(tmp_path / "in.wav", tmp_path / "in.wav")


def test_one_output_at_two_knob_settings_is_warned_naming_the_rows(tmp_path: Path) -> None:
    _set(tmp_path)
    data = load_folder(_csv(tmp_path, "input,output,drive", "in.wav,a.wav,6", "in.wav,b.wav,0", "in.wav,a.wav,12"))
    (said,) = data.warnings
    assert "output a.wav" in said and "line 2 (drive=6)" in said and "line 4 (drive=12)" in said
    assert "line 3" not in said
    assert not load_folder(_csv(tmp_path, "input,output,drive", "in.wav,a.wav,6", "in.wav,b.wav,0")).warnings


# --------------------------------------------------------------------------- 2: knobs that move together
def test_knobs_that_move_together_are_warned_naming_them(tmp_path: Path) -> None:
    from trainer.effect import checks      # new in this change: imported here so each test fails alone
    x = _set(tmp_path, {f"o{g}.wav": drive(plucks(1.0), g) for g in (0, 6, 12)})
    assert x.size
    rows = [f"in.wav,o{g}.wav,{g},{2 * g},{[5, 1, 3][i]}" for i, g in enumerate((0, 6, 12))]
    data = load_folder(_csv(tmp_path, "input,output,drive,gain,tone", *rows))
    (said,) = data.warnings
    assert "'drive' and 'gain' move together" in said and "tone" not in said
    assert checks.collinear_knobs(["a", "b"], [{"a": 0, "b": 0}, {"a": 1, "b": -3}, {"a": 2, "b": -6}]) != []
    assert checks.collinear_knobs(["a", "b"], [{"a": 0, "b": 0}, {"a": 1, "b": 1}, {"a": 0, "b": 1}]) == []


# --------------------------------------------------------------------------- 3: clipped, then normalised
def test_an_output_clipped_then_normalised_is_warned_naming_the_file(tmp_path: Path) -> None:
    from trainer.effect import checks      # new in this change: imported here so each test fails alone
    x = plucks(1.0)
    _set(tmp_path, {"a.wav": 0.7 * np.clip(3 * drive(x, 6), -1, 1), "b.wav": drive(x, 0)})
    folder = _csv(tmp_path, "input,output,drive", "in.wav,a.wav,6", "in.wav,b.wav,0")
    (said,) = load_folder(folder).warnings
    assert "line 2 output a.wav looks clipped and then normalised" in said and "learn that clipping" in said
    assert load_folder(folder, allow_clipping=True).warnings == []
    frac, peak = checks.flat_top_fraction(np.array([0.1, 0.7, 0.70005, 0.7, 0.2, 0.7, 0.69], np.float32))
    assert frac == pytest.approx(3 / 7) and peak == pytest.approx(0.70005)


# --------------------------------------------------------------------------- 4: polarity, swapped rows
def test_an_inverted_output_is_warned_not_refused(tmp_path: Path) -> None:
    from trainer.effect import checks      # new in this change: imported here so each test fails alone
    x = plucks(1.0)
    _set(tmp_path, {"a.wav": -drive(x, 6), "b.wav": drive(x, 0)})
    data = load_folder(_csv(tmp_path, "input,output,drive", "in.wav,a.wav,6", "in.wav,b.wav,0"))
    (said,) = data.warnings
    assert "line 2 (in.wav -> a.wav)" in said and "reverse polarity" in said
    assert data.pairs[0].polarity < checks.INVERTED_POLARITY < 0.5 < data.pairs[1].polarity
    assert "reverse polarity" in load_single(tmp_path / "in.wav", tmp_path / "a.wav").warnings[0]


def test_outputs_swapped_between_rows_name_the_other_row(tmp_path: Path) -> None:
    x1, x2 = plucks(1.0), plucks(1.0, seed=7)
    write(tmp_path / "in1.wav", x1)
    write(tmp_path / "in2.wav", x2)
    write(tmp_path / "a.wav", drive(x2, 6))
    write(tmp_path / "b.wav", drive(x1, 0))
    with pytest.raises(DataError, match=r"line 2 .*no clear delay.*a recording of the input of pairs.csv line 3 "
                                        r"\(in2.wav\).*swapped"):
        load_folder(_csv(tmp_path, "input,output,drive", "in1.wav,a.wav,6", "in2.wav,b.wav,0"))


def test_an_input_shared_by_rows_is_decoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import audiofile
    read = audiofile.read
    seen: list[str] = []
    monkeypatch.setattr(audiofile, "read", lambda path, *a, **k: (seen.append(Path(path).name), read(path, *a, **k))[1])
    _set(tmp_path, {f"o{g}.wav": drive(plucks(1.0), g) for g in (0, 6, 12)})
    load_folder(_csv(tmp_path, "input,output,drive", *(f"in.wav,o{g}.wav,{g}" for g in (0, 6, 12))))
    assert sorted(seen) == ["in.wav", "o0.wav", "o12.wav", "o6.wav"]


# --------------------------------------------------------------------------- 5: a European Excel's CSV
def test_a_semicolon_csv_with_decimal_commas_is_read_with_a_note(tmp_path: Path) -> None:
    _set(tmp_path)
    (tmp_path / "pairs.csv").write_bytes("\ufeffinput;output;drive[dB]\r\nin.wav;a.wav;0,5\r\nin.wav;b.wav;-1,25\r\n"
                                         .encode("utf-8"))
    data = load_folder(tmp_path)
    assert [p.setting["drive"] for p in data.pairs] == [0.5, -1.25]
    assert (data.knobs[0].min, data.knobs[0].max) == (-1.25, 0.5)
    assert any("separated by semicolons" in n for n in data.notes)


def test_a_tab_separated_csv_is_read_with_the_note_the_tagger_gives(tmp_path: Path) -> None:
    """Excel's "Text (Tab delimited)": read with tabs, and said so as the tagger's CSV says it (one note,
    trainer.csvtext.separator_note; the effect read it silently)."""
    _set(tmp_path)
    (tmp_path / "pairs.csv").write_text("input\toutput\tdrive\nin.wav\ta.wav\t0.5\nin.wav\tb.wav\t-1\n")
    data = load_folder(tmp_path)
    assert [p.setting["drive"] for p in data.pairs] == [0.5, -1.0]
    assert "pairs.csv is separated by tabs (as Excel's 'Text (Tab delimited)' and 'Unicode Text' write it): read it " \
           "so" in data.notes


@pytest.mark.parametrize("header, row, message", [
    ("input,output,drive", "in.wav,a.wav,0,5", r"decimal comma \(0,5\) split into two cells"),
    ("input,output,drive", 'in.wav,a.wav,"0,5"', "knob value '0,5' has a decimal comma"),
    ("input;output,drive", "in.wav;a.wav,1", "mixes ';' and ','"),
])
def test_decimal_commas_and_mixed_separators_are_named(tmp_path: Path, header: str, row: str, message: str) -> None:
    _set(tmp_path)
    with pytest.raises(DataError, match=message) as info:
        load_folder(_csv(tmp_path, header, row, "in.wav,b.wav,0"))
    assert "semicolon" in str(info.value) or ";" in str(info.value)


# --------------------------------------------------------------------------- the CLI says it before training
def test_cli_warns_before_training(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    x = _set(tmp_path / "d", {"a.wav": -drive(plucks(1.0), 6), "b.wav": drive(plucks(1.0), 0)})
    assert x.size
    _csv(tmp_path / "d", "input,output,drive", "in.wav,a.wav,6", "in.wav,b.wav,0")
    before: list[str] = []

    def stop(*_a, **_k):
        before.append(capsys.readouterr().err)
        raise HatboxError("stopped before training")
    monkeypatch.setattr("trainer.effect.train.fit", stop)
    assert main(["train", "effect", str(tmp_path / "d"), "--out", str(tmp_path / "p.hatpack")]) == 2
    assert "warning: pairs.csv line 2 (in.wav -> a.wav): the output is the input in reverse polarity" in before[0]
