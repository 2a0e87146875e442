/**
 * Config fuzzing (fast-check). Bounded inside `make test`; `make fuzz` runs the long
 * version (SPIKEFORGE_FUZZ=long: at least 500 valid and 500 invalid configs).
 *
 *   valid configs of every registered block → generate (deterministic), Verilator -Wall
 *   lint clean, Icarus compiles; a fixed fraction also through Yosys synth_ice40 and a
 *   short bit-exact co-simulation;
 *   invalid configs (one fault each) → `generate` exits 2 naming the key, no stack trace,
 *   no output folder.
 *
 * The seed is printed; SPIKEFORGE_FUZZ_SEED=<n> replays a run. A failure is shrunk by
 * fast-check to a minimal config, saved under test/fixtures/fuzz-regressions/, and every
 * saved fixture is replayed here first.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blocks } from '../src/design/registry.js';
import { BLOCK_NAMES, type BlockName } from '../src/base/config.js';
import { BOUNDED_CAPS, invalidConfigArb, LONG_CAPS, validConfigArb, type InvalidCase, type RawConfig } from '../src/fuzz/configs.js';
import { checkInvalidConfig, checkValidConfig, VALID_STAGES, type ValidStage } from '../src/fuzz/check.js';
import { shortHash } from '../src/base/hash.js';

const LONG = process.env['SPIKEFORGE_FUZZ'] === 'long';
const SEED = Number(process.env['SPIKEFORGE_FUZZ_SEED'] ?? (LONG ? Date.now() % 2 ** 31 : 20261128));
const FIXTURES = resolve(__dirname, 'fixtures', 'fuzz-regressions');
const REGISTERED = BLOCK_NAMES.filter((b) => blocks[b]);
const caps = LONG ? LONG_CAPS : BOUNDED_CAPS;

const plan = LONG
  ? { validPerBlock: Math.ceil(520 / Math.max(1, REGISTERED.length)), yosysEvery: 5, cosimEvery: 5, invalid: 520, cliEvery: 20, timeout: 6 * 3600_000 }
  : { validPerBlock: 3, yosysEvery: 3, cosimEvery: 3, invalid: 80, cliEvery: 20, timeout: 300_000 };

// eslint-disable-next-line no-console
const say = (line: string) => console.log(`[fuzz] ${line}`);
say(`${LONG ? 'long' : 'bounded'} run, seed ${SEED} (replay with SPIKEFORGE_FUZZ_SEED=${SEED}${LONG ? ' SPIKEFORGE_FUZZ=long' : ''})`);

function saveFixture(name: string, body: Record<string, unknown>, dir = FIXTURES): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}-seed${SEED}-${shortHash(body).slice(0, 8)}.json`);
  writeFileSync(path, `${JSON.stringify({ ...body, seed: SEED, found: new Date().toISOString().slice(0, 10) }, null, 2)}\n`);
  return path;
}

/** Runs a property; on failure saves the shrunk counterexample and fails with its problem. */
async function fuzz<T>(
  label: string,
  arb: fc.Arbitrary<T>,
  runs: number,
  seed: number,
  check: (value: T, index: number, shrinking: boolean) => Promise<string | null>,
  fixture: (value: T, problem: string) => { name: string; body: Record<string, unknown> },
): Promise<void> {
  let index = 0;
  let shrinking = false;
  const result = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      const problem = await check(value, index++, shrinking);
      if (problem) shrinking = true;
      return problem === null;
    }),
    { seed, numRuns: runs },
  );
  if (!result.failed) return;
  const minimal = result.counterexample![0] as T;
  const problem = (await check(minimal, -1, true)) ?? '(passes when replayed alone: flaky)';
  const { name, body } = fixture(minimal, problem);
  const path = saveFixture(name, { ...body, problem });
  throw new Error(`${label}: failure after ${result.numRuns} runs (seed ${seed}, path ${result.counterexamplePath}), shrunk to ${path}:\n${problem}`);
}

