"""p52 L: device/api/library_tagging.py imports only what it uses: it kept child_process.IN_THREAD_ENV (`# noqa: F401`)
for older tests, which read it where it lives (device.library.child_process).  Its DIED / DIED_WHY stay: they are its
own words (a SIGKILL's record, :func:`died_why`), defined there, not re-exported."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _unused_imports(path: Path) -> list[str]:
    """The names a module imports and never reads (a name in ``__all__`` would count as read)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names]
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    read |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    return sorted(name for name in imported if name not in read and name != "annotations")


def test_the_box_s_tagging_module_imports_only_what_it_uses() -> None:
    assert _unused_imports(ROOT / "device/api/library_tagging.py") == []


def test_in_thread_env_is_read_where_it_lives() -> None:
    from device.api import library_tagging
    from device.library import child_process
    assert not hasattr(library_tagging, "IN_THREAD_ENV") and child_process.IN_THREAD_ENV == "HATBOX_TAG_IN_THREAD"
