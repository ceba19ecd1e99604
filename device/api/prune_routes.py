"""``POST /packs/prune``: delete, in one call, the pack versions nothing on the box can reach (`hatbox box-pack
--prune`).

Every push of a new version keeps the ones before it; a roll back reaches only the last :data:`device.store
.HISTORY_LEN` of each slot.  After the year QA's 173 pushes, 157 versions served nothing, and deleting them one by one
cost ~2 s each (a listing and a DELETE per pack).  A pack is kept when it is active, in a slot's history (a roll back
reaches it), mapped to a MIDI program or the one a mapping by name plays now (device/midi_programs.py), tagging a
library or named by one as its tagger, or one of the ``keep`` newest of its kind and name (device/versions.py); the
rest go.  ``dry_run`` (the default) says what would go and deletes nothing; a call with ``ids`` (those a dry run
listed) deletes only those of them that may still go, so what is deleted is what the person was shown.
"""
from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from device.api.errors import _errors
from device.api.state import box_of, say_in_log
from device.midi_programs import PROGRAMS_FILE, load_programs, resolve


class PruneRequest(BaseModel):
    keep: int = Field(1, ge=0, le=1000, description="keep the newest this many of each kind and name as well")
    dry_run: bool = Field(True, description="say what would go, delete nothing")
    ids: Optional[list[str]] = Field(None, max_length=100000, description="delete only these (of what may go): the "
                                     "ids a dry run listed; left out: all that may go")


class PrunedPack(BaseModel):
    id: str
    kind: str
    name: str
    version: str
    size: int


class PruneResult(BaseModel):
    dry_run: bool
    packs: list[PrunedPack] = Field(description="deleted (or, in a dry run, that would be), by name, newest first")
    bytes: int = Field(description="their pack files' bytes: what is (or would be) freed")
    kept: int = Field(description="packs that stay on the box")
    kept_bytes: int
    message: str


def kept_by_others(request: Request, packs: list[dict[str, Any]]) -> set[str]:
    """The packs the store's own pointer does not keep but the box needs: mapped to a MIDI program (and what a
    mapping plays now), tagging a library, or a library's tagger."""
    switcher = getattr(request.app.state, "programs", None)
    box = box_of(request)
    entries = switcher.programs.listed() if switcher is not None else \
        list(load_programs(box.store.root / PROGRAMS_FILE)[0].values())
    kept = {e.pack for e in entries}
    for entry in entries:
        plays = resolve(entry, packs)[0]
        if plays is not None:
            kept.add(str(plays["id"]))
    kept |= {str(lib["tagger"]) for lib in box.libraries.list() if lib.get("tagger")}
    return kept


def _size_words(size: int) -> str:
    """Bytes in MiB with one decimal, or KiB under 1 MiB (as `hatbox box-pack` says a pack's size)."""
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{-(-size // 1024)} KiB"


def _words(n: int, size: int, dry_run: bool, kept: int) -> str:
    """What a prune did (or would do), in one line."""
    if n == 0:
        return (f"nothing to delete: each of the {kept} packs is active, reachable by a roll back, mapped to a MIDI "
                "program, a library's tagger, or among the newest of its name")
    verb = "would free" if dry_run else "freed"
    return f"{n} pack{'s' if n != 1 else ''} {'would go' if dry_run else 'deleted'}: {verb} {_size_words(size)}"


def _add_prune_routes(app: FastAPI, auth: Any) -> None:
    @app.post("/packs/prune", response_model=PruneResult, dependencies=[auth], responses=_errors(401, 422, 500))
    def prune_packs(request: Request, body: PruneRequest) -> PruneResult:
        box = box_of(request)
        with box.install_lock:                  # no push or activation between the plan and the deletes
            packs = box.store.list()
            plan = box.store.prune_plan(kept_by_others(request, packs), body.keep)
            if body.ids is not None:
                wanted = set(body.ids)
                plan = [m for m in plan if m["id"] in wanted]
            if not body.dry_run and plan:
                done = set(box.store.delete_many([str(m["id"]) for m in plan]))
                plan = [m for m in plan if m["id"] in done]
        size = sum(int(m.get("size") or 0) for m in plan)
        totals = box.store.totals()
        words = _words(len(plan), size, body.dry_run, totals["packs"] - (len(plan) if body.dry_run else 0))
        say_in_log(request, f"packs prune{' (dry run)' if body.dry_run else ''}: {words}"
                   + (f" ({', '.join(str(m['id']) for m in plan)})" if plan and not body.dry_run else ""))
        return PruneResult(dry_run=body.dry_run, packs=[PrunedPack(**{k: m[k] for k in PrunedPack.model_fields})
                                                        for m in plan],
                           bytes=size, kept=totals["packs"] - (len(plan) if body.dry_run else 0),
                           kept_bytes=totals["pack_bytes"] - (size if body.dry_run else 0), message=words)
