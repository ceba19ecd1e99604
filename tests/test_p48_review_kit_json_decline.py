"""`hatbox box-kit --from LIB --json` answered no to "replace the whole kit?" (p48 review): it printed "the kit was not
replaced" on stdout, where a script reads JSON, and exited 0.  Now stdout holds nothing, the line goes to stderr
(with the question), the exit code is 1, and the kit is as it was; without --json it is as before."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.test_p48_kit_box import hit_bytes, paired  # noqa: F401 - the paired box fixture


def two_libraries(tmp_path: Path) -> None:
    """A box with libraries "drums" and "more" (a kick each, tagged kick) and a kit made of "drums"."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    for name, hz in (("drums", 60.0), ("more", 70.0)):
        (tmp_path / name / "kick").mkdir(parents=True)
        (tmp_path / name / "kick" / "k.wav").write_bytes(hit_bytes(hz))
        assert main(["push-library", str(tmp_path / name), "--wait", "--quiet"]) == 0
        assert main(["box-library", name, "--fix", "kick/k.wav", "kick"]) == 0
    assert main(["box-kit", "--from", "drums", "--yes"]) == 0


def answer(word: str) -> Callable[[str], str]:
    """An ``input`` that writes its question to stdout (as input() does) and answers ``word``."""
    def typed(question: str = "") -> str:
        print(question, end="")
        return word
    return typed


def kit_libraries(capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    assert main(["box-kit", "--json"]) == 0
    return {n["library_name"] for n in json.loads(capsys.readouterr().out)["notes"]}


def test_from_json_answered_no_prints_no_json_and_exits_1(tmp_path: Path, paired: None,  # noqa: F811
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    two_libraries(tmp_path)
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", answer("n"))
    assert main(["box-kit", "--from", "more", "--json"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert "replace the whole kit?" in said.err and "the kit was not replaced" in said.err
    assert kit_libraries(capsys) == {"drums"}
    assert main(["box-kit", "--from", "more"]) == 0                    # without --json: as before, on stdout
    assert "the kit was not replaced" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", answer("y"))     # answered yes: the JSON, exit 0
    assert main(["box-kit", "--from", "more", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert {n["library_name"] for n in made["notes"]} == {"more"} and "empty_drum_notes" in made
