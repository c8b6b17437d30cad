#!/usr/bin/env bash
# Post-deploy smoke check of the API function's start (docs/wave-runbook.md, "After every deploy").
#
#   infra/smoke-check.sh [--stack gelombang] [--max-init-ms 2000]
#       invokes the live alias once with the liveness event (no database), then reads the function's
#       log group for that start: fails when the JVM did not use the AOT cache (an [aot] error or
#       warning other than the one every start of this JDK build prints, or the application's own
#       AotCacheRejected line) or when Lambda's Init Duration is over the bound.
#   infra/smoke-check.sh --log FILE [--max-init-ms 2000]
#       the same checks on log lines saved in FILE (one CloudWatch log event per line).
#
# Right after `sam deploy` published a new version no instance of it is warm, so the invocation
# starts one. Without a new version the invocation may be served warm: then the checks run on the
# starts logged in the last --since minutes (default 30), and there must be at least one.
# Needs the AWS CLI v2 with credentials allowed lambda:InvokeFunction, logs:FilterLogEvents and
# cloudformation:DescribeStacks.
set -euo pipefail

STACK=gelombang
MAX_INIT_MS=2000
SINCE_MINUTES=30
LOG_FILE=
while (( $# )); do
  case "$1" in
    --stack) STACK=$2; shift 2 ;;
    --max-init-ms) MAX_INIT_MS=$2; shift 2 ;;
    --since) SINCE_MINUTES=$2; shift 2 ;;
    --log) LOG_FILE=$2; shift 2 ;;
    *) echo "usage: $0 [--stack NAME] [--max-init-ms MS] [--since MINUTES] | --log FILE [--max-init-ms MS]" >&2; exit 2 ;;
  esac
done

# The checks, on log lines from standard input. Exit 0 when every start used its AOT cache and
# initialised within the bound, 1 otherwise (with the lines that say why).
check_lines() {
  awk -v max="$MAX_INIT_MS" '
    # The JVM reports a refused cache at [aot] error level ("Unable to map shared spaces", "shared class
    # paths mismatch") or warning level ("This file is not the one used while building..."). Every start
    # of this JDK build also prints one benign pair about a call adapter the AOT code cache could not
    # link (docs/runtime.md, "What is in the package and why"): not a rejection.
    /\[aot/ && /\[(error|warning)/ && !/Failed to link AdapterHandlerEntry/ && !/Saved blob.s name/ {
      print "AOT: " $0; bad = 1 }
    /"AotCacheRejected"/ || /was not used at start/ { print "AOT: " $0; bad = 1 }
    /^REPORT / && /Init Duration: / {
      starts++
      match($0, /Init Duration: [0-9.]+ ms/)
      ms = substr($0, RSTART + 15, RLENGTH - 18) + 0
      printf "start: Init Duration %s ms\n", ms
      if (ms > max) { print "INIT over " max " ms: " $0; bad = 1 } }
    END {
      if (starts == 0) { print "no start (REPORT line with Init Duration) in these lines"; bad = 1 }
      exit bad }'
}

if [[ -n $LOG_FILE ]]; then
  check_lines < "$LOG_FILE"
  exit
fi

output() {
  aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
FUNCTION=$(output ApiFunctionName)
LOG_GROUP="/aws/lambda/${STACK}-ApiFunction"
HERE=$(cd "$(dirname "$0")" && pwd)
SINCE_MS=$(( ($(date +%s) - SINCE_MINUTES * 60) * 1000 ))

echo "invoking $FUNCTION:live with the liveness event"
ANSWER=$(mktemp)
trap 'rm -f "$ANSWER"' EXIT
aws lambda invoke --function-name "$FUNCTION:live" --cli-binary-format raw-in-base64-out \
  --payload "fileb://$HERE/events/live.json" "$ANSWER" >/dev/null
grep -q '"statusCode":200' "$ANSWER" || { echo "liveness did not answer 200: $(cat "$ANSWER")" >&2; exit 1; }

# CloudWatch Logs takes a few seconds to show new lines: wait for the REPORT of a start.
for _ in $(seq 1 30); do
  # One message a row (a REPORT line's fields are separated by tabs, so no other splitting).
  LINES=$(aws logs filter-log-events --log-group-name "$LOG_GROUP" --start-time "$SINCE_MS" \
    --query 'events[].[message]' --output text)
  if grep -q 'Init Duration' <<< "$LINES"; then
    break
  fi
  sleep 2
done
check_lines <<< "$LINES"
