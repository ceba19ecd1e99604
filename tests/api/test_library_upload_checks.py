"""`hatbox push-library` and the box's library unpacking, QA round: links out of the folder never leave
the laptop, a name the box would refuse is refused before anything is packed or sent, an archive inside a
library says it is not unpacked, and a 0-byte sample says it is empty."""
from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from device.library.archive import unpack_archive
from device.library.member_checks import LIBRARY_NAME_MAX_CHARS, NESTED_ARCHIVE, library_name_problem
from device.library.folder_tar import pack_directory
from hatbox.cli import main
from tests.api.conftest import wav_bytes

SECRET = b"root:x:0:0:secret-line-that-must-stay-on-the-laptop\n"


def _tar_bytes(path: Path) -> tuple[list[str], bytes]:
    with tarfile.open(path) as tf:
        names = tf.getnames()
    return names, path.read_bytes()


# ------------------------------------------------------------------------ 1. links
def test_a_link_to_a_file_outside_the_folder_is_never_packed(tmp_path: Path) -> None:
    secret_dir = tmp_path / "etc"
    secret_dir.mkdir()
    (secret_dir / "passwd").write_bytes(SECRET)
    (secret_dir / "shadow.wav").write_bytes(SECRET)
    lib = tmp_path / "lib"
    (lib / "kit").mkdir(parents=True)
    (lib / "kit" / "kick.wav").write_bytes(wav_bytes())
    (lib / "passwd.wav").symlink_to(secret_dir / "passwd")            # a file link out of the folder
    (lib / "kit" / "etc").symlink_to(secret_dir)                       # a folder link out of the folder
    (lib / "rel.wav").symlink_to(Path("..") / "etc" / "passwd")        # relative, still outside
    skipped: list[tuple[str, str]] = []
    names, data = _tar_bytes(pack_directory(lib, tmp_path / "lib.tar", skipped))
    assert names == ["kit/kick.wav"]
    assert b"secret-line" not in data                                  # the bytes never left the laptop
    why = dict(skipped)
    for name in ("passwd.wav", "kit/etc", "rel.wav"):
        assert "outside the folder: not sent" in why[name], why


def test_links_inside_the_folder_send_their_target_once_and_never_loop(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "Vendors" / "808").mkdir(parents=True)
    (lib / "Vendors" / "808" / "k.wav").write_bytes(wav_bytes())
    (lib / "Kits").mkdir()
    (lib / "Kits" / "808").symlink_to(lib / "Vendors" / "808")             # a producer's folder link, inside
    (lib / "Kits" / "fav.wav").symlink_to(Path("..") / "Vendors" / "808" / "k.wav")
    (lib / "Vendors" / "808" / "again").symlink_to(lib / "Vendors")     # loops back
    (lib / "Vendors" / "self").symlink_to(lib / "Vendors")              # itself
    skipped: list[tuple[str, str]] = []
    names, _ = _tar_bytes(pack_directory(lib, tmp_path / "lib.tar", skipped))
    assert names == ["Vendors/808/k.wav"]                                # once, under its own path
    why = dict(skipped)
    assert "loops back" in why["Vendors/808/again"] and "loops back" in why["Vendors/self"]
    assert "2 links to files already in the folder" in why[""]


def test_push_library_says_which_link_it_did_not_send(paired_server, tmp_path: Path, capsys) -> None:
    (tmp_path / "passwd").write_bytes(SECRET)
    lib = tmp_path / "drums"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    (lib / "passwd.wav").symlink_to(tmp_path / "passwd")
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "note: left out of drums: 1" in out and "skipped passwd.wav: link to" in out
    assert "1 file accepted, 0 rejected" in out and "not an audio" not in out



