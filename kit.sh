#!/usr/bin/env bash
# One entry point for a fresh machine: sets up what is missing, then starts or tests the kit.
#   bash kit.sh start           kit start: JupyterLab on a learner's own copy of the notebooks and
#                               exercises (workspace/, made by kit init) with the start notebook open, on
#                               127.0.0.1; --port N chooses the port; --facilitator opens the whole
#                               checkout (the facilitator's pages and model answers) instead
#   bash kit.sh test            ruff, then the whole suite (unit tests, every notebook under nbval, the
#                               wheel test, browser tests, a real JupyterHub) with mypy beside it, with the versions
#                               locked in uv.lock; screenshots of each step go to
#                               test-artifacts/screenshots/<width>/
#   bash kit.sh test --latest   the same suite against the newest releases pyproject.toml allows,
#                               in .venv-latest/ (uv.lock is not changed); lists what is newer
#   bash kit.sh lock            re-resolve uv.lock after changing pyproject.toml (keeps other pins)
#   bash kit.sh lock --upgrade  move every pin in uv.lock to the newest allowed release
#   bash kit.sh app             the code-free learner view (Voila)
#   bash kit.sh env             only set up the environment
# Uses the active virtualenv if there is one, else a project-local .venv/ (reused next time).
# Installs exactly what uv.lock says, with uv (itself from PyPI, pinned below).
set -euo pipefail
cd "$(dirname "$0")"

UV_VERSION=0.13.9
venv="${VIRTUAL_ENV:-$PWD/.venv}"
export UV_PYTHON_DOWNLOADS=never  # use the machine's Python, never a downloaded one
# The kit's processes keep what they compile (__pycache__ in the virtualenv and the checkout, git-ignored),
# whatever the shell says: where PYTHONDONTWRITEBYTECODE is set (as on the project's machines) every kernel
# a page starts, and every server, would compile its several hundred imports again (half a kernel's CPU).
unset PYTHONDONTWRITEBYTECODE

