/**
 * Config format versions (SPEC §8, src/base/config-format.ts): an unversioned config is
 * read as v1 and migrated, each migration step is pure and says what it changed, a newer
 * format is refused naming the key, the value and the versions this build reads, and every
 * manifest carries the current format so that `generate` from a manifest round-trips.
 * In-process, no tools: milliseconds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, parseConfigWithMigration } from '../src/base/config.js';
import {
  CONFIG_FORMAT,
  CONFIG_FORMAT_VERSION,
  MIGRATIONS,
  READABLE_CONFIG_FORMATS,
  V1_TO_V2,
  configVersion,
  migrateConfig,
  migrationMessage,
} from '../src/base/config-format.js';
import { ConfigError } from '../src/base/errors.js';
import { generateDesign } from '../src/design/design.js';
import { resolveConfig } from '../src/io/config-file.js';
import { parseSweep } from '../src/sweep/spec.js';
import { SweepFileError } from '../src/sweep/spec.js';
import { runMain } from './helpers/cli.js';

const XA = { top: 'xnor_attention', name: 'fmt', seqLen: 6, dim: 8, lanes: 2 };
const tmp = mkdtempSync(join(tmpdir(), 'sf-format-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runMain;

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
}

describe('config format versions', () => {
  it('has one migration step per older version, in order', () => {
    expect(CONFIG_FORMAT).toBe(`spikeforge.config.v${CONFIG_FORMAT_VERSION}`);
    expect(MIGRATIONS.map((m) => m.from)).toEqual(Array.from({ length: CONFIG_FORMAT_VERSION - 1 }, (_, i) => i + 1));
    expect(READABLE_CONFIG_FORMATS).toEqual(['spikeforge.config.v1', 'spikeforge.config.v2']);
  });

  it('v1 → v2: target "lut6" becomes "generic", says so, and leaves the input alone (pure)', () => {
    const raw = { ...XA, target: 'lut6' };
    const before = JSON.stringify(raw);
    const r = V1_TO_V2.migrate(raw);
    expect(r.raw['target']).toBe('generic');
    expect(r.changes).toEqual([expect.stringMatching(/target "lut6" is now "generic"/)]);
    expect(JSON.stringify(raw)).toBe(before);
    // A config already valid in v2 is left as it is (configs without "format" go through this step for ever).
    for (const target of ['ice40', 'generic', undefined]) {
      const ok = target === undefined ? { ...XA } : { ...XA, target };
      const m = V1_TO_V2.migrate(ok);
      expect(m.raw).toEqual(ok);
      expect(m.changes).toEqual([]);
    }
  });

  it('reads a config without "format" as v1 and migrates it; the message names the change', () => {
    const m = migrateConfig({ ...XA, target: 'lut6' }, 'old.json');
    expect(m).toMatchObject({ from: 1, unversioned: true, raw: { ...XA, target: 'generic' } });
    const msg = migrationMessage(m, 'old.json')!;
    expect(msg).toContain('old.json: config has no "format" key, so it is read as spikeforge.config.v1');
    expect(msg).toContain(`migrated to ${CONFIG_FORMAT}`);
    expect(msg).toContain('target "lut6" is now "generic"');
    // Nothing to change: silent.
    const quiet = parseConfigWithMigration({ ...XA });
    expect(quiet.warning).toBeNull();
    expect(quiet.migration.from).toBe(1);
    // Explicitly v1: migrated the same way, and the message says which version it was.
    const v1 = parseConfigWithMigration({ format: 'spikeforge.config.v1', ...XA, target: 'lut6' });
    expect(v1.config.target).toBe('generic');
    expect(v1.warning).toContain('is in spikeforge.config.v1');
  });

  it('in v2, "lut6" is no longer a target', () => {
    const e = configError(() => parseConfig({ format: CONFIG_FORMAT, ...XA, target: 'lut6' }));
    expect(e.key).toBe('target');
    expect(e.message).toContain('"generic"');
  });

  it('refuses a newer format naming the key, the value and the versions it reads (exit 2)', async () => {
    const e = configError(() => parseConfig({ format: 'spikeforge.config.v3', ...XA }, 'new.json'));
    expect(e.key).toBe('format');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('config key "format": value "spikeforge.config.v3" is not allowed');
    expect(e.message).toContain('"spikeforge.config.v1" or "spikeforge.config.v2"');
    expect(e.message).toMatch(/newer.*upgrade spikeforge/);
    for (const bad of ['v2', 2, 'spikeforge.config.v0', 'spikeforge.vectors.v1', null]) {
      expect(() => configVersion({ format: bad })).toThrow(ConfigError);
    }
    const file = join(tmp, 'newer.json');
    writeFileSync(file, JSON.stringify({ format: 'spikeforge.config.v9', ...XA }));
    const r = await run(['generate', file, '-o', join(tmp, 'never')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('config key "format": value "spikeforge.config.v9"');
  });

  it('does not let the format change the design: same config hash in every format', () => {
    const h = (raw: Record<string, unknown>) => generateDesign(resolveConfig(raw, tmp)).configHash;
    const base = h({ ...XA, target: 'generic' });
    expect(h({ ...XA, target: 'lut6' })).toBe(base);
    expect(h({ format: 'spikeforge.config.v1', ...XA, target: 'lut6' })).toBe(base);
    expect(h({ format: CONFIG_FORMAT, ...XA, target: 'generic' })).toBe(base);
  });

  it('writes the current format into the manifest, and `generate` from the manifest round-trips', async () => {
    const old = join(tmp, 'old.json');
    writeFileSync(old, JSON.stringify({ ...XA, target: 'lut6' }));
    const r = await run(['generate', old, '-o', join(tmp, 'a')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*old\.json: config has no "format" key.*target "lut6" is now "generic"/);
    const manifest = JSON.parse(readFileSync(join(tmp, 'a', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.config)[0]).toBe('format');
    expect(manifest.config.format).toBe(CONFIG_FORMAT);
    expect(manifest.config.target).toBe('generic');
    const again = join(tmp, 'from-manifest.json');
    writeFileSync(again, JSON.stringify(manifest.config));
    const r2 = await run(['generate', again, '-o', join(tmp, 'b')]);
    expect(r2.code).toBe(0);
    expect(r2.err).toBe(''); // current format: nothing to say
    expect(readFileSync(join(tmp, 'b', 'manifest.json'), 'utf8')).toBe(readFileSync(join(tmp, 'a', 'manifest.json'), 'utf8'));
  });

  it('cannot be swept', () => {
    expect(() => parseSweep({ base: XA, axes: { format: [CONFIG_FORMAT] } }, join(tmp, 's.yaml'))).toThrow(SweepFileError);
    expect(() => parseSweep({ base: XA, axes: { format: [CONFIG_FORMAT] } }, join(tmp, 's.yaml'))).toThrow(/config format cannot be swept/);
  });
});
