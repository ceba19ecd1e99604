"""The pack contract: write, read, verify; every kind of damage is a specific PackError."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from export.manifest import Knob, Manifest, TensorSpec
from export.pack import golden_bytes, read_pack, write_pack
from hatbox.cli import main
from hatbox.errors import KnobError, PackError


def _manifest() -> Manifest:
    return Manifest(kind="effect", name="test fx", version="1.0.0", sample_rate=48000,
                    inputs=[TensorSpec("audio_in", (1, "T"))], outputs=[TensorSpec("audio_out", (1, "T"))],
                    knobs=[Knob("drive", 0, 10, 5, unit=""), Knob("freq", 20, 20000, 1000, "Hz", "log")])


def _write(tmp_path: Path) -> Path:
    g = golden_bytes({"audio_in": np.zeros((1, 4), np.float32)}, {"audio_out": np.ones((1, 4), np.float32)})
    return write_pack(tmp_path / "a.hatpack", _manifest(), {"model.onnx": b"not really onnx", "golden.npz": g})


def test_round_trip(tmp_path: Path) -> None:
    pack = read_pack(_write(tmp_path))
    assert pack.manifest.name == "test fx"
    assert pack.manifest.knob("DRIVE").max == 10
    ins, outs = pack.golden()
    assert ins["audio_in"].shape == (1, 4) and float(outs["audio_out"].sum()) == 4.0
    assert set(pack.manifest.files) == {"model.onnx", "golden.npz"}


def test_knob_ranges_and_log_scale() -> None:
    m = _manifest()
    freq = m.knob("freq")
    assert freq.normalize(20) == pytest.approx(0.0)
    assert freq.normalize(20000) == pytest.approx(1.0)
    assert freq.denormalize(freq.normalize(632.0)) == pytest.approx(632.0)
    with pytest.raises(KnobError, match="outside its range"):
        m.knob("drive").normalize(11)
    with pytest.raises(KnobError, match="has no knob 'tone'"):
        m.knob("tone")


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


def _tamper_manifest(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    d = json.loads(data)
    d["sample_rate"] = 44100
    d["files"]["model.onnx"] = "0" * 64
    return json.dumps(d).encode()


@pytest.mark.parametrize("change, check", [
    (lambda n, d: d + b"x" if n == "model.onnx" else d, "checksum"),
    (lambda n, d: None if n == "golden.npz" else d, "checksum"),
    (_tamper_manifest, "checksum"),
    (lambda n, d: b"{not json" if n == "manifest.json" else d, "manifest"),
])
def test_damage_is_named(tmp_path: Path, change, check: str) -> None:
    bad = _rewrite(_write(tmp_path), tmp_path / "bad.hatpack", change)
    with pytest.raises(PackError) as err:
        read_pack(bad)
    assert err.value.check == check


def test_truncated_archive(tmp_path: Path) -> None:
    data = _write(tmp_path).read_bytes()
    cut = tmp_path / "cut.hatpack"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(PackError, match="not a readable pack archive"):
        read_pack(cut)


def test_zip_slip_and_bomb_members_refused(tmp_path: Path) -> None:
    slip = tmp_path / "slip.hatpack"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("../evil.onnx", b"x")
    with pytest.raises(PackError, match="not allowed"):
        read_pack(slip)
    bomb = tmp_path / "bomb.hatpack"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.onnx", b"\0" * (64 << 20))
    with pytest.raises(PackError, match="archive bomb"):
        read_pack(bomb)


def test_manifest_validation_errors() -> None:
    d = _manifest().to_dict()
    d["kind"] = "toaster"
    with pytest.raises(PackError, match="kind 'toaster'"):
        Manifest.from_dict(d)
    d = _manifest().to_dict()
    d["knobs"][0]["default"] = 99
    with pytest.raises(PackError, match="default 99"):
        Manifest.from_dict(d)


def test_cli_inspect(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path)
    assert main(["pack", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "all checksums verified" in out and "knob freq: 20..20000 Hz" in out
    bad = _rewrite(path, tmp_path / "bad.hatpack", lambda n, d: d + b"!" if n == "model.onnx" else d)
    assert main(["pack", "inspect", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "checksum mismatch for 'model.onnx'" in err and "Traceback" not in err


def test_the_tag_rule_takes_any_script_and_refuses_controls_and_bidi_overrides():
    from export.manifest import tag_problem
    for ok in ("Kick drüm", "スネア", "ハイ\u3000ハット", "کیک\u200cها", "808 \U0001f525"):
        assert tag_problem(ok) is None, ok
    for bad in ("kick\x1b[2J", "evil\u202ekcik", "a\u2028b", "kick, acoustic", "kick/808", "..", "#x", " "):
        assert tag_problem(bad), bad


def test_the_writer_refuses_a_pack_the_reader_would_refuse(tmp_path: Path) -> None:
    """A member over RATIO_FROM that compresses past MAX_RATIO (a large all-zero golden snapshot, as a
    huge effect state made) is refused before writing, naming it; what was at the path is kept."""
    from export.pack import MAX_RATIO
    RATIO_FROM = 1 << 20            # noqa: N806 - export.pack.RATIO_FROM: smaller members are not ratio-checked
    g = golden_bytes({"audio_in": np.zeros((1, 4), np.float32), "state_in_0": np.zeros((1, RATIO_FROM), np.float32)},
                     {"audio_out": np.zeros((1, 4), np.float32)})
    assert len(g) > RATIO_FROM and MAX_RATIO < 1000        # all zeros deflate about 1000:1
    out = tmp_path / "sub" / "a.hatpack"
    with pytest.raises(PackError, match="not writing a.hatpack.*'golden.npz'.*archive bomb") as err:
        write_pack(out, _manifest(), {"model.onnx": b"not really onnx", "golden.npz": g})
    assert err.value.check == "members"
    assert not out.parent.exists()
    out.parent.mkdir()
    out.write_bytes(b"the old pack")
    with pytest.raises(PackError, match="not writing"):
        write_pack(out, _manifest(), {"model.onnx": b"not really onnx", "golden.npz": g})
    assert out.read_bytes() == b"the old pack" and [p.name for p in out.parent.iterdir()] == ["a.hatpack"]
    # just under RATIO_FROM, the same zeros are written and read back
    small = golden_bytes({"state_in_0": np.zeros((1, RATIO_FROM // 4 - 256), np.float32)}, {})
    assert len(small) <= RATIO_FROM
    pack = read_pack(write_pack(out, _manifest(), {"model.onnx": b"not really onnx", "golden.npz": small}))
    assert pack.golden()[0]["state_in_0"].shape == (1, RATIO_FROM // 4 - 256)


def test_a_compressed_npz_bomb_inside_the_golden_snapshot_is_refused_before_numpy_opens_it(tmp_path: Path) -> None:
    """golden.npz is itself a zip: one deflated inside it is deflated twice, so the outer archive's ratio check
    sees a small member.  Pack.golden() holds the inner zip to the same limits before numpy expands it."""
    import io

    buf = io.BytesIO()
    np.savez_compressed(buf, **{"in.audio_in": np.zeros((1, 4), np.float32),
                                "out.audio_out": np.zeros((1, 1 << 22), np.float32)})     # 16 MiB of zeros
    assert len(buf.getvalue()) < 100_000
    pack = read_pack(_with_golden(_write(tmp_path), tmp_path / "b.hatpack", buf.getvalue()))
    with pytest.raises(PackError, match="'out.audio_out.npy' expands to 16777344 bytes.*archive bomb") as err:
        pack.golden()
    assert err.value.check == "golden"


# --------------------------------------------------------------------------- the golden snapshot's own limits
def _with_golden(src: Path, dst: Path, golden: bytes) -> Path:
    """``src`` with its golden.npz replaced by ``golden`` and the manifest's checksum updated (what an attacker
    can build by hand: the pack writer refuses such snapshots)."""
    import hashlib

    def change(name: str, data: bytes) -> bytes:
        if name == "golden.npz":
            return golden
        if name == "manifest.json":
            d = json.loads(data)
            d["files"]["golden.npz"] = hashlib.sha256(golden).hexdigest()
            return json.dumps(d).encode()
        return data
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dst


def _npz(entries: dict[str, bytes], compress: bool = True) -> bytes:
    """A zip of ``entries`` (name -> bytes), deflated, as a hand-made golden.npz."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _golden_with_real_arrays(**extra: bytes) -> bytes:
    honest = golden_bytes({"audio_in": np.zeros((1, 4), np.float32)}, {"audio_out": np.ones((1, 4), np.float32)})
    import io
    with zipfile.ZipFile(io.BytesIO(honest)) as zf:
        arrays = {n: zf.read(n) for n in zf.namelist()}
    return _npz({**arrays, **extra})


