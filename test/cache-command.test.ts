/**
 * `spikeforge cache show` and `cache clean` (src/app/cache.ts): every kind is counted, only
 * spikeforge's entries are removed (all, or those unused for N days), never a user's file
 * or a live run's temporary folder, and a reused model counts as used.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempOwner, MACHINE } from '../src/base/cache-dir.js';
import { cacheUsage, cleanCache, KINDS } from '../src/app/cache.js';
import { buildSim } from '../src/cosim/verilator.js';
import { formatBytes } from '../src/cli/cache-commands.js';
import { ROOT } from './helpers/cli.js';
import { design } from './helpers/design.js';

const BIN = join(ROOT, 'bin', 'spikeforge.js');
const DAY = 24 * 3600;
const KEY = 'ab'.repeat(12);

function age(path: string, days: number): void {
  const t = Date.now() / 1000 - days * DAY;
  utimesSync(path, t, t);
}

/** A pid that ran and is gone: a finished child's. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

/**
 * A cache folder with one entry of each kind (an old and a new model), a live and an
 * abandoned build, a live and an abandoned run folder, and the user's own files.
 */
async function plant(): Promise<{ root: string; paths: Record<string, string> }> {
  const root = mkdtempSync(join(tmpdir(), 'sf-cachecmd-'));
  const dead = await deadPid();
  const p = (...parts: string[]) => join(root, ...parts);
  const folder = (path: string, bytes: number) => {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'blob'), Buffer.alloc(bytes));
    return path;
  };
  const file = (path: string, bytes: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, Buffer.alloc(bytes));
    return path;
  };
  const paths = {
    oldModel: folder(p('verilator', KEY), 1000),
    newModel: folder(p('verilator', 'cd'.repeat(12)), 500),
    liveBuild: folder(p('verilator', `.${KEY}.tmp-${tempOwner()}-00112233`), 7),
    deadBuild: folder(p('verilator', `.${KEY}.tmp-${dead}-${MACHINE}-44556677`), 9),
    icarus: folder(p('icarus', KEY), 300),
    pch: folder(p('pch', KEY), 4000),
    netlist: file(p('netlist', `${KEY}.v`), 20),
    check: file(p('checks', `yosys-${'0'.repeat(32)}.json`), 10),
    tool: file(p('tools', `${KEY}.json`), 5),
    trace: folder(p('mutation-traces', 'm-AbC123'), 30),
    ccache: file(p('ccache', 'ccache.conf'), 3),
    liveRun: folder(p(`run-${tempOwner()}-Xy12Ab`), 11),
    deadRun: folder(p(`api-traces-${dead}-${MACHINE}-Qw34Er`), 13),
    userRoot: file(p('notes.txt'), 2),
    userInKind: file(p('verilator', 'my-model-backup'), 17),
  };
  for (const k of ['oldModel', 'icarus', 'pch', 'netlist', 'check', 'tool', 'trace', 'ccache'] as const) age(paths[k], 40);
  return { root, paths };
}

