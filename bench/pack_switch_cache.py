"""Pack switches by MIDI program change with the loader's unit cache (forty-fourth stop, device/audio/unit_cache.py):
a first switch to a pack (cold: read, verify, golden, warm, gain limit) against a switch back to a pack played
before (cached: its unit kept at rest, installed at once), on the simulated box, with the click of each; and what a
kept unit costs in memory.

The box is bench/midi_program_switch.py's (the real engine process, file backend paced to the wall clock, a steady
two-tone input through the effect; BoxControl, the box's MIDI map, the API over it).  Packs: the factory drive and
``--switches + --prewarmed + 3`` copies of it, each with its drive knob's default a little apart (a new file
content each: a new pack to the cache).  Program 0, 1, 2, ... map to the drive, then the copies in turn; programs
1-3 are the ones the program switcher asks the engine to prepare ahead (device/midi_programs.py PREWARM_PER_KIND;
0 plays).  Program 1, 0
(not counted), then ``--switches`` program changes alternating 0 / 1 (cached: each a switch back), then one to each
of ``--switches`` copies never prepared ahead (cold: each a first switch), then ``--prewarmed`` copies each asked
ahead with a ``prewarm`` control message 1.5 s before its program change (pre-warmed first switch).  Switch time
and click as bench/midi_program_switch.py measures them (program change -> the audio thread starting the crossfade;
the largest step in the crossfade over the signal's own).

Memory: in this process, ``--units`` units of the factory drive and of the factory synth prepared as the loader
prepares them (device/audio/swap.Swapper.prepare_fresh) and kept; the resident set's growth over that, per unit,
beside the estimate the cache bounds its bytes by (device/audio/unit_cache.unit_bytes; bench/unit_cache_bytes.py
measures it on big packs too).

    .venv/bin/python bench/pack_switch_cache.py    # prints the figures, writes bench/results/pack_switch_cache.json
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mido

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import midi_program_switch as mps  # noqa: E402
from device import midi_ports  # noqa: E402
from device.audio import audiofile  # noqa: E402
from export.pack import read_pack, write_pack  # noqa: E402

PREWARM_WAIT_S = 1.5        # a pre-warm's time on the loader (about 0.5 s under load) and then some
DRIVE, SYNTH = ROOT / "factory" / "effect-drive.hatpack", ROOT / "factory" / "synth-gm4.hatpack"


def drive_copy(where: Path, i: int) -> Path:
    """The factory drive as pack ``drive-NN`` with its drive knob's default at (10 + 2 i) % of its range."""
    pack = read_pack(DRIVE)
    man = copy.deepcopy(pack.manifest)
    man.name = f"drive-{i:02d}"
    knob = man.knobs[0]
    man.knobs = [dataclasses.replace(knob, default=knob.min + (0.1 + 0.02 * i) * (knob.max - knob.min)),
                 *man.knobs[1:]]
    members = {k: v for k, v in pack.members.items() if k.endswith((".onnx", ".npy", ".npz"))}
    return write_pack(where / f"drive-{i:02d}.hatpack", man, members)


def program_switch(control: Any, switcher: Any, port: Any, program: int) -> tuple[float, float]:
    """(ms from program change ``program`` to the crossfade's start, the switcher's activation ms)."""
    took = mps.timed(control, lambda: port(mido.Message("program_change", program=program)))
    switcher.wait()
    return took * 1000.0, float(switcher.last["switch_ms"])


