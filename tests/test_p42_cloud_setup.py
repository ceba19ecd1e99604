"""p42 cloud QA 4: scripts/setup.sh's opt-in for a rented GPU machine (--train-only: no Debian packages, [train]
only, PyPI's CUDA torch; HATBOX_TORCH=cuda|cpu), run against stand-ins for dpkg, apt-get and .venv/bin/python that
only write down how they were called: no pip runs.  The default run (the README's `bash scripts/setup.sh` and CI's)
calls exactly what it called before the option came."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEBS = ("libasound2-dev libasound2-plugins alsa-utils libsndfile1 sox fluidsynth fluid-soundfont-gm hydrogen-drumkits "
        "hydrogen-data sonic-pi-samples lmms-common freepats lilv-utils guitarix-lv2 swh-lv2 fonts-dejavu-core "
        "fonts-droid-fallback fonts-symbola").split()
PIP = "python -m pip install -q"


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(0o755)


def _run(tmp_path: Path, *args: str, torch: str | None = None, wheel_at_hand: bool = True
         ) -> tuple[subprocess.CompletedProcess, list[str], Path]:
    """setup.sh copied into a bare tree with stand-ins: every Debian package missing, .venv/bin/python there."""
    repo, bin_dir, log = tmp_path / "repo", tmp_path / "bin", tmp_path / "calls.log"
    (repo / "scripts").mkdir(parents=True)
    (repo / ".venv" / "bin").mkdir(parents=True)
    bin_dir.mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    log.write_text("")
    sudo_runs = 'if [[ $1 == apt-get ]]; then shift; exec apt-get "$@"; fi\n'
    for name in ("dpkg", "apt-get", "sudo"):
        _stub(bin_dir / name, f'echo "{name} $*" >> "{log}"\n' + ('exit 1\n' if name == "dpkg" else sudo_runs))
    _stub(repo / ".venv" / "bin" / "python",
          f'echo "python $*" >> "{log}"\n'
          f'if [[ "$*" == *"--dry-run --no-index"* ]]; then exit {0 if wheel_at_hand else 1}; fi\n'
          'if [[ $1 == -c ]]; then echo "==> torch (stand-in)"; fi\n')
    env = {k: v for k, v in os.environ.items() if k != "HATBOX_TORCH"}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    if torch is not None:
        env["HATBOX_TORCH"] = torch
    done = subprocess.run(["bash", str(repo / "scripts" / "setup.sh"), *args], env=env, capture_output=True,
                          text=True, timeout=60)
    calls = [line.replace("sudo apt-get", "apt-get") for line in log.read_text().splitlines()]
    return done, [c for c in calls if not c.startswith("sudo ")], repo


def _stamp(repo: Path) -> str:
    return (repo / ".venv" / ".hatbox-installed").read_text().strip()


def test_the_default_run_is_what_it_was(tmp_path):
    done, calls, repo = _run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert calls == [f"dpkg -s {p}" for p in DEBS] + [
        "apt-get update -qq", "apt-get install -y -qq --no-install-recommends " + " ".join(DEBS),
        f"{PIP} --upgrade pip", f"{PIP} --dry-run --no-index --no-deps torch==2.13.0", f"{PIP} torch==2.13.0",
        f"{PIP} -e .[device,train,dev]"]
    assert done.stdout == ("==> installing Debian packages: " + " ".join(DEBS) + "\n"
                           "==> installing hatbox and its dependencies into .venv (torch is the CPU build)\n"
                           "==> hatbox is set up in .venv\n")
    assert _stamp(repo) == hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]


def test_the_default_run_without_a_wheel_at_hand_takes_the_cpu_index(tmp_path):
    done, calls, _repo = _run(tmp_path, wheel_at_hand=False)
    assert done.returncode == 0 and calls[-2] == (f"{PIP} torch==2.13.0 --index-url "
                                                  "https://download.pytorch.org/whl/cpu"
                                                  " --extra-index-url https://pypi.org/simple")


def test_train_only_skips_debian_and_takes_pypis_cuda_torch(tmp_path):
    done, calls, repo = _run(tmp_path, "--train-only")
    assert done.returncode == 0, done.stderr
    assert calls[:4] == [f"{PIP} --upgrade pip", f"{PIP} torch===2.13.0 --index-url https://pypi.org/simple",
                         f"{PIP} -e .[train] cryptography>=42", "python -c import torch"]    # then what it found
    assert "Debian" not in done.stdout and "CUDA build" in done.stdout and "==> torch (stand-in)" in done.stdout
    assert _stamp(repo).endswith(" .[train] cuda")


def test_train_only_with_the_cpu_build(tmp_path):
    done, calls, _repo = _run(tmp_path, "--train-only", torch="cpu")
    assert done.returncode == 0 and f"{PIP} torch==2.13.0" in calls and f"{PIP} -e .[train] cryptography>=42" in calls
    assert not any(c.startswith(("dpkg", "apt-get", "python -c")) for c in calls)


def test_hatbox_torch_cuda_keeps_the_rest(tmp_path):
    done, calls, _repo = _run(tmp_path, torch="cuda")
    assert done.returncode == 0, done.stderr
    assert calls[0].startswith("dpkg -s") and f"{PIP} torch===2.13.0 --index-url https://pypi.org/simple" in calls
    assert f"{PIP} -e .[device,train,dev]" in calls


@pytest.mark.parametrize("args, torch, said", [(["--gpu"], None, "unknown option --gpu"),
                                               ([], "rocm", "HATBOX_TORCH must be cpu or cuda")])
def test_a_bad_option_installs_nothing(tmp_path, args, torch, said):
    done, calls, _repo = _run(tmp_path, *args, torch=torch)
    assert done.returncode == 2 and said in done.stderr and calls == []


def test_dry_run_says_and_does_nothing(tmp_path):
    done, calls, _repo = _run(tmp_path, "--train-only", "--dry-run")
    assert done.returncode == 0 and calls == []
    assert done.stdout.splitlines() == ["Debian packages: skipped (--train-only)",
                                        "torch: 2.13.0, the cuda build (PyPI's wheel)",
                                        'hatbox: pip install -e ".[train]" cryptography']
