"""What gets imported, and when (p44 review): the engine process does not load the library's tagging path
(sqlite3, the tagger's runner, device.library.query); building the `hatbox` parser (`hatbox --help`, and every
command before its handler runs) loads neither onnxruntime nor torch nor numpy; every COMMAND_MODULES entry
exists, and one that does not is said on stderr; `hatbox device run`'s default store is read when asked."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hatbox import cli

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (modules) a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(n for n in {list(names)!r} if n in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_engine_process_does_not_load_the_librarys_tagging_path() -> None:
    heavy = ("sqlite3", "device.library.tag", "device.library.query", "device.library.runner", "device.library.db")
    assert _loaded_after("import device.audio.server", heavy) == []
    assert _loaded_after("import device.audio.sampler, device.audio.effect", heavy) == []


def test_one_submodule_of_device_library_loads_only_itself() -> None:
    loaded = _loaded_after("import device.library.decode, device.library.fixes_csv",
                           ("sqlite3", "onnxruntime", "device.library.tag", "device.library.query"))
    assert loaded == []


def test_building_the_hatbox_parser_loads_no_onnxruntime_torch_or_numpy() -> None:
    code = "from hatbox.cli import build_parser\nbuild_parser()"
    assert _loaded_after(code, ("onnxruntime", "torch", "numpy", "sqlite3", "scipy", "trainer")) == []


def test_hatbox_help_itself_loads_none_of_them() -> None:
    code = ("import sys\nfrom hatbox.cli import main\nsys.argv = ['hatbox', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    assert _loaded_after(code, ("onnxruntime", "torch", "numpy")) == []


def test_the_librarys_names_load_on_first_use() -> None:
    import device.library as library
    from device.library import Hit, LibraryReport, files_with_tag, tag_library
    from device.library.query import files_with_tag as query_files_with_tag
    from device.library.tag import tag_library as tag_tag_library
    assert files_with_tag is query_files_with_tag and tag_library is tag_tag_library
    assert Hit.__module__ == "device.library.query" and LibraryReport.__module__ == "device.library.tag"
    assert all(getattr(library, name) is not None for name in library.__all__)
    assert set(library.__all__) <= set(dir(library))
    with pytest.raises(AttributeError, match="has no attribute 'tag_libary'"):
        library.tag_libary  # noqa: B018 - the attribute access is the test


@pytest.mark.parametrize("name", cli.COMMAND_MODULES)
def test_every_command_module_named_exists_and_registers(name: str) -> None:
    module = importlib.import_module(name)
    assert callable(getattr(module, "register", None)), f"{name} has no register(cli)"


def test_a_misspelt_command_module_is_said_on_stderr(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "hatbox.cmd_pakc", "hatbx.cmd_x"))
    parser = cli.build_parser()
    err = capsys.readouterr().err
    for name in ("hatbox.cmd_pakc", "hatbx.cmd_x"):
        assert f"hatbox: warning: COMMAND_MODULES in hatbox/cli.py names {name}, which does not exist" in err
    assert parser.parse_args(["pack", "inspect", "x.hatpack"]).pack == "x.hatpack"     # the others still work


def test_a_module_a_command_module_imports_that_is_missing_is_its_own_error(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    (tmp_path / "hatbox_p44_broken_cmd.py").write_text("import hatbox_p44_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hatbox_p44_broken_cmd",))
    with pytest.raises(ModuleNotFoundError, match="hatbox_p44_no_such_dependency"):
        cli.build_parser()
    sys.modules.pop("hatbox_p44_broken_cmd", None)


def test_device_runs_default_store_follows_home_when_the_parser_is_built(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    import hatbox.cmd_device  # noqa: F401 - imported before HOME changes, as the CLI is
    monkeypatch.setenv("HOME", str(tmp_path))
    args = cli.build_parser().parse_args(["device", "run"])
    assert args.store == tmp_path / ".hatbox"


def test_the_pack_reading_side_of_export_loads_neither_torch_nor_trainer() -> None:
    """ARCHITECTURE.md's rule for export/: the pack reader/validator is torch-free (both sides use it); only the ONNX
    builder left there (export/onnx_effect.py) needs torch; the synth's and tagger's builders are the trainer's last
    stage, under trainer/ (docs/changes.md, forty-fourth stop)."""
    code = "import export.manifest, export.pack, export.atomic, export.signing"
    assert _loaded_after(code, ("torch", "trainer", "onnxruntime")) == []


def _imported_modules(path: Path) -> set[str]:
    """Every module name an ``import`` or ``from ... import`` statement in ``path`` names (absolute imports)."""
    import ast
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_under_export_imports_the_trainer() -> None:
    """export/ is the pack format (ARCHITECTURE.md); the synth's and tagger's ONNX builders, which need the trainer's
    networks, live in trainer/synth/onnx_export.py and trainer/tagger/onnx_export.py (forty-fourth stop)."""
    sources = sorted((ROOT / "export").glob("*.py"))
    assert len(sources) >= 4
    offenders = {p.name: sorted(n for n in _imported_modules(p) if n == "trainer" or n.startswith("trainer."))
                 for p in sources}
    assert {name: mods for name, mods in offenders.items() if mods} == {}
