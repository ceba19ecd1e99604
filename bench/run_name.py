"""Result file names for runs with changed options.  Not a benchmark by itself.

A run with its default options writes the file name the README cites (``bench/results/NAME.json``); a run
whose options shorten or change it (``--minutes 0.1``, ``--frames 5``, ``--quick``, another pack) writes
``NAME_SUFFIX.json`` beside it, so a quick check never overwrites a committed figure.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

Label = str | Callable[[Any], str]


def stem(value: str | Path) -> str:
    """A label for a path option: the file or folder name without its suffix (``factory/x.hatpack`` -> ``x``)."""
    return Path(value).stem


def _same(value: Any, default: Any) -> bool:
    """Whether an option's value is its default (paths compared as paths: ``./a/b`` is ``a/b``)."""
    if isinstance(value, (str, Path)) and isinstance(default, (str, Path)):
        return Path(value) == Path(default)
    return bool(value == default) or (not value and not default)


def _safe(text: str) -> str:
    """``text`` with only the characters a file name can hold anywhere (letters, digits, ``._-+``), others ``-``."""
    return "".join(c if c.isalnum() or c in "._-+" else "-" for c in text).strip("-")


def run_suffix(parser: argparse.ArgumentParser, args: argparse.Namespace, labels: Mapping[str, Label]) -> str:
    """``''`` when every option named in ``labels`` has its default value; otherwise ``_LABEL`` for each
    one that differs, in the order given.  A label is a format string applied to the value (``"{:g}min"``,
    ``"frames{}"``, ``"quick"``) or a function of the value; e.g. ``--minutes 0.1`` -> ``_0.1min``."""
    parts = []
    for dest, label in labels.items():
        value = getattr(args, dest)
        if _same(value, parser.get_default(dest)):
            continue
        text = _safe(label(value) if callable(label) else label.format(value))
        if text:
            parts.append(text)
    return "".join(f"_{p}" for p in parts)
