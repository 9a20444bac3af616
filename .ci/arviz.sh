#!/usr/bin/env bash
# ArviZ interoperability (issue 13): makes a Python virtual environment with
# arviz 0.23.x, xarray and zarr, and runs the test that opens laa's
# InferenceData stores with it (idata.TestArviZOpensTheStore). Exits non-zero
# when the environment cannot be made or the test fails.
#
# The environment goes to $LAA_ARVIZ_VENV (default /tmp/laa-arviz-venv) and is
# reused when it already imports arviz. The test finds its Python through
# LAA_ARVIZ_PYTHON; export it for `go test ./...` too, which under CI=true
# fails that test without arviz:
#
#   .ci/arviz.sh && export LAA_ARVIZ_PYTHON=${LAA_ARVIZ_VENV:-/tmp/laa-arviz-venv}/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${LAA_ARVIZ_VENV:-/tmp/laa-arviz-venv}
python=$venv/bin/python

if ! "$python" -c 'import arviz, xarray, zarr' >/dev/null 2>&1; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 makes virtual environments only with python3-venv.
    rm -rf "$venv"
    command -v apt-get >/dev/null 2>&1 || { echo "arviz.sh: python3 -m venv failed and there is no apt-get to install python3-venv"; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } \
      || { echo "arviz.sh: cannot install python3-venv"; exit 1; }
    python3 -m venv "$venv" || { echo "arviz.sh: python3 -m venv $venv failed"; exit 1; }
  fi
  "$python" -m pip install -q --disable-pip-version-check 'arviz>=0.23,<0.24' 'zarr>=3,<4' \
    || { echo "arviz.sh: pip install arviz zarr failed"; exit 1; }
fi
"$python" -c 'import arviz, xarray, zarr; print("arviz.sh: arviz", arviz.__version__, "xarray", xarray.__version__, "zarr", zarr.__version__)'

LAA_ARVIZ_PYTHON=$python CI=true go test -count=1 -run 'TestArviZOpensTheStore' -v ./idata/ \
  || { echo "arviz.sh: ArviZ does not open laa's InferenceData as written"; exit 1; }
