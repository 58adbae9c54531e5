# Sourced by deploy/test.sh: the settings Debian's podman needs on machines like the CI's (a cgroup layout crun
# cannot use, no CAP_SYS_RESOURCE to raise limits, no systemd journal). Docker users need none of this.
VOXRELAY_PODMAN_CONF=${VOXRELAY_PODMAN_CONF:-${TMPDIR:-/tmp}/voxrelay-containers.conf}
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
cat > "$VOXRELAY_PODMAN_CONF" <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$VOXRELAY_PODMAN_CONF"
