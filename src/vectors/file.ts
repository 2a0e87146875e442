/**
 * Vector files (`spikeforge.vectors.v1`, SPEC §7): reading, checking against the golden
 * model and the RTL, and filling in `expected` (`golden`).
 */
import { dirname, resolve } from 'node:path';
import type { StimulusCase } from '../../testbenches/types.js';
import { describeValue, InputFileError } from '../base/errors.js';
import { generateDesign, type Design } from '../design/design.js';
import { readStructuredFile, resolveConfigWithWarnings } from '../io/config-file.js';
import { firstMismatch, type Mismatch } from '../base/compare.js';

export const VECTOR_FORMAT = 'spikeforge.vectors.v1';

export interface VectorCase {
  name: string;
  inputs: unknown;
  expected: Record<string, unknown> | null;
  raw: Record<string, unknown>;
}

export interface VectorFile {
  path: string;
  raw: Record<string, unknown>;
  design: Design;
  cases: VectorCase[];
  /** Messages for the user: the migration of a config in an older format (SPEC §8). */
  warnings: string[];
}

function bad(path: string, what: string): never {
  throw new InputFileError('SF_VECTORS_INVALID', `${path}: ${what}`);
}

export function loadVectorFile(path: string): VectorFile {
  const raw = readStructuredFile(path, 'vector file', 'SF_VECTORS_INVALID');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad(path, 'must be a JSON object with format, config and cases');
  const file = raw as Record<string, unknown>;
  if (file['format'] !== VECTOR_FORMAT) bad(path, `"format" must be "${VECTOR_FORMAT}" (got ${JSON.stringify(file['format'])})`);
  const loaded = resolveConfigWithWarnings(file['config'], dirname(resolve(path)), `${path}: config`);
  const design = generateDesign(loaded.config);
  if (!Array.isArray(file['cases'])) bad(path, '"cases" must be an array');
  const names = new Set<string>();
  const cases = (file['cases'] as unknown[]).map((c, i): VectorCase => {
    const where = `${path}: cases[${i}]`;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) bad(where, 'must be an object with name, inputs and expected');
    const rc = c as Record<string, unknown>;
    const name = typeof rc['name'] === 'string' ? rc['name'] : bad(where, '"name" must be a string');
    if (names.has(name)) bad(where, `duplicate case name "${name}"`);
    names.add(name);
    const inputs = design.block.vectors.inputs(design.derived, rc['inputs'], `${where} ("${name}"): inputs`);
    const exp = rc['expected'];
    if (exp !== undefined && (exp === null || typeof exp !== 'object' || Array.isArray(exp))) bad(where, '"expected" must be an object');
    return { name, inputs, expected: (exp as Record<string, unknown> | undefined) ?? null, raw: rc };
  });
  return { path, raw: file, design, cases, warnings: loaded.warning ? [loaded.warning] : [] };
}

/** The model's outputs for every case, in vector-file form. */
export function modelOutputs(vf: VectorFile): Record<string, unknown>[] {
  const { block, derived } = vf.design;
  return vf.cases.map((c) => block.vectors.outputs(derived, c.inputs, block.model(derived, c.inputs)));
}

export interface CaseMismatch {
  source: 'model' | 'rtl';
  caseName: string;
  mismatch: Mismatch;
}

/** First case whose present expected values differ from `got` (keys absent from expected are skipped). */
export function firstCaseMismatch(vf: VectorFile, got: Record<string, unknown>[], source: 'model' | 'rtl'): CaseMismatch | null {
  for (let i = 0; i < vf.cases.length; i++) {
    const c = vf.cases[i]!;
    if (!c.expected) continue;
    // Only the keys the block produces can be checked; an unknown key is a file error.
    for (const key of Object.keys(c.expected)) {
      if (!(key in got[i]!)) bad(`${vf.path}: case "${c.name}"`, `expected key "${key}" is not an output of ${vf.design.config.top} (outputs: ${Object.keys(got[i]!).join(', ')})`);
    }
    const m = firstMismatch(c.expected, got[i]!);
    if (m) return { source, caseName: c.name, mismatch: m };
  }
  return null;
}

