#!/usr/bin/env bash
# The deployment test: builds the images, brings deploy/compose.yaml up in podman containers and puts it
# through scaling, kills, a SIGTERM hand-off and a rolling restart with scripted voice sessions going through
# the load balancer (ComposeDeploymentTest), then tears everything down, whatever happened.
#
#   deploy/test.sh        # from the repository root; needs podman, podman-compose (and root, for the base image)
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/podman-env.sh
started=$(date +%s)
stamp() { echo "[deploy-test] $1 at $(( $(date +%s) - started )) s"; }

cleanup() {
  podman-compose -p voxrelaytest -f deploy/compose.yaml down -v > /dev/null 2>&1 || true
  podman ps -aq --filter label=io.podman.compose.project=voxrelaytest | xargs -r podman rm -f > /dev/null 2>&1 || true
  podman network rm -f voxrelaytest_default > /dev/null 2>&1 || true
  podman volume rm -f voxrelaytest_pgdata > /dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

[ -f standalone/target/voxrelay.jar ] || ./mvnw -B -q -DskipTests package
deploy/base-image.sh
stamp "base image"
# The Dockerfiles pin their base image by digest; here it is the one base-image.sh made, by its tag.
base=(--build-arg BASE_IMAGE=docker.io/library/debian:bookworm-slim)
podman build -q --format docker "${base[@]}" -f deploy/Dockerfile -t localhost/voxrelay:latest . > /dev/null
podman build -q --format docker "${base[@]}" -f deploy/postgres/Dockerfile -t localhost/voxrelay-postgres:latest . > /dev/null
podman build -q --format docker "${base[@]}" -f deploy/haproxy/Dockerfile -t localhost/voxrelay-lb:latest . > /dev/null
# Built with --format docker, the image keeps its HEALTHCHECK (OCI images have none).
podman image inspect localhost/voxrelay:latest --format '{{.HealthCheck}}' | grep -q health/live
stamp "images built"

./mvnw -B -q install -DskipTests -Dvoxrelay.skipWebTests
./mvnw -B -pl integration-tests test -Dtest=ComposeDeploymentTest -Dvoxrelay.compose=true \
  -Dsurefire.failIfNoSpecifiedTests=false
grep '^\[compose\]' integration-tests/target/surefire-reports/io.voxrelay.it.ComposeDeploymentTest-output.txt || true
stamp "deployment test passed"
