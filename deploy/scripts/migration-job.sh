#!/bin/sh
# The migration Job of one app around a skaffold deploy (skaffold.yaml runs it as host hooks):
#   migration-job.sh prepare <namespace> <app>   before the apply: remove the finished Job of the last
#                                                deploy (a Job's pod template is immutable, so the new
#                                                image needs a new Job)
#   migration-job.sh wait <namespace> <app>      after the apply: wait until the Job has completed; on
#                                                failure or timeout print its logs and exit 1
# MIGRATION_TIMEOUT (seconds, default 600) bounds the wait; SKAFFOLD_KUBE_CONTEXT, when skaffold sets
# it, selects the cluster. Needs kubectl.
set -eu

usage() {
  echo "usage: $0 prepare|wait <namespace> <app>" >&2
  exit 2
}

[ $# -eq 3 ] || usage
action=$1
namespace=$2
app=$3
job="$app-migrate"
timeout=${MIGRATION_TIMEOUT:-600}

kube() {
  if [ -n "${SKAFFOLD_KUBE_CONTEXT:-}" ]; then
    kubectl --context "$SKAFFOLD_KUBE_CONTEXT" --namespace "$namespace" "$@"
  else
    kubectl --namespace "$namespace" "$@"
  fi
}

logs() {
  echo "---- logs of job/$job ----" >&2
  kube logs "job/$job" --all-containers --tail=200 >&2 || true
}

case $action in
  prepare)
    # Foreground deletion: the old pods are gone before the new Job is created.
    kube delete job "$job" --ignore-not-found --cascade=foreground --wait=true
    ;;
  wait)
    echo "$app: waiting for job/$job (up to ${timeout}s)"
    waited=0
    while :; do
      conditions=$(kube get job "$job" -o 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}') ||
        conditions=
      case " $conditions " in
        *" Complete "*)
          echo "$app: migrations applied"
          exit 0
          ;;
        *" Failed "*)
          echo "$app: job/$job failed; the new version of $app will not start (its pods wait for the migrations)" >&2
          logs
          exit 1
          ;;
      esac
      if [ "$waited" -ge "$timeout" ]; then
        echo "$app: job/$job has not completed after ${timeout}s" >&2
        logs
        exit 1
      fi
      sleep 2
      waited=$((waited + 2))
    done
    ;;
  *)
    usage
    ;;
esac
