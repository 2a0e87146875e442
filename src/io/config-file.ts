/**
 * Reading configs (JSON or YAML) and the Log-PE tables they name. This is the I/O edge:
 * everything after it works on plain data.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { ResolvedConfig } from '../base/config.js';
import { parseConfigWithMigration, type Config } from '../base/config.js';
import type { MigrationResult } from '../base/config-format.js';
import { ConfigError, InputFileError } from '../base/errors.js';

/**
 * The YAML parser, loaded the first time a YAML file is read (its CommonJS build, so this
 * stays synchronous): seventy modules that a JSON config never needs at start-up.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

export function readStructuredFile(path: string, what: string, code: 'SF_CONFIG_UNREADABLE' | 'SF_VECTORS_INVALID'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputFileError(code, `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return /\.ya?ml$/i.test(extname(path)) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new InputFileError(code, `${what} ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
}

/** Does this top read the Log-PE table? Other tops ignore the key (SPEC §8). */
function readsLogPeTable(cfg: Config): boolean {
  if (cfg.logPe.mode !== 'table') return false;
  return cfg.top === 'logpe_bias' || ((cfg.top === 'xnor_attention' || cfg.top === 'ssa_head') && cfg.logPe.enabled);
}

/** A resolved config, with what migrating it to the current format changed (src/base/config-format.ts). */
export interface LoadedConfig {
  config: ResolvedConfig;
  migration: MigrationResult;
  /** What the user should be told (the CLI prints it on stderr), or null when nothing changed. */
  warning: string | null;
}

/** Parses a raw config; a relative `logPe.table` path is resolved against `baseDir`. */
export function resolveConfig(raw: unknown, baseDir: string, where?: string): ResolvedConfig {
  return resolveConfigWithWarnings(raw, baseDir, where).config;
}

/** resolveConfig, also returning the migration report and its message. */
export function resolveConfigWithWarnings(raw: unknown, baseDir: string, where?: string): LoadedConfig {
  const { config: cfg, migration, warning } = parseConfigWithMigration(raw, where);
  return { config: resolveTable(cfg, baseDir, where), migration, warning };
}

function resolveTable(cfg: Config, baseDir: string, where?: string): ResolvedConfig {
  const { table } = cfg.logPe;
  let data: unknown[][] | null = null;
  let source: string | null = null;
  if (readsLogPeTable(cfg)) {
    if (table === null) {
      throw new ConfigError('logPe.table', null, 'mode "table" needs a table: a path to a JSON N×N array, or the array itself', where);
    }
    if (typeof table === 'string') {
      source = table;
      const path = resolve(baseDir, table);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new ConfigError('logPe.table', table, `the file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, where);
      }
      try {
        data = JSON.parse(text) as unknown[][];
      } catch (e) {
        throw new ConfigError('logPe.table', table, `the file ${path} is not valid JSON: ${(e as Error).message}`, where);
      }
      if (!Array.isArray(data) || !data.every(Array.isArray)) {
        throw new ConfigError('logPe.table', table, `the file ${path} must hold an array of N arrays of N integers`, where);
      }
    } else {
      data = table;
    }
  }
  return { ...cfg, logPe: { ...cfg.logPe, table: data, tableSource: source } };
}

/** Reads a config file; `warn` receives the migration message of an older format (see loadConfigFileWithWarnings). */
export function loadConfigFile(path: string, warn?: (message: string) => void): ResolvedConfig {
  const loaded = loadConfigFileWithWarnings(path);
  if (loaded.warning && warn) warn(loaded.warning);
  return loaded.config;
}

/** Reads a config file of any format this build reads, returning the migration report with it. */
export function loadConfigFileWithWarnings(path: string): LoadedConfig {
  const raw = readStructuredFile(path, 'config', 'SF_CONFIG_UNREADABLE');
  return resolveConfigWithWarnings(raw, dirname(resolve(path)), path);
}
