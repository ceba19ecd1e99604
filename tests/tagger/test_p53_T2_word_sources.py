"""Fifty-third stop's QA (T2): the training warnings say where the words come from.  A few files with several words
name their CSV and lines (or tag folders) and get a hint that fits that source: the producer's own CSV is told to keep
one word on those lines, only a library's exported corrections get `hatbox library fix`; a word that looks like a
slip names the CSV line or folder holding it, and one from exported corrections gets `--rename-word`."""
from __future__ import annotations

from pathlib import Path

from device.library.fixes_csv import MARK
from trainer.tagger.data import load_sources, mixed_tags_warning
from trainer.tagger.pipeline import slips_warning


def _files(folder: Path, names: list[str]) -> list[Path]:
    """Small files of distinct bytes (a CSV only needs them to exist; no two are the same sound)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(names):
        (folder / name).write_bytes(b"RIFF" + name.encode() + bytes([i]) * (10 + i))
        out.append(folder / name)
    return out


def _own_csv(tmp_path: Path) -> Path:
    """mywords.csv: 12 files with one word, 2 (lines 4 and 9) with two: several words on purpose."""
    names = [f"s{i}.wav" for i in range(14)]
    _files(tmp_path / "lib", names)
    words = ["808", "dusty", "airy", "punchy"]
    rows = [f"lib/{n},{words[i % 4]}" for i, n in enumerate(names)]
    rows[2] = "lib/s2.wav,808,punchy"
    rows[7] = "lib/s7.wav,dusty,808"
    csv = tmp_path / "mywords.csv"
    csv.write_text("path,tags\n" + "\n".join(rows) + "\n")
    return csv


def test_own_csv_names_its_lines_and_is_told_to_keep_one_word_there(tmp_path: Path) -> None:
    csv = _own_csv(tmp_path)
    said = mixed_tags_warning(load_sources([csv]))
    assert f"given by {csv}: lines 4 and 9" in said, said
    assert f"keep one on those lines of {csv}" in said
    assert "library fix" not in said                            # no library was exported here
    assert "fine where files do carry several words" in said and "statistics head" in said


def test_exported_corrections_get_the_library_hint(tmp_path: Path) -> None:
    csv = _own_csv(tmp_path)
    (tmp_path / "fix").mkdir()
    _files(tmp_path / "fix", ["f.wav"])
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(f"{MARK}\npath,tags\nfix/f.wav,808,airy\n")
    said = mixed_tags_warning(load_sources([csv, fixes]))
    assert f"{fixes} (corrections exported from a library): line 3" in said, said
    assert "hatbox library fix DB FILE TAG" in said and "box-library ID --fix PATH TAG" in said
    assert f"export {fixes} again" in said and f"keep one on those lines of {csv}" in said


def test_a_tree_names_the_tag_folders_of_a_linked_file(tmp_path: Path) -> None:
    tree = tmp_path / "tags"
    for word in ("kick", "snare", "hat"):
        _files(tree / word, [f"{word}{i}.wav" for i in range(5)])
    (tree / "snare" / "kick0.wav").symlink_to(tree / "kick" / "kick0.wav")     # one file in two folders
    said = mixed_tags_warning(load_sources([tree]))
    assert f"given by folder {tree}/ (1 file in several tag folders)" in said, said
    assert f"leave that file in one tag folder of {tree}/" in said and "library fix" not in said


def _slip_sources(tmp_path: Path) -> list[Path]:
    """mywords.csv with 'metallic' on 4 lines, and boxfixes.csv (exported) giving one file 'metalic' on line 3."""
    _files(tmp_path / "lib", [f"m{i}.wav" for i in range(6)])
    csv = tmp_path / "mywords.csv"
    csv.write_text("".join(f"lib/m{i}.wav,{'metallic' if i < 4 else 'keep'}\n" for i in range(6)))
    fixes = tmp_path / "boxfixes.csv"
    fixes.write_text(f"{MARK}\npath,tags\nlib/m5.wav,metalic\n")
    return [csv, fixes]


def test_a_slip_names_its_source_line_and_the_libraries_rename(tmp_path: Path) -> None:
    sources = _slip_sources(tmp_path)
    said = slips_warning(load_sources(sources))
    assert f"'metalic' (1, {sources[1]}: line 3): did you mean 'metallic' (4)?" in said, said
    assert "hatbox library fix DB --rename-word metalic metallic" in said
    assert "hatbox box-library ID --rename-word metalic metallic" in said and f"export {sources[1]} again" in said


def test_a_slip_in_a_folder_or_own_csv_names_it(tmp_path: Path) -> None:
    tree = tmp_path / "tags"
    for word, n in (("metallic", 4), ("metalic", 1), ("wood", 3)):
        _files(tree / word, [f"{word}{i}.wav" for i in range(n)])
    said = slips_warning(load_sources([tree]))
    assert f"'metalic' (1, folder {tree / 'metalic'}/)" in said and "rename the folder" in said, said
    assert "rename-word" not in said
    csv = tmp_path / "own.csv"
    _files(tmp_path / "lib", [f"m{i}.wav" for i in range(6)])
    csv.write_text("".join(f"lib/m{i}.wav,{'metallic' if i else 'metalic'}\n" for i in range(6)))
    said = slips_warning(load_sources([csv]))
    assert f"'metalic' (1, {csv}: line 1)" in said and "fix those lines of the CSV" in said, said
