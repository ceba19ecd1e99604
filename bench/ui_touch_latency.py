"""Touch-to-control latency in the simulator: from the touch controller's report (the simulated
FT5x06 updates its registers and pulls INT low) to the ``xy`` message leaving for the engine
(``control.send``), through the real path: realtime simulated GPIO -> INT callback -> touch driver
reads the registers over the simulated I2C bus -> input layer (rotation) -> panel -> Play page.
The panel loop renders at 30 fps meanwhile (headless SDL), so a touch can arrive mid-frame.
A second figure starts earlier, at the finger's move: it adds the wait for the controller's
next scan (100 Hz in the simulator; moves between two scans merge).

    .venv/bin/python bench/ui_touch_latency.py [--seconds 8]
"""
from __future__ import annotations

import argparse
import os
import threading
import time

import numpy as np

from run_name import run_suffix
from ui_common import machine, stats_ms, write_result

os.environ["SDL_VIDEODRIVER"] = "dummy"

from device.ui.app import PanelApp, resolve_board  # noqa: E402
from device.ui.demo import demo_data, demo_status  # noqa: E402


class TimedControl:
    def __init__(self) -> None:
        self.sent: list[tuple[float, dict]] = []

    def send(self, message: dict) -> None:
        self.sent.append((time.perf_counter(), message))

    def status(self) -> dict:
        return demo_status()


def step(x: int, y: int, pad: object, rng: np.random.Generator) -> tuple[int, int]:
    """A random step inside the pad that always lands on a new pixel (so every report is a move)."""
    while True:
        nx = int(np.clip(x + rng.integers(-15, 16), pad.x + 2, pad.right - 3))
        ny = int(np.clip(y + rng.integers(-15, 16), pad.y + 2, pad.bottom - 3))
        if (nx, ny) != (x, y):
            return nx, ny


def finger(app: PanelApp, seconds: float, stamps: list[float], where: list[tuple[int, int]],
           stop: threading.Event) -> None:
    """Drag a finger around the pad: a new position every 5-25 ms (a controller scans at 40-200 Hz)."""
    rng = np.random.default_rng(1)
    pad = app.panel.pages[0].pad
    end = time.perf_counter() + seconds
    x, y = pad.center
    while time.perf_counter() < end and not stop.is_set():
        x, y = step(x, y, pad, rng)
        where.append((x, y))
        stamps.append(time.perf_counter())
        app.hands.finger(0, *app.board.to_native(x, y))
        time.sleep(rng.uniform(0.005, 0.025))
    app.hands.finger(0, None)


def pair(app: PanelApp, control: TimedControl, stamps: list[float],
         where: list[tuple[int, int]]) -> tuple[list[float], list[float]]:
    """Match each controller report with its xy message (checked by value) and the finger move it shows."""
    page = app.panel.pages[0]
    sends = [(ts, (m["x"], m["y"])) for ts, m in control.sent if m["op"] == "xy"]
    log = [(t, pts[0]) for t, pts in app.inputs.chip.log if pts]
    # a report that shows the same point as the one before (moves that came back within one scan) is no move
    reports = [r for k, r in enumerate(log) if k == 0 or r[1] != log[k - 1][1]]
    if len(reports) != len(sends):
        raise SystemExit(f"{len(reports)} reports but {len(sends)} xy messages")
    sensor = [app.hands._sensor(*app.board.to_native(x, y)) for x, y in where]
    report_lat, hand_lat = [], []
    for (t_rep, (_, sx, sy)), (t_send, xy) in zip(reports, sends):
        i = max(j for j, s in enumerate(sensor) if s == (sx, sy) and stamps[j] <= t_rep)
        if np.abs(np.subtract(xy, page.pad_to_xy(*where[i]))).max() > 1e-6:
            raise SystemExit("an xy message does not match its report")
        report_lat.append((t_send - t_rep) * 1000)
        hand_lat.append((t_send - stamps[i]) * 1000)
    return report_lat, hand_lat


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=8.0)
    args = p.parse_args()
    control = TimedControl()
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    stamps: list[float] = []
    where: list[tuple[int, int]] = []
    stop = threading.Event()
    t = threading.Thread(target=finger, args=(app, args.seconds, stamps, where, stop))
    try:
        app.run(0.3)
        frames0 = app.display.frames
        t.start()
        t0 = time.perf_counter()
        while t.is_alive():
            app.step()
        app.run(0.2)
        elapsed = time.perf_counter() - t0
    finally:
        stop.set()
        app.close()
    report_lat, hand_lat = pair(app, control, stamps, where)
    res = {"machine": machine(), "finger_moves": len(stamps), "controller_reports": len(report_lat),
           "report_to_send": stats_ms(report_lat), "finger_to_send_incl_scan": stats_ms(hand_lat),
           "fps": round((app.display.frames - frames0) / elapsed, 1), "frame": stats_ms(app.frame_ms)}
    r = res["report_to_send"]
    print(f"{len(stamps)} finger moves, {len(report_lat)} controller reports -> xy messages; report->send median "
          f"{r['median_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms, max {r['max_ms']:.2f} ms; finger->send (incl. scan) "
          f"median {res['finger_to_send_incl_scan']['median_ms']:.2f} ms; {res['fps']} fps, "
          f"frame median {res['frame']['median_ms']:.2f} ms")
    write_result(f"ui_touch_latency{run_suffix(p, args, {'seconds': '{:g}s'})}", res)


if __name__ == "__main__":
    main()
