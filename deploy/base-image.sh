#!/usr/bin/env bash
# Makes debian:bookworm-slim locally when no registry is reachable: a minimal bookworm root file system from
# the machine's own Debian mirror, imported under the tag deploy/test.sh passes to the Dockerfiles as BASE_IMAGE
# (users build them as they are, from the image their BASE_IMAGE pins by digest). Needs root and debootstrap.
# Does nothing if the image exists.
set -euo pipefail
IMAGE=docker.io/library/debian:bookworm-slim
if podman image exists "$IMAGE"; then
  echo "[base-image] $IMAGE is here"
  exit 0
fi
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d "${TMPDIR:-/tmp}/voxrelay-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "[base-image] debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
# As the official slim image: the same sources, no apt caches.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | podman import --change 'CMD ["bash"]' - "$IMAGE"
echo "[base-image] imported $IMAGE"
