"""Do notes played over OSC stay on time while the box tags a library?

Starts a simulated box (``hatbox device run --sim``: random ports, a scratch store, the file backend) in a child
process, pairs with it, installs factory/tagger-drums.hatpack, and plays a steady beat of OSC ``/hatbox/note_on``
(a chord of ``--chord`` notes every ``--step`` s) from this process, phase after phase, alternating: ``idle``
(nothing tagging) and ``tagging`` (a library of ``--files`` small one-shots uploaded, POST /libraries, and tagged;
the phase ends after ``--phase`` s (``--tagging``) and the library is deleted, which cancels its tagging).  The upload
itself is its own phase, ``upload``, split into ``receive`` (the body on its way) and ``unpack`` (the box's
Libraries.ingest: unpacking the archive and recording it; marked inside the box, in its clock).

Where a note is measured: inside the box process, :meth:`device.audio.server.EngineProcess._call` is wrapped so that
each ``note_on`` records when it is written to the engine's control pipe (``handoff``: the box's main process is
done with it; the engine's reader thread queues it and the audio thread plays it at the next block, 2.7 ms at most)
and when the engine's reply came back (``reply``).  Each note carries its sequence number in its note and velocity,
so the two clocks (CLOCK_MONOTONIC, one per machine) line up note by note.  Latency = that time minus the time this
process sent the UDP packet.

    .venv/bin/python bench/box_note_latency.py [--files 2000] [--rounds 2] [--phase 20] [--name box_note_latency]

Prints per phase kind the median, p95 and max (ms) of handoff and reply latency, notes lost and the engine's xruns;
writes bench/results/<name>.json.

    .venv/bin/python bench/box_note_latency.py --compare OLD_TREE [--rounds 6] [--phase 12] [--tagging 3]
        [--unpack-cost 6]

alternates boxes of OLD_TREE (`git archive HEAD | tar -x -C OLD_TREE`) and of ``--repo`` (old, new; new, old; ...),
one idle + upload round each, on one library; prints per tree the latencies pooled over its runs and each upload's
time; ``--unpack-cost N`` then times the unpacking of that library alone, N times per tree alternated, each in a
fresh Python of that tree (p51: the old tree unpacks in its own process, the new one in a child).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DRUMKITS = Path("/usr/share/hydrogen/data/drumkits")
PACK = REPO / "factory" / "tagger-drums.hatpack"


# ---- the box child: `hatbox device run --sim` with the engine's control pipe timed ----

def gil_probe(lates: list[tuple[float, float]], tick_s: float = 0.001) -> None:
    """A thread of the box's process that wants to run every ``tick_s``: (when, how late in s) of each wake-up
    later than 2 ms: the time another thread of that process held the GIL (or the CPU was taken)."""
    due = time.perf_counter()
    while True:
        due += tick_s
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        now = time.perf_counter()
        if now - due > 0.002:
            lates.append((now, now - due))
        due = max(due, now)


def _mark_ingests(marks: list[tuple[float, float]]) -> None:
    """Each Libraries.ingest of the box (the upload's unpacking and record, after its body was received): (start,
    end) in time.perf_counter (CLOCK_MONOTONIC, the driver's clock too) appended to ``marks``."""
    from device.api.libraries import Libraries
    orig = Libraries.ingest

    def timed(self: Any, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return orig(self, *args, **kw)
        finally:
            marks.append((t0, time.perf_counter()))
    Libraries.ingest = timed                    # type: ignore[method-assign]


def box_child(times_path: str, argv: list[str]) -> int:
    """Run the box (hatbox.cli.main) with each note_on's handoff and reply times kept; written at its end.
    Environment (experiments): HATBOX_BENCH_SWITCH sets sys.setswitchinterval; HATBOX_BENCH_PROBE=1 runs
    :func:`gil_probe`."""
    from device.audio.server import EngineProcess
    from hatbox.cli import main
    notes: list[tuple[int, int, float, float]] = []
    lates: list[tuple[float, float]] = []
    if os.environ.get("HATBOX_BENCH_SWITCH"):
        sys.setswitchinterval(float(os.environ["HATBOX_BENCH_SWITCH"]))
    if os.environ.get("HATBOX_BENCH_PROBE"):
        threading.Thread(target=gil_probe, args=(lates,), daemon=True).start()
    orig = EngineProcess._call

    def timed(self: Any, kind: str, payload: dict[str, Any], **kw: Any) -> dict[str, Any]:
        msg = payload.get("msg") or {}
        if kind != "control" or msg.get("op") != "note_on":
            return orig(self, kind, payload, **kw)
        t0 = time.perf_counter()
        try:
            return orig(self, kind, payload, **kw)
        finally:
            notes.append((int(msg["note"]), int(msg["velocity"]), t0, time.perf_counter()))
    EngineProcess._call = timed                 # type: ignore[method-assign]

    marks: list[tuple[float, float]] = []
    _mark_ingests(marks)

    def dump(*_: Any) -> None:
        Path(times_path + ".part").write_text(json.dumps({"notes": notes, "lates": lates, "ingests": marks}))
        os.replace(times_path + ".part", times_path)
    signal.signal(signal.SIGUSR1, dump)         # the driver asks for them before it stops the box
    print(f"box code from {Path(sys.modules['device'].__file__ or '').parent.parent}", file=sys.stderr)
    return main(argv)


# ---- the library ----

def make_library(out: Path, n: int, seed: int = 0) -> Path:
    """``n`` one-shots (0.1-0.5 s, 16-bit WAV) cut from the Hydrogen kits (synthetic hits when none): resampled
    rates, gains, mono and stereo, in a folder per kit."""
    import soundfile as sf
    rng = random.Random(seed)
    sources = sorted(p for p in DRUMKITS.rglob("*") if p.suffix.lower() in (".wav", ".flac"))[:400]
    cache: dict[Path, tuple[np.ndarray, int]] = {}
    for i in range(n):
        if sources:
            src = rng.choice(sources)
            if src not in cache:
                x, sr = sf.read(src, always_2d=True, dtype="float32")
                cache[src] = (x[: int(sr * rng.uniform(0.1, 0.5))], sr)
            x, sr = cache[src]
            folder = out / src.parent.name.replace(" ", "_")[:12]
        else:
            sr = 44100
            t = np.arange(int(sr * 0.3)) / sr
            x = (np.sin(2 * np.pi * rng.uniform(50, 4000) * t) * np.exp(-t * 20)).astype(np.float32)[:, None]
            folder = out / "synthetic"
        folder.mkdir(parents=True, exist_ok=True)
        sf.write(folder / f"{i:05d}_hit.wav", x * 10 ** (rng.uniform(-12, 0) / 20), sr, subtype="PCM_16")
    return out


def tar_bytes(folder: Path, tmp: Path) -> bytes:
    from device.library.folder_tar import pack_directory
    return pack_directory(folder, tmp / "library.tar").read_bytes()


# ---- talking to the box ----

def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Box:
    """The box child process, paired."""

    def __init__(self, tmp: Path, extra_env: dict[str, str], repo: Path = REPO) -> None:
        self.api, self.osc = free_port(), free_port(socket.SOCK_DGRAM)
        self.times = tmp / "notes.json"
        argv = ["device", "run", "--sim", "--port", str(self.api), "--host", "127.0.0.1", "--osc-port",
                str(self.osc), "--osc-host", "127.0.0.1", "--no-mdns", "--store", str(tmp / "store"),
                "--output", str(tmp / "out.wav")]
        env = {**os.environ, "HOME": str(tmp / "home"), "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(repo), **extra_env}
        self.log = open(tmp / "box.out", "w+")
        self.proc = subprocess.Popen([sys.executable, __file__, "--box-child", str(self.times), "--", *argv],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, cwd=repo)
        self.url = f"http://127.0.0.1:{self.api}"
        self.headers: dict[str, str] = {}

    def pair(self, timeout_s: float = 120.0) -> None:
        import httpx
        end = time.monotonic() + timeout_s
        assert self.proc.stdout is not None
        code = ""
        while not code and time.monotonic() < end:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the box ended: {Path(self.log.name).read_text()[-2000:]}")
            if line.startswith("pairing code:"):
                code = line.split(":", 1)[1].strip()
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()     # its status lines: drained
        while True:                              # the code is shown before the API listens
            try:
                token = httpx.post(f"{self.url}/pair", json={"code": code, "name": "bench"}, timeout=30).json()["token"]
                break
            except httpx.ConnectError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, **kw: Any) -> Any:
        import httpx
        r = httpx.request(method, self.url + path, headers=self.headers, timeout=300, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def xruns(self) -> int:
        return int((self.call("GET", "/status").get("engine") or {}).get("xruns") or 0)

    def stop(self) -> dict[str, Any]:
        """Stop the box; returns what its process kept: ``notes`` (note, velocity, handoff, reply) and ``lates``."""
        self.proc.send_signal(signal.SIGUSR1)
        end = time.monotonic() + 30
        while not self.times.exists() and time.monotonic() < end and self.proc.poll() is None:
            time.sleep(0.1)
        self.proc.send_signal(signal.SIGTERM)          # (SIGINT: ignored when this runs in the background)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            print(f"the box did not stop in 60 s: killed; its last words: {Path(self.log.name).read_text()[-1500:]}")
            self.proc.kill()
            self.proc.wait()
        return json.loads(self.times.read_text()) if self.times.exists() else {"notes": [], "lates": [],
                                                                                "ingests": []}


# ---- the player ----

def note_key(seq: int) -> tuple[int, int]:
    """The note_on numbered ``seq`` as it is sent and heard: (note, velocity) = (seq % 128, 1 + seq // 128 % 127)."""
    return seq % 128, 1 + seq // 128 % 127


def set_phase(player: "Player", kind: str) -> None:
    player.phase = kind
    player.windows.append((kind, time.perf_counter()))


class Player:
    """A steady beat on its own thread: every ``step`` s a chord of ``chord`` note_ons, each numbered
    (:func:`note_key`); ``sent`` holds (seq, phase, perf_counter at send)."""

    def __init__(self, port: int, step: float, chord: int) -> None:
        from pythonosc.udp_client import SimpleUDPClient
        self.client, self.step, self.chord = SimpleUDPClient("127.0.0.1", port), step, chord
        self.phase, self.sent, self.seq = "warmup", [], 0
        self.windows: list[tuple[str, float]] = []         # (phase, perf_counter when it began)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._play, daemon=True)

    def _play(self) -> None:
        due = time.perf_counter()
        while not self.stopping.is_set():
            due += self.step
            while (wait := due - time.perf_counter()) > 0:
                time.sleep(min(wait, 0.002))
            for _ in range(self.chord):
                seq = self.seq
                self.seq += 1
                t = time.perf_counter()
                note, velocity = note_key(seq)
                self.client.send_message("/hatbox/note_on", [note, velocity])
                self.sent.append((seq, self.phase, t))
                self.client.send_message("/hatbox/note_off", [note])


# ---- the run ----

def tag_phase(box: Box, player: Player, body: bytes, k: int, seconds: float) -> dict[str, Any]:
    """POST the library (phase ``upload``: split afterwards into ``receive`` and ``unpack`` by the box's own marks of
    its ingest, :func:`split_upload`), then ``tagging`` for ``seconds`` (0: none), then DELETE it.  ``upload_s``:
    the POST's time."""
    set_phase(player, "upload")
    t0 = time.monotonic()
    lid = box.call("POST", "/libraries", params={"name": f"bench{k}"}, content=body)["id"]
    t1 = time.monotonic()
    set_phase(player, "tagging")
    end, done_files, rec = time.monotonic() + seconds, 0, {"state": "tagging"}
    while time.monotonic() < end:
        time.sleep(0.5)
        rec = box.call("GET", f"/libraries/{lid}")
        done_files = (rec.get("progress") or {}).get("done", 0)
        if rec["state"] != "tagging":
            break
    set_phase(player, "after")
    box.call("DELETE", f"/libraries/{lid}")
    return {"upload_s": round(t1 - t0, 2), "files_tagged": done_files, "state": rec["state"]}


def split_upload(sent: list[tuple[int, str, float]], ingests: list[list[float]]) -> list[tuple[int, str, float]]:
    """``sent`` with each ``upload`` note relabelled ``unpack`` when sent while the box ingested (unpacked) the
    library, ``receive`` before (the body on its way)."""
    def label(p: str, t: float) -> str:
        if p != "upload":
            return p
        return "unpack" if any(a <= t <= b for a, b in ingests) else "receive"
    return [(seq, label(p, t), t) for seq, p, t in sent]


def idle_phase(player: Player, seconds: float) -> None:
    set_phase(player, "idle")
    time.sleep(seconds)
    set_phase(player, "after")


def stats(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0}
    a = np.array(ms)
    return {"n": len(a), "median": round(float(np.median(a)), 2), "p95": round(float(np.percentile(a, 95)), 2),
            "max": round(float(a.max()), 2), "over_10ms": int((a > 10).sum()), "over_30ms": int((a > 30).sum())}


def probe_by_phase(windows: list[tuple[str, float]], lates: list[list[float]]) -> dict[str, Any]:
    """The GIL probe's late wake-ups (ms) by the phase they fell in: how many over 2 / 10 / 30 ms, the worst."""
    edges = [t for _, t in windows]
    out: dict[str, Any] = {}
    for when, late in lates:
        i = int(np.searchsorted(edges, when, side="right")) - 1
        kind = windows[i][0] if i >= 0 else "warmup"
        row = out.setdefault(kind, {"over_2ms": 0, "over_10ms": 0, "over_30ms": 0, "max_ms": 0.0})
        ms = late * 1000
        row["over_2ms"] += 1
        row["over_10ms"] += ms > 10
        row["over_30ms"] += ms > 30
        row["max_ms"] = round(max(row["max_ms"], ms), 1)
    return out


PHASES = {"idle": ("idle",), "receive": ("receive",), "unpack": ("unpack",), "upload": ("receive", "unpack"),
          "tagging": ("tagging",)}       # a kind reported -> the players' phases it pools (upload: the whole POST)


def latencies(sent: list[tuple[int, str, float]], got: list[list[Any]]) -> dict[str, dict[str, Any]]:
    """Per phase kind (:data:`PHASES`): handoff and reply latencies (ms) and notes lost."""
    keyed = {(n, v): (h, r) for n, v, h, r in got}
    out: dict[str, dict[str, Any]] = {}
    for kind, phases in PHASES.items():
        rows = [(t, keyed.get(note_key(s))) for s, p, t in sent if p in phases]
        out[kind] = {"handoff": [(hr[0] - t) * 1000 for t, hr in rows if hr],
                     "reply": [(hr[1] - t) * 1000 for t, hr in rows if hr], "lost": sum(hr is None for _, hr in rows)}
    return out


def summarise(sent: list[tuple[int, str, float]], got: list[list[Any]]) -> dict[str, Any]:
    """Per phase kind: handoff and reply latency (ms) and notes lost."""
    keyed = {(n, v): (h, r) for n, v, h, r in got}
    out: dict[str, Any] = {kind: {"handoff_ms": stats(ms["handoff"]), "reply_ms": stats(ms["reply"]),
                                  "lost": ms["lost"]} for kind, ms in latencies(sent, got).items()}
    t0 = sent[0][2] if sent else 0.0                 # each note: (s since the first, phase, handoff ms)
    out["notes"] = [(round(t - t0, 3), p, round((keyed[note_key(s)][0] - t) * 1000, 2))
                    for s, p, t in sent if note_key(s) in keyed]
    return out


def run_box(args: argparse.Namespace, tmp: Path, body: bytes, repo: Path, rounds: int) -> dict[str, Any]:
    """One box (the tree ``repo``), ``rounds`` idle + upload/tagging phase pairs: its phases, summary, and the raw
    ``sent``/``got`` (for pooling runs)."""
    extra = {"HATBOX_BENCH_SWITCH": str(args.switch)} if args.switch else {}
    if args.probe:
        extra["HATBOX_BENCH_PROBE"] = "1"
    tmp.mkdir(parents=True, exist_ok=True)
    box = Box(tmp, extra, repo.resolve())
    phases: list[dict[str, Any]] = []
    player = None
    try:
        box.pair()
        box.call("POST", "/packs", params={"activate": True}, content=PACK.read_bytes())
        player = Player(box.osc, args.step, args.chord)
        player.thread.start()
        time.sleep(3.0)                                     # warm-up: the first notes' imports
        play_rounds(args, box, player, body, rounds, repo.name, phases)
        player.stopping.set()
        player.thread.join()
    finally:
        if player is not None:
            player.stopping.set()
        got = box.stop()
    return box_result(args, phases, got, player)


def play_rounds(args: argparse.Namespace, box: Box, player: Player, body: bytes, rounds: int, name: str,
                phases: list[dict[str, Any]]) -> None:
    """``rounds`` idle + upload/tagging phase pairs on ``box`` while ``player`` plays, each pair's two phases (their
    xruns, the upload's times) added to ``phases`` as it ends."""
    tagging_s = args.phase if args.tagging is None else args.tagging
    for k in range(rounds):
        x0 = box.xruns()
        idle_phase(player, args.phase)
        x1 = box.xruns()
        tagged = tag_phase(box, player, body, k, tagging_s)
        phases += [{"kind": "idle", "xruns": x1 - x0}, {"kind": "tagging", "xruns": box.xruns() - x1, **tagged}]
        print(f"{name} round {k}: {phases[-2]} {phases[-1]}", flush=True)


def box_result(args: argparse.Namespace, phases: list[dict[str, Any]], got: dict[str, Any],
               player: Player | None) -> dict[str, Any]:
    """What :func:`run_box` returns, from the ``phases`` played and what the box heard (``got``: Box.stop)."""
    ingests = got.get("ingests") or []
    sent = split_upload(player.sent if player else [], ingests)
    for p, (a, b) in zip([p for p in phases if p["kind"] == "tagging"], ingests):
        p["unpack_s"] = round(b - a, 2)             # the box's ingest: the unpacking and the record
    result = summarise(sent, got["notes"])
    if args.probe and player is not None:
        result["gil_probe"] = probe_by_phase(player.windows, got["lates"])
    for kind in ("idle", "tagging"):
        result[kind]["xruns"] = sum(p["xruns"] for p in phases if p["kind"] == kind)
    return {"phases": phases, "result": result, "sent": sent, "got": got["notes"], "loadavg": os.getloadavg()}


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    body = tar_bytes(make_library(tmp / "lib", args.files), tmp)
    one = run_box(args, tmp, body, Path(args.repo), args.rounds)
    return {"args": vars(args), "phases": one["phases"], "result": one["result"], "cpus": os.cpu_count(),
            "loadavg_at_end": os.getloadavg()}


def compare(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """``--compare OLD``: rounds alternating a box of the tree OLD and one of ``--repo`` (old, new; then new, old;
    ...), one idle + upload(/tagging) pair each, on the same library; per tree each run's summary, and its notes'
    latencies pooled over its runs.  With ``--unpack-cost N``: then N alternated timings of the unpacking alone."""
    body = tar_bytes(make_library(tmp / "lib", args.files), tmp)
    trees = {"old": Path(args.compare), "new": Path(args.repo)}
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    for k in range(args.rounds):
        for label in (("old", "new") if k % 2 == 0 else ("new", "old")):
            runs[label].append(run_box(args, tmp / f"{label}{k}", body, trees[label], 1))
    out: dict[str, Any] = {"args": vars(args), "cpus": os.cpu_count()}
    for label, done in runs.items():
        out[label] = {"tree": str(trees[label]), "pooled": pooled_stats(done),
                      "runs": [{"phases": one["phases"], "loadavg": one["loadavg"],
                                "result": one["result"]} for one in done]}
    if args.unpack_cost:
        out["unpack_cost"] = unpack_cost(trees, tmp, args.unpack_cost)
    return out


def pooled_stats(done: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per phase kind, the handoff and reply latencies (ms) of every note of the runs ``done`` (:func:`run_box`'s),
    pooled: their stats."""
    pooled: dict[str, dict[str, list[float]]] = {}
    for one in done:
        for kind, ms in latencies(one["sent"], one["got"]).items():
            pooled.setdefault(kind, {"handoff": [], "reply": []})
            pooled[kind]["handoff"] += ms["handoff"]
            pooled[kind]["reply"] += ms["reply"]
    return {kind: {"handoff_ms": stats(ms["handoff"]), "reply_ms": stats(ms["reply"])} for kind, ms in pooled.items()}


UNPACK_TIMED = """import os, sys, time
from pathlib import Path
os.environ.pop("HATBOX_TAG_IN_THREAD", None)
import importlib
unpack_archive = importlib.import_module(sys.argv[3]).unpack_archive
t = time.perf_counter()
report = unpack_archive(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - t, len(report.accepted))
"""


def unpack_cost(trees: dict[str, Path], tmp: Path, n: int) -> dict[str, Any]:
    """The unpacking of the library alone, ``n`` times per tree alternated, each in a fresh Python of that tree
    (the old unpacks in its own process, the new starts its child): seconds of the unpack_archive call."""
    times: dict[str, list[float]] = {label: [] for label in trees}
    for k in range(n):
        for label in (("old", "new") if k % 2 == 0 else ("new", "old")):
            dest = tmp / f"cost-{label}{k}" / "files"
            env = {**os.environ, "PYTHONPATH": str(trees[label].resolve())}
            module = "device.library.archive" if label == "old" else "device.library.unpack_worker"
            said = subprocess.run([sys.executable, "-c", UNPACK_TIMED, str(tmp / "library.tar"), str(dest), module],
                                  env=env, cwd=trees[label], capture_output=True, text=True, check=True).stdout
            times[label].append(float(said.split()[0]))
            shutil.rmtree(dest.parent, ignore_errors=True)
            print(f"unpack {label}: {times[label][-1]:.2f} s ({said.split()[1]} files)", flush=True)
    return {label: {"runs_s": [round(t, 2) for t in ts], "median_s": round(float(np.median(ts)), 2)}
            for label, ts in times.items()}


def print_result(result: dict[str, Any]) -> None:
    for kind, r in result.items():
        if kind == "notes":
            continue
        if kind == "gil_probe":
            print(f"gil probe (late wake-ups in the box's process): {r}")
            continue
        print(f"{kind:8s} handoff {r['handoff_ms']}  reply {r['reply_ms']}  lost {r['lost']}  "
              f"xruns {r.get('xruns', '-')}")


def print_compared(out: dict[str, Any]) -> None:
    for label in ("old", "new"):
        print(f"{label} ({out[label]['tree']}), pooled over {len(out[label]['runs'])} runs:")
        for kind, r in out[label]["pooled"].items():
            print(f"  {kind:8s} handoff {r['handoff_ms']}")
        print("  upload_s / unpack_s per run: " + ", ".join(
            f"{p['upload_s']} / {p.get('unpack_s')}" for one in out[label]["runs"] for p in one["phases"]
            if p["kind"] == "tagging"))
    if "unpack_cost" in out:
        print(f"unpack alone (s): {out['unpack_cost']}")


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=2000, help="one-shots in the library tagged")
    ap.add_argument("--rounds", type=int, default=2, help="idle + tagging phase pairs")
    ap.add_argument("--phase", type=float, default=20.0, help="seconds per phase")
    ap.add_argument("--step", type=float, default=0.125, help="seconds between chords")
    ap.add_argument("--chord", type=int, default=2, help="note_ons per chord")
    ap.add_argument("--name", default="box_note_latency")
    ap.add_argument("--keep", default="", help="copy the box's logs and terminal output to this folder")
    ap.add_argument("--repo", default=str(REPO), help="the tree whose box runs (e.g. `git archive HEAD` unpacked)")
    ap.add_argument("--switch", type=float, default=0.0, help="experiment: sys.setswitchinterval in the box (s)")
    ap.add_argument("--probe", action="store_true", help="experiment: a 1 ms GIL probe thread in the box")
    ap.add_argument("--compare", default="", help="OLD_TREE: alternate boxes of it and of --repo, one round each")
    ap.add_argument("--tagging", type=float, default=None, help="seconds of tagging after each upload (--phase)")
    ap.add_argument("--unpack-cost", type=int, default=0, help="with --compare: N timings of the unpacking alone")
    return ap.parse_args()


def run_one(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """One box's run (:func:`run`), its logs kept as ``--keep`` asks; its first line of output printed."""
    out = run(args, tmp)
    if args.keep:                                   # the box's store, log and output, for a look after
        shutil.copytree(tmp / "store" / "logs", Path(args.keep) / "logs", dirs_exist_ok=True)
        shutil.copy(tmp / "box.out", Path(args.keep) / "box.out")
    print((tmp / "box.out").read_text().splitlines()[0])
    return out


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--box-child":
        return box_child(sys.argv[2], sys.argv[4:])
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="hatbox-notelat-") as tmp:
        out = compare(args, Path(tmp)) if args.compare else run_one(args, Path(tmp))
    if args.compare:
        print_compared(out)
    else:
        print_result(out["result"])
    dest = REPO / "bench" / "results" / f"{args.name}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=1))
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
