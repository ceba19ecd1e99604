"""A hands-on QA pass of the laptop tagger (twenty-eighth stop): `hatbox tag` fails what the box's upload refuses
(a WAV cut short, float samples at integer scale), with the box's words, by the box's own check; a picture named
.mp3 is "not an audio file" and the MP3 decoder's notes stay off the terminal; a --links folder that cannot take
links is refused before anything is tagged; `library query --tag` says when -k cut the list, as `box-library`
does; `library export --out` in a folder that is not there is refused, not made."""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

from device import library
from device.library.member_checks import audio_problem
from hatbox.cli import main
from hatbox.listing import cut_line

from .conftest import thump


def _cut_short(path: Path) -> Path:
    """A 16-bit WAV whose header claims 1 s of audio while the file holds only its first 904 bytes of it."""
    sf.write(path, thump(16000, seconds=1.0), 16000, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[:44 + 904])
    return path


def _integer_scale_float(path: Path) -> Path:
    """A float WAV whose samples peak at about 18928: 16-bit values written as floats."""
    x = thump(16000) * (18928.5 / 0.8)
    sf.write(path, x, 16000, subtype="FLOAT")
    return path


def _png(path: Path, width: int = 200, height: int = 100) -> Path:
    """A real PNG picture (random pixels, so it does not compress away), saved under ``path``'s name."""
    rng = np.random.default_rng(0)
    rows = b"".join(b"\0" + rng.integers(0, 256, width * 3, dtype=np.uint8).tobytes() for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def _failed(db: Path, capsys) -> dict[str, str]:
    """path -> reason of the files `library query DB --failed --json` lists as failed."""
    capsys.readouterr()
    assert main(["library", "query", str(db), "--failed", "--json"]) == 0
    return {row["path"]: row["why"] for row in json.loads(capsys.readouterr().out)["failed"]}


def test_tag_fails_what_the_box_refuses_with_the_box_words(tmp_path: Path, small_pack: Path, capsys) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "kick.wav", thump(16000), 16000)
    short, loud = _cut_short(lib / "short.wav"), _integer_scale_float(lib / "loud.wav")
    sf.write(lib / "empty.wav", np.zeros(0, np.float32), 16000)          # a header, no samples: skipped as before
    db = tmp_path / "lib.db"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "4 files: 1 tagged" in out and "2 failed" in out and "1 skipped" in out
    failed = _failed(db, capsys)
    box = {str(p.resolve()): audio_problem(p)[0] for p in (short, loud)}     # what push-library would say
    assert failed == box
    assert "header claims" in box[str(short.resolve())] and "cut short" in box[str(short.resolve())]
    assert "far beyond full scale" in box[str(loud.resolve())]
    counts = library.list_tags(db)
    tagged = {str(h.path) for tag in counts for h in library.files_with_tag(db, tag)}
    assert tagged <= {str((lib / "kick.wav").resolve())}                 # neither refused file carries a tag


def test_a_picture_named_mp3_is_not_audio_and_the_decoder_keeps_quiet(tmp_path: Path, small_pack: Path,
                                                                      capfd) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "kick.wav", thump(16000), 16000)
    _png(lib / "image.mp3")
    db = tmp_path / "lib.db"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    said = capfd.readouterr()
    assert "failed image.mp3: not an audio file (" in said.out
    assert "Note:" not in said.err and "MPEG" not in said.err and "possibly a pipe" not in said.out
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "image.mp3\tnot an audio file" in capfd.readouterr().out


def test_a_links_folder_that_takes_no_links_is_refused_before_tagging(tmp_path: Path, small_pack: Path,
                                                                      capsys) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "kick.wav", thump(16000), 16000)
    afile = tmp_path / "afile"
    afile.write_text("mine")
    db = tmp_path / "out" / "lib.db"
    for links, words in ((afile, f"--links {afile} is a file, not a folder: nothing was tagged"),
                         (afile / "tags", f"cannot make links in {afile / 'tags'}: {afile} is a file, not a folder: "
                                          "nothing was tagged")):
        assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db), "--links", str(links)]) == 2
        said = capsys.readouterr()
        assert said.err.strip().splitlines() == [f"hatbox: error: {words}"] and "tagging" not in said.err
        assert not (tmp_path / "out").exists() and afile.read_text() == "mine"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db), "--links",
                 str(tmp_path / "new" / "links")]) == 0                     # a folder not there yet is made
    assert "links -> " in capsys.readouterr().out


def test_query_tag_says_when_k_cut_the_list(tmp_path: Path, small_pack: Path, library_dir: Path, capsys) -> None:
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    for name in ("kicks/k1.wav", "kicks/k2.flac", "kicks/k3.aiff"):
        library.set_tags(db, name, ["tom"])
    capsys.readouterr()
    assert main(["library", "query", str(db), "--tag", "tom", "-k", "2"]) == 0
    got = capsys.readouterr()                  # the cut on stderr when stdout is not a terminal (p44)
    lines = got.out.splitlines()
    assert len(lines) == 2 and got.err.splitlines()[-1] == "... the first 2 of 3: -k 3 lists them all" == cut_line(2, 3)
    assert main(["library", "query", str(db), "--tag", "tom", "-k", "3"]) == 0
    assert "lists them all" not in str(capsys.readouterr())
    assert main(["library", "query", str(db), "--tag", "tom", "-k", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2                  # scripts get the JSON alone


def test_export_out_in_a_missing_folder_is_refused(tmp_path: Path, small_pack: Path, library_dir: Path,
                                                   capsys) -> None:
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["tom"])
    out = tmp_path / "nonexist" / "dir" / "f.csv"
    assert main(["library", "export", str(db), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write --out {out}: no folder {out.parent}" in err and "Traceback" not in err
    assert not (tmp_path / "nonexist").exists()
    assert main(["library", "export", str(db), "--out", str(tmp_path)]) == 2
    assert f"--out {tmp_path} is a folder" in capsys.readouterr().err
    assert main(["library", "export", str(db), "--out", str(tmp_path / "f.csv")]) == 0
    assert (tmp_path / "f.csv").read_text().splitlines()[2:] == [f"{library_dir.resolve()}/kicks/k1.wav,tom"]


def test_export_never_writes_over_the_database_or_a_sample(tmp_path: Path, capsys) -> None:
    """Before (twenty-eighth stop's QA): `hatbox library export s2.db --out s2.db` replaced the tag database with a
    two-line CSV (every tag and correction lost), and --out naming a sample wrote CSV text into it."""
    import sqlite3

    db = tmp_path / "lib.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = db.read_bytes()
    sample = tmp_path / "kick.wav"
    sample.write_bytes(b"RIFF....WAVE")
    assert main(["library", "export", str(db), "--out", str(db)]) == 2
    assert "the library database itself" in capsys.readouterr().err and db.read_bytes() == before
    assert main(["library", "export", str(db), "--out", str(sample)]) == 2
    assert "not a CSV" in capsys.readouterr().err and sample.read_bytes() == b"RIFF....WAVE"
