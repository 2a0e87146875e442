/**
 * fast-check arbitraries of configs (SPEC §8): valid ones per block, and invalid ones that
 * carry exactly one fault and the config key a correct error message must name.
 *
 * Valid configs follow SPEC's rules and the blocks' documented cross-field rules (grid =
 * seqLen, Gray bits at least the minimum, soft reset with vReset 0, lanes a divisor of
 * neurons for the LIF array, Log-PE implementations that fit the table). Sizes are capped
 * so that a generated design builds and simulates in seconds.
 *
 * Everything here is plain JSON data (tables inline or as extra files), so a failing case
 * can be written out as a regression fixture and replayed.
 */
import fc from 'fast-check';
import type { BlockName } from '../core/config.js';

export type RawConfig = Record<string, unknown>;

export interface Caps {
  /** Largest seqLen (N); grids up to this many tokens. */
  seqLen: number;
  dim: number;
  timesteps: number;
  neurons: number;
}

export const BOUNDED_CAPS: Caps = { seqLen: 6, dim: 8, timesteps: 2, neurons: 6 };
export const LONG_CAPS: Caps = { seqLen: 16, dim: 70, timesteps: 4, neurons: 12 };

const clog2 = (x: number) => (x <= 1 ? 0 : Math.ceil(Math.log2(x)));
const indexWidth = (x: number) => Math.max(1, clog2(x));

/** A config name: a legal, non-keyword SV identifier (the prefix rules out keywords). */
export const nameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).map((s) => `fz_${s}`);

/** N tokens: a 1-D length or an R×C grid with R·C = N. */
const geometryArb = (caps: Caps, gridAllowed = true) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: caps.seqLen }).map((seqLen) => ({ seqLen, grid: null as null | { rows: number; cols: number } })) },
    {
      weight: gridAllowed ? 1 : 0,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: caps.seqLen }), fc.integer({ min: 1, max: caps.seqLen }))
        .filter(([r, c]) => r * c <= caps.seqLen)
        .map(([rows, cols]) => ({ seqLen: rows * cols, grid: { rows, cols } as null | { rows: number; cols: number } })),
    },
  );

/** grayPe settings valid for this geometry. */
const grayPeArb = (seqLen: number, timesteps: number, grid: boolean, enabled: fc.Arbitrary<boolean>) =>
  fc
    .record({
      enabled,
      position: grid ? fc.constant('token') : fc.constantFrom('token', 'timestep-token'),
      impl: fc.constantFrom('logic', 'rom'),
      extra: fc.integer({ min: 0, max: 3 }),
      explicit: grid ? fc.constant(false) : fc.boolean(),
    })
    .map(({ enabled: on, position, impl, extra, explicit }) => {
      const positions = position === 'token' ? seqLen : seqLen * timesteps;
      const bits = explicit ? Math.min(32, indexWidth(positions) + extra) : null;
      return { enabled: on, bits, position, impl };
    });

/** A Log-PE table: random, or a function of distance (|i−j|, or per axis on a grid). */
const tableArb = (seqLen: number, grid: { rows: number; cols: number } | null) =>
  fc.oneof(
    fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: seqLen, maxLength: seqLen }), { minLength: seqLen, maxLength: seqLen }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2 * seqLen, maxLength: 2 * seqLen }).map((byDistance) =>
      Array.from({ length: seqLen }, (_, i) =>
        Array.from({ length: seqLen }, (_, j) => {
          if (!grid) return byDistance[Math.abs(i - j)]!;
          const dr = Math.abs(Math.floor(i / grid.cols) - Math.floor(j / grid.cols));
          const dc = Math.abs((i % grid.cols) - (j % grid.cols));
          return byDistance[(dr * grid.cols + dc) % byDistance.length]!;
        }),
      ),
    ),
  );

function isDistanceTable(t: number[][], grid: { rows: number; cols: number } | null): boolean {
  const n = t.length;
  const key = (i: number, j: number) =>
    grid ? `${Math.abs(Math.floor(i / grid.cols) - Math.floor(j / grid.cols))},${Math.abs((i % grid.cols) - (j % grid.cols))}` : `${Math.abs(i - j)}`;
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = key(i, j);
      if (seen.has(k) && seen.get(k) !== t[i]![j]) return false;
      seen.set(k, t[i]![j]!);
    }
  }
  return true;
}

