"""Hand-made malformed packs (QA p22): every wrong type, range, duplicate or oversized field of a manifest is one
PackError naming it (never an OverflowError or a silent coercion), on the laptop and on the box, and the box's store
is left as it was.  Also: member names, the manifest's own size, and what `hatbox pack inspect` says and prints."""
from __future__ import annotations

import json
import random
import string
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from export.manifest import Manifest
from export.pack import golden_bytes, read_pack, write_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.packs import gain_manifest, gain_pack
from tests.api.test_bad_uploads import _manifest_edit


def rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None],
            add: dict[str, bytes] | None = None) -> Path:
    """``src`` re-zipped with each member passed through ``change`` (None drops it), then ``add`` appended."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def edited(tmp: Path, edit: Callable[[dict[str, Any]], None], name: str = "edited") -> Path:
    """A good gain pack whose manifest.json went through ``edit`` (the members' checksums still hold)."""
    return _manifest_edit(tmp, name, edit)


def _set(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.update(fields)


def _knob(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["knobs"][0].update(fields)


BAD_MANIFESTS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    # was an OverflowError out of read_pack (an internal error in `hatbox pack inspect`)
    "infinite channel count": (_set(channels_in=float("inf")),
                               "channels_in has the wrong type (float; it must be a whole number)"),
    "knob maximum too large for a float": (_knob(max=10 ** 400), "malformed field"),
    # were coerced silently
    "channel count as a string": (_set(channels_in="2"), "channels_in has the wrong type (str"),
    "fractional latency": (_set(latency_samples=1.7), "latency_samples has the wrong type (float"),
    "metrics as a list": (_set(metrics=[["loss", 1]]), "metrics has the wrong type (list; it must be an object)"),
    "tags not strings": (_set(tags=[1, 2]), "tags must be a list of strings"),
    "created as an object": (_set(created={"when": 1}), "created has the wrong type"),
    # were accepted
    "no input channel": (_set(channels_in=0), "channels_in / channels_out must be 1..64, got 0 / 1"),
    "negative output channels": (_set(channels_out=-2), "got 1 / -2"),
    "name with a trailing newline": (_set(name="bad\n"), "name 'bad\\n'"),
    "version with a trailing newline": (_set(version="2.0.0\n"), "version '2.0.0\\n' is not MAJOR.MINOR.PATCH"),
    "version in non-ASCII digits": (_set(version="\u0662.0.0"), "is not MAJOR.MINOR.PATCH"),
    "knobs differing in case only": (lambda d: d["knobs"].append(dict(d["knobs"][0], name="GAIN")),
                                     "knob names 'gain' and 'GAIN' are the same"),
    "knob unit with a terminal escape": (_knob(unit="dB\x1b[2J"), "unit 'dB\\x1b[2J' is not 32 or fewer printable"),
    "knob unit as a number": (_knob(unit=3), "knob 'gain'.unit has the wrong type"),
    "a huge list of tags": (_set(tags=["t"] * 5000), "5000 tags (a pack lists at most 4096)"),
    "an input listed twice": (lambda d: d["inputs"].append(dict(d["inputs"][0])), "input 'audio_in' appears twice"),
    "a state listed twice": (lambda d: d["state"].append(dict(d["state"][0])), "state input 'state_in' appears twice"),
    "a state of an unknown dtype": (lambda d: d["state"][0].update(dtype="float64"), "dtype 'float64' not one of"),
    "golden file not a name": (lambda d: d["golden"].update(file=3), "golden.file = 3"),
    "a checksum that is no sha256": (lambda d: d["files"].update({"model.onnx": "abc"}), "is not a sha256"),
    # a newer manifest version is named as such, not by the first field it changed
    "a future manifest version": (_set(schema_version=2, sample_rate={"hz": 48000}), "made by a newer hatbox"),
    # already refused: kept as they are
    "knob range min > max": (_knob(min=2.0, max=1.0), "need finite min < max"),
    # p33: -1e308..1e308 passed; its width overflowed to inf and the knob turned to -1e308 whatever it was sent
    "knob range wider than a float": (_knob(min=-1e308, max=1e308, default=0.0), "with a finite width"),
    "negative sample rate": (_set(sample_rate=-48000), "sample_rate -48000 Hz is outside"),
    "NaN knob default": (_knob(default=float("nan")), "default nan outside"),
    "unknown kind": (_set(kind="toaster"), "kind 'toaster'"),
}


@pytest.mark.parametrize("case", list(BAD_MANIFESTS))
def test_a_malformed_manifest_is_one_error_naming_the_field(tmp_path: Path, case: str) -> None:
    edit, words = BAD_MANIFESTS[case]
    with pytest.raises(PackError) as err:
        read_pack(edited(tmp_path, edit))
    assert err.value.check == "manifest", err.value
    assert words in str(err.value)


def test_a_future_manifest_version_says_to_update_hatbox(tmp_path: Path, capsys) -> None:
    path = edited(tmp_path, _set(schema_version=7, knobs={"renamed": []}))
    assert main(["pack", "inspect", str(path)]) == 2
    said = capsys.readouterr().err
    assert "made by a newer hatbox (manifest version 7; this hatbox reads version 1)" in said
    assert "hint: update hatbox" in said and "knobs" not in said


@pytest.mark.parametrize("case", ["infinite channel count", "knob maximum too large for a float",
                                  "knob unit with a terminal escape"])
def test_inspect_names_the_field_without_an_internal_error(tmp_path: Path, capsys, case: str) -> None:
    edit, words = BAD_MANIFESTS[case]
    assert main(["pack", "inspect", str(edited(tmp_path, edit))]) == 2
    said = capsys.readouterr().err
    assert words in said and "internal error" not in said and "Traceback" not in said


@pytest.mark.parametrize("case", ["infinite channel count", "knobs differing in case only", "an input listed twice"])
def test_the_box_refuses_a_malformed_manifest_and_keeps_playing(tmp_path: Path, case: str) -> None:
    from device.store import PackStore
    from tests.api.conftest import make_box

    box = make_box(tmp_path)
    good = box.push(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")).json()["pack"]["id"]
    before = sorted(p.name for p in (box.store_dir / "packs").iterdir())
    edit, words = BAD_MANIFESTS[case]
    r = box.push(edited(tmp_path, edit))
    assert r.status_code == 422 and r.json()["check"] == "manifest" and words in r.json()["message"], r.text
    assert box.active() == good
    assert sorted(p.name for p in (box.store_dir / "packs").iterdir()) == before
    assert PackStore(box.store_dir).problems() == []


def test_a_manifest_written_by_to_dict_still_reads(tmp_path: Path) -> None:
    """The stricter reader takes what the writer writes, defaults left out included."""
    d = gain_manifest().to_dict()
    for key in ("state", "knobs", "channels_in", "channels_out", "latency_samples", "block_multiple", "tags",
                "metrics", "extras", "files", "created", "description"):
        d.pop(key)
    d["inputs"], d["outputs"] = d["inputs"][:1], d["outputs"][:1]
    m = Manifest.from_dict(d)
    assert m.channels_in == 1 and m.knobs == [] and m.files == {}


# ------------------------------------------------------------------------------ members
def test_a_member_name_with_a_trailing_newline_is_not_written(tmp_path: Path) -> None:
    """The member-name rule ended in ``$``, which matches before a final newline."""
    with pytest.raises(PackError, match="member name 'notes.npy\\\\n' is not allowed") as err:
        write_pack(tmp_path / "a.hatpack", gain_manifest(), {"model.onnx": b"m", "notes.npy\n": b"x"})
    assert err.value.check == "members" and not (tmp_path / "a.hatpack").exists()


@pytest.mark.parametrize("name", ["..\\evil.onnx", "/abs.onnx", "C:\\evil.onnx", "sub/model.onnx", ".hidden"])
def test_member_names_that_leave_the_flat_archive_are_refused(tmp_path: Path, name: str) -> None:
    bad = rewrite(gain_pack(tmp_path / "g.hatpack"), tmp_path / "bad.hatpack", lambda n, d: d, add={name: b"x"})
    with pytest.raises(PackError, match="is not allowed") as err:
        read_pack(bad)
    assert err.value.check == "members"


def test_two_manifests_in_one_archive_are_refused_whichever_was_signed(tmp_path: Path) -> None:
    """A second manifest.json (another tool could read either one) is refused before either is parsed, also when
    the first is the one a trusted key signed."""
    from device.validate import validate_pack
    from export.signing import generate_key, sign_pack
    from tests.api.conftest import FAST_ENGINE

    key = generate_key()
    signed = sign_pack(gain_pack(tmp_path / "g.hatpack"), key)
    with zipfile.ZipFile(signed) as zf:
        other = json.loads(zf.read("manifest.json"))
    other["knobs"][0]["max"] = 100.0
    with pytest.warns(UserWarning, match="Duplicate name"):
        bad = rewrite(signed, tmp_path / "two.hatpack", lambda n, d: d,
                      add={"manifest.json": json.dumps(other).encode()})
    for call in (lambda: read_pack(bad),
                 lambda: validate_pack(bad, FAST_ENGINE, trusted=[key.public_key()], require_signature=True)):
        with pytest.raises(PackError, match="'manifest.json' appears twice") as err:
            call()
        assert err.value.check in ("members", "archive")


def _random_text(n: int) -> str:
    rng = random.Random(0)
    return "".join(rng.choices(string.ascii_letters + string.digits, k=n))


def test_a_manifest_of_megabytes_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    from export.pack import MAX_MANIFEST_BYTES
    text = _random_text(MAX_MANIFEST_BYTES + 1000)      # random: deflate cannot make it look like a bomb
    bad = edited(tmp_path, _set(description=text))
    with pytest.raises(PackError, match=r"manifest.json is \d+ bytes \(limit 4194304\)") as err:
        read_pack(bad)
    assert err.value.check == "members"
    m = gain_manifest()
    m.description = text
    out = tmp_path / "w.hatpack"
    with pytest.raises(PackError, match="not writing w.hatpack: its manifest.json would be"):
        write_pack(out, m, {"model.onnx": b"m"})
    assert not out.exists()


# ------------------------------------------------------------------------------ the CLI
def test_inspect_a_folder_a_missing_file_and_a_zip_that_is_no_pack(tmp_path: Path, capsys) -> None:
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8")
    (tmp_path / "folder").mkdir()
    for arg, words in (("folder", "folder is a folder, not a pack"), ("nothing.hatpack", "no pack at"),
                       ("photos.zip", "photos.zip: no manifest.json inside: a zip archive, but not a .hatpack")):
        assert main(["pack", "inspect", str(tmp_path / arg)]) == 2
        said = capsys.readouterr().err
        assert words in said and "hint: " in said, said
        assert "Traceback" not in said and len([ln for ln in said.splitlines() if ln.startswith("hatbox")]) == 1


def test_inspect_prints_a_manifests_free_text_escaped(tmp_path: Path, capsys) -> None:
    """Tags, the description and metrics are anyone's text: a terminal escape in them is shown, not obeyed."""
    m = gain_manifest()
    m.tags, m.description, m.metrics = ["kick\x1b[2J"], "fx\u202eevil", {"loss\x07": "x\x1b]0;t\x07"}
    g = golden_bytes({"audio_in": np.zeros((1, 4), np.float32)}, {"audio_out": np.zeros((1, 4), np.float32)})
    path = write_pack(tmp_path / "t.hatpack", m, {"model.onnx": b"m", "golden.npz": g})
    assert main(["pack", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "tags: kick\\x1b[2J" in out and "fx\\u202eevil" in out and "figure loss\\x07: x\\x1b]0;t\\x07" in out
