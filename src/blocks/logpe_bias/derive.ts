/**
 * Log-PE derived parameters (SPEC §2). The one place the table is validated, the bias
 * width is computed and the RTL implementation is resolved; the XNOR engine and the head
 * call deriveLogPe() and deriveLogPeLanes() instead of recomputing any of it.
 */
import { bitlen, clog2, indexWidth } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';
import { deriveGeometry, tokenDistance, type Geometry } from '../geometry.js';
import type { ResolvedConfig } from '../../base/config.js';
import { paperBias } from './model.js';

/** Largest table entry accepted: 16-bit biases are far beyond any trained model's. */
export const MAX_TABLE_VALUE = 65535;

export type LogPeImpl = 'logic' | 'distance-rom' | 'table-rom';

export interface LogPeGrid {
  rows: number;
  cols: number;
  /** max(1, clog2(R)), max(1, clog2(C)): widths of a row / column index and of |dr|, |dc|. */
  rowWidth: number;
  colWidth: number;
  /** bitlen(rowWidth), bitlen(colWidth): widths of the per-axis bit lengths the logic computes. */
  rowLenWidth: number;
  colLenWidth: number;
}

export interface LogPeDerived {
  /** Module-name prefix (config `name`). */
  name: string;
  geometry: Geometry;
  mode: 'paper' | 'table';
  /** Table mode: the validated N×N table (table[i][j]); null in paper mode. */
  table: number[][] | null;
  /** Where the table came from (a path, or "inline"), for messages and the manifest. */
  tableSource: string | null;
  grid: LogPeGrid | null;
  impl: LogPeImpl;
  /** The largest bias any (i, j) produces. */
  maxBias: number;
  /**
   * Width of every bias port: bitlen(maxBias) as SPEC §2 says, but at least 1 so that a
   * port never has width 0 (maxBias is 0 for N = 1, or for an all-zero table).
   */
  biasWidth: number;
  /** Width of a token index i or j: max(1, clog2(N)). */
  idxWidth: number;
  /** Whether bias(i, j) depends on |i − j| only (1-D) or on (|dr|, |dc|) only (grid). */
  distanceOnly: boolean;
}

/** Geometry of the `<name>_logpe_lanes` core for one lanes count (the XNOR engine's view). */
export interface LogPeLanes {
  /** Biases per clock: lane l gives bias(i, j0 + l). */
  lanes: number;
  /** Beats per query row: ceil(N / lanes); beat b covers keys b·lanes … b·lanes + lanes − 1. */
  beats: number;
  /** Width of qi_i and kj_i: max(1, clog2(N)). */
  idxWidth: number;
  /** Width of kb_i (the beat number j0 / lanes): max(1, clog2(beats)). */
  beatWidth: number;
  /** Width of one lane of bias_o; bias_o has lanes·biasWidth bits. */
  biasWidth: number;
  /** Lanes 0 … fullLanes − 1 are in range on every beat; the others only before the last beat. */
  fullLanes: number;
  /** Latency from the en_i edge that samples the inputs to bias_o: always 1 clock. */
  latency: 1;
  /** The ROM behind the lanes (null for the logic implementation). */
  rom: LogPeRom | null;
}

/**
 * A Log-PE ROM: `copies` identical-shape memories, one per lane (each lane reads its own
 * word every clock): the distance ROM (entry = bias at that distance, padded to a power
 * of two) or one table bank per lane (address i·beats + b holds bias(i, b·lanes + lane)).
 */
export interface LogPeRom {
  kind: 'distance' | 'table';
  depth: number;
  width: number;
  addrWidth: number;
  copies: number;
}

/** Checks the loaded table cell by cell; every error names its row and column. */
function validateTable(raw: unknown[][], n: number, source: string): number[][] {
  const from = source === 'inline' ? 'the inline table' : `the table file ${source}`;
  const shape = `allowed: an N×N array with N = seqLen = ${n} (${from})`;
  if (raw.length !== n) throw new ConfigError('logPe.table', source, `${shape}; it has ${raw.length} rows`);
  return raw.map((row, r) => {
    if (!Array.isArray(row)) throw new ConfigError('logPe.table', row, `${shape}; row ${r} is not an array`);
    if (row.length !== n) {
      throw new ConfigError('logPe.table', source, `${shape}; row ${r} has ${row.length} columns`);
    }
    return row.map((v, c) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TABLE_VALUE) {
        throw new ConfigError(
          'logPe.table',
          v,
          `row ${r} column ${c} of ${from}: allowed: an integer from 0 to ${MAX_TABLE_VALUE}`,
        );
      }
      return v;
    });
  });
}

/**
 * The first pair (i, j) whose entry differs from the entry at the same distance in row 0
 * (which holds every distance), or null when the table depends on the distance only.
 */
