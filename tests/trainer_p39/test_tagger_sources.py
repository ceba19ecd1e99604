"""A tagger's training source that is laid out wrong is named for what is wrong with it (thirty-ninth stop's QA,
trainer/tagger/data.py): a CSV quote never closed (blamed on the last line it glued together, as "a path but no
tag"), a CSV of tag,path rows (its paths refused as "tags not allowed"), a tag folder given for the folder of tag
folders ("holds no tagged audio files")."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from trainer.tagger.data import load_items


def _wavs(folder: Path, *names: str) -> list[Path]:
    """Empty files named like audio (load_items reads names only; nothing is decoded)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return [folder / name for name in names]


def _refusal(source: Path) -> str:
    with pytest.raises(DataError) as err:
        load_items(source)
    return str(err.value)


def test_a_quote_never_closed_is_named_on_the_line_it_opens(tmp_path: Path) -> None:
    files = _wavs(tmp_path / "s", *(f"{k}.wav" for k in range(6)))
    lines = [f"{f},kick" for f in files]
    lines[2] = '"' + lines[2]                                         # line 3
    (tmp_path / "tags.csv").write_text("\n".join(lines) + "\n")
    said = _refusal(tmp_path / "tags.csv")
    assert said.startswith(f'{tmp_path / "tags.csv"}: line 3: a quote (") opens here and is never closed'), said
    assert "no tag" not in said and "hint: remove the quote" in said


def test_a_quote_closed_lines_later_names_both_lines(tmp_path: Path) -> None:
    files = _wavs(tmp_path / "s", *(f"{k}.wav" for k in range(6)))
    lines = [f"{f},kick" for f in files]
    lines[1], lines[3] = f'"{files[1]},kick', f'{files[3]}",kick'    # lines 2 to 4 in one cell
    (tmp_path / "tags.csv").write_text("\n".join(lines) + "\n")
    said = _refusal(tmp_path / "tags.csv")
    assert 'line 2: a quote (") opens here and is only closed on line 4' in said, said


@pytest.mark.parametrize("header", ["tag,path\n", ""])
def test_swapped_columns_are_said_to_be_swapped(tmp_path: Path, header: str) -> None:
    files = _wavs(tmp_path / "s", "k1.wav", "k2.wav", "s1.wav")
    rows = [f"{tag},{f}" for tag, f in zip(("kick", "kick", "snare"), files)]
    (tmp_path / "tags.csv").write_text(header + "\n".join(rows) + "\n")
    said = _refusal(tmp_path / "tags.csv")
    shown = files[0] if header else files[1]            # with no header, the first row is read as one (a note)
    assert f"its columns look swapped: line 2 has 'kick' first and the audio file '{shown}'" in said, said
    assert "path,tag" in said.split("hint:")[1] and "not allowed" not in said


def test_a_tag_folder_given_for_the_folder_of_tags_says_to_give_the_one_above(tmp_path: Path) -> None:
    _wavs(tmp_path / "tags" / "kick", "k1.wav", "k2.flac", "notes.txt")
    _wavs(tmp_path / "tags" / "snare", "s1.wav")
    said = _refusal(tmp_path / "tags" / "kick")
    assert f"{tmp_path / 'tags' / 'kick'} holds its audio files directly (2), not in tag folders" in said, said
    assert f"give the folder above it, {tmp_path / 'tags'}," in said
    assert len(load_items(tmp_path / "tags")) == 3                   # the folder above trains


def test_a_folder_with_neither_tag_folders_nor_audio_is_still_said_to_hold_none(tmp_path: Path) -> None:
    _wavs(tmp_path / "empty", "readme.txt")
    assert "holds no tagged audio files" in _refusal(tmp_path / "empty")
