#!/usr/bin/env bash
# The one test command: set up what the tests need, then run every test.
#
#   scripts/test.sh [--dry-run] [pytest arguments...]
#
# 1. Debian's chromium (the browser tests drive it; never `playwright install`),
#    Node.js with npm (build.py runs `npm ci`), python3 with pip (and venv where
#    the system Python is "externally managed"). As root with apt-get, missing
#    ones are installed; otherwise the script says exactly what to install.
# 2. requirements-dev.txt, pip-installed unless already satisfied; into .venv/
#    when the system Python refuses pip (PEP 668) and no venv is active.
# 3. `npm ci` when node_modules is missing or stale.
# 4. python3 -m pytest with the arguments given (by default every test).
#
# --dry-run prints the steps it would take (the checks are real) and runs nothing.
# $CHROMIUM overrides the browser path, as it does for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=0
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=1
  shift
fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
python="python3"

say() { echo "scripts/test.sh: $*"; }
step() {   # run a set-up or test step, or only show it with --dry-run
  if [ "$dry_run" = 1 ]; then
    local shown
    shown="$(printf '%q ' "$@")"
    echo "would run: ${shown% }"
  else
    say "$*"
    "$@"
  fi
}

# --- 1. system packages ---------------------------------------------------
externally_managed() {   # pip into this python would be refused (PEP 668)
  [ -z "${VIRTUAL_ENV:-}" ] && [ -z "${PIP_BREAK_SYSTEM_PACKAGES:-}" ] && "$python" - <<'PY'
import pathlib, sys, sysconfig
inside_venv = sys.prefix != sys.base_prefix
marker = pathlib.Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED"
sys.exit(0 if marker.exists() and not inside_venv else 1)
PY
}

missing=()     # Debian packages
[ -x "$chromium" ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ! command -v "$python" >/dev/null 2>&1; then
  missing+=(python3 python3-pip python3-venv)
else
  "$python" -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  if externally_managed && ! [ -x .venv/bin/python ] && ! "$python" -c "import ensurepip" >/dev/null 2>&1; then
    missing+=(python3-venv)
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step apt-get update -qq
    step env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    what="${missing[*]}"
    echo "scripts/test.sh: the tests need Debian packages that are missing here: $what" >&2
    echo "  install them with:  sudo apt-get install $what" >&2
    if [[ " $what " == *" chromium "* ]]; then
      echo "  (chromium: Debian's package, expected at $chromium; or set CHROMIUM=/path/to/chromium)" >&2
    fi
    exit 2
  fi
fi

# --- 2. Python packages ---------------------------------------------------
if [ -n "${VIRTUAL_ENV:-}" ]; then
  :
elif [ -x .venv/bin/python ]; then
  python=.venv/bin/python              # made by an earlier run
elif command -v "$python" >/dev/null 2>&1 && externally_managed; then
  step python3 -m venv .venv
  python=.venv/bin/python
fi

requirements_met() {   # every pinned requirement installed at its version (no network needed)
  "$python" - <<'PY' 2>/dev/null
import re, sys
from importlib.metadata import PackageNotFoundError, version

def lines(path):
    for line in open(path):
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            yield from lines(line[3:].strip())
        elif line:
            yield line

for req in lines("requirements-dev.txt"):
    name, op, wanted = re.match(r"([A-Za-z0-9_.\-]+)\s*(==|>=)?\s*(\S*)", req).groups()
    try:
        have = version(name)
    except PackageNotFoundError:
        sys.exit(1)
    if op == "==" and have != wanted:
        sys.exit(1)
    if op == ">=" and tuple(map(int, re.findall(r"\d+", have)[:3])) < tuple(map(int, re.findall(r"\d+", wanted)[:3])):
        sys.exit(1)
PY
}
if requirements_met; then
  say "requirements-dev.txt: already installed"
else
  step "$python" -m pip install -q -r requirements-dev.txt
fi

# --- 3. node_modules --------------------------------------------------------
node_modules_fresh() {   # the same test build.py makes before it runs npm ci
  python3 -c "import build, sys; sys.exit(0 if build.node_modules_fresh() else 1)" 2>/dev/null
}
if node_modules_fresh; then
  say "node_modules: up to date"
else
  step npm ci --no-audit --no-fund
fi

# --- 4. the tests -------------------------------------------------------------
export CHROMIUM="$chromium"
step "$python" -m pytest "$@"
