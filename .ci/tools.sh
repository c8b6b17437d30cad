#!/usr/bin/env bash
# Installs the Python tools the checks need into a cache that survives between runs:
# LocalStack 4.14.0 (the last release that runs without an auth token or Docker),
# AWS SAM CLI and cfn-lint. Idempotent: a complete venv is reused.
set -euo pipefail
TOOLS_HOME="${GELOMBANG_TOOLS_HOME:-$HOME/.cache/gelombang-tools}"
mkdir -p "$TOOLS_HOME"

install_venv() { # name, marker binary, pip requirements...
  local name=$1 marker=$2; shift 2
  local dir="$TOOLS_HOME/$name"
  if [[ -x "$dir/bin/$marker" && -f "$dir/.complete" ]]; then return; fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  touch "$dir/.complete"
}

install_venv localstack python 'localstack-core[runtime]==4.14.0'
install_venv sam sam 'aws-sam-cli==1.170.0' 'cfn-lint==1.58.0'
echo "$TOOLS_HOME"
