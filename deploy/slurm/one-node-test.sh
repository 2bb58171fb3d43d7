#!/bin/bash
# The Slurm path for real: starts a one-node Slurm cluster on this machine (Debian's
# slurm-wlm and munge; installed if missing), submits a sharded run of the callbacks scenario
# with submit.sh (4 shard tasks, then the dependent merge), and checks that the merged reports
# are byte for byte those of a single run. Needs root (the daemons); stops what it started.
#   deploy/slurm/one-node-test.sh [PATH_TO_CCSIM]
# Exit 0: the merged reports match; 1: they do not, or a job failed; 77: no cluster could be
# started here (not root, no packages, daemons that do not come up), so nothing was tested.
set -euo pipefail
skip() { echo "one-node Slurm test skipped: $*" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "the daemons need root"
root=$(cd "$(dirname "$0")/../.." && pwd)
ccsim=$(realpath "${1:-$root/target/release/ccsim}")
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1; } ||
    skip "slurm-wlm and munge could not be installed"
fi
work=$(mktemp -d /tmp/ccsim-slurm-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=no
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [ "$alive" = no ] && break
    sleep 0.1
  done
  rm -rf "$work"
}
trap cleanup EXIT

# munge, as the munge user, with its own key and socket.
mkdir -p "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown -R munge: "$work/munge"
chmod 711 "$work/munge"
chmod 400 "$work/munge/munge.key"
runuser -u munge -- munged --key-file="$work/munge/munge.key" \
  --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" ||
  skip "munged did not start"
sleep 0.5
pids+=("$(cat "$work/munge/munged.pid")")
chmod 755 "$work/munge"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=ccsim-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld || skip "slurmctld did not start"
slurmd || skip "slurmd did not start"
sleep 2
pids+=("$(cat "$work/slurmctld.pid")" "$(cat "$work/slurmd.pid")")
up=no
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && { up=yes; break; }
  sleep 1
done
[ "$up" = yes ] || skip "the node never came up: $(tail -3 "$work/slurmd.log" 2>/dev/null)"
sinfo

# A single run, then the same run as 4 shards and a merge, through submit.sh.
run="$work/run"
mkdir -p "$run"
cp "$root/scenarios/callbacks.toml" "$root/scenarios/callback_requests.jsonl" "$run/"
chmod -R a+rwX "$run"
cd "$run"
"$ccsim" run callbacks.toml --out single >/dev/null
export CCSIM="$ccsim"
ids=$("$root/deploy/slurm/submit.sh" callbacks.toml 4 "$run/shards" "$run/merged" \
  --cpus-per-task=1 --chdir="$run" --output="$run/slurm-%j-%a.out")
merge=$(echo "$ids" | tail -1)
echo "submitted: array $(echo "$ids" | head -1), merge $merge"
for _ in $(seq 120); do
  state=$(scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
  case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  sleep 1
done
echo "merge job: $state"
cat "$run"/slurm-*.out 2>/dev/null | grep -E "Shard|merged" || true
case "$state" in
  COMPLETED) ;;
  PENDING|"") skip "the jobs never ran: $(tail -3 "$work/slurmctld.log")" ;;
  *) cat "$run"/slurm-*.out; tail -20 "$work/slurmctld.log" "$work/slurmd.log"; exit 1 ;;
esac
for f in summary.csv intervals.csv agents.csv replications.csv; do
  cmp "single/$f" "merged/$f" || { echo "$f differs"; exit 1; }
done
echo "one-node Slurm cluster: 4 shards and the merge give the single run's reports byte for byte"
