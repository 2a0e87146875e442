/** Random valid logpe_bias configs, and the Log-PE settings the engine and the head reuse. */
import type * as FastCheck from 'fast-check';
import { geometryArb, tokenDistance, type Geometry } from '../geometry.js';
import type { FuzzArbitrary } from '../types.js';

type Grid = { rows: number; cols: number } | null;

/** A Log-PE table: random, or a function of the distance (|i − j|, or per axis on a grid). */
function tableArb(fc: typeof FastCheck, g: Geometry) {
  const n = g.seqLen;
  return fc.oneof(
    fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2 * n, maxLength: 2 * n }).map((byDistance) =>
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => byDistance[tokenDistance(g, i, j).key % byDistance.length]!)),
    ),
  );
}

function isDistanceTable(t: number[][], g: Geometry): boolean {
  const n = t.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (t[i]![j] !== t[0]![tokenDistance(g, i, j).key]) return false;
  return true;
}

/** logPe settings valid for this geometry (the implementation must be able to hold the table). */
export function logPeArb(fc: typeof FastCheck, seqLen: number, grid: Grid, enabled: FastCheck.Arbitrary<boolean>) {
  const g: Geometry = { seqLen, timesteps: 1, grid };
  return fc.oneof(
    fc.record({ enabled, mode: fc.constant('paper'), table: fc.constant(null as number[][] | null), impl: fc.constantFrom('auto', 'logic', 'distance-rom') }),
    fc.tuple(enabled, tableArb(fc, g), fc.constantFrom('auto', 'table-rom', 'distance-rom')).map(([on, table, impl]) => ({
      enabled: on,
      mode: 'table',
      table: table as number[][] | null,
      impl: impl === 'distance-rom' && !isDistanceTable(table, g) ? 'table-rom' : impl,
    })),
  );
}

export const logPeBiasFuzz: FuzzArbitrary = (fc, caps) =>
  geometryArb(fc, caps).chain((g) => logPeArb(fc, g.seqLen, g.grid, fc.boolean()).map((logPe) => ({ ...g, logPe })));
