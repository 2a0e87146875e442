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
 *   overrides:                     # optional per-point time limits
 *     - when: {lanes: 4}
 *       synth: {timeout: 1200}
 */
import { basename, dirname, extname, resolve } from 'node:path';
import { SpikeforgeError, describeValue, ConfigError } from '../base/errors.js';
import { parseConfig } from '../base/config.js';
import { canonicalJson, shortHash } from '../base/hash.js';
import { readStructuredFile } from '../io/config-file.js';
import { DEVICE_NAMES, DEFAULT_DEVICE } from '../tools/nextpnr.js';
import { TARGET_NAMES, type TargetName } from '../targets/index.js';

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

const TOP_KEYS = ['name', 'base', 'axes', 'synth', 'verify', 'overrides'];
const SYNTH_KEYS = ['target', 'pnr', 'device', 'seed', 'timeout'];
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

function positiveNumber(v: unknown, key: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new SweepFileError(key, v, 'allowed: a number of seconds > 0', where);
  return v;
}

function parseSynth(raw: unknown, where: string): SynthSettings {
  if (raw === undefined) return { ...DEFAULT_SYNTH };
  if (!isObject(raw)) throw new SweepFileError('synth', raw, `allowed: an object with keys ${SYNTH_KEYS.join(', ')}`, where);
  for (const k of Object.keys(raw)) {
    if (!SYNTH_KEYS.includes(k)) throw new SweepFileError(`synth.${k}`, raw[k], `unknown key; allowed keys here: ${SYNTH_KEYS.join(', ')}`, where);
  }
  const s = { ...DEFAULT_SYNTH };
  if (raw['target'] !== undefined) {
    if (!(TARGET_NAMES as readonly unknown[]).includes(raw['target'])) {
      throw new SweepFileError('synth.target', raw['target'], `allowed: one of ${TARGET_NAMES.map((t) => JSON.stringify(t)).join(', ')}`, where);
    }
    s.target = raw['target'] as TargetName;
  }
  if (raw['pnr'] !== undefined) {
    if (typeof raw['pnr'] !== 'boolean') throw new SweepFileError('synth.pnr', raw['pnr'], 'allowed: true or false', where);
    s.pnr = raw['pnr'];
  }
  if (s.pnr && s.target !== 'ice40') throw new SweepFileError('synth.pnr', true, 'place-and-route (Fmax) needs synth.target "ice40"', where);
  if (raw['device'] !== undefined) {
    if (typeof raw['device'] !== 'string' || !(DEVICE_NAMES as readonly string[]).includes(raw['device'])) {
      throw new SweepFileError('synth.device', raw['device'], `allowed: one of ${DEVICE_NAMES.map((d) => JSON.stringify(d)).join(', ')}`, where);
    }
    s.device = raw['device'];
  }
  if (raw['seed'] !== undefined) {
    if (typeof raw['seed'] !== 'number' || !Number.isInteger(raw['seed']) || raw['seed'] < 0) {
      throw new SweepFileError('synth.seed', raw['seed'], 'allowed: an integer ≥ 0', where);
    }
    s.seed = raw['seed'];
  }
  if (raw['timeout'] !== undefined) s.timeout = positiveNumber(raw['timeout'], 'synth.timeout', where);
  return s;
}

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
  if (!isObject(raw)) throw new SweepFileError('(sweep)', raw, `allowed: an object with keys ${TOP_KEYS.join(', ')}`, where);
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.includes(k)) throw new SweepFileError(k, raw[k], `unknown key; allowed keys here: ${TOP_KEYS.join(', ')}`, where);
  }
  const nameAllowed = 'allowed: a name of letters, digits, "-", "_" and "." (it names the output folder)';
  let name = basename(abs, extname(abs)).replace(/\.sweep$/, '');
  if (raw['name'] !== undefined) {
    if (typeof raw['name'] !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$/.test(raw['name'])) throw new SweepFileError('name', raw['name'], nameAllowed, where);
    name = raw['name'];
  }

  let base: Record<string, unknown>;
  let configDir = baseDir;
  if (typeof raw['base'] === 'string') {
    const path = resolve(baseDir, raw['base']);
    const loaded = readStructuredFile(path, 'base config', 'SF_CONFIG_UNREADABLE');
    if (!isObject(loaded)) throw new SweepFileError('base', raw['base'], `the file ${path} must hold a config object`, where);
    base = loaded;
    configDir = dirname(path);
  } else if (isObject(raw['base'])) {
    base = clone(raw['base']);
  } else {
    throw new SweepFileError('base', raw['base'], 'allowed: a config object, or the path of a config file (JSON or YAML)', where);
  }
  // A relative Log-PE table path in a base file resolves against that file's folder.
  if (configDir !== baseDir && isObject(base['logPe']) && typeof base['logPe']['table'] === 'string') {
    base['logPe'] = { ...base['logPe'], table: resolve(configDir, base['logPe']['table']) };
  }

  const rawAxes = raw['axes'];
  if (!isObject(rawAxes) || Object.keys(rawAxes).length === 0) {
    throw new SweepFileError('axes', rawAxes, 'allowed: a non-empty map from config key (dotted for nested keys, e.g. "logPe.enabled") to a list of values', where);
  }
  const axes: SweepSpec['axes'] = [];
  for (const [key, values] of Object.entries(rawAxes)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(key)) {
      throw new SweepFileError(`axes.${key}`, key, 'allowed: a config key, dotted for nested keys (e.g. "grayPe.enabled")', where);
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new SweepFileError(`axes.${key}`, values, 'allowed: a non-empty list of values', where);
    }
    const seen = new Set<string>();
    for (const v of values) {
      const c = canonicalJson(v);
      if (seen.has(c)) throw new SweepFileError(`axes.${key}`, v, 'allowed: distinct values (this one is listed twice)', where);
      seen.add(c);
    }
    if (key === 'name') throw new SweepFileError(`axes.${key}`, values, 'the module-name prefix cannot be swept (every point keeps the base name)', where);
    checkConfigKey(base, key, values[0], `axes.${key}`, where);
    axes.push({ key, values: clone(values) });
  }
  // Axes on a key and on one inside it (grid and grid.rows) would overwrite each other.
  for (const a of axes) {
    for (const b of axes) {
      if (a !== b && b.key.startsWith(`${a.key}.`)) throw new SweepFileError(`axes.${b.key}`, b.key, `cannot be swept together with its parent "${a.key}"`, where);
    }
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_POINTS) throw new SweepFileError('axes', `${total} points`, `at most ${MAX_POINTS} points per sweep (split it into several files)`, where);

  const synth = parseSynth(raw['synth'], where);

  let verify = 0;
  if (raw['verify'] !== undefined) {
    const v = raw['verify'];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000) throw new SweepFileError('verify', v, 'allowed: an integer from 0 to 100000 (co-simulation vectors per point; 0: none)', where);
    verify = v;
  }

  const overrides: Override[] = [];
  if (raw['overrides'] !== undefined) {
    if (!Array.isArray(raw['overrides'])) throw new SweepFileError('overrides', raw['overrides'], 'allowed: a list of {when: {axis: value, ...}, synth: {timeout: S}}', where);
    raw['overrides'].forEach((o: unknown, i: number) => {
      const at = `overrides[${i}]`;
      if (!isObject(o)) throw new SweepFileError(at, o, 'allowed: {when: {axis: value, ...}, synth: {timeout: S}}', where);
      for (const k of Object.keys(o)) {
        if (k !== 'when' && k !== 'synth') throw new SweepFileError(`${at}.${k}`, o[k], 'unknown key; allowed keys here: when, synth', where);
      }
      if (!isObject(o['when'])) throw new SweepFileError(`${at}.when`, o['when'], 'allowed: a map from axis key to one of its values', where);
      for (const [k, v] of Object.entries(o['when'])) {
        const axis = axes.find((a) => a.key === k);
        if (!axis) throw new SweepFileError(`${at}.when.${k}`, k, `allowed: one of the axes (${axes.map((a) => a.key).join(', ')})`, where);
        if (!axis.values.some((x) => canonicalJson(x) === canonicalJson(v))) {
          throw new SweepFileError(`${at}.when.${k}`, v, `allowed: one of the values of axis ${k}: ${axis.values.map((x) => describeValue(x)).join(', ')}`, where);
        }
      }
      const s = o['synth'];
      if (!isObject(s)) throw new SweepFileError(`${at}.synth`, s, 'allowed: {timeout: S}', where);
      for (const k of Object.keys(s)) {
        if (k !== 'timeout') throw new SweepFileError(`${at}.synth.${k}`, s[k], 'unknown key; allowed keys here: timeout', where);
      }
      overrides.push({ when: clone(o['when']), synth: { timeout: s['timeout'] === undefined ? undefined : positiveNumber(s['timeout'], `${at}.synth.timeout`, where) } });
    });
  }

  // Timeouts are left out: a finished point stays valid when a limit changes.
  const definitionHash = shortHash({
    base,
    axes,
    synth: { ...synth, timeout: undefined },
    verify,
  });
  return { name, file: abs, baseDir: configDir, base, axes, synth, verify, overrides, definitionHash };
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
  if (!m || n < 1 || k < 1 || k > n) throw new SweepFileError('--shard', text, 'allowed: K/N with 1 ≤ K ≤ N (e.g. 2/4: the second of four slices)');
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
