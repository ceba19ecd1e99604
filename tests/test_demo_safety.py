"""hatbox demo's handling of the user's files, its arguments, Ctrl-C in a step and an unknown --kit.

The box itself is replaced by fakes (the real demo takes minutes); what runs is the demo's own logic through
`hatbox.cli.main`, as a user runs it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hatbox import cmd_demo
from hatbox.cli import build_parser, main


class _Engine:
    recording: dict[str, Any] = {}

    def stop(self) -> None:
        pass

    def check_recording(self) -> None:
        pass


class _Control:
    def status(self) -> dict[str, Any]:
        return {"load_mean": 0.0, "load_p999": 0.0, "xruns": 0, "peak_db": -90.0, "fault_count": 0, "active": {}}

    def send(self, msg: dict[str, Any]) -> None:
        pass


class _Api:
    url = "http://127.0.0.1:1"

    def stop(self) -> None:
        pass


@pytest.fixture()
def box(monkeypatch, tmp_path: Path) -> None:
    """Fake engine/API/panel (the steps run for real). Installed kits: Alpha, Beta Kit."""
    kits = tmp_path / "kits"
    for name in ("Alpha", "Beta Kit"):
        (kits / name).mkdir(parents=True)
    monkeypatch.setattr(cmd_demo, "KITS", kits)
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "unused-remote.json"))

    def start_box(home: Path, store: Path, seconds: float):
        store.mkdir(exist_ok=True)          # made and held by the demo before its box starts (p57 M3)
        for name in ("demo-in.wav", "demo-out.wav"):
            (home / name).write_text("demo")
        return _Engine(), _Control(), _Api(), ["123456"]

    monkeypatch.setattr(cmd_demo, "_start_box", start_box)
    monkeypatch.setattr(cmd_demo, "_panel", lambda *a: None)


@pytest.fixture()
def fake_box(box, monkeypatch) -> list[tuple[str, ...]]:
    """As ``box``, with the steps recorded (a list of argv tuples) instead of run."""
    steps: list[tuple[str, ...]] = []
    monkeypatch.setattr(cmd_demo, "_cli", lambda *argv: steps.append(argv))
    return steps


def _user_files(d: Path) -> dict[str, str]:
    """The user's own files in d, which the demo must leave exactly as they are."""
    files = {"store/song.txt": "x", "demo-in.wav": "mine-in", "demo-out.wav": "mine-out", "remote.json": "{}",
             "demo-summary.json": "mine"}
    for rel, text in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(text)
    return files


def test_users_files_in_out_are_never_removed_or_overwritten(fake_box, tmp_path: Path):
    d = tmp_path / "d"
    files = _user_files(d)
    for _ in range(2):                                   # the second run reuses the demo's own folder
        assert main(["demo", "--out", str(d), "--seconds", "0"]) == 0
        assert {rel: (d / rel).read_text() for rel in files} == files
    home = d / cmd_demo.FOLDER
    assert (home / cmd_demo.MARKER).is_file()
    assert (home / "demo-summary.json").is_file() and (home / "demo-out.wav").read_text() == "demo"


def test_a_rerun_removes_only_what_the_demo_made(fake_box, tmp_path: Path):
    d = tmp_path / "d"
    assert main(["demo", "--out", str(d), "--seconds", "0"]) == 0
    home = d / cmd_demo.FOLDER
    (home / "store" / "leftover").write_text("old run")
    (home / "my-notes.txt").write_text("mine")
    assert main(["demo", "--out", str(d), "--seconds", "0"]) == 0
    assert not (home / "store" / "leftover").exists()
    assert (home / "my-notes.txt").read_text() == "mine"


