"""How long a MIDI program change takes to switch a pack in on the simulated box, and whether it clicks more than a
pack switched through the API (the forty-fourth stop: device/midi_programs.py).

The box is wired as ``hatbox device run --sim`` wires it: the real engine process (device.audio.server.EngineProcess,
file backend paced to the wall clock, a steady two-tone input through the effect), hatbox's BoxControl in front of
it, the box's MIDI map (cmd_device._midi_hub) and the API over that control (device.api.app.create_app).  Two effect
packs: the factory drive and the same drive with its drive knob's default lowered (a gain step the crossfade must
hide).  Program 0 and 1 map to them; program changes come through the MIDI port's callback
(device.midi_ports.translator), 20 of them alternating, then 20 switches through ``POST /packs/{id}/activate`` (the
peer: a normal pack switch).  Each switch's time runs from the program change (or the request) to the audio thread
starting the crossfade (the engine status's ``swap_blocks`` grows), polled every 2 ms.  The click measure is
bench/synth_swap.py's: the largest sample-to-sample step in the crossfade (from 2 blocks before it starts to 20 ms
after) over the signal's own largest, here in the 0.2 s before and the 0.2 s after (:func:`click_ratio`).

    .venv/bin/python bench/midi_program_switch.py    # prints the figures, writes bench/results/midi_program_switch.json
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import mido
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device import midi_ports  # noqa: E402
from device.api.app import ApiConfig, create_app  # noqa: E402
from device.audio import audiofile  # noqa: E402
from device.audio.engine import EngineConfig  # noqa: E402
from device.audio.server import EngineProcess, ServerConfig  # noqa: E402
from export.pack import read_pack, write_pack  # noqa: E402
from hatbox import cmd_device  # noqa: E402
from hatbox.cli import build_parser  # noqa: E402

RATE, BLOCK, SWITCHES, GAP_S, POLL_S = 48000, 128, 20, 0.45, 0.002


def soft_drive(where: Path) -> Path:
    """The factory drive with its drive knob's default at a quarter of its range, as pack 'drive-soft'."""
    pack = read_pack(ROOT / "factory" / "effect-drive.hatpack")
    man = copy.deepcopy(pack.manifest)
    man.name = "drive-soft"
    knob = man.knobs[0]
    man.knobs = [dataclasses.replace(knob, default=knob.min + 0.25 * (knob.max - knob.min)), *man.knobs[1:]]
    members = {k: v for k, v in pack.members.items() if k.endswith((".onnx", ".npy", ".npz"))}
    return write_pack(where / "drive-soft.hatpack", man, members)


