"""Whether an effect pack scored no better than no effect at all (its held-out ESR against bypass's, as `hatbox
train effect` stores them in its metrics), and how that is said: in full by `hatbox pack inspect` and `hatbox push`
(:func:`worse_than_bypass_words`), cut short by the box's panel (:func:`worse_than_bypass_forms`).  Torch-free and
light: the panel (device/ui/program_notice.py) and the CLI commands both import it."""
from __future__ import annotations

from typing import Any

from device.finite_numbers import finite_or_none
from hatbox.text import number_words


def worse_than_bypass(metrics: dict) -> tuple[float, float] | None:
    """(the pack's held-out ESR, bypass's) from an effect pack's ``metrics`` (``val_esr``, ``val_bypass_esr``, as
    `hatbox train effect` writes them) when the pack scored no better than no effect at all (its error at least
    bypass's, and over 0); None otherwise, and for a pack without both figures (a synth, a tagger, an old pack)."""
    model, bypass = finite_or_none(metrics.get("val_esr")), finite_or_none(metrics.get("val_bypass_esr"))
    if model is None or bypass is None or model <= 0 or model < bypass:
        return None
    return model, bypass


def _verdict(model: float, bypass: float) -> str:
    """"worse than" or "no better than" (the same error as bypass's)."""
    return "worse than" if model > bypass else "no better than"


def _said(model: float, bypass: float) -> str:
    """"it scored worse than no effect at all": what the words say first."""
    return f"it scored {_verdict(model, bypass)} no effect at all"


def _scored(model: float, bypass: float) -> str:
    """"it scored worse than no effect at all: held-out error 1.28 against bypass's 0.743": the words' head."""
    return f"{_said(model, bypass)}: held-out error {number_words(model)} against bypass's {number_words(bypass)}"


def worse_than_bypass_words(metrics: dict) -> str:
    """"it scored worse than no effect at all: held-out error 1.28 against bypass's 0.743 (the dry input unchanged),
    1.72x higher: ..." for a pack :func:`worse_than_bypass` names (what `pack inspect` and `hatbox push` say); ""
    otherwise."""
    scores = worse_than_bypass(metrics)
    if scores is None:
        return ""
    model, bypass = scores
    how = "the same" if model == bypass else f"{model / bypass:.3g}x higher" if bypass > 0 else "higher"
    return (f"{_scored(model, bypass)} (the dry input unchanged), {how}: it sounds less like the gear than your dry "
            "signal does; train it again (hatbox train effect said how when it wrote it)")


def worse_than_bypass_forms(metrics: Any) -> tuple[str, ...]:
    """:func:`worse_than_bypass_words` cut for a short line, longest first: "it scored worse than no effect at all:
    held-out error 1.28 against bypass's 0.743", "it scored worse than no effect at all", "worse than no effect";
    () for any other pack, one without both figures, and ``metrics`` that are no dict."""
    scores = worse_than_bypass(metrics) if isinstance(metrics, dict) else None
    if scores is None:
        return ()
    return _scored(*scores), _said(*scores), f"{_verdict(*scores)} no effect"
