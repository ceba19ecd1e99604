"""Round-trip latency on the ALSA file path, and bad packs caught within one block.

1. Latency: clicks every 100 ms are captured from a raw file through PCM 'hatbox_file'
   (pyalsaaudio -> file plugin), run through the engine process with the effect pack active,
   and played back to a raw file.  The click's offset in the output is the latency the file
   path can see (the playback queue primed ahead of every block + model latency); the capture
   period is added from the period ALSA granted (the file plugin does not model capture time).
   Budget: period x periods + model latency (device/audio/alsa_io.AudioConfig.latency_budget).
2. Faults: a pack that turns NaN on loud input and a +46 dB pack (beyond the 40 dB cap of a
   measured gain limit: a +20 dB pack is now a boost that plays, device/audio/swap.calibrate_gain),
   each played loud through the same path: the block where the fault is reported vs the first bad block, NaN/inf in
   the file, and the output peak against the limiter's ceiling.

    .venv/bin/python bench/engine_latency.py
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, WORK, effect_pack, guitarish, write_result  # noqa: E402

PERIOD, PERIODS = 128, 3


def run_engine(work: Path, inp: np.ndarray, pack: str, seconds: float) -> tuple[np.ndarray, dict]:
    from device.audio.alsa_io import AudioConfig, write_file_pcm
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    work.mkdir(parents=True, exist_ok=True)
    src, dst = work / "in.raw", work / "out.raw"
    inp.astype(np.float32).tofile(src)
    conf = write_file_pcm(work / "asoundrc", dst, src)
    cfg = ServerConfig(engine=EngineConfig(rate=RATE, block=PERIOD), alsa_conf=str(conf), seconds=seconds,
                       audio=AudioConfig(device="hatbox_file", rate=RATE, period=PERIOD, periods=PERIODS),
                       packs={"effect": pack}, status_json=str(work / "status.json"), realtime=False)
    EngineProcess(cfg).start().wait(seconds + 60)
    return np.fromfile(dst, np.float32), json.loads((work / "status.json").read_text())


def latency(pack: str) -> dict:
    from device.audio.alsa_io import AudioConfig
    x = np.zeros(RATE * 2, np.float32)
    clicks = np.arange(RATE // 10, x.shape[0] - RATE // 10, RATE // 10)
    x[clicks] = 0.5
    y, st = run_engine(WORK / "latency", x, pack, 2.0)
    offsets = [int(np.argmax(np.abs(y[c:c + 4096]) > 0.05)) for c in clicks if c + 4096 <= y.shape[0]]
    granted = st["device"]["playback"]
    model = int(st["active"]["effect"].get("latency_samples", 0))
    budget = AudioConfig(rate=RATE, period=PERIOD, periods=PERIODS).latency_budget(model)
    measured_file = int(np.median(offsets))
    capture = int(st["device"]["capture"]["period_size"])
    return {"period": PERIOD, "periods": PERIODS, "granted": st["device"], "model_latency_samples": model,
            "budget_ms": budget, "file_offset_samples": measured_file, "file_offsets_all_equal": len(set(offsets)) == 1,
            "measured_round_trip_samples": measured_file + capture,
            "measured_round_trip_ms": 1000.0 * (measured_file + capture) / RATE,
            "target_ms": 10.0, "pass": 1000.0 * (measured_file + capture) / RATE <= 10.0}


def fault(kind: str, value: float) -> dict:
    from tests.engine.packs import effect_pack as test_pack
    work = WORK / f"fault_{kind}"
    work.mkdir(parents=True, exist_ok=True)
    pack = test_pack(work / "bad.hatpack", kind, value)
    x = np.concatenate([0.2 * guitarish(0.5, seed=3) / 0.25, 0.9 * np.sign(guitarish(1.0, seed=4))]).astype(np.float32)
    x[: RATE // 2] = np.clip(x[: RATE // 2], -0.3, 0.3)       # quiet half second: the NaN pack is still clean
    first_bad = RATE // 2 // PERIOD if kind == "nan" else 0
    y, st = run_engine(work, x, str(pack), 1.5)
    f = st["faults"][0] if st["faults"] else {}
    lag = (PERIODS - 1) * PERIOD
    return {"pack": kind, "fault": f.get("reason"), "fault_block": f.get("block"),
            "first_bad_block": first_bad, "blocks_late": None if not f else f["block"] - first_bad - 8,
            "nonfinite_in_file": int(np.sum(~np.isfinite(y))), "peak_out": float(np.max(np.abs(y))),
            "ceiling": float(10 ** (-1 / 20)), "bypassed": st["bypassed"]["effect"],
            "peak_during_first_bad_block": float(np.max(np.abs(y[lag + (first_bad + 8) * PERIOD:][:PERIOD])))}


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    pack, label = effect_pack()
    lat = latency(str(pack))
    faults = [fault("nan", 0.5), fault("gain", 46.0)]
    ok = lat["pass"] and all(f["fault"] and f["blocks_late"] == 0 and f["nonfinite_in_file"] == 0
                             and f["peak_out"] <= f["ceiling"] + 1e-6 for f in faults)
    res = {"pack_label": label, "latency": lat, "faults": faults, "pass": ok,
           "note": "fault_block counts the engine's 8 preroll blocks; blocks_late = fault_block - 8 - first_bad_block"}
    b = lat["budget_ms"]
    print(f"{label}\nlatency budget: capture {b['capture_ms']:.2f} ms + playback queue {b['playback_ms']:.2f} ms "
          f"+ model {b['model_ms']:.2f} ms = {b['round_trip_ms']:.2f} ms (period {PERIOD} x {PERIODS})")
    print(f"measured on the file path: output offset {lat['file_offset_samples']} samples + capture period "
          f"= {lat['measured_round_trip_ms']:.2f} ms (target <= 10 ms)")
    for f in faults:
        print(f"{f['pack']}: fault '{f['fault']}' {f['blocks_late']} blocks after the first bad block, "
              f"NaN/inf in file {f['nonfinite_in_file']}, peak {f['peak_out']:.3f} (ceiling {f['ceiling']:.3f})")
    print("wrote", write_result("engine_latency", res))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
