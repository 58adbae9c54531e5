#!/usr/bin/env bash
# Self-signed certificates for a trial of the compose deployment (docs/operations.md, Security), in DIR:
#
#   lb-tls/lb.pem              the load balancer's certificate and key, for the public names given (HOST...)
#   lb-tls/lb.crt              its certificate alone: what a client trusts
#   db-tls/server.crt, .key    PostgreSQL's, for the name "postgres" (the compose service)
#   db-tls/ca.crt              what the session services trust for it (here the certificate itself)
#
#   deploy/self-signed-tls.sh ./tls voxrelay.example.com       # default HOST: localhost and 127.0.0.1
#
# A file that exists is kept. In production, put your CA's certificates at the same paths. The keys are made
# readable by the containers' users (HAProxy's and PostgreSQL's, which are not yours): keep DIR on a host only
# you use, or chown the keys to those users' ids instead. Needs openssl.
set -euo pipefail
dir=${1:?usage: deploy/self-signed-tls.sh DIR [HOST...]}
shift
[ $# -gt 0 ] || set -- localhost 127.0.0.1

san() {
  local out="" host
  for host in "$@"; do
    if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then out+=",IP:$host"; else out+=",DNS:$host"; fi
  done
  echo "subjectAltName=${out#,}"
}

# self_signed KEY CRT CN HOST...: an EC P-256 key and a certificate for HOST..., valid 825 days.
self_signed() {
  local key=$1 crt=$2 cn=$3
  shift 3
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -sha256 \
    -subj "/CN=$cn" -addext "$(san "$@")" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$key" -out "$crt" 2> /dev/null
}

mkdir -p "$dir/lb-tls" "$dir/db-tls"
if [ ! -f "$dir/lb-tls/lb.pem" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  self_signed "$work/lb.key" "$dir/lb-tls/lb.crt" "$1" "$@"
  cat "$dir/lb-tls/lb.crt" "$work/lb.key" > "$dir/lb-tls/lb.pem"
  chmod 0644 "$dir/lb-tls/lb.pem" "$dir/lb-tls/lb.crt"
  echo "[tls] $dir/lb-tls/lb.pem for $*"
fi
if [ ! -f "$dir/db-tls/server.key" ]; then
  self_signed "$dir/db-tls/server.key" "$dir/db-tls/server.crt" postgres postgres
  cp "$dir/db-tls/server.crt" "$dir/db-tls/ca.crt"
  chmod 0644 "$dir/db-tls/server.key" "$dir/db-tls/server.crt" "$dir/db-tls/ca.crt"
  echo "[tls] $dir/db-tls/server.crt for postgres"
fi
chmod 0755 "$dir/lb-tls" "$dir/db-tls"
