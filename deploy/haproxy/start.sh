#!/bin/sh
# Finds the container network's gateway address (the host, as its own connections appear here), then runs
# HAProxy in the foreground.
set -eu
hex=$(awk '$2 == "00000000" { print $3; exit }' /proc/net/route)
if [ -n "$hex" ]; then
  # /proc/net/route holds it as little-endian hex.
  VOXRELAY_HOST_GATEWAY=$(printf '%d.%d.%d.%d' "0x$(echo "$hex" | cut -c7-8)" "0x$(echo "$hex" | cut -c5-6)" \
    "0x$(echo "$hex" | cut -c3-4)" "0x$(echo "$hex" | cut -c1-2)")
else
  VOXRELAY_HOST_GATEWAY=127.0.0.1
fi
export VOXRELAY_HOST_GATEWAY
: "${VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS:=200}"
export VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS
exec haproxy -W -db -f /etc/haproxy/haproxy.cfg
