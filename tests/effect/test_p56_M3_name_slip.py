"""p56 review R3 finding 1: the "did you mean" of a missing listed file (trainer.csvtext.slip_twin) ran the tag-word
slip rule on whole file names, extension and digits included, and suggested other takes (drive_10 -> drive_100,
out_L -> out_R, take_2a -> take_2b, a macOS ._ sidecar); following it trained the drive-55 take labelled drive 5.
Now only the stems of files of the same extension are compared, a candidate whose numbers differ or that changes a
lone one-letter token is no slip, `._` files are skipped, and so are files the CSV already lists."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.csvtext import missing_error, slip_twin
from trainer.effect.data import load_folder

OTHER_TAKES = [("drive_10.wav", "drive_100.wav"), ("out_drive5.wav", "out_drive55.wav"), ("take1.wav", "take11.wav"),
               ("gain_-6dB.wav", "gain_6dB.wav"), ("drive_1.5.wav", "drive_15.wav"), ("out_L.wav", "out_R.wav"),
               ("out_drive5_L.wav", "out_drive5_R.wav"), ("riff_a.wav", "riff_b.wav"), ("take_2a.wav", "take_2b.wav"),
               ("hit.wav", "hat.wav"), ("rise.wav", "ride.wav"), ("tom.wav", "tim.wav"), ("di.wav", "d.wav"),
               ("out_drive5.wav", "._out_drive5.wav"), ("kick1.wav", "kick2.wav"), ("neck.wav", "neck2.wav"),
               ("snare.wav", "snare.wv"), ("di.aif", "di.aiff"), ("out_drive5.flac", "out_drive5.wav"),
               ("di.wav", "di.wav.asd")]
SLIPS = [("out_drve5.wav", "out_drive5.wav"), ("kick_depe.wav", "kick_deep.wav"), ("tone_low.wav", "tone_lo.wav"),
         ("out drive5.wav", "out_drive5.wav"), ("gain_-6dB.wav", "gain_-6db_.wav"), ("Amp Clen.WAV", "amp_clean.wav")]


@pytest.mark.parametrize(("missing", "there"), OTHER_TAKES)
def test_another_take_is_never_offered(tmp_path: Path, missing: str, there: str) -> None:
    (tmp_path / there).write_bytes(b"")
    assert slip_twin(tmp_path, missing) is None


@pytest.mark.parametrize(("missing", "there"), SLIPS)
def test_a_slip_of_the_name_is_still_offered(tmp_path: Path, missing: str, there: str) -> None:
    (tmp_path / "recs").mkdir()
    (tmp_path / "recs" / there).write_bytes(b"")
    assert slip_twin(tmp_path, f"recs/{missing}") == Path("recs") / there


def test_a_file_the_csv_lists_already_is_no_slip(tmp_path: Path) -> None:
    (tmp_path / "out_drive5.wav").write_bytes(b"")
    listed = {(tmp_path / "out_drive5.wav").resolve()}
    assert slip_twin(tmp_path, "out_drve5.wav", listed=listed) is None
    said = str(missing_error("pairs.csv", tmp_path, [("out_drve5.wav", tmp_path / "out_drve5.wav", "line 3")],
                             listed=listed))
    assert "did you mean" not in said, said


def test_the_drive_55_take_is_not_offered_for_drive_5_end_to_end(tmp_path: Path) -> None:
    x = plucks(0.5)
    for name, y in (("di.wav", x), ("out_drive1.wav", drive(x, 1)), ("out_drive55.wav", drive(x, 55))):
        write(tmp_path / name, y)
    (tmp_path / "pairs.csv").write_text("input,output,drive\ndi.wav,out_drive1.wav,1\ndi.wav,out_drive5.wav,5\n")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    assert "out_drive5.wav" in str(caught.value) and "did you mean" not in str(caught.value), str(caught.value)


def test_in_pairs_csv_a_file_another_row_lists_is_not_offered(tmp_path: Path) -> None:
    x = plucks(0.5)
    for name, y in (("di.wav", x), ("out_drive5.wav", drive(x, 5))):
        write(tmp_path / name, y)
    (tmp_path / "pairs.csv").write_text("input,output,drive\ndi.wav,out_drive5.wav,5\ndi.wav,out_drve5.wav,9\n")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    assert "did you mean" not in str(caught.value), str(caught.value)
