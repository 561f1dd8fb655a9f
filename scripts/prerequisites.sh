#!/bin/sh
# What `make run` / `make test` need from the machine: installed where we can, otherwise
# named in one message before anything else runs.
#   sh scripts/prerequisites.sh PYTHON [browser]
# Python 3.11+ with its venv module is always needed; "browser" adds Chromium at $CHROMIUM
# (default /usr/bin/chromium), which the browser tests drive. As root with apt-get (CI,
# containers) missing Debian packages are installed; INSTALL=0 only checks.
PYTHON=${1:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

check() {  # sets $packages (installable with apt-get) and $missing (the message)
  packages="" missing=""
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    missing="$missing\n  - Python 3.11 or newer as '$PYTHON' (or run: make PYTHON=/path/to/python3.11 ...)"
  elif ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    packages="$packages python3-venv"
    missing="$missing\n  - the venv module of $PYTHON (Debian/Ubuntu: sudo apt-get install python3-venv)"
  fi
  if [ "$1" = "browser" ] && [ ! -x "$CHROMIUM" ]; then
    packages="$packages chromium"
    missing="$missing\n  - Chromium at $CHROMIUM for the browser tests (Debian: sudo apt-get install chromium;"
    missing="$missing\n    elsewhere install it and run: make test CHROMIUM=/path/to/chromium)"
  fi
}

check "$2"
if [ -n "$packages" ] && [ "${INSTALL:-1}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$packages with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # one word per package
  apt-get update -qq && apt-get install -y -qq $packages >/dev/null
  check "$2"
fi
if [ -n "$missing" ]; then
  printf "error: missing prerequisites; install them and run make again:%b\n" "$missing" >&2
  exit 1
fi
