/**
 * Config → every file of a generated design, in memory. Pure: writing is io/write.ts's job,
 * so a config error can never leave a half-written folder.
 */
import { blockFor } from './registry.js';
import type { AnyBlock } from './types.js';
import { uniqueFiles, vendorLibraries, VENDOR_LIBRARY_FILES, type GeneratedFile, type RenderMeta } from '../render/files.js';
import type { ResolvedConfig } from '../base/config.js';
import { canonicalJson, sha256, shortHash } from '../base/hash.js';
import { GENERATOR, VERSION } from '../base/version.js';
import { CONFIG_FORMAT } from '../base/config-format.js';
import { renderTemplate } from '../render/templates.js';
import { constraintFiles } from './constraints.js';
import { designAxisPlan, withAxis } from './axis.js';
import { interfacePage, interfacePageName } from './interface-page.js';
import { testbenchFiles, type TestbenchRequest } from './testbench.js';

export interface Design {
  config: ResolvedConfig;
  block: AnyBlock;
  derived: unknown;
  topModule: string;
  configHash: string;
  /** SV and .mem files, then `<name>.f`, `<name>.core`, `manifest.json`. */
  files: GeneratedFile[];
}

/** Hash of everything that decides the RTL: the resolved config (table data included) and the generator version. */
export function configHash(cfg: ResolvedConfig): string {
  return shortHash({ generator: GENERATOR, version: VERSION, config: cfg });
}

/** The config as written into the manifest, in the current format (named first): valid input for `generate` again. */
export function configForManifest(cfg: ResolvedConfig): unknown {
  const { tableSource, table, ...logPe } = cfg.logPe;
  return { format: CONFIG_FORMAT, ...cfg, logPe: { ...logPe, table: tableSource ?? table } };
}

export function deriveDesign(cfg: ResolvedConfig): { block: AnyBlock; derived: unknown } {
  // With `axis` the block's face is the AXI4-Stream wrapper: every consumer of the design
  // (manifest, co-simulation, synthesis) then works on the wrapper as the top.
  const core = blockFor(cfg.top);
  const block = cfg.axis ? withAxis(core) : core;
  return { block, derived: block.derive(cfg) };
}

export interface GenerateOptions {
  /** Also write the co-simulation testbench as files (`generate --testbench`, src/design/testbench.ts). */
  testbench?: TestbenchRequest;
}

export function generateDesign(cfg: ResolvedConfig, opts: GenerateOptions = {}): Design {
  const { block, derived } = deriveDesign(cfg);
  const hash = configHash(cfg);
  const meta: RenderMeta = { generator: GENERATOR, version: VERSION, configHash: hash };
  const rtl = uniqueFiles(block.render(derived, meta));
  const ports = block.ports(derived);
  const topModule = ports.top;
  const svFiles = rtl.filter((f) => f.kind === 'sv').map((f) => f.path);
  const memFiles = rtl.filter((f) => f.kind === 'mem').map((f) => f.path);

  const filelist: GeneratedFile = { path: `${cfg.name}.f`, content: `${svFiles.join('\n')}\n`, kind: 'meta' };
  const core: GeneratedFile = {
    path: `${cfg.name}.core`,
    content: renderTemplate('fusesoc.core.hbs', {
      name: cfg.name,
      version: VERSION,
      summary: block.summary,
      svFiles,
      memFiles,
      topModule,
    }),
    kind: 'meta',
  };
  const page: GeneratedFile = {
    path: interfacePageName(cfg.name),
    content: interfacePage({ name: cfg.name, configHash: hash, version: VERSION, block, derived, axis: designAxisPlan(blockFor(cfg.top), derived, cfg.axis) }),
    kind: 'meta',
  };
  const files = [...rtl, filelist, core, page, ...constraintFiles(cfg, topModule, hash, VERSION)];
  if (opts.testbench) files.push(...testbenchFiles({ name: cfg.name, configHash: hash, version: VERSION, block, derived, request: opts.testbench }));
  const manifest = {
    generator: GENERATOR,
    version: VERSION,
    top: cfg.top,
    topModule,
    configHash: hash,
    config: configForManifest(cfg),
    logPeTable: cfg.logPe.table ? { source: cfg.logPe.tableSource ?? 'inline', sha256: sha256(canonicalJson(cfg.logPe.table)) } : null,
    derived: block.describe(derived),
    ports,
    ...(opts.testbench ? { testbench: opts.testbench } : {}),
    // Third-party primitive models the RTL needs beside its own files (simulation only;
    // every synthesis flow for the family knows the primitives): file inside Yosys's data
    // directory (`yosys-config --datdir`), and which of our files instantiate them.
    vendorLibraries: vendorLibraries(rtl).map((name) => ({
      name,
      ...VENDOR_LIBRARY_FILES[name],
      usedBy: rtl.filter((f) => f.vendor?.includes(name)).map((f) => f.path),
    })),
    files: files.map((f) => ({ path: f.path, kind: f.kind, sha256: sha256(f.content) })),
  };
  files.push({ path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n`, kind: 'meta' });
  return { config: cfg, block, derived, topModule, configHash: hash, files };
}
