"""The Models page's words on a box started with --require-signature (p57 QA_C 2): what a tap would do with a pack
the box refuses, said before the tap, and refused with what to do next instead of tried.

device/ui/signed_only.py marks the packs the box refuses and words an activate's refusal; here are the forms the
Models page adds: the refusal in a short form that keeps the next step (a 480-px screen lost it: "hatbox-drive is not
signed: this box plays only signed packs"), roll back to a refused pack (an unsigned twin of the active signed
"fuzzbox 0.2.0" read "roll back: effect -> fuzzbox 0.2.0" and its tap answered with no next step) and a program
mapped to one (mapped with no word, and its program change then refused).
"""
from __future__ import annotations

from typing import Any

from device.ui.signed_only import refusal_lines

NEXT = "sign it (hatbox pack sign) and push it"          # the next step, in the short forms


def activate_refused(name: str, version: str) -> tuple[str, ...]:
    """An activate the box refuses, longest first: signed_only's words, with forms that keep what to do before those
    that keep only why."""
    lines = refusal_lines(name, version)
    return (*lines[:2], f"{name} is not signed: {NEXT}", f"{name} is not signed: hatbox pack sign it", *lines[2:])


def rollback_mark(kind: str, name: str, version: str) -> tuple[str, ...]:
    """What roll back would do where the pack it goes back to is refused here, longest first."""
    full = f"{name} {version}"
    return (f"roll back: {kind} -> {full} (unsigned: refused here)", f"-> {full} (unsigned: refused)",
            f"-> {name} (refused)", "")


def rollback_refused(to: Any, stays: Any) -> tuple[str, ...]:
    """A roll back not tried: the pack ``to`` (device.ui.data.PackEntry) it goes back to is refused here; ``stays``:
    the slot's active pack (None: none).  What happened, what stays, what to do; longest first."""
    name, full = to.manifest.name, f"{to.manifest.name} {to.manifest.version}"
    kept = f"{stays.manifest.name} {stays.manifest.version} stays active" if stays is not None else "nothing changed"
    return (f"not rolled back: {full} is not signed by a trusted key and this box plays only signed packs; {kept}. "
            f"{NEXT[0].upper()}{NEXT[1:]}, or start the box without --require-signature",
            f"not rolled back: {full} is not signed; {kept}; {NEXT}",
            f"not rolled back: {name} is not signed; {NEXT}", f"not rolled back: {name} unsigned (hatbox pack sign)",
            f"not rolled back: {name} unsigned")


def map_mark(n: int, name: str, version: str) -> tuple[str, ...]:
    """The set-list row with a refused pack selected: mapping it would only be refused at the program change."""
    full = f"{name} {version}"
    return (f"program {n}: {full} is unsigned: refused here, a program change would not switch it in",
            f"program {n}: {full} is unsigned: refused here", f"p{n}: {name} unsigned: refused here",
            f"p{n}: {name} refused here")


def map_refused(n: int, name: str, version: str) -> tuple[str, ...]:
    """A map not made: the selected pack is refused here.  What happened and what to do; longest first."""
    full = f"{name} {version}"
    return (f"program {n} not mapped: {full} is not signed, and this box plays only signed packs; {NEXT}, or map a "
            "signed pack",
            f"program {n} not mapped: {full} is not signed; {NEXT}", f"p{n} not mapped: {name} unsigned; {NEXT}",
            f"p{n} not mapped: {name} unsigned (hatbox pack sign)", f"p{n} not mapped: {name} unsigned")
