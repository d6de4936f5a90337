#!/usr/bin/env bash
# Runs every test. On a fresh Debian machine it first installs what the tests need:
# PostgreSQL 15, MariaDB, openssl, zsh, fish and npm (Debian), Azurite (npm, pinned, into
# .npm-e2e), and two Python venvs with pinned packages: .venv (oracle tools,
# tests/requirements.txt) and .venv-e2e (MLflow and the programs its pod talks to,
# tests/requirements-e2e.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }

step "checking system packages (PostgreSQL 15, MariaDB, openssl, npm, python3-venv)"
need_apt=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql-15)
command -v mariadbd >/dev/null || need_apt+=(mariadb-server)
command -v npm >/dev/null || need_apt+=(npm)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v zsh >/dev/null || need_apt+=(zsh)
command -v fish >/dev/null || need_apt+=(fish)
python3 -m venv --help >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "installing with apt (needs root): ${need_apt[*]}"
  # Another apt run (unattended upgrades on a new machine) may hold dpkg's lock: wait
  # for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}"
fi

venv() { # venv DIR REQUIREMENTS: (re)create DIR when REQUIREMENTS changed
  local dir=$1 req=$2 want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.requirements.sha" 2>/dev/null)" != "$want" ]; then
    step "creating $dir from $req (pip, a few minutes the first time)"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$dir/.requirements.sha"
  else
    step "$dir is up to date with $req"
  fi
}
azurite=3.37.0
if [ "$(cat .npm-e2e/.version 2>/dev/null)" != "$azurite" ]; then
  step "installing Azurite $azurite (npm) into .npm-e2e"
  rm -rf .npm-e2e
  npm install --silent --no-audit --no-fund --prefix .npm-e2e "azurite@$azurite"
  echo "$azurite" > .npm-e2e/.version
else
  step ".npm-e2e has Azurite $azurite"
fi
venv .venv tests/requirements.txt
venv .venv-e2e tests/requirements-e2e.txt

export MLFLOW_CHART_VENV="$PWD/.venv" MLFLOW_CHART_E2E_VENV="$PWD/.venv-e2e"
export MLFLOW_CHART_AZURITE="$PWD/.npm-e2e/node_modules/.bin/azurite-blob"
step "cargo test --locked --all-targets (the first build compiles every dependency: a few minutes)"
cargo test --locked --all-targets
step "all tests passed"
