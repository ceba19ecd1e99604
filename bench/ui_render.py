"""Render cost of every page at 800x480 (headless SDL): Panel.draw, and draw + present.

    .venv/bin/python bench/ui_render.py [--frames 200]
"""
from __future__ import annotations

import argparse
import os
import time

from run_name import run_suffix
from ui_common import machine, stats_ms, write_result

os.environ["SDL_VIDEODRIVER"] = "dummy"

from device.ui.demo import demo_data, demo_status  # noqa: E402
from device.ui.shots import scripted_panel  # noqa: E402
from hardware.display import Display  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--frames", type=int, default=200)
    args = p.parse_args()
    disp = Display(800, 480, 0, "dummy")
    panel = scripted_panel(demo_data(), demo_status())
    res = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "size": [800, 480],
           "frames_per_page": args.frames, "pages": {}}
    for i, page in enumerate(panel.pages):
        panel.show(i)
        draw, total = [], []
        for f in range(args.frames):
            panel.set_status({**demo_status(), "peak_db": -40.0 + (f % 40)})
            t0 = time.perf_counter()
            panel.draw(disp.panel)
            t1 = time.perf_counter()
            disp.present()
            t2 = time.perf_counter()
            draw.append((t1 - t0) * 1000)
            total.append((t2 - t0) * 1000)
        res["pages"][page.title] = {"draw": stats_ms(draw), "draw_and_present": stats_ms(total)}
        print(f"{page.title:9s} draw median {res['pages'][page.title]['draw']['median_ms']:.2f} ms "
              f"p95 {res['pages'][page.title]['draw']['p95_ms']:.2f} ms | +present median "
              f"{res['pages'][page.title]['draw_and_present']['median_ms']:.2f} ms "
              f"p95 {res['pages'][page.title]['draw_and_present']['p95_ms']:.2f} ms")
    rot = Display(800, 480, 90, "dummy")
    portrait = scripted_panel(demo_data(), demo_status(), (480, 800))
    times = []
    for _ in range(args.frames):
        t0 = time.perf_counter()
        portrait.draw(rot.panel)
        rot.present()
        times.append((time.perf_counter() - t0) * 1000)
    res["play_rotated_90_draw_and_present"] = stats_ms(times)
    print("Play, rotation 90, draw + rotate + present:", res["play_rotated_90_draw_and_present"])
    write_result(f"ui_render{run_suffix(p, args, {'frames': 'frames{}'})}", res)


if __name__ == "__main__":
    main()