def test_a_kits_xml_is_left_out_as_not_audio_not_rejected(paired_server, tmp_path: Path, capsys) -> None:
    """A Hydrogen kit folder holds drumkit.xml beside its samples: the summary says it is not audio, and keeps
    "rejected" for files with a problem (the demo said "1 rejected" for every kit it sent)."""
    lib = tmp_path / "VariBreaks"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    (lib / "drumkit.xml").write_text("<drumkit_info/>")
    (lib / "loops.zip").write_bytes(b"PK\x03\x04 not really")
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 file accepted, 1 rejected" in out
    assert "left out 1 file that is not audio: drumkit.xml" in out and "rejected drumkit.xml" not in out
    assert "rejected loops.zip: an archive inside the library" in out

# -------------------------------------------------------------------- 2. the name
def test_the_name_rule_is_the_boxs(paired_server) -> None:
    app = paired_server.app
    params = app.openapi()["paths"]["/libraries"]["post"]["parameters"]
    name = next(p for p in params if p["name"] == "name")
    assert name["schema"]["maxLength"] == LIBRARY_NAME_MAX_CHARS
    assert library_name_problem("k" * LIBRARY_NAME_MAX_CHARS) == ""
    assert "at most" in library_name_problem("k" * (LIBRARY_NAME_MAX_CHARS + 1))


