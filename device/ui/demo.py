"""A small made-up box for screenshots, tests and benches: packs, a tagged library, settings, status.

Nothing here is measured: the names, numbers and paths are placeholders that exercise every
widget (four corner timbres, knobs with units and a log scale, several tags, a rollback history).
"""
from __future__ import annotations

from typing import Any

from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.kit_desk import MemoryKit
from export.manifest import Knob, Manifest, TensorSpec

TIMBRES = ["flute", "organ", "brass", "strings", "bass", "bell"]


def manifest(kind: str, name: str, version: str = "1.0.0", **kw: Any) -> Manifest:
    io = dict(inputs=[TensorSpec("x", (1, "T"))], outputs=[TensorSpec("y", (1, "T"))])
    return Manifest(kind=kind, name=name, version=version, sample_rate=48000, **io, **kw).validate()


def demo_packs() -> list[PackEntry]:
    drive = Knob("drive", 0.0, 24.0, 6.0, "dB")
    tone = Knob("tone", 200.0, 8000.0, 1200.0, "Hz", "log")
    level = Knob("level", -24.0, 6.0, 0.0, "dB")
    mix = Knob("mix", 0.0, 100.0, 100.0, "%")
    packs = [
        (manifest("synth", "Orchestra pad", extras={"names": TIMBRES}), True),
        (manifest("synth", "Orchestra pad", "0.9.0", extras={"names": TIMBRES[:4]}), False),
        (manifest("effect", "Tube screamer", knobs=[drive, tone, level, mix]), True),
        (manifest("effect", "Fuzz face", "0.3.1", knobs=[drive, level]), False),
        (manifest("tagger", "Drum tagger", "1.2.0"), True),
    ]
    return [PackEntry(f"{m.kind}-{m.name.lower().replace(' ', '-')}-{m.version}-{i:012x}", m,
                      f"/box/packs/{m.kind}-{i}/pack.hatpack", active) for i, (m, active) in enumerate(packs)]


def demo_library() -> tuple[dict[str, list[Sample]], dict[str, tuple[float, ...]]]:
    library: dict[str, list[Sample]] = {}
    embeddings: dict[str, tuple[float, ...]] = {}
    for t, tag in enumerate(["kick", "snare", "hat", "tom", "crash", "clap"]):
        for i in range(7):
            path = f"/box/libraries/drums/files/{tag}_{i + 1:02d}.wav"
            library.setdefault(tag, []).append(Sample(path, round(0.98 - 0.06 * i, 2)))
            embeddings[path] = (float(t == 0) + 0.05 * i, float(t == 1) + 0.03 * i, float(t >= 2), 0.1 * t)
    return library, embeddings


def demo_data() -> MemoryData:
    library, embeddings = demo_library()
    packs = demo_packs()
    old = next(p.id for p in packs if p.manifest.version == "0.9.0")
    kit = MemoryKit({tag: [s.path for s in samples] for tag, samples in library.items()})
    kit.from_library()
    kit.assign(37, library["snare"][3].path, loop=False)           # a note set by hand (no tag)
    kit.assign(60, library["hat"][5].path, loop=True)
    return MemoryData(pack_list=packs, library=library, embeddings=embeddings, history={"synth": [old]}, kit=kit,
                      setting={"pairing_code": "428 913", "audio_device": "hw:CARD=Codec (48 kHz)",
                               "midi": "hatbox (virtual), Launchkey MK3", "address": "http://192.168.1.20:8000"})


def demo_status() -> dict[str, Any]:
    """An engine status (``Engine.status`` in device/audio/engine.py: the same keys and shapes) of the
    demo box: its active effect (drive turned up, the other knobs at their defaults, as the engine
    reports every knob of the unit) and synth (pad centred on its first four timbres) playing a
    chord, nothing bypassed, no faults."""
    effect = next(p for p in demo_packs() if p.active and p.manifest.kind == "effect")
    knobs = {k.name: k.default for k in effect.manifest.knobs} | {"drive": 12.0}
    return {"load_mean": 0.21, "load_p999": 0.47, "load_max": 0.52, "xruns": 2, "xrun_blocks": [40211, 97310],
            "swap_blocks": [], "latency_ms": 5.3, "blocks": 120000,
            "active": {"effect": {"name": "Tube screamer", "version": "1.0.0", "path": "/box/packs/effect-2/pack.hatpack"},
                       "synth": {"name": "Orchestra pad", "version": "1.0.0", "path": "/box/packs/synth-0/pack.hatpack"},
                       "sampler": None},
            "peak_db": -9.5, "peak_minute_db": -6.0, "input_peak_db": -120.0, "faults": [], "fault_count": 0,
            "slot_knobs": {"effect": dict(knobs)}, "knobs": dict(knobs),
            "bypassed": {"effect": False, "synth": False, "sampler": False}, "limiter_db": 0.0,
            "volume_db": 0.0, "rate": 48000, "block": 128, "notes": [60, 64, 67],
            "synth": {"xy": [0.5, 0.5], "corners": TIMBRES[:4]}}
