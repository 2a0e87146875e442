/**
 * `sweep --shard auto`: the shard from the scheduler's array variables (src/sweep/shard.ts),
 * as a pure function of the environment. Slurm arrays 0- and 1-based, strided, throttled;
 * Kubernetes Indexed Jobs with the count from --shards or SPIKEFORGE_SHARDS; every missing
 * or inconsistent variable an exit-2 ArgumentError naming it. The CLI runs of the same
 * command in every task of an array are in test/cluster.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SpikeforgeError } from '../src/base/errors.js';
import { shardFromEnv, type Env } from '../src/sweep/shard.js';
import { inShard } from '../src/sweep/spec.js';

/** The variables Slurm sets in the task with array index `id` of `sbatch --array=<min>-<max>:<step>`. */
function slurmTask(id: number, min: number, max: number, step: number, extra: Env = {}): Env {
  const ids = slurmIds(min, max, step);
  return {
    SLURM_JOB_ID: String(9000 + id),
    SLURM_ARRAY_JOB_ID: '812',
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(ids[ids.length - 1]),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(ids.length),
    ...extra,
  };
}

function slurmIds(min: number, max: number, step: number): number[] {
  const ids: number[] = [];
  for (let i = min; i <= max; i += step) ids.push(i);
  return ids;
}

const auto = { shard: 'auto' };

function rejects(env: Env, flags: { shard?: string; shards?: number }, message: RegExp): void {
  let err: unknown;
  try {
    shardFromEnv(env, flags);
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error matching ${message}`).toBeInstanceOf(SpikeforgeError);
  expect((err as SpikeforgeError).exitCode).toBe(2);
  expect((err as Error).message).toMatch(message);
}

describe('--shard auto under Slurm job arrays', () => {
  it('maps the tasks of --array=1-10:3 (1-based, strided) to shards 1/4 … 4/4', () => {
    const got = [1, 4, 7, 10].map((id) => shardFromEnv(slurmTask(id, 1, 10, 3), auto));
    expect(got.map((s) => `${s!.k}/${s!.n}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(got[1]!.from).toBe('Slurm array job 812, task 4 (MIN 1, STEP 3, COUNT 4)');
  });

  it('maps 0-based, 1-based, strided and one-task arrays so that every point runs exactly once', () => {
    const points = 23;
    for (const min of [0, 1, 3]) {
      for (const step of [1, 2, 3, 5]) {
        for (const tasks of [1, 2, 4, 7]) {
          const max = min + step * (tasks - 1);
          const shards = slurmIds(min, max, step).map((id) => shardFromEnv(slurmTask(id, min, max, step), auto)!);
          const owners = Array.from({ length: points }, (_, i) => shards.filter((s) => inShard(i, s)).length);
          expect(owners, `--array=${min}-${max}:${step}`).toEqual(Array(points).fill(1));
          expect(new Set(shards.map((s) => s.n))).toEqual(new Set([tasks]));
        }
      }
    }
  });

  it('accepts a MAX above the last index (--array=1-11:3 runs 1, 4, 7, 10), and a missing MAX', () => {
    expect(shardFromEnv(slurmTask(10, 1, 10, 3, { SLURM_ARRAY_TASK_MAX: '11' }), auto)).toMatchObject({ k: 4, n: 4 });
    expect(shardFromEnv(slurmTask(7, 1, 10, 3, { SLURM_ARRAY_TASK_MAX: undefined }), auto)).toMatchObject({ k: 3, n: 4 });
    // Without COUNT (older Slurm), N follows from MIN, MAX and STEP.
    expect(shardFromEnv(slurmTask(7, 1, 10, 3, { SLURM_ARRAY_TASK_COUNT: undefined }), auto)).toMatchObject({ k: 3, n: 4 });
  });

  it('takes a --shards or SPIKEFORGE_SHARDS that agrees with the array, and refuses one that does not', () => {
    expect(shardFromEnv(slurmTask(4, 1, 10, 3), { shard: 'auto', shards: 4 })).toMatchObject({ k: 2, n: 4 });
    expect(shardFromEnv(slurmTask(4, 1, 10, 3, { SPIKEFORGE_SHARDS: '4' }), auto)).toMatchObject({ k: 2, n: 4 });
    rejects(slurmTask(4, 1, 10, 3), { shard: 'auto', shards: 10 }, /--shards 10, but the Slurm array has 4 tasks/);
    rejects(slurmTask(4, 1, 10, 3, { SPIKEFORGE_SHARDS: '3' }), auto, /SPIKEFORGE_SHARDS=3, but the Slurm array has 4 tasks/);
  });

  const bad: [string, Env, RegExp][] = [
    ['a Slurm job that is not an array task', { SLURM_JOB_ID: '77' }, /a Slurm job, but not a task of a job array .*SLURM_ARRAY_TASK_ID=\(unset\).*sbatch --array=1-N, or give --shard K\/N/],
    ['a task without MIN', slurmTask(4, 1, 10, 3, { SLURM_ARRAY_TASK_MIN: undefined }), /does not say where it lies in its array .*SLURM_ARRAY_TASK_MIN=\(unset\)/],
    ['a task without STEP', slurmTask(4, 1, 10, 3, { SLURM_ARRAY_TASK_STEP: undefined }), /SLURM_ARRAY_TASK_STEP=\(unset\)/],
    ['a task without COUNT and MAX', slurmTask(4, 1, 10, 3, { SLURM_ARRAY_TASK_COUNT: undefined, SLURM_ARRAY_TASK_MAX: undefined }), /SLURM_ARRAY_TASK_COUNT are needed/],
    ['a task ID off the step', slurmTask(5, 1, 10, 3, { SLURM_ARRAY_TASK_ID: '5' }), /not one range with one step .*SLURM_ARRAY_TASK_ID=5/],
    ['a task ID below MIN', slurmTask(1, 2, 10, 2, { SLURM_ARRAY_TASK_ID: '0' }), /not one range with one step/],
    ['a task ID past COUNT', slurmTask(10, 1, 10, 3, { SLURM_ARRAY_TASK_ID: '13' }), /not one range with one step/],
    // --array=1,2,5: MIN 1, MAX 5, COUNT 3, STEP 1 — an index list is not one range.
    ['an index list (--array=1,2,5)', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '5', SLURM_ARRAY_TASK_STEP: '1', SLURM_ARRAY_TASK_COUNT: '3' }, /not one range with one step .*--array=A-B:S/],
    ['a step of 0', slurmTask(1, 1, 1, 1, { SLURM_ARRAY_TASK_STEP: '0' }), /SLURM_ARRAY_TASK_STEP=0; allowed: a step ≥ 1/],
    ['a value that is not a number', slurmTask(4, 1, 10, 3, { SLURM_ARRAY_TASK_ID: '4a' }), /SLURM_ARRAY_TASK_ID="4a" is not a non-negative integer/],
    ['a negative value', slurmTask(4, 1, 10, 3, { SLURM_ARRAY_TASK_MIN: '-1' }), /SLURM_ARRAY_TASK_MIN="-1" is not a non-negative integer/],
  ];
  it.each(bad)('refuses %s (exit 2, naming the variables)', (_what, env, message) => {
    rejects(env, auto, message);
  });
});

