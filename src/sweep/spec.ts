/**
 * Sweep files: a base config plus axes (lists of values for config keys), expanded into the
 * cartesian product of points. Pure apart from reading the file (and a `base` config file
 * it names). Every problem in the file is a SweepFileError naming the key, the value and
 * what is allowed (exit status 2).
 *
 *   name: attention-space          # optional; default: the file name
 *   base: configs/xa.json          # a config file (relative to the sweep file) or an inline config
 *   axes:                          # key → list of values; dotted keys reach nested keys
 *     lanes: [1, 2, 4]
 *     logPe.enabled: [false, true]
 *   synth: {target: ice40, pnr: true, device: hx8k, seed: 1, timeout: 600}
 *   verify: 0                      # co-simulation vectors per point (0: none)
 *   spikeRate: 0.2                 # assumed spike rate for the operations and energy columns
 *   overrides:                     # optional per-point time limits
 *     - when: {lanes: 4}
 *       synth: {timeout: 1200}
 */
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { SpikeforgeError, describeValue, ConfigError } from '../base/errors.js';
import { parseConfig, TARGET_NAMES } from '../base/config.js';
import { firstIssue } from '../base/zod-issue.js';
import { canonicalJson, shortHash } from '../base/hash.js';
import { readStructuredFile } from '../io/config-file.js';
import { DEVICE_NAMES, DEFAULT_DEVICE } from '../tools/nextpnr.js';
import type { TargetName } from '../targets/index.js';
import { DEFAULT_SPIKE_RATE } from '../estimate/operations.js';

export class SweepFileError extends SpikeforgeError {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly where?: string,
  ) {
    // A key starting with "--" is a command-line option, not a key of the file.
    const what = key.startsWith('--') ? `option ${key}` : `sweep key "${key}"`;
    super('SF_PARAM_INVALID', `${where ? `${where}: ` : ''}${what}: value ${describeValue(value)} is not allowed; ${allowed}`, 2);
  }
}

export interface SynthSettings {
  target: TargetName;
  pnr: boolean;
  device: string;
  seed: number;
  /** Seconds per tool run (Yosys, nextpnr). */
  timeout: number;
}

export interface Override {
  when: Record<string, unknown>;
  synth: { timeout?: number };
}

export interface SweepSpec {
  name: string;
  /** The sweep file (absolute), and the folder relative paths in configs resolve against. */
  file: string;
  baseDir: string;
  base: Record<string, unknown>;
  /** Axes in file order: the first one varies slowest. */
  axes: { key: string; values: unknown[] }[];
  synth: SynthSettings;
  verify: number;
  /** Spike rate assumed for the operation counts that depend on data (docs/energy.md); not part of a point's identity. */
  spikeRate: number;
  overrides: Override[];
  /** Hash of everything that decides the points and their results (shards must agree on it). */
  definitionHash: string;
}

export interface SweepPoint {
  /** Position in the full cartesian product, 0-based. */
  index: number;
  values: Record<string, unknown>;
  /** The raw config of this point (base with the axis values set). */
  config: Record<string, unknown>;
}

export const DEFAULT_SYNTH: SynthSettings = { target: 'ice40', pnr: false, device: DEFAULT_DEVICE, seed: 1, timeout: 600 };
export const MAX_POINTS = 100_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Sets a dotted key in a (cloned) config, creating intermediate objects. */
export function setDotted(cfg: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let at: Record<string, unknown> = cfg;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(at[p])) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]!] = clone(value);
}

// ------------------------------------------------------------------------------ schema
// The file's shape and its cross-field rules, as a zod schema whose every constraint says
// what is allowed; src/base/zod-issue.ts turns the first problem into key, value and allowed
// (unknown keys are reported with the keys allowed there, read from this schema).

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');
const SECONDS = 'allowed: a number of seconds > 0';
const seconds = () => z.number({ error: SECONDS }).refine((v) => Number.isFinite(v) && v > 0, { error: SECONDS });
const SEED = 'allowed: an integer ≥ 0';
const VERIFY = 'allowed: an integer from 0 to 100000 (co-simulation vectors per point; 0: none)';
const NAME = 'allowed: a name of letters, digits, "-", "_" and "." (it names the output folder)';
const BASE = 'allowed: a config object, or the path of a config file (JSON or YAML)';
const AXES = 'allowed: a non-empty map from config key (dotted for nested keys, e.g. "logPe.enabled") to a list of values';
const AXIS = 'allowed: a non-empty list of values';
const AXIS_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const OVERRIDE = 'allowed: {when: {axis: value, ...}, synth: {timeout: S}}';
const RATE = 'allowed: a number from 0 to 1 (the spike rate assumed for operation counts that depend on data)';

