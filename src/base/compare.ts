/** Element-by-element comparison of expected and computed outputs (vector-file form). */
import { describeValue } from './errors.js';

export interface Mismatch {
  key: string;
  /** Index path inside the key's value, e.g. [1, 3, 7] for scores[1][3][7]. */
  index: number[];
  expected: unknown;
  got: unknown;
}

function firstDifference(expected: unknown, got: unknown, index: number[]): Mismatch | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return { key: '', index, expected, got };
    for (let i = 0; i < Math.max(expected.length, got.length); i++) {
      if (i >= expected.length || i >= got.length) return { key: '', index: [...index, i], expected: expected[i], got: got[i] };
      const m = firstDifference(expected[i], got[i], [...index, i]);
      if (m) return m;
    }
    return null;
  }
  const norm = (v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? v.toLowerCase() : v);
  const e = norm(expected);
  const g = norm(got);
  // Integers may be written as numbers or decimal strings (past 2^53).
  return String(e) === String(g) && (typeof e === typeof g || typeof e !== 'object') ? null : { key: '', index, expected, got };
}

/** The first mismatch over the keys of `expected` (absent keys are not checked, SPEC §7). */
export function firstMismatch(expected: Record<string, unknown>, got: Record<string, unknown>): Mismatch | null {
  for (const key of Object.keys(expected)) {
    if (!(key in got)) return { key, index: [], expected: expected[key], got: undefined };
    const m = firstDifference(expected[key], got[key], []);
    if (m) return { ...m, key };
  }
  return null;
}

export function formatMismatch(caseName: string, m: Mismatch): string {
  return `case "${caseName}": ${m.key}${m.index.map((i) => `[${i}]`).join('')}: expected ${describeValue(m.expected)}, got ${describeValue(m.got)}`;
}
