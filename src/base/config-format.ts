/**
 * Config format versions (SPEC §8, "Format versions"): a config names its format in the
 * key `format` ("spikeforge.config.v2"); a config without it was written before formats
 * had versions and is read as version 1. An older version is migrated to the current one
 * step by step, each step a pure function that says what it changed; a newer version is
 * refused (ConfigError, exit 2) naming the key, the value and the versions this build reads.
 *
 * To change the meaning of a config in a later version: bump CONFIG_FORMAT_VERSION, add a
 * step from the previous version to MIGRATIONS (with a test in test/config-format.test.ts),
 * and describe it in docs/spec.md §8. A step must leave a config that is already valid in
 * its target version unchanged, because configs without `format` are migrated from v1 for
 * ever.
 */
import { ConfigError } from './errors.js';

export const CONFIG_FORMAT_VERSION = 2;
const PREFIX = 'spikeforge.config.v';
export const formatName = (version: number) => `${PREFIX}${version}`;
/** The format this build writes (manifests) and migrates to. */
export const CONFIG_FORMAT = formatName(CONFIG_FORMAT_VERSION);
/** Every format this build reads, oldest first. */
export const READABLE_CONFIG_FORMATS = Array.from({ length: CONFIG_FORMAT_VERSION }, (_, i) => formatName(i + 1)) as [string, ...string[]];
/** What a config without `format` is read as. */
export const UNVERSIONED_FORMAT = formatName(1);

/** One step: a raw config of version `from` to version `from + 1`. */
export interface ConfigMigration {
  from: number;
  /** What the step changes, for docs and messages. */
  summary: string;
  /** Pure: returns a new object (the input is not modified) and what it changed in this config. */
  migrate(raw: Record<string, unknown>): { raw: Record<string, unknown>; changes: string[] };
}

/** v1 → v2: the target "lut6" was renamed "generic" (the same LUT6 flow, SPEC §3). */
export const V1_TO_V2: ConfigMigration = {
  from: 1,
  summary: 'target "lut6" is now called "generic" (the same 6-input-LUT flow)',
  migrate(raw) {
    if (raw['target'] !== 'lut6') return { raw: { ...raw }, changes: [] };
    return { raw: { ...raw, target: 'generic' }, changes: ['target "lut6" is now "generic" (the same 6-input-LUT flow; renamed in config format v2)'] };
  },
};

/** Every step, in order: MIGRATIONS[i] goes from version i + 1 to i + 2. */
export const MIGRATIONS: readonly ConfigMigration[] = [V1_TO_V2];

export interface MigrationResult {
  /** The config in the current format, without the `format` key (the schema reads the rest). */
  raw: unknown;
  /** The version the config was written in (1 when it has no `format`). */
  from: number;
  /** Whether `format` was absent. */
  unversioned: boolean;
  /** What the migration changed in this config, one line each; empty when nothing. */
  changes: string[];
}

const allowedFormats = () =>
  `allowed: ${READABLE_CONFIG_FORMATS.map((f) => JSON.stringify(f)).join(' or ')} (this build reads config formats v1 to v${CONFIG_FORMAT_VERSION}; ` +
  `a config without "format" is read as v1)`;

/**
 * The version a raw config is written in: 1 without `format`; a ConfigError for a format
 * this build does not read (a newer one says so, and what to do).
 */
export function configVersion(raw: Record<string, unknown>, where?: string): number {
  if (!('format' in raw) || raw['format'] === undefined) return 1;
  const f = raw['format'];
  const m = typeof f === 'string' ? /^spikeforge\.config\.v([1-9][0-9]{0,5})$/.exec(f) : null;
  if (!m) throw new ConfigError('format', f, allowedFormats(), where);
  const version = Number(m[1]);
  if (version > CONFIG_FORMAT_VERSION) {
    throw new ConfigError(
      'format',
      f,
      `${allowedFormats()}; ${JSON.stringify(f)} is newer: the config was written for a later spikeforge — upgrade spikeforge, or rewrite the config in ${CONFIG_FORMAT}`,
      where,
    );
  }
  return version;
}

/** Migrates a raw config to the current format (pure). Anything not an object is passed on for the schema to reject. */
export function migrateConfig(raw: unknown, where?: string): MigrationResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { raw, from: CONFIG_FORMAT_VERSION, unversioned: false, changes: [] };
  const obj = raw as Record<string, unknown>;
  const from = configVersion(obj, where);
  const { format: _format, ...rest } = obj;
  let at: Record<string, unknown> = rest;
  const changes: string[] = [];
  for (const step of MIGRATIONS.slice(from - 1)) {
    const r = step.migrate(at);
    at = r.raw;
    changes.push(...r.changes);
  }
  return { raw: at, from, unversioned: !('format' in obj) || obj['format'] === undefined, changes };
}

/**
 * The message for a migration that changed something (null when nothing changed: an
 * unversioned config that means the same in the current format is read silently).
 */
export function migrationMessage(m: Pick<MigrationResult, 'from' | 'unversioned' | 'changes'>, where?: string): string | null {
  if (!m.changes.length) return null;
  const written = m.unversioned ? `has no "format" key, so it is read as ${UNVERSIONED_FORMAT}` : `is in ${formatName(m.from)}`;
  return (
    `${where ? `${where}: ` : ''}config ${written} and was migrated to ${CONFIG_FORMAT}: ${m.changes.join('; ')}. ` +
    `Write "format": "${CONFIG_FORMAT}" with the new values to silence this.`
  );
}
