"""Render cost of every page at 800x480 (headless SDL): Panel.draw, and draw + present.

    .venv/bin/python bench/ui_render.py [--frames 200] [--pages Models] [--programs]
    .venv/bin/python bench/ui_render.py --pages Play,Models --programs --against /tmp/old --rounds 7

``--programs``: the demo box has the API's program map beside the panel (:func:`program_box`), so the Models page
draws its set-list row (a "map" button and its words, device/ui/pages/models_programs.py) each frame.
``--pages``: only those pages (titles, comma-separated), not the rotated Play either.
``--against DIR``: the same pages drawn by this tree's code and by DIR's (another commit's ``device``, ``hardware``,
``hatbox`` and ``export``: ``git archive COMMIT device hardware hatbox export | tar -x -C DIR``), each in a process of
its own, in turn for ``--rounds`` rounds; the medians of each round's draw medians, and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace
from typing import Any

from run_name import run_suffix
from ui_common import ROOT, machine, stats_ms, write_result

os.environ["SDL_VIDEODRIVER"] = "dummy"
FIGURES = "figures: "          # the line a child run (--code) prints its figures on, as JSON


def program_box(data: Any) -> None:
    """Give ``data`` (the demo box's) a box with the API's program map, as hatbox/cmd_device.py hands the panel the
    API's kit: programs 0.. map the demo's effect and synth packs, and the last program change heard (program 9)
    had nothing mapped.  A real device.midi_programs.ProgramSwitcher over an in-memory map; nothing switches."""
    from device.midi_programs import UNMAPPED, Entry, Hooks, ProgramMap, ProgramSwitcher
    packs = [p for p in data.packs() if p.manifest.kind in ("effect", "synth")]
    records = [{"id": p.id, "kind": p.manifest.kind, "name": p.manifest.name, "version": p.manifest.version}
               for p in data.packs()]
    programs = ProgramMap(None)
    for n, p in enumerate(packs):
        programs.set(Entry(n, None, p.id, p.manifest.kind, p.manifest.name, p.manifest.version, False))
    switcher = ProgramSwitcher(programs, Hooks(packs=lambda: records, playing=lambda kind, pid: False,
                                               activate=lambda pid: None))
    switcher.last = {"program": 9, "channel": None, "at": time.time(), "result": UNMAPPED,
                     "message": "program 9: nothing mapped"}
    data.kit.box = SimpleNamespace(programs=switcher, store=SimpleNamespace(list=lambda: list(records)))


def bench_page(panel: Any, disp: Any, i: int, frames: int) -> dict[str, Any]:
    """Draw page ``i`` ``frames`` times (the level meter changing each frame): draw and draw + present, in ms."""
    from device.ui.demo import demo_status
    panel.show(i)
    draw, total = [], []
    for f in range(frames):
        panel.set_status({**demo_status(), "peak_db": -40.0 + (f % 40)})
        t0 = time.perf_counter()
        panel.draw(disp.panel)
        t1 = time.perf_counter()
        disp.present()
        t2 = time.perf_counter()
        draw.append((t1 - t0) * 1000)
        total.append((t2 - t0) * 1000)
    return {"draw": stats_ms(draw), "draw_and_present": stats_ms(total)}


def rotated(frames: int) -> dict[str, float]:
    """The Play page on a 480x800 panel rotated 90 degrees: draw + rotate + present, in ms."""
    from device.ui.demo import demo_data, demo_status
    from device.ui.shots import scripted_panel
    from hardware.display import Display
    rot = Display(800, 480, 90, "dummy")
    portrait = scripted_panel(demo_data(), demo_status(), (480, 800))
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        portrait.draw(rot.panel)
        rot.present()
        times.append((time.perf_counter() - t0) * 1000)
    return stats_ms(times)


def render_pages(args: argparse.Namespace) -> dict[str, Any]:
    """Each page's figures (``--pages``' only), and the rotated Play's when every page is drawn."""
    from device.ui.demo import demo_data, demo_status
    from device.ui.shots import scripted_panel
    from hardware.display import Display
    disp = Display(800, 480, 0, "dummy")
    data = demo_data()
    if args.programs:
        program_box(data)
    panel = scripted_panel(data, demo_status())
    only = [t for t in args.pages.split(",") if t]
    import device
    res: dict[str, Any] = {"code": os.path.dirname(os.path.dirname(os.path.abspath(device.__file__))), "pages": {}}
    for i, page in enumerate(panel.pages):
        if only and page.title not in only:
            continue
        got = res["pages"][page.title] = bench_page(panel, disp, i, args.frames)
        print(f"{page.title:9s} draw median {got['draw']['median_ms']:.2f} ms p95 {got['draw']['p95_ms']:.2f} ms "
              f"| +present median {got['draw_and_present']['median_ms']:.2f} ms "
              f"p95 {got['draw_and_present']['p95_ms']:.2f} ms")
    if not only:
        res["play_rotated_90_draw_and_present"] = rotated(args.frames)
        print("Play, rotation 90, draw + rotate + present:", res["play_rotated_90_draw_and_present"])
    return res