/** logPe settings valid for this geometry (the implementation must be able to hold the table). */
const logPeArb = (seqLen: number, grid: { rows: number; cols: number } | null, enabled: fc.Arbitrary<boolean>) =>
  fc.oneof(
    fc.record({ enabled, mode: fc.constant('paper'), table: fc.constant(null), impl: fc.constantFrom('auto', 'logic', 'distance-rom') }),
    fc.tuple(enabled, tableArb(seqLen, grid), fc.constantFrom('auto', 'table-rom', 'distance-rom')).map(([on, table, impl]) => ({
      enabled: on,
      mode: 'table',
      table,
      impl: impl === 'distance-rom' && !isDistanceTable(table, grid) ? 'table-rom' : impl,
    })),
  );

function grayRomArb(caps: Caps): fc.Arbitrary<RawConfig> {
  return fc
    .tuple(nameArb, geometryArb(caps), fc.integer({ min: 1, max: caps.timesteps }))
    .chain(([name, g, timesteps]) =>
      grayPeArb(g.seqLen, timesteps, g.grid !== null, fc.boolean()).map((grayPe) => ({ top: 'gray_rom', name, ...g, timesteps, grayPe })),
    );
}

function logPeBiasArb(caps: Caps): fc.Arbitrary<RawConfig> {
  return fc
    .tuple(nameArb, geometryArb(caps))
    .chain(([name, g]) => logPeArb(g.seqLen, g.grid, fc.boolean()).map((logPe) => ({ top: 'logpe_bias', name, ...g, logPe })));
}

function xnorArb(caps: Caps): fc.Arbitrary<RawConfig> {
  return fc
    .tuple(
      nameArb,
      geometryArb(caps),
      fc.integer({ min: 1, max: caps.dim }),
      fc.integer({ min: 1, max: caps.timesteps }),
      fc.constantFrom('xnor', 'and'),
      fc.constantFrom('auto', 'loop', 'carry-tree', 'gpc63'),
      fc.constantFrom('ice40', 'lut6'),
    )
    .chain(([name, g, dim, timesteps, similarity, popcount, target]) =>
      fc
        .tuple(fc.integer({ min: 1, max: g.seqLen }), grayPeArb(g.seqLen, timesteps, g.grid !== null, fc.boolean()), logPeArb(g.seqLen, g.grid, fc.boolean()))
        .map(([lanes, grayPe, logPe]) => ({ top: 'xnor_attention', name, ...g, dim, timesteps, similarity, lanes, grayPe, logPe, popcount, target })),
    );
}

/** LIF parameters: thresholds both dyadic and not, both resets, F and W explicit or default. */
const lifArb = (forHead: boolean) =>
  fc
    .record({
      tauLog2: fc.integer({ min: 0, max: 3 }),
      decayInput: fc.boolean(),
      threshold: fc.constantFrom(0.5, 1, 0.25, 0.3, 1.75, 2, 3.1),
      reset: fc.constantFrom('hard', 'soft'),
      vReset: fc.constantFrom(0, 0, -0.5, 0.25),
      fracBits: fc.option(fc.integer({ min: 4, max: 16 }), { nil: null }),
      width: fc.option(fc.integer({ min: 26, max: 44 }), { nil: null }),
      inputWidth: fc.integer({ min: 2, max: 20 }),
    })
    .map((l) => {
      const lif: RawConfig = { ...l, vReset: l.reset === 'soft' ? 0 : l.vReset };
      if (forHead) delete lif['inputWidth'];
      return lif;
    });

function lifArrayArb(caps: Caps): fc.Arbitrary<RawConfig> {
  return fc
    .tuple(nameArb, fc.integer({ min: 1, max: caps.neurons }), fc.integer({ min: 1, max: caps.timesteps }), lifArb(false))
    .chain(([name, neurons, timesteps, lif]) => {
      const divisors = Array.from({ length: neurons }, (_, i) => i + 1).filter((d) => neurons % d === 0);
      return fc.constantFrom(...divisors).map((lanes) => ({ top: 'lif_array', name, neurons, lanes, timesteps, lif }));
    });
}

