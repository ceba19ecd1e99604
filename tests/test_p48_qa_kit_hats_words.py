"""Forty-eighth stop's regression QA of kits from tags (L2): GMRockKit's ``HatSemiOpen-Hardest.wav`` took the open
hi-hat note 46 (its name says "open") while ``HatOpen-Hard.wav``, tagged hihat too, played on no note; and
`box-kit --from` ended with the example ``--map 37 kit/Sidestick.wav`` in a kit whose 37 played.  A semi-open (or
half-open) hat now goes to 46 only where no plain open hat is there, and the example names the first empty note."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from device.kit import kit_from_tags
from device.kit_families import FAMILIES, fill, placing
from hatbox.cli import main
from hatbox.cmd_kit import empty_lines
from tests.api.conftest import start_remote_box
from tests.api.packs import tagger_pack
from tests.test_p48_kit_box import hit_bytes

HIHAT = FAMILIES["hihat"]
ROCK_HATS = ["HatSemiOpen-Softest.wav", "HatSemiOpen-Hardest.wav", "HatClosed-Med.wav", "HatOpen-Hard.wav",
             "HatClosed-Hardest.wav", "HatPedal-Hardest.wav", "HatOpen-Hardest.wav"]   # the tagger's order, about


def _kit(files: list[str], level: dict[str, float] | None = None) -> dict[int, str]:
    kit = kit_from_tags("rock", {"hihat": len(files)}, lambda tag, k: files[:k], families=True,
                        level=(lambda f: (level or {}).get(f, -6.0)))
    return {n: e.file for n, e in kit.items()}


def test_the_plain_open_hat_takes_46_before_a_semi_open_one_listed_first() -> None:
    level = {f: (0.0 if "Hardest" in f else -6.0) for f in ROCK_HATS}
    kit = _kit(ROCK_HATS, level)
    assert kit == {42: "HatClosed-Hardest.wav", 46: "HatOpen-Hardest.wav", 44: "HatPedal-Hardest.wav"}
    assert "HatSemiOpen-Hardest.wav" not in kit.values()          # not on 42 or 44 either: it is no closed hat


@pytest.mark.parametrize("name", ["HatSemiOpen-Hardest.wav", "hh/HalfOpen.wav", "hh/semiopenhat.wav",
                                  "HH half-open.wav", "Half Open/01.wav", "hats/hh_semi.wav", "HH halfopen 2.wav"])
def test_a_name_saying_semi_or_half_open_is_a_second_choice_for_46(name: str) -> None:
    assert placing(HIHAT, name) == ((46,), True)
    assert fill(HIHAT, [name, "hh/open_hat.wav"], lambda n: True)[46] == "hh/open_hat.wav"
    assert fill(HIHAT, [name, "OH.wav"], lambda n: True) == {46: "OH.wav"}     # and it goes to no other note
    alone = fill(HIHAT, [name, "hh/x.wav", "hh/y.wav"], lambda n: True)
    assert alone == {42: "hh/x.wav", 46: name, 44: "hh/y.wav"}    # no plain open hat: it stands in on 46


def test_plain_hat_names_keep_their_notes() -> None:
    assert placing(HIHAT, "HatOpen-Hard.wav") == ((46,), False) and placing(HIHAT, "OH.wav") == ((46,), False)
    assert placing(HIHAT, "HH_pedal.wav") == ((44,), False) and placing(HIHAT, "closed.wav") == ((42,), False)
    assert placing(HIHAT, "halftime/hat.wav") == ((), False)      # a word that only begins with "half"
    assert placing(FAMILIES["cymbal"], "Half Crash.wav") == ((49, 57), False)   # only the hats have a second choice


def _answer(notes: dict[int, str], library: str = "rock") -> dict[str, object]:
    return {"notes": [{"note": n, "file": f, "library": library} for n, f in notes.items()]}


def test_the_empty_notes_example_names_the_first_empty_note_and_no_made_up_file() -> None:
    kit = _answer({35: "Kick-Soft.wav", 36: "Kick.wav", 37: "SideStick-Med.wav", 38: "Snare.wav"})
    lines = empty_lines(kit, "rock")
    assert lines[0].split("empty: ")[1].startswith("39 clap, 40 snare 2 (rim), 41 low floor tom")
    assert "--map 39 FILE" in lines[1] and "--map 37" not in lines[1] and "Sidestick" not in lines[1]
    assert "--library rock" in lines[1] and "hatbox box-library rock --tag TAG" in lines[1]
    assert "e.g. --map 35 FILE" in empty_lines(_answer({36: "Kick.wav"}))[1]
    assert empty_lines(_answer({n: f"{n}.wav" for n in range(35, 60)})) == []


def test_the_example_names_a_library_only_when_given_one() -> None:
    assert "--library 'lib 2'" in empty_lines(_answer({36: "k.wav"}, "lib 2"), "lib 2")[1]
    mixed = {"notes": [{"note": 36, "file": "k.wav", "library": "a"}, {"note": 38, "file": "s.wav", "library": "b"}]}
    line = empty_lines(mixed, None)[1]
    assert "--library" not in line and "hatbox box-library LIBRARY --tag TAG" in line


@pytest.fixture
def paired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    running, codes, _control, _app = start_remote_box(tmp_path, monkeypatch)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        yield
    finally:
        running.stop()


def _pushed(tmp_path: Path, name: str, files: dict[str, float]) -> None:
    """Library ``name`` on the box: ``files`` (path -> Hz of a hit) pushed, each tagged with its first folder."""
    for rel, hz in files.items():
        (tmp_path / name / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name / rel).write_bytes(hit_bytes(hz))
    assert main(["push-library", str(tmp_path / name), "--wait", "--quiet"]) == 0
    for rel in files:
        assert main(["box-library", name, "--fix", rel, rel.split("/")[0]]) == 0


def test_box_kit_from_names_the_library_it_made_the_kit_of_in_its_example(
        tmp_path: Path, paired: None, capsys: pytest.CaptureFixture[str]) -> None:
    """`box-kit --from drums` with two libraries on the box: the example for the empty drum notes names drums by its
    id (so --map finds the file there), and the first empty note."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    _pushed(tmp_path, "drums", {"kick/k.wav": 60.0, "snare/s.wav": 200.0})
    _pushed(tmp_path, "loops", {"kick/boom.wav": 70.0})
    capsys.readouterr()
    assert main(["box-library", "--json"]) == 0
    ids = {lib["name"]: lib["id"] for lib in json.loads(capsys.readouterr().out)}
    assert main(["box-kit", "--from", "drums"]) == 0
    out = capsys.readouterr().out
    example = next(line for line in out.splitlines() if "set one by hand" in line)
    assert f"--map NOTE FILE --library {ids['drums']} (e.g. --map 35 FILE" in example
    assert f"hatbox box-library {ids['drums']} --tag TAG" in example and ids["loops"] not in out
