"""Who started a library's tagging, and when, for the refusal of a second one (p57 QA_D 7: "library 'lib-kit-239672'
is being tagged already" did not say who had started it, and its hint's `--cancel` stopped another laptop's tagging
without a word of that).

A re-tag keeps ``tagging_by`` (the paired device that asked; "" the box itself: a restart carrying a tagging on, a
tagger made active tagging the libraries that waited) and ``tagging_at`` (Unix time, the box's clock) in the
library's record (device/api/library_tagging.py ``Libraries.retag``); a first tagging is the upload's, said by its
``uploaded_by`` and ``uploaded``.
"""
from __future__ import annotations

from typing import Any


def started_by(job: dict[str, Any]) -> tuple[str | None, Any, bool]:
    """(who started library record ``job``'s tagging: a device name, "" the box, None not known; when (Unix time);
    whether it is a re-tag, not the upload's first tagging)."""
    if "tagging_by" in job:
        by = job.get("tagging_by")
        return (by if isinstance(by, str) else None), job.get("tagging_at"), True
    by = job.get("uploaded_by")
    return (by if isinstance(by, str) and by else None), job.get("uploaded"), False


def started_words(job: dict[str, Any]) -> str:
    """"laptop-s2 started tagging it again 12 s ago", "the box started its tagging 3 min ago" (a restart carrying it
    on, a tagger made active), "laptop-s4's upload started its tagging 5 min ago"; "" when the box does not know."""
    from device.api.when_words import ago, ago_words
    by, at, again = started_by(job)
    since = ago(at)
    when = f" {ago_words(since)}" if since is not None else ""
    if by is None:
        return ""
    if not again:
        return f"{by}'s upload started its tagging{when}"
    return f"{by} started tagging it again{when}" if by else f"the box started its tagging{when}"


def busy_words(lid: str, job: dict[str, Any]) -> tuple[str, str]:
    """(the refusal of a second tagging of library ``lid`` while ``job``'s runs, its hint): who started the one that
    runs, and that `--cancel` stops theirs."""
    said = started_words(job)
    by, _, _ = started_by(job)
    whose = "the tagging that runs" if by is None else f"{by or 'the box'}'s tagging"
    return (f"library '{lid}' is being tagged already" + (f": {said}" if said else "") + "; nothing was changed",
            f"wait for it to end (hatbox box-library shows its state), or stop it first: hatbox box-library {lid} "
            f"--cancel (that stops {whose})")
