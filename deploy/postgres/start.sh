#!/bin/sh
# First start: a cluster whose superuser (postgres) logs in only over the local socket, as the OS user
# postgres; a database $POSTGRES_DB; and the application's role $POSTGRES_USER (password $POSTGRES_PASSWORD):
# not a superuser, it creates nothing but in its own schema ($POSTGRES_USER, first on its search path), and
# logs in from the network to that database only, and over TLS only. Then the server, in the foreground, with
# the certificate and key in $POSTGRES_TLS_DIR (server.crt, server.key; the key is copied to a file only the
# server's user reads, as PostgreSQL requires).
set -eu
bin=/usr/lib/postgresql/15/bin
tls=${POSTGRES_TLS_DIR:-/etc/voxrelay/db-tls}
if [ ! -r "$tls/server.crt" ] || [ ! -r "$tls/server.key" ]; then
  echo "voxrelay-postgres: no TLS certificate and key at $tls/server.crt and server.key (docs/operations.md, Security)" >&2
  exit 2
fi
install -m 0600 "$tls/server.key" /run/postgresql/server.key
: "${POSTGRES_USER:=voxrelay}" "${POSTGRES_DB:=voxrelay}"
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "POSTGRES_PASSWORD is required" >&2
  exit 2
fi
case "$POSTGRES_USER$POSTGRES_DB" in
  *[!a-z0-9_]*) echo "POSTGRES_USER and POSTGRES_DB take lower-case letters, digits and _ only" >&2; exit 2 ;;
esac
case "$POSTGRES_PASSWORD" in
  *"\$pw\$"*) echo "POSTGRES_PASSWORD must not contain \$pw\$" >&2; exit 2 ;;
esac
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$bin/initdb" -D "$PGDATA" --username=postgres --auth-host=reject --auth-local=peer > /dev/null
  echo "hostssl $POSTGRES_DB $POSTGRES_USER 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  "$bin/postgres" --single -D "$PGDATA" -j postgres > /dev/null <<SQL
CREATE ROLE $POSTGRES_USER LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD \$pw\$$POSTGRES_PASSWORD\$pw\$;

CREATE DATABASE $POSTGRES_DB;

SQL
  "$bin/postgres" --single -D "$PGDATA" -j "$POSTGRES_DB" > /dev/null <<SQL
REVOKE ALL ON DATABASE $POSTGRES_DB FROM PUBLIC;

GRANT CONNECT, TEMPORARY ON DATABASE $POSTGRES_DB TO $POSTGRES_USER;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA $POSTGRES_USER AUTHORIZATION $POSTGRES_USER;

ALTER ROLE $POSTGRES_USER IN DATABASE $POSTGRES_DB SET search_path = $POSTGRES_USER;

SQL
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c ssl=on -c ssl_min_protocol_version=TLSv1.2 \
  -c ssl_cert_file="$tls/server.crt" -c ssl_key_file=/run/postgresql/server.key