function ssaHeadArb(caps: Caps): fc.Arbitrary<RawConfig> {
  return fc
    .tuple(
      nameArb,
      geometryArb(caps),
      fc.integer({ min: 1, max: Math.min(caps.dim, 16) }),
      fc.integer({ min: 1, max: caps.timesteps }),
      fc.constantFrom('xnor', 'and'),
      fc.constantFrom(1, 0.5, 0.25, 0.125, 0.3),
      lifArb(true),
    )
    .chain(([name, g, dim, timesteps, similarity, scale, lif]) =>
      fc
        .tuple(
          fc.integer({ min: 1, max: g.seqLen }),
          grayPeArb(g.seqLen, timesteps, g.grid !== null, fc.boolean()),
          logPeArb(g.seqLen, g.grid, fc.boolean()),
          fc.integer({ min: 1, max: 2 }),
        )
        .map(([lanes, grayPe, logPe, heads]) => {
          // Vr' = vReset / scale must be a multiple of 2^-F (SPEC §6, §5): with a scale that is
          // not a power of two only vReset = 0 is valid.
          const dyadic = Number.isInteger(Math.log2(scale));
          const l = dyadic ? lif : { ...lif, vReset: 0 };
          return { top: 'ssa_head', name, ...g, dim, timesteps, similarity, lanes, grayPe, logPe, scale, heads, lif: l };
        }),
    );
}

export const VALID_ARBITRARIES: Record<BlockName, (caps: Caps) => fc.Arbitrary<RawConfig>> = {
  gray_rom: grayRomArb,
  logpe_bias: logPeBiasArb,
  xnor_attention: xnorArb,
  lif_array: lifArrayArb,
  ssa_head: ssaHeadArb,
};

// ---------------------------------------------------------------------------------------
// Invalid configs: a valid config plus one fault.

export interface InvalidCase {
  /** What kind of fault (for the statistics). */
  kind: string;
  config: unknown;
  /** Extra files next to the config (Log-PE tables), by file name. */
  files: Record<string, string>;
  /** The config key the error must name (`config key "<key>"`), or null when `message` says it. */
  key: string | null;
  /** A regular-expression source the message must match when there is no key (unreadable files). */
  message: string | null;
  /** How the config file is written: JSON normally, or raw text (a syntax error). */
  raw: string | null;
}

const NUMERIC_RANGES: [string, number, number][] = [
  ['seqLen', 1, 4096],
  ['dim', 1, 4096],
  ['timesteps', 1, 1024],
  ['lanes', 1, 4096],
  ['neurons', 1, 65536],
  ['heads', 1, 64],
  ['grayPe.bits', 1, 32],
  ['lif.tauLog2', 0, 16],
  ['lif.fracBits', 0, 64],
  ['lif.width', 2, 128],
  ['lif.inputWidth', 2, 64],
];
const ENUM_KEYS: [string, string[]][] = [
  ['similarity', ['xnor', 'and']],
  ['grayPe.position', ['token', 'timestep-token']],
  ['grayPe.impl', ['logic', 'rom']],
  ['logPe.mode', ['paper', 'table']],
  ['logPe.impl', ['auto', 'logic', 'distance-rom', 'table-rom']],
  ['lif.reset', ['hard', 'soft']],
  ['target', ['ice40', 'lut6']],
  ['popcount', ['auto', 'loop', 'carry-tree', 'gpc63']],
  ['top', ['gray_rom', 'logpe_bias', 'xnor_attention', 'lif_array', 'ssa_head']],
];
const BOOL_KEYS = ['grayPe.enabled', 'logPe.enabled', 'lif.decayInput'];
const OBJECT_KEYS = ['grayPe', 'logPe', 'lif'];
const KNOWN_KEYS: Record<string, string[]> = {
  '': ['top', 'name', 'seqLen', 'dim', 'timesteps', 'grid', 'similarity', 'grayPe', 'logPe', 'lanes', 'neurons', 'lif', 'scale', 'target', 'popcount', 'heads'],
  grayPe: ['enabled', 'bits', 'position', 'impl'],
  logPe: ['enabled', 'mode', 'table', 'impl'],
  lif: ['tauLog2', 'decayInput', 'threshold', 'reset', 'vReset', 'fracBits', 'width', 'inputWidth'],
  grid: ['rows', 'cols'],
};

function clone(c: RawConfig): RawConfig {
  return JSON.parse(JSON.stringify(c)) as RawConfig;
}

/** Sets a dotted key, creating the parent object when the valid config left it out. */
function setKey(c: RawConfig, key: string, value: unknown): RawConfig {
  const out = clone(c);
  const parts = key.split('.');
  let o = out as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    if (o[p] === null || typeof o[p] !== 'object' || Array.isArray(o[p])) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = value;
  return out;
}

const invalid = (kind: string, config: unknown, key: string | null, extra: Partial<InvalidCase> = {}): InvalidCase => ({
  kind,
  config,
  files: {},
  key,
  message: null,
  raw: null,
  ...extra,
});

