#!/usr/bin/env bash
# One entry point for a fresh machine: sets up what is missing, then starts or tests the kit.
#   ./kit.sh start   JupyterLab on notebooks/00_start_here.ipynb at 127.0.0.1 (prints the URL)
#   ./kit.sh test    the whole test suite: unit tests, every notebook under nbval, browser tests
#   ./kit.sh app     the code-free learner view (Voila)
#   ./kit.sh env     only set up the environment
# Uses the active virtualenv if there is one, else a project-local .venv/ (reused next time).
set -euo pipefail
cd "$(dirname "$0")"

venv="${VIRTUAL_ENV:-$PWD/.venv}"
py="$venv/bin/python"

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

ensure_env() {
  ensure_python
  if [ ! -x "$py" ]; then
    say "creating the virtualenv $venv"
    python3 -m venv "$venv" 2>/dev/null || {
      rm -rf "$venv"
      apt_install python3-venv || { say "python3 -m venv failed: install the python3-venv package, then run this again."; exit 1; }
      python3 -m venv "$venv"
    }
  fi
  local want have
  want=$(cat pyproject.toml | sha256sum | cut -c1-64)
  have=$(cat "$venv/.kit-installed" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    say "installing the kit and its dependencies into $venv"
    "$py" -m pip --version >/dev/null 2>&1 || "$py" -m ensurepip -q >/dev/null
    if "$py" -m pip install -q --disable-pip-version-check uv 2>/dev/null; then
      "$py" -m uv pip install -q --python "$py" -e ".[test]"
    else
      "$py" -m pip install -q --disable-pip-version-check -e ".[test]"
    fi
    echo "$want" > "$venv/.kit-installed"
  fi
}

# The browser tests need Debian's chromium (no browser download) and axe-core from npm.
ensure_browser() {
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium || say "could not install chromium: the browser tests will fail (install the chromium package)"
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

case "${1:-}" in
  start)
    ensure_env
    extra=()
    [ "$(id -u)" = 0 ] && extra+=(--allow-root)
    say "starting JupyterLab; open the URL it prints (Ctrl+C twice to stop)"
    exec "$venv/bin/jupyter" lab notebooks/00_start_here.ipynb --ip=127.0.0.1 --no-browser \
      --ServerApp.root_dir="$PWD" "${extra[@]}" "${@:2}"
    ;;
  app)
    ensure_env
    exec "$venv/bin/kit" app "${@:2}"
    ;;
  test)
    ensure_env
    ensure_browser
    targets=(tests)
    for d in notebooks exercises; do compgen -G "$d/*.ipynb" >/dev/null && targets+=("$d"); done
    exec "$py" -m pytest "${targets[@]}" --nbval-lax --nbval-current-env "${@:2}"
    ;;
  env)
    ensure_env
    say "ready: $venv"
    ;;
  *)
    echo "usage: ./kit.sh start | test | app | env" >&2
    exit 2
    ;;
esac