const synthShape = {
  target: z.enum(TARGET_NAMES, { error: `allowed: one of ${quoted(TARGET_NAMES)}` }).default(DEFAULT_SYNTH.target),
  pnr: z.boolean({ error: 'allowed: true or false' }).default(DEFAULT_SYNTH.pnr),
  device: z.enum(DEVICE_NAMES, { error: `allowed: one of ${quoted(DEVICE_NAMES)}` }).default(DEFAULT_DEVICE),
  seed: z.number({ error: SEED }).int({ error: SEED }).min(0, { error: SEED }).default(DEFAULT_SYNTH.seed),
  timeout: seconds().default(DEFAULT_SYNTH.timeout),
};

const sweepShape = {
  name: z.string({ error: NAME }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$/, { error: NAME }).optional(),
  base: z.union([z.string({ error: BASE }).min(1, { error: BASE }), z.record(z.string(), z.unknown())], { error: BASE }),
  axes: z
    .record(z.string(), z.array(z.unknown(), { error: AXIS }).min(1, { error: AXIS }), { error: AXES })
    .refine((a) => Object.keys(a).length > 0, { error: AXES }),
  synth: z.strictObject(synthShape, { error: `allowed: an object with keys ${Object.keys(synthShape).join(', ')}` }).prefault({}),
  verify: z.number({ error: VERIFY }).int({ error: VERIFY }).min(0, { error: VERIFY }).max(100_000, { error: VERIFY }).default(0),
  spikeRate: z.number({ error: RATE }).min(0, { error: RATE }).max(1, { error: RATE }).default(DEFAULT_SPIKE_RATE),
  overrides: z
    .array(
      z.strictObject(
        {
          when: z.record(z.string(), z.unknown(), { error: 'allowed: a map from axis key to one of its values' }),
          synth: z.strictObject({ timeout: seconds().optional() }, { error: 'allowed: {timeout: S}' }),
        },
        { error: OVERRIDE },
      ),
      { error: `allowed: a list of ${OVERRIDE.replace(/^allowed: /, '')}` },
    )
    .default([]),
};

type Ctx = z.RefinementCtx;
/** A cross-field problem at `path`, reporting `value` (which may differ from the value there). */
const problem = (ctx: Ctx, path: PropertyKey[], value: unknown, message: string) => ctx.addIssue({ code: 'custom', path, message, params: { value } });

export const SweepFileSchema = z
  .strictObject(sweepShape, { error: `allowed: an object with keys ${Object.keys(sweepShape).join(', ')}` })
  .superRefine((f, ctx) => {
    const keys = Object.keys(f.axes);
    for (const [key, values] of Object.entries(f.axes)) {
      if (!AXIS_KEY.test(key)) problem(ctx, ['axes', key], key, 'allowed: a config key, dotted for nested keys (e.g. "grayPe.enabled")');
      const seen = new Set<string>();
      for (const v of values) {
        const c = canonicalJson(v);
        if (seen.has(c)) problem(ctx, ['axes', key], v, 'allowed: distinct values (this one is listed twice)');
        seen.add(c);
      }
      if (key === 'name') problem(ctx, ['axes', key], values, 'the module-name prefix cannot be swept (every point keeps the base name)');
      if (key === 'format') problem(ctx, ['axes', key], values, 'the config format cannot be swept (set it in the base config)');
    }
    // Axes on a key and on one inside it (grid and grid.rows) would overwrite each other.
    for (const a of keys) {
      for (const b of keys) if (a !== b && b.startsWith(`${a}.`)) problem(ctx, ['axes', b], b, `cannot be swept together with its parent "${a}"`);
    }
    const total = Object.values(f.axes).reduce((n, v) => n * v.length, 1);
    if (total > MAX_POINTS) problem(ctx, ['axes'], `${total} points`, `at most ${MAX_POINTS} points per sweep (split it into several files)`);
    if (f.synth.pnr && f.synth.target !== 'ice40') problem(ctx, ['synth', 'pnr'], true, 'place-and-route (Fmax) needs synth.target "ice40"');
    f.overrides.forEach((o, i) => {
      for (const [k, v] of Object.entries(o.when)) {
        const values = f.axes[k];
        if (!values) problem(ctx, ['overrides', i, 'when', k], k, `allowed: one of the axes (${keys.join(', ')})`);
        else if (!values.some((x) => canonicalJson(x) === canonicalJson(v))) {
          problem(ctx, ['overrides', i, 'when', k], v, `allowed: one of the values of axis ${k}: ${values.map((x) => describeValue(x)).join(', ')}`);
        }
      }
    });
  });

/**
 * Checks that a key names a config key: a config with only that key changed must not fail
 * with "unknown key" on it. (Values are checked per point: a bad value makes an invalid
 * point, not a bad sweep file.)
 */
