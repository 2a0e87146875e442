#!/bin/bash
# The example sweep (examples/sweep-attention.yaml: 48 points, Yosys + nextpnr each) as a
# Slurm job array: every task runs the same command, and `--shard auto` reads which slice
# is its own from SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT (docs/cluster.md). Each task
# writes rtl-out/sweeps/attention-space-shard-K-of-8/ in the folder it was submitted from.
#
#   jobid=$(sbatch --parsable examples/cluster/slurm-sweep.sh)
#   sbatch --dependency=afterany:$jobid examples/cluster/slurm-merge.sh
#
# Any array of 8 tasks will do (--array=0-7, --array=1-22:3, …); a task that is re-queued
# or submitted again resumes from the points its folder already holds.
#SBATCH --job-name=spikeforge-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=spikeforge-sweep-%A_%a.out
set -euo pipefail

# One cache folder for every node (here: beside the results, on the shared file system).
# Compiled models are keyed by CPU architecture and compiler, and temporary names carry the
# host, so nodes of different kinds can share it.
export SPIKEFORGE_CACHE_DIR="${SPIKEFORGE_CACHE_DIR:-$PWD/.spikeforge-cache}"
# How to run spikeforge: the one installed in this folder (npm install spikeforge-x.y.z.tgz;
# --no: never download it).
SPIKEFORGE="${SPIKEFORGE:-npx --no spikeforge}"

$SPIKEFORGE sweep examples/sweep-attention.yaml --shard auto --jobs "${SLURM_CPUS_PER_TASK:-1}" "$@"
