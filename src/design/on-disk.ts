/**
 * A design as it is on disk (`verify --design DIR`, `synth --design DIR`): the config
 * comes from the folder's manifest.json, the golden model and the derived parameters are
 * computed from it again, and the RTL (.sv, .mem) is read from the folder — so a user can
 * co-simulate and synthesise a design they changed by hand. What differs from the
 * generator's own output is reported, file by file.
 *
 * A relative Log-PE table path in the manifest's config (as written in the original
 * config) resolves against the design folder first, then against the current folder;
 * the table must have the sha256 the manifest records (`logPeTable.sha256`), so a
 * different table of the same name is an error, not a silently different golden model.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, DesignFolderError } from '../base/errors.js';
import { canonicalJson, sha256 } from '../base/hash.js';
import type { ResolvedConfig } from '../base/config.js';
import { resolveConfigWithWarnings } from '../io/config-file.js';
import { inspectDesignFolder, MANIFEST_FILE } from '../io/design-folder.js';
import type { GeneratedFile } from '../render/files.js';
import { generateDesign, type Design } from './design.js';

export interface OnDiskDesign {
  /** The design with its RTL files as they are on disk. */
  design: Design;
  dir: string;
  /** What the generator makes of the manifest's config (for comparison). */
  generated: Design;
  /** RTL files whose content on disk differs from the generator's output (or that it does not make). */
  changed: string[];
  /** Other differences worth saying (another generator version, files the generator would add). */
  notes: string[];
}

function shown(p: string): string {
  return relative(process.cwd(), p) || '.';
}

function tableDigest(cfg: ResolvedConfig): string | null {
  return cfg.logPe.table ? sha256(canonicalJson(cfg.logPe.table)) : null;
}

/** The manifest's config, resolved; a relative table path is looked for in the folder, then in the current folder. */
function configOf(dir: string, raw: Record<string, unknown>, notes: string[]): ResolvedConfig {
  const where = join(shown(dir), MANIFEST_FILE);
  const config = raw['config'];
  const recorded = (raw['logPeTable'] as { sha256?: unknown } | null | undefined)?.sha256;
  const table = (config as { logPe?: { table?: unknown } } | null)?.logPe?.table;
  const bases = typeof table === 'string' && !isAbsolute(table) ? [dir, process.cwd()] : [dir];
  const tried: string[] = [];
  let lastTableError: ConfigError | null = null;
  for (const base of [...new Set(bases)]) {
    let cfg: ResolvedConfig;
    try {
      const loaded = resolveConfigWithWarnings(config, base, `${where}: config`);
      cfg = loaded.config;
      if (loaded.warning) notes.push(loaded.warning);
    } catch (e) {
      if (e instanceof ConfigError && e.key === 'logPe.table' && typeof table === 'string') {
        tried.push(resolve(base, table));
        lastTableError = e;
        continue;
      }
      throw e;
    }
    const digest = tableDigest(cfg);
    if (digest !== null && typeof recorded === 'string' && digest !== recorded) {
      throw new DesignFolderError(
        `${where}: config key "logPe.table": ${resolve(base, String(table))} has sha256 ${digest.slice(0, 16)}…, ` +
          `the manifest records ${recorded.slice(0, 16)}… (the design was generated from another table)`,
      );
    }
    return cfg;
  }
  if (tried.length && lastTableError) {
    throw new DesignFolderError(
      `${where}: config key "logPe.table": the table "${String(table)}" is in none of ${tried.join(', ')}; ` +
        `a relative table path resolves against the design folder, then the current folder (run from the folder of the original config)`,
    );
  }
  throw lastTableError ?? new DesignFolderError(`${where}: no config`);
}

/** Loads `dir` for --design. Throws DesignFolderError (exit 2) when it cannot be used. */
export function loadDesignFolder(dir: string): OnDiskDesign {
  const target = resolve(dir);
  const state = inspectDesignFolder(target);
  if (!state.exists) throw new DesignFolderError(`--design ${dir}: no such folder`);
  if (!state.manifest || !state.manifestRaw) {
    throw new DesignFolderError(`--design ${dir}: the folder holds no spikeforge ${MANIFEST_FILE}; --design takes a folder written by spikeforge generate (or verify, synth)`);
  }
  const raw = state.manifestRaw;
  const notes: string[] = [];
  const generated = generateDesign(configOf(target, raw, notes));
  if (raw['configHash'] !== generated.configHash) {
    notes.push(
      `the manifest's config hash ${String(raw['configHash'])} differs from ${generated.configHash} (written by ${String(raw['generator'])} ${String(raw['version'])}; ` +
        `the golden model is this version's)`,
    );
  }
  const rtlListed = state.manifest.files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  if (state.missing.some((m) => rtlListed.some((f) => f.path === m))) {
    const gone = rtlListed.filter((f) => state.missing.includes(f.path)).map((f) => f.path);
    throw new DesignFolderError(`--design ${dir}: ${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} listed in ${MANIFEST_FILE} but not in the folder`);
  }
  const byName = new Map(generated.files.map((f) => [f.path, f]));
  const rtl: GeneratedFile[] = rtlListed.map((f) => ({ path: f.path, kind: f.kind as 'sv' | 'mem', content: readFileSync(join(target, f.path), 'utf8') }));
  const changed = rtl.filter((f) => byName.get(f.path)?.content !== f.content).map((f) => f.path);
  const extra = generated.files.filter((f) => (f.kind === 'sv' || f.kind === 'mem') && !rtl.some((r) => r.path === f.path)).map((f) => f.path);
  if (extra.length) notes.push(`the generator would also write ${extra.join(', ')} (not in the folder's manifest)`);
  const design: Design = { ...generated, files: [...rtl, ...generated.files.filter((f) => f.kind === 'meta')] };
  return { design, dir: target, generated, changed, notes };
}

/** One line saying which RTL a report is about. */
export function describeRtl(d: OnDiskDesign): string {
  const where = shown(d.dir);
  return d.changed.length
    ? `RTL as on disk in ${where}; differs from the generator's output in ${d.changed.join(', ')}`
    : `RTL as on disk in ${where}; identical to the generator's output`;
}
