/**
 * Which slice of a sweep this process runs. `--shard K/N` says it; `--shard auto` reads it
 * from the scheduler that started the process as one task of an array job, so the same
 * command line runs unmodified in every task:
 *
 *   Slurm job arrays (sbatch --array=1-10:3):
 *     K − 1 = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP
 *     N     = SLURM_ARRAY_TASK_COUNT
 *   Kubernetes Indexed Jobs (completionMode: Indexed):
 *     K − 1 = JOB_COMPLETION_INDEX
 *     N     = --shards N, or SPIKEFORGE_SHARDS (a Job does not expose its completions)
 *
 * Pure: reads only the environment it is given. Anything missing or inconsistent is an
 * ArgumentError (exit 2) naming the variables and their values, never a guess: a wrong
 * guess would run some points twice and skip others.
 */
import { ArgumentError } from '../base/errors.js';
import { parseShard, type Shard } from './spec.js';

/** The variable that gives the shard count where the scheduler does not (Kubernetes). */
export const SHARDS_ENV = 'SPIKEFORGE_SHARDS';

export type Env = Record<string, string | undefined>;

export interface ShardFlags {
  /** `--shard`: "K/N", "auto", or absent. */
  shard?: string;
  /** `--shards N`: the shard count for `--shard auto` where the scheduler does not give it. */
  shards?: number;
}

export interface ResolvedShard extends Shard {
  /** Where K and N came from, for the log ("Slurm array job 812, task 7: …"). */
  from: string;
}

const SLURM = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_STEP', 'SLURM_ARRAY_TASK_COUNT'] as const;
const K8S = 'JOB_COMPLETION_INDEX';

function fail(what: string): never {
  throw new ArgumentError('--shard', what);
}

/** A non-negative integer from the environment, or undefined when unset or empty. */
function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(v)) fail(`auto: ${name}=${JSON.stringify(v)} is not a non-negative integer`);
  return Number(v);
}

function shown(env: Env, names: readonly string[]): string {
  return names.map((n) => `${n}=${env[n] === undefined ? '(unset)' : env[n]}`).join(', ');
}

/** The count given by --shards or SPIKEFORGE_SHARDS (they must agree), or undefined. */
function givenCount(env: Env, flags: ShardFlags): { n: number; by: string } | undefined {
  const fromEnv = envInt(env, SHARDS_ENV);
  if (fromEnv !== undefined && fromEnv < 1) fail(`auto: ${SHARDS_ENV}=${fromEnv}; allowed: a shard count ≥ 1`);
  if (flags.shards !== undefined && flags.shards < 1) throw new ArgumentError('--shards', `${flags.shards}; allowed: a shard count ≥ 1`);
  if (flags.shards !== undefined && fromEnv !== undefined && flags.shards !== fromEnv) {
    fail(`auto: --shards ${flags.shards} and ${SHARDS_ENV}=${fromEnv} disagree; give one of them`);
  }
  if (flags.shards !== undefined) return { n: flags.shards, by: `--shards ${flags.shards}` };
  if (fromEnv !== undefined) return { n: fromEnv, by: `${SHARDS_ENV}=${fromEnv}` };
  return undefined;
}

function fromSlurm(env: Env, flags: ShardFlags): ResolvedShard {
  const vars = shown(env, SLURM);
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN');
  const max = envInt(env, 'SLURM_ARRAY_TASK_MAX');
  const step = envInt(env, 'SLURM_ARRAY_TASK_STEP');
  const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (id === undefined) fail(`auto: a Slurm job, but not a task of a job array (${vars}); submit it with sbatch --array=1-N, or give --shard K/N`);
  if (min === undefined || step === undefined || (count === undefined && max === undefined)) {
    fail(`auto: this Slurm array task does not say where it lies in its array (${vars}); SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP and SLURM_ARRAY_TASK_COUNT are needed; give --shard K/N instead`);
  }
  if (step < 1) fail(`auto: SLURM_ARRAY_TASK_STEP=${step}; allowed: a step ≥ 1 (${vars})`);
  const n = count ?? Math.floor((max! - min) / step) + 1;
  // The formula holds for one range with one step (1-10, 0-31, 1-10:3); an index list such
  // as --array=1,2,5 or a re-submission of some tasks would map tasks to the wrong slices.
  const regular = id >= min && (id - min) % step === 0 && (max === undefined || (max >= min && Math.floor((max - min) / step) + 1 === n));
  const k = (id - min) / step + 1;
  if (!regular || k > n) {
    fail(
      `auto: the Slurm array is not one range with one step (${vars}): K − 1 = (ID − MIN) / STEP of COUNT does not give a slice; ` +
        'submit the sweep as --array=A-B or --array=A-B:S (one task per shard), or give --shard K/N',
    );
  }
  const given = givenCount(env, flags);
  if (given && given.n !== n) fail(`auto: ${given.by}, but the Slurm array has ${n} tasks (${vars}); they must agree`);
  const job = env['SLURM_ARRAY_JOB_ID'] ? ` ${env['SLURM_ARRAY_JOB_ID']}` : '';
  return { k, n, from: `Slurm array job${job}, task ${id} (MIN ${min}, STEP ${step}, COUNT ${n})` };
}

function fromKubernetes(env: Env, flags: ShardFlags): ResolvedShard {
  const index = envInt(env, K8S)!;
  const given = givenCount(env, flags);
  if (!given) {
    fail(
      `auto: ${K8S}=${index} (a Kubernetes Indexed Job), but the Job does not tell its pods how many completions it has: ` +
        `give --shards N or set ${SHARDS_ENV}=N (N = the Job's spec.completions)`,
    );
  }
  if (index >= given.n) fail(`auto: ${K8S}=${index}, but ${given.by}: the index must be below the shard count (the Job's completions and ${given.by} must agree)`);
  return { k: index + 1, n: given.n, from: `Kubernetes Indexed Job, ${K8S}=${index}, ${given.by}` };
}

/**
 * The shard to run, from `--shard` / `--shards` and the environment; null for the whole
 * sweep (no --shard).
 */
export function shardFromEnv(env: Env, flags: ShardFlags): ResolvedShard | null {
  if (flags.shard === undefined) {
    if (flags.shards !== undefined) throw new ArgumentError('--shards', 'goes with --shard auto (the shard count of a Kubernetes Indexed Job); with --shard K/N the count is N');
    return null;
  }
  if (flags.shard !== 'auto') {
    if (flags.shards !== undefined) throw new ArgumentError('--shards', `goes with --shard auto; --shard ${flags.shard} already gives the count`);
    const s = parseShard(flags.shard);
    return { ...s, from: `--shard ${flags.shard}` };
  }
  const slurm = SLURM.some((n) => env[n] !== undefined) || env['SLURM_JOB_ID'] !== undefined;
  const k8s = env[K8S] !== undefined && env[K8S] !== '';
  if (slurm && k8s) {
    fail(`auto: both a Slurm job (${shown(env, ['SLURM_JOB_ID', 'SLURM_ARRAY_TASK_ID'])}) and a Kubernetes Indexed Job (${K8S}=${env[K8S]}) are in the environment; give --shard K/N`);
  }
  if (slurm) return fromSlurm(env, flags);
  if (k8s) return fromKubernetes(env, flags);
  fail(
    `auto: no array job found in the environment: neither SLURM_ARRAY_TASK_ID (a Slurm job array, sbatch --array) nor ${K8S} ` +
      '(a Kubernetes Indexed Job) is set; outside a scheduler give --shard K/N',
  );
}