type Leaf = 'number' | 'string';

function leafOf(v: unknown): Leaf {
  return typeof v === 'string' && !/^-?\d+$/.test(v) ? 'string' : 'number';
}

/** `4 × 20 numbers`, `a number`: the shape of a value of the block's output. */
export function describeShape(v: unknown): string {
  const dims: number[] = [];
  let at = v;
  while (Array.isArray(at)) {
    dims.push(at.length);
    at = at[0];
  }
  const leaf = leafOf(at);
  if (!dims.length) return leaf === 'number' ? 'a number' : 'a string';
  return dims.includes(0) ? `${dims.join(' × ')} (empty)` : `${dims.join(' × ')} ${leaf === 'number' ? 'numbers' : 'strings'}`;
}

/** Where an expected value's shape first departs from the model's output, or null. */
function shapeProblem(expected: unknown, model: unknown, index: number[]): { index: number[]; what: string; got: unknown } | null {
  if (Array.isArray(model)) {
    if (!Array.isArray(expected)) return { index, what: `must be an array of ${model.length} values`, got: expected };
    if (expected.length !== model.length) return { index, what: `must have ${model.length} entries, has ${expected.length}`, got: expected };
    for (let i = 0; i < model.length; i++) {
      const p = shapeProblem(expected[i], model[i], [...index, i]);
      if (p) return p;
    }
    return null;
  }
  const leaf = leafOf(model);
  const ok = leaf === 'number' ? (typeof expected === 'number' && Number.isFinite(expected)) || (typeof expected === 'string' && /^-?\d+$/.test(expected)) : typeof expected === 'string';
  return ok ? null : { index, what: leaf === 'number' ? 'must be a number (an integer, or a decimal string past 2^53)' : 'must be a string', got: expected };
}

/**
 * Checks every case's `expected` against the shape of the model's outputs (its keys, array
 * lengths and value types) before anything is compared: a malformed expected value is a
 * file error (exit 2) naming the case, the key and the shape, not a mismatch (exit 1).
 */
export function checkExpectedShapes(vf: VectorFile, model: Record<string, unknown>[]): void {
  vf.cases.forEach((c, i) => {
    if (!c.expected) return;
    const out = model[i]!;
    const where = `${vf.path}: cases[${i}] ("${c.name}")`;
    for (const [key, value] of Object.entries(c.expected)) {
      if (!(key in out)) bad(`${vf.path}: case "${c.name}"`, `expected key "${key}" is not an output of ${vf.design.config.top} (outputs: ${Object.keys(out).join(', ')})`);
      const p = shapeProblem(value, out[key], []);
      if (p) {
        bad(
          where,
          `expected.${key}${p.index.map((k) => `[${k}]`).join('')}: ${p.what} (got ${describeValue(p.got)}); ` +
            `expected.${key} has the shape of the block's output ${key}: ${describeShape(out[key])}`,
        );
      }
    }
  });
}

export function countExpectedValues(vf: VectorFile): number {
  const count = (v: unknown): number => (Array.isArray(v) ? v.reduce((n: number, x) => n + count(x), 0) : 1);
  return vf.cases.reduce((n, c) => n + (c.expected ? Object.values(c.expected).reduce((m: number, v) => m + count(v), 0) : 0), 0);
}

export function asStimulus(vf: VectorFile): StimulusCase<unknown>[] {
  return vf.cases.map((c) => ({ name: c.name, inputs: c.inputs }));
}

/** The file with `expected` filled by the model (inputs and config kept as written). */
export function withGoldenExpected(vf: VectorFile): Record<string, unknown> {
  const outputs = modelOutputs(vf);
  return {
    ...vf.raw,
    cases: vf.cases.map((c, i) => ({ ...c.raw, expected: outputs[i] })),
  };
}
