/**
 * Sweeps as cluster array jobs (docs/cluster.md). The Slurm script and the Kubernetes
 * Indexed Job of examples/cluster/ are run here the way the schedulers run them — the same
 * command once per task, with the scheduler's array variables set — then merged by their
 * merge step, and the merged results are compared point by point with an unsharded run of
 * the same sweep (estimate only: `--synth none`, so no tool runs and the file takes seconds).
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { PointResult } from '../src/sweep/results.js';
import { ROOT } from './helpers/cli.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const CLUSTER = join(ROOT, 'examples', 'cluster');
const BIN = `${process.execPath} ${join(ROOT, 'bin', 'spikeforge.js')}`;
const read = (f: string) => readFileSync(join(CLUSTER, f), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** This process's environment without any scheduler's variables (the suite may itself run in a Slurm job). */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^SLURM_|^JOB_COMPLETION_INDEX$|^SPIKEFORGE_SHARDS$|^SPIKEFORGE_CACHE_DIR$/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** A work folder holding the example sweep at examples/sweep-attention.yaml, as the scripts expect. */
function workFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-cluster-'));
  mkdirSync(join(dir, 'examples'));
  cpSync(join(ROOT, 'examples', 'sweep-attention.yaml'), join(dir, 'examples', 'sweep-attention.yaml'));
  return dir;
}

/** Runs `tasks` two at a time (the machines have 2 cores). */
async function pool<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

function results(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { sweep: Record<string, unknown>; points: PointResult[]; summary: unknown };
}

/** A point without its wall-clock field. */
const stablePoint = (p: PointResult) => ({ ...p, seconds: 0 });

/** The merged results equal the unsharded run's, point by point, apart from wall-clock seconds. */
function expectSameAsUnsharded(merged: string, whole: string): void {
  const m = results(merged);
  const w = results(whole);
  expect(m.sweep).toEqual(w.sweep);
  expect(m.points.map((p) => p.index)).toEqual(w.points.map((p) => p.index));
  for (const [i, p] of w.points.entries()) expect(stablePoint(m.points[i]!), `point ${p.index}`).toEqual(stablePoint(p));
  expect(m.summary).toEqual(w.summary);
}

/** The variables Slurm sets in each task of `sbatch --array=<min>-<max>:<step>`. */
function slurmArray(min: number, max: number, step: number): Record<string, string>[] {
  const ids: number[] = [];
  for (let i = min; i <= max; i += step) ids.push(i);
  return ids.map((id) => ({
    SLURM_JOB_ID: String(5000 + id),
    SLURM_ARRAY_JOB_ID: '4999',
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(ids[ids.length - 1]),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(ids.length),
    SLURM_CPUS_PER_TASK: '1',
  }));
}

interface Container {
  image: string;
  workingDir: string;
  command: string[];
  args: string[];
  env?: { name: string; value: string }[];
}

function jobOf(file: string): { spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } } } {
  const docs = parseAllDocuments(read(file));
  expect(docs, `${file} holds one manifest`).toHaveLength(1);
  const job = docs[0]!.toJS() as { apiVersion: string; kind: string } & ReturnType<typeof jobOf>;
  expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
  return job;
}

