"""Capture through the box, end to end, against the same gear recorded offline.

1. starts the simulated box with simulated gear in its loop (`hatbox device run --sim --sim-gear drive`: a drive
   pedal, 5 ms round trip, its own hiss) and pairs a laptop config with it;
2. `hatbox box-capture SET --knob drive=0 --knob drive=12 --knob drive=24 --yes --seconds S` (timed);
3. the same gear's pairs made offline (device/audio/sim_gear.process_offline on the same dry signal, no loop);
4. `hatbox train effect` on each with the same --minutes and seed, and again with --max-steps too (the same number
   of steps for both: on a shared CPU a time budget alone gives one set more steps than the other); reads each
   pack's held-out error (val_esr).

Prints the figures and writes bench/results/capture_roundtrip.json.  Usage:
    .venv/bin/python bench/capture_roundtrip.py [--seconds 60] [--minutes 2] [--max-steps 150] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HATBOX = [sys.executable, "-m", "hatbox.cli"]
KNOBS = (0.0, 12.0, 24.0)
KNOWN_LATENCY_MS = 5.0            # device.audio.server_config.ServerConfig.sim_gear_latency_ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_box(store: Path, port: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The simulated box with simulated gear; (its process, its pairing code)."""
    cmd = HATBOX + ["device", "run", "--sim", "--sim-gear", "drive", "--no-panel", "--no-midi", "--no-mdns",
                    "--osc-port", "0", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    end = time.monotonic() + 120
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"pairing code: (\S+)", line)
        if m:
            return proc, m.group(1)
        if time.monotonic() > end:
            break
    proc.kill()
    raise RuntimeError("the simulated box did not show a pairing code")


def offline_set(captured: Path, folder: Path) -> None:
    """The same gear's pairs made offline from the captured set's dry signal."""
    sys.path.insert(0, str(ROOT))
    from device.audio import audiofile
    from device.audio.sim_gear import process_offline
    dry, rate = audiofile.read(captured / "dry.wav", mono=True)
    folder.mkdir(parents=True, exist_ok=True)
    audiofile.write(folder / "dry.wav", dry.reshape(-1), rate)
    rows = ["input,output,drive"]
    for d in KNOBS:
        name = f"out_drive{d:g}.wav"
        audiofile.write(folder / name, process_offline(dry.reshape(-1), {"drive": d}, rate), rate)
        rows.append(f"dry.wav,{name},{d:g}")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")


def train(folder: Path, out: Path, minutes: float, env: dict[str, str], steps: int | None = None) -> dict[str, Any]:
    """Train an effect pack on ``folder`` (``steps``: --max-steps too); its held-out figures and wall seconds."""
    t = time.perf_counter()
    more = ["--max-steps", str(steps)] if steps else []
    proc = subprocess.run(HATBOX + ["train", "effect", str(folder), "--out", str(out), "--minutes", str(minutes),
                                    "--seed", "0", "--device", "cpu", *more], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"training on {folder} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    from export.pack import read_pack
    metrics = read_pack(out).manifest.metrics
    line = next((ln for ln in proc.stdout.splitlines() if "held-out error" in ln), "")
    return {"val_esr": float(metrics["val_esr"]), "steps": int(metrics.get("steps", 0)),
            "train_s": time.perf_counter() - t, "printed": line.strip()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--minutes", type=float, default=2.0)
    ap.add_argument("--max-steps", type=int, default=150, help="the same-steps comparison's step count")
    ap.add_argument("--work", type=Path, default=None, help="keep the sets and packs here (default: a temp folder)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="capture_roundtrip-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HATBOX_CONFIG": str(work / "cfg" / "remote.json"), "PYTHONPATH": str(ROOT)}
    env.pop("HATBOX_URL", None), env.pop("HATBOX_TOKEN", None)
    port = free_port()
    box, code = start_box(work / "store", port, env)
    try:
        subprocess.run(HATBOX + ["pair", f"http://127.0.0.1:{port}", "--code", code, "--name", "bench"], check=True,
                       env=env, cwd=ROOT, capture_output=True)
        knobs = [a for d in KNOBS for a in ("--knob", f"drive={d:g}")]
        t = time.perf_counter()
        subprocess.run(HATBOX + ["box-capture", str(work / "captured"), *knobs, "--yes", "--seconds",
                                 str(args.seconds)], check=True, env=env, cwd=ROOT)
        capture_s = time.perf_counter() - t
    finally:
        box.terminate()
        box.wait(30)
    record = json.loads((work / "captured" / "capture.json").read_text())
    latencies = [float(take["latency_ms"]) for take in record["takes"].values()]
    offline_set(work / "captured", work / "offline")
    captured = train(work / "captured", work / "captured.hatpack", args.minutes, env)
    offline = train(work / "offline", work / "offline.hatpack", args.minutes, env)
    same = {name: train(work / name, work / f"{name}-steps.hatpack", args.minutes, env, args.max_steps)
            for name in ("captured", "offline")}
    result = {"seconds": args.seconds, "settings": len(KNOBS), "minutes": args.minutes,
              "capture_wall_s_total": capture_s, "capture_wall_s_per_setting": capture_s / len(KNOBS),
              "latency_known_ms": KNOWN_LATENCY_MS, "latency_found_ms": latencies,
              "captured": captured, "offline": offline,
              "esr_ratio_captured_over_offline": captured["val_esr"] / max(offline["val_esr"], 1e-12),
              "same_steps": {"max_steps": args.max_steps, **same,
                             "esr_ratio_captured_over_offline": same["captured"]["val_esr"]
                             / max(same["offline"]["val_esr"], 1e-12)},
              "command": "python bench/capture_roundtrip.py " + " ".join(sys.argv[1:]),
              "note": "2-core machine shared with other jobs; the simulated box is paced to real time"}
    out = ROOT / "bench" / "results" / "capture_roundtrip.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