def test_a_folder_the_demo_did_not_make_is_refused_untouched(fake_box, tmp_path: Path, capsys):
    d = tmp_path / "d"
    files = _user_files(d / cmd_demo.FOLDER)             # e.g. the user's own "hatbox-demo" folder
    assert main(["demo", "--out", str(d), "--seconds", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hatbox: error: ") and "not made by `hatbox demo`" in err
    assert {rel: (d / cmd_demo.FOLDER / rel).read_text() for rel in files} == files
    assert not (d / cmd_demo.FOLDER / cmd_demo.MARKER).exists()
    assert fake_box == []                                # nothing started


def test_a_folder_of_the_earlier_unmarked_demo_is_taken_over(fake_box, tmp_path: Path):
    home = tmp_path / cmd_demo.FOLDER                    # what `hatbox demo` wrote before it marked its folder
    (home / "store" / "packs").mkdir(parents=True)
    (home / "demo-summary.json").write_text(json.dumps({"output_wav": str(home / "demo-out.wav")}))
    assert main(["demo", "--out", str(tmp_path), "--seconds", "0"]) == 0
    assert (home / cmd_demo.MARKER).is_file() and not (home / "store" / "packs").exists()


def test_an_earlier_demo_folder_with_other_files_is_refused(fake_box, tmp_path: Path):
    home = tmp_path / cmd_demo.FOLDER
    home.mkdir()
    (home / "demo-summary.json").write_text(json.dumps({"output_wav": str(home / "demo-out.wav")}))
    (home / "thesis.tex").write_text("mine")
    assert main(["demo", "--out", str(tmp_path), "--seconds", "0"]) == 2
    assert (home / "thesis.tex").read_text() == "mine" and fake_box == []


@pytest.mark.parametrize("seconds", ["-20", "nan", "inf", "1e6", "-0.5", "ten"])
def test_bad_seconds_are_refused_at_parsing(seconds: str, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["demo", "--seconds", seconds])
    assert exc.value.code == 2
    assert "--seconds" in capsys.readouterr().err


@pytest.mark.parametrize("seconds", ["0", "16", "600"])
def test_sane_seconds_are_accepted(seconds: str):
    assert build_parser().parse_args(["demo", "--seconds", seconds]).seconds == float(seconds)


def test_ctrl_c_in_a_step_ends_the_demo_as_one_interrupt(box, monkeypatch, tmp_path: Path, capsys):
    import hatbox.cmd_remote as remote

    def pair_interrupted(args: Any) -> int:
        raise KeyboardInterrupt                          # Ctrl-C while `hatbox pair` runs inside the demo

    monkeypatch.setattr(remote, "pair", pair_interrupted)
    assert main(["demo", "--out", str(tmp_path / "d"), "--seconds", "0"]) == 130
    assert capsys.readouterr().err == "hatbox: interrupted\n"


def test_a_failing_step_keeps_its_own_message(box, monkeypatch, tmp_path: Path, capsys):
    import hatbox.cmd_remote as remote
    from hatbox.errors import HatboxError

    def pair_refused(args: Any) -> int:
        raise HatboxError("the box refused: wrong code", hint="look at the panel")

    monkeypatch.setattr(remote, "pair", pair_refused)
    assert main(["demo", "--out", str(tmp_path / "d"), "--seconds", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("hatbox: error: ") == 1 and "the box refused: wrong code" in err and "look at the panel" in err


def test_an_unknown_kit_lists_the_installed_ones_before_anything_starts(fake_box, tmp_path: Path, capsys):
    d = tmp_path / "d"
    assert main(["demo", "--out", str(d), "--seconds", "0", "--kit", "Typo"]) == 2
    err = capsys.readouterr().err
    assert "no drum kit 'Typo'" in err and "Alpha, Beta Kit" in err and "hydrogen-drumkits" not in err
    assert fake_box == [] and not d.exists()             # nothing started, nothing made


def test_an_unknown_kit_without_kits_installed_says_to_install_them(fake_box, monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setattr(cmd_demo, "KITS", tmp_path / "none")
    assert main(["demo", "--out", str(tmp_path / "d"), "--seconds", "0", "--kit", "Typo"]) == 2
    assert "install Debian's hydrogen-drumkits" in capsys.readouterr().err


def test_a_named_installed_kit_is_uploaded(fake_box, tmp_path: Path):
    assert main(["demo", "--out", str(tmp_path / "d"), "--seconds", "0", "--kit", "Beta Kit"]) == 0
    assert fake_box[-2][:2] == ("push-library", str(tmp_path / "kits" / "Beta Kit"))
    assert fake_box[-2][fake_box[-2].index("--name") + 1] == "Beta_Kit"
    assert fake_box[-1] == ("box-kit", "--from", "Beta_Kit", "--yes")       # then a kit of it, played in the demo
