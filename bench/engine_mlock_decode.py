"""How late a block clock runs while the sampler decodes long files, under each way of locking memory (thirty-fourth
stop).

The engine process locks its memory (``device.audio.realtime.lock_memory``).  With ``MCL_FUTURE`` alone every new
mapping is populated inside the call that makes it, and numpy makes its big arrays holding the GIL, so the audio
thread waits while the sampler decodes a file (a soak that made kits of new libraries heard 22-96 ms stalls).  With
``MCL_ONFAULT`` pages are locked as they are first touched.  Each run is a fresh process that locks memory one way,
then ticks a 2.67 ms clock (48 kHz, block 128) on its main thread while a helper thread maps 12 notes of 20 s stereo
44.1 kHz files on a ``SamplerSource`` (decode, mix, resample: what a kit of loops costs); the two ways alternate,
three runs each.  Prints each way's ticks later than 1 ms / 5 ms past their due time and the worst, medians of the
runs, and writes bench/results/engine_mlock_decode.json.  Needs permission to lock memory (root, or memlock raised).

Run: .venv/bin/python bench/engine_mlock_decode.py  (about 1 min)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import write_result  # noqa: E402

NAME = "engine_mlock_decode"           # bench/results/NAME.json, with the machine's facts (engine_common)
BLOCK_S = 128 / 48000

PROBE = r'''
import json, sys, threading, time
sys.path.insert(0, sys.argv[1])
from device.audio.realtime import lock_memory
from device.audio.sampler import SamplerSource
refused = lock_memory(on_fault=sys.argv[2] == "onfault")
files = sys.argv[3:]
src = SamplerSource(48000)
done = threading.Event()
def decode():
    for i, f in enumerate(files):
        src.map_note(40 + i, f, loop=True)
    done.set()
late, block = [], 128 / 48000
due = time.perf_counter() + 0.05
worker = threading.Thread(target=decode)
started = False
while not done.is_set() or not started:
    now = time.perf_counter()
    if now < due:
        time.sleep(due - now)
    late.append(time.perf_counter() - due)
    due += block
    if not started and len(late) > 20:
        worker.start(); started = True
worker.join()
print(json.dumps({"refused": refused, "late_s": late}))
'''


def make_files(folder: Path, n: int = 12, seconds: float = 20.0) -> list[str]:
    """``n`` stereo 44.1 kHz float WAVs of ``seconds`` each (a filtered noise loop), in ``folder``."""
    import soundfile as sf
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        x = rng.standard_normal((int(seconds * 44100), 2)).astype(np.float32) * 0.1
        path = folder / f"loop{i}.wav"
        sf.write(path, x, 44100, subtype="FLOAT")
        paths.append(str(path))
    return paths


def run(way: str, files: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), way, *files], capture_output=True, text=True,
                         check=True, timeout=300)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    late = np.array(got["late_s"])
    return {"ticks": int(late.size), "over_1ms": int((late > 0.001).sum()), "over_5ms": int((late > 0.005).sum()),
            "worst_ms": float(late.max() * 1e3), "refused": got["refused"]}


def main() -> None:
    result: dict[str, object] = {"runs": {"future": [], "onfault": []}}
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        for _ in range(3):
            for way in ("future", "onfault"):
                result["runs"][way].append(run(way, files))
    for way, runs in result["runs"].items():
        if any(r["refused"] for r in runs):
            sys.exit(f"error: memory could not be locked ({runs[0]['refused']}): run as root or raise memlock")
        med = {k: float(np.median([r[k] for r in runs])) for k in ("ticks", "over_1ms", "over_5ms", "worst_ms")}
        result[way] = med
        print(f"{way:8s} median of {len(runs)} runs: {med['ticks']:.0f} ticks, {med['over_1ms']:.0f} over 1 ms late, "
              f"{med['over_5ms']:.0f} over 5 ms, worst {med['worst_ms']:.1f} ms")
    print(f"wrote {write_result(NAME, result)}")


if __name__ == "__main__":
    main()
