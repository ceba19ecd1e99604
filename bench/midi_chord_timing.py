"""Does a MIDI chord come out as one?  The box's MIDI path into its engine process, two arms side by side.

A drummer striking eight pads at once (or a keyboard chord on the drums' channel) reaches the box as eight MIDI
messages back to back.  Each chord is fed to the box's MIDI reader callback (device/midi_ports.translator over
device.midi.MidiMap, as rtmidi's reader thread calls it when eight messages are waiting) on a thread of its own,
and the engine process (device/audio/server.py, as ``hatbox device run`` starts it; file backend at 48 kHz,
128-sample blocks, paced) plays a click (0.08, decaying over 10 ms) for each note.  Arms, alternated, each a fresh
engine process:

- ``relay`` (the box now): the callback hands each control to the MIDI relay (device/midi_ports.Relay) and returns;
  the relay sends what queued up meanwhile in one round trip (hatbox.box_control.BoxControl.send_many);
- ``direct`` (the peer: the box before the thirty-eighth stop): the callback sends each control itself and waits for
  the engine's answer before the next message is read and stamped.

Measured per chord: how far apart its notes were stamped (``at``, ms), and in the engine's output how many onsets
the chord made and the time from its first to its last (ms); a chord whose notes all start within 0.25 ms
(``TOGETHER_MS``, 12 samples) counts as together.  Prints per round and the median / worst
over all rounds; writes bench/results/midi_chord_timing.json (``_busyN`` with ``--busy N``: N processes keep a core
each busy meanwhile, bench/engine_soak.py's stand-in for the API and the panel).

    .venv/bin/python bench/midi_chord_timing.py [--rounds 3] [--chords 20] [--notes 8] [--busy 1]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_common import RATE, paced_engine, recorded, write_result  # noqa: E402
from engine_soak import busy_cores  # noqa: E402

BLOCK = 128
NOTES = (35, 36, 38, 40, 41, 43, 45, 47, 48, 50, 37, 39)   # kicks, snares, toms, stick, clap: no hi-hat choke group
GAP_S = 0.25                                               # between chords
LEVEL = 0.08                                               # one click's peak (eight stay under the output's ceiling)
TOGETHER_MS = 0.25                                         # a chord whose notes all start this close: heard as one
ARMS = ("relay", "direct")


def click(seconds: float = 0.05) -> np.ndarray:
    """A hit with a hard start, decaying over 10 ms [n] float32."""
    n = int(seconds * RATE)
    return (LEVEL * np.exp(-np.arange(n) / (0.01 * RATE))).astype(np.float32)


def play(arm: str, chords: int, notes: tuple[int, ...], work: Path) -> tuple[np.ndarray, list[list[float]]]:
    """One engine process; returns its output [n] and, per chord, the stamps (time.monotonic()) its notes got."""
    import mido
    import soundfile as sf

    from device.midi import MidiMap
    from device.midi_ports import Relay, translator
    from hatbox.box_control import BoxControl
    wav, out = work / "click.wav", work / f"out-{arm}.wav"
    sf.write(wav, click(), RATE, subtype="FLOAT")
    per_chord: list[list[float]] = []
    with paced_engine(out, 0.8 + chords * GAP_S + 0.5, BLOCK) as engine:
        control = BoxControl(engine)
        stamps: list[float] = []
        real_send, real_many = engine.send, engine.send_many
        keep = lambda ms: stamps.extend(m["at"] for m in ms if "at" in m)                        # noqa: E731
        engine.send = lambda m: (keep([m]), real_send(m))[1]                                    # type: ignore
        engine.send_many = lambda ms: (keep(ms), real_many(ms))[1]                              # type: ignore
        relay = Relay(control.send, control.send_many) if arm == "relay" else None
        callback = translator(MidiMap(), relay.send if relay else control.send)
        try:
            for note in notes:
                engine.send({"op": "sample", "path": str(wav), "velocity": 0, "note": note})
            time.sleep(0.8)                                      # past the engine's fade-in at start
            for _ in range(chords):
                before = len(stamps)
                messages = [mido.Message("note_on", channel=9, note=n, velocity=127) for n in notes]
                reader = threading.Thread(target=lambda: [callback(m) for m in messages])
                reader.start()
                reader.join()
                if relay is not None:
                    relay.wait()
                per_chord.append(stamps[before:])
                time.sleep(GAP_S)
        finally:
            if relay is not None:
                relay.close()
    return recorded(out), per_chord


def judge(audio: np.ndarray, per_chord: list[list[float]], notes: int) -> dict:
    """Per chord: its stamps' spread, its onsets in ``audio`` (each note adds LEVEL at its start) and their spread."""
    rises = np.flatnonzero(np.diff(np.concatenate([[0.0], audio])) > LEVEL / 2) / RATE
    groups: list[np.ndarray] = []
    for t in rises:                              # onsets closer than half the gap between chords: one chord
        if groups and t - groups[-1][0] < GAP_S / 2:
            groups[-1] = np.append(groups[-1], t)
        else:
            groups.append(np.array([t]))
    stamp_ms = [1000 * (max(s) - min(s)) for s in per_chord if len(s) == notes]
    onsets = [len(g) for g in groups]
    spread_ms = [1000 * (g[-1] - g[0]) for g in groups]
    return {"chords": len(per_chord), "chords_found": len(groups), "stamp_spread_ms": stamp_ms,
            "onsets_per_chord": onsets, "onset_spread_ms": spread_ms,
            "stamp_spread_ms_median": float(np.median(stamp_ms)), "stamp_spread_ms_max": float(np.max(stamp_ms)),
            "onset_spread_ms_median": float(np.median(spread_ms)), "onset_spread_ms_max": float(np.max(spread_ms)),
            "chords_together": int(sum(s <= TOGETHER_MS for s in spread_ms))}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--chords", type=int, default=20)
    ap.add_argument("--notes", type=int, default=8, help=f"notes per chord (at most {len(NOTES)})")
    ap.add_argument("--busy", type=int, default=0, help="processes keeping a core busy meanwhile")
    args = ap.parse_args()
    notes = NOTES[:max(2, min(len(NOTES), args.notes))]
    runs: dict[str, list[dict]] = {a: [] for a in ARMS}
    with busy_cores(args.busy), tempfile.TemporaryDirectory(prefix="midi-chord-") as tmp:
        for r in range(args.rounds):
            for arm in ARMS:
                audio, per_chord = play(arm, args.chords, notes, Path(tmp))
                got = judge(audio, per_chord, len(notes))
                runs[arm].append(got)
                print(f"round {r + 1} {arm:6s}: {got['chords_together']} of {got['chords']} chords together "
                      f"({got['chords_found']} found); stamps spread median {got['stamp_spread_ms_median']:.2f} ms, "
                      f"worst {got['stamp_spread_ms_max']:.2f}; onsets spread median "
                      f"{got['onset_spread_ms_median']:.2f} ms, worst {got['onset_spread_ms_max']:.2f}", flush=True)
    summary = {}
    for arm, rs in runs.items():
        stamp = np.concatenate([r["stamp_spread_ms"] for r in rs])
        spread = np.concatenate([r["onset_spread_ms"] for r in rs])
        summary[arm] = {"chords": int(sum(r["chords"] for r in rs)),
                        "chords_together": int(sum(r["chords_together"] for r in rs)),
                        "stamp_spread_ms_median": float(np.median(stamp)), "stamp_spread_ms_max": float(stamp.max()),
                        "onset_spread_ms_median": float(np.median(spread)), "onset_spread_ms_p95":
                            float(np.percentile(spread, 95)), "onset_spread_ms_max": float(spread.max())}
        s = summary[arm]
        print(f"{arm:6s} over {len(rs)} rounds: {s['chords_together']} of {s['chords']} chords together; stamps "
              f"spread median {s['stamp_spread_ms_median']:.2f} ms (worst {s['stamp_spread_ms_max']:.2f}); onsets "
              f"spread median {s['onset_spread_ms_median']:.2f} ms, p95 {s['onset_spread_ms_p95']:.2f}, worst "
              f"{s['onset_spread_ms_max']:.2f}")
    name = "midi_chord_timing" + (f"_busy{args.busy}" if args.busy else "")
    print("wrote", write_result(name, {"rounds": args.rounds, "notes": len(notes), "block": BLOCK, "rate": RATE,
                                       "busy": args.busy, "summary": summary, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
