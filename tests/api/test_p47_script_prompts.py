"""p47 G4, finding 3: questions went to stdout, the data a script reads: `pair URL` without --code ("pairing code
shown on the box: "), `box-pack ID --delete` and `box-library LIB --delete` ("... [y/N] ", and the line before it on
how to keep the corrections).  They go to stderr now (hatbox.ask); with nobody to answer, stdout stays empty."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import paired_server, start_remote_box  # noqa: F401 - the fixture
from tests.api.test_box_pack_p19f import _installed, _two_packs
from tests.tagger.test_p46_db_failed_library_words import _tagged_library


def _nobody_answers(monkeypatch: pytest.MonkeyPatch, typed: str = "") -> None:
    """stdin as cron gives it (closed: EOF at once), or with ``typed`` waiting in it."""
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))


def test_pair_without_a_code_asks_on_stderr_and_prints_nothing_on_stdout(tmp_path: Path, monkeypatch, capsys) -> None:
    running, codes, _control, _app = start_remote_box(tmp_path, monkeypatch)
    try:
        _nobody_answers(monkeypatch)
        assert main(["pair", running.url, "--name", "cron"]) == 2
        out, err = capsys.readouterr()
        assert out == ""                                             # was: "pairing code shown on the box: \n"
        assert err.startswith("pairing code shown on the box: \nhatbox: error: no pairing code given"), err
        _nobody_answers(monkeypatch, codes[-1] + "\n")                # typed: paired, the question still on stderr
        assert main(["pair", running.url, "--name", "typed"]) == 0
        out, err = capsys.readouterr()
        assert out.startswith("paired with hatbox at ") and "pairing code shown" not in out
        assert "pairing code shown on the box: " in err
    finally:
        running.stop()


def test_box_pack_delete_asks_on_stderr(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    old, new = _two_packs(tmp_path, paired_server.app)
    capsys.readouterr()
    _nobody_answers(monkeypatch)
    assert main(["box-pack", old, "--delete"]) == 2
    out, err = capsys.readouterr()
    assert out == ""                                                 # was: "delete pack ... [y/N] \n"
    assert f"delete pack {old} " in err and "? [y/N] \nhatbox: error: " in err and "--yes" in err
    _nobody_answers(monkeypatch, "y\n")
    assert main(["box-pack", old, "--delete"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"deleted pack {old}") and "[y/N]" not in out and "[y/N]" in err
    assert _installed(paired_server.app) == [new]


def test_box_library_delete_asks_on_stderr_with_the_line_before_it(tmp_path: Path, paired_server, monkeypatch,
                                                                    capsys) -> None:
    lid = _tagged_library(tmp_path, paired_server)                   # a corrected file: the "to keep" line first
    capsys.readouterr()
    _nobody_answers(monkeypatch)
    assert main(["box-library", lid, "--delete"]) == 2
    out, err = capsys.readouterr()
    assert out == ""                                                 # was: the line and the question
    assert err.index("to keep the corrections, first: hatbox box-library") < err.index("[y/N] \nhatbox: error: ")
    assert paired_server.app.state.box.libraries.get(lid) is not None
    _nobody_answers(monkeypatch, "n\n")
    assert main(["box-library", lid, "--delete"]) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith("was not deleted") and "[y/N]" not in out and "--export-fixes" not in out
