/**
 * Spiking self-attention head derived parameters (SPEC §6). Composed from the blocks'
 * own derive(): the XNOR engine's widths (deriveXnor), the LIF array's (deriveLifCore with
 * the scale folded into threshold and reset value). Only the A·V widths are new here.
 */
import { deriveBoard, type BoardDerived } from './board.js';
import { bitlen, clog2, indexWidth } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';
import { deriveLifCore, foldStorage, type LifDerived } from '../lif_array/derive.js';
import { deriveXnor, engineCycles, type XnorDerived } from '../xnor_attention/derive.js';
import type { ResolvedConfig } from '../../base/config.js';

/** How the head is folded (config `fold`; docs/ssa_head.md, folded heads). */
export interface SsaFold {
  /** F: heads per engine, one after the other. */
  headsPerEngine: number;
  /** E = heads / F: engines side by side, in lock-step. */
  engines: number;
  /** Where the N·D membranes of an engine live (after degenerate cases, see lif.storage). */
  membranes: 'registers' | 'memory';
  /** L: neurons updated per clock; G = D / L clocks per O row. */
  neuronLanes: number;
  groupsPerRow: number;
  /** Membrane memory kind when membranes are in memory. */
  memory: 'bram' | 'spram';
}

export interface SsaDerived {
  name: string;
  /** Attention heads; each works on its own D bits of a D·heads-wide row. */
  heads: number;
  /** D per head, and the full row width D·heads (vector files, the golden model). */
  dim: number;
  width: number;
  /** The folding, and the width of a beat on the top's ports: D·E (E engines). */
  fold: SsaFold;
  portWidth: number;
  seqLen: number;
  timesteps: number;
  scale: number;
  /** The score engine of one head (every head is the same hardware). */
  xnor: XnorDerived;
  /** The N·D attention neurons of one head, D per beat (one O row). */
  lif: LifDerived;
  /** O_t[i][c] ≤ N·S_max: OW = bitlen(N·S_max) (SPEC §4). */
  oMax: number;
  oWidth: number;
  /** Width of one beat's contribution per feature: bitlen(lanes·S_max) ≤ OW. */
  sumWidth: number;
  /** V buffer rows per bank: beats·lanes ≥ N, so key index + lane never leaves a bank. */
  rowsPad: number;
  /**
   * The V buffer: one RAM per lane (lane l holds rows l, l + lanes, …), three banks of
   * `beats` words of D bits; address = bank·beats + beat.
   */
  vBuffer: { words: number; width: number; addrWidth: number; memories: number };
  /** Beat counter of the A·V stage: max(1, clog2(beats)). */
  beatWidth: number;
  /** Group counter of the memory LIF stage: max(1, clog2(G)). */
  groupWidth: number;
  /**
   * Cycles from the last score beat of the run to the last output row: V read stage, O
   * register, then the LIF stage (1 with registers; G + 2 with memory: G groups, RAM read,
   * step, spike-row register).
   */
  tailLatency: number;
  /** The board top (config key `board`), or null: the head alone. */
  board: BoardDerived | null;
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((k) => n % k === 0);
}

function listText(ds: number[]): string {
  return ds.length <= 24 ? ds.join(', ') : `${ds.slice(0, 20).join(', ')}, ... ${ds.at(-1)}`;
}

/** The fold of a config: every rule of `fold` for ssa_head (errors name key, value, allowed). */
export function deriveFold(cfg: ResolvedConfig, dim: number, beats: number): SsaFold {
  const storage = foldStorage(cfg);
  const f = cfg.fold === 'auto' ? null : cfg.fold;
  const F = f?.headsPerEngine ?? 1;
  if (cfg.heads % F !== 0) {
    throw new ConfigError('fold.headsPerEngine', F, `allowed: a divisor of heads = ${cfg.heads} (heads per engine): ${listText(divisors(cfg.heads))}`);
  }
  const membranes = storage.membranes ?? 'registers';
  let lanes: number;
  if (membranes === 'registers') {
    if (f?.neuronLanes != null && f.neuronLanes !== dim) {
      throw new ConfigError('fold.neuronLanes', f.neuronLanes, `allowed: null or dim = ${dim} with fold.membranes "registers" (a register file updates a whole O row per clock); other values need fold.membranes "memory"`);
    }
    lanes = dim;
  } else if (f?.neuronLanes != null) {
    if (dim % f.neuronLanes !== 0) {
      throw new ConfigError('fold.neuronLanes', f.neuronLanes, `allowed: null or a divisor of dim = ${dim} (neurons per clock; an O row takes dim / neuronLanes clocks): ${listText(divisors(dim))}`);
    }
    lanes = f.neuronLanes;
  } else {
    // The smallest lane count that keeps up with the engine: an O row every `beats` clocks.
    lanes = divisors(dim).find((l) => dim / l <= beats) ?? dim;
  }
  return {
    headsPerEngine: F,
    engines: cfg.heads / F,
    membranes,
    neuronLanes: lanes,
    groupsPerRow: dim / lanes,
    memory: storage.memory === 'spram' ? 'spram' : 'bram',
  };
}

