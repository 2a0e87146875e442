/**
 * The block contract, part one: everything about a block that is pure data and arithmetic
 * (docs/architecture.md). A block's spec lives in src/blocks/<block>/ and imports nothing
 * above this layer; its generator (generators/<block>.ts) and harness
 * (testbenches/<block>.ts) build on it, and src/design/registry.ts puts the three together.
 *
 *   derive()     config → derived parameters: every width, depth and count, computed once
 *   describe()   derived parameters in words, for the manifest and the RTL header
 *   model()      the golden model: pure, bit-exact, no I/O
 *   ports()      the top module's streams
 *   frames()     beats per frame (timestep) of each stream: where tlast goes
 *   cycles()     full-throughput cycle count (the formula the co-simulation measures)
 *   vectors      the block's inputs and outputs in a vector file (docs/vectors.md)
 *   resources    the analytic resource model the estimator and sweeps use
 *   subjects     small configs that mutation testing breaks (every RTL variant elaborated)
 *   fuzz         random valid configs for config fuzzing
 */
import type * as FastCheck from 'fast-check';
import type { BlockName, ResolvedConfig } from '../base/config.js';
import type { BlockResourceModel } from '../targets/cost.js';
import type { StreamFrames, TopPorts } from './ports.js';

export interface BlockVectors<D, I, O> {
  /** Validates and converts a vector file case's `inputs`; throws InputFileError naming the place. */
  inputs(d: D, json: unknown, where: string): I;
  /** The model's outputs in vector-file form (the keys of `expected`). */
  outputs(d: D, inputs: I, out: O): Record<string, unknown>;
  /** Inputs back to vector-file form (for `golden` and for saving a failing case). */
  inputsToJson(d: D, inputs: I): Record<string, unknown>;
  /**
   * Output keys the golden model produces but the RTL does not expose (internal values);
   * the co-simulation compares every other key.
   */
  modelOnly?: string[];
}

/** A raw config as a JSON object (before parsing), e.g. a fuzz case or a mutation subject. */
export type RawConfig = Record<string, unknown>;

/** Size limits of fuzzed configs, so that every generated design builds in seconds. */
export interface FuzzCaps {
  /** Largest seqLen (N); grids up to this many tokens. */
  seqLen: number;
  dim: number;
  timesteps: number;
  neurons: number;
}

/**
 * Random valid configs of one block (without `name`), drawn with fast-check. fast-check is
 * passed in, so the block's spec stays free of test-only runtime dependencies.
 */
export type FuzzArbitrary = (fc: typeof FastCheck, caps: FuzzCaps) => FastCheck.Arbitrary<RawConfig>;

export interface BlockSpec<D, I, O> {
  name: BlockName;
  /** One line: what the block computes, in terms of docs/spec.md (SPEC §N). */
  summary: string;
  derive(cfg: ResolvedConfig): D;
  /** Derived parameters as plain values for the manifest and the RTL header. */
  describe(d: D): Record<string, string | number | boolean>;
  model(d: D, inputs: I): O;
  ports(d: D): TopPorts;
  /**
   * Beats per frame of every stream of ports(): a timestep's rows where the block has
   * timesteps, else 1 (every beat stands alone). The AXI4-Stream wrapper's tlast marks the
   * last beat of each frame (docs/integration.md).
   */
  frames(d: D): StreamFrames;
  /** Clock cycles from reset release to the last output beat for these cases back to back, with no gaps and no back-pressure. */
  cycles(d: D, cases: I[]): number;
  vectors: BlockVectors<D, I, O>;
  resources: BlockResourceModel<D>;
  /**
   * Configs (without top and name) that mutation testing generates and breaks; between them
   * they elaborate every variant of the block's RTL. Relative Log-PE table paths resolve
   * against test/fixtures/reference/vectors/.
   */
  subjects: RawConfig[];
  fuzz: FuzzArbitrary;
}
