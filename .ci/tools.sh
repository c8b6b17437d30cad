#!/usr/bin/env bash
# Installs, into a cache that later runs reuse, the tools the checks need:
#   - LocalStack 4.14.0, the last release that runs without an auth token or Docker. It needs
#     Python >= 3.13 (its S3 provider imports warnings.deprecated), and its dependencies are
#     resolved as they were published when it came out (uv --exclude-newer): some of today's
#     releases no longer fit it.
#   - AWS SAM CLI and cfn-lint, for `sam validate --lint` and `sam build`.
#   - checkov, the static analysis of infra/template.yaml against AWS's security practices.
#   - Schemathesis, which OpenApiFuzzIT points at the packaged function's served /q/openapi.
# Prints the cache directory. Idempotent: a complete environment is reused.
set -euo pipefail

TOOLS_HOME="${GELOMBANG_TOOLS_HOME:-$HOME/.cache/gelombang-tools}"
LOCALSTACK_VERSION=4.14.0
LOCALSTACK_PUBLISHED_BEFORE=2026-03-20
SAM_CLI_VERSION=1.170.0
CFN_LINT_VERSION=1.58.0
UV_VERSION=0.13.9
CHECKOV_VERSION=3.3.30
SCHEMATHESIS_VERSION=4.32.5
mkdir -p "$TOOLS_HOME"

log() { echo "tools: $*" >&2; }

# Prints an interpreter that really runs and is >= 3.13 (a pyenv shim may exist yet refuse to run).
find_python_313() {
  local candidate
  for candidate in python3.14 python3.13 python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
      "$candidate" -c 'import sys; print(sys.executable)'; return
    fi
  done
  return 1
}

if [[ ! -x "$TOOLS_HOME/uv/bin/uv" ]]; then
  log "installing uv $UV_VERSION"
  rm -rf "$TOOLS_HOME/uv"
  python3 -m venv "$TOOLS_HOME/uv"
  "$TOOLS_HOME/uv/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
UV="$TOOLS_HOME/uv/bin/uv"

if [[ ! -f "$TOOLS_HOME/localstack/.complete-$LOCALSTACK_VERSION-py313" ]]; then
  PYTHON=$(find_python_313) || { log "LocalStack $LOCALSTACK_VERSION needs Python >= 3.13 and none was found"; exit 1; }
  log "installing LocalStack $LOCALSTACK_VERSION on $PYTHON"
  rm -rf "$TOOLS_HOME/localstack"
  "$UV" venv --quiet --python "$PYTHON" "$TOOLS_HOME/localstack"
  "$UV" pip install --quiet --python "$TOOLS_HOME/localstack/bin/python" \
    --exclude-newer "$LOCALSTACK_PUBLISHED_BEFORE" "localstack-core[runtime]==$LOCALSTACK_VERSION"
  touch "$TOOLS_HOME/localstack/.complete-$LOCALSTACK_VERSION-py313"
fi

# A venv of its own per tool, rebuilt when the marker naming its versions is missing.
install_venv() {
  local name=$1 marker=$2; shift 2
  if [[ ! -f "$TOOLS_HOME/$name/.complete-$marker" ]]; then
    log "installing $*"
    rm -rf "$TOOLS_HOME/$name"
    "$UV" venv --quiet --python python3 "$TOOLS_HOME/$name"
    "$UV" pip install --quiet --python "$TOOLS_HOME/$name/bin/python" "$@"
    touch "$TOOLS_HOME/$name/.complete-$marker"
  fi
}

install_venv sam "$SAM_CLI_VERSION-$CFN_LINT_VERSION" "aws-sam-cli==$SAM_CLI_VERSION" "cfn-lint==$CFN_LINT_VERSION"
install_venv checkov "$CHECKOV_VERSION" "checkov==$CHECKOV_VERSION"
install_venv schemathesis "$SCHEMATHESIS_VERSION" "schemathesis==$SCHEMATHESIS_VERSION"

echo "$TOOLS_HOME"
