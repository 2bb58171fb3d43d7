#!/bin/bash
# Runs a scenario on a Slurm cluster: N shard tasks, then a merge that waits for them.
#   deploy/slurm/submit.sh SCENARIO N SHARDS_DIR OUT_DIR [SBATCH_OPTION…]
# Options after the four arguments go to both sbatch calls (e.g. --partition=…,
# --cpus-per-task=8). Prints the array's job id, then the merge's.
# The reports in OUT_DIR are byte for byte those `ccsim run SCENARIO` writes on one machine
# (run.json aside: wall time and threads).
set -euo pipefail
scenario=${1:?usage: submit.sh SCENARIO N SHARDS_DIR OUT_DIR}
n=${2:?usage: submit.sh SCENARIO N SHARDS_DIR OUT_DIR}
shards=${3:?usage: submit.sh SCENARIO N SHARDS_DIR OUT_DIR}
out=${4:?usage: submit.sh SCENARIO N SHARDS_DIR OUT_DIR}
here=$(dirname "$0")
shift 4
array=$(sbatch --parsable "$@" --array=0-$((n - 1)) "$here/shard.sbatch" "$scenario" "$shards")
echo "$array"
sbatch --parsable "$@" --dependency=afterok:"$array" "$here/merge.sbatch" "$shards" "$out"
