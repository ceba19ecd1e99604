"""`hatbox render`'s cost before and after it plays the take through the box's effect slot (p52 QA2 #2).

Three variants, alternating in one run.  Before: the model block by block (device.audio.effect.render), the slot's
DC blocker, the output stage.  After (device.audio.effect.render_file): the box's gain probe over the knobs' corners
(device.audio.swap.effect_gain_limit, without the loader's pauses since p52 review R4 #3; ``after_paused``: with
them, as render was until then), then the model through the box's own effect slot (guard, bypass, DC blocker), then
the output stage.  All on the same 20 s guitar DI (trainer.data.guitar.guitar_take(20, 7), fluidsynth) through the
factory drive at 24 dB, one thread, median of ``REPEATS``.  Prints the figures; writes
bench/results/effect_render_guard.json.

    .venv/bin/python bench/effect_render_guard.py
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PACK = ROOT / "factory" / "effect-drive.hatpack"
KNOBS = {"drive": 24.0, "tone": 8000.0}
REPEATS = 3


def before(src: Path, dst: Path) -> None:
    """The render as it was: model, the slot's DC blocker, the output stage; no guard."""
    from device.audio import audiofile
    from device.audio.effect import EffectProcessor, render, slot_dc_block
    from device.audio.protect import box_output
    proc = EffectProcessor(PACK)
    x, rate = audiofile.read(src, expect_rate=proc.sample_rate)
    raw = slot_dc_block(render(proc, x[0], KNOBS, block=128, rate=rate), rate, proc.rest_dc)
    audiofile.write(dst, box_output(raw, rate, 128)[0], rate)


def after(src: Path, dst: Path) -> None:
    from device.audio.effect import render_file
    render_file(PACK, src, dst, KNOBS, block=128, force=True)


def after_paused(src: Path, dst: Path) -> None:
    """As :func:`after`, with the gain probe sleeping the box loader's pauses (swap.YIELD_S every 4 blocks), as
    render did until p52 review R4 #3."""
    from device.audio import effect_render
    from device.audio.swap import YIELD_S
    effect_render.RENDER_PROBE_PAUSE_S = YIELD_S
    try:
        after(src, dst)
    finally:
        effect_render.RENDER_PROBE_PAUSE_S = 0.0


def main() -> None:
    from device.audio import audiofile
    from trainer.data.guitar import guitar_take
    times: dict[str, list[float]] = {"before": [], "after_paused": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        src = audiofile.write(Path(tmp) / "di.wav", guitar_take(20, 7), 48000)
        for _ in range(REPEATS):
            for name, fn in (("before", before), ("after_paused", after_paused), ("after", after)):
                t = time.perf_counter()
                fn(src, Path(tmp) / f"{name}.wav")
                times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    result = {"input_s": 20.0, "pack": PACK.name, "knobs": KNOBS, "repeats": REPEATS,
              "before_median_s": round(med["before"], 3), "after_paused_median_s": round(med["after_paused"], 3),
              "after_median_s": round(med["after"], 3), "after_over_before": round(med["after"] / med["before"], 3),
              **{f"{k}_s": [round(t, 3) for t in v] for k, v in times.items()}}
    print(f"render of 20 s through {PACK.name}: before {med['before']:.2f} s, after with the probe's pauses "
          f"{med['after_paused']:.2f} s, after {med['after']:.2f} s (x{result['after_over_before']:.2f}; "
          f"median of {REPEATS}, this machine under the others' load)")
    out = ROOT / "bench" / "results" / "effect_render_guard.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
