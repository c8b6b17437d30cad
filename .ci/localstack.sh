#!/usr/bin/env bash
# Starts LocalStack on 127.0.0.1:4566 without Docker, with S3 signature validation ON (its
# default, 1 = skip, would accept tampered presigned URLs), and waits until it is ready.
# Usage: .ci/localstack.sh start|stop   (the tools must be installed: .ci/tools.sh)
set -euo pipefail
TOOLS_HOME="${GELOMBANG_TOOLS_HOME:-$HOME/.cache/gelombang-tools}"
STATE_DIR="${LOCALSTACK_STATE_DIR:-${TMPDIR:-/tmp}/gelombang-localstack}"
PID_FILE="$STATE_DIR/localstack.pid"

case "${1:-}" in
  start)
    mkdir -p "$STATE_DIR"
    # No outbound calls: no DNS server, no certificate download, no analytics.
    SERVICES=s3,sqs,sns,ses,sts,iam \
    GATEWAY_LISTEN=127.0.0.1:4566 \
    S3_SKIP_SIGNATURE_VALIDATION=0 \
    SKIP_SSL_CERT_DOWNLOAD=1 \
    DNS_ADDRESS=0 \
    DISABLE_EVENTS=1 \
    LOCALSTACK_VOLUME_DIR="$STATE_DIR/volume" \
    FILESYSTEM_ROOT="$STATE_DIR/fs" \
      nohup "$TOOLS_HOME/localstack/bin/python" -m localstack.runtime.main > "$STATE_DIR/localstack.log" 2>&1 &
    echo $! > "$PID_FILE"
    for _ in $(seq 1 120); do
      if curl -fsS http://127.0.0.1:4566/_localstack/health 2>/dev/null | grep -q '"s3": "\(available\|running\)"'; then
        echo "LocalStack ready (log: $STATE_DIR/localstack.log)"; exit 0
      fi
      if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then break; fi
      sleep 1
    done
    echo "LocalStack did not start; its log:" >&2
    tail -50 "$STATE_DIR/localstack.log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$PID_FILE" ]]; then kill "$(cat "$PID_FILE")" 2>/dev/null || true; rm -f "$PID_FILE"; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
