"""A newcomer at the command line (p50 QA "newcomer"): a Ctrl-C before the command ran, a ``~`` left in quotes, a
suffix left off, a space at an end of a name, a name with spaces not quoted.  Every path argument of the laptop's
commands is read alike (hatbox.path_args); each error that names a path nearly right says why (hatbox.path_hints)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox import cli
from hatbox.cli import build_parser, main
from hatbox.path_args import LOCAL_PATHS, commands
from hatbox.path_hints import missing_hint


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder (HOME) holding Music/Samples, "My Words", my-tagger.hatpack and lib.db; the working folder."""
    (tmp_path / "Music" / "Samples").mkdir(parents=True)
    (tmp_path / "My Words").mkdir()
    (tmp_path / "my-tagger.hatpack").write_bytes(b"")
    (tmp_path / "lib.db").write_bytes(b"")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ----------------------------------------------------------------------------------- 1: Ctrl-C while parsing
@pytest.mark.parametrize("where", ["build_parser", "check_options"])
def test_ctrl_c_before_the_command_runs_is_one_line_exit_130(monkeypatch: pytest.MonkeyPatch, capsys,
                                                              where: str) -> None:
    def ctrl_c(*_a: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, where, ctrl_c)
    assert main(["status"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "hatbox: interrupted\n" and captured.out == ""


# ----------------------------------------------------------------------------------- 2: ~ inside quotes
def test_every_listed_path_argument_exists_and_has_the_path_type() -> None:
    found = dict(commands(build_parser()))
    for words, dests in LOCAL_PATHS.items():
        assert words in found, words
        actions = {a.dest: a for a in found[words]._actions}
        for dest in dests:
            assert getattr(actions[dest].type, "local_path", False), (words, dest)


@pytest.mark.parametrize("argv, dest, want", [
    (["tag", "~/Music/Samples", "--pack", "~/my-tagger.hatpack"], "library", "Music/Samples"),
    (["tag", "~/Music/Samples", "--pack", "~/my-tagger.hatpack"], "pack", "my-tagger.hatpack"),
    (["library", "fix", "~/lib.db", "~/Music/Samples/k.wav", "kick"], "db", "lib.db"),
    (["library", "fix", "~/lib.db", "~/Music/Samples/k.wav", "kick"], "file", "Music/Samples/k.wav"),
    (["push", "~/my-tagger.hatpack"], "pack", "my-tagger.hatpack"),
    (["render", "~/my-tagger.hatpack", "--input=~/in.wav", "--out", "~/o.wav"], "input", "in.wav"),
    (["device", "run", "--store", "~/box"], "store", "box"),
])
def test_a_tilde_left_in_quotes_is_the_home_folder(home: Path, argv: list[str], dest: str, want: str) -> None:
    args = build_parser().parse_args(argv)
    assert str(getattr(args, dest)) == str(home / want)


def test_a_path_that_exists_as_written_is_kept(home: Path) -> None:
    (home / "~").mkdir()
    (home / "~" / "x.hatpack").write_bytes(b"")
    assert build_parser().parse_args(["push", "~/x.hatpack"]).pack == "~/x.hatpack"


def test_tag_finds_the_library_a_quoted_tilde_names(home: Path, capsys) -> None:
    assert main(["tag", "~/Music/Samples", "--pack", "~/nothere.hatpack"]) == 2
    err = capsys.readouterr().err
    assert "~/Music/Samples" not in err and "nothere.hatpack" in err       # the library was found: the pack is not


# ----------------------------------------------------------------------------------- 3: a suffix, a space at an end
@pytest.mark.parametrize("argv", [["pack", "inspect", "my-tagger"], ["push", "my-tagger"],
                                  ["tag", "Music/Samples", "--pack", "my-tagger"]])
def test_a_pack_named_without_its_suffix(home: Path, capsys, argv: list[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no pack at my-tagger" in err and "did you mean my-tagger.hatpack?" in err


def test_a_database_named_without_its_suffix(home: Path, capsys) -> None:
    assert main(["library", "query", "lib", "--tag", "kick"]) == 2
    assert "did you mean lib.db?" in capsys.readouterr().err


@pytest.mark.parametrize("typed, where", [("my-tagger.hatpack ", "ends"), (" my-tagger.hatpack", "starts")])
def test_a_space_at_an_end_of_the_name(home: Path, capsys, typed: str, where: str) -> None:
    assert main(["pack", "inspect", typed]) == 2
    err = capsys.readouterr().err
    assert f"{where} with a space: my-tagger.hatpack exists" in err


def test_no_hint_when_nothing_is_nearly_there(home: Path, capsys) -> None:
    assert main(["pack", "inspect", "other"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" not in err and "space" not in err and "quotes" not in err


# ----------------------------------------------------------------------------------- 4: spaces not quoted
def test_the_next_words_that_complete_the_name_say_quote_it(home: Path) -> None:
    words = ["train", "tagger", str(home / "My"), "Words", "--out", "x.hatpack"]
    assert missing_hint(str(home / "My"), words) == 'put it in quotes: "~/My Words" (a name with spaces is cut at a ' \
                                                   'space without them)'


def test_train_tagger_on_a_name_with_spaces_not_quoted(home: Path, capsys) -> None:
    assert main(["train", "tagger", str(home / "My"), "Words", "--out", "x.hatpack"]) == 2
    assert 'put it in quotes: "~/My Words"' in capsys.readouterr().err


def test_without_the_words_a_name_in_the_folder_that_starts_so(home: Path) -> None:
    assert missing_hint(str(home / "My")) == 'a name with spaces needs quotes: "~/My Words"'


# ----------------------------------------------------------------------------------- 6: README's "Using it"
def test_using_it_says_first_to_activate_the_virtual_environment() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Using it", 1)[1].split("```bash\n", 1)[1]
    first = block.splitlines()[0]
    assert first.startswith("source .venv/bin/activate") and "command not found" in first