function firstNonDistanceCell(table: number[][], geometry: Geometry): { i: number; j: number; ref: number } | null {
  const n = geometry.seqLen;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const ref = tokenDistance(geometry, i, j).key;
      if (table[i]![j] !== table[0]![ref]) return { i, j, ref };
    }
  }
  return null;
}

function resolveImpl(
  cfg: ResolvedConfig,
  geometry: Geometry,
  table: number[][] | null,
): { impl: LogPeImpl; distanceOnly: boolean } {
  const asked = cfg.logPe.impl;
  if (!table) return { impl: asked === 'auto' ? 'logic' : asked, distanceOnly: true };
  const distance = geometry.grid ? '(|r_i − r_j|, |c_i − c_j|)' : '|i − j|';
  const odd = firstNonDistanceCell(table, geometry);
  if (asked === 'auto' || asked === 'table-rom') return { impl: 'table-rom', distanceOnly: odd === null };
  if (odd) {
    const { i, j, ref } = odd;
    throw new ConfigError(
      'logPe.impl',
      asked,
      `the table is not a function of ${distance}: row ${i} column ${j} holds ${table[i]![j]} but row 0 column ${ref}, ` +
        `at the same distance, holds ${table[0]![ref]}, so "${asked}" (which sees the distance only) cannot reproduce it; ` +
        'allowed: "table-rom" or "auto" for this table',
    );
  }
  if (asked === 'logic') {
    // The logic implementation computes the paper formula; a distance table that differs
    // from it anywhere needs the distance ROM.
    for (let i = 0; i < geometry.seqLen; i++) {
      for (let j = 0; j < geometry.seqLen; j++) {
        const f = paperBias(geometry, i, j);
        if (table[i]![j] !== f) {
          throw new ConfigError(
            'logPe.impl',
            asked,
            `"logic" computes the paper formula (SPEC §2), and the table differs from it at row ${i} column ${j} ` +
              `(table ${table[i]![j]}, formula ${f}); allowed for this table: "distance-rom", "table-rom" or "auto"`,
          );
        }
      }
    }
  }
  return { impl: asked, distanceOnly: true };
}

export function deriveLogPe(cfg: ResolvedConfig): LogPeDerived {
  const geometry = deriveGeometry(cfg);
  const n = geometry.seqLen;
  const { mode } = cfg.logPe;
  let table: number[][] | null = null;
  let tableSource: string | null = null;
  if (mode === 'table') {
    if (!cfg.logPe.table) {
      throw new ConfigError('logPe.table', null, 'mode "table" needs a table: a path to a JSON N×N array, or the array itself');
    }
    tableSource = cfg.logPe.tableSource ?? 'inline';
    table = validateTable(cfg.logPe.table, n, tableSource);
  }
  const { impl, distanceOnly } = resolveImpl(cfg, geometry, table);
  const grid = geometry.grid
    ? {
        ...geometry.grid,
        rowWidth: indexWidth(geometry.grid.rows),
        colWidth: indexWidth(geometry.grid.cols),
        rowLenWidth: bitlen(indexWidth(geometry.grid.rows)),
        colLenWidth: bitlen(indexWidth(geometry.grid.cols)),
      }
    : null;
  let maxBias: number;
  if (table) maxBias = Math.max(...table.map((row) => Math.max(...row)));
  else if (grid) maxBias = bitlen(grid.rows - 1) + bitlen(grid.cols - 1);
  else maxBias = bitlen(n - 1);
  return {
    name: cfg.name,
    geometry,
    mode,
    table,
    tableSource,
    grid,
    impl,
    maxBias,
    biasWidth: Math.max(1, bitlen(maxBias)),
    idxWidth: indexWidth(n),
    distanceOnly,
  };
}

/** The lanes core's widths for `lanes` biases per clock (1 ≤ lanes ≤ N). */
export function deriveLogPeLanes(l: LogPeDerived, lanes: number): LogPeLanes {
  const n = l.geometry.seqLen;
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > n) {
    throw new ConfigError('lanes', lanes, `allowed: an integer from 1 to seqLen = ${n} for the Log-PE lanes core`);
  }
  const beats = Math.ceil(n / lanes);
  let rom: LogPeRom | null = null;
  if (l.impl === 'distance-rom') {
    const depth = l.grid ? 2 ** (l.grid.rowWidth + l.grid.colWidth) : 2 ** l.idxWidth;
    rom = { kind: 'distance', depth, width: l.biasWidth, addrWidth: Math.max(1, clog2(depth)), copies: lanes };
  } else if (l.impl === 'table-rom') {
    const depth = n * beats;
    rom = { kind: 'table', depth, width: l.biasWidth, addrWidth: Math.max(1, clog2(depth)), copies: lanes };
  }
  return {
    lanes,
    beats,
    idxWidth: l.idxWidth,
    beatWidth: Math.max(1, clog2(beats)),
    biasWidth: l.biasWidth,
    fullLanes: n - (beats - 1) * lanes,
    latency: 1,
    rom,
  };
}
