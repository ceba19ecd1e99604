"""Thirty-ninth stop's QA of the laptop's commands: a pack whose model gives NaN was used as it was everywhere but
`hatbox render`.  `hatbox tag` with such a tagger re-tagged a whole library with it (every file failed, every tag and
link gone, exit 0); `hatbox play` wrote 2.5 s of silence with exit 0; `pack inspect` said "all checksums verified"
and `pack sign` signed it.  Each now refuses it as the box's upload checks would, before it changes anything."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import mido
import numpy as np
import onnx
from onnx import helper, numpy_helper

from device.audio import audiofile
from hatbox.cli import main

FACTORY = Path(__file__).resolve().parents[1] / "factory"


def nan_outputs(src: Path, dst: Path) -> Path:
    """``src`` with every output of its model multiplied by NaN, its checksum updated and its golden files kept (the
    pack reads well; only running it shows the damage)."""
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    model = onnx.load_from_string(members["model.onnx"])
    graph = model.graph
    graph.initializer.append(numpy_helper.from_array(np.array(np.nan, np.float32), "times_nan"))
    for out in graph.output:
        raw = out.name + "_before_nan"
        for node in graph.node:
            node.output[:] = [raw if x == out.name else x for x in node.output]
            node.input[:] = [raw if x == out.name else x for x in node.input]
        graph.node.append(helper.make_node("Mul", [raw, "times_nan"], [out.name]))
    members["model.onnx"] = model.SerializeToString()
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["model.onnx"] = hashlib.sha256(members["model.onnx"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest, indent=2).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return dst


def small_library(root: Path) -> Path:
    """Three short drum-like sounds."""
    t = np.arange(24000) / 48000
    audiofile.write(root / "kick.wav", (0.8 * np.sin(2 * np.pi * 55 * t) * np.exp(-t * 20)).astype(np.float32), 48000)
    noise = np.random.default_rng(0).standard_normal(t.size)
    audiofile.write(root / "hat.wav", (0.3 * noise * np.exp(-t * 60)).astype(np.float32), 48000)
    audiofile.write(root / "ride.wav", (0.2 * noise * np.exp(-t * 4)).astype(np.float32), 48000)
    return root


def snapshot(db: Path, links: Path) -> tuple[bytes, list[str]]:
    return db.read_bytes(), sorted(str(p.relative_to(links)) for p in links.rglob("*"))


def test_tag_refuses_a_tagger_that_gives_nan_and_keeps_the_library_as_it_was(tmp_path: Path, capsys) -> None:
    lib, db, links = small_library(tmp_path / "lib"), tmp_path / "tags.db", tmp_path / "links"
    assert main(["tag", str(lib), "--pack", str(FACTORY / "tagger-drums.hatpack"), "--out", str(db),
                 "--links", str(links)]) == 0
    before = snapshot(db, links)
    capsys.readouterr()
    bad = nan_outputs(FACTORY / "tagger-drums.hatpack", tmp_path / "nan.hatpack")
    rc = main(["tag", str(lib), "--pack", str(bad), "--out", str(db), "--links", str(links)])
    err = capsys.readouterr().err
    assert rc == 2 and "the box refuses pack 'tagger-drums' (golden check" in err and "NaN" in err
    assert "nothing was tagged or changed" in err
    assert snapshot(db, links) == before and len(before[1]) >= 3


def test_play_refuses_a_synth_that_gives_nan_and_writes_nothing(tmp_path: Path, capsys) -> None:
    song = mido.MidiFile()
    track = mido.MidiTrack([mido.Message("note_on", note=60, velocity=100, time=0),
                            mido.Message("note_off", note=60, velocity=0, time=240)])
    song.tracks.append(track)
    song.save(tmp_path / "one.mid")
    bad = nan_outputs(FACTORY / "synth-gm4.hatpack", tmp_path / "nan.hatpack")
    rc = main(["play", str(bad), "--midi", str(tmp_path / "one.mid"), "--out", str(tmp_path / "out.wav")])
    err = capsys.readouterr().err
    assert rc == 2 and "so it is not played either: nothing was written" in err
    assert not (tmp_path / "out.wav").exists()


def test_pack_inspect_says_the_box_would_refuse_a_pack(tmp_path: Path, capsys) -> None:
    """It inspects (exit 0, as for a pack of another engine's rate): `sign` and `push` refuse such a pack."""
    bad = nan_outputs(FACTORY / "effect-drive.hatpack", tmp_path / "nan.hatpack")
    assert main(["pack", "inspect", str(bad)]) == 0
    out = capsys.readouterr().out
    assert "all checksums verified" in out and "warning: the box would refuse it: golden check: output 'audio_out'" \
        in out
    assert main(["pack", "inspect", str(FACTORY / "effect-drive.hatpack")]) == 0
    assert "the box's checks pass" in capsys.readouterr().out


def test_pack_sign_refuses_a_pack_the_box_would_refuse(tmp_path: Path, capsys) -> None:
    assert main(["keygen", str(tmp_path / "me.pem")]) == 0
    bad = nan_outputs(FACTORY / "tagger-drums.hatpack", tmp_path / "nan.hatpack")
    capsys.readouterr()
    rc = main(["pack", "sign", str(bad), "--key", str(tmp_path / "me.pem"), "--out", str(tmp_path / "signed.hatpack")])
    assert rc == 2 and "so it is not signed: nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "signed.hatpack").exists()
    assert main(["pack", "sign", str(FACTORY / "tagger-drums.hatpack"), "--key", str(tmp_path / "me.pem"),
                 "--out", str(tmp_path / "signed.hatpack")]) == 0


def test_signing_with_the_public_key_says_so_in_plain_words(tmp_path: Path, capsys) -> None:
    """It quoted cryptography's "Valid PEM but no BEGIN/END delimiters ... See https://cryptography.io/..."."""
    assert main(["keygen", str(tmp_path / "me.pem")]) == 0
    capsys.readouterr()
    rc = main(["pack", "sign", str(FACTORY / "tagger-drums.hatpack"), "--key", str(tmp_path / "me.pub"),
               "--out", str(tmp_path / "signed.hatpack")])
    err = capsys.readouterr().err
    assert rc == 2 and "it is a public key, which checks signatures" in err
    assert "cryptography" not in err and "delimiters" not in err
