"""p50 FB: which names are samples (.amb, .bwf, .rf64 now) and which are leftovers no one means as samples (recycle
bins of NAS boxes and Windows, DAW sidecars, Synology's metadata, macOS's Icon\\r), one rule for `hatbox tag`'s scan,
the trainers, push-library's walk and the box's unpacking and scan."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pytest
import soundfile as sf

from device.audio.audiofile import READABLE_SUFFIXES, hidden_name
from device.audio.junk_names import junk_kind

RATE = 44100
_PCM_GUID = bytes.fromhex("0100000000001000800000aa00389b71")
_AMBISONIC_GUID = bytes.fromhex("0100000021 07d3118644c8c1ca000000".replace(" ", ""))


def _audio(seed: int, channels: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    env = np.exp(-np.linspace(0, 6, RATE // 5))[:, None]
    return (0.3 * env * rng.standard_normal((RATE // 5, channels))).astype(np.float32)


def write_odd_wavs(folder: Path) -> dict[str, int]:
    """room.amb (4-channel B-format: WAVE_FORMAT_EXTENSIBLE with the ambisonic sub-format GUID), take.bwf (a WAV,
    as a Broadcast WAV is one) and long.rf64 (RF64) in ``folder``; -> name: channels."""
    folder.mkdir(parents=True, exist_ok=True)
    sf.write(folder / "room.amb", _audio(1, 4), RATE, format="WAVEX", subtype="PCM_16")
    data = (folder / "room.amb").read_bytes()
    assert data.count(_PCM_GUID) == 1
    (folder / "room.amb").write_bytes(data.replace(_PCM_GUID, _AMBISONIC_GUID))
    sf.write(folder / "take.bwf", _audio(2, 2), RATE, format="WAV", subtype="PCM_24")
    sf.write(folder / "long.rf64", _audio(3, 1), RATE, format="RF64", subtype="PCM_16")
    assert (folder / "long.rf64").read_bytes()[:4] == b"RF64"
    return {"room.amb": 4, "take.bwf": 2, "long.rf64": 1}


def test_amb_bwf_and_rf64_are_audio_for_every_reader() -> None:
    from device.library.member_checks import AUDIO_EXTENSIONS, OTHER_AUDIO_SUFFIXES, format_problem
    for suffix in (".amb", ".bwf", ".rf64"):
        assert suffix in READABLE_SUFFIXES and suffix in AUDIO_EXTENSIONS and suffix not in OTHER_AUDIO_SUFFIXES
        assert "convert" not in format_problem(suffix.upper())


def test_the_boxs_unpacking_decoder_and_sampler_take_them(tmp_path: Path) -> None:
    from device.audio.sample_decode import decode_file
    from device.library.archive import unpack_archive
    made = write_odd_wavs(tmp_path / "src")
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in made:
            zf.write(tmp_path / "src" / name, f"Amb/{name}")
    report = unpack_archive(archive, tmp_path / "lib")
    got = {f.path: (f.ok, f.channels, f.frames, f.reason) for f in report.files}
    assert got == {f"Amb/{name}": (True, ch, RATE // 5, "") for name, ch in made.items()}, got
    for name in made:
        decoded, warnings = decode_file(str(tmp_path / "lib" / "Amb" / name), 48000, 2.0)
        assert decoded.data.ndim == 1 and abs(decoded.n - 48000 // 5) <= 2 and decoded.rate == RATE, warnings
        assert float(np.max(np.abs(decoded.data[:decoded.n]))) > 0.01


def test_the_library_scan_lists_them_and_leaves_the_leftovers(tmp_path: Path) -> None:
    """device.library.scan.LibraryWalk: `hatbox tag`'s walk and the box's library scan."""
    from device.library.scan import LibraryWalk
    lib = tmp_path / "lib"
    write_odd_wavs(lib / "Kit")
    sf.write(lib / "Kit" / "kick.wav", _audio(4, 1), RATE)
    for rel in ("#recycle/Kit/deleted clap.wav", "@Recycle/old snare.wav", "$RECYCLE.BIN/S-1-5-21-1001/$RZ3K9QX.wav",
                ".recycle/gone.wav", "Kit/@eaDir/kick.wav/SYNOPHOTO_THUMB.wav", "Kit/kick.wav.asd",
                "Kit/kick.wav.reapeaks", "Kit/kick.wav@SynoEAStream", "Icon\r", "Kit/Icon\r"):
        (lib / rel).parent.mkdir(parents=True, exist_ok=True)
        (lib / rel).write_bytes((lib / "Kit" / "kick.wav").read_bytes())
    walk = LibraryWalk(lib)
    listed = sorted(p.relative_to(lib).as_posix() for p in walk)
    assert listed == ["Kit/kick.wav", "Kit/long.rf64", "Kit/room.amb", "Kit/take.bwf"]
    assert walk.other_formats == [] and walk.unreadable == []


@pytest.mark.parametrize("name, kind", [
    ("#recycle", "recycle bin"), ("@Recycle", "recycle bin"), ("$RECYCLE.BIN", "recycle bin"),
    ("$Recycle.Bin", "recycle bin"), ("@eaDir", "NAS metadata"), ("kick.wav@SynoEAStream", "NAS metadata"),
    ("kick.wav@SynoResource", "NAS metadata"), ("kick.wav.asd", "DAW sidecar"), ("Kick.WAV.ASD", "DAW sidecar"),
    ("kick.wav.reapeaks", "DAW sidecar"), ("Icon\r", "folder icon")])
def test_leftovers_are_hidden_names(name: str, kind: str) -> None:
    assert junk_kind(name) == kind and hidden_name(name)


@pytest.mark.parametrize("name", ["kick.wav", "Icon", "Icons", "recycle", "Recycled Sounds", "#recycled kicks",
                                  "eaDir", "asd.wav", "Icon\r.wav", "kick.reapeaks.wav"])
def test_sample_names_are_not_leftovers(name: str) -> None:
    assert not hidden_name(name) and junk_kind(name) == ""


def test_dot_names_stay_hidden_without_a_kind() -> None:
    for name in (".recycle", ".Trashes", ".Trash-1000", ".DS_Store", "._kick.wav", "__MACOSX"):
        assert hidden_name(name) and junk_kind(name) == ""


def test_an_archive_member_named_icon_cr_is_metadata_not_an_unsafe_name() -> None:
    from device.library.member_checks import is_metadata, is_metadata_member
    assert is_metadata_member("Icon\r") and is_metadata_member("Drums/Kit/Icon\r")
    assert is_metadata_member("Kit/kick.wav.asd") and is_metadata_member("#recycle/Kit/a.wav")
    assert is_metadata(PurePosixPath("Kit/@eaDir/kick.wav@SynoEAStream"))
    assert not is_metadata_member("Kit/kick.wav") and not is_metadata_member("Kit/Icon\r/../x.wav")
    assert not is_metadata_member("Kick\r.wav") and not is_metadata_member("Icon\r\r")


def test_the_box_skips_them_in_a_zip_without_a_report(tmp_path: Path) -> None:
    from device.library.archive import unpack_archive
    wav = io.BytesIO()
    sf.write(wav, _audio(5, 1), RATE, format="WAV")
    archive = tmp_path / "kit.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for rel in ("Kit/kick.wav", "#recycle/Kit/deleted.wav", "@Recycle/x.wav", "$RECYCLE.BIN/S-1/$R.wav"):
            zf.writestr(rel, wav.getvalue())
        for rel in ("Kit/kick.wav.asd", "Kit/kick.wav.reapeaks", "Kit/@eaDir/kick.wav@SynoEAStream", "Icon\r"):
            zf.writestr(rel, b"\x00sidecar" * 20)
    report = unpack_archive(archive, tmp_path / "out")
    assert [(f.path, f.ok) for f in report.files] == [("Kit/kick.wav", True)] and report.skipped == 7


def test_the_tag_trainers_folder_reading_uses_the_shared_rule(tmp_path: Path) -> None:
    """trainer.tagger.data: a sidecar, Thumbs.db and a recycle bin inside a tag folder are neither samples nor
    counted as "other files"."""
    from trainer.tagger.data import _ignored
    for rel in ("kick.wav.asd", "@eaDir/kick.wav@SynoEAStream", "#recycle/a.wav", "Thumbs.db", "Icon\r", ".x/a.wav"):
        assert _ignored(Path(rel)), rel
    for rel in ("kick.wav", "deep/room.amb"):
        assert not _ignored(Path(rel)), rel
