/**
 * One cache folder shared by many processes and machines (SPIKEFORGE_CACHE_DIR on a
 * network file system; docs/cluster.md): model keys hold what makes a build
 * machine-specific, temporary names carry host and pid, another machine's temporary
 * folders are left alone (they may be live) until they are a day old, and a process killed
 * with SIGKILL mid-build leaves nothing that blocks or corrupts the next build. Tested with
 * several spikeforge processes on one machine; other machines' leftovers are planted by name.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheTempDir, FOREIGN_TEMP_MAX_AGE_MS, MACHINE, removeStaleTemps, tempOwner } from '../src/base/cache-dir.js';
import { icarusHost, removeStaleBuilds, simKey, verilatorHost } from '../src/cosim/cache.js';
import { verilatorSimKey } from '../src/cosim/verilator.js';
import { writeFileAtomically } from '../src/io/write.js';
import { ROOT } from './helpers/cli.js';
import { design } from './helpers/design.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const BIN = join(ROOT, 'bin', 'spikeforge.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'sf-cache-'));
/** Another machine, as its temporary names record it. */
const OTHER = 'node17.0badc0de';
const DAY = 24 * 3600;

/** Sets a path's modification time `seconds` into the past. */
function age(path: string, seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  utimesSync(path, t, t);
}

