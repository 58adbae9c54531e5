#!/bin/sh
# Runs HAProxy in the foreground, with its defaults for what the environment does not set.
set -eu
cert=/etc/voxrelay/lb-tls/lb.pem
if [ ! -r "$cert" ]; then
  echo "voxrelay-lb: no TLS certificate at $cert (mount VOXRELAY_LB_TLS_DIR there; docs/operations.md, Security)" >&2
  exit 2
fi
: "${VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS:=200}"
export VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS
exec haproxy -W -db -f /etc/haproxy/haproxy.cfg
