/**
 * The contract every hardware block implements: the five faces of a block.
 *
 *   1. derive()   config → derived parameters (every width is computed here, once)
 *   2. model()    the golden model: pure, bit-exact, no I/O
 *   3. render()   derived parameters → SystemVerilog (and .mem) files, via templates/
 *   4. harness    how the co-simulation drives the top module (testbenches/<block>.ts)
 *   5. vectors    how the block's inputs/outputs look in a vector file (SPEC §7)
 *
 * The CLI, the co-simulation engine, the portability gate and the sweep treat every
 * block through this interface only. To add a block, copy the shape of an existing one
 * (src/blocks/gray_rom/, generators/gray_rom.ts, templates/gray_rom/,
 * testbenches/gray_rom.ts, test/gray_rom.test.ts) and register it in src/blocks/index.ts.
 */
import type { BlockName, Config } from '../core/config.js';
import type { Rng } from '../core/rng.js';

/** A config whose Log-PE table (if any) has been loaded: still plain data. */
export type ResolvedConfig = Omit<Config, 'logPe'> & {
  logPe: Omit<Config['logPe'], 'table'> & {
    /** The N×N table as loaded (validated by the Log-PE derive()), or null. */
    table: unknown[][] | null;
    /** Where the table came from, for messages and the manifest. */
    tableSource: string | null;
  };
};

export interface GeneratedFile {
  /** File name inside the output folder (no directories). */
  path: string;
  content: string;
  kind: 'sv' | 'mem' | 'meta';
}

/** Facts about the generator run that go into every header (no timestamps). */
export interface RenderMeta {
  generator: string;
  version: string;
  configHash: string;
}

/** One field of a stream: a port `<port>_i` / `<port>_o` of `width` bits. */
export interface StreamField {
  port: string;
  width: number;
}

/**
 * A valid/ready stream of the top module. Ports: `<name>_valid_i`, `<name>_ready_o`
 * and one data port per field for inputs; `<name>_valid_o`, `<name>_ready_i` and
 * `<field>_o` for outputs.
 */
export interface StreamSpec {
  name: string;
  fields: StreamField[];
}

export interface HarnessSpec {
  top: string;
  inputs: StreamSpec[];
  outputs: StreamSpec[];
}

/** One transfer on a stream: one unsigned value per field, in field order. */
export type Beat = bigint[];
export type StreamBeats = Record<string, Beat[]>;

/** A named input case for co-simulation. */
export interface StimulusCase<I> {
  name: string;
  inputs: I;
}

export interface BlockHarness<D, I, O> {
  spec(d: D): HarnessSpec;
  /** All cases back to back on the input streams. */
  encode(d: D, cases: I[]): StreamBeats;
  /** The number of beats each output stream must deliver for these cases. */
  expectedBeats(d: D, cases: I[]): Record<string, number>;
  /** Splits the captured output beats back into one output per case. */
  decode(d: D, cases: I[], out: StreamBeats): O[];
  /**
   * Corner, random and (where the input space is small) exhaustive cases.
   * `count` is the number of random cases wanted.
   */
  stimulus(d: D, rng: Rng, count: number): StimulusCase<I>[];
  /** Clock cycles from first input to last output with no back-pressure, if known. */
  expectedCycles?(d: D, cases: I[]): number;
}

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

export interface BlockDef<D, I, O> {
  name: BlockName;
  /** One line: what the block computes, in terms of docs/spec.md (SPEC §N). */
  summary: string;
  derive(cfg: ResolvedConfig): D;
  /** Derived parameters as plain values for the manifest and the RTL header. */
  describe(d: D): Record<string, string | number | boolean>;
  model(d: D, inputs: I): O;
  topModule(d: D): string;
  render(d: D, meta: RenderMeta): GeneratedFile[];
  harness: BlockHarness<D, I, O>;
  vectors: BlockVectors<D, I, O>;
}

// The registry holds blocks of different parameter types; callers go through the
// interface only, so the element type is erased here on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBlock = BlockDef<any, any, any>;
