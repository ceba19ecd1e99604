"""The factory synth's level beside the kit's on the box's output, before and after its levelling (p58 QA finding 5,
the QA's own session): a sim box on a copy of a demo's store (its kit, its drive at the knob the demo left, its pad),
kit hits (notes 36, 38, 42, 46) and synth notes (48, 60, 67) at velocity 100 over OSC, 1.5 s apart, on silence;
each one's output peak (dBFS) and RMS over 300 ms around it, found by the engine's block counter.  The synth is the
pack given (--synth, default the factory's) and, for "before", the same pack with its extras.level_db taken out.

    .venv/bin/hatbox demo --out /tmp/demo        # makes /tmp/demo/hatbox-demo/store (about a minute)
    .venv/bin/python bench/synth_factory_level_box.py --store /tmp/demo/hatbox-demo/store

Writes bench/results/synth_factory_level_box.json.  About 40 s a run (two runs) on this VM.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_factory_level import without_level  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
OUT = ROOT / "bench" / "results" / "synth_factory_level_box.json"
HITS = ((36, "kick 36"), (38, "snare 38"), (42, "closed hat 42"), (46, "open hat 46"))
NOTES = (48, 60, 67)
BLOCK = 128


def start_box(work: Path, store: Path, synth: Path, name: str) -> tuple[subprocess.Popen, str, str, int, Path]:
    """A sim box on ``store`` with ``synth`` given; (process, url, token, OSC port, output WAV) once paired."""
    env = dict(os.environ, HOME=str(work / f"home_{name}"))
    port, osc = random.randint(20000, 40000), random.randint(40001, 60000)
    out, log_path = work / f"{name}.wav", work / f"{name}.log"
    sf.write(work / "silence.wav", np.zeros(48_000 * 40, np.float32), 48_000)
    cmd = [PY, "-m", "hatbox.cli", "device", "run", "--sim", "--no-panel", "--no-midi", "--no-mdns", "--host",
           "127.0.0.1", "--port", str(port), "--osc-port", str(osc), "--osc-host", "127.0.0.1", "--store", str(store),
           "--input", str(work / "silence.wav"), "--output", str(out), "--synth", str(synth)]
    proc = subprocess.Popen(cmd, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, cwd=work)
    for _ in range(1200):
        time.sleep(0.1)
        m = re.search(r"pairing code: (\S+)", log_path.read_text())
        if m and "API:" in log_path.read_text():
            break
    else:
        proc.terminate()
        raise SystemExit(f"the box did not start: {log_path}")
    url = f"http://127.0.0.1:{port}"
    subprocess.run([PY, "-m", "hatbox.cli", "pair", url, "--code", m.group(1), "--name", "bench"], env=env,
                   capture_output=True, check=True, cwd=work)
    token = json.loads((work / f"home_{name}" / ".config" / "hatbox" / "remote.json").read_text())["token"]
    return proc, url, token, osc, out


def blocks(url: str, token: str) -> int:
    req = urllib.request.Request(url + "/status", headers={"Authorization": f"Bearer {token}"})
    status = json.load(urllib.request.urlopen(req, timeout=10))
    return int(status.get("engine", status)["blocks"])


def session(work: Path, store: Path, synth: Path, name: str) -> dict[str, dict[str, float]]:
    """One run: the events played and measured in the box's output."""
    from pythonosc.udp_client import SimpleUDPClient
    copy = work / f"store_{name}"
    shutil.copytree(store, copy, ignore=shutil.ignore_patterns("box.lock", "logs"))
    proc, url, token, port, out = start_box(work, copy, synth, name)
    osc, events = SimpleUDPClient("127.0.0.1", port), []
    time.sleep(1.0)
    for slot, plays in (("sampler", HITS), ("synth", [(n, f"synth {n}") for n in NOTES])):
        for note, what in plays:
            events.append((what, blocks(url, token)))
            osc.send_message(f"/hatbox/note_on/{slot}", [note, 100])
            time.sleep(1.0)
            osc.send_message(f"/hatbox/note_off/{slot}", [note])
            time.sleep(1.0)
    proc.terminate()
    proc.wait(60)
    x, sr = sf.read(out)
    x = x if x.ndim == 1 else x[:, 0]
    return {what: measure(x, b0, sr) for what, b0 in events}


def measure(x: np.ndarray, b0: int, sr: int) -> dict[str, float]:
    seg = x[max(0, b0 * BLOCK - sr // 20): b0 * BLOCK + int(0.6 * sr)]
    i = int(np.argmax(np.abs(seg)))
    win = seg[max(0, i - sr // 10): i + sr // 5]
    return {"peak_dbfs": round(float(20 * np.log10(np.abs(seg).max() + 1e-12)), 1),
            "rms300_dbfs": round(float(10 * np.log10(np.mean(win ** 2) + 1e-24)), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a demo's store (hatbox demo --out DIR: DIR/hatbox-demo/store)")
    ap.add_argument("--synth", default=str(ROOT / "factory" / "synth-gm4.hatpack"))
    args = ap.parse_args()
    result: dict[str, object] = {"synth": args.synth, "velocity": 100}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        before = without_level(Path(args.synth), work / "before.hatpack")
        for name, pack in (("before", before), ("after", Path(args.synth))):
            got = session(work, Path(args.store), pack, name)
            kit = [v["peak_dbfs"] for k, v in got.items() if not k.startswith("synth")]
            synth = [v["peak_dbfs"] for k, v in got.items() if k.startswith("synth")]
            result[name] = {"events": got, "kit_median_minus_synth_median_db":
                            round(float(np.median(kit) - np.median(synth)), 1)}
            print(name, json.dumps(result[name]), flush=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