def tones(seconds: float) -> np.ndarray:
    """[1, N] two steady tones (110 and 165 Hz, -12 dBFS together): an input that never rests."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.125 * (np.sin(2 * np.pi * 110 * t) + np.sin(2 * np.pi * 165 * t))).astype(np.float32)[None, :]


def start_box(tmp: Path, seconds: float) -> tuple[Any, Any, Any, dict[str, str]]:
    """(engine process, BoxControl, the API's TestClient, its auth header)."""
    from fastapi.testclient import TestClient
    audiofile.write(tmp / "in.wav", tones(seconds), RATE)
    cfg = ServerConfig(engine=EngineConfig(rate=RATE, block=BLOCK), backend="file", pace=True,
                       input_wav=str(tmp / "in.wav"), output_wav=str(tmp / "out.wav"))
    engine = EngineProcess(cfg).start()
    control = cmd_device.BoxControl(engine)
    cmd_device._midi_hub(build_parser().parse_args(["device", "run", "--store", str(tmp / "box"), "--no-midi"]),
                         control)
    codes: list[str] = []
    client = TestClient(create_app(tmp / "box", control, ApiConfig(on_code=codes.append)))
    token = client.post("/pair", json={"code": codes[-1], "name": "bench"}).json()["token"]
    return engine, control, client, {"Authorization": f"Bearer {token}"}


def swaps(control: Any) -> list[int]:
    return list(control.status()["swap_blocks"])


def timed(control: Any, go: Callable[[], None]) -> float:
    """Seconds from ``go()`` to the audio thread starting the next crossfade."""
    before = len(swaps(control))
    start = time.perf_counter()
    go()
    while len(swaps(control)) == before:
        if time.perf_counter() - start > 30:
            raise RuntimeError("no switch came in 30 s")
        time.sleep(POLL_S)
    return time.perf_counter() - start


def click_ratio(y: np.ndarray, at: int) -> float:
    """The largest sample step from 2 blocks before sample ``at`` to 20 ms after, over the largest of the signal's own
    in the 0.2 s before it and in the 0.2 s from 50 ms after it (bench/synth_swap.py's measure, which takes the
    before alone, with the after added: a switch to a louder pack has larger steps of its own, which are no click).
    Under 1: no step in the crossfade larger than either pack's own."""
    d = np.abs(np.diff(y.astype(np.float64)))
    before, after = d[at - 9600:at - 2 * BLOCK].max(), d[at + 2400:at + 12000].max()
    near = d[at - 2 * BLOCK:at + 960 + 2 * BLOCK].max()
    return float(near / max(before, after, 1e-12))


def summary(values: list[float], scale: float = 1.0, digits: int = 1) -> dict[str, float]:
    return {"median": round(statistics.median(values) * scale, digits), "min": round(min(values) * scale, digits),
            "max": round(max(values) * scale, digits)}


def run(tmp: Path, switches: int) -> dict[str, Any]:
    engine, control, client, auth = start_box(tmp, 12.0 + switches * 2 * (GAP_S + 1.0))
    try:
        ids = []
        for path in (ROOT / "factory" / "effect-drive.hatpack", soft_drive(tmp)):
            r = client.post("/packs", params={"activate": not ids}, content=path.read_bytes(), headers=auth)
            ids.append(r.json()["pack"]["id"])
        for program, pid in enumerate(ids):
            client.put(f"/midi/programs/{program}", json={"pack": pid}, headers=auth)
        switcher = client.app.state.programs
        port = midi_ports.translator(control.midi, control.send)
        time.sleep(GAP_S)
        by_midi, parts = [], []
        for i in range(switches):
            by_midi.append(timed(control, lambda: port(mido.Message("program_change", program=(i + 1) % 2))))
            switcher.wait()
            parts.append((switcher.last["waited_ms"], switcher.last["switch_ms"]))
            time.sleep(GAP_S)
        by_api = []
        for i in range(switches):
            pid = ids[(i + 1) % 2]
            by_api.append(timed(control, lambda: client.post(f"/packs/{pid}/activate", headers=auth)))
            time.sleep(GAP_S)
        blocks = swaps(control)
    finally:
        engine.stop()
    y, _ = audiofile.read(tmp / "out.wav", expect_rate=RATE, mono=True)
    y = y.reshape(-1)
    ratios = [click_ratio(y, b * BLOCK) for b in blocks[-2 * switches:]]
    return {"switches_each": switches, "by_program_change_ms": summary(by_midi, 1000.0),
            "of_which_settle_wait_ms": summary([w for w, _ in parts]),
            "of_which_activation_ms": summary([s for _, s in parts]),
            "by_api_activate_ms": summary(by_api, 1000.0),
            "click_ratio_program_change": summary(ratios[:switches], digits=2),
            "click_ratio_api_activate": summary(ratios[switches:], digits=2),
            "settle_ms": round(switcher.settle_s * 1000), "poll_ms": POLL_S * 1000,
            "engine": "EngineProcess, file backend paced to the wall clock, 48 kHz, 128-sample blocks"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=SWITCHES)
    parser.add_argument("--name", default="midi_program_switch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(Path(tmp), args.switches)
    report(args.name, rows)


def report(name: str, rows: dict[str, Any]) -> None:
    """Print ``rows`` and write them, with the machine and its load, to bench/results/NAME.json (the benches' own
    engine_common.write_result)."""
    from engine_common import write_result
    for key, value in rows.items():
        print(f"{key}: {value}")
    print(f"wrote {write_result(name, rows)}")


if __name__ == "__main__":
    main()