def _opened_with_peak(path: Path) -> tuple[Exception | None, int, float]:
    """read_pack(path).golden(): (what it raised, peak traced bytes, seconds)."""
    import time
    import tracemalloc
    tracemalloc.start()
    t = time.perf_counter()
    raised = None
    try:
        read_pack(path).golden()
    except Exception as exc:  # noqa: BLE001 - the caller asserts what it was
        raised = exc
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return raised, peak, seconds


def test_a_golden_snapshot_of_many_one_mib_entries_is_refused_fast_in_little_memory(tmp_path: Path) -> None:
    """QA's bomb: 505 entries of exactly 1 MiB of zeros each (none over RATIO_FROM, so none held to the ratio
    alone) made a 46 KB pack that took ~600 MB to open.  The entry count, and the entries' total, refuse it."""
    golden = _golden_with_real_arrays(**{f"p{i}.npy": b"\0" * (1 << 20) for i in range(505)})
    path = _with_golden(_write(tmp_path), tmp_path / "many.hatpack", golden)
    assert path.stat().st_size < 1_000_000
    raised, peak, seconds = _opened_with_peak(path)
    assert isinstance(raised, PackError) and raised.check == "golden", raised
    assert "507 entries (limit 256)" in str(raised)
    assert peak < 8 * 2 ** 20                  # it was over 530 MB
    assert seconds < 5.0                       # it reads the entry list only (about 0.01 s)