describe('fuzz regression fixtures', () => {
  const files = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort() : [];
  it('are all readable', () => {
    for (const f of files) expect(['valid', 'invalid']).toContain(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')).kind);
  });
  for (const f of files) {
    const fx = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as { kind: string; block?: BlockName; config?: RawConfig; case?: InvalidCase };
    const runnable = fx.kind === 'invalid' || (fx.block !== undefined && Boolean(blocks[fx.block]));
    it.skipIf(!runnable)(`${f} still passes`, async () => {
      if (fx.kind === 'valid') {
        expect(await checkValidConfig(fx.config!, { yosys: true, cosim: true, vectors: 3, seed: 1 })).toBeNull();
      } else {
        expect(await checkInvalidConfig(fx.case!, 'in-process')).toBeNull();
        expect(await checkInvalidConfig(fx.case!, 'cli')).toBeNull();
      }
    });
  }
});

describe('valid configs', () => {
  BLOCK_NAMES.forEach((b, bi) => {
    const name = blocks[b]
      ? `${b}: ${plan.validPerBlock} random valid configs generate, lint clean (-Wall), compile under Icarus; 1 in ${plan.yosysEvery} synthesises, 1 in ${plan.cosimEvery} co-simulates bit-exact`
      : `PENDING ${b}: block not registered yet`;
    it.skipIf(!blocks[b])(
      name,
      async () => {
        const stats = { configs: 0, yosys: 0, cosim: 0 };
        let failedAt: ValidStage = 'co-simulation';
        await fuzz(
          b,
          validConfigArb(b, caps),
          plan.validPerBlock,
          SEED + bi,
          async (raw, k, shrinking) => {
            const yosys = shrinking || k % plan.yosysEvery === 0;
            const cosim = shrinking || k % plan.cosimEvery === 0;
            if (!shrinking) {
              stats.configs++;
              if (yosys) stats.yosys++;
              if (cosim) stats.cosim++;
            }
            // While shrinking, only the stages up to the one that failed need to run.
            const problem = await checkValidConfig(raw, { yosys, cosim, vectors: 3, seed: SEED, stopAfter: shrinking ? failedAt : undefined });
            if (problem && !shrinking) failedAt = VALID_STAGES.find((s) => problem.startsWith(`${s}:`)) ?? 'co-simulation';
            return problem;
          },
          (config, problem) => ({ name: `valid-${b}`, body: { kind: 'valid', block: b, config, problem } }),
        );
        say(`valid ${b}: ${stats.configs} configs, all lint clean and compiled by Icarus; ${stats.yosys} synthesised, ${stats.cosim} co-simulated`);
        expect(stats.configs).toBe(plan.validPerBlock);
      },
      plan.timeout,
    );
  });
});

describe('invalid configs', () => {
  it(
    `${plan.invalid} random invalid configs (one fault each) exit 2 naming the key, with no stack trace and no output (1 in ${plan.cliEvery} as a real process)`,
    async () => {
      const kinds: Record<string, number> = {};
      let cli = 0;
      await fuzz(
        'invalid configs',
        invalidConfigArb(REGISTERED, caps),
        plan.invalid,
        SEED + 100,
        async (c, k, shrinking) => {
          const via = !shrinking && k % plan.cliEvery === 0 ? 'cli' : 'in-process';
          if (!shrinking) {
            kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
            if (via === 'cli') cli++;
          }
          return checkInvalidConfig(c, via);
        },
        (c, problem) => ({ name: `invalid-${c.kind}`, body: { kind: 'invalid', case: c, problem } }),
      );
      say(`invalid: ${Object.values(kinds).reduce((a, b) => a + b, 0)} configs (${cli} through the real CLI): ${JSON.stringify(kinds)}`);
      expect(Object.keys(kinds).length).toBeGreaterThanOrEqual(LONG ? 10 : 5);
    },
    plan.timeout,
  );
});

describe('the fuzz checks can fail', () => {
  it('flags a config that does not even generate, naming the stage', async () => {
    // A grid whose rows·cols is not seqLen never gets to RTL: the stage named is generate.
    expect(await checkValidConfig({ top: 'gray_rom', name: 'fz_bad', seqLen: 5, grid: { rows: 2, cols: 2 } }, { yosys: false, cosim: false, vectors: 1, seed: 1 })).toMatch(
      /^generate: ConfigError: config key "grid"/,
    );
  });

  it('flags an invalid case when the expected key is not the one named', async () => {
    const c: InvalidCase = { kind: 'test', config: { top: 'gray_rom', name: 'fz_x', seqLen: 0 }, files: {}, key: 'dim', message: null, raw: null };
    expect(await checkInvalidConfig(c, 'in-process')).toMatch(/does not name config key "dim"/);
  });

  it('flags a "bad" config that generate accepts (exit 0, output folder written)', async () => {
    const c: InvalidCase = { kind: 'test', config: { top: 'gray_rom', name: 'fz_ok', seqLen: 4 }, files: {}, key: 'seqLen', message: null, raw: null };
    const problem = await checkInvalidConfig(c, 'in-process');
    expect(problem).toMatch(/exit 0, expected 2/);
    expect(problem).toMatch(/an output folder was created/);
  });

  it('shrinks a failing case to a minimal config and saves it as a fixture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-fx-'));
    let saved = '';
    await expect(
      (async () => {
        let shrinking = false;
        const r = await fc.check(
          fc.asyncProperty(validConfigArb('gray_rom', { ...BOUNDED_CAPS, seqLen: 64 }), async (raw) => {
            // A stand-in bug: every design with more than 20 tokens fails.
            const bad = Number(raw['seqLen']) > 20;
            if (bad) shrinking = true;
            return !bad;
          }),
          { seed: 7, numRuns: 200 },
        );
        expect(shrinking).toBe(true);
        const minimal = r.counterexample![0] as RawConfig;
        saved = saveFixture('valid-gray_rom', { kind: 'valid', block: 'gray_rom', config: minimal, problem: 'stand-in' }, dir);
        throw new Error(`shrunk to seqLen ${minimal['seqLen']}`);
      })(),
    ).rejects.toThrow(/shrunk to seqLen 21$/);
    const fixture = JSON.parse(readFileSync(saved, 'utf8'));
    expect(fixture).toMatchObject({ kind: 'valid', block: 'gray_rom', seed: SEED, config: { seqLen: 21 } });
  });
});