def child(args: argparse.Namespace, code: str | None) -> dict[str, float]:
    """One run of this bench in a process of its own (``code``: DIR's code, None: this tree's): page -> draw median."""
    cmd = [sys.executable, __file__, "--frames", str(args.frames), "--pages", args.pages, "--code", code or "."]
    out = subprocess.run(cmd + (["--programs"] if args.programs else []), capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith(FIGURES))
    figures = json.loads(line[len(FIGURES):])
    assert os.path.samefile(figures["code"], code or ROOT), figures["code"]       # drawn by the code asked for
    return {page: got["draw"]["median_ms"] for page, got in figures["pages"].items()}


def against(args: argparse.Namespace) -> dict[str, Any]:
    """``--rounds`` rounds, each DIR's code then this tree's: per page each round's draw median, their medians and
    the ratio (this tree / DIR's)."""
    rounds: dict[str, list[dict[str, float]]] = {"against": [], "this": []}
    for r in range(args.rounds):
        rounds["against"].append(child(args, args.against))
        rounds["this"].append(child(args, None))
        print(f"round {r + 1}: {args.against}: {rounds['against'][-1]}  this tree: {rounds['this'][-1]}")
    pages: dict[str, Any] = {}
    for page in rounds["this"][0]:
        old, new = ([run[page] for run in rounds[side]] for side in ("against", "this"))
        pages[page] = {"against_draw_median_ms": statistics.median(old), "this_draw_median_ms": statistics.median(new),
                       "ratio": round(statistics.median(new) / statistics.median(old), 2), "rounds": [old, new]}
        print(f"{page:9s} draw median {pages[page]['against_draw_median_ms']:.2f} ms -> "
              f"{pages[page]['this_draw_median_ms']:.2f} ms (x{pages[page]['ratio']:.2f})")
    return {"against": args.against, "rounds": args.rounds, "pages": pages}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--frames", type=int, default=200)
    p.add_argument("--pages", default="", help="only these pages (titles, comma-separated); default every page")
    p.add_argument("--programs", action="store_true", help="the API's program map beside the panel (Models' row)")
    p.add_argument("--against", default="", help="another commit's code (a folder) to draw the same pages, in turn")
    p.add_argument("--rounds", type=int, default=5, help="with --against: rounds of each")
    p.add_argument("--code", default="", help=argparse.SUPPRESS)      # a child run: this folder's code, no JSON
    args = p.parse_args()
    if args.code:
        sys.path.insert(0, os.path.abspath(args.code))
        print(FIGURES + json.dumps(render_pages(args)))
        return
    res = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "size": [800, 480],
           "frames_per_page": args.frames, "programs": args.programs}
    res.update(against(args) if args.against else render_pages(args))
    labels = {"frames": "frames{}", "pages": lambda v: v.replace(",", "+"), "programs": "programs",
              "against": "ab", "rounds": "rounds{}"}
    write_result(f"ui_render{run_suffix(p, args, labels)}", res)


if __name__ == "__main__":
    main()
