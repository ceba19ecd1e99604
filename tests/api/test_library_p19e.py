"""Sample libraries, QA round 19: a full disk refuses the whole upload (507, nothing kept, the laptop
command fails with the box's message); a library can be deleted (DELETE /libraries/{id}, `hatbox
box-library ID --delete`), also while it is being tagged or after a restart cut its tagging off;
streaming WAVs, .aifc, .caf and .w64 are taken and other audio formats say what to convert to; a
Finder zip's metadata is skipped quietly; an empty folder is refused on the laptop; an MP3 whose
length libsndfile guesses short is kept with a warning."""
from __future__ import annotations

import errno
import io
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import device.library.archive as archive
from device.api.libraries import Libraries
from device.audio.audiofile import wav_header_problem
from device.library.archive import audio_problem, unpack_archive
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes


def _kit(n: int = 4) -> bytes:
    return zip_bytes({f"kit/s{i}.wav": wav_bytes() for i in range(n)})


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, files: int, code: int = errno.ENOSPC) -> None:
    """The box's disk fills up while the member after the first ``files`` is written (as a real full disk
    does: part of the file written, then ENOSPC)."""
    real, written = archive._copy_bounded, [0]

    def copy(src, dst, declared):
        if written[0] >= files:
            dst.write_bytes(b"RIFF")
            raise OSError(code, "No space left on device" if code == errno.ENOSPC else "Disk quota exceeded")
        written[0] += 1
        return real(src, dst, declared)
    monkeypatch.setattr(archive, "_copy_bounded", copy)


# ------------------------------------------------------------------------------------ 1. a full disk
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=["ENOSPC", "EDQUOT"])
def test_a_disk_full_while_unpacking_refuses_the_whole_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               code: int) -> None:
    box = make_box(tmp_path)
    _fill_disk_after(monkeypatch, 2, code)
    r = box.client.post("/libraries", params={"name": "Drums"}, content=_kit(4), headers=box.auth)
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "no space" and "nothing of the library was kept" in body["message"]
    assert "kit/s2.wav" in body["message"] and str(box.store_dir) not in r.text
    assert "hatbox box-library ID --delete" in body["hint"]
    assert box.library_dirs() == [] and not list((box.store_dir / "tmp").iterdir())
    assert box.client.get("/libraries", headers=box.auth).json() == []


def test_unpack_archive_leaves_no_folder_when_the_disk_fills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arc = tmp_path / "kit.zip"
    arc.write_bytes(_kit(3))
    from device.library.archive import NoSpace

    _fill_disk_after(monkeypatch, 1)
    with pytest.raises(NoSpace, match="disk filled up while writing kit/s1.wav"):
        unpack_archive(arc, tmp_path / "libs" / "lib-x" / "files")
    assert not (tmp_path / "libs").exists()


def _folder(tmp_path: Path, n: int = 3) -> Path:
    kit = tmp_path / "Kit"
    kit.mkdir()
    for i in range(n):
        (kit / f"s{i}.wav").write_bytes(wav_bytes())
    return kit


