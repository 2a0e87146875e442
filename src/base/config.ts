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

export const BLOCK_NAMES = ['gray_rom', 'logpe_bias', 'xnor_attention', 'lif_array', 'ssa_head'] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

/** Synthesis targets, one name each across config, CLI, estimator and sweeps (src/targets/). */
export const TARGET_NAMES = ['ice40', 'generic'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

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

const rootShape = {
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
   * "lut6", its name before version 0.2, is read as "generic".
   */
  target: oneOf([...TARGET_NAMES, 'lut6'])
    .default('ice40')
    .transform((v): TargetName => (v === 'lut6' ? 'generic' : v)),
  /** spikeforge addition: popcount architecture of the XNOR engine. */
  popcount: oneOf(['auto', 'loop', 'carry-tree', 'gpc63']).default('auto'),
  /** spikeforge addition: attention heads of `ssa_head` (each over its own D bits). */
  heads: int(1, 64).default(1),
};

export const ConfigSchema = z.strictObject(rootShape, { error: 'allowed: a JSON object' });

/** A config with every default filled in, as parsed. `logPe.table` may still be a path. */
export type Config = z.output<typeof ConfigSchema>;

/** A config whose Log-PE table (if any) has been loaded (src/io/config-file.ts): still plain data. */
export type ResolvedConfig = Omit<Config, 'logPe'> & {
  logPe: Omit<Config['logPe'], 'table'> & {
    /** The N×N table as loaded (validated by the Log-PE derive()), or null. */
    table: unknown[][] | null;
    /** Where the table came from, for messages and the manifest. */
    tableSource: string | null;
  };
};

/** Parses a raw (JSON/YAML) config; throws the first problem as a ConfigError (src/base/zod-issue.ts). */
export function parseConfig(raw: unknown, where?: string): Config {
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const { key, value, allowed } = firstIssue(ConfigSchema, raw, result.error, '(config)');
  throw new ConfigError(key, value, allowed, where);
}

/** JSON Schema for editors (written to schema/spikeforge.config.schema.json). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
