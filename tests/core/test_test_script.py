"""scripts/test.sh, the README's test command: what it sets up on a machine
that lacks chromium, npm or the Python packages, seen through --dry-run with a
PATH of stand-ins (so nothing is installed and no test is run)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test.sh"
BASH = shutil.which("bash")


def fake_path(tmp_path, uid, tools=("npm", "apt-get")):
    """A PATH holding python3, dirname, env, an `id` that says `uid`, and
    stand-ins for the given tools (they fail if the script really calls them)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    for name in ("dirname", "env"):
        (bin_dir / name).symlink_to(shutil.which(name))
    stubs = {"id": f'#!{BASH}\necho {uid}\n'}
    stubs.update({tool: f'#!{BASH}\necho "{tool} was really run" >&2\nexit 99\n' for tool in tools})
    for name, text in stubs.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return str(bin_dir)


def run(tmp_path, *args, uid=1000, chromium="/nonexistent/chromium", tools=("npm", "apt-get")):
    env = {"PATH": fake_path(tmp_path, uid, tools), "CHROMIUM": chromium, "HOME": str(tmp_path),
           "VIRTUAL_ENV": "", "PIP_BREAK_SYSTEM_PACKAGES": "1"}   # pip may install into this python
    return subprocess.run([BASH, str(SCRIPT), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)


def test_without_chromium_and_not_root_it_says_what_to_install_and_stops(tmp_path):
    done = run(tmp_path, "--dry-run")
    assert done.returncode == 2
    assert "sudo apt-get install chromium" in done.stderr
    assert "CHROMIUM=" in done.stderr
    assert "would run" not in done.stdout and "really run" not in done.stderr


def test_without_chromium_as_root_it_installs_debians_chromium_then_runs_every_test(tmp_path):
    done = run(tmp_path, "--dry-run", uid=0)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("would run: ")]
    assert steps[0] == "would run: apt-get update -qq"
    assert "apt-get install" in steps[1] and steps[1].split()[-1] == "chromium"
    assert steps[-1].rstrip().endswith("-m pytest")


def test_without_npm_it_asks_for_nodejs_and_npm(tmp_path):
    done = run(tmp_path, "--dry-run", chromium=sys.executable, tools=("apt-get",))
    assert done.returncode == 2
    assert "sudo apt-get install nodejs npm" in done.stderr
    assert "chromium" not in done.stderr.split("install them with:")[1]


def test_with_everything_present_it_only_runs_pytest_with_the_arguments_given(tmp_path):
    # any existing executable stands in for chromium; the Python packages of this run are there
    done = run(tmp_path, "--dry-run", "-q", "-m", "not browser", chromium=sys.executable)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("would run: ")]
    assert all("apt-get" not in s and "pip install" not in s for s in steps), steps
    assert steps[-1].split(" -m pytest ")[1].strip() == r"-q -m not\ browser"
    assert "requirements-dev.txt: already installed" in done.stdout


@pytest.mark.skipif(not (ROOT / ".ci" / "run").exists(), reason="no CI script")
def test_ci_and_the_readme_use_this_same_command():
    readme = (ROOT / "README.md").read_text()
    assert "scripts/test.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci and "python3 -m pytest" not in ci
