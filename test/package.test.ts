/**
 * spikeforge as a package: the programmatic API (src/api/index.ts) in-process, and in the
 * full tier the packed tarball installed into an empty folder, where `npx spikeforge` and
 * `import 'spikeforge'` must work with nothing from the source tree.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, ConfigError, generate, MismatchError, verify, VERSION } from '../src/api/index.js';
import { ROOT } from './helpers/cli.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';
import { VECTORS_DIR } from './helpers/design.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sf-pkg-'));

describe('the programmatic API', () => {
  it('generate writes a design folder by its rules; verify co-simulates it; a bad config is a ConfigError naming the key', async () => {
    const dir = tmp();
    const d = generate({ top: 'gray_rom', name: 'api', seqLen: 9 }, { out: join(dir, 'api') });
    expect(d.topModule).toBe('api_gray_rom');
    expect(d.written!.written).toContain('api_gray_rom.sv');
    expect(JSON.parse(readFileSync(join(dir, 'api', 'manifest.json'), 'utf8')).version).toBe(VERSION);
    const r = await verify(d, { vectors: 4 });
    expect(r.cases).toBeGreaterThan(4);
    expect(r.measuredCycles).toBe(r.expectedCycles);
    expect(() => generate({ top: 'gray_rom', name: 'api', seqLen: 0 })).toThrow(ConfigError);
    expect(() => generate({ top: 'gray_rom', name: 'api', seqLen: 0 })).toThrow(/"seqLen"/);
  });

  it('check resolves on a good vector file and rejects with MismatchError on a changed value', async () => {
    const good = join(VECTORS_DIR, 'pub_gray.json');
    expect((await check(good)).values).toBeGreaterThan(0);
    const raw = JSON.parse(readFileSync(good, 'utf8')) as { cases: { expected: Record<string, unknown> }[] };
    const first = raw.cases[0]!.expected;
    const key = Object.keys(first)[0]!;
    const v = first[key];
    first[key] = Array.isArray(v) ? [...v.slice(0, -1), typeof v.at(-1) === 'number' ? (v.at(-1) as number) + 1 : v.at(-1)] : typeof v === 'number' ? v + 1 : v;
    const bad = join(tmp(), 'bad.json');
    writeFileSync(bad, JSON.stringify(raw));
    await expect(check(bad)).rejects.toThrow(MismatchError);
  });
});

describe('the packed tarball', () => {
  it.runIf(FULL)(`installs into an empty folder: npx spikeforge generate and verify, and import 'spikeforge' with types${FULL ? '' : FULL_ONLY}`, async () => {
    const pack = tmp();
    await execa('npm', ['pack', '--pack-destination', pack, '--silent'], { cwd: ROOT });
    const tgz = readdirSync(pack).find((f) => f.endsWith('.tgz'))!;
    expect(tgz).toMatch(/^spikeforge-\d+\.\d+\.\d+\.tgz$/);
    const app = tmp();
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
    await execa('npm', ['install', '--no-audit', '--no-fund', join(pack, tgz)], { cwd: app });
    const installed = join(app, 'node_modules', 'spikeforge');
    // Compiled JavaScript, templates and calibration shipped; no TypeScript sources or tests.
    expect(existsSync(join(installed, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(installed, 'templates'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
    writeFileSync(join(app, 'cfg.json'), JSON.stringify({ top: 'xnor_attention', name: 'pk', seqLen: 6, dim: 8, logPe: { enabled: true } }));
    const g = await execa('npx', ['spikeforge', 'generate', 'cfg.json', '-o', 'rtl'], { cwd: app, reject: false });
    expect(g.exitCode, g.stderr).toBe(0);
    const v = await execa('npx', ['spikeforge', 'verify', 'cfg.json', '-o', 'rtl', '-n', '4'], { cwd: app, reject: false });
    expect(v.exitCode, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/PASS bit-exact/);
    writeFileSync(join(app, 'use.mjs'), "import { generate, VERSION } from 'spikeforge';\nconst d = generate({ top: 'gray_rom', name: 'lib', seqLen: 5 });\nconsole.log(VERSION, d.topModule);\n");
    const lib = await execa('node', ['use.mjs'], { cwd: app });
    expect(lib.stdout).toMatch(/^\d+\.\d+\.\d+ lib_gray_rom$/);
    expect(existsSync(join(installed, 'dist', 'src', 'api', 'index.d.ts'))).toBe(true);
  }, 900_000);
});
