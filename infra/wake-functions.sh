#!/usr/bin/env bash
# Before a wave (docs/wave-runbook.md, "The day before"): makes sure every function of the stack is
# Active. A function in a VPC that has not run for weeks goes Inactive (Lambda reclaims its network
# interfaces); the next invocation fails and the function is Pending until they are re-created
# ("Lambda function states", AWS Lambda Developer Guide). This wakes each one now, not with the
# wave's first registrant:
#   Active            nothing is invoked
#   Inactive          one invocation with the liveness event (it fails; that starts the re-creation),
#                     then waits until Lambda reports Active
#   Pending           waits until Active
#   Failed            reported; exit 1
# The API function is checked as its live alias (the version the API invokes) and as $LATEST.
#   infra/wake-functions.sh [stack]          (default gelombang; AWS CLI v2, lambda:GetFunction,
#                                            lambda:InvokeFunction, cloudformation:DescribeStackResources)
set -euo pipefail
STACK=${1:-gelombang}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

state() { aws lambda get-function --function-name "$1" --query 'Configuration.State' --output text; }

FUNCTIONS=$(aws cloudformation describe-stack-resources --stack-name "$STACK" \
  --query "StackResources[?ResourceType=='AWS::Lambda::Function'].[LogicalResourceId,PhysicalResourceId]" --output text)
failed=0
while read -r logical physical; do
  targets=("$physical")
  [[ $logical == ApiFunction ]] && targets+=("$physical:live")
  for target in "${targets[@]}"; do
    s=$(state "$target")
    if [[ $s == Inactive ]]; then
      echo "$target: Inactive, invoking once to start re-creating its network interfaces"
      aws lambda invoke --function-name "$target" --cli-binary-format raw-in-base64-out \
        --payload "fileb://$HERE/events/live.json" "$OUT" >/dev/null 2>&1 || true
      s=$(state "$target")
    fi
    if [[ $s == Pending || $s == Inactive ]]; then
      echo "$target: $s, waiting for Active"
      aws lambda wait function-active-v2 --function-name "$target" || true
      s=$(state "$target")
    fi
    echo "$target: $s"
    [[ $s == Active ]] || failed=1
  done
done <<< "$FUNCTIONS"
exit $failed
