#!/bin/sh
# The container's entry point: the cluster address is the container's own unless set, then bin/voxrelay.
set -eu
if [ -z "${VOXRELAY_CLUSTER_HOST:-}" ]; then
  VOXRELAY_CLUSTER_HOST=$(hostname -i | awk '{print $1}')
  export VOXRELAY_CLUSTER_HOST
fi
# As the one-JVM run does: the bundled simulator (here, its container) unless a real upstream is configured.
if [ -z "${VOXRELAY_UPSTREAM_URL:-}" ] && [ -z "${OPENAI_API_KEY:-}" ] && [ -z "${AZURE_OPENAI_API_KEY:-}" ] \
    && [ -n "${VOXRELAY_SIMULATOR_URL:-}" ]; then
  export VOXRELAY_UPSTREAM_URL="$VOXRELAY_SIMULATOR_URL"
fi
exec /opt/voxrelay/bin/voxrelay "$@"
