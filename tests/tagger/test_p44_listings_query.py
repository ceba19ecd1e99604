"""p44 QA "the terminal, for everyone", the laptop's `hatbox library query`: its --json is valid JSON and its listing
prints (names escaped, no UnicodeEncodeError) under a C locale; a listing's footer and its "nothing" sentence go to
stderr when stdout is not a terminal (on a terminal they stay under the rows)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from device import library
from hatbox.cli import main

NAME = "Gro\u00dfe Trommel \u00dcberl\u00e4nge \U0001f941.wav"


def _db(library_dir: Path, small_pack: Path, tmp_path: Path) -> Path:
    shutil.copy(library_dir / "kicks" / "k1.wav", library_dir / "kicks" / NAME)
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    for name in ("kicks/k1.wav", "kicks/k2.flac", f"kicks/{NAME}"):
        library.set_tags(db, name, ["boom"])
    for name in ("kicks/k3.aiff", "hats/h1.wav", "hats/deep/h2.ogg"):      # no file keeps the tagger's tags
        library.set_tags(db, name, ["zap"])
    return db


def _query_in_c_locale(db: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING", "PYTHONUTF8"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0")
    return subprocess.run([sys.executable, "-m", "hatbox", "library", "query", str(db), *options], env=env,
                          capture_output=True, timeout=60)


def test_query_prints_and_its_json_parses_in_a_c_locale(library_dir, small_pack, tmp_path):
    """Before: the listing ended in "internal error: UnicodeEncodeError"; --json held a Python escape (invalid
    JSON) where the locale could not hold the name."""
    db = _db(library_dir, small_pack, tmp_path)
    got = _query_in_c_locale(db, "--tag", "boom", "--json")
    assert got.returncode == 0, got.stderr
    paths = [hit["path"] for hit in json.loads(got.stdout.decode("ascii"))]
    assert str((library_dir / "kicks" / NAME).resolve()) in paths
    got = _query_in_c_locale(db, "--tag", "boom", "-k", "5")
    assert got.returncode == 0 and b"internal error" not in got.stderr, got.stderr
    rows = got.stdout.decode("ascii").splitlines()
    assert len(rows) == 3 and any("Trommel" in row and "\\" in row for row in rows)


def test_footers_and_nothing_lines_go_to_stderr_when_piped(library_dir, small_pack, tmp_path, capsys):
    db = _db(library_dir, small_pack, tmp_path)
    capsys.readouterr()
    assert main(["library", "query", str(db), "--tag", "boom", "-k", "2"]) == 0
    got = capsys.readouterr()
    assert len(got.out.splitlines()) == 2 and all(line.split()[0] == "yours" for line in got.out.splitlines())
    assert "... the first 2 of 3: -k 3 lists them all" in got.err
    assert main(["library", "query", str(db), "--tag", "kick"]) == 0
    got = capsys.readouterr()
    assert got.out == "" and "no file carries 'kick' (the library's tags: boom, zap)" in got.err
    assert main(["library", "query", str(db), "--untagged"]) == 0
    got = capsys.readouterr()
    assert got.out == "" and "every file the tagger heard carries a tag" in got.err


def test_footers_stay_on_stdout_at_a_terminal(library_dir, small_pack, tmp_path, capsys, monkeypatch):
    db = _db(library_dir, small_pack, tmp_path)
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["library", "query", str(db), "--tag", "boom", "-k", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].lstrip().startswith("score") and out[-1] == "... the first 2 of 3: -k 3 lists them all"