function checkConfigKey(base: Record<string, unknown>, key: string, value: unknown, sweepKey: string, where: string): void {
  const cfg = clone(base);
  setDotted(cfg, key, value);
  try {
    parseConfig(cfg);
  } catch (e) {
    if (e instanceof ConfigError && e.allowed.startsWith('unknown key') && (e.key === key || key.startsWith(`${e.key}.`))) {
      throw new SweepFileError(sweepKey, key, `"${key}" is not a config key (${e.allowed.replace(/^unknown key; /, '')})`, where);
    }
  }
}

export function parseSweep(raw: unknown, file: string): SweepSpec {
  const where = file;
  const abs = resolve(file);
  const baseDir = dirname(abs);
  const parsed = SweepFileSchema.safeParse(raw);
  if (!parsed.success) {
    const { key, value, allowed } = firstIssue(SweepFileSchema, raw, parsed.error, '(sweep)');
    throw new SweepFileError(key, value, allowed, where);
  }
  const f = parsed.data;
  const name = f.name ?? basename(abs, extname(abs)).replace(/\.sweep$/, '');

  let base: Record<string, unknown>;
  let configDir = baseDir;
  if (typeof f.base === 'string') {
    const path = resolve(baseDir, f.base);
    const loaded = readStructuredFile(path, 'base config', 'SF_CONFIG_UNREADABLE');
    if (!isObject(loaded)) throw new SweepFileError('base', f.base, `the file ${path} must hold a config object`, where);
    base = loaded;
    configDir = dirname(path);
  } else {
    base = clone(f.base);
  }
  // A relative Log-PE table path in a base file resolves against that file's folder.
  if (configDir !== baseDir && isObject(base['logPe']) && typeof base['logPe']['table'] === 'string') {
    base['logPe'] = { ...base['logPe'], table: resolve(configDir, base['logPe']['table']) };
  }

  const axes: SweepSpec['axes'] = Object.entries(f.axes).map(([key, values]) => ({ key, values: clone(values) }));
  // Each axis must name a config key (checked against the config schema with the base).
  for (const a of axes) checkConfigKey(base, a.key, a.values[0], `axes.${a.key}`, where);

  const synth: SynthSettings = { ...f.synth };
  const overrides: Override[] = f.overrides.map((o) => ({ when: clone(o.when), synth: { timeout: o.synth.timeout } }));
  const verify = f.verify;

  // Timeouts are left out: a finished point stays valid when a limit changes.
  const definitionHash = shortHash({
    base,
    axes,
    synth: { ...synth, timeout: undefined },
    verify,
  });
  return { name, file: abs, baseDir: configDir, base, axes, synth, verify, spikeRate: f.spikeRate, overrides, definitionHash };
}

export function loadSweepFile(path: string): SweepSpec {
  const raw = readStructuredFile(path, 'sweep file', 'SF_CONFIG_UNREADABLE');
  return parseSweep(raw, path);
}

/** Every point of the cartesian product; the first axis varies slowest. */
export function expandPoints(spec: SweepSpec): SweepPoint[] {
  const points: SweepPoint[] = [];
  const total = spec.axes.reduce((n, a) => n * a.values.length, 1);
  for (let index = 0; index < total; index++) {
    let rest = index;
    const values: Record<string, unknown> = {};
    for (let a = spec.axes.length - 1; a >= 0; a--) {
      const axis = spec.axes[a]!;
      values[axis.key] = axis.values[rest % axis.values.length];
      rest = Math.floor(rest / axis.values.length);
    }
    const ordered: Record<string, unknown> = {};
    for (const axis of spec.axes) ordered[axis.key] = values[axis.key];
    const config = clone(spec.base);
    for (const [k, v] of Object.entries(ordered)) setDotted(config, k, v);
    points.push({ index, values: ordered, config });
  }
  return points;
}

/** Time limit per tool run for a point: the last matching override wins. */
export function timeoutFor(spec: SweepSpec, point: SweepPoint): number {
  let t = spec.synth.timeout;
  for (const o of spec.overrides) {
    const match = Object.entries(o.when).every(([k, v]) => canonicalJson(point.values[k]) === canonicalJson(v));
    if (match && o.synth.timeout !== undefined) t = o.synth.timeout;
  }
  return t;
}

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new SweepFileError('--shard', text, 'allowed: K/N with 1 ≤ K ≤ N (e.g. 2/4: the second of four slices), or auto (from a Slurm job array or Kubernetes Indexed Job)');
  return { k, n };
}

/** Points of one shard: every N-th point starting at K − 1, so costly regions spread evenly. */
export function inShard(index: number, shard: Shard | null): boolean {
  return !shard || index % shard.n === shard.k - 1;
}

export function describePoint(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : canonicalJson(v)}`)
    .join(' ');
}