export function deriveSsa(cfg: ResolvedConfig): SsaDerived {
  const xnor = deriveXnor(cfg);
  const n = xnor.seqLen;
  const d = xnor.dim;
  const oMax = n * xnor.maxScore;
  const oWidth = Math.max(1, bitlen(oMax));
  const fold = deriveFold(cfg, d, xnor.beats);
  const lif = deriveLifCore({
    name: cfg.name,
    tauLog2: cfg.lif.tauLog2,
    decayInput: cfg.lif.decayInput,
    // SPEC §6: θ' = θ / scale and Vr' = Vr / scale in IEEE-754 double; X = O·2^F.
    threshold: cfg.lif.threshold / cfg.scale,
    reset: cfg.lif.reset,
    vReset: cfg.lif.vReset / cfg.scale,
    fracBits: cfg.lif.fracBits,
    width: cfg.lif.width,
    input: { bits: oWidth, signed: false, realUnits: true, min: 0n, max: BigInt(oMax) },
    timesteps: xnor.timesteps,
    neurons: n * d,
    lanes: fold.neuronLanes,
    membranes: fold.membranes,
    memory: fold.memory,
  });
  // A degenerate memory (one timestep, one group) keeps the register file (LifStorage).
  const lifMem = lif.storage.kind !== 'registers';
  const effective: SsaFold = lifMem ? fold : { ...fold, membranes: 'registers' };
  const rowsPad = xnor.beats * xnor.lanes;
  return {
    name: cfg.name,
    heads: cfg.heads,
    dim: d,
    width: d * cfg.heads,
    fold: effective,
    portWidth: d * fold.engines,
    seqLen: n,
    timesteps: xnor.timesteps,
    scale: cfg.scale,
    xnor,
    lif,
    oMax,
    oWidth,
    sumWidth: Math.max(1, bitlen(xnor.lanes * xnor.maxScore)),
    rowsPad,
    vBuffer: { words: 3 * xnor.beats, width: d, addrWidth: indexWidth(3 * xnor.beats), memories: xnor.lanes },
    beatWidth: indexWidth(xnor.beats),
    groupWidth: indexWidth(fold.groupsPerRow),
    tailLatency: lifMem ? fold.groupsPerRow + 4 : 3,
    board: deriveBoard(cfg, { portWidth: d * fold.engines, seqLen: n, timesteps: xnor.timesteps, fold: effective }),
  };
}

/**
 * LIF-bound schedule (memory LIF with G ≥ beats, and single-port banks with G = beats):
 * the LIF stage takes G clocks per O row (+1 at each inner timestep boundary with single-port
 * banks) and never idles once the first O row is there.
 */
function lifBound(s: SsaDerived): boolean {
  const G = s.fold.groupsPerRow;
  const beats = s.xnor.beats;
  if (s.fold.membranes !== 'memory') return false;
  return G > beats || (G === beats && s.lif.bubblesPerSequence > 0);
}

/** Clock cycles an engine needs per engine sequence (T timesteps of one head) in steady state. */
export function engineSequenceCycles(s: SsaDerived): number {
  const rows = s.timesteps * s.seqLen;
  return lifBound(s) ? rows * s.fold.groupsPerRow + s.lif.bubblesPerSequence : rows * s.xnor.beats;
}

/**
 * Cycles at full throughput (no input gaps, no back-pressure) for `sequences` sequences back
 * to back, from reset release to the last output row inclusive: the engine's count plus the
 * A·V output register and the LIF register.
 */
export function ssaCycles(s: SsaDerived, sequences: number): number {
  if (sequences === 0) return 0;
  // Each engine runs F·S engine sequences (one head's T timesteps each) back to back.
  const m = sequences * s.fold.headsPerEngine;
  const x = s.xnor;
  if (!lifBound(s)) return engineCycles(x, m * s.timesteps) + s.tailLatency;
  // The first O row is in the O register N + beats + latency + 1 clocks after reset; from
  // then on the LIF stage is never idle; its last row leaves 3 clocks after its last group.
  const firstRow = x.seqLen + x.beats + x.latency + 1;
  return firstRow + m * engineSequenceCycles(s) + 3;
}

/** Cycles per sequence in steady state: F engine sequences. */
export function ssaCyclesPerSequence(s: SsaDerived): number {
  return s.fold.headsPerEngine * engineSequenceCycles(s);
}

/** The same as a formula, for the manifest. */
export function ssaCycleFormula(s: SsaDerived): string {
  const x = s.xnor;
  const F = s.fold.headsPerEngine;
  const G = s.fold.groupsPerRow;
  const perEngineSeq = engineSequenceCycles(s);
  const fPart = F > 1 ? `F*` : '';
  if (!lifBound(s)) {
    return (
      `per sequence (steady state): ${fPart}T*N*ceil(N/lanes) = ${F > 1 ? `${F}*` : ''}${s.timesteps}*${x.seqLen}*${x.beats} = ${F * perEngineSeq}; ` +
      `S sequences back to back from reset: N + ${fPart}S*T*N*ceil(N/lanes) + ${x.latency + s.tailLatency} ` +
      `(engine latency ${x.latency} + V read 1 + A·V 1 + LIF ${s.tailLatency - 2})`
    );
  }
  const wait = s.lif.bubblesPerSequence ? ` + (T-1)` : '';
  return (
    `per sequence (steady state, the LIF stage sets the pace: G = D/neuronLanes = ${G} clocks per O row${wait ? ', one more at each inner timestep boundary' : ''}): ` +
    `${fPart}(T*N*G${wait}) = ${F > 1 ? `${F}*` : ''}(${s.timesteps}*${x.seqLen}*${G}${wait ? ` + ${s.lif.bubblesPerSequence}` : ''}) = ${F * perEngineSeq}; ` +
    `S sequences back to back from reset: N + ceil(N/lanes) + ${x.latency + 1} + ${fPart}S*(T*N*G${wait}) + 3`
  );
}
