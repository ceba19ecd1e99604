"""export.pack.read_manifest: the one public reader of a pack's manifest alone (p56 F1), used by the box's panel,
knob routes and pack store instead of the private _parse_manifest; the same PackError as read_pack on a bad pack.
Each of the three is watched calling it (a spy), and no other module names the private reader (p56 R1 review 5)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from export.manifest import Knob, Manifest, TensorSpec
from export.pack import golden_bytes, read_manifest, read_pack, write_pack
from hatbox.errors import PackError


def _pack(tmp_path: Path) -> Path:
    manifest = Manifest(kind="effect", name="read me", version="1.0.0", sample_rate=48000,
                        inputs=[TensorSpec("audio_in", (1, "T"))], outputs=[TensorSpec("audio_out", (1, "T"))],
                        knobs=[Knob("drive", 0, 10, 5, unit="")])
    golden = golden_bytes({"audio_in": np.zeros((1, 4), np.float32)}, {"audio_out": np.ones((1, 4), np.float32)})
    return write_pack(tmp_path / "a.hatpack", manifest, {"model.onnx": b"onnx", "golden.npz": golden})


def _with_manifest(tmp_path: Path, text: bytes) -> Path:
    path = tmp_path / "bad.hatpack"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", text)
        zf.writestr("model.onnx", b"onnx")
    return path


def test_reads_the_manifest_read_pack_reads(tmp_path: Path) -> None:
    path = _pack(tmp_path)
    got = read_manifest(path)
    assert isinstance(got, Manifest) and got.name == "read me" and got.knob("drive").max == 10
    assert got.to_dict() == read_pack(path).manifest.to_dict()
    assert read_manifest(str(path)).name == "read me"          # a str path as well as a Path


@pytest.mark.parametrize("text, check", [(b"{not json", "manifest"), (b"[" * 40 + b"]" * 40, "manifest")])
def test_a_bad_manifest_is_the_pack_error_read_pack_gives(tmp_path: Path, text: bytes, check: str) -> None:
    path = _with_manifest(tmp_path, text)
    with pytest.raises(PackError) as mine:
        read_manifest(path)
    with pytest.raises(PackError) as theirs:
        read_pack(path)
    assert mine.value.check == theirs.value.check == check and str(mine.value) == str(theirs.value)


def test_no_pack_there_is_a_pack_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no pack at"):
        read_manifest(tmp_path / "gone.hatpack")


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths export.pack.read_manifest is asked for from now on (it still reads them)."""
    import export.pack
    asked: list[str] = []
    real = export.pack.read_manifest

    def spy(path: str | Path) -> Manifest:
        asked.append(str(path))
        return real(path)
    monkeypatch.setattr(export.pack, "read_manifest", spy)
    return asked


def _installed(tmp_path: Path) -> tuple[Path, str]:
    """(a store's root, the id of the pack its packs/ID/ holds: _pack's)."""
    from device.store import PackStore
    store, pid = PackStore(tmp_path / "store"), "effect-read-me-0123456789ab"
    store.pack_path(pid).parent.mkdir(parents=True)
    _pack(tmp_path).rename(store.pack_path(pid))
    return store.root, pid


def test_the_knob_routes_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """p56 R1 review 5: the one test of the box's readers passed on the code before read_manifest (it checked what
    knob_routes got, not how); each of the three readers is now watched calling it."""
    from device.api.knob_routes import _manifest
    asked, path = _spy(monkeypatch), _pack(tmp_path)
    assert _manifest(path).name == "read me"
    assert _manifest(tmp_path / "gone.hatpack") is None        # its file went: the knob's range not known, logged
    assert asked == [str(path), str(tmp_path / "gone.hatpack")]


def test_the_pack_store_fills_a_tagger_record_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.store import PackStore
    root, pid = _installed(tmp_path)
    store = PackStore(root)
    asked = _spy(monkeypatch)
    store._filled(pid, {"kind": "tagger"})          # a record written by an older box: filled from the manifest
    assert asked == [str(store.pack_path(pid))]


def test_the_panel_lists_a_pack_by_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.ui.data import StoreData
    root, pid = _installed(tmp_path)
    data = StoreData(root)
    asked = _spy(monkeypatch)
    assert data._manifest(pid).name == "read me" and data._manifest(pid).name == "read me"      # kept: read once
    assert asked == [str(data.store.pack_path(pid))]


def test_no_module_but_export_pack_names_the_private_reader() -> None:
    root = Path(__file__).resolve().parents[2]
    naming = [str(p.relative_to(root)) for folder in ("device", "export", "hatbox", "trainer")
              for p in (root / folder).rglob("*.py") if "_parse_manifest" in p.read_text(encoding="utf-8")]
    assert naming == ["export/pack.py"]