say() { printf '[kit] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {
  command -v apt-get >/dev/null || return 1
  say "installing $* with apt-get"
  as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_python() {
  command -v python3 >/dev/null || apt_install python3 || { say "Python 3 is missing: install python3 (3.10 or newer)."; exit 1; }
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { say "Python 3.10 or newer is needed; found $(python3 --version)."; exit 1; }
}

# A virtualenv at $venv with pip and uv in it.
ensure_venv() {
  ensure_python
  py="$venv/bin/python"
  if [ ! -x "$py" ]; then
    say "creating the virtualenv $venv"
    python3 -m venv "$venv" 2>/dev/null || {
      rm -rf "$venv"
      apt_install python3-venv || { say "python3 -m venv failed: install the python3-venv package, then run this again."; exit 1; }
      python3 -m venv "$venv"
    }
  fi
  if [ "$("$py" -m uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    "$py" -m pip --version >/dev/null 2>&1 || "$py" -m ensurepip -q >/dev/null
    "$py" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" 2>/dev/null \
      || say "could not install uv $UV_VERSION from PyPI"
  fi
}

uv() { "$py" -m uv "$@"; }
have_uv() { "$py" -m uv --version >/dev/null 2>&1; }

# The kit (editable) and exactly the versions in uv.lock, reinstalled when either file changes.
ensure_env() {
  ensure_venv
  local want have
  want=$(cat pyproject.toml uv.lock | sha256sum | cut -c1-64)
  have=$(cat "$venv/.kit-installed" 2>/dev/null || true)
  [ "$want" = "$have" ] && return 0
  say "installing the kit and the locked dependencies (uv.lock) into $venv"
  if have_uv; then
    # --locked: stop if uv.lock no longer matches pyproject.toml; --inexact: keep uv and anything
    # else already in an activated virtualenv. (Not --compile-bytecode: compiling all of it takes 14 s,
    # and the first process to import a module keeps it compiled for the rest; see the top.)
    UV_PROJECT_ENVIRONMENT="$venv" uv sync -q --locked --inexact --extra test || {
      say "uv.lock does not match pyproject.toml (or PyPI could not be reached): run 'bash kit.sh lock', then this again."
      exit 1
    }
  else
    say "uv is not available: installing with pip from pyproject.toml's ranges (NOT the locked versions)"
    "$py" -m pip install -q --disable-pip-version-check -e ".[test]"
  fi
  echo "$want" > "$venv/.kit-installed"
}

# The newest releases pyproject.toml allows, in their own virtualenv (uv.lock untouched).
ensure_latest_env() {
  venv="$PWD/.venv-latest"
  ensure_venv
  have_uv || { say "--latest needs uv"; exit 1; }
  say "installing the newest releases pyproject.toml allows into $venv"
  uv pip install -q --python "$py" --upgrade -e ".[test]"
  rm -f "$venv/.kit-installed"
}

# The browser tests need Debian's chromium (no browser download) and axe-core from npm. They prefer
# chromium-headless-shell (the same Blink, in the old headless mode Playwright itself uses: a page grown
# to its full height for a screenshot costs a tenth as much there); plain chromium also works.
ensure_browser() {
  if ! command -v chromium-headless-shell >/dev/null 2>&1; then
    apt_install chromium-headless-shell || command -v chromium >/dev/null 2>&1 \
      || say "could not install chromium-headless-shell: the browser tests will fail (install that Debian package)"
  fi
  if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
    if command -v npm >/dev/null 2>&1; then
      say "installing axe-core (npm) into .cache/axe"
      npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4 >/dev/null 2>&1 || say "npm could not install axe-core"
    else
      apt_install npm && npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4 >/dev/null 2>&1 || say "npm is missing: the accessibility test will fail"
    fi
  fi
  export KIT_BROWSER_TESTS=required
}

# tests/test_hub.py runs a real JupyterHub (the jupyterhub package is in uv.lock's test extra) behind
# configurable-http-proxy, which comes from npm; without it that test skips and says why.
ensure_hub_proxy() {
  [ -x .cache/chp/node_modules/.bin/configurable-http-proxy ] && return 0
  if command -v npm >/dev/null 2>&1; then
    say "installing configurable-http-proxy (npm) into .cache/chp"
    npm install --silent --no-audit --no-fund --prefix .cache/chp configurable-http-proxy@4 >/dev/null 2>&1 \
      || say "npm could not install configurable-http-proxy: tests/test_hub.py will skip"
  else
    say "npm is missing: tests/test_hub.py will skip (install npm, then run this again)"
  fi
}

# Each notebook runs once: nbval runs the learner notebooks; tests/test_exercises.py runs every exercise
# in a fresh kernel (it fails on any error, and on anything shown before the learner's answer).
run_tests() {
  local status=0 targets=(tests)
  say "ruff check"
  "$venv/bin/ruff" check . || status=1
  # mypy (the type checker; its settings are [tool.mypy] in pyproject.toml) checks beside the tests, on
  # the CPU they leave idle while they wait on pages and kernels; its report follows theirs.
  local typed mypy_pid
  typed=$(mktemp)
  "$venv/bin/mypy" >"$typed" 2>&1 &
  mypy_pid=$!
  compgen -G "notebooks/*.ipynb" >/dev/null && targets+=(notebooks)
  compgen -G "facilitator/*.ipynb" >/dev/null && targets+=(facilitator)  # the room console and the dashboard
  # Workers (pytest-xdist): the browser tests and servers mostly wait on pages and kernels, so four
  # workers keep two cores busy. A notebook, and a module that shares a server, stays on one worker
  # (conftest.py says what goes together). KIT_TEST_WORKERS=0: one process.
  "$py" -m pytest "${targets[@]}" --nbval-lax --nbval-current-env -n "${KIT_TEST_WORKERS:-4}" --dist loadscope "$@" \
    || status=$?
  say "mypy (the type checker; its settings are [tool.mypy] in pyproject.toml)"
  wait "$mypy_pid" || status=1
  cat "$typed"
  rm -f "$typed"
  [ "$status" = 0 ] || say "tests failed (ruff, mypy or pytest above)"
  return "$status"
}

case "${1:-}" in
  start)
    ensure_env
    exec "$venv/bin/kit" start "${@:2}"
    ;;
  app)
    ensure_env
    exec "$venv/bin/kit" app "${@:2}"
    ;;
  test)
    args=()
    latest=0
    for a in "${@:2}"; do if [ "$a" = --latest ]; then latest=1; else args+=("$a"); fi; done
    if [ "$latest" = 1 ]; then ensure_latest_env; else ensure_env; fi
    ensure_browser
    ensure_hub_proxy
    export KIT_SCREENSHOTS="${KIT_SCREENSHOTS:-$PWD/test-artifacts/screenshots}"
    say "the browser tests save a screenshot of each step to $KIT_SCREENSHOTS/<width>/"
    status=0
    run_tests "${args[@]}" || status=$?
    if [ "$latest" = 1 ]; then
      "$py" scripts/lock_drift.py uv.lock || true
      [ "$status" = 0 ] && say "passed with the newest releases: 'bash kit.sh lock --upgrade' adopts them in uv.lock"
    fi
    exit "$status"
    ;;
  lock)
    ensure_venv
    have_uv || { say "bash kit.sh lock needs uv"; exit 1; }
    uv lock "${@:2}"
    ensure_env
    say "uv.lock is current; commit it with pyproject.toml"
    ;;
  env)
    ensure_env
    say "ready: $venv"
    ;;
  *)
    echo "usage: bash kit.sh start [--port N] [--facilitator] | test [--latest] | lock [--upgrade] | app | env" >&2
    exit 2
    ;;
esac