/** Processes (not zombies) whose working folder is inside `dir`. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('temporary names', () => {
  it('carry pid and machine (host name and a hash of host, boot and PID namespace), unique per call', () => {
    expect(MACHINE).toMatch(/^[A-Za-z0-9_]{1,24}\.[0-9a-f]{8}$/);
    expect(tempOwner()).toBe(`${process.pid}-${MACHINE}`);
    const root = tmp();
    const a = cacheTempDir('tool', root);
    const b = cacheTempDir('tool', root);
    expect(a).not.toBe(b);
    expect(readdirSync(root).every((e) => e.startsWith(`tool-${process.pid}-${MACHINE}-`))).toBe(true);
    const file = join(root, 'x.json');
    writeFileAtomically(file, '{}');
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });

  it('another machine\'s temporary folders are kept (they may be live) until a day old; this machine\'s go when their process has', () => {
    const root = tmp();
    const names = {
      foreignFresh: `tool-${process.pid}-${OTHER}-AbCdEf`, // our pid, another machine: not ours
      foreignOld: `run-4242-${OTHER}-GhIjKl`,
      deadHere: `tool-999999999-${MACHINE}-MnOpQr`,
      liveHere: `tool-${process.pid}-${MACHINE}-StUvWx`,
      legacyDead: 'run-999999999-abcdef', // spikeforge 0.1: judged by pid
      notOurs: 'results',
    };
    for (const n of Object.values(names)) mkdirSync(join(root, n));
    age(join(root, names.foreignOld), DAY + 60);
    age(join(root, names.foreignFresh), DAY - 3600);
    expect(removeStaleTemps(root).sort()).toEqual([names.foreignOld, names.deadHere, names.legacyDead].sort());
    expect(readdirSync(root).sort()).toEqual([names.foreignFresh, names.liveHere, names.notOurs].sort());
    expect(FOREIGN_TEMP_MAX_AGE_MS).toBe(DAY * 1000);

    const builds = tmp();
    const key = 'a'.repeat(24);
    const b = {
      foreignFresh: `.${key}.tmp-4242-${OTHER}-00112233`,
      foreignOld: `.${key}.tmp-4243-${OTHER}-44556677`,
      deadHere: `.${key}.tmp-999999999-${MACHINE}-8899aabb`,
      legacyDead: `.${key}.tmp-999999999-ccddeeff`,
    };
    for (const n of [...Object.values(b), key]) mkdirSync(join(builds, n));
    age(join(builds, b.foreignOld), 2 * DAY);
    expect(removeStaleBuilds(builds).sort()).toEqual([b.foreignOld, b.deadHere, b.legacyDead].sort());
    expect(readdirSync(builds).sort()).toEqual([b.foreignFresh, key].sort());
  });
});

describe('model keys', () => {
  it('hold the architecture, OS, C runtime and the C++ compiler Verilator uses (Verilator), architecture and install path (Icarus)', async () => {
    const host = await verilatorHost();
    expect(host).toMatchObject({ arch: process.arch, platform: process.platform });
    expect(host['libc']).toMatch(/^glibc \d+\.\d+$|^unknown$/);
    const gxx = await execa(host['cxx']!, ['--version']);
    expect(host['cxxVersion']).toBe(String(gxx.stdout).split('\n')[0]!.trim());
    expect(icarusHost()).toEqual({ arch: process.arch, platform: process.platform, iverilog: expect.stringMatching(/\/iverilog$/) });
    // Each fact changes the key: a node of another kind builds its own entry.
    const d = design({ top: 'gray_rom', name: 'keyed', seqLen: 6 });
    const base = simKey(d.files, 'tb', 'Verilator 5', ['-O1'], 'top', host);
    for (const [k, v] of Object.entries({ arch: 'arm64', libc: 'glibc 2.31', cxxVersion: 'g++ (GCC) 13.1.0', cxx: '/opt/clang/bin/clang++' })) {
      expect(simKey(d.files, 'tb', 'Verilator 5', ['-O1'], 'top', { ...host, [k]: v }), k).not.toBe(base);
    }
    expect(simKey(d.files, 'tb', 'Verilator 5', ['-O1'], 'top', { ...host })).toBe(base);
  });
});

describe('several processes on one shared cache', () => {
  // A signal test with several real builds (about 30 s): full tier. `make test` keeps the
  // in-process race of two builds of one new model (test/faults.test.ts).
  it.skipIf(!FULL)(`a build SIGKILLed mid-way blocks and corrupts nothing: concurrent processes build and pass, one entry remains, the dead build is cleaned up, another machine's build is left alone${FULL ? '' : FULL_ONLY}`, async () => {
    const dir = tmp();
    const cache = join(dir, 'cache');
    const env = { SPIKEFORGE_CACHE_DIR: cache };
    const name = `shared_${process.pid}_${Date.now() % 100000}`;
    const raw = { top: 'gray_rom', name, seqLen: 13 };
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify(raw));
    const d = design(raw);
    const key = await verilatorSimKey(d.files, d.block.ports(d.derived));
    const root = join(cache, 'verilator');

    // Another machine is building the same model right now (its temporary folder holds a
    // half-built, broken binary), and one abandoned a build two days ago.
    const foreignLive = `.${key}.tmp-4242-${OTHER}-00112233`;
    const foreignOld = `.${key}.tmp-4243-${OTHER}-44556677`;
    for (const f of [foreignLive, foreignOld]) {
      mkdirSync(join(root, f, 'obj'), { recursive: true });
      writeFileSync(join(root, f, 'obj', 'Vsim'), '#!/bin/sh\nexit 99\n', { mode: 0o755 });
    }
    age(join(root, foreignOld), 2 * DAY);

    const verify = (out: string) => execa(process.execPath, [BIN, 'verify', cfg, '-o', join(dir, out), '-n', '2'], { reject: false, env, cwd: dir });
    // The victim: SIGKILLed once its build is under way (no chance to clean up); the tools
    // it started are killed too, as a scheduler kills a job's whole cgroup.
    const victim = verify('victim');
    const mine = new RegExp(`^\\.${key}\\.tmp-${victim.pid}-${MACHINE.replace('.', '\\.')}-[0-9a-f]+$`);
    let victimTemp: string | undefined;
    for (let i = 0; i < 2400 && !victimTemp; i++) {
      victimTemp = existsSync(root) ? readdirSync(root).find((e) => mine.test(e)) : undefined;
      if (!victimTemp) await new Promise((r) => setTimeout(r, 50));
    }
    expect(victimTemp, 'the victim started its build').toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    victim.kill('SIGKILL');
    expect((await victim).signal).toBe('SIGKILL');
    for (const pid of processesIn(join(root, victimTemp!))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    expect(readdirSync(root)).toContain(victimTemp);
    expect(readdirSync(root)).not.toContain(key);

    // Two processes build the same model at once on the same cache: both pass.
    const [a, b] = await Promise.all([verify('a'), verify('b')]);
    for (const r of [a, b]) {
      expect(r.exitCode, String(r.stderr)).toBe(0);
      expect(String(r.stdout)).toMatch(/PASS bit-exact/);
    }
    // One entry; the dead build's folder is gone (removed by the builds that followed); the
    // other machine's live build is untouched and was never used; its abandoned one is gone.
    const entries = readdirSync(root).filter((e) => e.includes(key)).sort();
    expect(entries).toEqual([foreignLive, key].sort());
    expect(readFileSync(join(root, foreignLive, 'obj', 'Vsim'), 'utf8')).toContain('exit 99');
    // A later process reads the entry back.
    const c = await verify('c');
    expect(c.exitCode, String(c.stderr)).toBe(0);
    expect(String(c.stdout)).toMatch(/model from cache/);
    expect(readdirSync(cache).filter((e) => /^(tool|run)-/.test(e))).toEqual([]);
  });
});

describe('portability check results are cached by content', () => {
  it('a second gate on the same design runs no tool; a failing lint is never cached; one changed byte is a new key', async () => {
    const { cachedCheck, designKey } = await import('../src/tools/check-cache.js');
    const d = design({ top: 'gray_rom', name: 'chk_cache', seqLen: 7 });
    // A fresh nonce: the cache outlives the test run, and this test must start cold.
    const nonce = `${process.pid}-${Date.now()}-${Math.random()}`;
    const key = { design: designKey(d.files, d.topModule), tool: 'test', nonce };
    let runs = 0;
    const run = async () => {
      runs++;
      return { luts: 3 };
    };
    expect(await cachedCheck('unit', key, run)).toEqual({ luts: 3 });
    expect(await cachedCheck('unit', key, run)).toEqual({ luts: 3 });
    expect(runs).toBe(1);
    // A failure is not stored: the next call runs again.
    const failing = { ...key, tool: 'failing' };
    await expect(cachedCheck('unit', failing, async () => Promise.reject(new Error('lint failed')))).rejects.toThrow('lint failed');
    expect(await cachedCheck('unit', failing, run)).toEqual({ luts: 3 });
    expect(runs).toBe(2);
    // Another design (one byte of one file) is another key.
    const edited = d.files.map((f) => (f.path.endsWith('_gray_rom.sv') ? { ...f, content: `${f.content} ` } : f));
    await cachedCheck('unit', { design: designKey(edited, d.topModule), tool: 'test', nonce }, run);
    expect(runs).toBe(3);
  });
});

describe('tool probes (versions and install folders in every model key)', () => {
  it('are remembered on disk while the executable is the same file, and asked again when it changes', async () => {
    const { probeTool } = await import('../src/tools/run.js');
    const dir = tmp();
    const counter = join(dir, 'count');
    writeFileSync(counter, '0');
    // A tool that prints how often it has been run.
    const exe = join(dir, 'fake-tool');
    writeFileSync(exe, `#!/bin/sh\nn=$(($(cat ${counter}) + 1)); echo $n > ${counter}; echo "fake-tool run $n"\n`, { mode: 0o755 });
    expect(await probeTool(exe, ['--version'], 'reporting its version')).toBe('fake-tool run 1');
    expect(await probeTool(exe, ['--version'], 'reporting its version')).toBe('fake-tool run 1');
    expect(readFileSync(counter, 'utf8').trim()).toBe('1');
    // Other arguments are another question.
    expect(await probeTool(exe, ['-V'], 'reporting its version')).toBe('fake-tool run 2');
    // An upgraded tool is another file (here: a new modification time).
    age(exe, 60);
    expect(await probeTool(exe, ['--version'], 'reporting its version')).toBe('fake-tool run 3');
  });
});
