/**
 * Configs for config fuzzing (docs/spec.md §8): valid ones come from each block's `fuzz`
 * face (src/blocks/<block>/fuzz.ts), which follows the block's documented cross-field rules;
 * invalid ones carry exactly one fault and the config key a correct error message must
 * name. The schema's ranges, enums and keys are read from the config schema itself, so a
 * new key is fuzzed without being listed here. Sizes are capped so that a generated design
 * builds and simulates in seconds.
 *
 * Everything here is plain JSON data (tables inline or as extra files), so a failing case
 * can be written out as a regression fixture and replayed.
 */
import * as fc from 'fast-check';
import { indexWidth } from '../base/bits.js';
import { configJsonSchema, type BlockName } from '../base/config.js';
import type { FuzzCaps, RawConfig } from '../blocks/types.js';
import { blocks } from '../design/registry.js';

export type { RawConfig };

export const BOUNDED_CAPS: FuzzCaps = { seqLen: 6, dim: 8, timesteps: 2, neurons: 6 };
export const LONG_CAPS: FuzzCaps = { seqLen: 16, dim: 70, timesteps: 4, neurons: 12 };

/** A config name: a legal, non-keyword SV identifier (the prefix rules out keywords). */
export const nameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).map((s) => `fz_${s}`);

/** Random valid configs of one block: its fuzz face plus a name. */
export function validConfigArb(top: BlockName, caps: FuzzCaps): fc.Arbitrary<RawConfig> {
  return fc.tuple(nameArb, blocks[top].fuzz(fc, caps)).map(([name, c]) => ({ top, name, ...c }));
}

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

interface SchemaNode {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

/** The schema's keys by kind, walked from the JSON Schema of the config (grid apart: it has its own faults). */
function schemaKeys() {
  const numeric: [string, number, number][] = [];
  const enums: [string, string[]][] = [];
  const bools: string[] = [];
  const objects: string[] = [];
  const known: Record<string, string[]> = {};
  const walk = (node: SchemaNode, at: string) => {
    known[at] = Object.keys(node.properties ?? {});
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      const key = at ? `${at}.${k}` : k;
      const alt = child.anyOf?.find((x) => x.type !== 'null') ?? child;
      if (alt.type === 'integer') numeric.push([key, alt.minimum!, alt.maximum!]);
      else if (alt.enum) enums.push([key, alt.enum]);
      else if (alt.type === 'boolean') bools.push(key);
      else if (alt.type === 'object' && k !== 'grid') {
        objects.push(key);
        walk(alt, key);
      } else if (alt.type === 'object') known[key] = Object.keys(alt.properties ?? {});
    }
  };
  walk(configJsonSchema() as SchemaNode, '');
  return { numeric, enums, bools, objects, known };
}

const SCHEMA = schemaKeys();
const NUMERIC_RANGES = SCHEMA.numeric.filter(([k]) => !k.startsWith('grid.'));
const ENUM_KEYS = SCHEMA.enums;
const BOOL_KEYS = SCHEMA.bools;
const OBJECT_KEYS = SCHEMA.objects;
const KNOWN_KEYS = SCHEMA.known;

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
      .tuple(fc.constantFrom('', ...OBJECT_KEYS), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,10}$/))
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
export function invalidConfigArb(tops: BlockName[], caps: FuzzCaps): fc.Arbitrary<InvalidCase> {
  return fc.constantFrom(...tops).chain((top) => validConfigArb(top, caps).chain((base) => fc.oneof(...faultsFor(base))));
}

