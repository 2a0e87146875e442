/**
 * Typed errors with stable codes. Core code throws these and never touches `process`;
 * the CLI's single top-level handler maps `exitCode` to the process exit status.
 *
 * Exit statuses (SPEC §7): 0 ok, 1 a mismatch between expected and computed values,
 * 2 bad input (config, vector file, arguments, a path the user gave), 3 a tool fault
 * (missing tool, tool error, time-out, the tool's own files: cache, temporary folders),
 * 128 + n stopped by signal n (130 SIGINT, 143 SIGTERM), 70 an internal error (a bug).
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
  | 'SF_OUTPUT_UNWRITABLE'
  | 'SF_OUTPUT_NOT_OURS'
  | 'SF_OUTPUT_EDITED'
  | 'SF_DESIGN_INVALID'
  | 'SF_CACHE_UNWRITABLE'
  | 'SF_FILE_SYSTEM'
  | 'SF_INTERRUPTED';

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

/** A command-line option or argument that is not allowed (`option --design: …`). */
export class ArgumentError extends SpikeforgeError {
  constructor(option: string, what: string) {
    super('SF_PARAM_INVALID', `${option.startsWith('-') ? `option ${option}` : option}: ${what}`, 2);
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

/**
 * A path the user gave that cannot be written (output folder, report file, trace folder),
 * or a folder spikeforge refuses to write into (not its own, or hand-edited files): exit 2.
 */
export class OutputError extends SpikeforgeError {
  constructor(message: string, code: 'SF_OUTPUT_UNWRITABLE' | 'SF_OUTPUT_NOT_OURS' | 'SF_OUTPUT_EDITED' = 'SF_OUTPUT_UNWRITABLE') {
    super(code, message, 2);
  }
}

/** A design folder (`--design DIR`) that cannot be used: no manifest, a missing file, a table that changed. */
export class DesignFolderError extends SpikeforgeError {
  constructor(message: string) {
    super('SF_DESIGN_INVALID', message, 2);
  }
}

/**
 * spikeforge's own files (the build cache, temporary folders) cannot be written: a fault
 * of the tool's environment, not of the user's input (exit 3). The message names the path
 * and how to choose another cache folder.
 */
export class CacheError extends SpikeforgeError {
  constructor(
    readonly path: string,
    readonly errno: string,
  ) {
    super(
      'SF_CACHE_UNWRITABLE',
      `cannot write the cache folder ${path}: ${describeErrno(errno)}; set SPIKEFORGE_CACHE_DIR to a folder you can write ` +
        `(default: $XDG_CACHE_HOME/spikeforge, else ~/.cache/spikeforge)`,
      3,
    );
  }
}

/** A file-system failure nobody classified (the CLI's last resort): names the path, no stack trace. */
export class FileSystemError extends SpikeforgeError {
  constructor(message: string) {
    super('SF_FILE_SYSTEM', message, 3);
  }
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The run was stopped by a signal (Ctrl-C, SIGTERM): exit 128 + the signal's number. */
export class InterruptedError extends SpikeforgeError {
  constructor(
    readonly signal: string,
    message = `stopped by ${signal}`,
  ) {
    super('SF_INTERRUPTED', message, 128 + (SIGNAL_NUMBERS[signal] ?? 2));
  }
}

/** The errno code of a Node.js system error (`EACCES`), or null for anything else. */
export function errnoOf(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : null;
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** `EACCES (permission denied)`. */
export function describeErrno(code: string): string {
  return ERRNO_TEXT[code] ? `${code} (${ERRNO_TEXT[code]})` : code;
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