@pytest.mark.parametrize("entries, match", [
    ({f"in.p{i}.npy": b"\0" * (1 << 20) for i in range(200)}, "over 16777216 bytes together"),   # under the count
    ({f"in.p{i}.npy": b"\0" * (1 << 20) for i in range(12)}, r"expand to 12583\d+ bytes .*ratio \d+, limit 200"),
    ({"pad.npy": b"\0" * 64}, "'pad.npy' is not an array of the snapshot"),
    ({"in/../x.npy": b"\0" * 64}, "is not an array of the snapshot"),
    ({f"in.t{i}.npy": b"" for i in range(2000)}, "entry list is \\d+ bytes"),
])
def test_the_golden_snapshot_is_held_to_its_own_limits(tmp_path: Path, entries: dict[str, bytes], match: str) -> None:
    """Too much in total (each entry within the per-entry limits), too much expansion in total, entries that are
    not the snapshot's arrays, an entry list too long to parse cheaply: each refused before numpy reads a byte."""
    path = _with_golden(_write(tmp_path), tmp_path / "bad.hatpack", _golden_with_real_arrays(**entries))
    with pytest.raises(PackError, match=match) as err:
        read_pack(path).golden()
    assert err.value.check == "golden"


def test_a_golden_npz_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A golden.npz member of more than MAX_GOLDEN_BYTES is refused from its size in the pack's entry list."""
    from export.pack import MAX_GOLDEN_BYTES
    big = _npz({"in.a.npy": np.random.default_rng(0).bytes(MAX_GOLDEN_BYTES + 1)}, compress=False)
    path = _with_golden(_write(tmp_path), tmp_path / "big.hatpack", big)
    with pytest.raises(PackError, match=f"golden snapshot 'golden.npz': {len(big)} bytes") as err:
        read_pack(path)
    assert err.value.check == "golden"


def test_the_writer_holds_the_golden_snapshot_to_the_readers_limits(tmp_path: Path) -> None:
    """write_pack promises that what it writes the reader accepts: that covers the zip inside golden.npz."""
    out = tmp_path / "a.hatpack"
    out.write_bytes(b"the old pack")
    for golden, match in ((_golden_with_real_arrays(**{f"in.p{i}.npy": b"\0" * (1 << 20) for i in range(300)}),
                           "302 entries"),
                          (_golden_with_real_arrays(**{"pad.npy": b"\0"}), "'pad.npy'")):
        with pytest.raises(PackError, match=f"not writing a.hatpack: the pack reader would refuse it: .*{match}") \
                as err:
            write_pack(out, _manifest(), {"model.onnx": b"not really onnx", "golden.npz": golden})
        assert err.value.check == "golden"
        assert out.read_bytes() == b"the old pack"
    import io
    compressed = io.BytesIO()      # an honest snapshot written with np.savez_compressed is fine
    np.savez_compressed(compressed, **{"in.audio_in": np.zeros((1, 4096), np.float32), "out.audio_out": np.ones(3)})
    pack = read_pack(write_pack(out, _manifest(), {"model.onnx": b"m", "golden.npz": compressed.getvalue()}))
    assert pack.golden()[0]["audio_in"].shape == (1, 4096)


FACTORY = Path(__file__).resolve().parents[1] / "factory"


@pytest.mark.parametrize("path", sorted(FACTORY.glob("*.hatpack")), ids=lambda p: p.name)
def test_every_factory_pack_reads_and_its_golden_snapshot_loads(path: Path) -> None:
    ins, outs = read_pack(path).golden()
    assert ins and outs
    assert all(v.size for v in (*ins.values(), *outs.values()))