describe('--shard auto under Kubernetes Indexed Jobs', () => {
  it('maps JOB_COMPLETION_INDEX 0 … N−1 to shards 1/N … N/N, the count from --shards or SPIKEFORGE_SHARDS', () => {
    expect([0, 1, 2].map((i) => shardFromEnv({ JOB_COMPLETION_INDEX: String(i) }, { shard: 'auto', shards: 3 }))).toEqual([
      { k: 1, n: 3, from: 'Kubernetes Indexed Job, JOB_COMPLETION_INDEX=0, --shards 3' },
      { k: 2, n: 3, from: 'Kubernetes Indexed Job, JOB_COMPLETION_INDEX=1, --shards 3' },
      { k: 3, n: 3, from: 'Kubernetes Indexed Job, JOB_COMPLETION_INDEX=2, --shards 3' },
    ]);
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '4', SPIKEFORGE_SHARDS: '5' }, auto)).toMatchObject({ k: 5, n: 5 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '4', SPIKEFORGE_SHARDS: '5' }, { shard: 'auto', shards: 5 })).toMatchObject({ k: 5, n: 5 });
  });

  it('refuses a missing count, an index past it, and a --shards that disagrees with SPIKEFORGE_SHARDS', () => {
    rejects({ JOB_COMPLETION_INDEX: '2' }, auto, /JOB_COMPLETION_INDEX=2 \(a Kubernetes Indexed Job\), but the Job does not tell its pods how many completions it has: give --shards N or set SPIKEFORGE_SHARDS=N/);
    rejects({ JOB_COMPLETION_INDEX: '3' }, { shard: 'auto', shards: 3 }, /JOB_COMPLETION_INDEX=3, but --shards 3: the index must be below the shard count/);
    rejects({ JOB_COMPLETION_INDEX: '1', SPIKEFORGE_SHARDS: '4' }, { shard: 'auto', shards: 3 }, /--shards 3 and SPIKEFORGE_SHARDS=4 disagree/);
    rejects({ JOB_COMPLETION_INDEX: '1', SPIKEFORGE_SHARDS: 'four' }, auto, /SPIKEFORGE_SHARDS="four" is not a non-negative integer/);
    rejects({ JOB_COMPLETION_INDEX: '0', SPIKEFORGE_SHARDS: '0' }, auto, /SPIKEFORGE_SHARDS=0; allowed: a shard count ≥ 1/);
  });
});

describe('--shard and --shards', () => {
  it('K/N is taken as given; no --shard is the whole sweep', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '7' }, { shard: '2/3' })).toEqual({ k: 2, n: 3, from: '--shard 2/3' });
    expect(shardFromEnv(slurmTask(4, 1, 10, 3), {})).toBeNull();
  });

  it('refuses auto outside an array job, both schedulers at once, and --shards without auto', () => {
    rejects({ HOME: '/h' }, auto, /auto: no array job found in the environment: neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX .*give --shard K\/N/);
    rejects({ ...slurmTask(4, 1, 10, 3), JOB_COMPLETION_INDEX: '1' }, auto, /both a Slurm job .* and a Kubernetes Indexed Job/);
    rejects({}, { shard: '1/2', shards: 2 }, /option --shards: goes with --shard auto/);
    rejects({}, { shards: 2 }, /option --shards: goes with --shard auto/);
    rejects({}, { shard: '3/2' }, /option --shard: value "3\/2" is not allowed/);
  });
});
