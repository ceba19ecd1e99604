"""p46 review of push-library's new checks: a --fixes CSV is read by the tagger's own CSV reader (trainer.csvrows)
and its tags checked before a byte is sent (a row ``808/kicks/k0.wav,kick/snare`` uploaded the library, then
failed "did not reach it"); the "did not reach it" hint repeats --fixes FILE; the delete question's keep line names
--folder FOLDER and "any corrections of files not tagged yet"."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox import cmd_box_library
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import paired_server, spy_uploads  # noqa: F401 - the fixture


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "Samples" / "808" / "kicks"
    kit.mkdir(parents=True)
    for i in range(2):
        sf.write(kit / f"k{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return kit.parent


def test_a_tag_no_pack_can_hold_is_refused_before_the_library_is_sent(tmp_path, paired_server, monkeypatch,
                                                                      capsys) -> None:
    lib = _folder(tmp_path)
    fixes = tmp_path / "Samples" / "fixes.csv"
    fixes.write_text("path,tags\n808/kicks/k0.wav,kick/snare\n")
    sent = spy_uploads(monkeypatch, cmd_box_library)
    assert main(["push-library", str(lib), "--fixes", str(fixes), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"--fixes {fixes}: 1 tag not allowed: 'kick/snare'" in err and "nothing was sent" in err, err
    assert f"--fixes {fixes} again" in " ".join(err.split()), err
    assert sent == [] and paired_server.app.state.box.libraries.list() == []


def test_the_csv_is_read_by_the_tagger_rules(tmp_path) -> None:
    """A ``file,tags`` header is a header (not a correction of a file named ``file``), tags stripped."""
    from hatbox.fixes_given import csv_corrections
    lib = _folder(tmp_path)
    fixes = tmp_path / "Samples" / "fixes.csv"
    fixes.write_text("file,tags\n808/kicks/k0.wav, Kick \n")
    found = csv_corrections(fixes, "fixes.csv")
    assert found == {lib / "kicks" / "k0.wav": ["Kick"]}, found


def test_a_stray_quote_is_refused_not_read_as_one_tag(tmp_path) -> None:
    from hatbox.fixes_given import csv_corrections
    _folder(tmp_path)
    fixes = tmp_path / "Samples" / "fixes.csv"
    fixes.write_text('path,tags\n808/kicks/k0.wav,"kick\n808/kicks/k1.wav,snare\n')
    with pytest.raises(HatboxError) as caught:
        csv_corrections(fixes, "fixes.csv")
    assert 'line 2: a quote (") opens here' in str(caught.value), caught.value


def test_the_not_sent_hint_repeats_the_fixes_file(tmp_path) -> None:
    from hatbox.library_fixes import not_sent
    err = not_sent(HatboxError("the box did not answer"), "lib1", 2, "fixes.csv", tmp_path / "808")
    assert f"hatbox push-library {tmp_path / '808'} --fixes fixes.csv" in err.hint, err.hint


def test_the_keep_line_names_the_folder_and_the_count_words(monkeypatch) -> None:
    from hatbox import library_delete
    said = library_delete.keep_fixes_words("lib1", "its tags and your corrections of 2 files")
    assert "--export-fixes FILE.csv --folder FOLDER" in said, said
    monkeypatch.setattr(library_delete, "tags_and_fixes", lambda client, lib: "your corrections of 1 file")
    words = library_delete.fixes_words_of(None, {"state": "failed"})
    assert words == "your corrections of 1 file, and any corrections of files not tagged yet", words
