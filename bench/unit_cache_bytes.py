"""What a unit kept by the loader's cache costs in memory, against its estimate (forty-fifth stop,
device/audio/unit_cache.py ``unit_bytes``: 1 MiB + 3 x the pack's ONNX model + its other members).

For each pack, in a fresh process: one unit built first (first-use costs aside), then ``--units`` more built as the
loader builds them (device/audio/swap.build_unit on the pack as read, one block run through each), the resident
set's growth per unit.  Packs: the factory drive and synth, and effects made here with big weights (no torch): a
MatMul network x A W B with W [K, K] (onnxruntime prepacks it) at 4 and 16 MiB, and a 32 MiB table read by a Gather.

    .venv/bin/python bench/unit_cache_bytes.py    # prints the figures, writes bench/results/unit_cache_bytes.json
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIB = 1 << 20
PACKS = {"factory drive": ("effect", "factory"), "factory synth": ("synth", "factory"),
         "MatMul 4 MiB": ("effect", "matmul:1024"), "MatMul 16 MiB": ("effect", "matmul:2048"),
         "Gather 32 MiB": ("effect", "gather:2896")}
FACTORY = {"effect": ROOT / "factory" / "effect-drive.hatpack", "synth": ROOT / "factory" / "synth-gm4.hatpack"}


def big_model(how: str, k: int) -> bytes:
    """y = x + 0 * f(x): f a MatMul network x A W B (W [k, k]) or a Gather from a [k * k] table at a
    data-dependent index (so no constant folding takes the weights away)."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)

    def const(name: str, value: list[Any], kind: int = TensorProto.INT64) -> Any:
        shape = [len(value)] if kind == TensorProto.INT64 else []
        return helper.make_node("Constant", [], [name], value=helper.make_tensor(name, kind, shape, value))
    nodes = [const("zero", [0.0], TensorProto.FLOAT)]
    if how == "matmul":
        inits = [numpy_helper.from_array((0.01 * rng.standard_normal(s)).astype(np.float32), n)
                 for n, s in (("A", (1, k)), ("W", (k, k)), ("B", (k, 1)))]
        nodes += [const("ax", [2]), helper.make_node("Unsqueeze", ["audio_in", "ax"], ["u"]),
                  helper.make_node("MatMul", ["u", "A"], ["h1"]), helper.make_node("MatMul", ["h1", "W"], ["h2"]),
                  helper.make_node("MatMul", ["h2", "B"], ["h3"]), helper.make_node("Squeeze", ["h3", "ax"], ["h"])]
    else:
        inits = [numpy_helper.from_array(rng.standard_normal(k * k).astype(np.float32), "W")]
        nodes += [const("i0", [0]), const("i1", [1]), const("ax", [1]),
                  helper.make_node("Slice", ["audio_in", "i0", "i1", "ax"], ["s"]),
                  helper.make_node("Mul", ["s", "zero"], ["z"]),
                  helper.make_node("Cast", ["z"], ["idx"], to=TensorProto.INT64),
                  helper.make_node("Gather", ["W", "idx"], ["h"], axis=0)]
    nodes += [helper.make_node("Mul", ["h", "zero"], ["hz"]),
              helper.make_node("Add", ["audio_in", "hz"], ["audio_out"])]
    io = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, "T"]) for n in ("audio_in", "audio_out")]
    model = helper.make_model(helper.make_graph(nodes, "big", io[:1], io[1:], initializer=inits),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def big_pack(path: Path, how: str, k: int) -> Path:
    """An effect pack (effect-v1 contract, no knobs, no state) of :func:`big_model`."""
    from export.manifest import Manifest, TensorSpec
    from export.pack import GOLDEN, MODEL, golden_bytes, write_pack
    x = (0.1 * np.sin(np.arange(256, dtype=np.float32) * 0.05)).reshape(1, -1)
    man = Manifest(kind="effect", name=f"big-{how}-{k}", version="0.1.0", sample_rate=48000,
                   inputs=[TensorSpec("audio_in", (1, "T"))], outputs=[TensorSpec("audio_out", (1, "T"))], state=[],
                   golden={"file": GOLDEN, "atol": 1e-5, "rtol": 1e-4}, extras={"contract": "effect-v1"})
    return write_pack(path, man, {MODEL: big_model(how, k), GOLDEN: golden_bytes({"audio_in": x}, {"audio_out": x})})


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_one(slot: str, source: str, units: int) -> dict[str, Any]:
    """In this process: the resident set's growth per unit of the pack ``source`` names, and its estimate."""
    from device.audio.swap import build_unit
    from device.audio.unit_cache import unit_bytes
    from export.pack import MODEL, read_pack
    with tempfile.TemporaryDirectory() as tmp:
        how, _, k = source.partition(":")
        path = FACTORY[slot] if source == "factory" else big_pack(Path(tmp) / "big.hatpack", how, int(k))
        block = np.zeros(128, np.float32)

        def built() -> Any:
            unit = build_unit(read_pack(path), slot, 48000)
            unit.process(block) if slot == "effect" else unit.render(block)
            return unit
        first = built()
        gc.collect()
        before, kept = rss_bytes(), [built() for _ in range(units)]
        gc.collect()
        grown = (rss_bytes() - before) / units
        pack = read_pack(path)
        del kept, first
        return {"model_mib": round(len(pack.members[MODEL]) / MIB, 3), "file_mib": round(path.stat().st_size / MIB, 3),
                "rss_per_unit_mib": round(grown / MIB, 2), "estimate_mib": round(unit_bytes(pack.members) / MIB, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("SLOT", "SOURCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one[0], args.one[1], args.units)))
        return
    rows = {}
    for name, (slot, source) in PACKS.items():
        out = subprocess.run([sys.executable, __file__, "--units", str(args.units), "--one", slot, source],
                             capture_output=True, text=True, check=True)
        rows[name] = json.loads(out.stdout.strip().splitlines()[-1])
        r = rows[name]
        print(f"{name:14s} model {r['model_mib']:7.3f} MiB  kept unit {r['rss_per_unit_mib']:6.2f} MiB  "
              f"estimate {r['estimate_mib']:6.2f} MiB", flush=True)
    rows["note"] = (f"resident set growth per unit over {args.units} units, each in a fresh process; a 2-core VM "
                    f"shared with other jobs (load {os.getloadavg()[0]:.1f})")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "unit_cache_bytes.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