def test_push_library_fails_with_the_boxs_message_when_its_disk_fills(paired_server, tmp_path: Path, capsys,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    _fill_disk_after(monkeypatch, 1)
    assert main(["push-library", str(_folder(tmp_path)), "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "the box could not do it: the box's disk filled up" in err and "nothing of the library was kept" in err
    assert "--delete" in err and "Traceback" not in err
    assert app.state.box.libraries.list() == []


# --------------------------------------------------------------------------------------- 2. deleting
def test_delete_removes_the_library_its_files_and_its_record(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    lid = box.client.post("/libraries", content=_kit(2), headers=box.auth).json()["id"]
    assert box.client.delete(f"/libraries/{lid}").status_code == 401                 # a write route: token needed
    assert (box.store_dir / "libraries" / lid / "files" / "kit" / "s0.wav").is_file()
    r = box.client.delete(f"/libraries/{lid}", headers=box.auth)
    assert r.status_code == 204, r.text
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).status_code == 404
    assert box.client.get("/libraries", headers=box.auth).json() == []
    assert box.library_dirs() in ([], [".trash"]) and not list((box.store_dir / "libraries").glob("*/*"))
    again = box.client.delete(f"/libraries/{lid}", headers=box.auth)
    assert again.status_code == 404 and again.json()["message"].startswith(f"no library '{lid}': ")   # p45: who, when
    assert box.client.get("/status", headers=box.auth).json()["libraries"] == 0


class CancellableTagger:
    """Tags one file at a time, stopping when cancelled (as tag_library does after its current file);
    ``stubborn`` holds each file until released, deaf to cancel meanwhile."""

    def __init__(self, stubborn: threading.Event | None = None) -> None:
        self.started, self.stubborn, self.cancelled = threading.Event(), stubborn, False

    def __call__(self, root, pack, db_path, progress, cancel):
        Path(db_path).write_bytes(b"")
        files = sorted(Path(root).rglob("*.wav"))
        for i, _ in enumerate(files):
            self.started.set()
            if self.stubborn is not None:
                self.stubborn.wait(10)
            elif cancel.wait(10):
                self.cancelled = True
                return {"tagged": i}
            progress(i + 1, len(files))
        return {"tagged": len(files)}


def _tagging_box(tmp_path: Path, tagger) -> tuple[BoxUnderTest, str]:
    from tests.api.packs import tagger_pack

    box = make_box(tmp_path, tagger=tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    r = box.client.post("/libraries", content=_kit(3), headers=box.auth)
    assert r.status_code == 201 and r.json()["state"] == "tagging"
    assert tagger.started.wait(10)
    return box, r.json()["id"]


def test_delete_while_tagging_cancels_the_tagging_first(tmp_path: Path) -> None:
    tagger = CancellableTagger()
    box, lid = _tagging_box(tmp_path, tagger)
    r = box.client.delete(f"/libraries/{lid}", headers=box.auth)
    assert r.status_code == 204, r.text
    assert tagger.cancelled
    assert not (box.store_dir / "libraries" / lid).exists()          # the tagger wrote nothing back after it
    assert box.client.get("/libraries", headers=box.auth).json() == []


def test_delete_refuses_when_the_tagging_does_not_stop_in_time(tmp_path: Path) -> None:
    release = threading.Event()
    tagger = CancellableTagger(stubborn=release)
    box, lid = _tagging_box(tmp_path, tagger)
    box.app.state.box.libraries.delete_wait_s = 0.2
    r = box.client.delete(f"/libraries/{lid}", headers=box.auth)
    assert r.status_code == 409 and "nothing was deleted" in r.json()["message"], r.text
    assert (box.store_dir / "libraries" / lid / "files").is_dir()
    release.set()
    box.app.state.box.libraries.delete_wait_s = 10
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204
    assert not (box.store_dir / "libraries" / lid).exists()


def test_a_library_whose_tagging_a_restart_cut_off_can_be_deleted(tmp_path: Path) -> None:
    arc = tmp_path / "kit.zip"
    arc.write_bytes(_kit(2))
    lid = Libraries(tmp_path / "libs").ingest(arc, "kit", None, None)["id"]
    record = tmp_path / "libs" / lid / "library.json"                 # the box died while tagging it
    record.write_text(record.read_text().replace('"state": "untagged"', '"state": "tagging"'))
    (tmp_path / "libs" / lid / "tags.db").write_bytes(b"")
    (tmp_path / "libs" / ".trash" / "lib-old-1" / "files").mkdir(parents=True)     # a deletion a crash cut off
    after = Libraries(tmp_path / "libs", CancellableTagger())
    assert after.get(lid)["state"] == "failed" and not (tmp_path / "libs" / ".trash").exists()
    assert f"hatbox box-library {lid} --delete" in after.get(lid)["error"]
    assert after.delete(lid)["state"] == "failed"
    assert after.list() == [] and not (tmp_path / "libs" / lid).exists()
    assert Libraries(tmp_path / "libs").list() == []                  # and it stays gone after the next start


def test_box_library_delete_asks_first(paired_server, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    assert main(["push-library", str(_folder(tmp_path)), "--name", "Kit", "--quiet"]) == 0
    lid = app.state.box.libraries.list()[0]["id"]
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["box-library", lid, "--delete"]) == 0
    assert "was not deleted" in capsys.readouterr().out and app.state.box.libraries.list()

    def no_stdin(_prompt):
        raise EOFError
    monkeypatch.setattr("builtins.input", no_stdin)
    assert main(["box-library", lid, "--delete"]) == 2
    assert "--yes" in capsys.readouterr().err and app.state.box.libraries.list()
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "y")
    assert main(["box-library", lid, "--delete"]) == 0
    assert f"library {lid} (Kit, 3 files)" in asked[0]
    assert f"deleted library {lid}" in capsys.readouterr().out and app.state.box.libraries.list() == []
    assert main(["box-library", lid, "--delete", "--yes"]) == 2
    assert f"no library '{lid}'" in capsys.readouterr().err
    assert main(["box-library", "--delete"]) == 2


def test_box_library_delete_yes_does_not_ask(paired_server, tmp_path: Path, capsys,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    assert main(["push-library", str(_folder(tmp_path)), "--quiet"]) == 0
    lid = app.state.box.libraries.list()[0]["id"]

    def never(_prompt):
        raise AssertionError("asked")
    monkeypatch.setattr("builtins.input", never)
    assert main(["box-library", lid, "--delete", "--yes"]) == 0
    assert app.state.box.libraries.list() == []


# ---------------------------------------------------------------------------------- 3. file formats
def _streaming_wav() -> bytes:
    """A WAV as ffmpeg writes it to a pipe: RIFF and data sizes 0xFFFFFFFF, the audio to the end."""
    pcm = (0.5 * np.sin(np.arange(4800) / 5) * 32767).astype("<i2").tobytes()
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 48000, 96000, 2, 16)
    return b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + pcm


def test_a_streaming_wav_is_taken_and_a_cut_wav_says_so(tmp_path: Path) -> None:
    stream = tmp_path / "stream.wav"
    stream.write_bytes(_streaming_wav())
    assert wav_header_problem(stream) == ""
    assert audio_problem(stream) == ("", 4800, 48000, 1)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(wav_bytes()[:-1000])
    why = audio_problem(cut)[0]
    assert why.startswith("WAV header claims 4800 bytes of audio but the file holds 3800") and "cut short" in why


def _encoded(fmt: str, subtype: str) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.4 * np.sin(np.arange(4800) / 7)).astype(np.float32), 44100, format=fmt, subtype=subtype)
    return buf.getvalue()


def test_aifc_caf_and_w64_are_taken_other_audio_formats_say_what_to_do(box: BoxUnderTest) -> None:
    members = {"kit/a.aifc": _encoded("AIFF", "FLOAT"), "kit/b.caf": _encoded("CAF", "PCM_16"),
               "kit/c.w64": _encoded("W64", "PCM_24"), "kit/stream.wav": _streaming_wav(),
               "kit/d.m4a": b"\x00\x00\x00\x20ftypM4A ", "kit/readme.txt": b"hi"}
    r = box.client.post("/libraries", content=zip_bytes(members), headers=box.auth)
    assert r.status_code == 201, r.text
    files = {f["path"]: f for f in r.json()["files"]}
    assert all(files[p]["ok"] for p in ("kit/a.aifc", "kit/b.caf", "kit/c.w64", "kit/stream.wav")), files
    m4a = files["kit/d.m4a"]["reason"]
    assert "(.m4a)" in m4a and "convert it to WAV or FLAC" in m4a and ".wav" in m4a and ".aifc" in m4a
    assert files["kit/readme.txt"]["reason"] == "not an audio file (.txt)"
    # an audio format the box cannot read is a problem to fix (rejected); a readme is only not audio
    assert files["kit/readme.txt"]["not_audio"] and not files["kit/d.m4a"]["not_audio"]
    assert (r.json()["rejected"], r.json()["not_audio"]) == (1, 1)


def test_a_kits_midi_grooves_are_not_audio_to_convert(box: BoxUnderTest) -> None:
    """A drum library's grooves/*.mid: only not audio, as its readme (the upload said "convert it to WAV or FLAC",
    `hatbox tag` on the same folder said nothing)."""
    members = {"kit/kick.wav": wav_bytes(), "kit/grooves/beat.mid": b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0",
               "kit/grooves/fill.MIDI": b"MThd"}
    r = box.client.post("/libraries", content=zip_bytes(members), headers=box.auth)
    assert r.status_code == 201, r.text
    files = {f["path"]: f for f in r.json()["files"]}
    assert files["kit/grooves/beat.mid"]["reason"] == "not an audio file (.mid)"
    assert files["kit/grooves/fill.MIDI"]["not_audio"]
    assert (r.json()["rejected"], r.json()["not_audio"]) == (0, 2)


# ------------------------------------------------------------------------- 4. Finder zips, empty folders
FINDER = {"Kit/a.wav": wav_bytes(), "Kit/.DS_Store": b"\x00\x00\x00\x01Bud1",
          "__MACOSX/Kit/._a.wav": b"\x00\x05\x16\x07", "__MACOSX/._Kit": b"\x00\x05\x16\x07",
          "Kit/Thumbs.db": b"\xd0\xcf"}


def test_a_finder_zip_has_its_metadata_skipped_quietly(box: BoxUnderTest) -> None:
    r = box.client.post("/libraries", content=zip_bytes(FINDER), headers=box.auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 1 and body["rejected"] == 0 and body["skipped"] == 4
    assert [f["path"] for f in body["files"]] == ["Kit/a.wav"]
    only = {k: v for k, v in FINDER.items() if k != "Kit/a.wav"}
    r = box.client.post("/libraries", content=zip_bytes(only), headers=box.auth)
    assert r.status_code == 422 and "4 hidden or operating-system files skipped" in r.json()["message"]


def test_push_library_prints_the_skipped_metadata_in_one_line(paired_server, tmp_path: Path, capsys) -> None:
    arc = tmp_path / "Kit.zip"
    arc.write_bytes(zip_bytes(FINDER))
    assert main(["push-library", str(arc), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 file accepted, 0 rejected" in out and out.count("skipped 4 hidden or operating-system") == 1
    assert "rejected " not in out and "._a.wav" not in out and "Thumbs" not in out


@pytest.mark.parametrize("content", [{}, {"notes.txt": b"hi", "sub/cover.jpg": b"\xff\xd8"}], ids=["empty", "no audio"])
def test_push_library_refuses_a_folder_without_audio_before_sending(paired_server, tmp_path: Path, capsys,
                                                                    content: dict[str, bytes]) -> None:
    app = paired_server.app
    folder = tmp_path / "Empty"
    folder.mkdir()
    for name, data in content.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / ".DS_Store").write_bytes(b"x")
    sent = []
    original = app.state.box.libraries.ingest
    app.state.box.libraries.ingest = lambda *a, **k: sent.append(a) or original(*a, **k)
    assert main(["push-library", str(folder), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "holds no audio file" in err and "nothing was sent" in err and ".wav" in err
    assert sent == [] and app.state.box.libraries.list() == []


# ------------------------------------------------------------------------------------------ 5. MP3s
def _mp3(seconds: float = 4.0) -> bytes:
    t = np.arange(int(44100 * seconds)) / 44100
    buf = io.BytesIO()
    sf.write(buf, (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 44100, format="MP3",
             subtype="MPEG_LAYER_III")
    return buf.getvalue()


def _without_xing(data: bytes) -> bytes:
    """The MP3 without its first frame (the Xing/Info header that holds the stream's length): an MPEG-1
    Layer III frame of ``144000 * kbit/s // rate (+1 if padded)`` bytes."""
    assert data[:2] == b"\xff\xfb" and (b"Info" in data[:200] or b"Xing" in data[:200])
    kbps = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[data[2] >> 4]
    rate = (44100, 48000, 32000)[(data[2] >> 2) & 3]
    return data[144000 * kbps // rate + ((data[2] >> 1) & 1):]


def test_an_mp3_whose_length_the_decoder_guesses_short_is_kept_with_a_warning(tmp_path: Path) -> None:
    from device.audio.audiofile import mp3_frames
    from device.library.archive import audio_warning

    good, bad = tmp_path / "good.mp3", tmp_path / "noxing.mp3"
    good.write_bytes(_mp3())
    bad.write_bytes(_without_xing(_mp3()))
    held, whole = mp3_frames(bad)
    assert whole and abs(held - 4 * 44100) < 3000
    why, frames, rate, _ = audio_problem(bad)
    assert why == "" and frames < 2 * 44100                       # libsndfile guesses it from the first frame
    warning = audio_warning(bad, frames, rate)
    assert "of the 4.0 s it holds" in warning and "Xing" in warning and "WAV or FLAC" in warning
    why, frames, rate, _ = audio_problem(good)
    assert why == "" and audio_warning(good, frames, rate) == ""
    assert mp3_frames(tmp_path / "none.mp3") is None
    (tmp_path / "x.mp3").write_bytes(b"not an mp3 at all" * 10)
    assert mp3_frames(tmp_path / "x.mp3") is None


def test_the_upload_report_and_push_library_show_the_warning(paired_server, tmp_path: Path, capsys) -> None:
    kit = tmp_path / "Kit"
    kit.mkdir()
    (kit / "song.mp3").write_bytes(_without_xing(_mp3()))
    (kit / "fine.mp3").write_bytes(_mp3())
    assert main(["push-library", str(kit), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 files accepted" in out and "warning song.mp3: plays" in out and "warning fine.mp3" not in out

