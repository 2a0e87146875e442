/**
 * The config schema (SPEC §8) and its parser. Pure: no file access here — a table named
 * by path is loaded by the caller (src/io/config-file.ts) and passed in as data.
 *
 * Every constraint carries an `allowed: …` text, so a rejected value is reported as
 * key + value + what is allowed (ConfigError). Cross-field rules that depend on a
 * derived width (e.g. `grayPe.bits` below the minimum) live in the block's derive(),
 * the one place that width is computed.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { firstIssue } from './zod-issue.js';
import { migrateConfig, migrationMessage, READABLE_CONFIG_FORMATS, UNVERSIONED_FORMAT, CONFIG_FORMAT, type MigrationResult } from './config-format.js';

export const BLOCK_NAMES = ['gray_rom', 'logpe_bias', 'xnor_attention', 'lif_array', 'ssa_head'] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

/** Synthesis targets, one name each across config, CLI, estimator and sweeps (src/targets/). */
export const TARGET_NAMES = ['ice40', 'generic', 'xc7'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Popcount architectures of the XNOR engine (src/parts/popcount.ts plans each one). */
export const POPCOUNT_ARCHS = ['loop', 'carry-tree', 'gpc63', 'xc7-chain'] as const;
export type PopcountArch = (typeof POPCOUNT_ARCHS)[number];

const int = (min: number, max: number) => {
  const allowed = `allowed: an integer from ${min} to ${max}`;
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
};
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `allowed: one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
const bool = () => z.boolean({ error: 'allowed: true or false' });

/** SystemVerilog keywords that cannot be a module-name prefix on their own. */
const SV_KEYWORDS = new Set(
  ('module endmodule input output inout logic wire reg bit int integer always always_ff always_comb ' +
    'always_latch assign begin end if else case endcase for generate endgenerate genvar parameter ' +
    'localparam function endfunction task endtask initial package endpackage import export typedef ' +
    'struct packed enum interface endinterface default unique priority signed unsigned byte shortint ' +
    'longint real time string class endclass virtual static automatic return while do break continue')
    .split(/\s+/),
);
const CLOCK_ALLOWED = 'allowed: a number of MHz > 0 and at most 2000, or null (no clock constraint)';
const NAME_ALLOWED = 'allowed: a SystemVerilog identifier ([A-Za-z_][A-Za-z0-9_]*, at most 40 characters, not a keyword)';

const gridShape = {
  rows: int(1, 256),
  cols: int(1, 256),
};
const grayPeShape = {
  enabled: bool().default(false),
  bits: int(1, 32).nullable().default(null),
  position: oneOf(['token', 'timestep-token']).default('token'),
  /** spikeforge addition: how the code is produced in RTL. */
  impl: oneOf(['logic', 'rom']).default('logic'),
};
const tableAllowed = 'allowed: a path to a JSON file holding an N×N array of integers, an inline N×N array, or null';
const logPeShape = {
  enabled: bool().default(false),
  mode: oneOf(['paper', 'table']).default('paper'),
  table: z
    .union([z.string({ error: tableAllowed }).min(1, { error: tableAllowed }), z.array(z.array(z.unknown()), { error: tableAllowed })], {
      error: tableAllowed,
    })
    .nullable()
    .default(null),
  /** spikeforge addition: RTL implementation; "auto" picks logic for paper, table-rom for tables. */
  impl: oneOf(['auto', 'logic', 'distance-rom', 'table-rom']).default('auto'),
};
const finite = (allowed: string) => z.number({ error: allowed }).refine(Number.isFinite, { error: allowed });
const lifShape = {
  tauLog2: int(0, 16).default(1),
  decayInput: bool().default(true),
  threshold: finite('allowed: a finite number > 0')
    .refine((v) => v > 0, { error: 'allowed: a finite number > 0' })
    .default(0.5),
  reset: oneOf(['hard', 'soft']).default('hard'),
  vReset: finite('allowed: a finite number (0 with soft reset)').default(0),
  fracBits: int(0, 64).nullable().default(null),
  width: int(2, 128).nullable().default(null),
  inputWidth: int(2, 64).default(16),
};
/**
 * spikeforge addition: folding (docs/fpga.md). Throughput traded for area; the bits never
 * change. `"auto"` is resolved to a concrete fold by the commands' `--fit DEVICE`
 * (src/app/fit.ts) before a design is derived.
 */
const foldShape = {
  headsPerEngine: int(1, 64).default(1),
  membranes: oneOf(['registers', 'memory']).default('registers'),
  neuronLanes: int(1, 4096).nullable().default(null),
  memory: oneOf(['auto', 'bram', 'spram']).default('auto'),
};
export const FOLD_ALLOWED = 'allowed: "auto" or an object with keys headsPerEngine, membranes, neuronLanes, memory';

/**
 * spikeforge addition: a board top around an ssa_head (docs/board.md): the head behind a
 * UART, with the board's pin constraints. Only the iCEBreaker (iCE40 UP5K, 12 MHz) today.
 */
export const BOARD_NAMES = ['icebreaker'] as const;
export type BoardName = (typeof BOARD_NAMES)[number];
const boardShape = {
  // The only board so far is the default: `"board": {}` is the iCEBreaker at 115200 baud.
  name: oneOf(BOARD_NAMES).default('icebreaker'),
  baud: int(300, 3_000_000).default(115200),
  timeoutMs: int(1, 10_000).default(250),
};
export const BOARD_ALLOWED = 'allowed: null or an object with keys name, baud, timeoutMs';

const PIPE_ALLOWED = 'allowed: "auto" or an integer from 0 to 16 (popcount logic levels per clock; 0 = combinational)';
const rootShape = {
  /**
   * The config format (src/base/config-format.ts). Absent: version 1, the configs written
   * before formats had versions. Migrated before the rest is read, and never part of the
   * parsed config (the design does not depend on how its config was written).
   */
  format: oneOf(READABLE_CONFIG_FORMATS).default(UNVERSIONED_FORMAT),
  top: oneOf(BLOCK_NAMES),
  name: z
    .string({ error: NAME_ALLOWED })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: NAME_ALLOWED })
    .max(40, { error: NAME_ALLOWED })
    .refine((s) => !SV_KEYWORDS.has(s), { error: NAME_ALLOWED }),
  seqLen: int(1, 4096).optional(),
  dim: int(1, 4096).optional(),
  timesteps: int(1, 1024).default(1),
  grid: z.strictObject(gridShape, { error: 'allowed: null or {"rows": R, "cols": C}' }).nullable().default(null),
  similarity: oneOf(['xnor', 'and']).default('xnor'),
  grayPe: z.strictObject(grayPeShape, { error: 'allowed: an object' }).prefault({}),
  logPe: z.strictObject(logPeShape, { error: 'allowed: an object' }).prefault({}),
  lanes: int(1, 4096).default(1),
  neurons: int(1, 65536).default(16),
  lif: z.strictObject(lifShape, { error: 'allowed: an object' }).prefault({}),
  scale: finite('allowed: a finite number > 0')
    .refine((v) => v > 0, { error: 'allowed: a finite number > 0' })
    .default(1),
  /**
   * spikeforge addition: synthesis target, picks the popcount architecture when "auto".
   * ("lut6", its name in config format v1, is migrated: src/base/config-format.ts.)
   */
  target: oneOf(TARGET_NAMES).default('ice40'),
  /** spikeforge addition: popcount architecture of the XNOR engine. */
  popcount: oneOf(['auto', ...POPCOUNT_ARCHS]).default('auto'),
  /**
   * spikeforge addition: popcount pipelining of the XNOR engine — at most K logic levels of
   * the popcount per clock, the key-buffer read counting as one (0: combinational), or
   * "auto" for the target.
   */
  popcountPipeline: z
    .union(
      [
        z.literal('auto', { error: PIPE_ALLOWED }),
        z.number({ error: PIPE_ALLOWED }).int({ error: PIPE_ALLOWED }).min(0, { error: PIPE_ALLOWED }).max(16, { error: PIPE_ALLOWED }),
      ],
      { error: PIPE_ALLOWED },
    )
    .default('auto'),
  /** spikeforge addition: attention heads of `ssa_head` (each over its own D bits). */
  heads: int(1, 64).default(1),
  /** spikeforge addition: folding of ssa_head (shared engines, membranes in memory) and lif_array. */
  fold: z
    .union([z.literal('auto', { error: FOLD_ALLOWED }), z.strictObject(foldShape, { error: FOLD_ALLOWED })], { error: FOLD_ALLOWED })
    .prefault({}),
  /** spikeforge addition: a board top (UART + the head) and its pin constraints (docs/board.md). */
  board: z.strictObject(boardShape, { error: BOARD_ALLOWED }).nullable().default(null),
  /** spikeforge addition (integration): target clock; writes clock constraints with the design. */
  clockMHz: z
    .number({ error: CLOCK_ALLOWED })
    .refine((v) => Number.isFinite(v) && v > 0 && v <= 2000, { error: CLOCK_ALLOWED })
    .nullable()
    .default(null),
  /** spikeforge addition (integration): the AXI4-Stream wrapper as the design's top. */
  axis: z.boolean({ error: 'allowed: true or false' }).default(false),
};

export const ConfigSchema = z.strictObject(rootShape, { error: 'allowed: a JSON object' });

/**
 * A description for every key, so `spikeforge schema` documents each one and
 * `spikeforge schema --markdown` renders the config reference (docs/config.md) from this
 * single source. Registered on the schemas the shapes above already hold (zod's global
 * registry, what `.meta()` uses), and typed so that a key without a description is a
 * compile error.
 */
function describeKeys<S extends Record<string, z.ZodType>>(shape: S, descriptions: { [K in keyof S]: string }): void {
  for (const key of Object.keys(shape) as (keyof S & string)[]) z.globalRegistry.add(shape[key]!, { description: descriptions[key] });
}
z.globalRegistry.add(ConfigSchema, {
  title: 'spikeforge config',
  description: 'A spikeforge design config: docs/spec.md §8; every key with its default in docs/config.md.',
});
describeKeys(rootShape, {
  format: `The config format version: "${CONFIG_FORMAT}" for this version of spikeforge, which writes it into every manifest. A config without it was written before formats had versions and is read as "${UNVERSIONED_FORMAT}"; an older format is migrated, with a message on stderr naming what changed; a newer one is refused (exit 2). SPEC §8.`,
  top: 'The block to generate: gray_rom (SPEC §1), logpe_bias (§2), xnor_attention (§3), lif_array (§5) or ssa_head (§6, the whole head).',
  name: 'Prefix of every generated module (<name>_<piece>) and of the filelist and core file: a SystemVerilog identifier of at most 40 characters that is not a keyword.',
  seqLen: 'N: tokens per timestep (sequence length, or R·C patches with a grid). No default: required by every top except lif_array.',
  dim: 'D: spike bits per token of one head (the width of a Q, K or V row). No default: required by xnor_attention and ssa_head.',
  timesteps:
    'T: timesteps per sequence. Sets the shape of vector-file inputs, the LIF default F = k·T + 8, and P = T·N positions for timestep-token Gray positions.',
  grid: 'R×C patch grid for 2-D inputs (rows·cols must equal seqLen), or null for a 1-D sequence.',
  similarity: 'Q·K similarity (SPEC §3): "xnor" = D − popcount(q XOR k) (the paper); "and" = popcount(q AND k) (Spikformer\'s SSA, the baseline).',
  grayPe: 'Gray-code relative positions, Gray-PE (SPEC §1).',
  logPe: 'Logarithmic distance bias, Log-PE (SPEC §2).',
  lanes:
    'Parallelism. xnor_attention and ssa_head: scores per clock, 1…seqLen (a query row takes ceil(N / lanes) beats). lif_array: neurons per beat; must divide neurons.',
  neurons: 'M: neurons of a lif_array.',
  lif: 'LIF neuron (SPEC §5): the neurons of lif_array, and the attention neurons of ssa_head (with θ and Vr divided by scale, SPEC §6).',
  scale:
    'ssa_head: the attention scale s > 0 (e.g. 0.125), Y = LIF(s·O). Folded into the neuron as θ / s and Vr / s (IEEE-754 double), so no multiplier is built.',
  target:
    'spikeforge addition: the FPGA family the XNOR engine is built for, "ice40" (Lattice iCE40: LUT4 + carry chain), "generic" (6-input LUTs, technology-independent; called "lut6" in config format v1) or "xc7" (AMD 7-series: LUT6 + CARRY4); picks the popcount and its pipelining when popcount / popcountPipeline are "auto".',
  popcount:
    'spikeforge addition: popcount architecture of the XNOR engine. "auto" = "carry-tree" for ice40, "gpc63" for generic, "xc7-chain" for xc7; "loop" is the plain for-loop that Yosys maps its own way; "gpc63" is a tree of 6:3 counters; "xc7-chain" is a tree of LUT6_2 + CARRY4 pair compressors (AMD 7-series primitives, target "xc7" only; about 0.52 LUT per bit).',
  popcountPipeline:
    'spikeforge addition: register stages inside the XNOR engine\'s popcount, for clock speed. An integer K = at most K logic levels of the popcount tree per clock, the key-buffer read counting as one level of the first stage; 0 = combinational (latency as without the key). "auto" = 4 for ice40 (measured: about 8.5–9 ns per stage on an HX8K), 0 for the other targets. Each stage adds one clock of latency; the cycle formula (N + M·N·ceil(N/lanes) + latency) keeps its form.',
  heads:
    'spikeforge addition: attention heads of ssa_head. Rows are dim·heads bits, head h in bits [h·dim, (h+1)·dim); the heads run in lock-step (fold.headsPerEngine = 1) or share engines (docs/ssa_head.md, folded heads).',
  fold:
    'spikeforge addition: folding, throughput traded for area without changing a bit (docs/fpga.md). "auto": the commands pick the fold for the device named by --fit (default hx8k) and the rate named by --rate.',
  board:
    'spikeforge addition: null, or a board top around an ssa_head: <name>_board (UART receiver and transmitter, the frame protocol, the head) and <name>_icebreaker (the pins, power-on reset, LEDs) with <name>_icebreaker.pcf. docs/board.md.',
  clockMHz:
    'spikeforge addition: target frequency of clk_i in MHz. When set, the design folder gets <name>_clock.py (a nextpnr-ice40 --pre-pack script; synth --pnr uses it and reports whether the target is met), <name>.sdc and <name>.xdc (create_clock on clk_i). null: no constraint files, and synth --pnr times against 12 MHz. docs/integration.md.',
  axis:
    'spikeforge addition: true wraps the top module in <top module>_axis, an AXI4-Stream face (tdata/tvalid/tready/tlast per stream, tlast on the last beat of every frame: a timestep of rows, or every beat for gray_rom and logpe_bias) with a sticky error_o for an input tlast on the wrong beat; the wrapper becomes the top. docs/integration.md.',
});
describeKeys(boardShape, {
  name: 'The board (default "icebreaker"): "icebreaker" (1BitSquared iCEBreaker: iCE40 UP5K in the SG48 package, 12 MHz oscillator, FTDI UART on pins 6 and 9).',
  baud: 'UART bits per second, 8N1. The divider is round(clock / baud); a divider below 4 or an actual rate more than 2% off is refused, naming the actual rate.',
  timeoutMs: 'A frame that stops arriving for this long is dropped: the board flushes the half-received frame and restarts the head, so a host can always resynchronise by waiting this long.',
});
describeKeys(foldShape, {
  headsPerEngine:
    'ssa_head: F heads share one score engine, A·V stage and LIF stage, one head after the other; heads / F engines run side by side. Must divide heads. 1 = every head has its own (the lock-step interface); F > 1 takes the inputs head-major (docs/ssa_head.md).',
  membranes:
    'Where the LIF membranes live between timesteps: "registers" (a register file, one word per neuron group, today\'s design) or "memory" (a RAM read, updated and written back per neuron group, RAM part; docs/lif_array.md).',
  neuronLanes:
    'ssa_head with membranes "memory": neurons updated per clock (a divisor of dim); an O row takes dim / neuronLanes clocks. null = the smallest divisor that keeps up with the engine (dim / neuronLanes ≤ ceil(seqLen / lanes)). With "registers" it must be null or dim.',
  memory:
    'Membrane memory kind with membranes "memory": "bram" = one simple dual-port RAM (block RAM on iCE40 and xc7); "spram" = two single-port RAMs in ping-pong per timestep with the SB_SPRAM256KA attribute (iCE40 UP5K only); "auto" = "bram".',
});
describeKeys(gridShape, {
  rows: 'R: rows of the patch grid.',
  cols: 'C: columns of the patch grid; token i sits at row i div C, column i mod C.',
});
describeKeys(grayPeShape, {
  enabled:
    'Add gray_term(i, j) = G − popcount(code(i) XOR code(j)) to every score (SPEC §1). Read by xnor_attention and ssa_head; top "gray_rom" always builds the code map and ignores this key.',
  bits: 'G: code width. null = the minimum max(1, clog2(P)), P = distinct positions (N, or T·N for timestep-token); less is a config error; the SeqSNN code uses 10. Must be null with a grid (G = Gr + Gc).',
  position:
    'Position of token i at timestep t: "token" → p = i (the paper); "timestep-token" → p = t·N + i (the released SeqSNN code). Only "token" with a grid.',
  impl: 'spikeforge addition: RTL of the position → code map, "logic" (XOR gates; a constant divider on a grid) or "rom" (a $readmemh ROM image).',
});
describeKeys(logPeShape, {
  enabled:
    'Add the Log-PE bias(i, j) to every score (SPEC §2). Read by xnor_attention and ssa_head; top "logpe_bias" always builds the bias and ignores this key.',
  mode: '"paper": bias = clog2(N − |i − j|) (on a grid, the sum of the per-axis terms); "table": bias = table[i][j], exported from a trained model.',
  table:
    'Table mode: an N×N array of integers 0…65535, inline or as the path of a JSON file holding it (a relative path is resolved against the folder of the file that holds the config). Read only when mode is "table" and the top uses Log-PE.',
  impl: 'spikeforge addition: RTL of the bias. "auto" = "logic" in paper mode, "table-rom" in table mode; "logic" computes the paper formula; "distance-rom" is a ROM indexed by the distance (tables that depend on the distance only); "table-rom" is an N×N ROM (any table).',
});
describeKeys(lifShape, {
  tauLog2: 'k: the membrane time constant is τ = 2^k (the paper: τ = 2, k = 1); the leak is an arithmetic shift right by k.',
  decayInput: "spikingjelly's decay_input: true → H = V + (X − (V − Vr)) / τ; false → H = V − (V − Vr) / τ + X (SPEC §5).",
  threshold: 'θ > 0 in real units; compared as θ_fx = ceil(θ·2^F). ssa_head uses θ / scale (SPEC §6).',
  reset: 'After a spike: "hard" sets V = Vr; "soft" subtracts θ from V.',
  vReset:
    "Vr in real units: the reset value and every sequence's initial V. Vr·2^F must be an integer; must be 0 with soft reset. ssa_head uses vReset / scale.",
  fracBits: 'F: every LIF value is an integer in units of 2^−F. null = k·T + 8.',
  width: "W: the membrane's two's-complement width. null = the smallest width at which no reachable value saturates; a narrower W saturates (SPEC §5).",
  inputWidth: 'Bits of one lif_array input current (signed, in units of 2^−F). ssa_head ignores it: its neuron input is O·2^F.',
});

/** A config with every default filled in, as parsed (in the current format, without the `format` key). `logPe.table` may still be a path. */
export type Config = Omit<z.output<typeof ConfigSchema>, 'format'>;

/** A config whose Log-PE table (if any) has been loaded (src/io/config-file.ts): still plain data. */
export type ResolvedConfig = Omit<Config, 'logPe'> & {
  logPe: Omit<Config['logPe'], 'table'> & {
    /** The N×N table as loaded (validated by the Log-PE derive()), or null. */
    table: unknown[][] | null;
    /** Where the table came from, for messages and the manifest. */
    tableSource: string | null;
  };
};

/** A parsed config and what its migration to the current format said (null: nothing changed). */
export interface ParsedConfig {
  config: Config;
  migration: MigrationResult;
  /** The message to show the user for the migration, or null. */
  warning: string | null;
}

/**
 * Parses a raw (JSON/YAML) config of any format this build reads: migrates it to the
 * current format (src/base/config-format.ts), then checks it against the schema. Throws the
 * first problem as a ConfigError (src/base/zod-issue.ts), a format this build does not
 * read included.
 */
export function parseConfigWithMigration(raw: unknown, where?: string): ParsedConfig {
  const migration = migrateConfig(raw, where);
  const current = migration.raw;
  const result = ConfigSchema.safeParse(current);
  if (!result.success) {
    const { key, value, allowed } = firstIssue(ConfigSchema, current, result.error, '(config)');
    throw new ConfigError(key, value, allowed, where);
  }
  const { format: _format, ...config } = result.data;
  return { config, migration, warning: migrationMessage(migration, where) };
}

/** parseConfigWithMigration without the migration report. */
export function parseConfig(raw: unknown, where?: string): Config {
  return parseConfigWithMigration(raw, where).config;
}

/** JSON Schema for editors (`spikeforge schema`); `spikeforge schema --markdown` renders docs/config.md from it. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}

/** A concrete fold (after `"auto"` has been resolved by src/app/fit.ts). */
export type FoldConfig = Exclude<Config['fold'], 'auto'>;