describe('cache show', () => {
  it('counts the entries and bytes of every kind, live and abandoned temporaries, and what is not spikeforge\'s', async () => {
    const { root, paths } = await plant();
    const u = cacheUsage(root);
    const kind = (f: string) => u.kinds.find((k) => k.folder === f)!;
    expect(u.kinds.map((k) => k.folder)).toEqual(KINDS.map((k) => k.folder));
    expect(kind('verilator')).toMatchObject({ entries: 2, bytes: 1500 });
    expect(kind('verilator').oldest).toBeLessThan(Date.now() - 39 * DAY * 1000);
    expect(kind('icarus')).toMatchObject({ entries: 1, bytes: 300 });
    expect(kind('pch')).toMatchObject({ entries: 1, bytes: 4000 });
    expect(kind('netlist')).toMatchObject({ entries: 1, bytes: 20 });
    expect(kind('checks')).toMatchObject({ entries: 1, bytes: 10 });
    expect(kind('tools')).toMatchObject({ entries: 1, bytes: 5 });
    expect(kind('mutation-traces')).toMatchObject({ entries: 1, bytes: 30 });
    expect(kind('ccache')).toMatchObject({ entries: 1, bytes: 3 });
    expect(u.live).toEqual({ count: 2, bytes: 7 + 11 });
    expect(u.abandoned).toEqual({ count: 2, bytes: 9 + 13 });
    expect(u.foreign.sort()).toEqual([paths.userRoot, paths.userInKind].sort());
    // The user's files are named, not measured.
    expect(u.bytes).toBe(1500 + 300 + 4000 + 20 + 10 + 5 + 30 + 3 + 18 + 22);
  });

  it('formats sizes as du -h does (powers of 1024)', () => {
    expect([0, 1023, 1536, 5 * 1024 ** 2, 3.25 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.5 KB', '5.0 MB', '3.3 GB']);
  });
});

describe('cache clean', () => {
  it('--unused-days 30 removes the entries unused for 30 days and the leftovers of dead processes; keeps recent ones, live temporaries and the user\'s files', async () => {
    const { root, paths } = await plant();
    const r = await cleanCache(root, { unusedDays: 30 });
    const gone = ['oldModel', 'icarus', 'pch', 'netlist', 'check', 'tool', 'trace', 'ccache', 'deadBuild', 'deadRun'] as const;
    const kept = ['newModel', 'liveBuild', 'liveRun', 'userRoot', 'userInKind'] as const;
    for (const k of gone) expect(existsSync(paths[k]), k).toBe(false);
    for (const k of kept) expect(existsSync(paths[k]), k).toBe(true);
    expect(r.removed.map((e) => e.path).sort()).toEqual(gone.map((k) => paths[k]).sort());
    expect(r.bytes).toBe(1000 + 300 + 4000 + 20 + 10 + 5 + 30 + 3 + 9 + 13);
    expect(r.kept).toBe(1);
    // Nothing half-removed is left under a temporary name, and the kinds' folders stay.
    expect(readdirSync(join(root, 'verilator')).sort()).toEqual([`.${KEY}.tmp-${tempOwner()}-00112233`, 'cd'.repeat(12), 'my-model-backup'].sort());
    for (const k of KINDS) expect(existsSync(join(root, k.folder)), k.folder).toBe(true);
  });

  it('without --unused-days removes every entry; --dry-run lists and removes nothing', async () => {
    const { root, paths } = await plant();
    const dry = await cleanCache(root, { dryRun: true });
    expect(Object.values(paths).every((path) => existsSync(path))).toBe(true);
    const r = await cleanCache(root);
    expect(r.removed.map((e) => e.path)).toEqual(dry.removed.map((e) => e.path));
    expect(existsSync(paths.newModel)).toBe(false);
    expect(r.kept).toBe(0);
    expect(cacheUsage(root).kinds.every((k) => k.entries === 0)).toBe(true);
    for (const k of ['liveBuild', 'liveRun', 'userRoot', 'userInKind'] as const) expect(existsSync(paths[k]), k).toBe(true);
  });

  it('a model reused by a run counts as used: its last use moves to now', async () => {
    const d = design({ top: 'gray_rom', name: `used_${process.pid}`, seqLen: 6 });
    const first = await buildSim(d.files, d.block.ports(d.derived));
    age(first.dir, 40);
    const again = await buildSim(d.files, d.block.ports(d.derived));
    expect(again.cacheHit).toBe(true);
    expect(statSync(again.dir).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('spikeforge cache (the command)', () => {
  it('show --json and clean --unused-days report the planted folder; a bad --unused-days is exit 2 naming it', async () => {
    const { root, paths } = await plant();
    const run = (args: string[]) => execa(process.execPath, [BIN, 'cache', ...args], { reject: false, env: { SPIKEFORGE_CACHE_DIR: root } });
    const show = await run(['show', '--json']);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ root, live: { count: 2 }, abandoned: { count: 2 } });
    const text = await run(['show']);
    expect(text.stdout).toMatch(/verilator +2 entries +1\.5 KB +Verilator models/);
    expect(text.stdout).toContain(`not spikeforge's, left alone: `);
    const clean = await run(['clean', '--unused-days', '30']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stdout).toBe(`removed 10 entries (5.3 KB) from ${root}; kept 1 used in the last 30 days`);
    expect(existsSync(paths.newModel)).toBe(true);
    const bad = await run(['clean', '--unused-days', 'soon']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--unused-days.*"soon" is not a number of days/);
  });
});
