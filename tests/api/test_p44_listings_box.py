"""p44 QA "the terminal, for everyone", the box's listings: `box-pack --json` and `box-library ... --json` print the
box's own answer for scripts; a listing's footer (``... the first 1 of 2``) and its "nothing" sentence go to stderr
when stdout is not a terminal, so a `while read` loop gets rows only; `box-library LIB` lists its tags by count, then
name, as `library query DB` does."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


def _tagged_library(tmp_path: Path, paired_server: PairedServer) -> str:
    """A library of three hits on the box, tagged by the producer: two "zap", one "alpha"; its id."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    folder = tmp_path / "kit"
    folder.mkdir()
    t = np.arange(12000) / 48000
    for i in range(3):
        sf.write(folder / f"hit {i}.wav", 0.5 * np.exp(-t * 30) * np.sin(2 * np.pi * (60 + 40 * i) * t), 48000)
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    for i, tag in enumerate(("zap", "zap", "alpha")):
        assert main(["box-library", lid, "--fix", f"hit {i}.wav", tag]) == 0
    return lid


def test_box_pack_json_is_the_boxs_answer(tmp_path, paired_server, capsys):
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-pack", "--json")
    packs = json.loads(out)
    assert rc == 0 and [p["kind"] for p in packs] == ["tagger"] and packs[0]["active"] is True
    rc, out, _ = _run(capsys, "box-pack", packs[0]["id"], "--json")
    one = json.loads(out)
    assert rc == 0 and one["id"] == packs[0]["id"] and isinstance(one["checks"], list)
    rc, out, err = _run(capsys, "box-pack", packs[0]["id"], "--delete", "--json")
    assert rc != 0 and out == "" and "--json goes with the listing" in err


def test_box_library_json_answers(tmp_path, paired_server, capsys):
    lid = _tagged_library(tmp_path, paired_server)
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-library", "--json")
    assert rc == 0 and [lib["id"] for lib in json.loads(out)] == [lid]
    rc, out, _ = _run(capsys, "box-library", lid, "--json")
    body = json.loads(out)
    assert rc == 0 and body["library"]["id"] == lid and {t: n for t, n in body["tags"].items() if n} == \
        {"zap": 2, "alpha": 1}
    rc, out, _ = _run(capsys, "box-library", lid, "--tag", "zap", "-k", "1", "--json")
    hits = json.loads(out)
    assert rc == 0 and len(hits) == 1 and hits[0]["path"] in ("hit 0.wav", "hit 1.wav") and hits[0]["corrected"]
    rc, out, _ = _run(capsys, "box-library", lid, "--unsure", "--json")
    assert rc == 0 and isinstance(json.loads(out), list)
    rc, out, _ = _run(capsys, "box-library", lid, "--untagged", "--json")
    assert rc == 0 and json.loads(out) == []
    rc, out, _ = _run(capsys, "box-library", lid, "--like", "hit 0.wav", "-k", "2", "--json")
    assert rc == 0 and len(json.loads(out)) == 2
    rc, out, err = _run(capsys, "box-library", lid, "--fix", "hit 0.wav", "kick", "--json")
    assert rc != 0 and out == "" and "--json goes with the listings, not with --fix" in err


def test_box_library_footers_go_to_stderr_when_piped_and_tags_by_count(tmp_path, paired_server, capsys):
    lid = _tagged_library(tmp_path, paired_server)
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-library", lid, "--tag", "zap", "-k", "1")
    assert rc == 0 and len(out.splitlines()) == 1 and out.split()[0] == "yours"
    assert "... the first 1 of 2: -k 2 lists them all" in err
    rc, out, err = _run(capsys, "box-library", lid, "--tag", "snare")
    assert rc == 0 and out == "" and "no file carries 'snare' (the library's tags: zap, alpha)" in err
    rc, out, err = _run(capsys, "box-library", lid, "--untagged")
    assert rc == 0 and out == "" and "every file the tagger heard carries a tag" in err
    rc, out, _ = _run(capsys, "box-library", lid)
    rows = [line.split() for line in out.splitlines()]
    assert [r[1] for r in rows if r[0] != "0"] == ["zap", "alpha"]          # by count, then name


def test_no_libraries_is_said_on_stderr_when_piped(paired_server, capsys):
    rc, out, err = _run(capsys, "box-library")
    assert rc == 0 and out == "" and "no libraries on the box" in err


def test_the_other_box_listings_print_the_boxs_json(tmp_path, paired_server, capsys):
    from tests.api.packs import gain_pack
    assert main(["push", str(gain_pack(tmp_path / "g.hatpack", "good")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-knob", "--json")
    assert rc == 0 and [(k["slot"], k["name"]) for k in json.loads(out)] == [("effect", "gain")]
    rc, out, _ = _run(capsys, "box-knob", "gain", "0.25", "--json")
    assert rc == 0 and json.loads(out)["value"] == 0.25
    rc, out, _ = _run(capsys, "box-devices", "--json")
    assert rc == 0 and [t["name"] for t in json.loads(out)] == ["laptop"]
    rc, out, _ = _run(capsys, "box-kit", "--json")
    assert rc == 0 and isinstance(json.loads(out), dict)
    rc, out, _ = _run(capsys, "box-midi", "--json")
    assert rc == 0 and isinstance(json.loads(out), dict)
    for argv, flag in ((["box-kit", "--clear"], "--clear"), (["box-midi", "--cancel"], "--cancel"),
                       (["box-devices", "--revoke", "laptop"], "--revoke")):
        rc, out, err = _run(capsys, *argv, "--json")
        assert rc != 0 and out == "" and f"--json goes with the listing, not with {flag}" in err
