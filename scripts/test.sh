#!/usr/bin/env bash
# Runs every test. On a fresh Debian machine it first installs what the tests need:
# a Python venv (.venv) with the oracle tools pinned in tests/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m venv --help >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
  echo "$want" > "$stamp"
fi

export MLFLOW_CHART_VENV="$PWD/.venv"
cargo test --locked --all-targets
