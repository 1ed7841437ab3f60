#!/usr/bin/env bash
# Sets up everything passlm needs on Debian 12 (apt packages, a virtualenv,
# the package built in place) and runs one job:
#
#   ./bootstrap.sh demo    the plugin inside clang on the examples: object size against -Oz
#   ./bootstrap.sh test    the whole test suite (what CI runs)
#
# PYTHON picks the interpreter (default python3.11), PASSLM_VENV the virtualenv
# folder (default .venv). Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")"
JOB=${1:-}
case "$JOB" in demo|test) ;; *) echo "usage: $0 demo|test" >&2; exit 2;; esac
PYTHON=${PYTHON:-python3.11}
VENV=${PASSLM_VENV:-.venv}

# --- Debian packages: LLVM 19 and a C++ toolchain (and, for Debian's own
# python3.11, its venv module and shared libpython, which the plugin embeds).
packages=(llvm-19-dev clang-19 lld-19 llvm-19-tools cmake ninja-build g++ make csmith libcsmith-dev dpkg-dev m4)
if [ "$(readlink -f "$(command -v "$PYTHON" || true)")" = /usr/bin/python3.11 ]; then
  packages+=(python3.11-venv python3.11-dev libpython3.11)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "bootstrap: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- the virtualenv. torch goes first, pinned: an unpinned torch (or one
# pulled in by another package) is the multi-GB CUDA build.
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
"${PIP[@]}" torch==2.13.0
"${PIP[@]}" scikit-build-core nanobind pytest numpy
# Built in place (build/ keeps the C++ objects, so a rerun rebuilds little).
"${PIP[@]}" --no-build-isolation -e '.[model,plots,test,ray,gym]'

case "$JOB" in
  demo) exec "$VENV/bin/passlm" demo ;;
  test) exec "$VENV/bin/python" -m pytest -q -ra ;;
esac
