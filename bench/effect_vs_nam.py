"""Quality vs neural-amp-modeler at equal wall-clock time, side by side in one run.

Data: ``data/effect/chain`` (60 s of fluidsynth guitar through a pedalboard HPF -> Distortion -> LPF ->
Compressor chain; 20 s of different phrases held out).  For each budget, hatbox (default arch) then NAM's
``nam-full`` (standard WaveNet) train sequentially with the same torch thread count; both are scored by
the same ESR function on the same held-out audio (hatbox through the device engine, NAM through its
exported .nam in torch).

    .venv/bin/python bench/effect_vs_nam.py [--minutes 3 5] [--threads 1] [--arch gru]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from effect_common import (RUNS, ensure_data, esr_at_lag, load_mono, machine_note, render_pack,  # noqa: E402
                           train_hatbox, trained_lag, write_result)
from nam_peer import predict_nam, train_nam  # noqa: E402
from run_name import run_suffix  # noqa: E402

from trainer.data.metrics import esr  # noqa: E402
from trainer.data.pairs import HELDOUT_NAME, read_pairs  # noqa: E402

SKIP = 4800   # first 0.1 s of the held-out take is not scored (both models start from silence)


def run_budget(folder: Path, minutes: float, threads: int, arch: str | None) -> dict:
    """Train both at ``minutes``; held-out ESR of each."""
    train, held = read_pairs(folder)[0], read_pairs(folder, HELDOUT_NAME)[0]
    x, y = load_mono(folder / train.input), load_mono(folder / train.output)
    hx, hy = load_mono(folder / held.input), load_mono(folder / held.output)
    tag = f"chain_{arch or 'default'}_{minutes:g}min"
    pack = RUNS / f"{tag}.hatpack"
    hb = train_hatbox(pack, minutes, pair=(folder / train.input, folder / train.output), arch=arch, threads=threads)
    hb_esr = esr_at_lag(render_pack(pack, hx), hy, trained_lag(hb["metrics"]), SKIP)
    print(f"[{minutes:g} min] hatbox held-out ESR {hb_esr:.5f} (wall {hb['wall_s']} s)", flush=True)
    note_before = machine_note()
    nam = train_nam(x, y, minutes, RUNS / f"nam_{minutes:g}min", threads=threads)
    nam_esr = esr(predict_nam(nam.model_path, hx)[SKIP:], hy[SKIP:])
    print(f"[{minutes:g} min] NAM    held-out ESR {nam_esr:.5f} (wall {nam.wall_s:.0f} s)", flush=True)
    return {"minutes": minutes,
            "hatbox": {"heldout_esr": round(hb_esr, 6), "wall_s": hb["wall_s"], "command": hb["cli"],
                       "arch": hb["metrics"].get("arch"), "params": hb["metrics"].get("params"),
                       "steps": hb["metrics"].get("steps"), "val_esr_internal": hb["metrics"].get("val_esr")},
            "nam": {"heldout_esr": round(nam_esr, 6), "wall_s": round(nam.wall_s, 1), "model": "standard WaveNet",
                    "command": f"nam-full <data> <model> <learning> <outdir> (max_time {minutes:g} min)"},
            "hatbox_better": hb_esr <= nam_esr, "load_before_nam": note_before}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[3.0, 5.0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both trainers (1: see docs/effect_bench.md)")
    parser.add_argument("--arch", default=None, help="hatbox architecture (default: the trainer's default)")
    args = parser.parse_args()
    folder = ensure_data("chain")
    start = machine_note()
    rows = [run_budget(folder, m, args.threads, args.arch) for m in args.minutes]
    five = [r for r in rows if r["minutes"] <= 5.0]
    targets = {"hatbox_le_nam_at_every_budget": all(r["hatbox_better"] for r in rows),
               "hatbox_le_0.01_within_5_min": any(r["hatbox"]["heldout_esr"] <= 0.01 for r in five)}
    suffix = run_suffix(parser, args, {"arch": "{}", "minutes": lambda ms: "+".join(f"{m:g}" for m in ms) + "min"})
    write_result(f"effect_vs_nam{suffix}", {"benchmark": "held-out ESR vs nam-full at equal wall-clock budget",
                                            "data": str(folder), "threads": args.threads, "budgets": rows,
                                            "targets": targets, "machine_start": start, "machine_end": machine_note()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
