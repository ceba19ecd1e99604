"""`hatbox tag` reads and hashes the pack once before a re-tag: hatbox.tag_run.retag_said hands the model id it
worked out to hatbox.retag_words.start_line (FR2 finding 5 of the fifty-fourth stop)."""
from pathlib import Path
from types import SimpleNamespace

import hatbox.retag_words as retag_words
from hatbox.tag_run import retag_said


def test_no_database_no_line_and_no_model(tmp_path: Path) -> None:
    assert retag_said(tmp_path / "none.sqlite", str(tmp_path / "none.hatpack")) == ("", "")


def test_start_line_given_the_model_reads_no_pack(tmp_path: Path, monkeypatch) -> None:
    import export.pack

    def no_read(*_a, **_k) -> None:
        raise AssertionError("the pack was read again")
    monkeypatch.setattr(export.pack, "read_pack", no_read)
    part = SimpleNamespace(done=3, total=6, model="m1", pack="new.hatpack", old="old.hatpack")
    monkeypatch.setattr(retag_words, "_retag", lambda db: part)
    going = retag_words.start_line(tmp_path / "t.sqlite", "tagging again", model="m1")
    assert going.startswith("going on with the re-tag with new.hatpack: 3 of 6 files were done")
    other = retag_words.start_line(tmp_path / "t.sqlite", "tagging again", model="m2")
    assert other.startswith("tagging again; ")
