"""p49 F8 from the laptop: `box-library ID --fix PATH --none`, `--export-fixes` writing it as ``path,``,
`--rename-word` / `--drop-word` on the box's library, push-library sending "none of my words" to a box that keeps it
(and holding it back, in one line, from an older box), and the tagging summary naming words the tagger lacks."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

from device.api.library_fixes import listed_fixes
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


@pytest.fixture
def box(paired_server: PairedServer, tmp_path: Path) -> Iterator[PairedServer]:
    """The paired box with a tagger pack (words kick, snare) active."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    yield paired_server
    libraries = paired_server.app.state.box.libraries
    for lib in libraries.list():
        libraries.cancel(lib["id"])
        libraries.wait(lib["id"], 20)


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "Samples"
    (root / "kit").mkdir(parents=True)
    for i, n in enumerate((4800, 7200, 9600)):
        sf.write(root / "kit" / f"s{i}.wav", np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    return root


def _pushed(box: PairedServer, capsys: Any, folder: Path, *more: str) -> tuple[str, str]:
    rc, _out, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet", *more)
    assert rc == 0, err
    (lib,) = box.app.state.box.libraries.list()
    return str(lib["id"]), err


def _box_fixes(box: PairedServer, lid: str) -> dict[str, list[str]]:
    folder = box.app.state.box.libraries.root / lid
    return {f["path"]: f["tags"] for f in listed_fixes(folder, folder / "tags.db")}


def test_fix_none_on_the_box_and_export_it_as_an_empty_tag(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    folder = _folder(tmp_path)
    lid, _ = _pushed(box, capsys, folder, "--no-fixes")
    rc, out, err = _run(capsys, "box-library", lid, "--fix", "kit/s0.wav", "--none")
    assert rc == 0, err
    assert out.startswith("kit/s0.wav: none of your words")
    rc, _out, err = _run(capsys, "box-library", lid, "--fix", "kit/s1.wav", "kick", "--none")
    assert rc != 0 and "--none goes with --fix PATH alone" in err
    assert _run(capsys, "box-library", lid, "--fix", "kit/s1.wav", "tom")[0] == 0
    out_csv = tmp_path / "fixes.csv"
    rc, out, err = _run(capsys, "box-library", lid, "--export-fixes", str(out_csv), "--folder", str(folder))
    assert rc == 0, err
    assert "1 of them carries none of your words" in out
    with out_csv.open(newline="", encoding="utf-8") as fh:
        rows = {Path(r[0]).name: r[1:] for r in csv.reader(fh) if r and not r[0].startswith("#")}
    assert rows["s0.wav"] == [""] and rows["s1.wav"] == ["tom"]               # `path,`: none of the words
    assert "Samples/kit/s0.wav,\n" in out_csv.read_text(encoding="utf-8").replace("\r\n", "\n")


def test_rename_and_drop_a_word_on_the_box(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    lid, _ = _pushed(box, capsys, _folder(tmp_path), "--no-fixes")
    for path, tags in (("kit/s0.wav", ["dusty"]), ("kit/s1.wav", ["dusty", "kick"]), ("kit/s2.wav", ["glitch"])):
        assert _run(capsys, "box-library", lid, "--fix", path, *tags)[0] == 0
    rc, out, err = _run(capsys, "box-library", lid, "--rename-word", "dusty", "lofi")
    assert rc == 0, err
    assert out.startswith(f"renamed 'dusty' to 'lofi' in the corrections of 2 files (library {lid})")
    assert "`hatbox library fix DB --rename-word dusty lofi`" in out
    rc, out, err = _run(capsys, "box-library", lid, "--drop-word", "glitch")
    assert rc == 0, err
    assert "dropped 'glitch' from the corrections of 1 file" in out and "    kit/s2.wav" in out
    assert "the tagger's tags stand again" in out
    assert _box_fixes(box, lid) == {"kit/s0.wav": ["lofi"], "kit/s1.wav": ["kick", "lofi"]}
    rc, _out, err = _run(capsys, "box-library", lid, "--drop-word", "nope")
    assert rc != 0 and "no correction of this library uses the word 'nope'" in err and "kick, lofi" in err


def test_the_tagging_summary_names_words_the_tagger_lacks(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    lid, _ = _pushed(box, capsys, _folder(tmp_path), "--no-fixes")
    assert _run(capsys, "box-library", lid, "--fix", "kit/s0.wav", "dusty")[0] == 0
    rc, out, err = _run(capsys, "box-library", lid, "--retag", "--wait", "--quiet")
    assert rc == 0, err
    note = next(line for line in out.splitlines() if "words this tagger does not have" in line)
    assert "note: 1 of your corrections on the box uses words this tagger does not have: dusty (1)" in note
    assert "(its words: kick, snare)" in note and f"hatbox box-library {lid} --rename-word dusty NEW" in note


def _laptop_db(tmp_path: Path, folder: Path, capsys: Any) -> None:
    """The folder tagged on the laptop (its own database) with kit/s0.wav none of the words, kit/s1.wav tom."""
    assert _run(capsys, "tag", str(folder), "--pack", str(tmp_path / "t.hatpack"))[0] == 0
    db = str(folder / ".hatbox-tags.sqlite")
    assert _run(capsys, "library", "fix", db, "kit/s0.wav", "--none")[0] == 0
    assert _run(capsys, "library", "fix", db, "kit/s1.wav", "tom")[0] == 0


def test_push_library_sends_none_of_my_words_to_a_box_that_keeps_it(box: PairedServer, tmp_path: Path,
                                                                     capsys: Any) -> None:
    folder = _folder(tmp_path)
    _laptop_db(tmp_path, folder, capsys)
    lid, err = _pushed(box, capsys, folder)
    assert "not sent" not in err
    assert _box_fixes(box, lid) == {"kit/s0.wav": [""], "kit/s1.wav": ["tom"]}


def test_an_older_box_gets_the_others_and_the_laptop_says_so(box: PairedServer, tmp_path: Path, capsys: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from device.library import fixes
    monkeypatch.setattr(fixes, "is_none", lambda tags: False)      # the box's checks as before p49 F8
    folder = _folder(tmp_path)
    _laptop_db(tmp_path, folder, capsys)
    lid, err = _pushed(box, capsys, folder)
    assert "note: 1 correction in " in err and "this box (an older hatbox) does not keep such a correction yet" in err
    assert _box_fixes(box, lid) == {"kit/s1.wav": ["tom"]}
    rc, _out, err = _run(capsys, "box-library", lid, "--fix", "kit/s2.wav", "--none")
    assert rc != 0 and "this box runs an older hatbox: it cannot keep a correction to none of the words" in err