describe('examples/cluster: the files docs/cluster.md shows', () => {
  it('are on the page verbatim', () => {
    const page = readFileSync(join(ROOT, 'docs', 'cluster.md'), 'utf8');
    for (const f of readdirSync(CLUSTER)) expect(page.includes(read(f).trimEnd()), `docs/cluster.md shows examples/cluster/${f} as it is`).toBe(true);
  });

  it('the Slurm script runs the example sweep with --shard auto in an array of 8 tasks; the merge script joins 8 shard folders', () => {
    const sweep = read('slurm-sweep.sh');
    expect(sweep).toMatch(/^#SBATCH --array=1-8$/m);
    expect(sweep).toMatch(/^\$SPIKEFORGE sweep examples\/sweep-attention\.yaml --shard auto --jobs "\$\{SLURM_CPUS_PER_TASK:-1\}" "\$@"$/m);
    expect(sweep).toMatch(/^export SPIKEFORGE_CACHE_DIR=/m);
    expect(read('slurm-merge.sh')).toMatch(/^\$SPIKEFORGE merge rtl-out\/sweeps\/attention-space-shard-\*-of-8 --complete -o rtl-out\/sweeps\/attention-space$/m);
  });

  it('the Kubernetes Job is Indexed with SPIKEFORGE_SHARDS = completions; the merge Job joins that many shards; images are this version', () => {
    const job = jobOf('k8s-sweep-job.yaml');
    expect(job.spec.completionMode).toBe('Indexed');
    const c = job.spec.template.spec.containers[0]!;
    expect([c.command, c.args]).toEqual([['spikeforge'], ['sweep', 'examples/sweep-attention.yaml', '--shard', 'auto', '--jobs', '2']]);
    expect(c.env?.find((e) => e.name === 'SPIKEFORGE_SHARDS')?.value).toBe(String(job.spec.completions));
    const merge = jobOf('k8s-merge-job.yaml').spec.template.spec.containers[0]!;
    expect(merge.args.join(' ')).toBe(`spikeforge merge rtl-out/sweeps/attention-space-shard-*-of-${job.spec.completions} --complete -o rtl-out/sweeps/attention-space`);
    for (const x of [c, merge]) expect([x.image, x.workingDir]).toEqual([`spikeforge:${VERSION}`, '/work']);
    const docker = read('Dockerfile');
    expect(docker).toContain(`npm install --global /tmp/spikeforge-${VERSION}.tgz`);
    // The tools `make setup` installs.
    const apt = /^APT_PACKAGES := (.*)$/m.exec(readFileSync(join(ROOT, 'Makefile'), 'utf8'))![1]!.split(' ');
    for (const p of apt) expect(docker).toMatch(new RegExp(`\\b${p}\\b`));
    expect(parseYaml(read('k8s-sweep-job.yaml'))).toBeTruthy();
  });
});

describe('a sweep run as array jobs, merged, equals the unsharded run point by point', () => {
  // Eight sweep processes and a merge (about 13 s): full tier; the Kubernetes test below
  // runs the same shard arithmetic on two pods in `make test`.
  it.skipIf(!FULL)(`Slurm: the script in each task of sbatch --array=1-22:3 (8 tasks, 1-based, strided), then the merge script${FULL ? '' : FULL_ONLY}`, async () => {
    const work = workFolder();
    const env = cleanEnv({ SPIKEFORGE: BIN, SPIKEFORGE_CACHE_DIR: join(work, 'cache') });
    const tasks = slurmArray(1, 22, 3);
    expect(tasks).toHaveLength(8);
    const runs = await pool(tasks.map((t) => () => execa('bash', [join(CLUSTER, 'slurm-sweep.sh'), '--synth', 'none'], { cwd: work, env: { ...env, ...t }, reject: false, extendEnv: false })));
    for (const r of runs) expect(r.exitCode, String(r.stderr)).toBe(0);
    const folders = readdirSync(join(work, 'rtl-out', 'sweeps')).sort();
    expect(folders).toEqual(Array.from({ length: 8 }, (_, k) => `attention-space-shard-${k + 1}-of-8`).sort());
    // Each task ran its own slice: every point in exactly one folder.
    const owners = new Map<number, string[]>();
    for (const f of folders) for (const p of results(join(work, 'rtl-out', 'sweeps', f)).points) owners.set(p.index, [...(owners.get(p.index) ?? []), f]);
    expect([...owners.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    for (const [i, o] of owners) expect(o, `point ${i}`).toHaveLength(1);
    expect(readFileSync(join(work, 'rtl-out', 'sweeps', 'attention-space-shard-3-of-8', 'sweep.log'), 'utf8')).toContain('shard 3/8 (Slurm array job 4999, task 7 (MIN 1, STEP 3, COUNT 8))');

    const merge = await execa('bash', [join(CLUSTER, 'slurm-merge.sh')], { cwd: work, env, reject: false, extendEnv: false });
    expect(merge.exitCode, String(merge.stderr)).toBe(0);
    const whole = await execa(process.execPath, [join(ROOT, 'bin', 'spikeforge.js'), 'sweep', 'examples/sweep-attention.yaml', '--synth', 'none', '-o', 'whole'], { cwd: work, env, reject: false, extendEnv: false });
    expect(whole.exitCode, String(whole.stderr)).toBe(0);
    expectSameAsUnsharded(join(work, 'rtl-out', 'sweeps', 'attention-space'), join(work, 'whole'));
  });

  /** The Job's pod command in the pods of the given indices, as Kubernetes runs them. */
  async function k8sPods(work: string, indices?: number[]) {
    const job = jobOf('k8s-sweep-job.yaml');
    const c = job.spec.template.spec.containers[0]!;
    // The pod's environment from the manifest, with the volume (/work) mapped to the work folder.
    const podEnv = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value.replace(/^\/work\b/, work)]));
    const env = cleanEnv(podEnv);
    expect(c.command).toEqual(['spikeforge']);
    const all = Array.from({ length: job.spec.completions! }, (_, i) => i);
    const runs = await pool(
      (indices ?? all).map((i) => () =>
        execa(process.execPath, [join(ROOT, 'bin', 'spikeforge.js'), ...c.args, '--synth', 'none'], { cwd: work, env: { ...env, JOB_COMPLETION_INDEX: String(i) }, reject: false, extendEnv: false }),
      ),
    );
    for (const r of runs) expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(existsSync(join(work, '.spikeforge-cache'))).toBe(true);
    return { env, n: job.spec.completions! };
  }

  it('Kubernetes: the Job\'s command in the first and the last pod of the Indexed Job runs shards 1/8 and 8/8', async () => {
    const work = workFolder();
    const { n } = await k8sPods(work, [0, 7]);
    expect(n).toBe(8);
    expect(readdirSync(join(work, 'rtl-out', 'sweeps')).sort()).toEqual(['attention-space-shard-1-of-8', 'attention-space-shard-8-of-8']);
    expect(results(join(work, 'rtl-out', 'sweeps', 'attention-space-shard-8-of-8')).points.map((p) => p.index)).toEqual([7, 15, 23, 31, 39, 47]);
  });

  it.skipIf(!FULL)(`Kubernetes: the Job's command in every pod of the Indexed Job (JOB_COMPLETION_INDEX 0 … completions − 1), then the merge Job's${FULL ? '' : FULL_ONLY}`, async () => {
    const work = workFolder();
    const { env } = await k8sPods(work);
    const sf = [join(ROOT, 'bin', 'spikeforge.js')];
    const merge = jobOf('k8s-merge-job.yaml').spec.template.spec.containers[0]!;
    expect(merge.command).toEqual(['sh', '-c']);
    const m = await execa('sh', ['-c', merge.args[0]!.replace(/^spikeforge /, `${BIN} `)], { cwd: work, env, reject: false, extendEnv: false });
    expect(m.exitCode, String(m.stderr)).toBe(0);
    const whole = await execa(process.execPath, [...sf, 'sweep', 'examples/sweep-attention.yaml', '--synth', 'none', '-o', 'whole'], { cwd: work, env, reject: false, extendEnv: false });
    expect(whole.exitCode, String(whole.stderr)).toBe(0);
    expectSameAsUnsharded(join(work, 'rtl-out', 'sweeps', 'attention-space'), join(work, 'whole'));
  });
});
