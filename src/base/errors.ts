/**
 * Typed errors with stable codes. Core code throws these and never touches `process`;
 * the CLI's single top-level handler maps `exitCode` to the process exit status.
 *
 * Exit statuses (SPEC §7): 0 ok, 1 a mismatch between expected and computed values,
 * 2 bad input (config, vector file, arguments), 3 a tool fault (missing tool, tool
 * error, time-out).
 */
export type ErrorCode =
  | 'SF_PARAM_INVALID'
  | 'SF_CONFIG_UNREADABLE'
  | 'SF_VECTORS_INVALID'
  | 'SF_UNKNOWN_BLOCK'
  | 'SF_TOOL_MISSING'
  | 'SF_TOOL_FAILED'
  | 'SF_TOOL_TIMEOUT'
  | 'SF_COSIM_MISMATCH'
  | 'SF_OUTPUT_UNWRITABLE';

export class SpikeforgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value in a config that is not allowed. `key` is the dotted path (`lif.threshold`). */
export class ConfigError extends SpikeforgeError {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly where?: string,
  ) {
    super(
      'SF_PARAM_INVALID',
      `${where ? `${where}: ` : ''}config key "${key}": value ${describeValue(value)} is not allowed; ${allowed}`,
      2,
    );
  }
}

/** A file that cannot be read or parsed (config, table, vector file). */
export class InputFileError extends SpikeforgeError {
  constructor(code: 'SF_CONFIG_UNREADABLE' | 'SF_VECTORS_INVALID', message: string) {
    super(code, message, 2);
  }
}

export class ToolMissingError extends SpikeforgeError {
  constructor(readonly tool: string) {
    super(
      'SF_TOOL_MISSING',
      `${tool} was not found on PATH. Install it with \`make setup\` in the spikeforge folder, ` +
        `or by hand: apt-get update && apt-get install -y verilator yosys iverilog`,
      3,
    );
  }
}

export class ToolFailedError extends SpikeforgeError {
  constructor(tool: string, what: string, output: string) {
    super('SF_TOOL_FAILED', `${tool} failed while ${what}:\n${tail(output, 40)}`, 3);
  }
}

export class ToolTimeoutError extends SpikeforgeError {
  constructor(tool: string, what: string, seconds: number) {
    super('SF_TOOL_TIMEOUT', `${tool} did not finish ${what} within ${seconds} s and was stopped`, 3);
  }
}

export class MismatchError extends SpikeforgeError {
  constructor(message: string) {
    super('SF_COSIM_MISMATCH', message, 1);
  }
}

export class OutputError extends SpikeforgeError {
  constructor(message: string) {
    super('SF_OUTPUT_UNWRITABLE', message, 2);
  }
}

export function describeValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  let s: string;
  try {
    s = typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return all.length <= lines ? all.join('\n') : ['...', ...all.slice(-lines)].join('\n');
}