/** Whether a top reads the geometry / Gray-PE / Log-PE table (others ignore those keys, SPEC §8). */
const usesGeometry = (top: string) => top !== 'lif_array';
const usesGray = (c: RawConfig) => c['top'] === 'gray_rom' || ((c['top'] === 'xnor_attention' || c['top'] === 'ssa_head') && (c['grayPe'] as RawConfig | undefined)?.['enabled'] === true);
const readsTable = (c: RawConfig) => c['top'] === 'logpe_bias' || ((c['top'] === 'xnor_attention' || c['top'] === 'ssa_head') && (c['logPe'] as RawConfig | undefined)?.['enabled'] === true);

/** One fault applied to a valid config. */
function faultsFor(base: RawConfig): fc.Arbitrary<InvalidCase>[] {
  const top = String(base['top']);
  const n = Number(base['seqLen'] ?? 1);
  const out: fc.Arbitrary<InvalidCase>[] = [
    // Out of range (schema ranges apply whatever the top).
    fc
      .tuple(fc.constantFrom(...NUMERIC_RANGES), fc.constantFrom('below', 'above', 'fraction', 'huge', 'negative'))
      .map(([[key, min, max], how]) => {
        const v = how === 'below' ? min - 1 : how === 'above' ? max + 1 : how === 'fraction' ? min + 0.5 : how === 'huge' ? 1e20 : -7;
        return invalid('out-of-range', setKey(base, key, v), key);
      }),
    fc.constantFrom('scale', 'lif.threshold').chain((key) =>
      fc.constantFrom(0, -1, -0.001).map((v) => invalid('out-of-range', setKey(base, key, v), key)),
    ),
    // Wrong types.
    fc
      .tuple(fc.constantFrom(...NUMERIC_RANGES.map(([k]) => k), 'scale', 'lif.threshold', 'lif.vReset'), fc.constantFrom<unknown>('12', true, [3], { v: 1 }))
      .map(([key, v]) => invalid('wrong-type', setKey(base, key, v), key)),
    fc
      .tuple(fc.constantFrom(...ENUM_KEYS), fc.constantFrom<unknown>(1, true, null, 'XNOR', '', ['xnor']))
      .map(([[key], v]) => invalid('wrong-type', setKey(base, key, v), key)),
    fc.tuple(fc.constantFrom(...BOOL_KEYS), fc.constantFrom<unknown>('yes', 1, 0, 'true', null)).map(([key, v]) => invalid('wrong-type', setKey(base, key, v), key)),
    fc.tuple(fc.constantFrom(...OBJECT_KEYS), fc.constantFrom<unknown>(1, 'on', [1], true)).map(([key, v]) => invalid('wrong-type', setKey(base, key, v), key)),
    fc.constantFrom<unknown>(4, 'grid', [2, 2], true).map((v) => invalid('wrong-type', setKey(base, 'grid', v), 'grid')),
    // Unknown keys, at the root or inside an object.
    fc
      .tuple(fc.constantFrom('', 'grayPe', 'logPe', 'lif'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,10}$/))
      .filter(([at, k]) => !KNOWN_KEYS[at]!.includes(k) && !['__proto__', 'constructor', 'prototype'].includes(k))
      .map(([at, k]) => invalid('unknown-key', setKey(base, at ? `${at}.${k}` : k, 1), at ? `${at}.${k}` : k)),
    // Bad names.
    fc
      .constantFrom<unknown>('', '1abc', 'a-b', 'a b', 'module', 'endmodule', 'x'.repeat(41), 'naïve', 5, null, ['a'])
      .map((v) => invalid('bad-name', setKey(base, 'name', v), 'name')),
    // Not an object at all.
    fc.constantFrom<unknown>([], 'gray_rom', 12, null).map((v) => invalid('not-an-object', v, '(config)')),
    // An unknown top.
    fc.constantFrom('ssa', 'grayrom', 'SSA_HEAD').map((v) => invalid('unknown-top', setKey(base, 'top', v), 'top')),
    // A config file that is not JSON at all.
    fc.constantFrom('{"top": "gray_rom",', '{top: gray_rom}', '').map((raw) => invalid('unreadable-config', null, null, { raw, message: 'is not valid JSON' })),
  ];
  if (usesGeometry(top)) {
    out.push(
      fc
        .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
        .filter(([r, c]) => r * c !== n)
        .map(([rows, cols]) => invalid('inconsistent-grid', setKey(base, 'grid', { rows, cols }), 'grid')),
      fc.constant(invalid('missing-key', (({ seqLen: _, ...rest }) => rest)(base), 'seqLen')),
    );
  }
  if (top === 'xnor_attention' || top === 'ssa_head') {
    out.push(
      fc.constant(invalid('missing-key', (({ dim: _, ...rest }) => rest)(base), 'dim')),
      fc.integer({ min: n + 1, max: n + 9 }).map((lanes) => invalid('out-of-range', setKey(base, 'lanes', lanes), 'lanes')),
    );
  }
  if (top === 'lif_array') {
    const neurons = Number(base['neurons']);
    const bad = Array.from({ length: neurons + 3 }, (_, i) => i + 1).filter((d) => d > neurons || neurons % d !== 0);
    out.push(
      fc.constantFrom(...bad).map((lanes) => invalid('out-of-range', setKey(base, 'lanes', lanes), 'lanes')),
      fc.constantFrom(0.5, -0.25).map((v) => invalid('inconsistent-lif', setKey(setKey(base, 'lif.reset', 'soft'), 'lif.vReset', v), 'lif.vReset')),
      fc.constant(invalid('inconsistent-lif', setKey(setKey(setKey(base, 'lif.reset', 'hard'), 'lif.fracBits', 4), 'lif.vReset', 1 / 64), 'lif.vReset')),
      fc.constant(invalid('inconsistent-lif', setKey(setKey(setKey(base, 'lif.threshold', 100), 'lif.fracBits', 8), 'lif.width', 8), 'lif.width')),
    );
  }
  if (usesGray(base)) {
    const g = (base['grayPe'] ?? {}) as RawConfig;
    const positions = g['position'] === 'timestep-token' ? n * Number(base['timesteps'] ?? 1) : n;
    if (!base['grid'] && indexWidth(positions) > 1) {
      out.push(fc.integer({ min: 1, max: indexWidth(positions) - 1 }).map((bits) => invalid('gray-bits-below-minimum', setKey(base, 'grayPe.bits', bits), 'grayPe.bits')));
    }
    if (base['grid']) {
      out.push(
        fc.integer({ min: 2, max: 12 }).map((bits) => invalid('grid-with-bits', setKey(base, 'grayPe.bits', bits), 'grayPe.bits')),
        fc.constant(invalid('grid-with-timestep-token', setKey(base, 'grayPe.position', 'timestep-token'), 'grayPe.position')),
      );
    }
  }
  if (readsTable(base)) {
    const table = (rows: unknown) => setKey(setKey(setKey(base, 'logPe.mode', 'table'), 'logPe.impl', 'auto'), 'logPe.table', rows);
    const square = (v: number) => Array.from({ length: n }, () => Array.from({ length: n }, () => v));
    out.push(
      fc.constant(invalid('unreadable-table', table('missing-table.json'), 'logPe.table')),
      fc.constantFrom('[[1, 2],', 'not json', '').map((text) => invalid('unreadable-table', table('table.json'), 'logPe.table', { files: { 'table.json': text } })),
      fc.constant(invalid('table-shape', table('table.json'), 'logPe.table', { files: { 'table.json': JSON.stringify(square(1).slice(1)) } })),
      fc.constant(invalid('table-shape', table('table.json'), 'logPe.table', { files: { 'table.json': JSON.stringify(square(1).map((r) => [...r, 1])) } })),
      fc.constant(invalid('table-shape', table('table.json'), 'logPe.table', { files: { 'table.json': JSON.stringify({ rows: square(1) }) } })),
      fc.constantFrom<unknown>(-1, 1.5, '2', null).map((v) => {
        const t = square(1) as unknown[][];
        t[n - 1]![n - 1] = v;
        return invalid('table-entry', table(t), 'logPe.table');
      }),
      fc.constant(invalid('table-missing', setKey(setKey(base, 'logPe.mode', 'table'), 'logPe.table', null), 'logPe.table')),
    );
    if (n >= 3) {
      // A table that is not the paper formula cannot be built by "logic".
      const odd = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i * 3 + j) % 5));
      out.push(fc.constant(invalid('impl-cannot-hold-table', setKey(setKey(setKey(base, 'logPe.mode', 'table'), 'logPe.table', odd), 'logPe.impl', 'logic'), 'logPe.impl')));
    }
  }
  return out;
}

/** Invalid configs for the given tops: a valid config of one of them with one fault. */
export function invalidConfigArb(tops: BlockName[], caps: Caps): fc.Arbitrary<InvalidCase> {
  return fc.constantFrom(...tops).chain((top) => VALID_ARBITRARIES[top](caps).chain((base) => fc.oneof(...faultsFor(base))));
}

