"""The box's records of what was deleted lately, checked before an answer reads them (forty-seventh stop).

Two records, two shapes on purpose (device/store_notes.py ``KeptRecords`` keeps both on the card):

- a pack's (``PackStore.deleted``, deleted-packs.json): the pack's whole meta.json record plus ``deleted_by``,
  ``deleted_at`` and ``deleted_how``; a pack whose meta.json could not be read is kept by its ``id`` alone, so its
  ``kind``, ``name`` and ``version`` may be missing (device/store.py ``_deleted_notes``);
- a library's (``Libraries.deleted``, deleted-libraries.json): ``{"id", "name", "by", "at"}``.

One rule for both (:func:`shaped`): a field its writer always writes must be there, of its type; a field it may leave
out may be missing or null, and of its type when it is there.  A time is a finite number of seconds a clock can show
(:data:`LATEST`): the answers turn it into "at 14:02" (time.localtime, which raises on 1e300).  A record that breaks the
rule, edited by hand or by a later version, is left out (its answers would fail), never raised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from device.finite_numbers import finite_number

KEY, TEXT, TIME = "key", "text", "time"   # a non-empty text, any text, a time (Unix seconds)
LATEST = 253402300799.0                   # 9999-12-31 23:59:59 UTC: the latest time a record may hold


@dataclass(frozen=True)
class Shape:
    """A record's fields and their kinds (:data:`KEY`, :data:`TEXT`, :data:`TIME`): ``required`` ones its writer
    always writes, ``optional`` ones it may leave out (missing or null)."""

    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)


PACK_DELETION = Shape(required={"id": KEY, "deleted_by": TEXT, "deleted_at": TIME, "deleted_how": TEXT},
                      optional={"kind": TEXT, "name": TEXT, "version": TEXT})
LIBRARY_DELETION = Shape(required={"id": KEY, "name": TEXT, "by": TEXT, "at": TIME})


def of_kind(value: Any, kind: str) -> bool:
    """Whether ``value`` is a ``kind`` (:data:`KEY`, :data:`TEXT`, :data:`TIME`)."""
    if kind == TIME:
        return finite_number(value) and 0 <= value <= LATEST
    return isinstance(value, str) and (kind == TEXT or bool(value))


def shaped(record: Any, shape: Shape) -> bool:
    """Whether ``record`` is an object with each of ``shape``'s required fields of its kind and each optional one
    missing, null or of its kind."""
    if not isinstance(record, dict):
        return False
    if not all(k in record and of_kind(record[k], kind) for k, kind in shape.required.items()):
        return False
    return all(record.get(k) is None or of_kind(record[k], kind) for k, kind in shape.optional.items())


def well_shaped(records: dict[str, Any], shape: Shape) -> dict[str, dict[str, Any]]:
    """The records of ``records`` (key -> record, oldest first, as KeptRecords.current gives them) that are
    :func:`shaped` as ``shape``, in their order."""
    return {key: r for key, r in records.items() if shaped(r, shape)}
