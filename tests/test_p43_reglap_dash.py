"""p43 regression QA, item 3: the hint for a value that starts with a dash advises what argparse takes there:
./NAME only for a file among an option's several values (``--map=`` takes one value), a space before a tag among
them (tags are stripped), ``-- -crash`` for a positional tag, the pack name rule for a trainer's --name; paths
quoted for a shell.  Each advice is parsed back with the real parser."""
from __future__ import annotations

import shlex

import pytest

from export.manifest import normal_tag, tag_problem
from hatbox.cli import build_parser, main


def _err(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_a_file_among_an_options_two_values_is_advised_dot_slash_only(capsys):
    err = _err(["box-kit", "--map", "C3", "-dash/-x.wav"], capsys)
    assert "write ./-dash/-x.wav" in err and "--map=" not in err
    assert build_parser().parse_args(["box-kit", "--map", "C3", "./-dash/-x.wav"]).map == ["C3", "./-dash/-x.wav"]


@pytest.mark.parametrize("before", [[], ["kick"]])
def test_a_tag_among_fix_values_is_advised_a_space_that_the_box_drops(capsys, before):
    err = _err(["box-library", "LIB", "--fix", "PATH", *before, "-snare"], capsys)
    assert "./-snare" not in err and "--fix=-snare would make it the PATH" in err and "' -snare'" in err
    fix = build_parser().parse_args(["box-library", "LIB", "--fix", "PATH", *before, " -snare"]).fix
    assert fix == ["PATH", *before, " -snare"]
    assert tag_problem(fix[-1]) is None and normal_tag(fix[-1]) == "-snare"      # what the box keeps


@pytest.mark.parametrize("before", [[], ["kick"]])
def test_a_positional_tag_is_advised_double_dash_and_no_dot_slash(capsys, tmp_path, before):
    db = str(tmp_path / "samples.db")
    err = _err(["library", "fix", db, "FILE", *before, "-crash"], capsys)
    assert "-- -crash" in err and "./-crash" not in err
    assert build_parser().parse_args(["library", "fix", db, "FILE", *before, "--", "-crash"]).tags == [*before,
                                                                                                       "-crash"]


def test_a_positional_file_keeps_dot_slash_or_double_dash(capsys, tmp_path):
    err = _err(["library", "fix", str(tmp_path / "samples.db"), "-dash/-x.wav", "TAG"], capsys)
    assert "write ./-dash/-x.wav or put -- before it" in err


def test_paths_in_the_hint_are_quoted_for_the_shell(capsys):
    name = "-dash/it's here.wav"
    err = _err(["box-kit", "--map", "C3", name], capsys)
    assert f"write {shlex.quote('./' + name)}" in err
    assert shlex.split(err.split("write ", 1)[1].strip()) == ["./" + name]


def test_a_trainers_name_with_a_dash_is_told_the_name_rule(capsys, tmp_path):
    err = _err(["train", "effect", str(tmp_path), "--out", str(tmp_path / "x.hatpack"), "--name", "-dash"], capsys)
    assert "--name=-dash" not in err and "./-dash" not in err
    assert "must start with a letter or digit" in err and "a pack name cannot start with -" in err


def test_a_single_value_option_takes_the_equals_form(capsys):
    err = _err(["box-library", "kit", "--tag", "-snare"], capsys)
    assert "--tag=-snare" in err and "./-snare" not in err
    assert build_parser().parse_args(["box-library", "kit", "--tag=-snare"]).tag == "-snare"
