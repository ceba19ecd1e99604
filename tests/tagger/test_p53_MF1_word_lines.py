"""p53 final read (MF1): a warning names only the CSV lines holding the word it is about (a file listed on two lines
of one word each is told to be listed on one line, not to "keep one on those lines"); a moved file's guess is written
as the CSV's cell would be (relative to the CSV's folder, or absolute); an exported CSV's slips each get their
--rename-word (up to 3, then "and N more")."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.library.fixes_csv import MARK
from hatbox.errors import DataError
from trainer.tagger.data import load_sources, mixed_tags_warning
from trainer.tagger.pipeline import slips_warning


def _files(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_bytes(b"RIFF" + name.encode() + bytes([i]) * (10 + i))


def _hatt_csv(tmp_path: Path) -> Path:
    """lib/mywords.csv: 'hat' on 7 files, 'tom' on 12 more, s19.wav on line 21 (tom) and line 22 (hatt), and one
    file with two words on one line (line 23): so several words are meant somewhere and no merge warning is said."""
    names = [f"s{i}.wav" for i in range(21)]
    _files(tmp_path / "lib", names)
    rows = [f"s{i}.wav,{'hat' if i < 7 else 'tom'}" for i in range(19)]
    rows += ["s19.wav,tom", "s19.wav,hatt", "s20.wav,hat,tom"]
    csv = tmp_path / "lib" / "mywords.csv"
    csv.write_text("path,tags\n" + "\n".join(rows) + "\n")
    return csv


def test_a_slip_names_only_the_line_holding_it(tmp_path: Path) -> None:
    csv = _hatt_csv(tmp_path)
    said = slips_warning(load_sources([csv]))
    assert f"'hatt' (1, {csv}: line 22): did you mean 'hat' (8)?" in said, said


def test_a_file_on_two_lines_is_told_to_be_listed_on_one(tmp_path: Path) -> None:
    csv = _hatt_csv(tmp_path)
    said = mixed_tags_warning(load_sources([csv]))
    assert f"given by {csv}: lines 21, 22 and 23" in said, said
    assert f"keep one on that line of {csv}" in said                 # line 23: two words on one line
    assert f"list that file on one line of {csv} with one word (lines 21 and 22)" in said
    assert "keep one on those lines" not in said


def test_a_moved_file_is_guessed_as_the_cell_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _files(tmp_path / "lib" / "moved", ["s5.wav"])
    _files(tmp_path / "lib", ["k.wav"])
    (tmp_path / "lib" / "mywords.csv").write_text(f"k.wav,kick\ns5.wav,snare\n{tmp_path}/lib/s5.wav,snare\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as err:
        load_sources([Path("lib/mywords.csv")])                     # the CSV in a subfolder, given relative
    said = str(err.value)
    assert "did you mean moved/s5.wav (line 2), " in said, said     # relative to the CSV's folder, as the cell
    assert f"{tmp_path}/lib/moved/s5.wav (line 3)?" in said          # an absolute cell: an absolute guess
    assert "lib/moved/s5.wav (line 2)" not in said


def test_each_exported_slip_gets_its_rename(tmp_path: Path) -> None:
    words = ["metallic", "snare", "kick", "crash", "ride"]
    _files(tmp_path / "lib", [f"m{i}.wav" for i in range(30)])
    csv = tmp_path / "mywords.csv"
    csv.write_text("".join(f"lib/m{i}.wav,{words[i % 5]}\n" for i in range(25)))
    slips = ["metalic", "snar", "kik", "krash", "rid"]
    fixes = tmp_path / "boxfixes.csv"
    fixes.write_text(f"{MARK}\npath,tags\n" + "".join(f"lib/m{25 + i}.wav,{w}\n" for i, w in enumerate(slips)))
    said = slips_warning(load_sources([csv, fixes]))
    for word, near in sorted(zip(slips, words))[:3]:                # rarest first, then by name
        assert f"hatbox library fix DB --rename-word {word} {near}" in said, said
    assert said.count("--rename-word") == 4 and " and 2 more (hatbox box-library ID --rename-word OLD NEW" in said
    assert f"then export {fixes} again" in said
