"""Time-based gear through the box: does the capture find the round trip of the direct sound?

For each simulated gear (`hatbox device run --sim --sim-gear G`: drive; a delay whose first echo is 1.6x louder than
the direct sound; a reverb; each 5 ms round trip), `hatbox box-capture SET --seconds S --yes` through the real
engine process and API, then the trainer's own alignment on the captured set (trainer.effect.data.load_folder: the
latency it finds in each take, lined up 1 ms late by the box).  Beside it, offline on the same dry signal and the
same gear: the round trip the old method (cross-correlation of the sync blip, its strongest match) would have found.

Prints the figures and writes bench/results/capture_timebased.json.  Usage:
    .venv/bin/python bench/capture_timebased.py [--seconds 10] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.capture_roundtrip import HATBOX, free_port  # noqa: E402

GEARS = ("drive", "delay", "reverb")
KNOWN_SAMPLES = 240              # 5 ms at 48 kHz: device.audio.server_config.ServerConfig.sim_gear_latency_ms


def start_box(store: Path, port: int, env: dict[str, str], gear: str) -> tuple[Any, str]:
    """The simulated box with simulated ``gear``; (its process, its pairing code)."""
    import re
    import subprocess
    cmd = HATBOX + ["device", "run", "--sim", "--sim-gear", gear, "--no-panel", "--no-midi", "--no-mdns",
                    "--osc-port", "0", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"pairing code: (\S+)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError(f"the simulated box with {gear} did not show a pairing code")


def blip_round_trip(gear: str, seconds: float) -> int:
    """The old method's round trip on the same gear offline: the lag of the strongest |cross-correlation| of the
    sync blip within 0..0.5 s (what capture_result.find_latency did before p44's review)."""
    from device.audio.capture_signal import RATE, blip_span, capture_signal
    from device.audio.sim_gear import make_gear
    dry, most = capture_signal(seconds), RATE // 2
    x = np.zeros(dry.shape[0] + most, np.float32)
    x[:dry.shape[0]] = dry
    rec = np.concatenate([np.zeros(KNOWN_SAMPLES, np.float32), make_gear(gear, RATE).process(x)])[:x.shape[0]]
    a, b = blip_span(seconds, RATE)
    tpl, seg = dry[a:b].astype(np.float64), rec[a:b + most].astype(np.float64)
    corr = np.correlate(seg, tpl, mode="valid")
    return int(np.argmax(np.abs(corr)))


def capture(gear: str, seconds: float, work: Path) -> dict[str, Any]:
    """Capture ``gear`` through the simulated box; the box's round trip and the trainer's latency on the set."""
    import subprocess
    env = {**os.environ, "HATBOX_CONFIG": str(work / "cfg" / "remote.json"), "PYTHONPATH": str(ROOT)}
    env.pop("HATBOX_URL", None), env.pop("HATBOX_TOKEN", None)
    port = free_port()
    box, code = start_box(work / "store", port, env, gear)
    try:
        subprocess.run(HATBOX + ["pair", f"http://127.0.0.1:{port}", "--code", code, "--name", "bench"], check=True,
                       env=env, cwd=ROOT, capture_output=True)
        t = time.perf_counter()
        subprocess.run(HATBOX + ["box-capture", str(work / "set"), "--yes", "--seconds", str(seconds)], check=True,
                       env=env, cwd=ROOT, capture_output=True)
        took = time.perf_counter() - t
    finally:
        box.terminate()
        box.wait(30)
    from trainer.effect.data import load_folder
    take = next(iter(json.loads((work / "set" / "capture.json").read_text())["takes"].values()))
    trainer = list(load_folder(work / "set").latencies.values())
    return {"gear": gear, "box_round_trip_ms": float(take["latency_ms"]),
            "box_round_trip_samples": round(float(take["latency_ms"]) * 48), "trainer_latency_samples": trainer,
            "old_blip_round_trip_samples": blip_round_trip(gear, seconds), "capture_s": took}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="capture_timebased-"))
    rows = [capture(gear, args.seconds, work / gear) for gear in GEARS]
    for r in rows:
        print(f"{r['gear']:<7} box round trip {r['box_round_trip_samples']} samples ({r['box_round_trip_ms']:.3f} ms; "
              f"known {KNOWN_SAMPLES}), trainer's latency on the take {r['trainer_latency_samples']}, old blip method "
              f"{r['old_blip_round_trip_samples']}, capture {r['capture_s']:.1f} s")
    out = ROOT / "bench" / "results" / "capture_timebased.json"
    out.write_text(json.dumps({"seconds": args.seconds, "known_samples": KNOWN_SAMPLES, "rows": rows}, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
