#!/bin/sh
# Runs HAProxy in the foreground, with its defaults for what the environment does not set.
set -eu
: "${VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS:=200}"
export VOXRELAY_LB_MAX_CONNECTIONS_PER_ADDRESS
exec haproxy -W -db -f /etc/haproxy/haproxy.cfg