def test_a_name_too_long_is_refused_before_packing_or_sending(paired_server, tmp_path: Path, capsys,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import hatbox.cmd_box_library as remote
    import hatbox.library_archive as library_archive

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("packed or sent a library whose name the box refuses")

    monkeypatch.setattr(library_archive, "as_archive", never)
    monkeypatch.setattr(remote, "upload", never)
    lib = tmp_path / "drums"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    assert main(["push-library", str(lib), "--name", "n" * 300]) == 2
    err = capsys.readouterr().err
    assert f"at most {LIBRARY_NAME_MAX_CHARS} characters" in err and "300" in err and "Traceback" not in err


def test_a_folder_with_a_long_name_is_named_what_the_box_takes(paired_server, tmp_path: Path, capsys) -> None:
    lib = tmp_path / ("Producer Pack " + "x" * 90)
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "note: the library is named" in out and "1 file accepted" in out
    assert main(["box-library"]) == 0
    assert ("Producer Pack " + "x" * 90)[:LIBRARY_NAME_MAX_CHARS] in capsys.readouterr().out


# ------------------------------------------------------------- 3. nested archives
def test_an_archive_inside_the_library_says_it_is_not_unpacked(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    for name in ("x.tar.gz", "Kit.ZIP", "more.tar", "loops.7z", "k2.wav.gz"):
        (lib / name).write_bytes(b"PK\x03\x04 not really")
    (lib / "readme.txt").write_text("hi")
    report = unpack_archive(pack_directory(lib, tmp_path / "lib.tar"), tmp_path / "out")
    reasons = {f.path: f.reason for f in report.rejected}
    for name in ("x.tar.gz", "Kit.ZIP", "more.tar", "loops.7z", "k2.wav.gz"):
        assert reasons[name] == NESTED_ARCHIVE
    assert "unpack it into the folder first" in NESTED_ARCHIVE
    assert "readme.txt" not in reasons          # not audio: left out, not a problem to fix
    assert [(f.path, f.reason) for f in report.not_audio] == [("readme.txt", "not an audio file (.txt)")]


# ----------------------------------------------------------------- 4. 0-byte audio
def test_a_zero_byte_sample_in_a_library_is_an_empty_file(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    (lib / "empty.wav").write_bytes(b"")
    (lib / "empty.flac").write_bytes(b"")
    report = unpack_archive(pack_directory(lib, tmp_path / "lib.tar"), tmp_path / "out")
    reasons = {f.path: f.reason for f in report.rejected}
    assert reasons == {"empty.wav": "empty file (0 bytes)", "empty.flac": "empty file (0 bytes)"}
    assert not os.path.exists(tmp_path / "out" / "empty.wav")


def test_the_library_list_says_why_a_library_is_not_tagged(paired_server, tmp_path: Path, capsys) -> None:
    """Before (twenty-seventh stop's QA): `box-library` listed 'failed, 856 files' with no reason, and a library being
    tagged without how far it had got."""
    from hatbox.cmd_box_library import state_words
    lib = tmp_path / "drums"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    assert main(["push-library", str(lib), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-library"]) == 0
    lines = capsys.readouterr().out.splitlines()
    state = next(i for i, line in enumerate(lines) if "  drums  " in line)
    assert "untagged, 1 file" in lines[state] and lines[state + 1] == "    no tagger pack is active"
    assert state_words({"state": "tagging", "progress": {"done": 160, "total": 856}}) == "tagging 160 of 856"


def test_a_folder_over_the_boxs_limit_is_refused_before_it_is_packed(paired_server, tmp_path: Path, capsys,
                                                                     monkeypatch) -> None:
    """Before (twenty-seventh stop's QA): a 4.4 GB folder was copied into a temporary tar for 22 s, silently, and
    then refused as 'bigfolder.tar is 4400005120 bytes' (a file the producer never made)."""
    from dataclasses import replace

    import device.library.folder_tar as folder_tar
    box = paired_server.app.state.box
    box.config = replace(box.config, max_library_bytes=10_000)
    lib = tmp_path / "big kit"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes(n=12_000))

    def no_copy(*a, **k):
        raise AssertionError("the folder was packed before its size was checked")
    monkeypatch.setattr(folder_tar, "pack_directory", no_copy)
    assert main(["push-library", str(lib), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "big kit is 30 KiB (as an archive); the box takes at most 10 KiB a library; nothing was sent" in err
    assert "send the library in parts" in err


def test_ctrl_c_while_following_a_tagging_says_the_box_goes_on(monkeypatch) -> None:
    """Before (twenty-seventh stop's QA): Ctrl-C on push-library --wait printed only 'hatbox: interrupted', and
    nothing could follow a tagging already going on ('--wait only goes with --retag')."""
    import time

    import pytest

    import hatbox.cmd_box_library as cbl
    from hatbox.errors import HatboxError
    monkeypatch.setattr(cbl, "_call", lambda *a, **k: {"id": "lib-kit-1", "state": "tagging",
                                                       "progress": {"done": 3, "total": 10}})

    def ctrl_c(_s: float) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(time, "sleep", ctrl_c)
    with pytest.raises(HatboxError) as err:
        cbl._follow(object(), "lib-kit-1", quiet=True)
    assert err.value.exit_code == 130
    assert "the box goes on tagging library lib-kit-1 (tagging 3 of 10)" in str(err.value)
    assert "hatbox box-library lib-kit-1 --wait" in err.value.hint


def test_box_library_id_wait_follows_a_tagging_to_its_end(paired_server, tmp_path: Path, capsys) -> None:
    lib = tmp_path / "drums"
    lib.mkdir()
    (lib / "k.wav").write_bytes(wav_bytes())
    assert main(["push-library", str(lib), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-library", "drums", "--wait"]) == 2                  # untagged: no tagger on this box
    assert "library lib-drums-" in (err := capsys.readouterr().err) and "is not tagged: no tagger pack is active" in err
    assert main(["box-library", "--wait"]) == 2
    assert "which library?" in capsys.readouterr().err


def test_the_folder_size_leaves_out_what_is_not_packed(tmp_path: Path) -> None:
    """Review (twenty-seventh stop): hidden folders (.git/) and a --links folder of links counted, so a library that
    fits was refused."""
    from device.library.folder_tar import census
    lib = tmp_path / "kit"
    (lib / ".git").mkdir(parents=True)
    (lib / "k.wav").write_bytes(b"x" * 100_000)
    (lib / ".git" / "pack").write_bytes(b"x" * 1_000_000)
    (lib / "by-tag").mkdir()
    (lib / "by-tag" / "k.wav").symlink_to(lib / "k.wav")
    assert 100_000 < census(lib).packed < 130_000
    assert pack_directory(lib, tmp_path / "k.tar").stat().st_size <= census(lib).packed + 20_480   # about
