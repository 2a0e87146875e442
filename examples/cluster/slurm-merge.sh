#!/bin/bash
# Joins the 8 shard folders of examples/cluster/slurm-sweep.sh into one report, after the
# array has ended (sbatch --dependency=afterany:<array job id>). --complete fails, naming
# the shards and points that are missing, if a task did not finish.
#SBATCH --job-name=spikeforge-merge
#SBATCH --time=00:10:00
#SBATCH --output=spikeforge-merge-%j.out
set -euo pipefail
SPIKEFORGE="${SPIKEFORGE:-npx --no spikeforge}"

$SPIKEFORGE merge rtl-out/sweeps/attention-space-shard-*-of-8 --complete -o rtl-out/sweeps/attention-space
