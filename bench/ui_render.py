"""Render cost of every page at 800x480 (headless SDL): Panel.draw, and draw + present.

    .venv/bin/python bench/ui_render.py [--frames 200] [--pages Models] [--programs]

``--programs``: the demo box has the API's program map beside the panel (:func:`program_box`), so the Models page
draws its set-list row (a "map" button and its words, device/ui/pages/models_programs.py) each frame.
``--pages``: only those pages (titles, comma-separated), not the rotated Play either.
"""
from __future__ import annotations

import argparse
import os
import time
from types import SimpleNamespace
from typing import Any

from run_name import run_suffix
from ui_common import machine, stats_ms, write_result

os.environ["SDL_VIDEODRIVER"] = "dummy"

from device.ui.demo import demo_data, demo_status  # noqa: E402
from device.ui.shots import scripted_panel  # noqa: E402
from hardware.display import Display  # noqa: E402


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


def bench_page(panel: Any, disp: Display, i: int, frames: int) -> dict[str, Any]:
    """Draw page ``i`` ``frames`` times (the level meter changing each frame): draw and draw + present, in ms."""
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


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--frames", type=int, default=200)
    p.add_argument("--pages", default="", help="only these pages (titles, comma-separated); default every page")
    p.add_argument("--programs", action="store_true", help="the API's program map beside the panel (Models' row)")
    args = p.parse_args()
    disp = Display(800, 480, 0, "dummy")
    data = demo_data()
    if args.programs:
        program_box(data)
    panel = scripted_panel(data, demo_status())
    only = [t for t in args.pages.split(",") if t]
    res = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "size": [800, 480],
           "frames_per_page": args.frames, "programs": args.programs, "pages": {}}
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
    labels = {"frames": "frames{}", "pages": lambda v: v.replace(",", "+"), "programs": "programs"}
    write_result(f"ui_render{run_suffix(p, args, labels)}", res)


def rotated(frames: int) -> dict[str, float]:
    """The Play page on a 480x800 panel rotated 90 degrees: draw + rotate + present, in ms."""
    rot = Display(800, 480, 90, "dummy")
    portrait = scripted_panel(demo_data(), demo_status(), (480, 800))
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        portrait.draw(rot.panel)
        rot.present()
        times.append((time.perf_counter() - t0) * 1000)
    return stats_ms(times)


if __name__ == "__main__":
    main()