def run_box(tmp: Path, switches: int, warmed: int) -> dict[str, Any]:
    engine, control, client, auth = mps.start_box(tmp, 30.0 + (3 * switches + 2 * warmed) * (mps.GAP_S + 1.0))
    try:
        ids = []
        for path in [DRIVE] + [drive_copy(tmp, i) for i in range(switches + 3 + warmed)]:
            r = client.post("/packs", params={"activate": not ids}, content=path.read_bytes(), headers=auth)
            ids.append(r.json()["pack"]["id"])
        for program, pid in enumerate(ids):
            client.put(f"/midi/programs/{program}", json={"pack": pid}, headers=auth)
        switcher, port = client.app.state.programs, midi_ports.translator(control.midi, control.send)
        time.sleep(PREWARM_WAIT_S)                              # the map's first packs are prepared ahead
        for program in (1, 0):                                  # the first use of each, not counted
            program_switch(control, switcher, port, program)
            time.sleep(mps.GAP_S)
        cached, cold, ahead = [], [], []
        for i in range(switches):
            cached.append(program_switch(control, switcher, port, (i + 1) % 2))
            time.sleep(mps.GAP_S)
        for i in range(switches):                               # past PREWARM_PER_KIND: never prepared ahead
            cold.append(program_switch(control, switcher, port, i + 4))
            time.sleep(mps.GAP_S)
        for i in range(warmed):                                 # each asked ahead, as the map's first ones are
            program = switches + 4 + i
            control.send({"op": "prewarm", "slot": "effect", "path": str(tmp / "box" / "packs" / ids[program] /
                                                                          "pack.hatpack")})
            time.sleep(PREWARM_WAIT_S)
            ahead.append(program_switch(control, switcher, port, program))
            time.sleep(mps.GAP_S)
        blocks = mps.swaps(control)
        loads = control.status().get("loads", [])
    finally:
        engine.stop()
    y, _ = audiofile.read(tmp / "out.wav", expect_rate=mps.RATE, mono=True)
    ratios = [mps.click_ratio(y.reshape(-1), b * mps.BLOCK) for b in blocks[-(2 * switches + warmed):]]
    return {"switches_each": switches,
            "cold_first_switch_ms": mps.summary([t for t, _ in cold]),
            "cold_of_which_activation_ms": mps.summary([a for _, a in cold]),
            "cached_switch_back_ms": mps.summary([t for t, _ in cached]),
            "cached_of_which_activation_ms": mps.summary([a for _, a in cached]),
            "prewarmed_first_switch_ms": mps.summary([t for t, _ in ahead]) if ahead else None,
            "prewarmed_switches": warmed,
            "click_ratio_cold": mps.summary(ratios[switches:2 * switches], digits=2),
            "click_ratio_cached": mps.summary(ratios[:switches], digits=2),
            "click_ratio_prewarmed": mps.summary(ratios[2 * switches:], digits=2) if ahead else None,
            "last_loads": [{k: x.get(k) for k in ("path", "ok")} for x in loads[-2:]],
            "settle_ms": round(switcher.settle_s * 1000), "poll_ms": mps.POLL_S * 1000,
            "engine": "EngineProcess, file backend paced to the wall clock, 48 kHz, 128-sample blocks"}


def rss_bytes() -> int:
    """This process's resident set (bytes)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def unit_costs(units: int) -> dict[str, Any]:
    """Per pack kind: the resident set's growth per unit kept (MiB), and the loader's prepare time, fresh (each of
    ``units`` units) and from the cache (a unit let go of, taken back), ms."""
    from device.audio.engine import Engine, EngineConfig
    from device.audio.swap import Swapper
    out: dict[str, Any] = {}
    for slot, path in (("effect", DRIVE), ("synth", SYNTH)):
        engine = Engine(EngineConfig(rate=mps.RATE, block=mps.BLOCK))
        swapper = Swapper(engine, budget=50.0, cache_units=units)   # not started: this thread is its loader
        first = swapper.prepare_fresh(slot, path)                   # first-use costs (sessions, kernels) aside
        gc.collect()
        before, kept, fresh = rss_bytes(), [], []
        for _ in range(units):
            t = time.perf_counter()
            kept.append(swapper.prepare(slot, path))
            fresh.append(time.perf_counter() - t)
        gc.collect()
        grown = rss_bytes() - before
        for unit, _info in kept:                                    # the engine lets go of them: kept at rest
            engine.graveyard.append(unit)
        swapper.collect()
        kept.clear()
        taken = []
        for _ in range(units):
            t = time.perf_counter()
            unit, info = swapper.prepare(slot, path)
            taken.append(time.perf_counter() - t)
            assert info.get("cached"), "the cache gave no unit back"
            engine.graveyard.append(unit)
            swapper.collect()
        out[slot] = {"rss_per_unit_mib": round(grown / units / 2 ** 20, 2),
                     "estimate_mib": round(float(info["unit_bytes"]) / 2 ** 20, 2),    # the cache's bytes bound
                     "prepare_fresh_ms": mps.summary(fresh, 1000.0), "prepare_cached_ms": mps.summary(taken, 1000.0),
                     "pack_bytes": path.stat().st_size}
        swapper.stop()
        del first
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--units", type=int, default=4)
    parser.add_argument("--prewarmed", type=int, default=10)
    parser.add_argument("--name", default="pack_switch_cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = run_box(Path(tmp), args.switches, args.prewarmed)
    rows["unit_cost"] = unit_costs(args.units)
    rows["note"] = "a 2-core VM shared with other jobs; medians over the switches"
    mps.report(args.name, rows)


if __name__ == "__main__":
    main()
